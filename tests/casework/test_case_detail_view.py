"""The participant page: header, one chronological timeline, one access-log row per view."""

from datetime import date

import time_machine
from django.urls import reverse

from audit.models import AccessLog
from casework.services import case_start_insats, note_add, spell_extend
from tests.factories import UserFactory, unit

from .coach_fixtures import *  # noqa: F403  (fixtures)

TODAY = date(2026, 3, 2)


@time_machine.travel(TODAY, tick=False)
def test_header_shows_state_deadline_and_masked_identity(client, coach, coach_case):
    client.force_login(coach)
    response = client.get(reverse("casework:case_detail", args=[coach_case.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    person = coach_case.participant
    assert person.masked_personnummer in html
    assert person.personnummer not in html
    assert "Kartläggning och individuell planering" in html
    # Kartläggning: 1 month from 2026-01-05, so the last day is 2026-02-04; 26 days over.
    assert "2026-02-04" in html
    assert 'class="overstay"' in html and "Överskriden med 26 dagar" in html
    assert "0 av 0 använda" in html
    assert response["Cache-Control"].startswith("max-age=0")


@time_machine.travel(TODAY, tick=False)
def test_one_access_log_row_per_view_naming_the_participant(client, coach, coach_case):
    client.force_login(coach)
    before = AccessLog.objects.count()
    client.get(reverse("casework:case_detail", args=[coach_case.pk]))
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.first()
    assert row.participant_ids == [coach_case.participant_id]
    assert row.action == "case.detail"


@time_machine.travel(TODAY)  # ticking: each row gets its own recorded time
def test_timeline_lists_events_by_effective_date_then_recorded_time(
    client, coach, coordinator, coach_case
):
    note_add(case_id=coach_case.pk, text="Andra anteckningen", on=date(2026, 2, 1), by=coach)
    case_start_insats(case_id=coach_case.pk, insats="arbetstraning", on=date(2026, 2, 1), by=coach)
    spell_extend(case_id=coach_case.pk, on=date(2026, 2, 20), reason="Behöver mer tid", by=coach)
    client.force_login(coach)
    html = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    order = [
        "Aktualiserad",
        "Samråd med Arbetsförmedlingen",
        "Startade kartläggning",
        "Andra anteckningen",
        "Startade arbetsträning",
        "Förlängning av arbetsträning med 6 månader",
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)


def test_out_of_scope_case_answers_404_and_logs_no_read(client, coach_case):
    other = UserFactory(roles=["coach"], units=[unit()])
    client.force_login(other)
    before = AccessLog.objects.count()
    response = client.get(reverse("casework:case_detail", args=[coach_case.pk]))
    assert response.status_code == 404
    assert AccessLog.objects.count() == before


def test_anonymous_is_sent_to_login(client, coach_case):
    response = client.get(reverse("casework:case_detail", args=[coach_case.pk]))
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]


@time_machine.travel(TODAY)
def test_the_timeline_reads_every_kind_of_row_in_one_query(
    client, coach, coordinator, coach_case, django_assert_num_queries
):
    """One UNION over the journal (issue 15) gives the same rows, with the same fields
    and joined names, as reading each table; a corrected note is one entry."""
    from casework.models import Note
    from casework.services import enrolment_end, enrolment_start, note_correct
    from casework.timeline import _KINDS, timeline

    first = note_add(case_id=coach_case.pk, text="Första lydelsen", on=date(2026, 2, 1), by=coach)
    note_correct(note_id=first.pk, text="Rättad lydelse", by=coach)
    enrolment_start(case_id=coach_case.pk, course="Svenska B", on=date(2026, 2, 2), by=coach)
    enrolment_end(case_id=coach_case.pk, course="Svenska B", on=date(2026, 2, 9), by=coach)
    case_start_insats(case_id=coach_case.pk, insats="arbetstraning", on=date(2026, 2, 10), by=coach)
    spell_extend(case_id=coach_case.pk, on=date(2026, 2, 20), reason="Mer tid", by=coach)
    with django_assert_num_queries(1):
        entries = timeline(coach_case)
    kinds = {e.kind for e in entries}
    assert {"transition", "samrad", "extension", "enrolment", "enrolment_end"} <= kinds
    assert {"assignment", "note"} <= kinds
    (note,) = [e for e in entries if e.kind == "note"]
    assert [v.text for v in note.versions] == ["Första lydelsen", "Rättad lydelse"]
    assert note.effective_on == date(2026, 2, 1) and note.recorded_at == first.recorded_at
    assert isinstance(note.row, Note) and note.row.supersedes_id == first.pk
    for entry in entries:
        model, own, joined = _KINDS[entry.kind]
        stored = model.objects.get(pk=entry.row.pk)
        for name in ("effective_on", "recorded_at", "actor_label", *own):
            attname = model._meta.get_field(name).attname
            assert getattr(entry.row, attname) == getattr(stored, attname), (entry.kind, name)
        for fk, fields in joined:
            for name in fields:
                ours, theirs = getattr(entry.row, fk), getattr(stored, fk)
                assert getattr(ours, name, None) == getattr(theirs, name, None), (fk, name)
    client.force_login(coach)
    html = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert "Rättad lydelse" in html and "Första lydelsen" in html
    assert "Kompetenshöjande insats avslutades: Svenska B" in html
    assert f"Coach tilldelad: {coach.get_full_name() or coach.username}" in html
