"""Everything stored about one person, in every organisation, for a request under GDPR
Art. 15 (G1, G2; issue 17 item 5).

The personnummer is an argument, so run it from a shell whose history is not kept.
The ärendenummer of the request is required. The read writes one access-log row naming
the person, the request and the operator (L1) and a `registerutdrag_alla` security event
(audit.full_extract).
"""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit import extract
from audit.full_extract import full_register_extract


class Command(BaseCommand):
    help = _("Registerutdrag: allt som finns lagrat om en person.")

    def add_arguments(self, parser):
        parser.add_argument("personnummer")
        parser.add_argument(
            "--arende",
            required=True,
            help=_("Ärendenumret (diarienumret) för den registrerades begäran."),
        )
        parser.add_argument(
            "--operator",
            default="",
            help=_("Vem som begär utdraget (standard: inloggad OS-användare)."),
        )

    def handle(self, *args, personnummer, arende, operator, **options):
        try:
            result = full_register_extract(
                personnummer=personnummer,
                request_ref=arende,
                by=None,
                operator=f"kommando: {operator or getpass.getuser()}",
                route="manage.py registerutdrag",
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(extract.as_text(result))
