"""The report: the indicator codes, their seed wording, and the JSON of indicators.md."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from . import breakdowns, fanout, key_figures, queries, summary
from .periods import Period

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

GENDERS = queries.GENDERS


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    label: StrOrPromise


# Seed 000 §4.5 wording, in the order the board reads them (indicators.md).
INDICATORS = [
    Indicator(
        "IN1", "IN", _("Antal personer som uppbär ekonomiskt bistånd på grund av arbetslöshet")
    ),
    Indicator("IN2", "IN", _("Antal vuxna med ekonomiskt bistånd som har aktualiserats")),
    Indicator("IN3", "IN", _("Antal deltagare som är 24 år eller yngre")),
    Indicator("IN4", "IN", _("Antal deltagare som är 25 år eller äldre")),
    Indicator(
        "AKT1", "AKTIVITET", _("Antal personer i insatsen kartläggning och individuell planering")
    ),
    Indicator("AKT2", "AKTIVITET", _("Antal personer i arbetsträning")),
    Indicator("AKT3", "AKTIVITET", _("Antal personer i arbetspraktik")),
    Indicator("AKT4", "AKTIVITET", _("Antal personer i kommunal arbetsmarknadsanställning")),
    Indicator(
        "AKT5", "AKTIVITET", _("Antal deltagare i Heltidsmodellen/Kompetenshöjande insatser")
    ),
    Indicator(
        "UT1",
        "UT",
        _("Antal personer som haft arbetspraktik eller arbetsmarknadsanställning i kommunen"),
    ),
    Indicator("UT2", "UT", _("Antal deltagare som börjat arbeta efter avslutad insats")),
    Indicator("UT3", "UT", _("Antal deltagare som börjat studera efter avslutad insats")),
    Indicator("UT4", "UT", _("Antal personer överförda till annan myndighet")),
    Indicator(
        "UT5",
        "UT",
        _("Antal personer som deltagit i arbetsmarknadsinsats eller kompetenshöjande verksamhet"),
    ),
    Indicator(
        "UT6",
        "UT",
        _(
            "Antal personer med ekonomiskt bistånd 6 månader efter avslutad "
            "arbetsmarknadsanställning"
        ),
    ),
    # Not of seed 000 §4.5: the time limits of domain.md "Enforce" (2026-12 revision).
    Indicator(
        "OVERSTAY", "—", _("Antal personer som överskridit insatsens eller ärendets tidsgräns")
    ),
]
KEY_FIGURES = [
    Indicator("K1", "NYCKELTAL", _("Andel avslut till arbete eller studier (%)")),
    Indicator("K2", "NYCKELTAL", _("Mediantid i dagar från aktualisering till första insats")),
    Indicator(
        "K3",
        "NYCKELTAL",
        _("Andel avslut till arbete minst en månad eller studier med studiemedel (%)"),
    ),
    Indicator("K4", "NYCKELTAL", _("Kostnad per deltagare (kr)")),
    Indicator("K5", "NYCKELTAL", _("Kostnad per avslut till arbete eller studier (kr)")),
    Indicator("K6", "NYCKELTAL", _("Andel med stegförflyttning från utgångsläget (%)")),
]
ALL = INDICATORS + KEY_FIGURES
BY_CODE = {i.code: i for i in ALL}
COUNT_CODES = [i.code for i in INDICATORS]
DRILLABLE = set(COUNT_CODES)
COLUMNS = ["total", *GENDERS]


def _zero() -> dict:
    return dict.fromkeys(COLUMNS, 0)


def _share(part: int, whole: int) -> float | None:
    """One decimal, rounded half up as Swedish statistics round: 1 of 16 is 6.3 (K1)."""
    if whole == 0:
        return None
    exact = Decimal(100 * part) / Decimal(whole)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _median(value) -> int | float | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


# Extra sections other apps add to the report (surveys adds "survey" in its AppConfig),
# so casework needs no import of them: name -> fn(period, filters) -> dict.
SECTIONS: dict[str, Callable[[Period, queries.Filters], dict]] = {}


def register_section(name: str, fn: Callable[[Period, queries.Filters], dict]) -> None:
    SECTIONS[name] = fn


def _key_figures(rows: dict, budget: Decimal | None, counts: dict) -> dict:
    """K3–K6 (docs/indicators.md) of one period from its key-figure rows and budget."""
    exits, good = rows["K3_exits"], rows["K3_good"]
    out = {
        "K3": {col: _share(good[col], exits[col]) for col in COLUMNS}
        | {"pending": rows["K3_pending"]["total"]},
    }
    participants = counts.get("UT5", _zero())["total"]
    work_or_study = counts.get("K1_work_or_study", _zero())["total"]
    for code, count in (("K4", participants), ("K5", work_or_study)):
        out[code] = dict.fromkeys(COLUMNS, None) | {
            "total": key_figures.cost_per(budget, count),
            "budget": None if budget is None else key_figures.kronor(budget),
        }
    out["K6"] = {col: _share(rows["K6_up"][col], rows["K6_base"][col]) for col in COLUMNS}
    return out


def build(period: Period, **options) -> dict:
    """The report of indicators.md "Machine-readable output"; a fixed number of queries.

    Options as `build_many`."""
    return build_many([period], **options)[0]


def build_many(
    periods: Sequence[Period],
    *,
    programme_ids=None,
    programme_code: str | None = None,
    as_of=None,
    unit_ids=None,
    unit_code: str | None = None,
    municipality_ids=None,
    municipality: str | None = None,
    detail: bool = True,
) -> list[dict]:
    """`build` of each period: per period the counts with the breakdowns (one query), K2
    and K3/K6 (one each); the budgets of all periods from the same two queries; the other
    apps' sections of the first period only.

    `detail=False` leaves out the breakdowns and the other apps' sections (the chart)."""
    filters = queries.Filters(programme_ids, unit_ids, municipality_ids)
    budgets: list[Decimal | None] = [None] * len(periods)
    if filters.unit_ids is None and filters.municipality_ids is None:
        budgets = key_figures.prorated_budgets(periods, filters.programme_ids)
    counted, medians, figures = _statements(periods, filters, as_of, detail)
    reports = []
    for k, period in enumerate(periods):
        rows, groups = counted[k]
        counts, indicators = _counts_and_k1_k2(rows, dict(medians[k]))
        indicators |= _key_figures(figures[k], budgets[k], counts)
        report = {
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            "programme": programme_code,
            "unit": unit_code,
            "municipality": municipality,
            "indicators": indicators,
        }
        if detail:
            report["breakdowns"] = breakdowns.breakdowns_of(groups, COUNT_CODES)
            if k == 0:
                for name, section in SECTIONS.items():
                    report[name] = section(period, filters)
        if as_of is not None:
            report["as_of"] = as_of.isoformat() if isinstance(as_of, datetime) else str(as_of)
        reports.append(report)
    return reports


def _statements(periods: Sequence[Period], filters: queries.Filters, as_of, detail: bool):
    """Per period the counts (with the breakdowns when `detail`), K2's medians and the K3/K6
    rows: three statements each, independent of one another, run at once where they may
    (`fanout`); the counts, the longest, first."""
    options = {"filters": filters, "as_of": as_of}
    # A built tertial's counts and K3/K6 come from its per-person summary, in one statement
    # (of all programmes, or of the one programme reported).
    kept = summary.readable(periods, filters, as_of)

    def counts(period: Period) -> tuple:
        """(count rows, breakdown rows or None[, K3/K6 rows when from the summary])."""
        if period in kept:
            return summary.counted_rows(period, kept[period])
        if detail:
            return breakdowns.counts_and_breakdown_rows(period, **options)
        return queries.count_rows(period, **options), None

    tasks: list[Callable[[], Any]] = [partial(counts, p) for p in periods]
    tasks += [partial(queries.median_rows, p, **options) for p in periods]
    tasks += [partial(key_figures.key_figure_rows, p, **options) for p in periods if p not in kept]
    results = fanout.run(tasks)
    n = len(periods)
    counted, medians, rest = results[:n], results[n : 2 * n], iter(results[2 * n :])
    figures = [counted[k][2] if p in kept else next(rest) for k, p in enumerate(periods)]
    return [c[:2] for c in counted], medians, figures


def _counts_and_k1_k2(rows: list[tuple], medians: dict) -> tuple[dict, dict]:
    """The counts (the main query's rows by code) and the indicators up to K2."""
    counts = {row[0]: dict(zip(COLUMNS, row[1:], strict=True)) for row in rows}
    indicators = {code: counts.get(code, _zero()) for code in COUNT_CODES}
    indicators["UT6"] = {
        **indicators["UT6"],
        "due": counts.get("UT6_due", _zero())["total"],
        "missing": counts.get("UT6_missing", _zero())["total"],
    }
    exits = counts.get("K1_exits", _zero())
    good = counts.get("K1_work_or_study", _zero())
    indicators["K1"] = {col: _share(good[col], exits[col]) for col in COLUMNS}
    indicators["K2"] = {col: _median(medians.get(col)) for col in COLUMNS}
    return counts, indicators


def table_rows(report: dict) -> list[dict]:
    """The report as rows for the table and the exports: label, code and the four cells."""
    rows = []
    for indicator in ALL:
        values = report["indicators"][indicator.code]
        rows.append(
            {
                "code": indicator.code,
                "group": indicator.group,
                "label": str(indicator.label),
                "cells": [values[col] for col in COLUMNS[1:]] + [values["total"]],
                "due": values.get("due"),
                # K3's exits still awaiting their one-month check show as missing outcomes.
                "missing": values.get("missing", values.get("pending")),
                "pending": values.get("pending"),
            }
        )
    return rows


def breakdown_tables(report: dict) -> list[dict]:
    """The breakdowns as tables for the page and the exports: one per target group and
    age band, each with a row per count indicator (label, code, K, M, X, total)."""
    tables = []
    blocks = report.get("breakdowns") or {}
    for kind, title in (("target_groups", _("Målgrupp")), ("age_bands", _("Ålder"))):
        for key, block in (blocks.get(kind) or {}).items():
            rows = [
                {
                    "code": i.code,
                    "label": str(i.label),
                    "cells": [block["indicators"][i.code].get(c) for c in (*GENDERS, "total")],
                }
                for i in INDICATORS
                if i.code in block["indicators"]
            ]
            label = f"{title}: {block['label']}"
            tables.append({"kind": kind, "key": key, "label": label, "rows": rows})
    return tables


def survey_rows(report: dict) -> list[dict]:
    """The survey section as rows: occasion, question (or the count of responses), n, mean."""
    rows = []
    for occasion, block in (report.get("survey") or {}).items():
        rows.append({"occasion": occasion, "text": str(_("Antal besvarade enkäter")),
                     "n": block["responses"], "mean": None, "hidden": False})  # fmt: skip
        rows += [{"occasion": occasion, **q} for q in block["questions"]]
    return rows
