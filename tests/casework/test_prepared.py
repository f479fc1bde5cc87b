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


def test_a_compiled_model_queryset_gives_the_instances_iterating_it_would(refer):
    """`prepare_models`: the model's selected columns, its select_related parents and its
    annotations, each call with its own values, and no query more to read a parent."""
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Concat

    from casework.models import Case
    from casework.prepared import prepare_models

    cases = [refer() for _ in range(3)]
    query = (
        Case.objects.filter(participant__personnummer=ANY)
        .select_related("participant", "programme")
        .only("state", "participant__personnummer", "participant__first_name", "programme__code")
        .annotate(
            label=Concat(F("programme__code"), Value("/"), F("state"), output_field=CharField())
        )
    )
    compiled = prepare_models(query, "default", Marker("pnr", ANY))
    for case in cases:
        pnr = case.participant.personnummer
        expected = list(
            Case.objects.filter(participant__personnummer=pnr)
            .select_related("participant", "programme")
            .annotate(
                label=Concat(F("programme__code"), Value("/"), F("state"), output_field=CharField())
            )
        )
        with CaptureQueriesContext(connection) as captured:
            (got,) = compiled.instances(pnr=pnr)
            shown = (got.pk, got.state, got.label, got.participant.first_name, got.programme.code)
        assert len(captured) == 1
        want = expected[0]
        assert shown == (
            want.pk, want.state, want.label, want.participant.first_name, want.programme.code
        )  # fmt: skip
        assert not got._state.adding and got._state.db == "default"
    assert compiled.instances(pnr="191212121212") == []
