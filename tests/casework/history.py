"""Helpers for tests that import a small history and read the report (import-format.md)."""

from __future__ import annotations

from datetime import date

from casework.indicators import report
from casework.indicators.periods import Period
from casework.models import Case
from programmes.models import Programme
from referrals.importing.applier import run_import
from referrals.importing.writer import to_csv
from tests.factories import make_pnr

_serial = iter(range(200, 990))


def person(born: date = date(1990, 5, 17)) -> str:
    return make_pnr(born, next(_serial))


def ev(pnr, handelse, datum, detalj="", program="JOBBTORG", kon="K", **extra) -> dict:
    return {
        "personnummer": pnr,
        "kon": kon,
        "program": program,
        "handelse": handelse,
        "datum": datum,
        "detalj": detalj,
        **extra,
    }


def load(rows: list[dict], name: str = "historik.csv", unit: str = "sikta-sodra"):
    """Import the rows; Sikta runs in three units, so its rows go to `unit`."""
    from programmes.models import Unit

    return run_import(to_csv(rows), filename=name, unit=Unit.objects.get(code=unit))


def case_of(pnr: str, code: str = "JOBBTORG") -> Case:
    return Case.objects.filter(participant__personnummer=pnr, programme__code=code).latest("pk")


def indicators(start: date, end: date, code: str | None = None) -> dict:
    ids = None if code is None else [Programme.objects.get(code=code).pk]
    return report.build(Period(start, end), programme_ids=ids)["indicators"]


def tertial(year: int, n: int) -> tuple[date, date]:
    return {
        1: (date(year, 1, 1), date(year, 4, 30)),
        2: (date(year, 5, 1), date(year, 8, 31)),
        3: (date(year, 9, 1), date(year, 12, 31)),
    }[n]


KOMMUNAL = {"arbetsplats": "Parkförvaltningen", "kommunal": "ja"}


def two_ended_anstallningar(pnr: str) -> list[dict]:
    """Two kommunala anställningar that end 1 Mar (follow-up due 1 Sep) and 1 Jun 2025
    (due 1 Dec), for the follow-up rules (000 §4.5; import-format.md)."""
    return [
        ev(pnr, "aktualisering", "2025-01-02", "EB_ARBETSLOSHET"),
        ev(pnr, "samrad", "2025-01-02"),
        ev(pnr, "anstallning", "2025-01-10", **KOMMUNAL),
        ev(pnr, "jobbsok", "2025-03-01"),
        ev(pnr, "anstallning", "2025-04-01", **KOMMUNAL),
        ev(pnr, "avslut", "2025-06-01", "ARBETE"),
    ]
