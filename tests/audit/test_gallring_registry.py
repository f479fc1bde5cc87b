"""Issue 17 item 10: every free-text field has a gallring decision; the waiting list's
reason is purged; `--years 0` means zero years."""

from datetime import date

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models

from audit import text_registry
from referrals.models import WaitingListEntry
from tests.audit.test_gallra import TODAY, at, people, text_hits  # noqa: F401

PROJECT_APPS = ("programmes", "casework", "referrals", "audit", "surveys", "providers", "api")


def free_text_fields() -> set[str]:
    found = set()
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for f in model._meta.concrete_fields:
                if isinstance(f, models.CharField | models.TextField) and not f.choices:
                    found.add(f"{model._meta.label_lower}.{f.name}")
    return found


def test_every_free_text_field_has_a_recorded_gallring_decision():
    missing = free_text_fields() - set(text_registry.DECISIONS)
    assert not missing, f"Beslut saknas i audit/text_registry.py för: {sorted(missing)}"
    for name, (decision, reason) in text_registry.DECISIONS.items():
        assert decision in (text_registry.PURGE, text_registry.KEEP) and reason, name


@pytest.mark.django_db
def test_a_waiting_list_reason_does_not_survive_gallring(people):  # noqa: F811
    old = people["old"]
    WaitingListEntry.objects.create(
        case=old, programme=old.programme, insats_type="kartlaggning", decided_on=date(2020, 3, 1),
        reason="Purgida 19750505-5555 har missbruksproblem", queued_by=people["by"],
        extension_reason="Återkommer efter sjukskrivning för utmattning",
        resolved_at=TODAY, resolution="withdrawn",
    )  # fmt: skip
    with time_machine.travel(TODAY, tick=False):
        call_command("gallra", "--execute")
    assert text_hits("missbruksproblem") == [] and text_hits("utmattning") == []
    entry = WaitingListEntry.objects.get(case=old)
    assert (entry.reason, entry.extension_reason) == ("", "")


@pytest.mark.django_db
def test_years_zero_means_zero_years_not_the_default(people, capsys):  # noqa: F811
    with at(date(2030, 3, 2)):
        call_command("gallra", "--years", "0")
    out = capsys.readouterr().out
    assert f"deltagare #{people['recent_note'].participant_id}" in out
    assert "2 personer skulle gallras" in out
