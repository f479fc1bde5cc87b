"""After gallring, a purged row's text stays blank (issue 17 item 10, R4).

Gallring marks a person as purged by replacing the personnummer with its placeholder
(`retention.placeholder`) and blanks every PURGE field of `text_registry` on the
person's rows. This is the one place that keeps it so: before any save of a row that
holds such a field — by a service, a correction, the admin or a shell — the row's text
must be the blanked value if its person is purged; anything else is refused with a
Swedish reason and nothing is written. Rows written in bulk (`bulk_create`, the import)
never reach a purged person: the placeholder is not a valid personnummer, so no import
row names one. Gallring itself writes with `QuerySet.update`, which sends no signal.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _

from casework.models import Participant
from casework.rules import CaseRuleError

from .retention import CASE_TEXT, JOURNAL_TEXT, is_purged
from .text_registry import purged_fields


def blanked_values() -> dict[type, dict[str, str]]:
    """Per model, each purged field and the only value it may hold after gallring."""
    result: dict[type, dict[str, str]] = {}
    for name in sorted(purged_fields()):
        app_label, model_name, field = name.split(".")
        model = apps.get_model(app_label, model_name)
        after = {**CASE_TEXT} if model_name == "case" else JOURNAL_TEXT.get(model, {})
        result.setdefault(model, {})[field] = after.get(field, "")
    return result


def _person_of(instance) -> Participant | None:
    if isinstance(instance, Participant):
        pk = instance.pk
        return Participant.objects.filter(pk=pk).first() if pk is not None else None
    if getattr(instance, "participant_id", None) is not None:
        return Participant.objects.filter(pk=instance.participant_id).first()
    case_id = getattr(instance, "case_id", None)
    return Participant.objects.filter(cases__pk=case_id).first() if case_id else None


def refuse_text_after_purge(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata
        return
    blanks = BLANKS.get(sender, {})
    if sender is Participant:
        blanks = {**blanks}
        blanks.pop("personnummer", None)  # checked against the stored placeholder below
    written = [f for f, blank in blanks.items() if getattr(instance, f) != blank]
    if not written and sender is not Participant:
        return
    person = _person_of(instance)
    if person is None or not is_purged(person):
        return
    if sender is Participant and instance.personnummer != person.personnummer:
        written.append("personnummer")
    if written:
        labels = ", ".join(str(sender._meta.get_field(f).verbose_name) for f in written)
        raise CaseRuleError(
            _("Personens uppgifter är gallrade; %(fields)s kan inte få ny text.")
            % {"fields": labels}
        )


BLANKS: dict[type, dict[str, str]] = {}


def connect() -> None:
    BLANKS.update(blanked_values())
    for model in BLANKS:
        pre_save.connect(refuse_text_after_purge, sender=model, dispatch_uid=f"purge:{model}")
