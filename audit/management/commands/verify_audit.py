"""Verify the audit log; name the first row, entry or block that does not match (Q3).

The sealed blocks are walked in keyset pages (a bounded number of queries), then the
unsealed entries, then compared with the witness outside the database (truncation, ADR
0101, 0109); `--deep` also recomputes the projections from the journal (spells, case
state, participant gender and protection). A log that passes is anchored in the witness.
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
        self._report(chain.status(), bool(head))
        if options["deep"]:
            self.stdout.write(_("Projektionerna stämmer med journalen."))

    def _report(self, status: chain.Status, anchored: bool) -> None:
        self.stdout.write(
            _("Hashkedjan stämmer: %(count)s poster kontrollerade i %(blocks)s block.")
            % {"count": status.sealed + status.unsealed, "blocks": status.blocks}
        )
        if status.unsealed:
            self.stdout.write(
                _(
                    "%(n)s poster är ännu inte förseglade (den äldsta är %(age).1f s); "
                    "deras rader och hashar stämmer."
                )
                % {"n": status.unsealed, "age": status.oldest_unsealed_seconds or 0.0}
            )
        if witness.path() is None:
            self.stdout.write(_("Obs: inget vittne är konfigurerat (AUDIT_WITNESS_PATH)."))
        elif anchored:
            self.stdout.write(_("Kedjans huvud vittnat i %(path)s.") % {"path": witness.path()})
