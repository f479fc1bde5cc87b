"""Issue 17 item 4: registering a referral of a protected person another organisation holds.

The registering organisation learns nothing beyond what a new person gives: no stored
name or gender, no "exists". The case is shielded: it shows what the registering unit
typed. The person's own units are told by a security event.
"""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import SecurityEvent
from casework.models import Case, Participant
from casework.services import case_exit
from programmes.models import Programme
from referrals.importing.applier import run_import
from referrals.importing.writer import to_csv
from referrals.lookup import ProtectedRefusal
from referrals.services import OpenCaseExists, referral_register
from tests.audit.world import build_world
from tests.factories import make_pnr, unit
from tests.referrals.test_import_errors import ev

STORED = (b"Hemlig", b"Skyddadsson")


@pytest.fixture
def world(db):
    return build_world()


def _protected(world) -> Participant:
    return Participant.objects.get(pk=world.skyddad.participant_id)


def _form(pnr, **over):
    return {
        "personnummer": pnr,
        "first_name": "Alva",
        "last_name": "Annan",
        "gender": "K",
        "programme": Programme.objects.get(code="BROMODELLEN").pk,
        "unit": unit("linkoping-arena").pk,
        "referred_on": "2026-01-05",
        "source": "SOC",
        "income_support": "EB_ARBETSLOSHET",
        "baseline_step": "1",
    } | over


def _register_in_web(client, user, pnr):
    client.force_login(user)
    posted = client.post(reverse("referrals:new"), _form(pnr))
    assert posted.status_code == 302, posted.content.decode()[:2000]
    queue = client.get(posted["Location"])
    return posted, queue


def test_the_web_registration_shows_only_what_the_registering_unit_typed(client, world):
    person = _protected(world)
    outsider = world.users["coordinator_other"]
    events = SecurityEvent.objects.count()

    _posted, queue = _register_in_web(client, outsider, person.personnummer)

    case = Case.objects.get(participant=person, unit__code="linkoping-arena", shielded=True)
    detail = client.get(reverse("casework:case_detail", args=[case.pk]))
    lookup = client.get(
        reverse("referrals:check_personnummer"), {"personnummer": person.personnummer}
    )
    for page in (queue, detail, lookup):
        assert page.status_code == 200
        assert not any(part in page.content for part in STORED)
    assert "Alva Annan" in queue.content.decode() and "Alva Annan" in detail.content.decode()
    assert "Kvinna" in detail.content.decode() and "Man" not in detail.content.decode()
    event = SecurityEvent.objects.order_by("pk")[events:].get()
    assert (event.kind, event.user, event.object_ref) == (
        "skyddad_uppslag",
        outsider,
        f"participant:{person.pk}",
    )
    assert "nykoping-jobbtorg" in event.detail  # the units to tell
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.gender) == ("Hemlig", "Skyddadsson", "M")


def test_a_protected_and_a_new_person_give_the_same_pages_to_the_registering_unit(client, world):
    outsider = world.users["coordinator_other"]
    fresh_pnr = make_pnr(date(1988, 3, 9), 990)
    fresh_post, fresh_queue = _register_in_web(client, outsider, fresh_pnr)
    fresh = Case.objects.get(participant__personnummer=fresh_pnr)
    prot_post, prot_queue = _register_in_web(client, outsider, _protected(world).personnummer)
    shielded = Case.objects.get(shielded=True)

    assert prot_post["Location"].replace(str(shielded.pk), "N") == fresh_post["Location"].replace(
        str(fresh.pk), "N"
    )
    # Both rows read the typed name and gender; the protected row's stored ones never appear.
    assert fresh_queue.content.decode().count("Alva Annan") == 1
    assert prot_queue.content.decode().count("Alva Annan") == 2
    assert not any(part in prot_queue.content for part in STORED)


def test_the_service_used_by_the_api_and_import_opens_a_shielded_case(world):
    person = _protected(world)
    case = referral_register(
        personnummer_value=person.personnummer,
        gender="X",
        programme=Programme.objects.get(code="BROMODELLEN"),
        unit=unit("linkoping-arena"),
        on=date(2026, 1, 5),
        income_support="EB_ARBETSLOSHET",
        by=world.users["coordinator_other"],
        baseline_step=1,
    )
    assert case.shielded and case.shown_gender == "X" and case.person_name != str(person)
    assert case.participant.skyddad_identitet  # the case is under protection (P1)


def test_the_protected_persons_own_unit_still_sees_the_stored_name(world):
    mine = Case.objects.get(pk=world.skyddad.pk)
    assert not mine.shielded and mine.person_name == "Hemlig Skyddadsson"


def test_a_web_import_neither_names_nor_checks_the_gender_of_a_protected_person(world):
    person = _protected(world)
    outsider = world.users["coordinator_other"]
    row = ev(person.personnummer, "aktualisering", "2026-01-05", "EB_ARBETSLOSHET")
    row |= {"program": "BROMODELLEN", "enhet": "linkoping-arena", "fornamn": "Alva"}
    row |= {"efternamn": "Annan", "steg": "1", "kalla": "SOC"}

    result = run_import(to_csv([row]), filename="fil.csv", user=outsider)

    assert result.errors == [], result.errors  # stored gender M is no oracle
    case = Case.objects.get(participant=person, shielded=True)
    assert case.person_name == "Alva Annan" and case.person_gender_display == "Kvinna"


def test_the_operators_command_line_import_never_shields(world):
    person = _protected(world)
    row = ev(person.personnummer, "aktualisering", "2026-01-05", "EB_ARBETSLOSHET")
    row |= {"program": "BROMODELLEN", "enhet": "linkoping-arena", "steg": "1", "kalla": "SOC"}
    row["kon"] = "M"  # the operator is held to the stored gender
    result = run_import(to_csv([row]), filename="fil.csv", unit=unit("linkoping-arena"))
    assert result.errors == [], result.errors
    case = Case.objects.get(participant=person, programme__code="BROMODELLEN")
    assert not case.shielded and case.person_name == "Hemlig Skyddadsson"


def _refer_again(world, on=date(2026, 1, 5)):
    """The other unit's coordinator refers the protected person into the programme where
    the person's own unit holds a case (the programme shared between the two)."""
    return referral_register(
        personnummer_value=_protected(world).personnummer,
        gender="K",
        programme=Programme.objects.get(code="JOBBTORG"),
        unit=unit("linkoping-arena"),
        on=on,
        income_support="EB_ARBETSLOSHET",
        by=world.users["coordinator_other"],
        first_name="Alva",
        last_name="Annan",
    )


def _told(world, events: int) -> SecurityEvent:
    event = SecurityEvent.objects.order_by("pk")[events:].get()
    assert (event.kind, event.user, event.object_ref) == (
        "skyddad_uppslag",
        world.users["coordinator_other"],
        f"participant:{_protected(world).pk}",
    )
    assert "nekad aktualisering" in event.detail and "nykoping-jobbtorg" in event.detail
    return event


def test_an_open_case_of_a_protected_person_is_refused_without_saying_so(world):
    events, cases = SecurityEvent.objects.count(), Case.objects.count()
    with pytest.raises(ProtectedRefusal) as refused:
        _refer_again(world)
    assert refused.value.messages == [
        "Aktualiseringen kan inte registreras i JOBBTORG utan en särskild sekretessprövning. "
        "Kontakta din enhetschef."
    ]
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    assert Case.objects.count() == cases and SecurityEvent.objects.count() == events
    refused.value.tell()  # by the caller, after the rollback
    _told(world, events)


def test_a_protected_persons_exit_date_is_not_given_away(world):
    skyddad, by = world.skyddad.pk, _coordinator(world)
    case_exit(case_id=skyddad, reason_code="EJ_AKTUELL", on=date(2026, 3, 4), by=by)
    with pytest.raises(ProtectedRefusal) as refused:
        _refer_again(world, on=date(2026, 3, 1))  # before the exit: refused, and no date
    assert "2026" not in " ".join(refused.value.messages)
    assert Case.objects.filter(participant=_protected(world)).count() == 1


def test_the_same_refusal_by_a_unit_that_sees_the_person_names_the_open_case(world):
    with pytest.raises(OpenCaseExists):
        referral_register(
            personnummer_value=_protected(world).personnummer,
            gender="M",
            programme=Programme.objects.get(code="JOBBTORG"),
            unit=unit("nykoping-jobbtorg"),
            on=date(2026, 1, 5),
            income_support="EB_ARBETSLOSHET",
            by=_coordinator(world),
        )


def test_a_refused_import_row_is_told_once_the_import_is_rolled_back(world):
    person = _protected(world)
    row = ev(person.personnummer, "aktualisering", "2026-01-05", "EB_ARBETSLOSHET")
    row |= {"program": "JOBBTORG", "enhet": "linkoping-arena", "fornamn": "Alva"}
    row |= {"efternamn": "Annan", "kalla": "SOC", "kon": "K"}
    events = SecurityEvent.objects.count()
    arena = unit("linkoping-arena")
    Programme.objects.get(code="JOBBTORG").shared_with.add(arena.organisation)  # S5

    outsider = world.users["coordinator_other"]
    result = run_import(to_csv([row]), filename="fil.csv", user=outsider, unit=arena)

    assert [e.reason for e in result.errors] == [
        "Aktualiseringen kan inte registreras i JOBBTORG utan en särskild sekretessprövning. "
        "Kontakta din enhetschef."
    ]
    assert Case.objects.filter(participant=person).count() == 1
    _told(world, events)


def _coordinator(world):
    return world.users["coordinator"]


def test_the_web_form_gives_the_same_refusal_and_the_persons_units_are_told(client, world):
    arena = unit("linkoping-arena")
    jobbtorg = Programme.objects.get(code="JOBBTORG")
    jobbtorg.shared_with.add(arena.organisation)  # S5: the form offers the programme
    events = SecurityEvent.objects.count()
    client.force_login(world.users["coordinator_other"])

    page = client.post(
        reverse("referrals:new"),
        _form(_protected(world).personnummer, programme=jobbtorg.pk, baseline_step=""),
    )

    html = page.content.decode()
    assert page.status_code == 200 and "särskild sekretessprövning" in html
    assert "öppet ärende" not in html and not any(part in page.content for part in STORED)
    _told(world, events)
