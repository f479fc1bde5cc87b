"""seed_demo gives every agreement its own demo: county parts, providers, target groups."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings

from casework.models import Attendance, Case, TargetGroupFacts
from providers.selectors import placed_cases
from referrals.management.commands.seed_demo import AGREEMENT_LOGINS
from surveys.models import SurveyResponse
from surveys.selectors import results

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_seed_demo_builds_each_agreements_demo(capsys):
    call_command("seed_demo", "--persons", "30")
    out = capsys.readouterr().out
    for name in AGREEMENT_LOGINS:
        assert f"{name} / {name}" in out
        assert User.objects.filter(username=name).exists()
    for part in ("sikta-norra", "sikta-vastra"):
        cases = Case.objects.filter(unit__code=part)
        assert cases.exists() and all(c.home_municipality.unit.code == part for c in cases)
    bilda = User.objects.get(username="bilda-leverantor")
    assert placed_cases(bilda).count() == 2
    assert Attendance.objects.filter(case__in=placed_cases(bilda)).count() == 14
    assert TargetGroupFacts.objects.filter(case__programme__code="AME_JARFALLA").count() == 2
    assert SurveyResponse.objects.count() >= 5
    coordinator = User.objects.get(username="demo-coordinator")
    assert any(not f.hidden for f in results(coordinator)["inskrivning"])
