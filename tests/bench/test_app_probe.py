"""The report-timing probe of `make bench`: both times, and the report it timed."""

import pytest

from bench import app_probe
from casework.indicators import report
from casework.indicators.periods import tertial

pytestmark = pytest.mark.django_db


def test_the_probe_times_the_report_alone_with_last_year_and_the_charts():
    out = app_probe.indicator_report([["2026-01-01", "2026-04-30"]])
    timed = out["2026-01-01..2026-04-30"]
    assert set(timed) == {
        "seconds",
        "with_previous_year_seconds",
        "chart_seconds",
        "all_seconds",
        "report",
    }
    assert timed["seconds"] > 0 and timed["with_previous_year_seconds"] > 0
    assert timed["chart_seconds"] > 0
    assert len(timed["all_seconds"]) == 3
    assert timed["report"]["indicators"] == report.build(tertial(2026, 1))["indicators"]


def test_the_probe_builds_the_summary_of_every_tertial_it_reads():
    """`--summary`: the chart's six tertials, which hold the one a year before."""
    from casework.indicators import summary

    out = app_probe.build_summary([["2026-01-01", "2026-04-30"]])
    assert len(out["seconds"]) == 6
    # All programmes (*) and each programme, of each tertial.
    assert {label.rsplit(" ", 1)[0] for label in out["persons"]} == set(out["seconds"])
    assert sum(label.endswith(" *") for label in out["persons"]) == 6
    read = [tertial(2024, 2), tertial(2024, 3), *(tertial(2025, n) for n in (1, 2, 3))]
    read.append(tertial(2026, 1))
    assert set(summary.readable(read, report.queries.NO_FILTERS, None)) == set(read)
