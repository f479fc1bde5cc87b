"""Where the services read case facts and write rows: per call, or an import's batch.

The services have one code path; they ask `current()` for the store (docs/adr/0006).

* `Store` (the web, commands): each call locks its case, loads its facts once and
  writes every row at once, in its own transaction, as before.
* `BatchStore` (the import, inside its one all-or-nothing transaction): the cases the
  import touches and their facts stay in memory; new participants, cases, history and
  journal rows are buffered and written with `bulk_create` by `flush()`, the hash chain
  by one `chain.append_rows`. Capacity is the database count taken under the rule's lock
  plus the batch's own changes.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from programmes.models import InsatsRule, Workplace

from . import bulkinsert
from .facts import CaseFacts
from .models import Case, Enrolment, Participant, Samrad, Spell
from .projections import SPELL_ROWS, refresh_spells
from .signals import journal_bulk_written
from .text import ensure_clean_row

BATCH_SIZE = 2000
_active: ContextVar[Store | None] = ContextVar("casework_store", default=None)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def current() -> Store:
    return _active.get() or Store()


def unit_of_work(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """One transaction and one `Store` per call; inside a unit (an import's batch) neither
    is opened again: the import's transaction is the unit."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if _active.get() is not None:
            return func(*args, **kwargs)
        token = _active.set(Store())
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        finally:
            _active.reset(token)

    return wrapper


def lock_case(case_id: int) -> Case:
    # The rules ask for the programme's InsatsRule several times per write: fetch them once.
    # Only the case row: locking the joined programme too would queue every write in
    # the programme behind one another.
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("programme")
        .prefetch_related("programme__rules")
        .get(pk=case_id)
    )


class Store:
    """Per call: read from and write to the database at once."""

    batch = False

    def __init__(self) -> None:
        self._facts: dict[int, tuple[Case, CaseFacts]] = {}

    def facts(self, case: Case) -> CaseFacts:
        """The facts of the case, read once per unit of work."""
        known = self._facts.get(id(case))
        if known is None or known[0] is not case:
            known = self._facts[id(case)] = (case, CaseFacts.load(case))
        return known[1]

    def _new_facts(self, case: Case) -> None:
        self._facts[id(case)] = (case, CaseFacts(case))

    def case(self, case_id: int) -> Case:
        """The case, locked, with its facts."""
        case = lock_case(case_id)
        self.facts(case)
        return case

    def peek(self, case_id: int) -> Case:
        return Case.objects.get(pk=case_id)

    def key(self, case: Case) -> int:
        return case.pk

    def add(self, case: Case, row) -> None:
        """Write a new journal row of the case."""
        row.save()
        self.facts(case).add(row)

    def record(self, row) -> None:
        """Write a journal row that is not a case's (a person's fact, casework.identity)."""
        ensure_clean_row(row)
        row.save()

    def save(self, obj) -> None:
        """Save a case or participant, with its history row."""
        ensure_clean_row(obj)
        if obj.pk is None:
            with transaction.atomic():  # the open-case constraint may refuse it
                obj.save()
            if isinstance(obj, Case):
                self._new_facts(obj)
        else:
            obj.save()

    def capacity_used(self, programme, insats: str, *, on) -> tuple[InsatsRule, int]:
        """The rule, locked so that concurrent starts queue, and the places taken on `on`
        in hundredths of a place (a place is 100, or the scope where places are full time)."""
        rule = InsatsRule.objects.select_for_update().get(programme=programme, insats_type=insats)
        if rule.capacity is None:
            return rule, 0
        return rule, _stored_places(rule, on)

    def participant(self, personnummer: str, defaults: dict) -> tuple[Participant, bool]:
        return Participant.objects.select_for_update().get_or_create(
            personnummer=personnummer, defaults=defaults
        )

    def cases_of(self, personnummer: str, programme) -> list[Case]:
        """The person's cases in the programme, oldest first."""
        rows = Case.objects.filter(participant__personnummer=personnummer, programme=programme)
        return list(rows.order_by("pk"))


class BatchStore(Store):
    """The import's unit of work: memory first, one bulk write at the end."""

    batch = True

    def __init__(self) -> None:
        super().__init__()
        self.cases: dict[int, Case] = {}  # by pk, or by a negative key until flushed
        self.by_person: dict[tuple[str, int], list[Case]] = defaultdict(list)
        self.participants: dict[str, Participant] = {}
        self.keys: dict[int, int] = {}  # id(new case) → its negative key
        self.new: dict[type, list] = defaultdict(list)  # Participant and Case, in order
        self.dirty: dict[int, object] = {}  # id(obj) → a stored object changed by the batch
        self.history: list[tuple] = []
        self.journal: list = []
        self.rules: dict[tuple[int, str], tuple[InsatsRule, int]] = {}
        self.delta: dict[tuple[int, str], int] = defaultdict(int)
        self.counted: dict[int, str] = {}  # id(case) → the state it is counted in
        self.labels: dict[int, str] = {}  # actor id → actor label

    # --- reading ---------------------------------------------------------------------------

    def preload(self, personnummers) -> None:
        """Lock the file's persons that are stored already, and their cases."""
        pnrs = sorted(set(personnummers))
        for i in range(0, len(pnrs), 500):
            chunk = pnrs[i : i + 500]
            for person in Participant.objects.select_for_update().filter(personnummer__in=chunk):
                self.participants[person.personnummer] = person
            cases = (
                Case.objects.select_for_update(of=("self",))
                .filter(participant__personnummer__in=chunk)
                .select_related("participant")
                .prefetch_related("programme__rules")
                .order_by("pk")
            )
            for case in cases:
                case.participant = self.participants[case.participant.personnummer]
                self._remember(case)

    def _remember(self, case: Case) -> None:
        self.cases[case.pk] = case
        self.counted[id(case)] = case.state
        self.by_person[(case.participant.personnummer, case.programme_id)].append(case)

    def case(self, case_id: int) -> Case:
        case = self.cases.get(case_id)
        if case is None:  # not a case of the file's persons: read and lock it now
            case = lock_case(case_id)
            self._remember(case)
        self.facts(case)
        return case

    def peek(self, case_id: int) -> Case:
        return self.cases.get(case_id) or super().peek(case_id)

    def key(self, case: Case) -> int:
        return case.pk if case.pk is not None else self.keys[id(case)]

    def cases_of(self, personnummer: str, programme) -> list[Case]:
        return list(self.by_person[(personnummer, programme.pk)])

    def participant(self, personnummer: str, defaults: dict) -> tuple[Participant, bool]:
        person = self.participants.get(personnummer)
        if person is not None:
            return person, False
        person = Participant(personnummer=personnummer, **defaults)
        self.participants[personnummer] = person
        self.save(person)
        return person, True

    def capacity_used(self, programme, insats: str, *, on) -> tuple[InsatsRule, int]:
        """The stored spells of cases the batch has not touched, and the batch's own."""
        key = (programme.pk, insats)
        if key not in self.rules:
            self.rules[key] = (
                InsatsRule.objects.select_for_update().get(programme=programme, insats_type=insats),
                0,
            )
        rule = self.rules[key][0]
        if rule.capacity is None:
            return rule, 0
        mine = [c for c, _f in self._facts.values() if c.programme_id == programme.pk]
        stored = _stored_places(rule, on, exclude=[c.pk for c in mine if c.pk is not None])
        return rule, stored + _facts_places(rule, on, [self._facts[id(c)][1] for c in mine])

    # --- writing ---------------------------------------------------------------------------

    def add(self, case: Case, row) -> None:
        row.actor_label = row.actor_label or self.labels.get(row.actor_id, "")
        row.stamp()  # labels the author once per batch
        self.labels.setdefault(row.actor_id, row.actor_label)
        self.journal.append(row)
        self.facts(case).add(row)

    def record(self, row) -> None:
        ensure_clean_row(row)
        row.actor_label = row.actor_label or self.labels.get(row.actor_id, "")
        row.stamp()
        self.labels.setdefault(row.actor_id, row.actor_label)
        self.journal.append(row)

    def save(self, obj) -> None:
        ensure_clean_row(obj)
        history_type = "~"
        if obj.pk is None and id(obj) not in self.keys:
            history_type = "+"
            self.keys[id(obj)] = -(len(self.keys) + 1)
            self.new[type(obj)].append(obj)
            if isinstance(obj, Case):
                self.cases[self.keys[id(obj)]] = obj
                self.by_person[(obj.participant.personnummer, obj.programme_id)].append(obj)
                self._new_facts(obj)
        elif obj.pk is not None:
            self.dirty[id(obj)] = obj
        if isinstance(obj, Case):
            if history_type == "~":  # as Case.save would, which bulk_update bypasses
                obj.version += 1
            self._count(obj)
        self._snapshot(obj, history_type)

    def _count(self, case: Case) -> None:
        before = self.counted.get(id(case))
        if before != case.state:
            if before is not None:
                self.delta[(case.programme_id, before)] -= 1
            self.delta[(case.programme_id, case.state)] += 1
            self.counted[id(case)] = case.state

    def _snapshot(self, obj, history_type: str) -> None:
        """What simple-history's post_save would write now, kept until the flush."""
        # A class is hashable; mypy says not to functools.cache (python/mypy#11470).
        tracked = _tracked(type(obj))  # type: ignore[arg-type]
        values = {name: getattr(obj, name) for name in tracked}
        user = getattr(obj, "_history_user", None)
        self.history.append(
            (
                obj,
                values,
                {
                    "history_date": timezone.now(),
                    "history_type": history_type,
                    "history_user_id": user.pk if user is not None else None,
                    "history_change_reason": getattr(obj, "_change_reason", None),
                },
            )
        )

    def flush(self) -> None:
        """Write everything the batch buffered, parents first, then chain the journal."""
        for model in (Participant, Case):
            # Stored cases first: an exit frees the open-case slot a new referral takes.
            stored: list[Any] = [o for o in self.dirty.values() if isinstance(o, model)]
            # An import never sets skyddad identitet; that is audited, one person at a time.
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if not f.primary_key and f.name != "skyddad_identitet"
            ]
            model.objects.bulk_update(stored, fields, batch_size=BATCH_SIZE)
            bulkinsert.insert(model, self.new[model])
        # The history rows as simple-history would write them, without a model instance each.
        rows: dict[Any, list[tuple]] = defaultdict(list)
        columns: dict[Any, list[str]] = {}
        for obj, values, meta in self.history:
            values = {**values, "id": obj.pk}
            if "participant_id" in values:
                values["participant_id"] = obj.participant_id
            model = _history_model(type(obj))  # type: ignore[arg-type]  # python/mypy#11470
            columns.setdefault(model, [*values, *meta])
            rows[model].append((*values.values(), *meta.values()))
        for model, values_list in rows.items():
            bulkinsert.insert_values(model, columns[model], values_list)
        by_model = defaultdict(list)
        for row in self.journal:
            by_model[type(row)].append(row)
        for model in _parents_first(by_model):
            bulkinsert.insert(model, by_model[model])
        journal_bulk_written.send(sender=type(self), rows=self.journal)
        refresh_spells({row.case_id for row in self.journal if isinstance(row, SPELL_ROWS)})


def _takes_place(rule: InsatsRule, kommunal: bool | None, is_osa: bool) -> bool:
    return not rule.places_regular_municipal_only or (bool(kommunal) and not is_osa)


def _stored_places(rule: InsatsRule, on, exclude=()) -> int:
    """Places taken on `on` by the stored spells of the insats (the spell projection)."""
    rows = Spell.objects.filter(
        programme_id=rule.programme_id, state=rule.insats_type, start_on__lte=on
    ).filter(Q(end_on__isnull=True) | Q(end_on__gt=on))
    if exclude:
        rows = rows.exclude(case_id__in=list(exclude))
    if rule.places_regular_municipal_only:
        rows = rows.filter(is_osa=False, workplace__kommunal=True)
    if rule.places_by_scope:
        return rows.aggregate(n=Sum("scope"))["n"] or 0
    return rows.count() * 100


def _facts_places(rule: InsatsRule, on, facts_list) -> int:
    """Places taken on `on` by the spells the batch holds in memory."""
    from . import rules

    held = [
        s
        for facts in facts_list
        for s in rules.spells(facts)
        if s.state == rule.insats_type and s.start <= on and (s.end is None or s.end > on)
    ]
    kommunal: dict[int | None, bool] = dict(
        Workplace.objects.filter(pk__in={s.workplace_id for s in held if s.workplace_id})
        .values_list("pk", "kommunal")
    )  # fmt: skip
    taking = [s for s in held if _takes_place(rule, kommunal.get(s.workplace_id), s.is_osa)]
    return sum(s.scope if rule.places_by_scope else 100 for s in taking)


@functools.cache
def _history_model(model):
    return model.history.model


@functools.cache
def _tracked(model) -> tuple[str, ...]:
    return tuple(f.attname for f in _history_model(model).tracked_fields)


def _parents_first(by_model: dict) -> list:
    """Samråd before the extensions that use them, enrolments before their ends."""
    return sorted(by_model, key=lambda m: m not in (Samrad, Enrolment))


@contextmanager
def using(store: Store):
    """Run the services and rules against `store` (casework.facts reads it)."""
    token = _active.set(store)
    try:
        yield store
    finally:
        _active.reset(token)


def batch():
    """Run the services against a `BatchStore`; the caller flushes it inside its transaction."""
    return using(BatchStore())


def reading():
    """Rules asked several times about the same case read its facts once, e.g. the start
    conditions of every transition a page offers. For reads only: a service called inside
    would not open a transaction of its own."""
    return using(Store())
