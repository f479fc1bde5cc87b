"""Gallring (R1–R5). Dry run by default; `--execute` purges; `--report` lists overdue."""

import getpass

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from audit import retention


class Command(BaseCommand):
    help = (
        "Gallrar identiteten för personer vars senaste anteckning är äldre än "
        "RETENTION_YEARS år och som saknar öppet ärende. Torrkörning om inte --execute anges."
    )

    def add_arguments(self, parser):
        parser.add_argument("--execute", action="store_true", help="Gallra på riktigt.")
        parser.add_argument(
            "--report", action="store_true", help="Lista personer där gallringen är försenad."
        )
        parser.add_argument("--years", type=int, default=None)

    def handle(self, *args, execute, report, years, **options):
        years = years or settings.RETENTION_YEARS
        today = timezone.localdate()
        found = retention.candidates(today, years)
        criteria = f"senaste anteckning för mer än {years} år sedan, inget öppet ärende ({today})"
        if report:
            overdue = [c for c in found if c.overdue]
            self.stdout.write(f"Försenad gallring: {len(overdue)} personer.")
            for c in overdue:
                self.stdout.write(
                    f"  deltagare #{c.participant_id}: senaste anteckning {c.last_entry}, "
                    f"skulle gallrats senast {c.due_on.year + 1}-12-31"
                )
            return
        for c in found:
            self.stdout.write(f"  deltagare #{c.participant_id}: senaste anteckning {c.last_entry}")
        if not execute:
            self.stdout.write(f"Torrkörning: {len(found)} personer skulle gallras. Ange --execute.")
            return
        record = retention.purge(found, run_by=getpass.getuser(), criteria=criteria)
        self.stdout.write(f"Gallrade {record.person_count} personer.")
