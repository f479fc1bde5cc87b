"""The per-person summary of built tertials (docs/adr/0112-per-person-summary.md).

The report's counting statement reads every spell of P and groups it by person: at
1,000,000 participants, 727,000 spells into 349,000 persons, seconds per period. For a
built tertial, of all programmes and of each programme, the grouping is done once and kept:
one `SummaryPerson` row per person with facts in P, which is exactly the report's `persons`
(the bits of its codes), with the bits per target group, the age band on P's last day, and
the numbers that K1, UT6, K3 and K6 add up per row; and `SummaryKind`, those rows counted
per kind (gender, band and bits). The report of P counts a few thousand kinds.

Correct while it is kept, and read only where it is:

- `person_facts_sql` is the one derivation. It is the report's own CTEs (queries,
  breakdowns, key_figures) grouped by person, so the summary is the report's `persons`
  by construction; a summary built by other code (`version`) is not read.
- Database triggers on every table it reads mark the participants a statement writes
  (`SummaryDirty`, migration 0013), in the writer's transaction.
- The report reads, in one statement (one snapshot), the kinds, less the kept rows of the
  marked persons, plus the marked persons' rows derived afresh (`counted_rows`). A write
  and its mark commit together, and `clean` replaces a person's rows, the kinds and the
  marks it saw in one transaction, so every snapshot sees each person exactly once and as
  is. This holds on a replica as well, which cannot write.
- `clean` (the `indicator_summary` command, and its loop beside the server) derives the
  marked persons' rows again and removes their marks; `build` derives a whole tertial.
  Both take one lock, run in a repeatable-read snapshot, and remove only the marks that
  snapshot saw.

A whole tertial's report of all programmes or of one programme, not `as_of`, reads it;
every other report reads the spells as before. `problems` is `verify_audit --deep`'s check.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.db import connection as primary
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import KIND_FIELDS, Spell, SummaryDirty, SummaryPeriod, SummaryPerson
from config.replica import read_connection as connection
from programmes.models import Programme

from . import breakdowns, key_figures, periods, queries
from .periods import Period

GROUPS = [f"g{i}" for i in range(len(breakdowns.TARGET_GROUPS))]
ROW_SUMS = ["k1_exits", "k1_work_or_study", "ut6_due", "ut6_missing"]
FIGURE_SUMS = ["k3_exits", "k3_good", "k3_pending", "k6_base", "k6_up"]
COLUMNS = ["gender", "band", "mask", *GROUPS, *ROW_SUMS, *FIGURE_SUMS]
# More marked persons than this (a bulk load) and `clean` derives each period whole.
REBUILD_ABOVE = 20_000
# More marks removed than this and `clean` has PostgreSQL count the marks again. A report
# plans its afresh-derived persons by the table's statistics: left at the million marks of
# a bulk load, they made the report page 3.5-4.2 s and its charts ~10 s for 50 marks,
# against 0.3-0.6 s once analysed (1,000,000 participants), until autovacuum got to it.
ANALYZE_ABOVE = 1_000
_LOCK = 0x5355_4D4D  # "SUMM": one builder or cleaner at a time (PostgreSQL)


def person_facts_sql(period: Period, filters: queries.Filters, params: dict) -> str:
    """One row per person with facts in P: (pid, *COLUMNS), from the report's own CTEs."""
    spells = "casework_spell"
    base = queries._base_ctes(period, filters, None, params, cid=breakdowns._CID)
    scope = queries._scope(filters, params).format(a="s")
    figures = key_figures.key_figure_ctes(spells, scope, None, params)
    zero = {column: "0" for column in ["mask", *GROUPS, *ROW_SUMS, *FIGURE_SUMS]}

    def branch(source: str, **values: str) -> str:
        cells = zero | values
        return f"SELECT pid, gender, {', '.join(cells.values())} FROM {source}"

    in_group = {
        g: f"CASE WHEN (COALESCE(r.gmask, 0) & {1 << i}) <> 0 THEN r.mask ELSE 0 END"
        for i, g in enumerate(GROUPS)
    }
    exit_counts, due_counts = (
        {column: queries._when(e, "1") for column, e in zip(names, counts.values(), strict=True)}
        for names, counts in (
            (ROW_SUMS[:2], queries._ROW_COUNTS["exit_rows"]),
            (ROW_SUMS[2:], queries._ROW_COUNTS["due_rows"]),
        )
    )
    sources = [
        branch(
            "(SELECT r.*, cg.gmask FROM person_rows r "
            "LEFT JOIN case_groups cg ON cg.case_id = r.cid) r",
            mask="r.mask",
            **in_group,
        ),
        branch("exit_rows", **exit_counts),
        branch("due_rows", **due_counts),
        branch(
            f"(SELECT k.pid, k.gender, {key_figures.K3_COUNTS} FROM k3 k) k",
            k3_exits="ex",
            k3_good="good",
            k3_pending="pending",
        ),
        branch("k6", k6_base="1", k6_up="up"),
    ]
    ors = ", ".join(f"{queries.bit_or(f'f.{c}')} AS {c}" for c in ["mask", *GROUPS])
    sums = ", ".join(f"SUM(f.{c}) AS {c}" for c in [*ROW_SUMS, *FIGURE_SUMS])
    union = "\n        UNION ALL ".join(sources)
    return f"""
    WITH {base},
    person_rows (pid, gender, cid, mask) AS (
        {queries.person_rows_sql(params, cid=breakdowns._CID)}
    ),{breakdowns._groups_sql(None, params)},
    {figures},
    facts (pid, gender, {", ".join(zero)}) AS (
        {union}
    )
    SELECT f.pid, f.gender, COALESCE({breakdowns.band_sql(period, params, keys=False)}, -1)
           AS band, {ors}, {sums}
    FROM facts f LEFT JOIN casework_participant p ON p.id = f.pid
    GROUP BY f.pid, f.gender, p.birth_date"""


def version() -> str:
    """A name for the summary's SQL: a summary built by other code is not read."""
    return _version(primary.vendor)


@functools.cache
def _version(vendor: str) -> str:
    """The SQL's text and its parameters (codes such as EJ_AKTUELL) for a fixed period."""
    params: dict = {}
    text = person_facts_sql(periods.tertial(2000, 1), queries.NO_FILTERS, params)
    return hashlib.sha256(f"{vendor}{text}{sorted(params.items())}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Kept:
    """A built summary a report may read: its SummaryPeriod and its programme (None: all)."""

    pk: int
    programme_id: int | None


def readable(report_periods: Iterable[Period], filters: queries.Filters, as_of) -> dict:
    """{period: Kept} of the periods whose report may read a summary: the report of all
    programmes (or of a list that holds every programme), or of one programme."""
    wanted = list(report_periods)
    others = filters.unit_ids, filters.municipality_ids, filters.participant_ids
    if as_of is not None or any(f is not None for f in others) or filters.marked_only:
        return {}
    programmes = sorted(set(filters.programme_ids or ()))
    if not wanted or (filters.programme_ids is not None and not programmes):
        return {}
    placeholders = ", ".join(["(%s, %s)"] * len(wanted))
    params: list = [version()]
    params += [connection.ops.adapt_datefield_value(d) for p in wanted for d in (p.start, p.end)]
    if filters.programme_ids is None:
        scope = "sp.programme_id IS NULL"
    elif len(programmes) == 1:
        scope, params = "sp.programme_id = %s", [*params, programmes[0]]
    else:
        listed = ", ".join(["%s"] * len(programmes))
        scope = (
            "sp.programme_id IS NULL AND NOT EXISTS (SELECT 1 FROM programmes_programme p "
            f"WHERE p.id NOT IN ({listed}))"
        )
        params += programmes
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT sp.id, sp.programme_id, sp.start, sp."end"
            FROM casework_summaryperiod sp
            WHERE sp.version = %s AND (sp.start, sp."end") IN (VALUES {placeholders})
              AND {scope}""",
            params,
        )
        found = {
            (_date(start), _date(end)): Kept(pk, programme)
            for pk, programme, start, end in cursor.fetchall()
        }
    return {p: found[(p.start, p.end)] for p in wanted if (p.start, p.end) in found}


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def counted_rows(period: Period, kept: Kept) -> tuple[list[tuple], list[tuple], dict]:
    """What `breakdowns.counts_and_breakdown_rows` and `key_figures.key_figure_rows` give
    for P, in one statement: the period's kinds, less the kept rows of the marked persons,
    plus those persons derived afresh."""
    params: dict = {"summary_period": kept.pk}
    live = person_facts_sql(period, _scope(kept.programme_id, marked_only=True), params)
    labels = {str(i): f"'age:{band}'" for i, (band, _l, _h) in enumerate(breakdowns.AGE_BANDS)}
    band = "CASE band " + " ".join(f"WHEN {i} THEN {v}" for i, v in labels.items()) + " END"
    groups = "".join(
        f"\n        UNION ALL SELECT 'tg:{code}', gender, {g}, n FROM combos WHERE {g} <> 0"
        for g, (code, _l, _c) in zip(GROUPS, breakdowns.TARGET_GROUPS, strict=True)
    )
    kinds = ", ".join(KIND_FIELDS)
    summed = [*ROW_SUMS, *FIGURE_SUMS]
    zeros = ", ".join(["0"] * len(queries.PERSON_CODES))
    sums = f"""SELECT 'all', gender, {zeros}, {", ".join(f"SUM({c})" for c in summed)}
        FROM combos GROUP BY gender"""
    their_kinds = ", ".join(f"s.{c}" for c in KIND_FIELDS)
    sql = f"""
    WITH marked AS (SELECT DISTINCT participant_id FROM casework_summarydirty),
    combos ({kinds}, n, {", ".join(summed)}) AS (
        SELECT {kinds}, persons, {", ".join(summed)} FROM casework_summarykind
        WHERE period_id = %(summary_period)s
        UNION ALL
        SELECT {their_kinds}, -COUNT(*), {", ".join(f"-SUM(s.{c})" for c in summed)}
        FROM casework_summaryperson s JOIN marked m ON m.participant_id = s.participant_id
        WHERE s.period_id = %(summary_period)s
        GROUP BY {their_kinds}
        UNION ALL
        SELECT {kinds}, 1, {", ".join(summed)} FROM ({live}) live
    ),
    keyed AS (
        SELECT 'all' AS grp, gender, mask, n FROM combos
        UNION ALL SELECT {band}, gender, mask, n FROM combos WHERE band >= 0{groups}
    )""" + queries.counting_sql(
        "(SELECT grp, gender, mask, SUM(n) AS n FROM keyed GROUP BY grp, gender, mask)",
        key="grp",
        rows=[sums],
        extra=key_figures.ROW_CODES,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    persons = len(queries.PERSON_CODES)
    counted = persons + len(queries.ROW_CODES)
    totals = {g: [int(n or 0) for n in counts] for grp, g, *counts in rows if grp == "all"}
    groups_rows = [(grp, g, *counts[:persons]) for grp, g, *counts in rows if grp != "all"]
    figures = {}
    for i, code in enumerate(key_figures.ROW_CODES):
        per_gender = {g: totals[g][counted + i] if g in totals else 0 for g in queries.GENDERS}
        figures[code] = {"total": sum(per_gender.values()), **per_gender}
    counts = {g: values[:counted] for g, values in totals.items()}
    return queries.code_rows(counts), groups_rows, figures


@contextmanager
def _exclusive():
    """One builder or cleaner at a time, in a snapshot of its own (PostgreSQL: a session
    lock taken before the repeatable-read transaction, so its snapshot is taken after the
    previous holder committed)."""
    if primary.vendor != "postgresql":
        with transaction.atomic():
            yield
        return
    if primary.in_atomic_block:
        # Inside a caller's transaction (the tests): its snapshot and its isolation.
        with transaction.atomic():
            yield
        return
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_LOCK])
    try:
        with transaction.atomic():
            with primary.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
    finally:
        with primary.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK])


def _insert(period: Period, summary_period: int, filters: queries.Filters) -> int:
    params: dict = {"summary_period": summary_period}
    facts = person_facts_sql(period, filters, params)
    columns = ", ".join(COLUMNS)
    with primary.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO casework_summaryperson (period_id, participant_id, {columns}) "
            f"SELECT %(summary_period)s, facts.* FROM ({facts}) facts",
            params,
        )
        return cursor.rowcount


def _persons_of(participant_ids: list[int] | None) -> tuple[str, list[int]]:
    if participant_ids is None:
        return "", []
    return f" AND participant_id IN ({', '.join(['%s'] * len(participant_ids))})", participant_ids


def _count_kinds(summary_period: int, participant_ids: list[int] | None, sign: int) -> None:
    """Add (sign 1) or take away (-1) the persons' rows to or from their kinds."""
    among, ids = _persons_of(participant_ids)
    kinds = ", ".join(KIND_FIELDS)
    summed = [*ROW_SUMS, *FIGURE_SUMS]
    added = ", ".join(
        f"{c} = casework_summarykind.{c} + excluded.{c}" for c in ["persons", *summed]
    )
    sums = ", ".join(f"{sign} * SUM({c})" for c in summed)
    with primary.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO casework_summarykind (period_id, {kinds}, persons, {", ".join(summed)})
            SELECT period_id, {kinds}, {sign} * COUNT(*), {sums}
            FROM casework_summaryperson WHERE period_id = %s{among}
            GROUP BY period_id, {kinds}
            ON CONFLICT (period_id, {kinds}) DO UPDATE SET {added}""",
            [summary_period, *ids],
        )
        cursor.execute(
            "DELETE FROM casework_summarykind WHERE period_id = %s AND persons = 0",
            [summary_period],
        )


def _scope(programme_id: int | None, **persons) -> queries.Filters:
    """The facts a summary of all programmes, or of one, derives (of these persons)."""
    return queries.Filters(None if programme_id is None else [programme_id], **persons)


def _replace(row: SummaryPeriod, participant_ids: list[int] | None = None) -> int:
    """Derive the persons' rows of a built period again (all when None), and their kinds."""
    among, ids = _persons_of(participant_ids)
    with primary.cursor() as cursor:
        if participant_ids is None:
            cursor.execute("DELETE FROM casework_summarykind WHERE period_id = %s", [row.pk])
        else:
            _count_kinds(row.pk, participant_ids, -1)
        cursor.execute(
            f"DELETE FROM casework_summaryperson WHERE period_id = %s{among}", [row.pk, *ids]
        )
    whom = _scope(row.programme_id, participant_ids=participant_ids)
    persons = _insert(Period(row.start, row.end), row.pk, whom)
    _count_kinds(row.pk, participant_ids, 1)
    return persons


def build(period: Period, programme_id: int | None = None) -> int:
    """Derive tertial P's summary of all programmes, or of one (again, when it was built
    by other code); the number of persons. Other periods' marks stay: `clean` needs them."""
    if periods.tertial(*periods.tertial_of(period.start)) != period:
        raise ValueError("the summary is kept for whole tertials")
    current = version()
    with _exclusive():
        where = {"start": period.start, "end": period.end, "programme_id": programme_id}
        row = SummaryPeriod.objects.filter(**where).first()
        if row is not None and row.version == current:
            return 0
        if row is None:
            row = SummaryPeriod.objects.create(**where, version=current)
        persons = _replace(row)
        SummaryPeriod.objects.filter(pk=row.pk).update(version=current, built_at=timezone.now())
        if primary.vendor == "postgresql":  # the planner's view of the new rows, at once
            with primary.cursor() as cursor:
                cursor.execute("ANALYZE casework_summaryperson, casework_summarykind")
        return persons


def clean() -> int:
    """Derive the marked persons' rows again in every built period and remove the marks
    seen; the number of persons. Marks written meanwhile wait for the next round."""
    with _exclusive():
        seen = SummaryDirty.objects.aggregate(last=Max("pk"))["last"]
        if seen is None:
            return 0
        marked = sorted(set(SummaryDirty.objects.values_list("participant_id", flat=True)))
        built = list(SummaryPeriod.objects.filter(version=version()))
        if len(marked) > REBUILD_ABOVE:  # a bulk load: each period at once, not by person
            for row in built:
                _replace(row)
            built = []
        for chunk in _chunks(marked, 500) if built else ():
            for row in _concerning(built, chunk):
                _replace(row, chunk)
        # Repeatable read: the marks this snapshot saw; later ones are not visible to it.
        with primary.cursor() as cursor:
            cursor.execute("DELETE FROM casework_summarydirty WHERE id <= %s", [seen])
            if primary.vendor == "postgresql" and cursor.rowcount > ANALYZE_ABOVE:
                cursor.execute("ANALYZE casework_summarydirty")
        return len(marked)


def _concerning(built: list[SummaryPeriod], persons: list[int]) -> list[SummaryPeriod]:
    """The built periods where the persons may have rows, kept or derived: each period of
    all programmes, and a programme's where one of them has a spell of that programme or a
    kept row. A programme's summary derives only its own spells (`_scope`), so elsewhere
    `_replace` deletes nothing and derives nothing, and each programme's seven periods
    cost a round as much as the whole scope's seven."""
    programmes = set(
        Spell.objects.filter(case__participant_id__in=persons)
        .values_list("programme_id", flat=True)
        .distinct()
    )
    kept = set(
        SummaryPerson.objects.filter(
            period__in=[row.pk for row in built if row.programme_id is not None],
            participant_id__in=persons,
        )
        .values_list("period_id", flat=True)
        .distinct()
    )
    return [
        row
        for row in built
        if row.programme_id is None or row.programme_id in programmes or row.pk in kept
    ]


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def standard_periods(today: date, count: int = 7) -> list[Period]:
    """The tertials the board's report reads for this tertial: the last six (the chart)
    and the one a year before the oldest of this year's (last year beside this year)."""
    return [p for _y, _n, p in periods.last_tertials(today, count)]


def build_all(report_periods: Iterable[Period]) -> dict[str, int]:
    """`build` of each period for all programmes and for each programme running in it,
    where it is not built by this code yet; {label: persons derived}. Two queries when
    every one is (the keeper asks every round)."""
    wanted = list(report_periods)
    done = set(
        SummaryPeriod.objects.filter(version=version()).values_list("start", "end", "programme")
    )
    programmes = list(Programme.objects.order_by("code"))
    built = {}
    for period in wanted:
        for programme in [None, *(p for p in programmes if _runs(p, period))]:
            pk = None if programme is None else programme.pk
            if (period.start, period.end, pk) not in done:
                label = f"{period.label} {'*' if programme is None else programme.code}"
                built[label] = build(period, pk)
    return built


def _runs(programme: Programme, period: Period) -> bool:
    return programme.valid_from <= period.end and (
        programme.valid_to is None or programme.valid_to >= period.start
    )


def problems() -> list[str]:
    """`verify_audit --deep`: each built summary against its derivation, the persons not
    marked (a marked person is derived afresh by every report), and its kinds against its
    rows; the periods and scopes that differ, named. A raw UPDATE of a kept row, or a
    dropped trigger that let a write go unmarked, shows here."""
    found = []
    sums = [*ROW_SUMS, *FIGURE_SUMS]
    kinds = ", ".join(KIND_FIELDS)
    unmarked = "WHERE pid NOT IN (SELECT participant_id FROM casework_summarydirty)"
    built = SummaryPeriod.objects.filter(version=version()).select_related("programme")
    for row in built.order_by("start", "programme_id"):
        params: dict = {"summary_period": row.pk}
        derived = person_facts_sql(Period(row.start, row.end), _scope(row.programme_id), params)
        stored = (
            f"SELECT participant_id AS pid, {', '.join(COLUMNS)} FROM casework_summaryperson "
            "WHERE period_id = %(summary_period)s"
        )
        kept = f"SELECT * FROM ({stored}) s {unmarked}"
        fresh = f"SELECT * FROM ({derived}) d {unmarked}"
        counted = (
            f"SELECT {kinds}, COUNT(*), {', '.join(f'SUM({c})' for c in sums)} "
            f"FROM casework_summaryperson WHERE period_id = %(summary_period)s GROUP BY {kinds}"
        )
        listed = (
            f"SELECT {kinds}, persons, {', '.join(sums)} FROM casework_summarykind "
            "WHERE period_id = %(summary_period)s"
        )
        with primary.cursor() as cursor:
            cursor.execute(
                f"""SELECT
                    (SELECT COUNT(*) FROM (SELECT pid FROM ({kept} EXCEPT {fresh}) a
                                           UNION SELECT pid FROM ({fresh} EXCEPT {kept}) b) p),
                    (SELECT COUNT(*) FROM ({counted} EXCEPT {listed}) c)
                  + (SELECT COUNT(*) FROM ({listed} EXCEPT {counted}) d)""",
                params,
            )
            persons, kinds_off = cursor.fetchone()
        scope = _("alla program") if row.programme is None else row.programme.code
        where = {"period": Period(row.start, row.end).label, "scope": scope}
        if persons:
            found.append(
                _(
                    "indikatorsammanställningen %(period)s (%(scope)s): raderna för %(n)s "
                    "deltagare stämmer inte med journalen"
                )
                % {**where, "n": persons}
            )
        if kinds_off:
            found.append(
                _(
                    "indikatorsammanställningen %(period)s (%(scope)s): antalen per slag stämmer "
                    "inte med raderna"
                )
                % where
            )
    return found
