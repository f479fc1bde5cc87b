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
from casework.models import EmploymentForm, ExitReason, Gender, NewlyArrived, Source
from casework.target_groups import TargetGroupInput
from casework.text import text_problem
from programmes.models import IncomeSupport, InsatsType, Programme

from .errors import RowError
from .reader import Row

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
    coach: str = ""
    baseline_step: int | None = None
    home_municipality: str = ""
    target_groups: TargetGroupInput = field(default_factory=TargetGroupInput)
    employment_form: str = ""
    studiemedel: bool | None = None


# The stored length of a column's value where it is shorter than the reader's cell limit:
# longer is refused with a reason on every engine (SQLite would store it, PostgreSQL fail).
MAX_LENGTH = {"fornamn": 100, "efternamn": 100, "arbetsplats": 200, "coach": 150}
COURSE_MAX_LENGTH = 100


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
    _present_and_short(v, line, programmes)
    try:
        identity = personnummer.parse(v["personnummer"], today=today)
    except ValidationError as exc:
        raise RowInvalid(RowError(line, "personnummer", " ".join(exc.messages))) from None
    gender = v["kon"].upper()
    if gender not in Gender.values:
        raise _unknown(line, "kon", v["kon"], Gender.values)
    programme = programmes.get(v["program"].upper())
    if programme is None:
        raise _unknown(line, "program", v["program"], sorted(programmes))
    kind = v["handelse"].lower()
    if kind not in EVENTS:
        raise _unknown(line, "handelse", v["handelse"], EVENTS)
    on = parse_date(v["datum"], line, "datum")
    if on > today:
        raise RowInvalid(
            RowError(line, "datum", _("Datumet %(on)s ligger i framtiden.") % {"on": on})
        )
    if v.get("coach") and kind != "aktualisering":
        raise RowInvalid(RowError(line, "coach", _("Coach anges bara på raden med aktualisering.")))
    event = Event(
        line=line,
        pnr=identity.canonical,
        gender=gender,
        programme=programme,
        kind=kind,
        on=on,
        detail=v.get("detalj", ""),
        first_name=v.get("fornamn", ""),
        last_name=v.get("efternamn", ""),
        coach=v.get("coach", ""),
    )
    _details(event, v)
    return event


def _present_and_short(v: dict[str, str], line: int, programmes) -> None:
    for column in ("personnummer", "kon", "program", "handelse", "datum"):
        if not v.get(column):
            raise _missing(line, column, _allowed(column, programmes))
    for column, longest in MAX_LENGTH.items():
        if len(v.get(column, "")) > longest:
            raise RowInvalid(RowError(line, column, too_long(longest)))
    for column, value in v.items():  # the rule layer's text check, named by line and column
        problem = text_problem(value or "")
        if problem:
            raise RowInvalid(RowError(line, column, problem))


def _date_and_coach(v: dict[str, str], line: int, kind: str, today: date) -> date:
    """The effective date (never in the future); `coach` only where the format has it."""
    on = parse_date(v["datum"], line, "datum")
    if on > today:
        raise RowInvalid(
            RowError(line, "datum", _("Datumet %(on)s ligger i framtiden.") % {"on": on})
        )
    if v.get("coach") and kind != "aktualisering":
        raise RowInvalid(RowError(line, "coach", _("Coach anges bara på raden med aktualisering.")))
    return on


def too_long(n: int) -> str:
    return _("Värdet är längre än %(n)s tecken.") % {"n": n}


def _codes(allowed) -> str:
    return _("Tillåtna värden: %(codes)s.") % {"codes": ", ".join(allowed)}


def _unknown(line: int, column: str, value: str, allowed=()) -> RowInvalid:
    reason = _("Okänd kod: %(v)s.") % {"v": value[:40]}
    if allowed:
        reason = f"{reason} {_codes(allowed)}"
    return RowInvalid(RowError(line, column, reason))


def _allowed(column: str, programmes: dict[str, Programme]) -> tuple[str, ...]:
    return {
        "kon": tuple(Gender.values),
        "program": tuple(sorted(programmes)),
        "handelse": EVENTS,
    }.get(column, ())


CODED_DETAIL = {
    "aktualisering": set(IncomeSupport.values),
    "avslut": set(ExitReason.values),
    "uppfoljning": set(FOLLOWUP_CODES),
}
FREE_TEXT_REQUIRED = ("forlangning", "kompetens_start", "kompetens_slut")


def _details(event: Event, v: dict[str, str]) -> None:
    """The columns that depend on the event (import-format.md "Events")."""
    line, kind = event.line, event.kind
    _detail(event)
    if kind == "aktualisering":
        event.source = v.get("kalla", "").upper()
        if event.source and event.source not in Source.values:
            raise _unknown(line, "kalla", v["kalla"], Source.values)
        _referral_facts(event, v)
    if kind in NEEDS_WORKPLACE:
        _workplace(event, v)
    if v.get("planerat_slut"):
        event.planned_end = parse_date(v["planerat_slut"], line, "planerat_slut")
    _exit_facts(event, v)


def _exit_facts(event: Event, v: dict[str, str]) -> None:
    """K3's columns: `anstallningsform` on an ARBETE exit, `studiemedel` on a STUDIER exit."""
    line = event.line
    form, studies = v.get("anstallningsform", "").lower(), v.get("studiemedel", "").lower()
    is_exit = event.kind == "avslut"
    if form:
        if not (is_exit and event.detail == ExitReason.ARBETE):
            raise RowInvalid(
                RowError(line, "anstallningsform", _("Anges bara på avslut med ARBETE."))
            )
        if form not in EmploymentForm.values:
            raise _unknown(line, "anstallningsform", v["anstallningsform"], EmploymentForm.values)
        event.employment_form = form
    if studies:
        if not (is_exit and event.detail == ExitReason.STUDIER):
            raise RowInvalid(RowError(line, "studiemedel", _("Anges bara på avslut med STUDIER.")))
        if studies not in YES_NO:
            raise RowInvalid(RowError(line, "studiemedel", _("Skriv ja eller nej.")))
        event.studiemedel = YES_NO[studies]


def _detail(event: Event) -> None:
    line, kind, detail = event.line, event.kind, event.detail
    if kind in CODED_DETAIL:
        event.detail = detail.upper()
        codes = sorted(CODED_DETAIL[kind])
        if not detail:
            raise _missing(line, "detalj", codes)
        if event.detail not in CODED_DETAIL[kind]:
            raise _unknown(line, "detalj", detail, codes)
    elif kind in FREE_TEXT_REQUIRED and not detail:
        raise _missing(line, "detalj")
    elif kind in ("kompetens_start", "kompetens_slut") and len(detail) > COURSE_MAX_LENGTH:
        raise RowInvalid(RowError(line, "detalj", too_long(COURSE_MAX_LENGTH)))
    elif kind == "anstallning" and detail and detail.upper() != "OSA":
        raise _unknown(line, "detalj", detail, ("OSA",))


def _missing(line: int, column: str, allowed=()) -> RowInvalid:
    reason = _("Värde saknas.")
    if allowed:
        reason = f"{reason} {_codes(allowed)}"
    return RowInvalid(RowError(line, column, reason))


def _workplace(event: Event, v: dict[str, str]) -> None:
    event.workplace_name = v.get("arbetsplats", "")
    if not event.workplace_name:
        raise _missing(event.line, "arbetsplats")
    kommunal = v.get("kommunal", "").lower()
    if kommunal not in ("ja", "nej"):
        raise RowInvalid(
            RowError(event.line, "kommunal", _("Skriv ja eller nej."))
            if kommunal
            else RowError(event.line, "kommunal", _("Värde saknas. Skriv ja eller nej."))
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
