"""What the audit app observes: saved journal/log rows (chain), refusals and lockouts."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_save, pre_save

from casework.signals import journal_bulk_written, scope_refused

from . import chain
from .models import SecurityEvent


def _chain_row(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        chain.append_row(instance)


def _chain_rows(sender, rows, **kwargs) -> None:
    chain.append_rows(rows)


def _scope_refused(sender, user=None, case_id=None, route="", **kwargs) -> None:
    participant_id = kwargs.get("participant_id")
    if case_id is not None:
        ref = f"case:{case_id}"
    elif participant_id is not None:
        ref = f"participant:{participant_id}"
    else:
        ref = str(kwargs.get("object_ref", ""))
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.SCOPE_REFUSED,
        user=user if getattr(user, "is_authenticated", False) else None,
        route=route[:300],
        object_ref=ref,
    )


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first() if username else None
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.LOCKOUT,
        user=user,
        route=getattr(request, "path", "")[:300],
        detail=f"ip={ip_address}"[:300],
    )


def _protected_flag(sender, instance, raw=False, **kwargs) -> None:
    """Setting or clearing skyddad identitet is an audited action (P4)."""
    if raw or instance.pk is None:
        return
    before = sender._base_manager.filter(pk=instance.pk).values_list("skyddad_identitet", flat=True)
    if not before or before[0] == instance.skyddad_identitet:
        return
    user = getattr(instance, "_history_user", None)
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.PROTECTED_FLAG,
        user=user if getattr(user, "is_authenticated", False) else None,
        object_ref=f"participant:{instance.pk}",
        detail="satt" if instance.skyddad_identitet else "borttagen",
    )


def connect() -> None:
    pre_save.connect(
        _protected_flag, sender=apps.get_model("casework.participant"), dispatch_uid="audit-p4"
    )
    for kind in chain.CHAINED:
        post_save.connect(_chain_row, sender=apps.get_model(kind), dispatch_uid=f"chain-{kind}")
    journal_bulk_written.connect(_chain_rows, dispatch_uid="chain-bulk")
    scope_refused.connect(_scope_refused, dispatch_uid="audit-scope-refused")
    try:
        from axes.signals import user_locked_out
    except ImportError:  # axes is not installed in every settings module
        return
    user_locked_out.connect(_locked_out, dispatch_uid="audit-lockout")
