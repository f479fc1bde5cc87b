"""The duration and eligibility rules of domain.md "Enforce", in one place.

Every writer (web, import, commands) reaches these through `casework.services`.
A *day* of a spell is counted from its start: day 1 is the start date. A spell of
N months from S may last up to, and including, `add_months(S, N) - 1 day`, its
*deadline*; being in it after the deadline is an overstay (docs/adr/0003).

The rules are split by subject; every public name is importable from `casework.rules`.
"""

from .case_limit import (
    case_deadline,
    case_extension_refusal,
    first_insats_on,
)
from .core import (
    AGREEMENT_EXIT_REASONS,
    AKTUALISERING,
    AVSLUTAD,
    CASE_LIMIT,
    EJ_AKTUELL,
    FOLLOWUP_EARLY_DAYS,
    FOLLOWUP_MONTHS,
    INSATS,
    NEEDS_WORKPLACE,
    Budget,
    CaseRuleError,
    ImmutableRecordError,
    Spell,
    add_months,
    budget,
    current_transitions,
    extension_count,
    spells,
)
from .deadlines import (
    Overstay,
    overstay_days,
    overstays,
    spell_deadline,
)
from .exits import (
    attendance_week_refusal,
    early_exit,
    exit_reason_codes,
    exit_refusal,
    minimum_end,
)
from .extensions import (
    extension_refusal,
    has_extension_rule,
    unused_samrad,
)
from .followups import (
    ended_anstallningar,
    followup_due_on,
    followup_refusal,
    followup_target,
    followup_unrecorded,
    followups_open,
)
from .starts import (
    baseline_missing,
    effective_date_refusal,
    empty_spell_warning,
    may_start,
    return_extension_refusal,
    return_samrad_since,
    start_details_refusal,
    start_refusal,
)

__all__ = [
    "AGREEMENT_EXIT_REASONS",
    "AKTUALISERING",
    "AVSLUTAD",
    "CASE_LIMIT",
    "EJ_AKTUELL",
    "FOLLOWUP_EARLY_DAYS",
    "FOLLOWUP_MONTHS",
    "INSATS",
    "NEEDS_WORKPLACE",
    "Budget",
    "CaseRuleError",
    "ImmutableRecordError",
    "Overstay",
    "Spell",
    "add_months",
    "attendance_week_refusal",
    "baseline_missing",
    "budget",
    "case_deadline",
    "case_extension_refusal",
    "current_transitions",
    "early_exit",
    "effective_date_refusal",
    "empty_spell_warning",
    "ended_anstallningar",
    "exit_reason_codes",
    "exit_refusal",
    "extension_count",
    "extension_refusal",
    "first_insats_on",
    "followup_due_on",
    "followup_refusal",
    "followup_target",
    "followup_unrecorded",
    "followups_open",
    "has_extension_rule",
    "may_start",
    "minimum_end",
    "overstay_days",
    "overstays",
    "return_extension_refusal",
    "return_samrad_since",
    "spell_deadline",
    "spells",
    "start_details_refusal",
    "start_refusal",
    "unused_samrad",
]
