"""The indicator summary under random operation sequences (ADR 0112): the case machine's
referrals, starts, extensions, exits and back-dated refusals, with the summary built
first and `clean` run at random; after every step the report of the tertial of the day
and of the one before is the report the spells give."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from casework.indicators import periods, summary
from casework.indicators.queries import NO_FILTERS

from .test_case_state_machine_stateful import LAST_DAY, CaseMachine
from .test_indicator_summary import assert_kinds_add_up, assert_same


class SummaryMachine(CaseMachine):
    def __init__(self):
        super().__init__()
        self.tertials = [
            p for _y, _n, p in periods.last_tertials(LAST_DAY, 16) if p.end >= self.START
        ]
        for period in self.tertials:
            summary.build(period)
        summary.clean()

    @rule()
    def clean(self):
        summary.clean()
        assert_kinds_add_up()

    @invariant()
    def the_summary_gives_the_spells_report(self):
        year, number = periods.tertial_of(self.today)
        now = periods.tertial(year, number)
        before = periods.last_tertials(self.today, 2)[0][2]
        for period in {now, before} & set(self.tertials):
            assert period in summary.readable([period], NO_FILTERS, None)
            assert_same(period)


@pytest.mark.django_db
def test_the_summary_holds_under_random_operations():
    run_state_machine_as_test(
        SummaryMachine,
        settings=settings(
            max_examples=12,
            stateful_step_count=20,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
