"""System clients of the API: who they are, which unit owns them, what they may do (issue 16).

A client acts through its own service user (`user`), so the journal's `actor` and the
access log's `user` name it like any person, and the one scoping rule
(`casework.selectors.visible_cases`) scopes it to its unit. Tokens are stored as SHA-256
digests only; the token itself is shown once, when it is issued.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Unit


class Scope(models.TextChoices):
    REFERRALS_WRITE = "referrals:write", _("Registrera aktualiseringar")
    STATUS_READ = "status:read", _("Läsa deltagande och händelser")
    INDICATORS_READ = "indicators:read", _("Läsa indikatorer")


class ApiClient(models.Model):
    name = models.CharField(_("namn"), max_length=100, unique=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("enhet")
    )
    scopes = models.JSONField(_("behörigheter"), default=list)
    expires_at = models.DateTimeField(_("giltig till"))
    requests_per_minute = models.PositiveIntegerField(_("anrop per minut"), default=600)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        editable=False,
        verbose_name=_("tjänsteanvändare"),
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("systemklient")
        verbose_name_plural = _("systemklienter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def is_live(self, now=None) -> bool:
        return (now or timezone.now()) < self.expires_at

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """One bearer token; at most two live per client, so a rotation needs no downtime."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="tokens")
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("utfärdad"), default=timezone.now)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("token")
        verbose_name_plural = _("tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"


class IdempotencyKey(models.Model):
    """A POST that made a case, by its `Idempotency-Key`: a retry answers with that case."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    body_digest = models.CharField(max_length=64)
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_use_per_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"


class RateWindow(models.Model):
    """Requests of one client in one clock minute: the rate limit's counter (no Redis)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    minute = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "minute"], name="one_counter_per_minute")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}@{self.minute}: {self.count}"
