"""Verify the audit hash chain; name the first row that does not match (Q3)."""

from django.core.management.base import BaseCommand, CommandError

from audit import chain
from audit.models import ChainEntry


class Command(BaseCommand):
    help = "Kontrollerar hashkedjan över journal- och åtkomstloggrader."

    def handle(self, *args, **options):
        mismatch = chain.verify()
        if mismatch is not None:
            raise CommandError(f"Kedjan bryts vid {mismatch}")
        count = ChainEntry.objects.count()
        self.stdout.write(f"Hashkedjan stämmer: {count} poster kontrollerade.")
