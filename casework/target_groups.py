"""Target groups at referral, as of the referral date (Järfälla 004 §3–4; domain.md).

The facts are one `TargetGroupFacts` journal row per case, written by the referral;
a correction is a new row that supersedes the current one, which stays readable (C2).
Each programme says which of the facts its referral asks for (`Programme.target_groups`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from programmes.models import TargetGroup

from . import rules, store
from .models import Case, NewlyArrived, TargetGroupFacts
from .rules import CaseRuleError

LONG_TERM_MONTHS = 12
VERY_LONG_TERM_MONTHS = 24
YOUNG_AGES = (16, 24)


@dataclass(frozen=True)
class TargetGroupInput:
    """What a form or an import row says; None (or "") is "not answered"."""

    unemployed_since: date | None = None
    no_upper_secondary: bool | None = None
    newly_arrived: str = ""
    born_outside_europe: bool | None = None
    young_neet: bool | None = None
    documented_disability: bool | None = None

    def answered(self) -> dict[str, object]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) not in (None, "")
        }


# Each input field and the target group of the programme's choice that asks for it.
FIELD_GROUP = {
    "unemployed_since": TargetGroup.UNEMPLOYED_SINCE,
    "no_upper_secondary": TargetGroup.NO_UPPER_SECONDARY,
    "newly_arrived": TargetGroup.NEWLY_ARRIVED,
    "born_outside_europe": TargetGroup.BORN_OUTSIDE_EUROPE,
    "young_neet": TargetGroup.YOUNG_NEET,
    "documented_disability": TargetGroup.DISABILITY,
}


def unemployed_more_than(since: date | None, months: int, on: date) -> bool | None:
    """More than `months` calendar months unemployed on `on` (004 §4: >12, >24 months)."""
    if since is None:
        return None
    return rules.add_months(since, months) < on


def target_group_refusal(case: Case, facts: TargetGroupInput) -> str | None:
    """Why these facts cannot be recorded for the case's referral, or None."""
    asked = set(case.programme.target_groups)
    for name in facts.answered():
        if FIELD_GROUP[name] not in asked:
            return _("Programmet %(p)s frågar inte efter målgruppen %(g)s.") % {
                "p": case.programme.code,
                "g": FIELD_GROUP[name].label,
            }
    if facts.unemployed_since and facts.unemployed_since > case.referred_on:
        return _("Arbetslös sedan kan inte ligga efter aktualiseringen %(d)s.") % {
            "d": case.referred_on
        }
    if facts.newly_arrived and facts.newly_arrived not in NewlyArrived.values:
        return _("Okänt värde för nyanländ: %(v)s.") % {"v": facts.newly_arrived}
    low, high = YOUNG_AGES
    if facts.young_neet and not low <= case.age_at_referral <= high:
        return _("Unga som varken arbetar eller studerar är 16–24 år; deltagaren var %(a)s.") % {
            "a": case.age_at_referral
        }
    return None


def _row(case: Case, facts: TargetGroupInput, *, by, batch=None, **extra) -> TargetGroupFacts:
    on = case.referred_on
    return TargetGroupFacts(
        case=case,
        effective_on=on,
        unemployed_since=facts.unemployed_since,
        long_term_unemployed=unemployed_more_than(facts.unemployed_since, LONG_TERM_MONTHS, on),
        very_long_term_unemployed=unemployed_more_than(
            facts.unemployed_since, VERY_LONG_TERM_MONTHS, on
        ),
        no_upper_secondary=facts.no_upper_secondary,
        newly_arrived=facts.newly_arrived,
        born_outside_europe=facts.born_outside_europe,
        young_neet=facts.young_neet,
        documented_disability=facts.documented_disability,
        actor=by,
        batch=batch,
        **extra,
    )


def target_groups_record(*, case: Case, facts: TargetGroupInput, by, batch=None):
    """At referral, inside `referral_register`'s unit of work: the first row, if any."""
    if not facts.answered():
        return None
    refusal = target_group_refusal(case, facts)
    if refusal:
        raise CaseRuleError(refusal)
    row = _row(case, facts, by=by, batch=batch)
    store.current().add(case, row)
    return row


def current_target_groups(case: Case) -> TargetGroupFacts | None:
    return case.targetgroupfactss.filter(corrections__isnull=True).order_by("-pk").first()


def target_group_versions(case: Case) -> list[TargetGroupFacts]:
    """Every row, the current last: the page shows what was corrected and why (C2)."""
    return list(case.targetgroupfactss.order_by("recorded_at", "pk"))


@transaction.atomic
def target_groups_correct(
    *, case_id: int, facts: TargetGroupInput, reason: str, by
) -> TargetGroupFacts:
    """A correction is a new row; the one it supersedes stays readable (C1, C2)."""
    case = store.lock_case(case_id)
    if not (by.has_perm("casework.decide_referral") or by.has_perm("casework.change_insats")):
        raise PermissionDenied(_("Du har inte behörighet att rätta uppgifterna."))
    if not reason.strip():
        raise CaseRuleError(_("En rättelse måste ha en motivering."))
    refusal = target_group_refusal(case, facts)
    if refusal:
        raise CaseRuleError(refusal)
    row = _row(case, facts, by=by, supersedes=current_target_groups(case), reason=reason)
    row.save()
    return row
