"""One small world for access tests: two municipalities, every role, a skyddad person."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from casework.models import Case, Participant
from casework.services import case_assign_coach, note_add, samrad_record
from programmes.models import Programme
from referrals.services import referral_register
from tests.factories import UserFactory, make_pnr, unit


@dataclass
class World:
    users: dict
    case: Case
    skyddad: Case
    other: Case  # a case of the other municipality
    provider: Any = None  # tests.programmes.provider_world, where a test needs providers


def _refer(by, *, serial, unit_code="nykoping-jobbtorg", programme="JOBBTORG", **names):
    return referral_register(
        personnummer_value=make_pnr(date(1988, 3, 9), serial),
        gender="M",
        programme=Programme.objects.get(code=programme),
        unit=unit(unit_code),
        on=date(2026, 1, 2),
        income_support="EB_ARBETSLOSHET",
        by=by,
        **names,
    )


def build_world() -> World:
    a, b = unit("nykoping-jobbtorg"), unit("linkoping-arena")
    users: dict[str, Any] = {  # Any: factory_boy types UserFactory() as UserFactory
        "coordinator": UserFactory(username="samordnare_a", roles=["coordinator"], units=[a]),
        "coach_assigned": UserFactory(username="coach_a", roles=["coach"], units=[a]),
        "coach_same_unit": UserFactory(username="coach_a2", roles=["coach"], units=[a]),
        "coach_other_unit": UserFactory(username="coach_b", roles=["coach"], units=[b]),
        "coordinator_other": UserFactory(username="samordnare_b", roles=["coordinator"], units=[b]),
        "manager": UserFactory(username="chef_a", roles=["manager"], units=[a]),
        "auditor": UserFactory(username="granskare_a", roles=["auditor"], units=[a]),
        "anonymous": None,
    }
    coord = users["coordinator"]
    case = _refer(coord, serial=981, first_name="Ingrid", last_name="Testsson")
    skyddad = _refer(coord, serial=982, first_name="Hemlig", last_name="Skyddadsson")
    hidden = Participant.objects.get(pk=skyddad.participant_id)
    hidden.skyddad_identitet = True
    hidden.save()
    for c in (case, skyddad):
        case_assign_coach(case_id=c.pk, coach=users["coach_assigned"], by=coord)
        samrad_record(case_id=c.pk, on=date(2026, 1, 2), by=coord)
        note_add(case_id=c.pk, text="Första samtalet.", on=date(2026, 1, 3), by=coord)
    other = _refer(users["coordinator_other"], serial=983, unit_code="linkoping-arena")
    return World(users=users, case=case, skyddad=skyddad, other=other)
