"""The case's own limit (Sikta, 003; domain.md 2026-12)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..facts import CaseFacts, facts_of
from .core import AKTUALISERING, AVSLUTAD, CASE_LIMIT, INSATS, add_months, spells

if TYPE_CHECKING:
    from ..models import Case


def first_insats_on(case: Case | CaseFacts) -> date | None:
    return next((s.start for s in spells(facts_of(case)) if s.state in INSATS), None)


def case_deadline(case: Case | CaseFacts) -> date | None:
    """Last permitted day of the whole case: limit + extensions from the first insats."""
    facts = facts_of(case)
    limit = facts.case.programme.case_limit_months
    first = first_insats_on(facts)
    if limit is None or first is None:
        return None
    months = limit + sum(e.months for e in facts.extensions if e.insats_type == CASE_LIMIT)
    return add_months(first, months) - timedelta(days=1)


def case_extension_refusal(
    case: Case | CaseFacts, *, on: date, months: int, reason: str
) -> str | None:
    facts = facts_of(case)
    programme = facts.case.programme
    if programme.case_limit_months is None or not programme.case_max_extensions:
        return _("Programmet %(p)s har ingen förlängning av hela ärendet.") % {"p": programme.code}
    if facts.case.state in (AKTUALISERING, AVSLUTAD):
        return _("Ärendet har ingen pågående insats att förlänga.")
    used = sum(1 for e in facts.extensions if e.insats_type == CASE_LIMIT)
    if used >= programme.case_max_extensions:
        return ngettext(
            "Ärendet är redan förlängt %(n)s gång av högst %(max)s.",
            "Ärendet är redan förlängt %(n)s gånger av högst %(max)s.",
            used,
        ) % {
            "n": used,
            "max": programme.case_max_extensions,
        }
    if not 1 <= months <= programme.case_extension_months:
        return _("Förlängningen får vara 1–%(max)s månader.") % {
            "max": programme.case_extension_months
        }
    if not reason.strip():
        return _("En förlängning måste ha en motivering.")
    return None
