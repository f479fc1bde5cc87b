"""casework.prepared: a queryset compiled once answers as the ORM would, run after run
(on PostgreSQL from the fifth run a prepared statement), and a marker that does not reach
the parameters as expected is refused at compile time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Participant
from casework.prepared import Marker, prepare
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

ANY = "\x00pnr"


def _query():
    rows = Participant.objects.filter(personnummer=ANY).values("pk", "personnummer", "gender")
    return prepare(rows, "default", Marker("pnr", ANY))


def test_each_run_answers_with_its_own_values_as_the_orm_does():
    people = ParticipantFactory.create_batch(8)
    query = _query()
    for person in people:  # more runs than psycopg's prepare_threshold
        expected = list(
            Participant.objects.filter(pk=person.pk).values("pk", "personnummer", "gender")
        )
        assert query.rows(pnr=person.personnummer) == expected
    assert query.rows(pnr="191212121212") == []


def test_a_logged_run_logs_its_sql():
    person = ParticipantFactory()
    query = _query()
    for _ in range(6):
        query.rows(pnr=person.personnummer)
    with CaptureQueriesContext(connection) as captured:
        query.rows(pnr=person.personnummer)
    assert person.personnummer in captured.captured_queries[0]["sql"]


def test_a_marker_that_does_not_reach_the_parameters_is_refused():
    rows = Participant.objects.filter(personnummer=ANY).values("pk")
    with pytest.raises(RuntimeError, match="1 places in the compiled query, not 2"):
        prepare(rows, "default", Marker("pnr", ANY, count=2))
    with pytest.raises(RuntimeError, match="0 places in the compiled query, not 1"):
        prepare(rows, "default", Marker("pnr", "\x00other"))
