"""Check each row on its own: identity, codes, dates and the columns its event needs.

Only the *form* of a row is checked here; whether the event is allowed for the case is
decided by the domain services when the row is applied (import-format.md "Events").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from casework import personnummer
from casework.models import ExitReason, Gender, NewlyArrived, Source
from casework.target_groups import TargetGroupInput
from programmes.models import IncomeSupport, InsatsType, Programme

from .reader import Row, RowError

INSATS_EVENTS = tuple(InsatsType.values)
EVENTS = (
    "aktualisering",
    "samrad",
    *INSATS_EVENTS,
    "forlangning",
    "kompetens_start",
    "kompetens_slut",
    "avslut",
    "uppfoljning",
)
FOLLOWUP_CODES = {"EB_JA": True, "EB_NEJ": False}
NEEDS_WORKPLACE = ("arbetspraktik", "anstallning")


@dataclass
class Event:
    """One valid row, ready for the services."""

    line: int
    pnr: str
    gender: str
    programme: Programme
    kind: str
    on: date
    detail: str = ""
    workplace_name: str = ""
    kommunal: bool = False
    planned_end: date | None = None
    source: str = ""
    first_name: str = ""
    last_name: str = ""
    baseline_step: int | None = None
    home_municipality: str = ""
    target_groups: TargetGroupInput = field(default_factory=TargetGroupInput)


class RowInvalid(Exception):
    def __init__(self, error: RowError):
        super().__init__(str(error))
        self.error = error


def parse_date(value: str, line: int, column: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise RowInvalid(
            RowError(line, column, _("Ogiltigt datum %(v)s: skriv ÅÅÅÅ-MM-DD.") % {"v": value})
        ) from None


def parse_row(row: Row, programmes: dict[str, Programme], today: date) -> Event:
    """The event of one row, or RowInvalid naming the first bad column."""
    v, line = row.values, row.line
    for column in ("personnummer", "kon", "program", "handelse", "datum"):
        if not v.get(column):
            raise RowInvalid(RowError(line, column, _("Värde saknas.")))
    try:
        identity = personnummer.parse(v["personnummer"], today=today)
    except ValidationError as exc:
        raise RowInvalid(RowError(line, "personnummer", " ".join(exc.messages))) from None
    gender = v["kon"].upper()
    if gender not in Gender.values:
        raise _unknown(line, "kon", v["kon"])
    programme = programmes.get(v["program"].upper())
    if programme is None:
        raise _unknown(line, "program", v["program"])
    kind = v["handelse"].lower()
    if kind not in EVENTS:
        raise _unknown(line, "handelse", v["handelse"])
    event = Event(
        line=line,
        pnr=identity.canonical,
        gender=gender,
        programme=programme,
        kind=kind,
        on=parse_date(v["datum"], line, "datum"),
        detail=v.get("detalj", ""),
        first_name=v.get("fornamn", ""),
        last_name=v.get("efternamn", ""),
    )
    _details(event, v)
    return event


def _unknown(line: int, column: str, value: str) -> RowInvalid:
    return RowInvalid(RowError(line, column, _("Okänd kod: %(v)s.") % {"v": value}))


CODED_DETAIL = {
    "aktualisering": set(IncomeSupport.values),
    "avslut": set(ExitReason.values),
    "uppfoljning": set(FOLLOWUP_CODES),
}
FREE_TEXT_REQUIRED = ("forlangning", "kompetens_start", "kompetens_slut")


def _details(event: Event, v: dict[str, str]) -> None:
    """The columns that depend on the event (import-format.md "Events")."""
    line, kind, detail = event.line, event.kind, event.detail
    if kind in CODED_DETAIL:
        event.detail = detail.upper()
        if not detail:
            raise _missing(line, "detalj")
        if event.detail not in CODED_DETAIL[kind]:
            raise _unknown(line, "detalj", detail)
    elif kind in FREE_TEXT_REQUIRED and not detail:
        raise _missing(line, "detalj")
    elif kind == "anstallning" and detail and detail.upper() != "OSA":
        raise _unknown(line, "detalj", detail)
    if kind == "aktualisering":
        event.source = v.get("kalla", "").upper()
        if event.source and event.source not in Source.values:
            raise _unknown(line, "kalla", v["kalla"])
        _referral_facts(event, v)
    if kind in NEEDS_WORKPLACE:
        _workplace(event, v)
    if v.get("planerat_slut"):
        event.planned_end = parse_date(v["planerat_slut"], line, "planerat_slut")


def _missing(line: int, column: str) -> RowInvalid:
    return RowInvalid(RowError(line, column, _("Värde saknas.")))


def _workplace(event: Event, v: dict[str, str]) -> None:
    event.workplace_name = v.get("arbetsplats", "")
    if not event.workplace_name:
        raise _missing(event.line, "arbetsplats")
    kommunal = v.get("kommunal", "").lower()
    if kommunal not in ("ja", "nej"):
        raise RowInvalid(
            RowError(event.line, "kommunal", _("Skriv ja eller nej."))
            if kommunal
            else RowError(event.line, "kommunal", _("Värde saknas."))
        )
    event.kommunal = kommunal == "ja"


YES_NO = {"ja": True, "nej": False}
FLAG_COLUMNS = {
    "ej_gymnasium": "no_upper_secondary",
    "utomeuropeisk": "born_outside_europe",
    "ung_uvas": "young_neet",
    "funktionsnedsattning": "documented_disability",
}


def _referral_facts(event: Event, v: dict[str, str]) -> None:
    """Baseline step, home municipality and target groups of an `aktualisering` (issue 13)."""
    line = event.line
    if v.get("steg"):
        if not v["steg"].isdigit():
            raise RowInvalid(RowError(line, "steg", _("Skriv stegets nummer.")))
        event.baseline_step = int(v["steg"])
    event.home_municipality = v.get("hemkommun", "")
    answers: dict = {}
    if v.get("arbetslos_sedan"):
        answers["unemployed_since"] = parse_date(v["arbetslos_sedan"], line, "arbetslos_sedan")
    for column, name in FLAG_COLUMNS.items():
        value = v.get(column, "").lower()
        if value and value not in YES_NO:
            raise RowInvalid(RowError(line, column, _("Skriv ja eller nej.")))
        if value:
            answers[name] = YES_NO[value]
    arrived = v.get("nyanland", "").lower()
    if arrived and arrived not in NewlyArrived.values:
        raise _unknown(line, "nyanland", v["nyanland"])
    answers["newly_arrived"] = arrived
    event.target_groups = TargetGroupInput(**answers)
