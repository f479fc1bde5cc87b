"""K3's facts (Kolada, seed 001): what an exit to work or studies was, and whether the
work lasted at least one continuous month (docs/indicators.md "K3").

At an ARBETE exit the coach records the employment form (a municipal
arbetsmarknadsanställning is not work for K3); at a STUDIER exit whether the studies give
the right to studiemedel. At least one calendar month after an ARBETE exit the coach
records the check, one per exit, like UT6's follow-up.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from . import rules, store
from .models import Case, EmploymentCheck, EmploymentForm, ExitReason, State, Transition
from .rules import CaseRuleError
from .store import unit_of_work

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import ImportBatch

CHECK_AFTER_MONTHS = 1


def exit_detail_refusal(
    reason_code: str, employment_form: str, studiemedel: bool | None
) -> str | None:
    """The employment form belongs to an ARBETE exit, studiemedel to a STUDIER exit."""
    if employment_form and reason_code != ExitReason.ARBETE:
        return _("Anställningsform anges bara vid avslut till arbete.")
    if employment_form and employment_form not in EmploymentForm.values:
        return _("Okänd anställningsform: %(v)s. Tillåtna: %(codes)s.") % {
            "v": employment_form,
            "codes": ", ".join(EmploymentForm.values),
        }
    if studiemedel is not None and reason_code != ExitReason.STUDIER:
        return _("Rätt till studiemedel anges bara vid avslut till studier.")
    return None


def exit_transition(case: Case) -> Transition | None:
    """The case's current exit row, or None while it is open."""
    return (
        case.transitions.filter(to_state=State.AVSLUTAD, corrections__isnull=True)
        .order_by("-effective_on", "-seq")
        .first()
    )


def check_due_on(exit_on: date) -> date:
    return rules.add_months(exit_on, CHECK_AFTER_MONTHS)


def work_check_refusal(case: Case, on: date) -> str | None:
    """A check needs an ARBETE exit, a date a month or more after it, and none before."""
    exit_row = exit_transition(case) if case.state == State.AVSLUTAD else None
    if exit_row is None or exit_row.exit_reason != ExitReason.ARBETE:
        return _("Uppföljning av arbete görs bara efter avslut till arbete.")
    due = check_due_on(exit_row.effective_on)
    if on < due:
        return _("Uppföljningen kan göras tidigast %(d)s, en månad efter avslutet.") % {"d": due}
    if case.employmentchecks.filter(exit_on=exit_row.effective_on, corrections__isnull=True):
        return _("Uppföljningen av arbetet efter avslutet är redan registrerad.")
    return None


def work_check_open(case: Case) -> bool:
    """Whether the case page offers the check: an ARBETE exit without one."""
    exit_row = exit_transition(case) if case.state == State.AVSLUTAD else None
    return bool(
        exit_row is not None
        and exit_row.exit_reason == ExitReason.ARBETE
        and not case.employmentchecks.filter(exit_on=exit_row.effective_on).exists()
    )


@unit_of_work
def work_check_record(
    *,
    case_id: int,
    on: date,
    lasted_month: bool,
    by: User,
    batch: ImportBatch | None = None,
    expected_version: int | None = None,
) -> EmploymentCheck:
    """Record whether the work after the case's ARBETE exit lasted at least one
    continuous month (K3); the check is dated `on`, a month or more after the exit."""
    from .services import _check_date, _require_perm, _save, _write, ensure_unchanged

    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    _require_perm(by, "casework.change_insats")
    _check_date(case, on)
    refusal = work_check_refusal(case, on)
    if refusal:
        raise CaseRuleError(refusal)
    exit_row = exit_transition(case)
    assert exit_row is not None
    row = _write(
        case,
        EmploymentCheck(
            case=case,
            effective_on=on,
            exit_on=exit_row.effective_on,
            lasted_month=lasted_month,
            actor=by,
            batch=batch,
        ),
    )
    _save(case, by=by, reason="work_check.record", on=on)
    return row
