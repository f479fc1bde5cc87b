"""/api/ answers through its own, short middleware chain (issue 16; docs/api.md).

A system client authenticates every request with its bearer token (api.auth): it has no
session, no CSRF cookie, no TOTP device, no login form to lock out, no messages and no
htmx. The browser's middleware for those (sessions, CSRF, authentication, the replica pin,
OTP, LoginRequired, the session timeout, messages, simple_history's request, htmx, axes,
whitenoise) cost a participation read more CPU than its query. `ApiPathMiddleware`, first
in MIDDLEWARE, sends a request whose path starts with /api/ through `API_MIDDLEWARE`
instead: the security headers (SecurityMiddleware, X-Frame-Options, CSP in production),
no-store for authenticated answers, the host check (Common), the language (`ApiLanguage`),
and simple_history's request, so a referral's history rows name the client's user. Every
other path goes on through MIDDLEWARE unchanged. The URLconf and the error handlers are
the same for both. In production `ApiContentSecurityPolicy` sets the CSP of /api/.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

API_PREFIX = "/api/"


class _ApiChain(BaseHandler):
    """Django's handler, with API_MIDDLEWARE in place of MIDDLEWARE (synchronous only:
    the app is served by WSGI; under ASGI Django adapts the outer middleware)."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list = []
        self._template_response_middleware: list = []
        self._exception_middleware: list = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(settings.API_MIDDLEWARE):
            try:
                instance = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


class ApiPathMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.api = _ApiChain()
        self.api.load_middleware()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        # Anonymous until the token authenticates (DRF then sets the client's user), so
        # the error pages and NoStoreMiddleware read a user as on every other path.
        request.user = AnonymousUser()
        return cast(HttpResponseBase, self.api._middleware_chain(request))


class ApiLanguage:
    """The language of an /api/ answer: the request's Accept-Language, else the site's
    (Swedish), with `Content-Language` and `Vary: Accept-Language`, as LocaleMiddleware
    gives them. LocaleMiddleware also looks for a language prefix in the path, twice a
    request, which no URL of the project has: 31 µs per request against 4 µs here (each in
    front of a bare view, 33–34 against 6.7–6.8 µs; a participation read is ~1 ms)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if "HTTP_ACCEPT_LANGUAGE" in request.META:
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


# An API answer is data, never a page to render, run or frame (OWASP REST Security
# Cheat Sheet, "Security headers").
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


class ApiContentSecurityPolicy:
    """The Content-Security-Policy of /api/, each policy built once per process (django-csp
    builds it per response: a tenth of a participation read's CPU). JSON gets API_POLICY; a
    page (the Swedish 404 of an unknown address) gets the site's policy, as every page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.page = build_policy()
        self.page_report_only = build_policy(report_only=True)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            response.setdefault(HEADER, API_POLICY)
            return response
        response.setdefault(HEADER, self.page)
        if self.page_report_only:
            response.setdefault(HEADER_REPORT_ONLY, self.page_report_only)
        return response
