"""Witness the chain's head outside the database (cron, e.g. every minute; ADR 0101)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit import witness


class Command(BaseCommand):
    help = _("Skriver hashkedjans senaste post till vittnesfilen (AUDIT_WITNESS_PATH).")

    def handle(self, *args, **options):
        if witness.path() is None:
            raise CommandError(_("Inget vittne är konfigurerat (AUDIT_WITNESS_PATH)."))
        head = witness.anchor_head()
        if head is None:
            self.stdout.write(_("Kedjan är tom; inget att vittna."))
            return
        self.stdout.write(
            _("Kedjans huvud vittnat: post %(seq)s i %(path)s.")
            % {"seq": head[0], "path": witness.path()}
        )
