"""Verify the audit hash chain; name the first row that does not match (Q3).

The chain is walked in keyset pages (a bounded number of queries), then compared with
the witness outside the database (truncation, ADR 0101); `--deep` also recomputes the
projections from the journal (spells, case state, participant gender and protection).
A chain that passes is anchored in the witness.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit import chain, deep, witness


class Command(BaseCommand):
    help = _("Kontrollerar hashkedjan över journal- och åtkomstloggrader.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--deep",
            action="store_true",
            help=_("Räkna också om projektionerna ur journalen och jämför dem."),
        )

    def handle(self, *args, **options):
        mismatch = chain.verify()
        if mismatch is not None:
            raise CommandError(_("Kedjan bryts vid %(mismatch)s") % {"mismatch": mismatch})
        problems = deep.check() if options["deep"] else []
        if problems:
            raise CommandError(
                _("Projektionerna stämmer inte med journalen:\n%(p)s") % {"p": "\n".join(problems)}
            )
        head = witness.anchor_head()
        count = head[0] if head else 0
        self.stdout.write(
            _("Hashkedjan stämmer: %(count)s poster kontrollerade.") % {"count": count}
        )
        if options["deep"]:
            self.stdout.write(_("Projektionerna stämmer med journalen."))
        if witness.path() is None:
            self.stdout.write(_("Obs: inget vittne är konfigurerat (AUDIT_WITNESS_PATH)."))
        elif head:
            self.stdout.write(_("Kedjans huvud vittnat i %(path)s.") % {"path": witness.path()})
