"""Users and roles in the Django admin, for an organisation's own admin (issue 13 item 6,
issue 17 item 3).

An admin (staff, not superuser) lists and changes only `manageable_users`: members of
their own organisation's units, with no unit elsewhere, never staff or superusers. They
set names, e-mail, active, password, the roles a unit needs (never `admin`, never staff
or superuser) and the units of their own organisation. Superusers, the operators, keep
Django's full form and also set units. Every membership and role change is a security
event (audit.scope_receivers), whoever makes it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from programmes.admin_scope import is_operator, manageable_users, refuse_if_exists, scoped
from programmes.models import Unit

from .roles import ROLE_PERMISSIONS

# Roles an organisation's admin may give: every role except admin itself (staff).
NOT_ASSIGNABLE = {"admin"}


def assignable_roles(user):
    if is_operator(user):
        return Group.objects.all()
    return Group.objects.filter(name__in=set(ROLE_PERMISSIONS) - NOT_ASSIGNABLE)


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.organisation})"


def _units_field(required: bool) -> UnitsField:
    return UnitsField(
        label=_("Enheter"),
        queryset=Unit.objects.none(),
        required=required,
        # django-stubs' admin package does not declare its widgets submodule.
        widget=admin.widgets.FilteredSelectMultiple(_("enheter"), is_stacked=False),  # type: ignore[attr-defined]
        help_text=_("Enheter i den egna organisationen som användaren arbetar i."),
    )


class ScopedUserChangeForm(UserChangeForm):
    units = _units_field(required=False)


class ScopedUserCreationForm(AdminUserCreationForm):
    units = _units_field(required=True)


ORG_FIELDSETS = (
    (None, {"fields": ("username", "password")}),
    (_("Personuppgifter"), {"fields": ("first_name", "last_name", "email")}),
    (_("Roller och enheter"), {"fields": ("is_active", "groups", "units")}),
)
ORG_ADD_FIELDSETS = (
    (
        None,
        {
            "classes": ("wide",),
            "fields": ("username", "usable_password", "password1", "password2"),
        },
    ),
    (_("Personuppgifter"), {"fields": ("first_name", "last_name", "email")}),
    (_("Roller och enheter"), {"fields": ("groups", "units")}),
)


class OrganisationUserAdmin(UserAdmin):
    form = ScopedUserChangeForm
    add_form = ScopedUserCreationForm

    def get_fieldsets(self, request, obj=None):
        if is_operator(request.user):
            sets = super().get_fieldsets(request, obj)
            return (*sets, (_("Enheter"), {"fields": ("units",)})) if obj else sets
        return ORG_FIELDSETS if obj else ORG_ADD_FIELDSETS

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        units = scoped(Unit, request.user).select_related("organisation")

        class Scoped(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                if "units" in self.fields:
                    self.fields["units"].queryset = units
                    if self.instance.pk:
                        self.fields["units"].initial = list(self.instance.units.all())

        return Scoped

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = assignable_roles(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "units" in form.cleaned_data:
            form.instance.units.set(form.cleaned_data["units"])

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=manageable_users(request.user))

    def in_scope(self, request, obj) -> bool:
        return obj is None or manageable_users(request.user).filter(pk=obj.pk).exists()

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

    # Before the view's transaction, which a 404 would roll back with the security event.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            self._in_scope_or_404(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def _in_scope_or_404(self, request, object_id) -> None:
        if not str(object_id).isdigit() or not self.get_queryset(request).filter(pk=object_id):
            refuse_if_exists(request, self.model, object_id)


class ScopedTOTPDeviceAdmin(TOTPDeviceAdmin):
    """A second factor is enrolled only for a user the admin manages (no takeover of
    another organisation's account through its device)."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user__in=manageable_users(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = manageable_users(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            refuse_if_exists(request, self.model, object_id)
        return obj


def register() -> None:
    for model, model_admin in ((User, OrganisationUserAdmin), (TOTPDevice, ScopedTOTPDeviceAdmin)):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, model_admin)
