"""Random operation sequences against the domain layer, checked against a plain model (H1, H2).

The oracle below re-states the Jobbtorg rules of domain.md in the simplest possible way;
after every step the database must agree with it, and a refused operation must change
nothing. It covers OSA (outside the anställning budget), the return with the unused
extension, and, in the Sikta machine, the limit on the whole case (2026-12 revision).
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from casework import rules
from casework.models import Case, Extension, Samrad, Spell, Transition
from casework.services import (
    case_exit,
    case_extend,
    case_start_insats,
    samrad_record,
    spell_extend,
)
from programmes.models import Programme, Unit, Workplace
from referrals.services import referral_register
from tests.factories import make_pnr

INSATSER = ["kartlaggning", "jobbsok", "arbetstraning", "arbetspraktik", "anstallning"]
# (base months, extension months, max extensions, extension needs samråd): 000 §4.4
RULES = {
    "kartlaggning": (1, 0, 0, False),
    "jobbsok": (None, 0, 0, False),
    "arbetstraning": (6, 6, 1, False),
    "arbetspraktik": (6, 6, 1, False),
    "anstallning": (12, 6, 2, True),
}
# Sikta (003; docs/adr/0002): no samråd guard, 12 + 6 months, and a case limit.
SIKTA_RULES = {
    "kartlaggning": (None, 0, 0, False),
    "jobbsok": (None, 0, 0, False),
    "arbetstraning": (12, 6, 1, False),
    "arbetspraktik": (12, 6, 1, False),
    "anstallning": (12, 6, 1, False),
}
START = date(2022, 1, 3)
LAST_DAY = date(2026, 11, 1)


@dataclass
class Model:
    """What a case should look like: state, spells and extensions, kept by hand."""

    rules: dict = field(default_factory=lambda: RULES)
    samrad_first: bool = True
    case_limit: int | None = None  # months from the first insats (Sikta)
    state: str = "aktualisering"
    since: date = START
    last_event: date = START
    spells: list = field(default_factory=list)  # [state, start, end|None, osa] of insatser
    extensions: dict = field(default_factory=dict)
    case_extension_months: list = field(default_factory=list)
    extension_dates: list = field(default_factory=list)  # (insats, date) of each extension
    samrads: list = field(default_factory=list)  # [date, used]

    def of_kind(self, insats, osa=False):
        return [sp for sp in self.spells if sp[0] == insats and sp[3] == osa]

    def used_days(self, insats, osa=False):
        return sum((sp[2] - sp[1]).days for sp in self.of_kind(insats, osa) if sp[2])

    def budget_days(self, insats, osa=False, extra=0, first=None):
        base, ext, _, _ = self.rules[insats]
        firsts = [sp[1] for sp in self.of_kind(insats, osa)] or ([first] if first else [])
        if osa or base is None or not firsts:
            return None
        months = base + (self.extensions.get(insats, 0) + extra) * ext
        return (rules.add_months(firsts[0], months) - firsts[0]).days

    def may_start(self, target, on, osa=False, extend=False):
        if self.state in ("avslutad", target):
            return False
        first_needs = self.samrad_first and self.state == "aktualisering"
        if first_needs and not any(d <= on for d, _ in self.samrads):
            return False
        if extend and not self.may_extend_type(target, on, since=self.return_since(target)):
            return False
        budget = self.budget_days(target, osa, extra=int(extend), first=on)
        return budget is None or budget - self.used_days(target, osa) > 0

    def return_since(self, insats):
        spells = self.of_kind(insats)
        return spells[-1][1] if spells else date.min

    def free_samrad(self, on, since=None):
        since = self.since if since is None else since
        return next((s for s in self.samrads if since < s[0] <= on and not s[1]), None)

    def may_extend_type(self, insats, on, since=None):
        _, ext, most, needs_samrad = self.rules[insats]
        if ext == 0 or self.extensions.get(insats, 0) >= most:
            return False
        return not needs_samrad or self.free_samrad(on, since) is not None

    def may_extend(self, on):
        if self.state not in self.rules or (self.spells and self.spells[-1][3]):
            return False
        return self.may_extend_type(self.state, on)

    def case_deadline(self):
        firsts = [sp[1] for sp in self.spells]
        if self.case_limit is None or not firsts or self.state == "avslutad":
            return None
        months = self.case_limit + sum(self.case_extension_months)
        return rules.add_months(firsts[0], months) - timedelta(days=1)

    def spell_deadline(self, index):
        """Last permitted day of spell `index`, open or closed: OSA its planned end; else the
        budget from the first spell of its kind, less the days of the earlier ones, with the
        extensions dated before the spell ended (domain.md 2026-12)."""
        insats, start, end, osa = self.spells[index]
        if osa:
            return start + timedelta(days=365)
        base, ext, _, _ = self.rules[insats]
        if base is None:
            return None
        same = [sp for sp in self.spells[:index] if sp[0] == insats and not sp[3]]
        first = same[0][1] if same else start
        used = sum((sp[2] - sp[1]).days for sp in same)
        n = sum(1 for i, d in self.extension_dates if i == insats and (end is None or d < end))
        months = base + n * ext
        return start + timedelta(days=(rules.add_months(first, months) - first).days - used - 1)

    def overstays(self, today):
        """(state, deadline, days past it) of every spell and of the case that went past."""
        found = []
        for index, (insats, _start, end, _osa) in enumerate(self.spells):
            deadline = self.spell_deadline(index)
            last = end - timedelta(days=1) if end else today
            if deadline is not None and (last - deadline).days > 0:
                found.append((insats, deadline, (last - deadline).days))
        if self.case_limit is not None and self.spells:
            first = self.spells[0][1]
            limit = self.case_limit + sum(self.case_extension_months)
            deadline = rules.add_months(first, limit) - timedelta(days=1)
            last = self.since - timedelta(days=1) if self.state == "avslutad" else today
            if (last - deadline).days > 0:
                found.append((rules.CASE_LIMIT, deadline, (last - deadline).days))
        return found

    def move(self, target, on, osa=False):
        if self.spells and self.spells[-1][2] is None:
            self.spells[-1][2] = on
        if target != "avslutad":
            self.spells.append([target, on, None, osa])
        self.state, self.since, self.last_event = target, on, on


class CaseMachine(RuleBasedStateMachine):
    PROGRAMME, UNIT, START = "JOBBTORG", "nykoping-jobbtorg", START

    def new_model(self):
        return Model(samrads=[[START, False]])

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        assert not Case.objects.exists()  # every example starts from a clean database (H2)
        self.user = User.objects.create_user("oracle", is_superuser=True)
        self.user.groups.add(Group.objects.get(name="coordinator"))
        unit = Unit.objects.get(code=self.UNIT)
        unit.members.add(self.user)
        self.workplace = Workplace.objects.create(
            organisation=unit.organisation, name="Parken", kommunal=True
        )
        self.case = referral_register(
            personnummer_value=make_pnr(date(1990, 5, 17), 123),
            gender="M",
            programme=Programme.objects.get(code=self.PROGRAMME),
            unit=unit,
            on=self.START,
            income_support="EB_ARBETSLOSHET",
            by=self.user,
        )
        samrad_record(case_id=self.case.pk, on=self.START, by=self.user)
        self.model = self.new_model()
        self.today = self.START

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _journal_size(self):
        return sum(
            m.objects.filter(case=self.case).count() for m in (Transition, Extension, Samrad)
        )

    def _attempt(self, allowed, operation):
        before = (self._journal_size(), Case.objects.get(pk=self.case.pk).state)
        try:
            operation()
        except ValidationError:
            assert not allowed, "the rules refused what the oracle allows"
            after = (self._journal_size(), Case.objects.get(pk=self.case.pk).state)
            assert after == before, "a refused operation changed something"
            return False
        assert allowed, "the rules allowed what the oracle refuses"
        return True

    @rule(days=st.integers(min_value=0, max_value=200))
    def time_passes(self, days):
        self.today = min(self.today + timedelta(days=days), LAST_DAY)

    @rule()
    def record_samrad(self):
        ok = self._attempt(
            self.model.state != "avslutad",
            lambda: samrad_record(case_id=self.case.pk, on=self.today, by=self.user),
        )
        if ok:
            self.model.samrads.append([self.today, False])
            self.model.last_event = self.today

    @rule(
        insats=st.sampled_from(INSATSER),
        osa=st.booleans(),
        extend=st.sampled_from([False, False, True]),
    )
    def start(self, insats, osa, extend):
        osa = osa and insats == "anstallning"
        extend = extend and not osa

        def operation():
            case_start_insats(
                case_id=self.case.pk,
                insats=insats,
                on=self.today,
                by=self.user,
                workplace=self.workplace if insats in ("arbetspraktik", "anstallning") else None,
                is_osa=osa,
                planned_end=self.today + timedelta(days=365) if osa else None,
                extension_reason="Återkommer" if extend else None,
            )

        since = self.model.return_since(insats)
        used = self.model.free_samrad(self.today, since) if extend else None
        if self._attempt(self.model.may_start(insats, self.today, osa, extend), operation):
            self.model.move(insats, self.today, osa)
            if extend:
                self.model.extensions[insats] = self.model.extensions.get(insats, 0) + 1
                self.model.extension_dates.append((insats, self.today))
                if self.model.rules[insats][3]:
                    used[1] = True

    @rule()
    def extend(self):
        allowed = self.model.may_extend(self.today)
        used_samrad = self.model.free_samrad(self.today)
        ok = self._attempt(
            allowed,
            lambda: spell_extend(case_id=self.case.pk, on=self.today, reason="Behov", by=self.user),
        )
        if ok:
            state = self.model.state
            self.model.extensions[state] = self.model.extensions.get(state, 0) + 1
            self.model.extension_dates.append((state, self.today))
            if self.model.rules[state][3]:
                used_samrad[1] = True
            self.model.last_event = self.today

    @rule(reason=st.sampled_from(["ARBETE", "EJ_AKTUELL", "AVBROTT"]))
    def exit(self, reason):
        allowed = self.model.state != "avslutad" and (
            reason != "EJ_AKTUELL" or self.model.state == "aktualisering"
        )
        ok = self._attempt(
            allowed,
            lambda: case_exit(
                case_id=self.case.pk, on=self.today, reason_code=reason, by=self.user
            ),
        )
        if ok:
            self.model.move("avslutad", self.today)

    @rule(days_back=st.integers(min_value=1, max_value=30))
    def back_dated_before_the_previous_event_is_refused(self, days_back):
        on = self.model.last_event - timedelta(days=days_back)
        self._attempt(False, lambda: samrad_record(case_id=self.case.pk, on=on, by=self.user))

    @invariant()
    def database_agrees_with_the_model(self):
        case = Case.objects.get(pk=self.case.pk)
        assert case.state == self.model.state
        assert case.state_since == self.model.since
        for insats in INSATSER:
            assert rules.extension_count(case, insats) == self.model.extensions.get(insats, 0)

    @invariant()
    def transitions_replay_to_the_state_and_spells_never_overlap(self):
        rows = list(Transition.objects.filter(case=self.case).order_by("seq"))
        assert rows[0].from_state == "" and rows[-1].to_state == self.model.state
        for before, after in itertools.pairwise(rows):
            assert after.from_state == before.to_state
            assert after.effective_on >= before.effective_on

    @invariant()
    def no_spell_exceeds_its_limit_without_the_extensions_that_allow_it(self):
        case = Case.objects.get(pk=self.case.pk)
        current = self.model.spells[-1] if self.model.spells else None
        if current is None or current[2] is not None:
            return
        insats, start, _end, osa = current
        own = self.model.case_deadline()
        if osa:
            expected = start + timedelta(days=365)
        else:
            budget = self.model.budget_days(insats)
            closed = self.model.used_days(insats)
            expected = None if budget is None else start + timedelta(days=budget - closed - 1)
            if expected is not None:
                overstay = rules.overstay_days(expected, today=self.today)
                in_spell = (self.today - start).days + 1
                assert (overstay > 0) == (closed + in_spell > budget)
        assert case.case_deadline == own
        limits = [d for d in (expected, own) if d is not None]
        assert case.deadline == (min(limits) if limits else None)

    @invariant()
    def overstays_stay_on_record_as_the_model_says(self):
        """Closed spells keep their deadline and overstay days (OSA's planned end, returns
        with their extension, the case limit), in the rules and in the spell projection."""
        case = Case.objects.get(pk=self.case.pk)
        found = [(o.state, o.deadline, o.days) for o in rules.overstays(case, self.today)]
        assert found == self.model.overstays(self.today)
        stored = {
            (s.state, s.start_on, s.end_on): s.deadline
            for s in Spell.objects.filter(case=self.case, state__in=INSATSER)
        }
        for index, (insats, start, end, _osa) in enumerate(self.model.spells):
            if end is None or end > start:
                assert stored[(insats, start, end)] == self.model.spell_deadline(index)


class SiktaMachine(CaseMachine):
    """The same operations in Sikta, where the whole case is limited (003)."""

    PROGRAMME, UNIT, START = "SIKTA", "sikta-sodra", date(2023, 10, 2)  # valid from 2023-10-01

    def new_model(self):
        start = self.START
        return Model(
            rules=SIKTA_RULES, samrad_first=False, case_limit=12, since=start, last_event=start,
            samrads=[[start, False]],
        )  # fmt: skip

    @rule(months=st.integers(min_value=0, max_value=8))
    def extend_the_case(self, months):
        m = self.model
        allowed = m.state in SIKTA_RULES and not m.case_extension_months and 1 <= months <= 6
        ok = self._attempt(
            allowed,
            lambda: case_extend(
                case_id=self.case.pk, on=self.today, months=months, reason="Mot studier",
                by=self.user,
            ),
        )  # fmt: skip
        if ok:
            m.case_extension_months.append(months)
            m.last_event = self.today


@pytest.mark.django_db
def test_case_state_machine_holds_its_invariants():
    run_state_machine_as_test(
        CaseMachine,
        settings=settings(
            max_examples=100,
            stateful_step_count=30,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


@pytest.mark.django_db
def test_sikta_case_state_machine_holds_its_invariants():
    run_state_machine_as_test(
        SiktaMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
