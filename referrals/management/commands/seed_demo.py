"""Fill an empty database with demo units, users for every role and a living history (SD1–SD5).

The history is generated (`referrals.importing.generator`) and brought in through the
same import path as a real file, so the demo data obeys every rule. A few hand-made
cases, dated relative to today, show the edges: an overstay, a deadline within 14
days, skyddad identitet, a samordningsnummer, and each gender.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.identity import participant_set_protection
from casework.models import Case, Participant
from casework.personnummer import luhn_digit
from casework.services import case_assign_coach, case_exit, case_start_insats, samrad_record
from programmes.models import Programme, Unit, Workplace
from referrals import demo_agreements
from referrals.importing.applier import run_import, system_user
from referrals.importing.generator import generate
from referrals.importing.writer import to_csv
from referrals.services import referral_register

ROLES = ["coordinator", "coach", "manager", "admin", "auditor"]
# Demo identity numbers use serials 980-999, a range this project keeps for fictitious persons.
PEOPLE = [
    ("19900517", 981, "K", "Anna", "Lindqvist"),
    ("19850203", 982, "M", "Erik", "Johansson"),
    ("20030911", 983, "X", "Alex", "Berg"),
    ("19781120", 984, "K", "Fatima", "Ali"),
    ("19950630", 985, "M", "Jonas", "Nilsson"),
]
SIKTA_UNIT = "sikta-sodra"
# Users of the agreements' own pages (issue 13): county parts, providers, Järfälla.
AGREEMENT_LOGINS = [
    "sikta-norra-coordinator",
    "sikta-norra-coach",
    "sikta-vastra-coordinator",
    "sikta-vastra-coach",
    "arena-coordinator",
    "bilda-leverantor",
    "erikshjalpen-leverantor",
    "jarfalla-coordinator",
]


def demo_pnr(born: str, serial: int, samordning: bool = False) -> str:
    day = int(born[6:8]) + (60 if samordning else 0)
    nine = f"{born[2:6]}{day:02d}{serial:03d}"
    return f"{born[:2]}{nine}{luhn_digit(nine)}"


def edge_rows(today: date) -> tuple[list[dict], str]:
    """Jobbtorg cases at the edges, relative to today; returns the rows and the skyddad number."""

    def d(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    overstay = demo_pnr("19880304", 986)
    due_soon = demo_pnr("20010722", 987)
    skyddad = demo_pnr("19930115", 988)
    samordning = demo_pnr("19990208", 989, samordning=True)
    people = [
        (overstay, "M", "Olle", "Överby", [("kartlaggning", 250), ("arbetstraning", 220)]),
        (due_soon, "K", "Sara", "Åberg", [("kartlaggning", 22)]),
        (skyddad, "X", "Kim", "Skyddad", [("kartlaggning", 80), ("jobbsok", 60)]),
        (samordning, "K", "Amina", "Hassan", [("kartlaggning", 10)]),
    ]
    rows = []
    for pnr, gender, first, last, insatser in people:
        start = insatser[0][1] + 5
        base = {"personnummer": pnr, "kon": gender, "program": "JOBBTORG"}
        rows.append(
            base
            | {"handelse": "aktualisering", "datum": d(start + 5), "detalj": "EB_ARBETSLOSHET"}
            | {"kalla": "SOC", "fornamn": first, "efternamn": last}
        )
        rows.append(base | {"handelse": "samrad", "datum": d(start)})
        rows += [base | {"handelse": insats, "datum": d(days)} for insats, days in insatser]
    return rows, skyddad


class Command(BaseCommand):
    help = _("Fyller en tom databas med demodata och skriver ut inloggningar.")

    def add_arguments(self, parser):
        parser.add_argument("--i-know", action="store_true", help=_("Kör även när DEBUG är av."))
        parser.add_argument("--seed", type=int, default=42, help=_("Slumpfrö för historiken."))
        parser.add_argument("--persons", type=int, default=250, help=_("Antal påhittade personer."))

    def handle(self, *args, i_know=False, seed=42, persons=250, **options):
        if not settings.DEBUG and not i_know:
            raise CommandError(_("seed_demo körs bara i utvecklingsläge (DEBUG) utan --i-know."))
        if Case.objects.exists():
            self.stdout.write(_("Demodata finns redan."))
        else:
            self._load(seed=seed, persons=persons)
        self.stdout.write(_("Inloggning: användarnamn = lösenord för demo-användarna:"))
        for role in ROLES:
            self.stdout.write(f"  {role:12} demo-{role} / demo-{role}   (Jobbtorg Nyköping)")
        for role in ROLES:
            self.stdout.write(f"  {role:12} sikta-{role} / sikta-{role}   (Sikta södra)")
        for name in AGREEMENT_LOGINS:
            self.stdout.write(f"  {name} / {name}")

    @transaction.atomic
    def _load(self, *, seed: int, persons: int):
        users = self._users("demo", Unit.objects.get(code="nykoping-jobbtorg"))
        sikta = self._users("sikta", Unit.objects.get(code=SIKTA_UNIT))
        self._hand_made(users)
        imported = self._history(seed, persons, taken={demo_pnr(b, s) for b, s, *_ in PEOPLE})
        self._assign(users, "JOBBTORG")
        self._assign(sikta, "SIKTA")
        demo_agreements.load(timezone.localdate(), users["coordinator"])
        self.stdout.write(
            self.style.SUCCESS(
                _("Demodata skapad: %(p)s deltagare, %(c)s ärenden (%(i)s importerade händelser).")
                % {"p": Participant.objects.count(), "c": Case.objects.count(), "i": imported}
            )
        )

    def _users(self, prefix: str, unit: Unit) -> dict[str, User]:
        users = {}
        for role in ROLES:
            user = User.objects.create_user(
                f"{prefix}-{role}", password=f"{prefix}-{role}", is_staff=role == "admin"
            )
            user.groups.add(Group.objects.get(name=role))
            unit.members.add(user)
            users[role] = user
        return users

    def _history(self, seed: int, persons: int, taken: set[str]) -> int:
        """Generated history plus the edge cases, through the import path."""
        today = timezone.localdate()
        edges, skyddad = edge_rows(today)
        taken |= {r["personnummer"] for r in edges}
        rows = [r for r in generate(persons=persons, seed=seed, until=today)]
        rows = [r for r in rows if r["personnummer"] not in taken] + edges
        result = run_import(
            to_csv(rows),
            filename=f"demo-historik-{seed}-{today}.csv",
            user=system_user(),
            unit=Unit.objects.get(code=SIKTA_UNIT),
            operator=True,  # a command: the operator, unrestricted by scope
        )
        if not result.ok:
            raise CommandError("\n".join(str(e) for e in result.errors[:20]))
        person = Participant.objects.get(personnummer=skyddad)
        participant_set_protection(participant_id=person.pk, protected=True, by=system_user())
        return result.applied

    def _assign(self, users: dict[str, User], programme: str) -> None:
        """The role users' coach gets a caseload of open cases in their unit's programme."""
        unit = users["coordinator"].units.get()
        cases = Case.objects.open().filter(unit=unit, programme__code=programme, coach=None)
        for case in cases.order_by("pk")[:40]:
            case_assign_coach(case_id=case.pk, coach=users["coach"], by=users["coordinator"])

    def _hand_made(self, users: dict[str, User]) -> None:
        unit = Unit.objects.get(code="nykoping-jobbtorg")
        jobbtorg = Programme.objects.get(code="JOBBTORG")
        park = Workplace.objects.get_or_create(
            organisation=unit.organisation, name="Parkförvaltningen", kommunal=True
        )[0]
        today = timezone.localdate()
        for i, (born, serial, gender, first, last) in enumerate(PEOPLE):
            on = today - timedelta(days=60 + 20 * i)
            case = referral_register(
                personnummer_value=demo_pnr(born, serial),
                gender=gender,
                first_name=first,
                last_name=last,
                programme=jobbtorg,
                unit=unit,
                on=on,
                income_support="EB_ARBETSLOSHET",
                source="SOC",
                by=users["coordinator"],
            )
            if i == 0:
                continue  # stays in the referral queue
            self._advance(case, i, on, users, park)

    def _advance(self, case, i, on, users, park) -> None:
        by = users["coordinator"]
        samrad_record(case_id=case.pk, on=on + timedelta(days=3), by=by)
        case_assign_coach(case_id=case.pk, coach=users["coach"], by=by)
        case_start_insats(case_id=case.pk, insats="kartlaggning", on=on + timedelta(days=5), by=by)
        if i >= 2:
            case_start_insats(
                case_id=case.pk,
                insats="arbetspraktik",
                workplace=park,
                on=on + timedelta(days=30),
                by=users["coach"],
            )
        if i == 4:
            case_exit(
                case_id=case.pk, on=on + timedelta(days=50), reason_code="ARBETE", by=users["coach"]
            )
