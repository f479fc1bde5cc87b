"""The endpoints of /api/v1/: parse, check the scope, call one service or selector, answer."""

from __future__ import annotations

import functools
import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import log_read
from casework import personnummer
from casework.rules import baseline_missing
from casework.signals import scope_refused
from programmes.models import Programme
from referrals.lookup import tell_if_protected
from referrals.services import OpenCaseExists

from . import selectors
from .errors import ApiRefusal, not_found, refusal_of
from .models import IdempotencyKey, Scope
from .serializers import (
    ErrorSerializer,
    EventPageSerializer,
    ParticipationSerializer,
    ReferralInSerializer,
    ReferralOutSerializer,
)
from .services import referral_register_once

ERRORS = {
    code: OpenApiResponse(ErrorSerializer) for code in (400, 401, 403, 404, 406, 409, 415, 422, 429)
}


def _errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in (400, 401, 403, 406, 429, *codes)}


class ApiView(APIView):
    required_scope = ""

    def parsed(self, serializer_class, data):
        # A plain dict, so an empty `?tertial=` is refused, not read as absent; and a name
        # the endpoint does not know is refused, not silently ignored.
        if hasattr(data, "dict"):
            unknown = sorted(set(data) - _names(serializer_class))
            if unknown:
                message = _("Okänd parameter: %(p)s.") % {"p": ", ".join(unknown)}
                raise ApiRefusal("unknown_parameter", message, 400)
            data = data.dict()
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@functools.cache
def _names(serializer_class) -> frozenset[str]:
    """The parameters an endpoint knows (building a serializer's fields costs CPU)."""
    return frozenset(serializer_class().fields)


def _pnr(value: str) -> str:
    try:
        return personnummer.parse(value).canonical
    except ValidationError as error:
        raise ApiRefusal("invalid_personnummer", error.messages[0], 422) from error


class ReferralsView(ApiView):
    required_scope = Scope.REFERRALS_WRITE

    @extend_schema(
        operation_id="referrals_create",
        request=ReferralInSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Samma nyckel igen ger samma ärende, aldrig ett till.",
            )
        ],
        responses={201: ReferralOutSerializer, **_errors(409, 415, 422)},
    )
    def post(self, request):
        """Register a referral through `referral_register`, the form's and the import's service."""
        client, key = request.api_client, _idempotency_key(request)
        data = self.parsed(ReferralInSerializer, request.data)
        body = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
        if key and (replay := _replay(client, key, body)) is not None:
            return replay
        fields = {name: data[name] for name in PASSED_THROUGH} | {
            "personnummer_value": _pnr(data["personnummer"]),
            "programme": _programme(data["programme"]),
            "on": data["referred_on"],
        }
        try:
            case = referral_register_once(client=client, key=key, body_digest=body, **fields)
        except (OpenCaseExists, IntegrityError) as error:
            # A concurrent request with the same key may have won: answer as its replay.
            if key and (replay := _replay(client, key, body)) is not None:
                return replay
            if isinstance(error, IntegrityError):
                raise
            raise refusal_of(error) from error
        except (ValidationError, PermissionDenied) as error:
            tell_if_protected(error)
            raise refusal_of(error) from error
        return Response(_referral_out(case), status=status.HTTP_201_CREATED)


PASSED_THROUGH = [
    "gender",
    "income_support",
    "first_name",
    "last_name",
    "source",
    "risk_note",
    "referring_officer",
    "referring_contact",
    "referral_reason",
    "baseline_step",
]


def _idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200 or not key.isprintable():
        message = _("Idempotency-Key får vara högst 200 skrivbara tecken.")
        raise ApiRefusal("invalid_idempotency_key", message, 400)
    return key


def _programme(code: str) -> Programme:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        message = _("Okänt program: %(code)s.") % {"code": code}
        raise ApiRefusal("unknown_programme", message, 422)
    return programme


def _referral_out(case) -> dict:
    return {
        "case_id": case.pk,
        "state": case.state,
        "programme": case.programme.code,
        "unit": case.unit.code,
        "referred_on": case.referred_on,
        "baseline_step": case.baseline_step,
        "baseline_required": baseline_missing(case),
    }


def _replay(client, key: str, body: str) -> Response | None:
    used = (
        IdempotencyKey.objects.filter(client=client, key=key)
        .select_related("case__programme", "case__unit")
        .first()
    )
    if used is None:
        return None
    if used.body_digest != body:
        raise ApiRefusal(
            "idempotency_key_reused",
            _("Idempotency-Key har redan använts för en annan aktualisering."),
            422,
        )
    response = Response(_referral_out(used.case), status=status.HTTP_201_CREATED)
    response["Idempotent-Replayed"] = "true"
    return response


class ParticipationQuery(serializers.Serializer):
    personnummer = serializers.CharField(max_length=13)


class ParticipationView(ApiView):
    required_scope = Scope.STATUS_READ

    @extend_schema(
        operation_id="participation_read",
        parameters=[ParticipationQuery],
        responses={200: ParticipationSerializer, **_errors(404, 422)},
    )
    def get(self, request):
        """Is the person in an insats (aktivitetskrav): only persons this client's unit referred."""
        canonical = _pnr(self.parsed(ParticipationQuery, request.query_params)["personnummer"])
        found = selectors.participation(request.user, canonical)
        if found is None:
            scope_refused.send(sender=ParticipationView, user=request.user, route=request.path)
            raise not_found()
        log_read(
            user=request.user,
            client=request.api_client,
            action="api.participation",
            participant_ids=[found.pop("participant_id")],
            route=request.path,
        )
        return Response(found)


class EventsQuery(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, required=False, default=0)


class EventsView(ApiView):
    required_scope = Scope.STATUS_READ

    @extend_schema(
        operation_id="events_list",
        parameters=[EventsQuery],
        responses={200: EventPageSerializer, **_errors()},
    )
    def get(self, request):
        """Referrals, insats starts and exits in the client's scope, after the cursor."""
        after = self.parsed(EventsQuery, request.query_params)["after"]
        page, cursor = selectors.events(request.user, after=after)
        if page:
            log_read(
                user=request.user,
                client=request.api_client,
                action="api.events",
                participant_ids=[e.pop("participant_id") for e in page],
                route=request.path,
                filter_description=f"after={after}",
            )
        return Response({"events": page, "next": cursor})
