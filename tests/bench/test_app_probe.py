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
