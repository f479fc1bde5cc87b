"""Demo data for what each agreement asks beyond Jobbtorg (issue 13), for `seed_demo`:
Sikta's three county parts with their staff and home municipalities (003), Bromodellen's
providers with placements and attendance (002 §5–6), Järfälla's target groups (004)
and answered participant surveys. Every write goes through the services."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import Group, User

from casework.models import Case
from casework.personnummer import luhn_digit
from casework.services import (
    assessment_record,
    attendance_record,
    case_assign_coach,
    case_start_insats,
)
from casework.target_groups import TargetGroupInput
from programmes.models import Organisation, Programme, Unit
from providers.services import placement_create
from surveys.services import questions_for, response_submit_on_screen

from .services import referral_register

PASSWORD_NOTE = "användarnamn = lösenord"
# (unit, prefix, [(born, serial, gender, first, last, home municipality)])
COUNTY_PARTS = [
    (
        "sikta-norra",
        "sikta-norra",
        [
            ("19800412", 990, "K", "Maja", "Ek", "Eskilstuna"),
            ("19920105", 991, "M", "Omar", "Said", "Strängnäs"),
        ],
    ),
    (
        "sikta-vastra",
        "sikta-vastra",
        [
            ("19770823", 992, "K", "Eva", "Flod", "Katrineholm"),
            ("19881130", 993, "X", "Robin", "Ås", "Vingåker"),
        ],
    ),
]
BROMO = [
    ("19850315", 994, "K", "Leila", "Karimi", "bilda"),
    ("19900708", 995, "M", "Johan", "Stål", "bilda"),
    ("19951224", 996, "K", "Sofia", "Lund", "erikshjalpen"),
]
JARFALLA = [("20040202", 997, "M", "Ali", "Noor"), ("19790919", 998, "K", "Nina", "Berg")]


def pnr(born: str, serial: int) -> str:
    nine = f"{born[2:8]}{serial:03d}"
    return f"{born[:2]}{nine}{luhn_digit(nine)}"


def user(username: str, roles: list[str], unit: Unit) -> User:
    account = User.objects.create_user(username, password=username)
    for role in roles:
        account.groups.add(Group.objects.get(name=role))
    unit.members.add(account)
    return account


def _refer(by, code: str, unit: Unit, person, on: date, **extra) -> Case:
    born, serial, gender, first, last = person[:5]
    return referral_register(
        personnummer_value=pnr(born, serial),
        gender=gender,
        first_name=first,
        last_name=last,
        programme=Programme.objects.get(code=code),
        unit=unit,
        on=on,
        income_support="EB_ANNAT",
        source="SOC",
        by=by,
        **extra,
    )


def county_parts(today: date) -> list[str]:
    logins = []
    sikta = Programme.objects.get(code="SIKTA")
    for unit_code, prefix, people in COUNTY_PARTS:
        unit = Unit.objects.get(code=unit_code)
        coordinator = user(f"{prefix}-coordinator", ["coordinator"], unit)
        coach = user(f"{prefix}-coach", ["coach"], unit)
        logins += [coordinator.username, coach.username]
        for i, person in enumerate(people):
            home = sikta.municipalities.get(name=person[5])
            on = today - timedelta(days=40 + 10 * i)
            case = _refer(coordinator, "SIKTA", unit, person, on, home_municipality=home)
            case_assign_coach(case_id=case.pk, coach=coach, by=coordinator)
            case_start_insats(
                case_id=case.pk, insats="kartlaggning", on=on + timedelta(days=4), by=coordinator
            )
    return logins


def providers(today: date) -> list[str]:
    arena = Unit.objects.get(code="linkoping-arena")
    coordinator = user("arena-coordinator", ["coordinator", "coach"], arena)
    staff = {
        "bilda": user("bilda-leverantor", ["leverantor"], Unit.objects.get(code="bilda-linkoping")),
        "erikshjalpen": user(
            "erikshjalpen-leverantor",
            ["leverantor"],
            Unit.objects.get(code="erikshjalpen-linkoping"),
        ),
    }
    monday = today - timedelta(days=today.weekday())
    for i, person in enumerate(BROMO):
        on = monday - timedelta(weeks=8, days=3)
        case = _refer(coordinator, "BROMODELLEN", arena, person, on, baseline_step=1 + i % 2)
        case_assign_coach(case_id=case.pk, coach=coordinator, by=coordinator)
        start = on + timedelta(days=3)
        case_start_insats(
            case_id=case.pk,
            insats="arbetstraning",
            on=start,
            planned_end=start + timedelta(days=180),
            by=coordinator,
        )
        assessment_record(
            case_id=case.pk, step=2 + i % 2, on=start + timedelta(weeks=4), by=coordinator
        )
        org = Organisation.objects.get(code=person[5])
        placement_create(
            case_id=case.pk, provider=org, by=coordinator, planned_end=start + timedelta(days=180)
        )
        for week in range(1, 8):
            present = 5 - (i * week) % 4 if i else 5 - week % 2
            attendance_record(
                case_id=case.pk,
                week=monday - timedelta(weeks=week),
                days_present=present,
                planned_days=5,
                by=staff[person[5]],
            )
    return [coordinator.username, *(u.username for u in staff.values())]


def jarfalla(today: date) -> list[str]:
    unit = Unit.objects.get(code="jarfalla-ame")
    coordinator = user("jarfalla-coordinator", ["coordinator", "coach"], unit)
    facts = [
        TargetGroupInput(
            unemployed_since=today - timedelta(days=400), young_neet=True, no_upper_secondary=True
        ),
        TargetGroupInput(
            unemployed_since=today - timedelta(days=900),
            born_outside_europe=True,
            newly_arrived="etableringsprogrammet",
            documented_disability=False,
        ),
    ]
    for i, person in enumerate(JARFALLA):
        _refer(
            coordinator,
            "AME_JARFALLA",
            unit,
            person,
            today - timedelta(days=20 + i),
            target_groups=facts[i],
        )
    return [coordinator.username]


def surveys(cases, by) -> None:
    """Enrolment answers on the coach's screen, enough for the results to show."""
    for i, case in enumerate(cases):
        values = {
            q.pk: str(2 + (i + q.position) % 4) if q.kind == "skala" else ""
            for q in questions_for(case, "inskrivning")
        }
        response_submit_on_screen(
            case_id=case.pk, occasion="inskrivning", values=values, share=i % 2 == 0, by=by
        )


def load(today: date, jobbtorg_coordinator) -> list[str]:
    """Everything above; returns the demo logins it made."""
    logins = county_parts(today) + providers(today) + jarfalla(today)
    mine = Case.objects.filter(unit__code="nykoping-jobbtorg").order_by("pk")[:6]
    surveys(list(mine), jobbtorg_coordinator)
    return logins
