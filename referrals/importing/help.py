"""The import format as the help page shows it, and the template files (issue 12, item 7).

Built from the code's own lists (the reader's columns, the row checker's events, the
models' code choices and the limits), so the page cannot drift from what the import does.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from casework.models import ExitReason, Gender, Source
from casework.personnummer import luhn_digit
from programmes.models import IncomeSupport, InsatsType, Programme

from . import limits
from .reader import COLUMNS, REQUIRED
from .rows import EVENTS, FOLLOWUP_CODES, MAX_LENGTH
from .writer import to_csv, to_xlsx

COLUMN_TEXT = {
    "personnummer": _(
        "Personnummer eller samordningsnummer: ÅÅÅÅMMDD-NNNN, ÅÅÅÅMMDDNNNN, "
        "ÅÅMMDD-NNNN eller ÅÅMMDD+NNNN (100 år eller äldre). Bara siffrorna 0–9."
    ),
    "kon": _("Kön: K, M eller X. Måste stämma med personens tidigare rader och registret."),
    "program": _("Programmets kod, till exempel JOBBTORG."),
    "handelse": _("Händelsen, se tabellen nedan."),
    "datum": _("Dagen händelsen gäller från, ÅÅÅÅ-MM-DD. Inte i framtiden."),
    "detalj": _("Beror på händelsen, se tabellen nedan."),
    "arbetsplats": _("Arbetsplatsens namn, för arbetspraktik och anställning."),
    "kommunal": _("ja om arbetsplatsen är kommunens egen verksamhet, annars nej."),
    "planerat_slut": _("Planerat slutdatum, för OSA och där samordnaren sätter en längsta tid."),
    "kalla": _("Vem som aktualiserade, på raden med aktualisering."),
    "coach": _(
        "Användarnamnet på ärendets coach, på raden med aktualisering. Coachen ska "
        "höra till ärendets enhet."
    ),
    "fornamn": _("Förnamn."),
    "efternamn": _("Efternamn."),
    "steg": _(
        "Utgångsläget på programmets stegskala, på raden med aktualisering. Krävs före "
        "första insatsen där programmet använder stegskalan."
    ),
    "hemkommun": _("Deltagarens hemkommun, en av programmets medlemskommuner."),
    "arbetslos_sedan": _("Arbetslös sedan, ÅÅÅÅ-MM-DD, inte efter aktualiseringen."),
    "ej_gymnasium": _("ja om personen saknar motsvarande gymnasieutbildning, annars nej."),
    "nyanland": _("nej, etableringsprogrammet eller utbildningsplikt."),
    "utomeuropeisk": _("ja om personen är född utanför Europa, annars nej."),
    "ung_uvas": _("ja för en ung person 16–24 år som varken arbetar eller studerar."),
    "funktionsnedsattning": _("ja om personen har en dokumenterad funktionsnedsättning."),
    "anstallningsform": _(
        "Vid avslut till arbete: reguljar, subventionerad eller kommunal_ama "
        "(kommunal arbetsmarknadsanställning). För nyckeltal K3."
    ),
    "studiemedel": _("Vid avslut till studier: ja om studierna ger rätt till studiemedel."),
}

EVENT_TEXT = {
    "aktualisering": (
        _("Öppnar ett nytt ärende för personen i programmet."),
        _("Försörjningskod (obligatorisk)."),
    ),
    "samrad": (_("Ett samråd med Arbetsförmedlingen hölls."), _("Fritext, frivillig.")),
    "kartlaggning": (_("Ärendet går till kartläggning."), ""),
    "jobbsok": (_("Ärendet går till jobbsökaraktivitet."), ""),
    "arbetstraning": (_("Ärendet går till arbetsträning."), ""),
    "arbetspraktik": (_("Ärendet går till arbetspraktik."), ""),
    "anstallning": (
        _("Ärendet går till arbetsmarknadsanställning."),
        _("OSA för en OSA-anställning, annars tom."),
    ),
    "forlangning": (
        _(
            "Förlänger pågående insats enligt regeln; daterad samma dag som en "
            "återkomst till en insats ger den outnyttjade förlängningen."
        ),
        _("Motivering (obligatorisk)."),
    ),
    "kompetens_start": (
        _("En kompetenshöjande insats börjar (Heltidsmodellen)."),
        _("Kursen, till exempel SFI (obligatorisk)."),
    ),
    "kompetens_slut": (_("En kompetenshöjande insats slutar."), _("Kursen (obligatorisk).")),
    "avslut": (_("Ärendet avslutas."), _("Avslutsorsak (obligatorisk).")),
    "uppfoljning": (
        _("Uppföljningen sex månader efter en avslutad anställning."),
        _("EB_JA eller EB_NEJ (obligatorisk)."),
    ),
}


def context() -> dict:
    return {
        "columns": [
            (c, c in REQUIRED, COLUMN_TEXT[c], MAX_LENGTH.get(c, limits.max_cell_chars()))
            for c in COLUMNS
        ],
        "events": [(e, *EVENT_TEXT[e]) for e in EVENTS],
        "code_lists": [
            (_("Försörjning (detalj på aktualisering)"), IncomeSupport.choices),
            (_("Avslutsorsak (detalj på avslut)"), ExitReason.choices),
            (
                _("Uppföljning (detalj på uppfoljning)"),
                [
                    ("EB_JA", _("Har ekonomiskt bistånd")),
                    ("EB_NEJ", _("Har inte ekonomiskt bistånd")),
                ],
            ),
            (_("Källa (kalla)"), Source.choices),
            (_("Kön (kon)"), Gender.choices),
            (_("Insatser"), InsatsType.choices),
            (_("Program (program)"), list(Programme.objects.values_list("code", "name"))),
        ],
        "limits": {
            "upload_mb": limits.max_upload_bytes() // (1024 * 1024),
            "rows": limits.max_rows(),
            "columns": limits.max_columns(),
            "cell": limits.max_cell_chars(),
            "expanded_mb": limits.limit("IMPORT_MAX_EXPANDED_BYTES") // (1024 * 1024),
            "ratio": limits.limit("IMPORT_MAX_COMPRESSION_RATIO"),
        },
        "followup_codes": sorted(FOLLOWUP_CODES),
    }


def _example_pnr() -> str:
    nine = "900517" + "998"
    return f"19{nine}{luhn_digit(nine)}"


def example_rows() -> list[dict[str, str]]:
    """One made-up history (serial 998 is kept for examples): referral to exit."""
    pnr = _example_pnr()
    base = {"personnummer": pnr, "kon": "K", "program": "JOBBTORG"}
    rows = [
        {
            "handelse": "aktualisering",
            "datum": "2026-01-12",
            "detalj": "EB_ARBETSLOSHET",
            "kalla": "SOC",
            "fornamn": "Exempel",
            "efternamn": "Person",
        },
        {"handelse": "samrad", "datum": "2026-01-14", "detalj": "Möte på Arbetsförmedlingen"},
        {"handelse": "kartlaggning", "datum": "2026-01-19"},
        {
            "handelse": "arbetspraktik",
            "datum": "2026-02-16",
            "arbetsplats": "Parkförvaltningen",
            "kommunal": "ja",
        },
        {"handelse": "avslut", "datum": "2026-06-30", "detalj": "ARBETE"},
    ]
    return [{**base, **row} for row in rows]


def template_csv() -> bytes:
    """UTF-8 with BOM and `;`, what Swedish Excel opens without asking."""
    return to_csv(example_rows(), bom=True)


def template_xlsx() -> bytes:
    return to_xlsx(example_rows())
