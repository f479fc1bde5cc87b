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
from programmes.models import Programme
from referrals.importing.applier import run_import
from referrals.importing.writer import to_csv
from referrals.services import referral_register
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
