"""The web load probe over a real HTTP server: every counted POST is a state change."""

from datetime import date

import pytest

from bench import load_probe
from casework.models import Case, Transition
from casework.services import case_start_insats, samrad_record


@pytest.fixture
def probe(monkeypatch):
    # One coach: the live server shares SQLite's in-memory connection between its threads.
    monkeypatch.setattr(load_probe, "USERS", 1)
    monkeypatch.setattr(load_probe, "CASELOAD", 2)
    monkeypatch.setattr(load_probe, "REQUESTS", 3)
    return load_probe


def test_each_post_moves_one_case_and_a_refusal_is_no_sample(
    reseeded, live_server, probe, refer, coordinator
):
    cases = []
    for _ in range(3):
        case = refer()
        samrad_record(case_id=case.pk, on=date(2026, 1, 2), by=coordinator)
        case_start_insats(
            case_id=case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=coordinator
        )
        cases.append(case)
    refer()  # in aktualisering: a coach may not make its first move, so it is not prepared
    setup = probe.setup()
    prepared = sorted(pk for user in setup["users"] for pk in user["cases"])
    assert prepared == sorted(c.pk for c in cases)
    refused = setup["users"][0]["cases"][1]  # moved by someone else before the coach tries
    case_start_insats(case_id=refused, insats="jobbsok", on=date(2026, 1, 6), by=coordinator)

    port = live_server.url.rsplit(":", 1)[1]
    result = probe.drive(f"http://127.0.0.1:{port}", setup, setup["today"])

    assert result["caseload"]["requests"] == 3
    assert result["state_change"]["requests"] == 2
    assert result["errors"] == {
        "start_jobbsok: HTTP 403 Åtgärden är inte tillåten för dig i ärendets nuvarande läge.": 1
    }
    assert probe.verify(setup) == 2
    assert set(Case.objects.filter(pk__in=prepared).values_list("state", flat=True)) == {"jobbsok"}
    assert Transition.objects.filter(to_state="jobbsok").count() == 3
