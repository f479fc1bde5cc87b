"""Keep the indicator summary (ADR 0112): build the tertials the board's report reads and
derive the marked persons afresh.

Without `--loop`: once, then exit (cron, or after a bulk load). With `--loop`: every
`--interval` seconds until stopped, the tertials built again when a new one begins;
`make run` starts it beside the server. A report is right without it, only slower: the
persons it has not yet cleaned are derived in the report's own statement.
"""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.indicators import summary
from config import worker


class Command(BaseCommand):
    help = _("Bygger och håller indikatorsammanställningen per person (en gång eller i en slinga).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help=_("Fortsätt tills processen stoppas.")
        )
        parser.add_argument(
            "--interval", type=float, default=2.0, help=_("Sekunder mellan varven (--loop).")
        )
        parser.add_argument(
            "--tertials",
            type=int,
            default=7,
            help=_("Hur många tertialer bakåt som byggs (sju: diagrammet och förra året)."),
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help=_("Dagens datum (ÅÅÅÅ-MM-DD), för tertialerna."),
        )

    def handle(self, *args, **options):
        def work() -> None:
            built, cleaned = self.round(
                options["today"] or timezone.localdate(), options["tertials"]
            )
            if not options["loop"] or built:
                self.stdout.write(
                    _("%(built)s personer i nya tertialer, %(cleaned)s personer uppdaterade.")
                    % {"built": built, "cleaned": cleaned}
                )

        if options["loop"]:
            worker.every(options["interval"], work, name="indicator summary")
        else:
            work()

    def round(self, today: date, tertials: int) -> tuple[int, int]:
        # Clean first: after a bulk load every person is marked, and a period built first
        # would be derived again for each of them.
        cleaned = summary.clean()
        built = sum(summary.build_all(summary.standard_periods(today, tertials)).values())
        return built, cleaned
