from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .admin_forms import ProgrammeAdminForm
from .admin_scope import OrganisationScopedAdmin
from .models import (
    Goal,
    InsatsRule,
    MemberMunicipality,
    Organisation,
    Programme,
    ProgrammeBudget,
    Unit,
    Workplace,
)


class InsatsRuleInline(admin.StackedInline):
    """Durations, extensions and places per insats (000 §4.4; 002 §5)."""

    model = InsatsRule
    extra = 0


class MemberMunicipalityInline(admin.StackedInline):
    """Stacked: each field has its own label (axe "label"; a tabular row has none)."""

    model = MemberMunicipality
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    form = ProgrammeAdminForm
    list_display = ["code", "name", "owner", "valid_from", "valid_to"]
    inlines = [InsatsRuleInline, MemberMunicipalityInline]


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


@admin.register(ProgrammeBudget)
class ProgrammeBudgetAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    """The budget per programme and year that K4 and K5 prorate (docs/indicators.md)."""

    list_display = ["programme", "year", "amount_kr"]
    list_filter = ["programme", "year"]


@admin.register(Goal)
class GoalAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """The agreements' målvärden, per programme and year (issue 14 item 2)."""

    list_display = ["programme", "year", "measure", "kind", "target", "source"]
    list_filter = ["year", "kind"]
