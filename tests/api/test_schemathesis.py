"""Schemathesis against the committed schema, through the WSGI app (bounded; issue 16).

Every operation gets a fixed number of generated requests with a valid token; each
response must not be a 5xx and must match the schema: status, content type, headers, body;
and a request that breaks the schema must be refused. `positive_data_acceptance` is left
out: a schema-valid request that the rules refuse (a personnummer with a wrong check
digit, an ineligible person) is answered 422 with the rule's reason, by design.
"""

from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES_PER_OPERATION = 30
SCHEMA = schemathesis.openapi.from_path(
    Path(__file__).resolve().parents[2] / "api" / "openapi.yaml"
)
SCHEMA.app = get_wsgi_application()


@pytest.fixture
def token(make_client):
    """A token, and the app kept off the connection-closing signals, as Django's test client
    does: the WSGI handler would otherwise close the test's transaction on PostgreSQL."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    _client, raw = make_client(name="Schemathesis", requests_per_minute=1_000_000)
    yield raw
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_500_or_outside_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[positive_data_acceptance],
    )
