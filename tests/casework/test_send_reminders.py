"""send_reminders: each coach gets their due spells, overstays and follow-ups by e-mail."""

from datetime import date

import time_machine
from django.core import mail
from django.core.management import call_command

from audit.models import AccessLog
from casework.selectors import reminders_for
from casework.services import case_exit, case_start_insats, followup_record
from tests.factories import UserFactory, unit, workplace

from .coach_fixtures import *  # noqa: F403  (fixtures)

TODAY = date(2026, 7, 10)


def build(coach, make_coach_case):
    """Three reminders and one case that needs none, as of 2026-07-10."""
    with time_machine.travel(date(2026, 7, 1), tick=False):
        late = make_coach_case(on=date(2026, 6, 1))  # deadline 2026-06-30: 10 days over
        soon = make_coach_case(on=date(2026, 6, 15))  # deadline 2026-07-14: in 4 days
        calm = make_coach_case(on=date(2026, 6, 30))  # deadline 2026-07-29: 19 days
        employed = make_coach_case(on=date(2026, 1, 5))
        case_start_insats(
            case_id=employed.pk,
            insats="anstallning",
            on=date(2026, 1, 6),
            by=coach,
            workplace=workplace(kommunal=True),
        )
        case_exit(case_id=employed.pk, on=date(2026, 1, 20), reason_code="ARBETE", by=coach)
    return late, soon, calm, employed


def test_email_lists_due_overstay_and_follow_up_for_a_fixed_date(coach, make_coach_case):
    coach.email = "coach@kommunen.se"
    coach.save()
    late, soon, calm, _employed = build(coach, make_coach_case)
    with time_machine.travel(TODAY, tick=False):
        call_command("send_reminders")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coach@kommunen.se"]
    assert message.subject == "Påminnelser 2026-07-10: 3 ärenden att följa upp"
    body = message.body
    assert "Överskriden med 10 dagar (slutdatum 2026-06-30)" in body
    assert "Slutdatum 2026-07-14, om 4 dagar" in body
    assert "Uppföljning 6 månader efter anställning, 2026-07-20" in body
    assert f"JOBBTORG #{late.pk}" in body and f"/arenden/{soon.pk}/" in body
    assert f"#{calm.pk}," not in body
    # Ordered by date: the overstay first, the follow-up last.
    assert body.index("Överskriden") < body.index("Slutdatum 2026-07-14") < body.index("Uppf")
    # Masked identity only: no full number in an e-mail (G3, G4).
    assert late.participant.personnummer not in body
    assert late.participant.masked_personnummer in body


def test_email_is_one_access_log_row_per_coach(coach, make_coach_case):
    coach.email = "coach@kommunen.se"
    coach.save()
    _late, _soon, _calm, employed = build(coach, make_coach_case)
    before = AccessLog.objects.count()
    with time_machine.travel(TODAY, tick=False):
        call_command("send_reminders")
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.first()
    assert row.action == "reminders.email" and employed.participant_id in row.participant_ids


def test_the_caseload_and_the_email_share_one_list(coach, make_coach_case):
    build(coach, make_coach_case)
    with time_machine.travel(TODAY, tick=False):
        kinds = [r.kind for r in reminders_for(coach, today=TODAY)]
    assert kinds == ["overstay", "due", "followup"]


def test_recorded_follow_up_stops_the_reminder(coach, make_coach_case):
    coach.email = "coach@kommunen.se"
    coach.save()
    _late, _soon, _calm, employed = build(coach, make_coach_case)
    with time_machine.travel(TODAY, tick=False):
        followup_record(case_id=employed.pk, on=TODAY, receives_eb=False, by=coach)
        call_command("send_reminders")
    assert "Uppföljning" not in mail.outbox[0].body


def test_no_mail_without_reminders_nor_to_other_coaches(coach, make_coach_case):
    other = UserFactory(roles=["coach"], units=[unit()], email="annan@kommunen.se")
    coach.email = "coach@kommunen.se"
    coach.save()
    with time_machine.travel(date(2026, 1, 10), tick=False):
        make_coach_case(on=date(2026, 1, 5))  # deadline 2026-02-04: 25 days away
        call_command("send_reminders")
    assert mail.outbox == []
    with time_machine.travel(date(2026, 2, 1), tick=False):
        call_command("send_reminders")
    assert [m.to for m in mail.outbox] == [["coach@kommunen.se"]]
    assert other.email not in str([m.to for m in mail.outbox])
