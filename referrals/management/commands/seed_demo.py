"""Fill an empty database with demo units, users for every role and a few cases."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Case
from casework.personnummer import luhn_digit
from casework.services import case_assign_coach, case_exit, case_start_insats, samrad_record
from programmes.models import Programme, Unit, Workplace
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


def demo_pnr(born: str, serial: int) -> str:
    nine = f"{born[2:]}{serial:03d}"
    return f"{born[:2]}{nine}{luhn_digit(nine)}"


class Command(BaseCommand):
    help = _("Fyller en tom databas med demodata och skriver ut inloggningar.")

    def add_arguments(self, parser):
        parser.add_argument("--i-know", action="store_true", help=_("Kör även när DEBUG är av."))

    def handle(self, *args, i_know=False, **options):
        if not settings.DEBUG and not i_know:
            raise CommandError(_("seed_demo körs bara i utvecklingsläge (DEBUG) utan --i-know."))
        if Case.objects.exists():
            self.stdout.write(_("Demodata finns redan."))
        else:
            self._load()
        self.stdout.write(_("Inloggning: användarnamn = lösenord för demo-användarna:"))
        for role in ROLES:
            self.stdout.write(f"  {role:12} demo-{role} / demo-{role}")

    @transaction.atomic
    def _load(self):
        unit = Unit.objects.get(code="nykoping-jobbtorg")
        users = {}
        for role in ROLES:
            user = User.objects.create_user(
                f"demo-{role}", password=f"demo-{role}", is_staff=role == "admin"
            )
            user.groups.add(Group.objects.get(name=role))
            unit.members.add(user)
            users[role] = user
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
            by = users["coordinator"]
            samrad_record(case_id=case.pk, on=on + timedelta(days=3), by=by)
            case_assign_coach(case_id=case.pk, coach=users["coach"], by=by)
            case_start_insats(
                case_id=case.pk, insats="kartlaggning", on=on + timedelta(days=5), by=by
            )
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
                    case_id=case.pk,
                    on=on + timedelta(days=50),
                    reason_code="ARBETE",
                    by=users["coach"],
                )
        self.stdout.write(
            self.style.SUCCESS(_("Demodata skapad: %(n)s ärenden.") % {"n": len(PEOPLE)})
        )
