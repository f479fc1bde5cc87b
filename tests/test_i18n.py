"""Swedish by default, English on request (issue 4; I1, I2).

The msgids are Swedish, so a Swedish page needs no catalogue; the English catalogue must
be complete, compiled and current, and a page in either language must not leak the other.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.casework.coach_fixtures import *  # noqa: F403  (fixtures)

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"

# Words that only reach a Swedish page when a string in our own code was left unmarked.
ENGLISH_UI_WORDS = [
    "Login",
    "Log in",
    "Logout",
    "Log out",
    "Save",
    "Cancel",
    "Search",
    "Submit",
    "Filter",
    "Next",
    "Previous",
    "Name",
    "Page",
    "Date",
    "Actions",
    "Participant",
    "Referral",
    "Case",
    "Cases",
    "Yes",
    "No",
    "None",
    "years",
    "days",
]
# Words that only reach an English page when a string lacks its translation.
SWEDISH_UI_WORDS = [
    "Logga",
    "Hoppa",
    "Språk",
    "Byt",
    "Aktualiseringar",
    "Mina ärenden",
    "Ärenden",
    "Åtgärder",
    "Filtrera",
    "Alla",
    "Kön",
    "Källa",
    "Datum",
    "Anteckning",
    "Deltagare",
    "Väntat",
    "Dagar",
    "dagar",
    "år",
    "Ja",
    "Nej",
    "Kvinna",
    "Tillgänglighetsredogörelse",
]


# --- the catalogue -----------------------------------------------------------------------


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: flags, msgid, msgid_plural and msgstr / msgstr[n]."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set()}
        key = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            elif match := re.match(
                r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line
            ):
                key = match.group(1)
                entry[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def test_english_catalogue_translates_every_entry_and_has_no_fuzzy_ones():
    entries = po_entries(LOCALE / "django.po")
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "Language: en" in header["msgstr"]
    assert "fuzzy" not in header["flags"]
    assert len(messages) > 500
    empty = [e["msgid"] for e in messages if not all(translations(e))]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert empty == [] and fuzzy == []
    plural = [e for e in messages if "msgid_plural" in e]
    assert plural and all({"msgstr[0]", "msgstr[1]"} <= e.keys() for e in plural)


def test_translations_keep_every_placeholder_of_their_msgid():
    def placeholders(text):
        return sorted(re.findall(r"%\(\w+\)s|\{\w*\}", text))

    wrong = [
        e["msgid"]
        for e in po_entries(LOCALE / "django.po")[1:]
        for value in translations(e)
        if placeholders(value) != placeholders(e.get("msgid_plural", e["msgid"]))
        and placeholders(value) != placeholders(e["msgid"])
    ]
    assert wrong == []


def test_compiled_catalogue_matches_the_po_file():
    """The committed .mo holds exactly the .po's translations (compilemessages was run)."""
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    expected = {}
    for entry in po_entries(LOCALE / "django.po")[1:]:
        if "msgid_plural" in entry:
            for key, value in entry.items():
                if key.startswith("msgstr["):
                    expected[(entry["msgid"], int(key[7:-1]))] = value
        else:
            expected[entry["msgid"]] = entry["msgstr"]
    compiled = {k: v for k, v in compiled.items() if k != ""}
    assert compiled == expected


# --- rendered pages ----------------------------------------------------------------------


def visible_text(html: str) -> str:
    """The text a user sees or hears: text nodes and the labelling attributes."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    labels = re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', html)
    return " ".join(" ".join([re.sub(r"<[^>]+>", " ", html), *labels]).split())


def words_in(text: str, words: list[str]) -> list[str]:
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match is not None, "no <html lang>"
    return match.group(1)


@pytest.fixture
def key_pages(client, coordinator, coach, coach_case, refer):
    """Login page anonymously, the referral queue as coordinator, the caseload as coach."""
    refer()  # one case waiting in the queue, besides the coach's case in kartläggning

    def render(language: str | None = None) -> dict[str, str]:
        pages = {}
        for name, user in [
            ("login", None),
            ("referrals:queue", coordinator),
            ("casework:caseload", coach),
        ]:
            client.logout()  # also drops the cookies, so the language is set again below
            if user is not None:
                client.force_login(user)
            if language is not None:
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = client.get(reverse(name))
            assert response.status_code == 200, name
            pages[name] = response.content.decode()
        return pages

    return render


def test_key_pages_are_swedish_by_default_with_no_english_ui_words(key_pages):
    for name, html in key_pages().items():
        assert html_lang(html) == "sv", name
        assert words_in(visible_text(html), ENGLISH_UI_WORDS) == [], name
    pages = key_pages()
    assert "Logga in" in visible_text(pages["login"])
    assert "Aktualiseringar som väntar på beslut" in visible_text(pages["referrals:queue"])
    assert "Mina ärenden" in visible_text(pages["casework:caseload"])


def test_key_pages_are_english_when_english_is_chosen(key_pages):
    pages = key_pages("en")
    for name, html in pages.items():
        assert html_lang(html) == "en", name
        assert words_in(visible_text(html), SWEDISH_UI_WORDS) == [], name
    assert "Log in" in visible_text(pages["login"])
    assert "Referrals awaiting a decision" in visible_text(pages["referrals:queue"])
    assert "My cases" in visible_text(pages["casework:caseload"])
    assert "Assessment and individual planning" in visible_text(pages["casework:caseload"])


def test_word_check_sees_an_unmarked_english_word():
    """The page check is not vacuous: it finds a stray word but not a longer Swedish one."""
    assert words_in("Spara Cancel", ENGLISH_UI_WORDS) == ["Cancel"]
    assert words_in("Filtrera ärenden", ENGLISH_UI_WORDS) == []


# --- switching language ------------------------------------------------------------------


def test_language_switch_works_before_login_and_sets_html_lang(client, db):
    login = reverse("login")
    assert html_lang(client.get(login).content.decode()) == "sv"
    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == 302 and response["Location"] == login
    html = client.get(login).content.decode()
    assert html_lang(html) == "en" and "Log in" in visible_text(html)
    client.post(reverse("set_language"), {"language": "sv", "next": login})
    assert html_lang(client.get(login).content.decode()) == "sv"


def test_language_switch_keeps_a_logged_in_user_on_the_same_page(client, coach):
    client.force_login(coach)
    caseload = reverse("casework:caseload")
    response = client.post(reverse("set_language"), {"language": "en", "next": caseload})
    assert response.status_code == 302 and response["Location"] == caseload
    html = client.get(caseload).content.decode()
    assert html_lang(html) == "en" and "My cases" in visible_text(html)


def test_every_page_offers_the_switcher_as_a_form_without_script(client, coach):
    for user in (None, coach):
        if user is not None:
            client.force_login(user)
        html = client.get(reverse("login") if user is None else reverse("casework:caseload"))
        form = re.search(
            rf'<form method="post" action="{reverse("set_language")}".*?</form>',
            html.content.decode(),
            flags=re.S,
        ).group(0)
        assert '<label for="language-select">' in form and '<button type="submit"' in form
        assert re.findall(r'<option value="(\w+)"', form) == ["sv", "en"]
        assert "csrfmiddlewaretoken" in form and 'name="next"' in form
