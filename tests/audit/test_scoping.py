"""The one scoping rule (S1–S5, P1): who sees which case, and who audits which."""

import pytest
from django.http import Http404

from audit.models import AccessLog, SecurityEvent
from casework.selectors import (
    auditable_cases,
    auditable_participant_or_404,
    case_in_scope_or_404,
    visible_cases,
    visible_participants,
)
from programmes.models import Organisation, Programme
from tests.audit.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_coach_sees_only_assigned_cases(world):
    assert ids(visible_cases(world.users["coach_assigned"])) == {world.case.pk, world.skyddad.pk}
    assert ids(visible_cases(world.users["coach_same_unit"])) == set()
    assert ids(visible_cases(world.users["coach_other_unit"])) == set()


def test_coordinator_sees_every_case_of_own_units_only(world):
    assert ids(visible_cases(world.users["coordinator"])) == {world.case.pk, world.skyddad.pk}
    assert ids(visible_cases(world.users["coordinator_other"])) == {world.other.pk}


def test_manager_and_auditor_see_no_case_records(world):
    assert ids(visible_cases(world.users["manager"])) == set()
    assert ids(visible_cases(world.users["auditor"])) == set()
    assert ids(visible_participants(world.users["manager"])) == set()


def test_auditor_audits_own_units_but_never_skyddad_identitet(world):
    assert ids(auditable_cases(world.users["auditor"])) == {world.case.pk}
    assert ids(auditable_cases(world.users["coordinator"])) == set()


def test_shared_programme_opens_cases_to_the_other_municipality_except_skyddad(world):
    """S5: a programme explicitly shared with an organisation; P1 still holds."""
    jobbtorg = Programme.objects.get(code="JOBBTORG")
    other_org = Organisation.objects.get(code="linkoping")
    other = world.users["coordinator_other"]
    assert world.case.pk not in ids(visible_cases(other))
    jobbtorg.shared_with.add(other_org)
    assert ids(visible_cases(other)) == {world.other.pk, world.case.pk}


def test_sharing_a_programme_is_kept_in_its_history(world):
    """Who may see a programme's cases (S5) is itself audited: each change is a version."""
    jobbtorg = Programme.objects.get(code="JOBBTORG")
    other_org = Organisation.objects.get(code="linkoping")
    versions = jobbtorg.history.count()
    jobbtorg.shared_with.add(other_org)
    jobbtorg.shared_with.remove(other_org)
    latest, shared = jobbtorg.history.order_by("-history_id")[:2]
    assert jobbtorg.history.count() == versions + 2
    assert [s.organisation_id for s in shared.shared_with.all()] == [other_org.pk]
    assert list(latest.shared_with.all()) == []


def test_refused_read_is_a_security_event_and_no_access_log(world):
    before = AccessLog.objects.count()
    with pytest.raises(Http404):
        case_in_scope_or_404(world.users["coach_same_unit"], world.case.pk, route="/x/")
    with pytest.raises(Http404):
        auditable_participant_or_404(world.users["auditor"], world.skyddad.participant_id)
    events = list(SecurityEvent.objects.filter(kind="scope_refused").order_by("pk"))
    assert [e.object_ref for e in events] == [
        f"case:{world.case.pk}",
        f"participant:{world.skyddad.participant_id}",
    ]
    assert events[0].user == world.users["coach_same_unit"]
    assert AccessLog.objects.count() == before


def test_missing_id_and_out_of_scope_answer_alike(world):
    with pytest.raises(Http404):
        case_in_scope_or_404(world.users["coordinator"], 999_999)
    with pytest.raises(Http404):
        case_in_scope_or_404(world.users["coordinator"], world.other.pk)


def test_setting_and_clearing_skyddad_identitet_is_audited(world):
    """P4: each change of the flag is a security event with who and which person."""
    person = world.case.participant
    person.skyddad_identitet = True
    person._history_user = world.users["coordinator"]
    person.save()
    person.skyddad_identitet = False
    person.save()
    events = SecurityEvent.objects.filter(
        kind="skyddad_identitet", object_ref=f"participant:{person.pk}"
    ).order_by("pk")
    assert [(e.detail, e.object_ref, e.user) for e in events] == [
        ("satt", f"participant:{person.pk}", world.users["coordinator"]),
        ("borttagen", f"participant:{person.pk}", world.users["coordinator"]),
    ]
    assert person.history.count() >= 3  # simple-history keeps who changed it, too


def test_a_bulk_update_cannot_change_skyddad_identitet_unaudited(world):
    """P4: a queryset update would bypass the security event, so it is refused."""
    from casework.models import Participant
    from casework.rules import ImmutableRecordError

    people = Participant.objects.filter(pk=world.case.participant_id)
    with pytest.raises(ImmutableRecordError):
        people.update(skyddad_identitet=True)
    assert not people.get().skyddad_identitet
    assert people.update(first_name="Ny") == 1  # other fields still update in bulk
