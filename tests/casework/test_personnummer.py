"""Personnummer and samordningsnummer: accepted and rejected forms (N1–N4, H3)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from casework.personnummer import age_on, luhn_digit, parse

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("value", "canonical", "born"),
    [
        ("19811218-9876", "198112189876", date(1981, 12, 18)),
        ("198112189876", "198112189876", date(1981, 12, 18)),
        ("811218-9876", "198112189876", date(1981, 12, 18)),
        ("8112189876", "198112189876", date(1981, 12, 18)),
        (" 811218-9876 ", "198112189876", date(1981, 12, 18)),
        ("701063-2391", "197010632391", date(1970, 10, 3)),
        ("19701063-2391", "197010632391", date(1970, 10, 3)),
    ],
)
def test_accepted_forms_are_canonicalised(value, canonical, born):
    identity = parse(value, today=TODAY)
    assert (identity.canonical, identity.birth_date) == (canonical, born)


def test_samordningsnummer_is_recognised():
    assert parse("701063-2391", today=TODAY).samordningsnummer
    assert not parse("811218-9876", today=TODAY).samordningsnummer


def test_plus_means_a_hundred_years_or_older():
    nine = "261122123"
    value = f"{nine[:6]}+{nine[6:]}{luhn_digit(nine)}"
    assert parse(value, today=TODAY).birth_date == date(1926, 11, 22)
    assert parse(value.replace("+", "-"), today=TODAY).birth_date == date(2026, 11, 22)


def test_two_digit_year_after_today_is_last_century():
    nine = "261124123"  # 24 Nov: tomorrow in 2026, so 1926
    assert parse(f"{nine}{luhn_digit(nine)}", today=TODAY).birth_date == date(1926, 11, 24)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("811218-9875", "checksum"),
        ("19810230-1234", "date"),
        ("810230-1234", "date"),
        ("701092-2391", "date"),  # samordningsnummer day 92
        ("81121-9876", "format"),
        ("abcdefgh-ijkl", "format"),
        ("", "format"),
        ("19811218+9876", "format"),
        ("20991218-9876", "date"),
    ],
)
def test_rejected_forms_say_why_in_swedish(value, code):
    with pytest.raises(ValidationError) as err:
        parse(value, today=TODAY)
    assert err.value.code == code
    assert any(ch in err.value.messages[0] for ch in "åäöÅÄÖ") or "Skriv" in err.value.messages[0]


@given(
    born=st.dates(min_value=date(1901, 1, 1), max_value=TODAY),
    serial=st.integers(min_value=0, max_value=999),
    samordning=st.booleans(),
)
def test_any_number_with_the_computed_check_digit_validates(born, serial, samordning):
    day = born.day + (60 if samordning else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    identity = parse(f"{born.year}{nine[2:]}{luhn_digit(nine)}", today=TODAY)
    assert identity.birth_date == born
    assert identity.samordningsnummer is samordning


@pytest.mark.parametrize(
    ("on", "age"),
    [(date(2026, 5, 16), 24), (date(2026, 5, 17), 25), (date(2026, 5, 18), 25)],
)
def test_age_changes_on_the_birthday(on, age):
    assert age_on(date(2001, 5, 17), on) == age


def test_age_for_a_leap_day_birth():
    assert age_on(date(2004, 2, 29), date(2022, 2, 28)) == 17
    assert age_on(date(2004, 2, 29), date(2022, 3, 1)) == 18


def test_plus_takes_its_century_from_the_year_the_person_turns_100():
    from datetime import date

    from casework.personnummer import parse

    read_in_2026 = parse("261207+5024", today=date(2026, 12, 1))
    assert read_in_2026.birth_date == date(1926, 12, 7)
    assert read_in_2026.canonical == parse("19261207-5024", today=date(2026, 12, 1)).canonical
    assert parse("271207+5023", today=date(2026, 12, 1)).birth_date == date(1827, 12, 7)
