"""Seal what is committed, then witness the newest block outside the database (cron,
e.g. every minute; ADR 0101, 0109)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit import sealer, witness


class Command(BaseCommand):
    help = _("Skriver hashkedjans senaste post till vittnesfilen (AUDIT_WITNESS_PATH).")

    def handle(self, *args, **options):
        if witness.path() is None:
            raise CommandError(_("Inget vittne är konfigurerat (AUDIT_WITNESS_PATH)."))
        sealer.seal_pending()
        head = witness.anchor_head()
        if head is None:
            self.stdout.write(_("Kedjan är tom; inget att vittna."))
            return
        self.stdout.write(
            _("Kedjans huvud vittnat: block %(seq)s i %(path)s.")
            % {"seq": head[0], "path": witness.path()}
        )
