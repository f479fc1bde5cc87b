"""The four programmes of the seeds with their rules (domain.md; docs/adr/0002).

Used by the data migration, so it takes the historical model classes as arguments.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ALL_CODES = ["EB_ARBETSLOSHET", "EB_ANNAT", "RISK", "SJUKPENNING", "AKTIVITETSERSATTNING", "INGEN"]

ORGANISATIONS = [
    ("nykoping", "Nyköpings kommun", "kommun"),
    ("sormland-sf", "Samordningsförbundet Sörmland", "samordningsforbund"),
    ("linkoping", "Linköpings kommun", "kommun"),
    ("bilda", "Bilda", "leverantor"),
    ("erikshjalpen", "Erikshjälpen", "leverantor"),
    ("jarfalla", "Järfälla kommun", "kommun"),
]

UNITS = [
    ("nykoping", "nykoping-jobbtorg", "Jobbtorg Nyköping"),
    ("sormland-sf", "sikta-sodra", "Sikta södra länsdelen (Nyköping)"),
    ("sormland-sf", "sikta-norra", "Sikta norra länsdelen (Eskilstuna)"),
    ("sormland-sf", "sikta-vastra", "Sikta västra länsdelen (Katrineholm)"),
    ("linkoping", "linkoping-arena", "Arena Arbetsmarknad Linköping"),
    ("bilda", "bilda-linkoping", "Bilda Linköping"),
    ("erikshjalpen", "erikshjalpen-linkoping", "Erikshjälpen Linköping"),
    ("jarfalla", "jarfalla-ame", "Arbetsmarknadsenheten Järfälla"),
]

# (insats, base_months, extension_months, max_extensions, ext_needs_samrad,
#  coordinator_sets_max, planned_end_required, capacity)
JOBBTORG_RULES = [
    ("kartlaggning", 1, 0, 0, False, False, False, None),
    ("jobbsok", None, 0, 0, False, False, False, None),
    ("arbetstraning", 6, 6, 1, False, False, False, None),
    ("arbetspraktik", 6, 6, 1, False, False, False, None),
    ("anstallning", 12, 6, 2, True, False, False, 100),
]

# Järfälla's agreement (004) gives no place limits and no samråd guard.
JARFALLA_RULES = [
    (insats, base, ext, max_ext, False, sets_max, planned, None)
    for insats, base, ext, max_ext, _samrad, sets_max, planned, _capacity in JOBBTORG_RULES
]

PROGRAMMES: list[dict[str, Any]] = [
    {
        "code": "JOBBTORG",
        "name": "Jobbtorg (kommunens arbetsmarknadsinsatser)",
        "owner": "nykoping",
        "valid_from": date(2019, 1, 1),
        "valid_to": None,
        "min_age": 18,
        "max_age": 64,
        "income_support_codes": ["EB_ARBETSLOSHET", "EB_ANNAT"],
        "risk_exception": True,
        "samrad_before_first_insats": True,
        "tracks_attendance": False,
        "rules": JOBBTORG_RULES,
    },
    {
        "code": "SIKTA",
        "name": "Sikta mot arbetslivet",
        "owner": "sormland-sf",
        "valid_from": date(2023, 10, 1),
        "valid_to": date(2028, 9, 30),
        "min_age": 18,
        "max_age": 64,
        "income_support_codes": [
            "EB_ARBETSLOSHET",
            "EB_ANNAT",
            "SJUKPENNING",
            "AKTIVITETSERSATTNING",
            "INGEN",
        ],
        "risk_exception": False,
        "samrad_before_first_insats": False,
        "tracks_attendance": False,
        "rules": [
            ("kartlaggning", None, 0, 0, False, False, False, None),
            ("jobbsok", None, 0, 0, False, False, False, None),
            ("arbetstraning", 12, 6, 1, False, False, False, None),
            ("arbetspraktik", 12, 6, 1, False, False, False, None),
            ("anstallning", 12, 6, 1, False, False, False, None),
        ],
    },
    {
        "code": "BROMODELLEN",
        "name": "IOP Bromodellen, Arena Arbetsmarknad",
        "owner": "linkoping",
        "valid_from": date(2024, 1, 1),
        "valid_to": date(2029, 12, 31),
        "min_age": 18,
        "max_age": 64,
        "income_support_codes": ALL_CODES,
        "risk_exception": False,
        "samrad_before_first_insats": False,
        "tracks_attendance": True,
        "rules": [
            ("kartlaggning", None, 0, 0, False, False, False, None),
            ("arbetstraning", None, 0, 0, False, True, True, 40),
        ],
    },
    {
        "code": "AME_JARFALLA",
        "name": "Arbetsmarknadsenheten (med Arbetsförmedlingen)",
        "owner": "jarfalla",
        "valid_from": date(2023, 1, 1),
        "valid_to": None,
        "min_age": 16,
        "max_age": 64,
        "income_support_codes": ALL_CODES,
        "risk_exception": False,
        "samrad_before_first_insats": False,
        "tracks_attendance": False,
        "rules": JARFALLA_RULES,
    },
]


def load(Organisation, Unit, Programme, InsatsRule) -> None:
    orgs = {}
    for code, name, kind in ORGANISATIONS:
        orgs[code], _ = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )
    for org, code, name in UNITS:
        Unit.objects.get_or_create(code=code, defaults={"name": name, "organisation": orgs[org]})
    for spec in PROGRAMMES:
        fields = {k: v for k, v in spec.items() if k not in ("code", "owner", "rules")}
        programme, created = Programme.objects.get_or_create(
            code=spec["code"], defaults={**fields, "owner": orgs[spec["owner"]]}
        )
        if not created:
            continue
        for insats, base, ext, max_ext, samrad, sets_max, planned, capacity in spec["rules"]:
            InsatsRule.objects.create(
                programme=programme,
                insats_type=insats,
                base_months=base,
                extension_months=ext,
                max_extensions=max_ext,
                extension_needs_samrad=samrad,
                coordinator_sets_max=sets_max,
                planned_end_required=planned,
                capacity=capacity,
            )


# The 2026-12 revision of domain.md: OSA and private workplaces take no Jobbtorg place,
# Bromodellen's places are full-time places and the coordinator sets a minimum, Järfälla's
# agreement gives no place limit, and Sikta limits the whole case (12 months + one
# extension of up to 6) with its own two ways on (003).
REVISION_2026_12: dict[str, dict[str, Any]] = {
    "JOBBTORG": {"rules": {"anstallning": {"places_regular_municipal_only": True}}},
    "BROMODELLEN": {
        "rules": {"arbetstraning": {"places_by_scope": True, "coordinator_sets_min": True}}
    },
    "AME_JARFALLA": {"rules": {"anstallning": {"capacity": None}}},
    "SIKTA": {
        "fields": {
            "case_limit_months": 12,
            "case_extension_months": 6,
            "case_max_extensions": 1,
            "extra_exit_reasons": ["FORSTARKT_SAMARBETE", "KOMMUNAL_AME"],
        }
    },
}


# What each agreement asks for beyond its duration rules (issue 13): the step scale and its
# baseline (001 "Kartläggning"; 002 §2, §5), the target groups the referral asks for
# (004 §3–4) and the member municipalities with the unit serving each (003
# "Insatsorganisation"). Loaded by a later migration than `load`, on the current models.
ALL_TARGET_GROUPS = [
    "arbetslos_sedan",
    "ej_gymnasium",
    "nyanland",
    "utomeuropeisk",
    "ung_uvas",
    "funktionsnedsattning",
]

AGREEMENTS: dict[str, dict[str, Any]] = {
    "JOBBTORG": {
        "uses_step_scale": False,
        "target_groups": [],
        "municipalities": [("Nyköping", "nykoping-jobbtorg")],
    },
    "SIKTA": {
        "uses_step_scale": False,
        "target_groups": [],
        "municipalities": [
            ("Nyköping", "sikta-sodra"),
            ("Oxelösund", "sikta-sodra"),
            ("Gnesta", "sikta-sodra"),
            ("Trosa", "sikta-sodra"),
            ("Eskilstuna", "sikta-norra"),
            ("Strängnäs", "sikta-norra"),
            ("Katrineholm", "sikta-vastra"),
            ("Flen", "sikta-vastra"),
            ("Vingåker", "sikta-vastra"),
        ],
    },
    "BROMODELLEN": {
        "uses_step_scale": True,
        "target_groups": [],
        "municipalities": [("Linköping", "linkoping-arena")],
    },
    "AME_JARFALLA": {
        "uses_step_scale": False,
        "target_groups": ALL_TARGET_GROUPS,
        "municipalities": [("Järfälla", "jarfalla-ame")],
    },
}


def apply_revision_2026_12(Programme, InsatsRule) -> None:
    """Load the revised settings onto the seed programmes; safe to repeat."""
    for code, change in REVISION_2026_12.items():
        fields = change.get("fields")
        if fields:
            Programme.objects.filter(code=code).update(**fields)
        for insats, values in change.get("rules", {}).items():
            InsatsRule.objects.filter(programme__code=code, insats_type=insats).update(**values)


def load_agreements(Programme, Unit, MemberMunicipality) -> None:
    """Set each seed programme's agreement facts once; an admin's later edits are kept."""
    for code, spec in AGREEMENTS.items():
        programme = Programme.objects.filter(code=code).first()
        if programme is None or MemberMunicipality.objects.filter(programme=programme).exists():
            continue
        programme.uses_step_scale = spec["uses_step_scale"]
        programme.target_groups = spec["target_groups"]
        programme.save(update_fields=["uses_step_scale", "target_groups"])
        if code == "AME_JARFALLA":  # loaded before JARFALLA_RULES existed: clear the guards
            programme.rules.update(capacity=None, extension_needs_samrad=False)
        for name, unit_code in spec["municipalities"]:
            MemberMunicipality.objects.create(
                programme=programme, name=name, unit=Unit.objects.get(code=unit_code)
            )


def _indexed(base_kr: int, first_year: int, last_year: int, percent: int) -> dict[int, int]:
    """A yearly cost adjusted by `percent` each new calendar year, in whole kronor
    (rounded half up), compounded: 002 §7 "justeras … med 2%" for every new year."""
    out, amount = {}, Decimal(base_kr)
    for year in range(first_year, last_year + 1):
        out[year] = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        amount = amount * (100 + percent) / 100
    return out


# The programmes' budgets per calendar year, for K4/K5 (docs/indicators.md):
# seed 000 §3 (the 2026 agreement, tkr): Arbetsmarknadsverksamhet 16 735 -> JOBBTORG,
# Sikta mot arbetslivet 815 -> SIKTA (Nyköping's payment to the förbund's programme);
# seed 002 §7: 2 368 800 kr per calendar year from 2024, +2 % each new year, for the
# agreement and its two possible extensions (to 2029, the programme's valid_to).
BUDGETS: dict[str, dict[int, int]] = {
    "JOBBTORG": {2026: 16_735_000},
    "SIKTA": {2026: 815_000},
    "BROMODELLEN": _indexed(2_368_800, 2024, 2029, 2),
}


def load_budgets(Programme, ProgrammeBudget) -> None:
    for code, years in BUDGETS.items():
        programme = Programme.objects.filter(code=code).first()
        if programme is None:
            continue
        for year, amount in years.items():
            ProgrammeBudget.objects.get_or_create(
                programme=programme, year=year, defaults={"amount_kr": amount}
            )


# The measurable goals of the agreements (issue 14 item 2; docs/indicators.md "Goals").
# Each: programme code, year, measure, kind, target, denominator, age_below, source, wording.
AGREEMENT_GOALS = [
    ("JOBBTORG", 2026, "UT1", "at_least", 100, "", None, "000 §4.2",
     "100 personer ska ha arbetsmarknadsanställning eller arbetspraktik i kommunens egna "
     "verksamheter under året"),
    ("JOBBTORG", 2026, "UT2+UT3", "more_than_last_year", None, "", None, "000 §4.1, §4.2",
     "Fler personer ska gå vidare till arbete eller studier efter avslutad insats från "
     "Jobbtorg (jämfört med tidigare år)"),
    ("AME_JARFALLA", 2026, "UT2", "more_than_last_year", None, "", None, "004 §4",
     "Antal arbetssökande män och kvinnor som övergår till arbete ska öka"),
    ("AME_JARFALLA", 2026, "UT5", "more_than_last_year", None, "", 55, "004 §4",
     "Antal personer <55 år som deltar i kommunal arbetsmarknadsinsats ska öka"),
    ("AME_JARFALLA", 2026, "UT3", "share_at_least", 1, "UT5", None, "004 §4",
     "Omsättningen till studier ska vara minst 1 %"),
    ("AME_JARFALLA", 2026, "UT2+UT3", "more_than_last_year", None, "UT5", 25, "004 §4",
     "Andelen arbetssökande ungdomar i ålder 16–24 som övergår till studier eller arbete "
     "ska öka"),
    ("AME_JARFALLA", 2026, "UT3", "more_than_last_year", None, "UT5", 25, "004 §4",
     "Andel ungdomar i ålder 16–24 år som övergår i studier ska öka"),
]  # fmt: skip


def load_goals(Programme, Goal) -> None:
    """Create the seed programmes' goals once; an admin's later edits are kept."""
    for (
        code,
        year,
        measure,
        kind,
        target,
        denominator,
        age_below,
        source,
        wording,
    ) in AGREEMENT_GOALS:
        programme = Programme.objects.filter(code=code).first()
        if programme is None:
            continue
        Goal.objects.get_or_create(
            programme=programme,
            year=year,
            wording=wording,
            defaults={"measure": measure, "kind": kind, "target": target, "source": source,
                      "denominator": denominator, "age_below": age_below},
        )  # fmt: skip
