"""Bearer tokens of system clients, and the scope each endpoint needs (issue 16)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.negotiation import DefaultContentNegotiation

from .services import token_check
from .throttling import database_minute


class ClientTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer amk_…`; an unknown, revoked or expired token is a 401."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _sep, raw = header.partition(" ")
        if keyword != self.keyword or not raw.strip():
            raise exceptions.AuthenticationFailed(_("Ange en token: Authorization: Bearer …"))
        found = token_check(raw.strip(), minute=database_minute())
        if found is None:
            raise exceptions.AuthenticationFailed(_("Okänd eller återkallad token."))
        client, request.api_rate_count = found
        if not client.is_live(timezone.now()):
            raise exceptions.AuthenticationFailed(_("Klientens behörighet har gått ut."))
        request.api_client = client
        return client.user, client

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class HasScope(permissions.BasePermission):
    """The view's `required_scope` must be one of the client's scopes; else 403."""

    message = _("Klienten saknar behörigheten för detta anrop.")

    def has_permission(self, request, view) -> bool:
        client = getattr(request, "api_client", None)
        if client is None:
            return False
        return client.has_scope(view.required_scope)


def client_of(request):
    return request.api_client


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = ClientTokenAuthentication
    name = "clientToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Token från administratören."}


class JsonNegotiation(DefaultContentNegotiation):
    """The endpoints answer JSON only: a request that takes JSON, or does not say, gets it
    without DRF parsing the Accept list (an eighth of a participation read's CPU); any
    other Accept goes through DRF's negotiation (406 where nothing fits)."""

    plain = frozenset({"", "*/*", "application/json"})

    def select_renderer(self, request, renderers, format_suffix=None):
        override = self.settings.URL_FORMAT_OVERRIDE
        if len(renderers) == 1 and not format_suffix and override not in request.query_params:
            accept = request.META.get("HTTP_ACCEPT", "")
            if accept in self.plain and renderers[0].media_type == "application/json":
                return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
