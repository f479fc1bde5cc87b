"""The Django admin scoped to the admin's own organisation (issue 17 item 3).

A staff user who is not a superuser administers the organisations of the units they
are a member of, and nothing else: the lists, the choices of every foreign-key and
many-to-many widget, and the object permissions of every view (change, delete,
history, revert) stop at that organisation. An object outside it answers 404, the
same as a missing id (S2), and sends `admin_scope_refused`, which the audit app stores
as a security event. Superusers are the operators and see everything.

This module imports no other app of the project (STYLE.md): it knows only units,
organisations and users.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from django.dispatch import Signal
from django.http import Http404

from .models import Goal, Organisation, Programme, ProgrammeBudget, Unit, Workplace

# Sent when a staff user asks for an admin object outside their organisation:
# user, route, object_ref ("<app>.<model>:<pk>").
admin_scope_refused = Signal()


def is_operator(user) -> bool:
    return bool(user.is_active and user.is_superuser)


def own_organisations(user) -> QuerySet[Organisation]:
    """The organisations a (non-superuser) staff user administers: those of their units."""
    if is_operator(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(units__members=user).distinct()


def manageable_users(user) -> QuerySet:
    """Users an organisation's admin may see and change: members of the admin's
    organisations only (no unit elsewhere, so no other organisation's account can be
    taken over), never a superuser or another staff account."""
    User = get_user_model()
    if is_operator(user):
        return User.objects.all()
    mine = own_organisations(user)
    elsewhere = Unit.objects.exclude(organisation__in=mine)
    return (
        User.objects.filter(units__organisation__in=mine)
        .exclude(units__in=elsewhere)
        .exclude(Q(is_superuser=True) | Q(is_staff=True))
        .distinct()
    )


# model -> the lookup from the model to the organisation that owns it
OWNER_LOOKUP = {
    Organisation: "pk__in",
    Unit: "organisation__in",
    Programme: "owner__in",
    Workplace: "organisation__in",
    ProgrammeBudget: "programme__owner__in",
    Goal: "programme__owner__in",
}


def scoped(model, user, queryset: QuerySet | None = None) -> QuerySet:
    """`queryset` (default all of `model`) cut to the user's organisations."""
    queryset = model._default_manager.all() if queryset is None else queryset
    if is_operator(user):
        return queryset
    lookup = OWNER_LOOKUP.get(model)
    if lookup is None:
        return queryset
    return queryset.filter(**{lookup: own_organisations(user)})


class OrganisationScopedAdmin:
    """Mixin for a ModelAdmin of one of the `OWNER_LOOKUP` models (see the module doc)."""

    model: type[Model]  # set by the ModelAdmin it is mixed into

    def get_queryset(self, request):
        return scoped(self.model, request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model in OWNER_LOOKUP:
            kwargs["queryset"] = scoped(db_field.related_model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is get_user_model():
            kwargs["queryset"] = self.member_choices(request)
        elif db_field.related_model in OWNER_LOOKUP and db_field.name != "shared_with":
            kwargs["queryset"] = scoped(db_field.related_model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def member_choices(self, request) -> QuerySet:
        """The users the admin manages, plus the current members of the object being
        edited (so saving never silently drops a member the admin can't list)."""
        users = manageable_users(request.user)
        obj_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        current = self.get_queryset(request).filter(pk=obj_id).values("members") if obj_id else []
        return get_user_model().objects.filter(Q(pk__in=users) | Q(pk__in=current)).distinct()

    def in_scope(self, request, obj) -> bool:
        return obj is None or scoped(self.model, request.user).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            refuse_if_exists(request, self.model, object_id)
        return obj

    # The change and delete views run in a transaction that a 404 rolls back, and the
    # security event with it: check the scope before they open it.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            self._in_scope_or_404(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _in_scope_or_404(self, request, object_id) -> None:
        try:
            found = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, TypeError):
            found = False
        if not found:
            refuse_if_exists(request, self.model, object_id)


def refuse_if_exists(request, model, object_id) -> None:
    """Out of scope answers 404 like a missing id (S2); only a real object is an event."""
    try:
        exists = model._default_manager.filter(pk=object_id).exists()
    except (ValueError, TypeError):
        exists = False
    if exists:
        admin_scope_refused.send(
            sender=model,
            user=request.user,
            route=request.path,
            object_ref=f"{model._meta.label_lower}:{object_id}",
        )
    raise Http404
