"""A state change does what it must once (issue 15): the facts its rules read, each read
at most once, the spells refreshed from those facts, and nothing read twice."""

from datetime import date

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from casework import store
from casework.facts import CaseFacts
from casework.models import Samrad
from casework.services import case_start_insats

from .coach_fixtures import *  # noqa: F403  (fixtures)

TODAY = date(2026, 3, 2)
pytestmark = pytest.mark.django_db


def _tables(queries) -> list[str]:
    return [
        q["sql"].split(" FROM ")[1].split()[0].strip('"')
        for q in queries
        if q["sql"].startswith("SELECT")
    ]


@time_machine.travel(TODAY, tick=False)
def test_a_start_reads_each_journal_table_its_rules_need_at_most_once(coach_case, coach):
    with CaptureQueriesContext(connection) as captured:
        case_start_insats(case_id=coach_case.pk, insats="jobbsok", on=TODAY, by=coach)
    read = _tables(captured.captured_queries)
    assert read.count("casework_transition") == 2  # the facts, and the row read back for the chain
    for table in ("casework_case", "casework_extension", "casework_samrad", "casework_spell"):
        assert read.count(table) <= 1, (table, read)
    # The deadlines come from the facts the service holds, not from a second read.
    assert "programmes_programme" not in read
    coach_case.refresh_from_db()
    assert coach_case.state == "jobbsok"


def test_a_part_read_after_the_row_was_saved_holds_it_once(coach_case, coordinator):
    stored = list(Samrad.objects.filter(case=coach_case).values_list("pk", flat=True))
    with transaction.atomic(), store.using(store.Store()):
        facts = CaseFacts.load(coach_case)
        row = Samrad.objects.create(case=coach_case, effective_on=TODAY, actor=coordinator)
        facts.add(row)  # the part is first read now, and finds the row
        assert [s.pk for s in facts.samrads].count(row.pk) == 1
        again = Samrad.objects.create(case=coach_case, effective_on=TODAY, actor=coordinator)
        facts.add(again)  # the part was read before this row: it is added
        assert [s.pk for s in facts.samrads] == [*stored, row.pk, again.pk]
        transaction.set_rollback(True)


def test_facts_built_in_memory_never_read_the_database(coach_case, coordinator):
    facts = CaseFacts(coach_case)  # a new case in the import's unit of work
    with CaptureQueriesContext(connection) as captured:
        assert facts.samrads == [] and facts.extensions == [] and facts.followed == set()
        facts.add(Samrad(case=coach_case, effective_on=TODAY, actor=coordinator))
    assert captured.captured_queries == []
    assert len(facts.samrads) == 1
