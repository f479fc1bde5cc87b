"""Gallring (R1–R5): identity gone from every table, skeleton and chain intact."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models

from audit import chain
from audit.models import AccessLog, PurgeRecord
from audit.services import log_read
from casework.indicators.periods import tertial
from casework.indicators.report import build
from casework.models import Case, Participant, Transition
from casework.services import case_exit, note_add
from programmes.models import Programme
from referrals.services import referral_register
from tests.factories import UserFactory, make_pnr, unit

TODAY = datetime(2032, 3, 1, 10, tzinfo=ZoneInfo("Europe/Stockholm"))


def at(day: date):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 12, tzinfo=TODAY.tzinfo), tick=False
    )


def refer(by, serial, first, last, on, born=date(1985, 7, 14)):
    with at(on):
        return referral_register(
            personnummer_value=make_pnr(born, serial),
            gender="X",
            programme=Programme.objects.get(code="JOBBTORG"),
            unit=unit(),
            on=on,
            income_support="EB_ARBETSLOSHET",
            by=by,
            first_name=first,
            last_name=last,
            referring_contact=f"{first.lower()}@example.se",
            referral_reason=f"{first} behöver stöd.",
        )


@pytest.fixture
def people(db):
    by = UserFactory(username="samordnare_g", roles=["coordinator"], units=[unit()])
    # 24 when referred; with the birth date cut to 1 January only the stored age keeps IN3.
    old = refer(by, 971, "Purgida", "Gallrasson", date(2020, 2, 3), born=date(1995, 7, 14))
    with at(date(2020, 3, 2)):
        note_add(case_id=old.pk, text="Purgida Gallrasson mådde bra.", on=date(2020, 3, 2), by=by)
    with at(date(2020, 6, 1)):
        case_exit(case_id=old.pk, on=date(2020, 6, 1), reason_code="ARBETE", by=by)
        log_read(user=by, action="case.detail", participant_ids=[old.participant_id])
    recent_note = refer(by, 972, "Kvarstina", "Notesson", date(2020, 2, 3))
    with at(date(2026, 2, 2)):
        case_exit(case_id=recent_note.pk, on=date(2026, 2, 2), reason_code="STUDIER", by=by)
    with at(date(2030, 3, 1)):
        note_add(case_id=recent_note.pk, text="Ringde.", on=date(2030, 3, 1), by=by)
    still_open = refer(by, 973, "Öppna", "Ärendesson", date(2020, 2, 3))
    return {"old": old, "recent_note": recent_note, "open": still_open, "by": by}


def text_hits(needle: str) -> list[str]:
    """Every table of every model (historical ones included), every text-like column."""
    hits = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            for f in model._meta.concrete_fields:
                if not isinstance(f, models.CharField | models.TextField | models.JSONField):
                    continue
                assert f.column is not None  # a concrete field has a column
                column = connection.ops.quote_name(f.column)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "
                    f"WHERE CAST({column} AS TEXT) LIKE %s",
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{table}.{f.column}")
    return hits


def skeleton():
    return (
        sorted(Participant.objects.values_list("pk", "gender")),
        sorted(
            Transition.objects.values_list(
                "case_id", "seq", "effective_on", "from_state", "to_state", "exit_reason"
            )
        ),
        sorted(Case.objects.values_list("pk", "programme_id", "unit_id", "referred_on", "state")),
        sorted((p.pk, p.birth_date.year) for p in Participant.objects.all()),
    )


@time_machine.travel(TODAY, tick=False)
def test_dry_run_lists_only_the_old_closed_person_and_changes_nothing(people, capsys):
    call_command("gallra")
    out = capsys.readouterr().out
    assert f"#{people['old'].participant_id}:" in out
    assert f"#{people['recent_note'].participant_id}:" not in out  # note 2 years ago (R1)
    assert f"#{people['open'].participant_id}:" not in out  # open case
    assert "Torrkörning: 1 personer" in out
    assert Participant.objects.get(pk=people["old"].participant_id).last_name == "Gallrasson"
    assert not PurgeRecord.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_report_lists_persons_overdue_by_the_end_of_the_following_year(people, capsys):
    call_command("gallra", "--report")
    out = capsys.readouterr().out
    assert "Försenad gallring: 1 personer." in out
    assert "skulle gallrats senast 2026-12-31" in out


@time_machine.travel(TODAY, tick=False)
def test_execute_removes_identity_everywhere_and_keeps_the_skeleton(people):
    person = Participant.objects.get(pk=people["old"].participant_id)
    pnr = person.personnummer
    before = skeleton()
    assert text_hits(pnr) and text_hits("Gallrasson")  # the scan finds identity when present

    call_command("gallra", "--execute")

    for needle in (pnr, pnr[2:], "Purgida", "Gallrasson", "purgida@example.se"):
        assert text_hits(needle) == [], needle
    assert skeleton() == before
    person.refresh_from_db()
    assert person.personnummer.startswith("1995G")
    assert text_hits("Kvarstina")  # the person with a recent note is untouched
    # The access log is kept (L3): it names the purged person by id only.
    assert AccessLog.objects.filter(participant_ids__icontains=str(person.pk)).exists()
    record = PurgeRecord.objects.get()
    assert record.person_count == 1 and record.participant_ids == [person.pk]
    assert chain.verify() is None
    call_command("verify_audit")
    # Only the purgeable text is exempt: a changed date on a purged person's row is caught.
    note = people["old"].notes.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casework_note SET effective_on = %s WHERE id = %s", ["2020-03-03", note.pk]
        )
    assert chain.verify().object_id == note.pk


@time_machine.travel(TODAY, tick=False)
def test_a_second_run_finds_nothing_new(people, capsys):
    call_command("gallra", "--execute")
    capsys.readouterr()
    call_command("gallra")
    assert "Torrkörning: 0 personer" in capsys.readouterr().out


@time_machine.travel(TODAY, tick=False)
def test_every_indicator_of_every_past_tertial_is_unchanged(people):
    """R3: the kept skeleton reproduces the full indicator matrix exactly."""
    periods = [tertial(year, n) for year in range(2019, 2033) for n in (1, 2, 3)]

    def matrix():
        return [build(p)["indicators"] for p in periods]

    before = matrix()
    assert before[3]["IN3"]["total"] == 1  # 2020 T1: the 24-year-old
    call_command("gallra", "--execute")
    assert Participant.objects.get(pk=people["old"].participant_id).birth_date == date(1995, 1, 1)
    assert matrix() == before
