"""Verify the audit hash chain; name the first row that does not match (Q3)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit import chain
from audit.models import ChainEntry


class Command(BaseCommand):
    help = _("Kontrollerar hashkedjan över journal- och åtkomstloggrader.")

    def handle(self, *args, **options):
        mismatch = chain.verify()
        if mismatch is not None:
            raise CommandError(_("Kedjan bryts vid %(mismatch)s") % {"mismatch": mismatch})
        count = ChainEntry.objects.count()
        self.stdout.write(
            _("Hashkedjan stämmer: %(count)s poster kontrollerade.") % {"count": count}
        )
