"""The import's optional referral columns (issue 13; docs/target-groups.md): target
groups, home municipality and the baseline step, refused like the web refuses them."""

from datetime import date

import pytest

from audit.chain import verify
from casework.models import Case, TargetGroupFacts
from programmes.models import Unit
from referrals.importing.applier import run_import
from referrals.importing.writer import to_csv
from tests.factories import make_pnr

pytestmark = pytest.mark.django_db


def _row(**extra):
    return {
        "personnummer": make_pnr(date(1990, 5, 17), 901),
        "kon": "K",
        "program": "AME_JARFALLA",
        "handelse": "aktualisering",
        "datum": "2026-03-02",
        "detalj": "EB_ARBETSLOSHET",
    } | extra


def test_target_group_columns_are_imported_as_a_journal_row():
    rows = [
        _row(
            arbetslos_sedan="2024-01-15",
            ej_gymnasium="ja",
            nyanland="utbildningsplikt",
            utomeuropeisk="nej",
            funktionsnedsattning="ja",
            hemkommun="järfälla",
        )
    ]
    result = run_import(
        to_csv(rows), filename="jarfalla.csv", unit=Unit.objects.get(code="jarfalla-ame")
    )
    assert result.ok, result.errors
    row = TargetGroupFacts.objects.get()
    assert row.very_long_term_unemployed is True and row.no_upper_secondary is True
    assert row.newly_arrived == "utbildningsplikt" and row.born_outside_europe is False
    assert row.documented_disability is True and row.young_neet is None
    assert row.batch_id == result.batch_id
    assert row.case.home_municipality.name == "Järfälla"
    assert verify() is None


def test_the_home_municipality_is_looked_up_once_per_programme_and_name(monkeypatch):
    import referrals.importing.applier as applier

    asked = []
    home_of = applier._home_of

    def counted(programme, name):
        asked.append(name)
        return home_of(programme, name)

    monkeypatch.setattr(applier, "_home_of", counted)
    rows = [
        _row(personnummer=make_pnr(date(1990, 5, 17), serial), hemkommun=home)
        for serial, home in ((911, "järfälla"), (912, "järfälla"), (913, "Järfälla"))
    ]
    result = run_import(
        to_csv(rows), filename="homes.csv", unit=Unit.objects.get(code="jarfalla-ame")
    )
    assert result.ok, result.errors
    assert asked == ["järfälla", "Järfälla"]  # the same name a second time is remembered
    homes = Case.objects.values_list("home_municipality__name", flat=True)
    assert list(homes) == ["Järfälla"] * 3


@pytest.mark.parametrize(
    ("extra", "column"),
    [
        ({"ej_gymnasium": "kanske"}, "ej_gymnasium"),
        ({"nyanland": "ja"}, "nyanland"),
        ({"arbetslos_sedan": "2024-13-01"}, "arbetslos_sedan"),
        ({"hemkommun": "Nyköping"}, "hemkommun"),
        ({"steg": "x"}, "steg"),
    ],
)
def test_a_bad_column_is_a_row_error_and_nothing_is_written(extra, column):
    result = run_import(to_csv([_row(**extra)]), filename=f"bad-{column}.csv")
    assert not result.ok
    assert result.errors[0].column == column
    assert not Case.objects.exists()


def test_a_target_group_the_programme_does_not_ask_is_refused():
    result = run_import(to_csv([_row(program="JOBBTORG", utomeuropeisk="ja")]), filename="j.csv")
    assert not result.ok and "frågar inte efter" in str(result.errors[0])
    assert not Case.objects.exists()


def test_the_baseline_column_lets_the_first_insats_start():
    base = {
        "personnummer": make_pnr(date(1990, 5, 17), 902),
        "kon": "M",
        "program": "BROMODELLEN",
    }
    refer = base | {"handelse": "aktualisering", "datum": "2026-02-02", "detalj": "EB_ANNAT"}
    start = base | {"handelse": "kartlaggning", "datum": "2026-02-04"}
    refused = run_import(to_csv([refer, start]), filename="utan-steg.csv")
    assert not refused.ok and "Utgångsläget" in str(refused.errors[0])
    result = run_import(to_csv([refer | {"steg": "2"}, start]), filename="med-steg.csv")
    assert result.ok, result.errors
    assert Case.objects.get().baseline_step == 2
