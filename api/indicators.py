"""GET /api/v1/indicators: the JSON of `manage.py indicators`, built by the same code."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from casework.indicators import board
from casework.management.commands.indicators import period_from
from programmes.models import Programme

from .errors import ApiRefusal, not_found
from .models import Scope
from .views import ApiView, _errors


class IndicatorsQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    tertial = serializers.IntegerField(min_value=1, max_value=3, required=False)
    programme = serializers.CharField(max_length=40, required=False)
    unit = serializers.CharField(
        max_length=40,
        required=False,
        help_text="Bara klientens egen enhet; siffrorna gäller då bara enhetens ärenden "
        '(svarets "unit"), se docs/indicators.md.',
    )


def client_programmes(client):
    """Programmes owned by or shared with the client's organisation, as the web report (S5)."""
    organisation = client.unit.organisation_id
    return Programme.objects.filter(Q(owner_id=organisation) | Q(shared_with=organisation))


class IndicatorsView(ApiView):
    required_scope = Scope.INDICATORS_READ

    @extend_schema(
        operation_id="indicators_read",
        parameters=[IndicatorsQuery],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Rapporten som `manage.py indicators`: `period`, `programme`, "
                "`indicators`, `previous_year` (samma period ett år tidigare, med egen "
                "`period`) och `goals` (programmets målvärden med värde och status; tom "
                "lista utan `programme`). Se docs/indicators.md.",
            ),
            **_errors(404, 422),
        },
    )
    def get(self, request):
        """Aggregates only, no personal data; the same report as the board's."""
        query = self.parsed(IndicatorsQuery, request.query_params)
        client = request.api_client
        if query.get("unit") not in (None, client.unit.code):
            raise not_found()
        options = {"year": query["year"], "tertial": query.get("tertial")}
        try:
            period = period_from({**options, "start": None, "end": None})
        except CommandError as error:
            raise ApiRefusal("invalid_period", str(error), 422) from error
        allowed = client_programmes(client)
        code = query.get("programme")
        if code:
            programme = allowed.filter(code=code).first()
            if programme is None:
                raise not_found()
            ids = [programme.pk]
        else:
            ids = sorted(set(allowed.values_list("pk", flat=True)))
        units = (
            {"unit_ids": [client.unit.pk], "unit_code": client.unit.code} if "unit" in query else {}
        )
        return Response(board.build_board(period, programme_ids=ids, programme_code=code, **units))
