"""Bulk exit: several cases, one reason and date, each through `services.case_exit`.

Unlike bulk assignment this is not all or nothing: each case is its own unit of work,
the rules decide per case, and every refusal is reported with its case (issue 12, item 9).
A case outside the user's scope is reported as not found, the same as a missing id (S2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Case
from .rules import CaseRuleError
from .selectors import visible_cases
from .services import case_exit


@dataclass(frozen=True)
class Outcome:
    case_id: int
    case: Case | None
    refusal: str = ""

    @property
    def done(self) -> bool:
        return not self.refusal


def cases_exit(
    *, case_ids: list[int], on: date, reason_code: str, by, reason: str = ""
) -> list[Outcome]:
    """Exit each case that the rules let through; the others keep their state."""
    ids = sorted(set(case_ids))
    scoped = visible_cases(by).filter(pk__in=ids).select_related("participant")
    known = {c.pk: c for c in scoped}
    outcomes = []
    for case_id in ids:
        case = known.get(case_id)
        if case is None:
            outcomes.append(Outcome(case_id, None, _("Ärendet finns inte.")))
            continue
        try:
            case_exit(case_id=case_id, on=on, reason_code=reason_code, reason=reason, by=by)
        except CaseRuleError as refusal:
            outcomes.append(Outcome(case_id, case, " ".join(refusal.messages)))
        except PermissionDenied as refusal:
            outcomes.append(Outcome(case_id, case, str(refusal)))
        else:
            outcomes.append(Outcome(case_id, case))
    return outcomes
