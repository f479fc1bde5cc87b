"""Seal the committed, unsealed audit-log entries into blocks (issue 15; ADR 0109).

Without `--loop`: once, then exit (cron, or before a check). With `--loop`: every
`--interval` seconds until stopped; `make run` starts it beside the server, which bounds
the unsealed window when the after-commit sealer found the lock busy.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from audit import sealer


class Command(BaseCommand):
    help = _("Förseglar ej förseglade granskningsposter i block (en gång eller i en slinga).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help=_("Fortsätt försegla tills processen stoppas.")
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help=_("Sekunder mellan varven (--loop).")
        )

    def handle(self, *args, **options):
        if options["loop"]:
            sealer.loop(options["interval"])
            return
        count = sealer.seal_pending()
        self.stdout.write(_("%(count)s poster förseglade.") % {"count": count})
