from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api import services
from api.models import ApiClient, Scope
from tests.factories import unit

ALL_SCOPES = [s.value for s in Scope]


@pytest.fixture
def make_client(db):
    """A system client of a unit, and one live token for it."""

    def _make(name="Försörjningsstöd", unit_code="nykoping-jobbtorg", scopes=None, **kwargs):
        client = ApiClient(
            name=name,
            unit=unit(unit_code),
            scopes=ALL_SCOPES if scopes is None else scopes,
            expires_at=kwargs.pop("expires_at", timezone.now() + timedelta(days=365)),
            **kwargs,
        )
        services.client_save(client=client)
        return client, services.token_issue(client=client)

    return _make


class Api:
    """A test client that sends the bearer token and JSON."""

    def __init__(self, token: str):
        self.http = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path, params=None, **headers):
        return self.http.get(path, params or {}, headers={**self.headers, **headers})

    def post(self, path, body, **headers):
        return self.http.post(
            path, body, content_type="application/json", headers={**self.headers, **headers}
        )


@pytest.fixture
def api_a(make_client):
    client, token = make_client()
    api = Api(token)
    api.client = client
    return api


@pytest.fixture
def api_b(make_client):
    client, token = make_client(name="Linköping EB", unit_code="linkoping-arena")
    api = Api(token)
    api.client = client
    return api
