"""/api/ goes through API_MIDDLEWARE, every other path through MIDDLEWARE (issue 16)."""

from django.test import Client, override_settings
from django.utils import translation

from config.api_middleware import API_POLICY
from tests.api.test_participation_api import URL, refer
from tests.api.test_referrals_api import body
from tests.audit.test_hardening import production  # noqa: F401 (the fixture)


def test_an_api_answer_keeps_the_security_headers_and_no_store(api_a):
    refer(api_a)
    response = api_a.get(URL, {"personnummer": body()["personnummer"]})
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie


def test_a_refused_api_call_is_not_marked_no_store_and_sets_no_cookie(db):
    response = Client().get(URL, {"personnummer": body()["personnummer"]})
    assert response.status_code == 401
    assert not response.cookies


def test_production_adds_csp_and_https_to_the_api_and_keeps_the_full_chain_for_pages(
    production,  # noqa: F811
    api_a,
):
    assert production.API_MIDDLEWARE[-1] == "config.api_middleware.ApiContentSecurityPolicy"
    assert production.MIDDLEWARE[0] == "config.api_middleware.ApiPathMiddleware"
    pnr = body()["personnummer"]
    with override_settings(
        MIDDLEWARE=production.MIDDLEWARE,
        API_MIDDLEWARE=production.API_MIDDLEWARE,
        INSTALLED_APPS=production.INSTALLED_APPS,
        CONTENT_SECURITY_POLICY=production.CONTENT_SECURITY_POLICY,
        SECURE_HSTS_SECONDS=production.SECURE_HSTS_SECONDS,
        SECURE_SSL_REDIRECT=True,
        X_FRAME_OPTIONS=production.X_FRAME_OPTIONS,
    ):
        plain = api_a.get(URL, {"personnummer": pnr})
        api = api_a.http.get(URL, {"personnummer": pnr}, headers=api_a.headers, secure=True)
        page = Client().get("/konto/logga-in/", secure=True)
        missing = Client().get("/api/v1/nothing-here", secure=True)
    assert plain.status_code == 301  # plain http → https, as for the pages
    assert api.status_code == 404  # nobody referred: the API's own answer, not a login redirect
    assert api.json()["code"] == "not_found"
    assert api["Content-Security-Policy"] == API_POLICY  # data: nothing to load, run or frame
    assert api["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "no-store" in api["Cache-Control"]
    assert "csrftoken" in page.cookies  # the login page still has CSRF and its session
    assert "default-src 'self'" in page["Content-Security-Policy"]
    assert missing.status_code == 404  # the Swedish 404 page: a page, with the site's policy
    assert "default-src 'self'" in missing["Content-Security-Policy"]


def test_an_unknown_api_path_is_the_404_page_without_a_session(db):
    response = Client().get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert not response.cookies


def test_an_api_answer_is_in_swedish_unless_the_client_asks_for_english(api_a):
    """docs/api.md: the Swedish reason, or English with `Accept-Language: en`."""
    pnr = body()["personnummer"]  # nobody referred: the 404's reason
    swedish = api_a.get(URL, {"personnummer": pnr})
    with translation.override("sv"):  # the request activates its language in this thread
        english = api_a.get(URL, {"personnummer": pnr}, **{"Accept-Language": "en"})
    assert swedish.json()["detail"] == "Finns inte, eller ligger utanför klientens enhet."
    assert english.json()["detail"] == "Does not exist, or is outside the client's unit."
    assert (swedish["Content-Language"], english["Content-Language"]) == ("sv", "en")
    assert "Accept-Language" in swedish["Vary"] and "Accept-Language" in english["Vary"]
