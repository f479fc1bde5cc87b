"""Exits: the reasons a programme offers, the minimum time (002 §5), attendance after the end."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ..facts import CaseFacts, facts_of
from .core import AGREEMENT_EXIT_REASONS, AKTUALISERING, AVSLUTAD, EJ_AKTUELL, INSATS, spells

if TYPE_CHECKING:
    from ..models import Case


def exit_refusal(
    case: Case, *, reason_code: str, on: date | None = None, reason: str = ""
) -> str | None:
    """Exit reasons the programme offers; an exit before the minimum needs a reason (002 §5)."""
    if case.state == AVSLUTAD:
        return _("Ärendet är redan avslutat.")
    if reason_code == EJ_AKTUELL and case.state != AKTUALISERING:
        return _("Ej aktuell kan bara väljas innan första insatsen har startat.")
    offered = set(case.programme.extra_exit_reasons or ())
    if reason_code in AGREEMENT_EXIT_REASONS and reason_code not in offered:
        return _("Avslutsorsaken %(c)s finns inte i programmet %(p)s.") % {
            "c": reason_code,
            "p": case.programme.code,
        }
    minimum = minimum_end(case)
    if on is not None and minimum is not None and on < minimum and not reason.strip():
        return _("Avslutet ligger före den minsta tiden %(d)s: ange skälet.") % {"d": minimum}
    return None


def exit_reason_codes(case: Case, codes: list[str]) -> list[str]:
    """The exit reason codes to offer on this case (domain.md "Codes"; 003)."""
    offered = set(case.programme.extra_exit_reasons or ())
    return [c for c in codes if c not in AGREEMENT_EXIT_REASONS or c in offered]


def minimum_end(case: Case | CaseFacts) -> date | None:
    """The minimum time the coordinator set for the current spell (002 §5)."""
    current = spells(facts_of(case))[-1]
    return current.min_end if current.state in INSATS else None


def early_exit(case: Case | CaseFacts) -> date | None:
    """The minimum an exit came before, for the flag on the case, else None."""
    rows = spells(facts_of(case))
    if len(rows) < 2 or rows[-1].state != AVSLUTAD:
        return None
    before = rows[-2]
    return before.min_end if before.min_end and rows[-1].start < before.min_end else None


def attendance_week_refusal(case: Case | CaseFacts, monday: date) -> str | None:
    """Attendance is for weeks in an insats: not before the first starts, not after the
    case ends (002 §5)."""
    own = spells(case)
    insats = [s for s in own if s.state not in (AKTUALISERING, AVSLUTAD)]
    if not insats or monday + timedelta(days=6) < insats[0].start:
        return _("Närvaro kan inte registreras före insatsens start.")
    exit_spell = next((s for s in own if s.state == AVSLUTAD), None)
    if exit_spell is not None and monday >= exit_spell.start:
        return _("Närvaro kan inte registreras efter att ärendet avslutats %(d)s.") % {
            "d": exit_spell.start
        }
    return None
