"""Security events for the admin's scope (issue 17 item 3): refusals outside the own
organisation, and every change of unit membership or role, whoever makes it and from
whichever side (unit form, user form, shell)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed
from simple_history.models import HistoricalRecords

from programmes.admin_scope import admin_scope_refused
from programmes.models import Unit

from .models import SecurityEvent

ACTIONS = {"post_add": "+", "post_remove": "-", "pre_clear": "-"}


def _acting_user():
    """The logged-in user of the current request (simple-history's middleware keeps it)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _route() -> str:
    request = getattr(HistoricalRecords.context, "request", None)
    return getattr(request, "path", "")[:300]


def _refused(sender, user=None, route="", object_ref="", **kwargs) -> None:
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.SCOPE_REFUSED,
        user=user if getattr(user, "is_authenticated", False) else None,
        route=route[:300],
        object_ref=object_ref[:100],
    )


def _pairs(instance, pk_set, action, *, users_attr: str, others_attr: str):
    """(user id, unit or group id) for each changed link, from either side of the
    relation; a clear lists the links it is about to remove."""
    is_user = isinstance(instance, get_user_model())
    if action == "pre_clear":
        attr = others_attr if is_user else users_attr
        pk_set = set(getattr(instance, attr).values_list("pk", flat=True))
    ids = sorted(pk_set or ())
    return [(instance.pk, pk) if is_user else (pk, instance.pk) for pk in ids]


def _changed(kind: str, *, users_attr: str, others_attr: str):
    def receiver(sender, instance, action, pk_set, **kwargs) -> None:
        if action not in ACTIONS:
            return
        pairs = _pairs(instance, pk_set, action, users_attr=users_attr, others_attr=others_attr)
        for user_id, other_id in pairs:
            SecurityEvent.objects.create(
                kind=SecurityEvent.Kind.MEMBERSHIP,
                user=_acting_user(),
                route=_route(),
                object_ref=f"user:{user_id}",
                detail=f"{kind}{ACTIONS[action]}{other_id}",
            )

    return receiver


_unit_members = _changed("unit", users_attr="members", others_attr="units")
_user_groups = _changed("role", users_attr="user_set", others_attr="groups")


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    from .middleware import start_timers_at_login

    user_logged_in.connect(start_timers_at_login, dispatch_uid="audit-session-timers")
    admin_scope_refused.connect(_refused, dispatch_uid="audit-admin-scope")
    m2m_changed.connect(
        _unit_members, sender=Unit.members.through, dispatch_uid="audit-unit-members"
    )
    m2m_changed.connect(
        _user_groups, sender=get_user_model().groups.through, dispatch_uid="audit-user-groups"
    )
