"""seed_demo: refuses without DEBUG, builds every role and the edges, runs twice safely."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from casework.models import Case, ImportBatch, Participant, Transition
from referrals.management.commands.seed_demo import Command, edge_rows

pytestmark = pytest.mark.django_db
ROLES = ["coordinator", "coach", "manager", "admin", "auditor"]


@override_settings(DEBUG=False)
def test_refuses_without_debug_unless_told():
    with pytest.raises(CommandError, match="--i-know"):
        call_command("seed_demo")
    assert not Case.objects.exists()


@override_settings(DEBUG=True)
def test_builds_roles_history_and_edges_and_is_idempotent(capsys):
    call_command("seed_demo", "--persons", "40")
    out = capsys.readouterr().out
    for role in ROLES:
        assert f"demo-{role} / demo-{role}" in out
        assert User.objects.get(username=f"demo-{role}").units.get().code == "nykoping-jobbtorg"
        assert User.objects.get(username=f"sikta-{role}").units.get().code == "sikta-sodra"
    today = timezone.localdate()
    assert Participant.objects.count() > 40
    assert Transition.objects.exclude(batch=None).exists(), "history came through the importer"
    assert Case.objects.open().filter(deadline__lt=today).exists(), "an overstay"
    assert (
        Case.objects.open()
        .filter(deadline__gte=today, deadline__lte=today + timedelta(days=14))
        .exists()
    )
    assert Participant.objects.filter(skyddad_identitet=True).count() == 1
    assert any(int(p[6:8]) > 60 for p in Participant.objects.values_list("personnummer", flat=True))
    assert set(Participant.objects.values_list("gender", flat=True)) == {"K", "M", "X"}
    assert Case.objects.filter(coach__username="sikta-coach").exists()
    counts = (Participant.objects.count(), Case.objects.count(), ImportBatch.objects.count())

    call_command("seed_demo", "--persons", "40")
    assert "Demodata finns redan." in capsys.readouterr().out
    assert counts == (
        Participant.objects.count(),
        Case.objects.count(),
        ImportBatch.objects.count(),
    )


def test_default_is_a_few_hundred_persons():
    parser = Command().create_parser("manage.py", "seed_demo")
    assert parser.parse_args([]).persons >= 200


def test_edge_rows_use_the_fictitious_serials():
    rows, skyddad = edge_rows(timezone.localdate())
    assert all(980 <= int(r["personnummer"][8:11]) <= 999 for r in rows)
    assert skyddad in {r["personnummer"] for r in rows}
