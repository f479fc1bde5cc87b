"""The per-person summary of built tertials (ADR 0112): the report it gives is the report
the spells give, when built, after writes to every table it reads (the marked persons
derived afresh), and after `clean`; on both engines."""

from datetime import date
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum

from casework.indicators import periods, report, summary
from casework.models import (
    KIND_FIELDS,
    Assessment,
    Case,
    EmploymentCheck,
    FollowUp,
    Participant,
    Spell,
    SummaryDirty,
    SummaryKind,
    SummaryPerson,
    TargetGroupFacts,
)
from programmes.models import Programme, Unit, Workplace
from referrals.importing.applier import run_import
from referrals.importing.generator import generate
from referrals.importing.writer import to_csv

from .history import KOMMUNAL, ev, load, person

pytestmark = pytest.mark.django_db
TERTIALS = [periods.tertial(y, n) for y, n in ((2024, 3), (2025, 1), (2025, 2), (2025, 3))]
COMPARED = ("indicators", "breakdowns")


def from_spells(period, **options):
    with mock.patch.object(summary, "readable", return_value={}):
        return report.build(period, **options)


def assert_kinds_add_up():
    """SummaryKind is always its period's SummaryPerson rows added up, none of them empty."""
    summed = [*summary.ROW_SUMS, *summary.FIGURE_SUMS]
    keys = ["period_id", *KIND_FIELDS]
    people = {
        tuple(row[k] for k in keys): (row["persons"], *(row[c] for c in summed))
        for row in SummaryPerson.objects.values(*keys)
        .annotate(persons=Count("pk"), **{c: Sum(c) for c in summed})
        .order_by()
    }
    kinds = {
        tuple(row[k] for k in keys): (row["persons"], *(row[c] for c in summed))
        for row in SummaryKind.objects.values(*keys, "persons", *summed)
    }
    assert kinds == people


def assert_same(period, programme_ids=None):
    filters = report.queries.Filters(programme_ids)
    assert period in summary.readable([period], filters, None), "the summary is not read"
    got = report.build(period, programme_ids=programme_ids)
    expected = from_spells(period, programme_ids=programme_ids)
    for key in COMPARED:
        assert got[key] == expected[key], (period, programme_ids, key)


def programmes():
    return list(Programme.objects.filter(pk__in=Spell.objects.values("programme_id")))


def assert_all_same(period):
    """The report of all programmes and of each programme, as the spells give them."""
    assert_same(period)
    for programme in programmes():
        assert_same(period, [programme.pk])


@pytest.fixture
def history():
    rows = generate(persons=80, seed=11, until=date(2025, 12, 31))
    result = run_import(to_csv(rows), filename="g.csv", unit=Unit.objects.get(code="sikta-sodra"))
    assert result.ok, result.errors[:3]
    assert len(programmes()) > 1
    built = summary.build_all(TERTIALS)
    assert all(built.values()) and len(built) >= len(TERTIALS) * 3
    summary.clean()
    assert not SummaryDirty.objects.exists()
    assert_kinds_add_up()


def test_a_built_tertial_reads_the_same_as_the_spells(history):
    assert SummaryPerson.objects.exists()
    for period in TERTIALS:
        assert_all_same(period)


def test_building_twice_changes_nothing_and_other_reports_are_not_read(history):
    Filters = report.queries.Filters
    assert summary.build(TERTIALS[0]) == 0
    assert summary.readable([periods.helar(2025)], report.queries.NO_FILTERS, None) == {}
    first, second, *_rest = programmes()
    every = list(Programme.objects.values_list("pk", flat=True))
    # A list of every programme is the report of all; two of them are neither.
    assert {k.programme_id for k in summary.readable(TERTIALS, Filters(every), None).values()} == {
        None
    }
    assert summary.readable(TERTIALS, Filters([first.pk, second.pk]), None) == {}
    assert summary.readable(TERTIALS, Filters(unit_ids=[Unit.objects.first().pk]), None) == {}
    assert summary.readable(TERTIALS, Filters(), date(2025, 1, 1)) == {}
    with pytest.raises(ValueError):
        summary.build(periods.helar(2025))


def _a_case(**spell):
    return Case.objects.get(pk=Spell.objects.filter(**spell).values("case_id")[:1])


def a_new_history(born: date = date(2001, 3, 1)) -> None:
    """A person referred in T1 2025, in a municipal anställning, exited to work in T2."""
    pnr = person(born)
    result = load(
        [
            ev(pnr, "aktualisering", "2025-01-10", "EB_ARBETSLOSHET"),
            ev(pnr, "samrad", "2025-01-10"),
            ev(pnr, "kartlaggning", "2025-01-15"),
            ev(pnr, "anstallning", "2025-02-01", **KOMMUNAL),
            ev(pnr, "avslut", "2025-06-10", "ARBETE", anstallningsform="reguljar"),
        ],
        name=f"h-{pnr}.csv",
    )
    assert result.ok, result.errors


def _writes():
    """One write to each table the summary reads, each changing some figure of 2025."""
    exit_spell = Spell.objects.filter(state="avslutad", start_on__year=2025).first()
    anst = Spell.objects.filter(state="anstallning", end_on__year=2025).first()
    yield "a new history", a_new_history
    yield (
        "a workplace becomes kommunal or not",
        lambda: [
            Workplace.objects.filter(pk=w.pk).update(kommunal=not w.kommunal)
            for w in Workplace.objects.filter(
                pk__in=Spell.objects.filter(workplace__isnull=False).values("workplace_id")[:2]
            )
        ],
    )
    yield (
        "a birth date is corrected",
        lambda: Participant.objects.filter(
            pk=Spell.objects.filter(start_on__year=2025).values("participant_id")[:1]
        ).update(birth_date=date(1962, 1, 1)),
    )
    case = _a_case(state="kartlaggning", start_on__year=2025)
    yield (
        "a baseline and a step up",
        lambda: (
            Case.objects.filter(pk=case.pk).update(baseline_step=1),
            Assessment.objects.create(case=case, effective_on=date(2025, 6, 1), step=3),
        ),
    )
    yield (
        "target-group facts",
        lambda: TargetGroupFacts.objects.create(
            case=case, effective_on=date(2025, 1, 1), long_term_unemployed=True, young_neet=True
        ),
    )
    if exit_spell is not None:
        yield (
            "a one-month check",
            lambda: EmploymentCheck.objects.create(
                case_id=exit_spell.case_id,
                effective_on=exit_spell.start_on,
                exit_on=exit_spell.start_on,
                lasted_month=True,
            ),
        )
    if anst is not None:
        yield (
            "a follow-up",
            lambda: FollowUp.objects.create(
                case_id=anst.case_id,
                effective_on=anst.end_on,
                spell_ended_on=anst.end_on,
                receives_eb=True,
            ),
        )


def test_each_write_is_marked_read_afresh_and_then_cleaned(history):
    for what, write in _writes():
        write()
        assert SummaryDirty.objects.exists(), f"{what}: nothing marked"
        for period in TERTIALS:
            assert_all_same(period)
        assert summary.clean() > 0
        assert not SummaryDirty.objects.exists()
        assert_kinds_add_up()
        for period in TERTIALS:
            assert_all_same(period)


def test_the_writes_change_the_report(history):
    """The equalities above are not of a summary that nothing changes."""
    before = [from_spells(p)["indicators"] for p in TERTIALS]
    for _what, write in _writes():
        write()
    summary.clean()
    after = [report.build(p)["indicators"] for p in TERTIALS]
    assert after != before


def test_a_deleted_person_leaves_the_summary(history):
    """Gallring deletes persons; the summary has no foreign key to hold them."""
    pid = SummaryPerson.objects.filter(period__start=TERTIALS[1].start).first().participant_id
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM casework_spell WHERE participant_id = %s", [pid])
    assert SummaryDirty.objects.filter(participant_id=pid).exists()
    assert_same(TERTIALS[1])
    summary.clean()
    assert not SummaryPerson.objects.filter(participant_id=pid).exists()
    assert_kinds_add_up()
    assert_same(TERTIALS[1])


def test_a_person_is_derived_again_only_where_they_can_have_rows(history, monkeypatch):
    """The periods of all programmes, and of a programme only for a person with a spell
    of it or a kept row there: a programme's summary derives its own spells alone."""
    pid = SummaryPerson.objects.filter(period__programme__isnull=False).first().participant_id
    theirs = set(Spell.objects.filter(participant_id=pid).values_list("programme_id", flat=True))
    others = {p.pk for p in programmes()} - theirs
    assert others, "the history has programmes this person never took part in"
    replaced = []
    derive = summary._replace
    monkeypatch.setattr(
        summary,
        "_replace",
        lambda row, ids=None: replaced.append(row.programme_id) or derive(row, ids),
    )
    SummaryDirty.objects.create(participant_id=pid)
    assert summary.clean() == 1
    assert None in replaced and set(replaced) - {None} == theirs
    assert_kinds_add_up()
    for period in TERTIALS:
        assert_all_same(period)


def test_the_command_builds_the_board_tertials_and_cleans(history):
    call_command("indicator_summary", "--today", "2025-12-31")
    built = summary.standard_periods(date(2025, 12, 31))
    assert len(built) == 7
    assert set(summary.readable(built, report.queries.NO_FILTERS, None)) == set(built)
    jobbtorg = report.queries.Filters([Programme.objects.get(code="JOBBTORG").pk])
    assert set(summary.readable(built, jobbtorg, None)) == set(built)


def test_a_summary_of_other_code_is_not_read(history):
    from casework.models import SummaryPeriod

    SummaryPeriod.objects.update(version="old")
    assert summary.readable(TERTIALS, report.queries.NO_FILTERS, None) == {}
    assert summary.build(TERTIALS[1]) > 0
    assert_same(TERTIALS[1])


def test_many_marked_persons_rebuild_each_period_whole(history, monkeypatch):
    """After a bulk load every person is marked: clean derives the periods whole."""
    monkeypatch.setattr(summary, "REBUILD_ABOVE", 0)
    a_new_history()
    assert summary.clean() > 0
    assert not SummaryDirty.objects.exists()
    assert_kinds_add_up()
    for period in TERTIALS:
        assert_same(period)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_a_large_clean_leaves_the_planner_counting_the_marks_left(history, monkeypatch):
    """The report plans its afresh-derived persons by the marks table's statistics: left at
    a bulk load's count, a report with 50 marks took 6-17 times as long (ADR 0112)."""
    monkeypatch.setattr(summary, "ANALYZE_ABOVE", 2)

    def planned() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'casework_summarydirty'")
            return cursor.fetchone()[0]

    a_new_history()
    marks = SummaryDirty.objects.count()
    assert marks > 2
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casework_summarydirty")
    assert planned() == marks
    summary.clean()
    assert planned() == 0


def test_the_deep_check_names_a_kept_row_or_kind_changed_by_hand(history, capsys):
    """`verify_audit --deep` derives each built summary again (audit/deep.py)."""
    call_command("verify_audit", "--deep")
    assert summary.problems() == []
    row = SummaryPerson.objects.filter(period__start=TERTIALS[1].start).first()
    kind = SummaryKind.objects.filter(period_id=row.period_id).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casework_summarykind SET persons = persons + 1 WHERE id = %s", [kind.pk]
        )
    [found] = summary.problems()
    assert TERTIALS[1].label in found and "antalen per slag stämmer inte" in found
    with connection.cursor() as cursor:
        cursor.execute("UPDATE casework_summaryperson SET mask = 0 WHERE id = %s", [row.pk])
    assert any("raderna för 1 deltagare stämmer inte" in p for p in summary.problems())
    # A person marked is derived afresh by every report: not a problem.
    SummaryDirty.objects.create(participant_id=row.participant_id)
    assert not any("raderna för" in p for p in summary.problems())


def test_the_keeper_asks_in_two_queries_whether_anything_is_left_to_build(
    history, django_assert_max_num_queries
):
    assert summary.build_all(TERTIALS) == {}  # the fixture built them all
    with django_assert_max_num_queries(2):
        summary.build_all(TERTIALS)
