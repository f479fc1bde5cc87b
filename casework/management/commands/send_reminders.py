"""Daily from cron: e-mail each coach their due spells, overstays and follow-ups (issue 5).

The list is `selectors.reminders_for`, the same as on the caseload. The mail names no
one: it carries the case reference and the masked identity only, because e-mail leaves
the system (G3, G4); each mail is a read of personal data and writes one log row (L1).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from audit.services import log_read
from casework.selectors import reminders_for


class Command(BaseCommand):
    help = _("E-postar varje coach slutdatum inom 14 dagar, överskridna tider och uppföljningar.")

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help=_("Dagens datum (ÅÅÅÅ-MM-DD)."))

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        sent = 0
        with override(settings.LANGUAGE_CODE):
            for coach in self.coaches():
                sent += self.send_to(coach, today)
        self.stdout.write(_("%(n)s påminnelser skickade.") % {"n": sent})

    def coaches(self):
        return (
            get_user_model()
            .objects.filter(is_active=True, groups__name="coach")
            .exclude(email="")
            .distinct()
            .order_by("pk")
        )

    def send_to(self, coach, today: date) -> int:
        reminders = reminders_for(coach, today=today)
        if not reminders:
            return 0
        context = {
            "coach": coach,
            "today": today,
            "reminders": reminders,
            "site_url": getattr(settings, "SITE_URL", "").rstrip("/"),
        }
        subject = _("Påminnelser %(today)s: %(n)s ärenden att följa upp") % {
            "today": today.isoformat(),
            "n": len(reminders),
        }
        body = render_to_string("casework/email/reminders.txt", context)
        send_mail(subject, body, None, [coach.email])
        log_read(
            user=coach,
            action="reminders.email",
            participant_ids=[r.case.participant_id for r in reminders],
            route="send_reminders",
            filter_description=f"påminnelser {today.isoformat()}",
        )
        return 1
