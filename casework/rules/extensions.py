"""Extensions of an insats: the maximum, the reason and the samråd they need."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..facts import CaseFacts, facts_of
from .core import AKTUALISERING, AVSLUTAD, extension_count, spells

if TYPE_CHECKING:
    from programmes.models import InsatsRule

    from ..models import Case, Extension, Samrad


def has_extension_rule(case: Case) -> bool:
    """The current insats can be extended at all in this programme (the button shows)."""
    rule = case.programme.rule_for(case.state)
    return bool(rule and rule.max_extensions and rule.extension_months)


def extension_refusal(case: Case | CaseFacts, *, on: date, reason: str) -> str | None:
    """Extension beyond the maximum, without reason, or without a required samråd."""
    facts = facts_of(case)
    case = facts.case
    rule = case.programme.rule_for(case.state)
    if rule is None or case.state in (AKTUALISERING, AVSLUTAD):
        return _("Ärendet har ingen pågående insats att förlänga.")
    current = spells(facts)[-1]
    if current.is_osa:
        return _("OSA följer sin individuella planering och förlängs inte.")
    refusal = _extension_rule_refusal(facts, rule, case.state, reason)
    if refusal:
        return refusal
    if rule.extension_needs_samrad and unused_samrad(facts, on=on) is None:
        return _("Förlängningen kräver ett samråd med Arbetsförmedlingen före förlängningsdatumet.")
    return None


def _extension_rule_refusal(
    facts: CaseFacts, rule: InsatsRule, insats: str, reason: str
) -> str | None:
    if rule.max_extensions == 0 or rule.extension_months == 0:
        return _("Insatsen %(i)s kan inte förlängas i programmet.") % {
            "i": rule.get_insats_type_display()
        }
    used = extension_count(facts, insats)
    if used >= rule.max_extensions:
        return ngettext(
            "Insatsen är redan förlängd %(n)s gång av högst %(max)s.",
            "Insatsen är redan förlängd %(n)s gånger av högst %(max)s.",
            used,
        ) % {
            "n": used,
            "max": rule.max_extensions,
        }
    if not reason.strip():
        return _("En förlängning måste ha en motivering.")
    return None


def unused_samrad(
    case: Case | CaseFacts, *, on: date, insats: str | None = None, since: date | None = None
) -> Samrad | None:
    """A samråd after the spell began (`since`), on or before `on`, not used by an extension.

    By default the current spell; a return names the insats and its last spell's start."""
    facts = facts_of(case)
    case = facts.case
    insats = insats or case.state
    since = case.state_since if since is None else since
    samrads = [s for s in facts.samrads if since < s.effective_on <= on]
    of_state = [e for e in facts.extensions if e.insats_type == insats]
    if of_state:
        last_ext = max(reversed(of_state), key=lambda e: e.effective_on)
        samrads = [
            s
            for s in samrads
            if s.effective_on >= last_ext.effective_on and not _used_by(last_ext, s)
        ]
    # The latest; of one date, the last written (the journal's write order is the pk order).
    return max(reversed(samrads), key=lambda s: s.effective_on, default=None)


def _used_by(extension: Extension, samrad: Samrad) -> bool:
    if samrad.pk is not None:
        return extension.samrad_id == samrad.pk
    return extension.samrad_id is None and extension.samrad is samrad
