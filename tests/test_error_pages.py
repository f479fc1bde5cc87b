"""Logging out lands on our page, and errors are Swedish pages in the app's layout."""

import pytest
from django.test import RequestFactory

from config import errors
from tests.factories import UserFactory, unit


@pytest.mark.django_db
def test_logout_lands_on_our_logged_out_page_linking_our_login(client):
    client.force_login(UserFactory(roles=["coach"], units=[unit()]))
    html = client.post("/konto/logga-ut/").content.decode()
    assert "Du är utloggad" in html
    assert 'href="/konto/logga-in/"' in html
    assert "/admin/" not in html and "Django" not in html


@pytest.mark.django_db
def test_login_again_from_the_logged_out_page_accepts_a_coachs_password(client):
    user = UserFactory(username="coachen", roles=["coach"], units=[unit()])
    user.set_password("rätt-lösenord-1")
    user.save()
    response = client.post(
        "/konto/logga-in/", {"username": "coachen", "password": "rätt-lösenord-1"}
    )
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.django_db
def test_missing_page_is_a_swedish_404_in_the_layout_without_the_url_list(client):
    client.force_login(UserFactory(roles=["coach"], units=[unit()]))
    response = client.get("/finns-inte/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Sidan finns inte" in html and "Logga ut" in html
    assert "URLconf" not in html and "aktualiseringar/" not in html


@pytest.mark.parametrize(
    ("handler", "status", "title"),
    [
        (errors.bad_request, 400, "Felaktig begäran"),
        (errors.permission_denied, 403, "Åtkomst nekad"),
    ],
)
@pytest.mark.django_db
def test_400_and_403_are_swedish(handler, status, title, rf: RequestFactory):
    request = rf.get("/")
    request.user = UserFactory.create()
    response = handler(request, Exception())
    assert response.status_code == status and title in response.content.decode()


def test_500_renders_swedish_without_a_request_context(rf: RequestFactory):
    response = errors.server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel" in html and '<html lang="sv">' in html
