"""Small things a Swedish reader notices (issue 12, item 8)."""

from datetime import date

import time_machine
from django.core.management import call_command
from django.urls import reverse

from casework.services import note_add

from .coach_fixtures import *  # noqa: F403  (fixtures)


@time_machine.travel(date(2026, 1, 6), tick=False)
def test_one_day_in_state_is_singular(client, coach, coach_case):
    client.force_login(coach)
    html = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert "sedan 2026-01-05, 1 dag<" in html and "1 dagar" not in html


@time_machine.travel(date(2026, 3, 2), tick=False)
def test_a_coordinators_back_link_leads_to_their_lists_not_an_empty_caseload(
    client, coordinator, coach, coach_case
):
    client.force_login(coordinator)
    html = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert "Tillbaka till mina ärenden" not in html
    assert 'href="/aktualiseringar/">Tillbaka till aktualiseringar' in html
    client.force_login(coach)
    html = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert "Tillbaka till mina ärenden" in html


@time_machine.travel(date(2026, 3, 2), tick=False)
def test_the_correction_box_starts_with_the_notes_text(client, coach, coach_case):
    note = note_add(
        case_id=coach_case.pk, text="Träffade Anna på Af.", on=date(2026, 2, 1), by=coach
    )
    client.force_login(coach)
    url = reverse("casework:case_action", args=[coach_case.pk, "note_correct"])
    html = client.get(url, {"note": note.pk}).content.decode()
    assert "Träffade Anna på Af.</textarea>" in html


def test_migrate_prints_no_w040_warning_on_sqlite(db, capsys, settings):
    call_command("check", "--database", "default")
    out = capsys.readouterr()
    assert "W040" not in out.out + out.err
