"""Run inside the benchmark database (DATABASE_URL): the app's indicator report per tertial.

`casework.indicators.report.build(tertial(y, t))` once to warm up, then best of three;
then the board's report with last year beside it (`board.with_previous_year`, issue 14),
best of three; then, once, the six tertials' charts that the report page loads after its
table (`board.chart`). The statements of each run at once on REPORT_CONNECTIONS
connections (casework.indicators.fanout; 2 by default). Prints one JSON object.
"""

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


def indicator_report(periods: list[list[str]]) -> dict:
    from casework.indicators.board import chart, with_previous_year
    from casework.indicators.periods import tertial, tertial_of
    from casework.indicators.report import build

    out = {}
    for start, end in periods:
        year, number = tertial_of(date.fromisoformat(start))
        period = tertial(year, number)
        assert period.end.isoformat() == end, (period, end)
        build(period)  # warm-up: plans and the buffer cache
        times = []
        for _ in range(3):
            began = time.perf_counter()
            report = build(period)
            times.append(time.perf_counter() - began)
        previous = []
        for _ in range(3):
            began = time.perf_counter()
            with_previous_year(period)
            previous.append(time.perf_counter() - began)
        began = time.perf_counter()
        chart(period, detail=False)  # what the report page loads after its table
        charts = time.perf_counter() - began
        out[f"{start}..{end}"] = {
            "seconds": round(min(times), 3),
            "with_previous_year_seconds": round(min(previous), 3),
            "chart_seconds": round(charts, 3),
            "all_seconds": [round(t, 3) for t in times],
            "report": json.loads(json.dumps(report, default=str)),
        }
    return out


def counts() -> dict:
    from casework.models import Case, Participant, Transition

    return {
        "participants": Participant.objects.count(),
        "cases": Case.objects.count(),
        "transitions": Transition.objects.count(),
    }


def build_summary(periods: list[list[str]]) -> dict:
    """`--summary`: clean the marks of the bulk load, then build the per-person summary
    (ADR 0112) of every tertial the probe reads, of all programmes and of each: each
    probed tertial, the same tertial a year earlier and the chart's six; timed, as
    `manage.py indicator_summary` would."""
    from casework.indicators import summary
    from casework.indicators.periods import last_tertials, same_period_last_year

    began = time.perf_counter()
    summary.clean()
    cleaned = time.perf_counter() - began
    wanted = set()
    for start, _end in periods:
        day = date.fromisoformat(start)
        wanted |= {p for _y, _n, p in last_tertials(day, 6)}
        wanted.add(same_period_last_year(next(p for _y, _n, p in last_tertials(day, 1))))
    built: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for period in sorted(wanted, key=lambda p: p.start):
        began = time.perf_counter()
        built |= summary.build_all([period])  # all programmes, and each (a manager's)
        seconds[period.label] = round(time.perf_counter() - began, 2)
    return {"clean_seconds": round(cleaned, 2), "persons": built, "seconds": seconds}


def main() -> None:
    import django

    django.setup()
    periods = json.loads(sys.argv[1])
    out = {"summary": build_summary(periods)} if "--summary" in sys.argv[2:] else {}
    out |= {"indicators": indicator_report(periods), "counts": counts()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
