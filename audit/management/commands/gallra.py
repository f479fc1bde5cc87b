"""Gallring (R1–R5). Dry run by default; `--execute` purges; `--report` lists overdue."""

import getpass

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import retention


class Command(BaseCommand):
    help = _(
        "Gallrar identiteten för personer vars senaste anteckning är äldre än "
        "RETENTION_YEARS år och som saknar öppet ärende. Torrkörning om inte --execute anges."
    )

    def add_arguments(self, parser):
        parser.add_argument("--execute", action="store_true", help=_("Gallra på riktigt."))
        parser.add_argument(
            "--report", action="store_true", help=_("Lista personer där gallringen är försenad.")
        )
        parser.add_argument("--years", type=int, default=None)

    def handle(self, *args, execute, report, years, **options):
        years = settings.RETENTION_YEARS if years is None else years
        today = timezone.localdate()
        found = retention.candidates(today, years)
        criteria = f"senaste anteckning för mer än {years} år sedan, inget öppet ärende ({today})"
        if report:
            overdue = [c for c in found if c.overdue]
            self.stdout.write(_("Försenad gallring: %(n)s personer.") % {"n": len(overdue)})
            for c in overdue:
                self.stdout.write(
                    _(
                        "  deltagare #%(id)s: senaste anteckning %(last)s, "
                        "skulle gallrats senast %(year)s-12-31"
                    )
                    % {"id": c.participant_id, "last": c.last_entry, "year": c.due_on.year + 1}
                )
            return
        for c in found:
            self.stdout.write(
                _("  deltagare #%(id)s: senaste anteckning %(last)s")
                % {"id": c.participant_id, "last": c.last_entry}
            )
        if not execute:
            self.stdout.write(
                _("Torrkörning: %(n)s personer skulle gallras. Ange --execute.") % {"n": len(found)}
            )
            return
        record = retention.purge(found, run_by=getpass.getuser(), criteria=criteria)
        self.stdout.write(_("Gallrade %(n)s personer.") % {"n": record.person_count})
