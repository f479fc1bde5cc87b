"""Everything stored about one person, for a request under GDPR Art. 15 (G1, G2).

The personnummer is an argument, so run it from a shell whose history is not kept.
The read writes one access-log row naming the person and the operator (L1).
"""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit import extract
from audit.services import log_read
from casework.models import Participant
from casework.personnummer import parse


class Command(BaseCommand):
    help = _("Registerutdrag: allt som finns lagrat om en person.")

    def add_arguments(self, parser):
        parser.add_argument("personnummer")
        parser.add_argument(
            "--operator",
            default="",
            help=_("Vem som begär utdraget (standard: inloggad OS-användare)."),
        )

    def handle(self, *args, personnummer, operator, **options):
        try:
            canonical = parse(personnummer).canonical
        except ValidationError as exc:
            raise CommandError(_("Ogiltigt personnummer.")) from exc
        person = Participant.objects.filter(personnummer=canonical).first()
        if person is None:
            raise CommandError(_("Ingen person med det personnumret finns lagrad."))
        row = log_read(
            user=None,
            operator=f"kommando: {operator or getpass.getuser()}",
            action="audit.register_extract.command",
            participant_ids=[person.pk],
            route="manage.py registerutdrag",
        )
        result = extract.register_extract(person)
        result.events = [e for e in result.events if e.ref != f"accesslog #{row.pk}"]
        self.stdout.write(extract.as_text(result))
