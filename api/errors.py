"""One error shape for every refusal: `{"code": …, "detail": …, "reasons": […]}` (issue 16).

`code` is stable and machine-readable; `detail` and `reasons` are the Swedish text the
rules give the web form, so a caller can show the handläggare the same reason.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from casework.rules import CaseRuleError
from referrals.services import OpenCaseExists


class ApiRefusal(exceptions.APIException):
    def __init__(self, code: str, detail: str, status_code: int, reasons=None):
        super().__init__(detail)
        self.code, self.status_code = code, status_code
        self.reasons = list(reasons or [detail])


CODES = {
    exceptions.NotAuthenticated: "unauthenticated",
    exceptions.AuthenticationFailed: "invalid_token",
    exceptions.PermissionDenied: "missing_scope",
    exceptions.NotFound: "not_found",
    exceptions.Throttled: "rate_limited",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "malformed_request",
    exceptions.ValidationError: "invalid_request",
}


def _reasons(data) -> list[str]:
    if isinstance(data, dict):
        return [f"{k}: {r}" if k != "detail" else r for k, v in data.items() for r in _reasons(v)]
    if isinstance(data, list):
        return [r for item in data for r in _reasons(item)]
    return [str(data)]


def handler(exc, context):
    """DRF's handler (headers such as Retry-After and WWW-Authenticate), in our shape."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiRefusal):
        response.data = {"code": exc.code, "detail": str(exc.detail), "reasons": exc.reasons}
        return response
    code = next((c for t, c in CODES.items() if isinstance(exc, t)), "error")
    reasons = _reasons(response.data)
    detail = reasons[0] if len(reasons) == 1 else _("Anropet innehåller fel.")
    response.data = {"code": code, "detail": detail, "reasons": reasons}
    return response


def refusal_of(error: Exception) -> ApiRefusal:
    """A refusal from the services as the API's answer: same reason, a stable code."""
    if isinstance(error, OpenCaseExists):
        return ApiRefusal("open_case_exists", error.messages[0], status.HTTP_409_CONFLICT)
    if isinstance(error, DjangoPermissionDenied):
        return ApiRefusal("forbidden", str(error), status.HTTP_403_FORBIDDEN)
    if isinstance(error, CaseRuleError):
        messages = error.messages
        coded = [e.code for e in getattr(error, "error_list", []) if e.code]
        return ApiRefusal(coded[0] if coded else "rule_refused", messages[0], 422, messages)
    if isinstance(error, DjangoValidationError):
        code = f"invalid_{getattr(error, 'code', None) or 'value'}"
        return ApiRefusal(code, error.messages[0], 422, error.messages)
    raise error


def not_found() -> ApiRefusal:
    return ApiRefusal("not_found", _("Finns inte, eller ligger utanför klientens enhet."), 404)
