"""The roles of domain.md as Django groups, with the permissions each needs."""

from django.utils.translation import gettext_lazy as _

ROLE_LABELS = {
    "coordinator": _("samordnare"),
    "coach": _("coach"),
    "manager": _("enhetschef"),
    "admin": _("administratör"),
    "auditor": _("granskare"),
    "leverantor": _("leverantör"),
}

ROLE_PERMISSIONS = {
    "coordinator": [
        "casework.decide_referral",
        "casework.change_insats",
        "casework.exit_case",
        "casework.add_note",
        "casework.view_case",
        "casework.view_participant",
    ],
    "coach": [
        "casework.change_insats",
        "casework.exit_case",
        "casework.add_note",
        "casework.view_case",
        "casework.view_participant",
    ],
    "manager": [],
    "admin": [
        "casework.decide_referral",
        "casework.change_insats",
        "casework.exit_case",
        "casework.add_note",
        "casework.view_case",
        "casework.view_participant",
        "programmes.add_programme",
        "programmes.change_programme",
        "programmes.view_programme",
        "programmes.add_insatsrule",
        "programmes.change_insatsrule",
        "programmes.view_insatsrule",
        "programmes.add_workplace",
        "programmes.change_workplace",
        "programmes.view_workplace",
        "programmes.add_unit",
        "programmes.change_unit",
        "programmes.view_unit",
        # The organisation's own users and their roles (scoped in casework.admin_users).
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "programmes.add_membermunicipality",
        "programmes.change_membermunicipality",
        "programmes.view_membermunicipality",
        "surveys.add_surveyquestion",
        "surveys.change_surveyquestion",
        "surveys.view_surveyquestion",
        "programmes.add_goal",
        "programmes.change_goal",
        "programmes.view_goal",
        # The programme's budget per year, for K4/K5 (issue 14).
        "programmes.add_programmebudget",
        "programmes.change_programmebudget",
        "programmes.view_programmebudget",
    ],
    "auditor": [],
    # Provider staff (Bromodellen 002 §5–6): attendance of the participants placed with
    # their organisation, nothing else (providers.selectors.placed_cases).
    "leverantor": ["casework.add_attendance"],
}


def load(Group, Permission) -> None:
    """Create the role groups with their permissions; safe to run again."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            # A model of a later migration has no permission yet: that migration runs
            # this again (surveys 0003).
            if permission is not None:
                group.permissions.add(permission)
