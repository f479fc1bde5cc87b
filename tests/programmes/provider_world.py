"""A Bromodellen world: Arena's coordinator, Bilda's and Erikshjälpen's staff, a placed case."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from casework.models import Case, Participant
from casework.services import case_start_insats, note_add
from programmes.models import Organisation, Programme
from providers.services import placement_create
from referrals.services import referral_register
from tests.factories import UserFactory, make_pnr, unit


@dataclass
class ProviderWorld:
    coordinator: object
    bilda: object
    erikshjalpen: object
    placed: Case
    unplaced: Case
    skyddad: Case


def _refer(by, serial: int) -> Case:
    case = referral_register(
        personnummer_value=make_pnr(date(1987, 4, 12), serial),
        gender="K",
        programme=Programme.objects.get(code="BROMODELLEN"),
        unit=unit("linkoping-arena"),
        on=date(2026, 1, 2),
        income_support="EB_ANNAT",
        by=by,
        first_name="Lina",
        last_name=f"Placerad{serial}",
        baseline_step=1,
    )
    case_start_insats(case_id=case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=by)
    return case


def build_provider_world() -> ProviderWorld:
    arena = unit("linkoping-arena")
    coordinator: Any = UserFactory(
        username="koordinator_arena", roles=["coordinator", "coach"], units=[arena]
    )
    bilda = UserFactory(username="bilda_1", roles=["leverantor"], units=[unit("bilda-linkoping")])
    erik = UserFactory(
        username="erikshjalpen_1", roles=["leverantor"], units=[unit("erikshjalpen-linkoping")]
    )
    placed, unplaced, skyddad = (_refer(coordinator, s) for s in (701, 702, 703))
    note_add(
        case_id=placed.pk, text="Hemlig anteckning om hälsan.", on=date(2026, 1, 6), by=coordinator
    )
    hidden = Participant.objects.get(pk=skyddad.participant_id)
    hidden.skyddad_identitet = True
    hidden.save()
    org = Organisation.objects.get(code="bilda")
    for case in (placed, skyddad):
        placement_create(
            case_id=case.pk, provider=org, by=coordinator, planned_end=date(2026, 6, 30)
        )
    return ProviderWorld(coordinator, bilda, erik, placed, unplaced, skyddad)
