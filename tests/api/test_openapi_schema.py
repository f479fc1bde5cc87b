from pathlib import Path

from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[2] / "api" / "openapi.yaml"


def test_the_committed_schema_is_the_one_the_code_generates(tmp_path, db):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    assert generated.read_text() == COMMITTED.read_text(), (
        "api/openapi.yaml is stale: python manage.py spectacular --file api/openapi.yaml"
    )


def test_the_app_serves_the_schema_without_a_token(client):
    response = client.get("/api/v1/schema")
    assert response.status_code == 200
    assert b"/api/v1/participation" in response.content
