from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .admin_scope import OrganisationScopedAdmin
from .models import InsatsRule, Organisation, Programme, Unit, Workplace


class InsatsRuleInline(admin.TabularInline):
    model = InsatsRule
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "owner", "valid_from", "valid_to"]
    inlines = [InsatsRuleInline]
    filter_horizontal = ["shared_with"]


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "kind"]


@admin.register(Unit)
class UnitAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "organisation"]
    filter_horizontal = ["members"]


@admin.register(Workplace)
class WorkplaceAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "organisation", "kommunal"]
    list_filter = ["kommunal", "organisation"]
