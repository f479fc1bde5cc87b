"""The steps of a case over time on its programme's scale, baseline first (001; 002 §2, §5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .models import Case


@dataclass(frozen=True)
class StepPoint:
    on: date
    step: int
    label: str
    baseline: bool


def step_history(case: Case) -> list[StepPoint]:
    """The baseline (set at referral, or the first assessment before any insats), then every
    current assessment in date order."""
    scale = case.programme.progression_steps

    def label(step: int) -> str:
        return scale[step - 1] if 1 <= step <= len(scale) else str(step)

    rows = list(
        case.assessments.filter(corrections__isnull=True).order_by("effective_on", "recorded_at")
    )
    points = [StepPoint(r.effective_on, r.step, label(r.step), False) for r in rows]
    if case.baseline_step is None:
        return points
    first = points[0] if points else None
    if first is not None and first.step == case.baseline_step and _before_insats(case, first.on):
        return [StepPoint(first.on, first.step, first.label, True), *points[1:]]
    baseline = StepPoint(case.referred_on, case.baseline_step, label(case.baseline_step), True)
    return [baseline, *points]


def _before_insats(case: Case, on: date) -> bool:
    first_start = (
        case.transitions.filter(corrections__isnull=True)
        .exclude(to_state__in=["aktualisering", "avslutad"])
        .order_by("effective_on", "seq")
        .values_list("effective_on", flat=True)
        .first()
    )
    return first_start is None or on <= first_start
