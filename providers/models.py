"""Placements of participants with a provider organisation (Bromodellen 002 §5–6).

Bilda and Erikshjälpen run the activities and follow attendance; their staff (the
`leverantor` role) see only the participants placed with their organisation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import Case
from programmes.models import Organisation


class PlacementQuerySet(models.QuerySet):
    def active(self) -> "PlacementQuerySet":
        return self.filter(ended_on__isnull=True)


class Placement(models.Model):
    """The coordinator places a case with a provider; the provider sees it while active."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="placements", verbose_name=_("ärende")
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="placements",
        limit_choices_to={"kind": "leverantor"},
        verbose_name=_("leverantör"),
    )
    planned_end = models.DateField(_("planerat slut"), null=True, blank=True)
    ended_on = models.DateField(_("avslutad"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placering hos leverantör")
        verbose_name_plural = _("placeringar hos leverantörer")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "provider"],
                condition=Q(ended_on__isnull=True),
                name="one_active_placement_per_provider",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.provider}"
