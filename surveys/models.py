"""The participant survey at enrolment and exit (Sikta 003 "deltagarenkät"; 000 §4.3;
Linköping 001 "brukarundersökning").

The programme owns its questions. Answers are stored with the case but apart from the
journal: they are not documentation of the case, coaches read them only where the
participant agreed on the form, and results are shown only in aggregate.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import Case
from programmes.models import Programme


class Occasion(models.TextChoices):
    INSKRIVNING = "inskrivning", _("Vid inskrivning")
    UTSKRIVNING = "utskrivning", _("Vid utskrivning")


class QuestionKind(models.TextChoices):
    SCALE = "skala", _("Skala 1–5")
    TEXT = "fritext", _("Fritext")


class SurveyQuestion(models.Model):
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="survey_questions",
        verbose_name=_("program"),
    )
    occasion = models.CharField(_("tillfälle"), max_length=12, choices=Occasion.choices)
    position = models.PositiveSmallIntegerField(_("ordning"), default=1)
    text = models.CharField(_("fråga"), max_length=300)
    kind = models.CharField(_("svarstyp"), max_length=8, choices=QuestionKind.choices)
    low_label = models.CharField(_("text för 1"), max_length=60, blank=True)
    high_label = models.CharField(_("text för 5"), max_length=60, blank=True)
    active = models.BooleanField(_("används"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enkätfråga")
        verbose_name_plural = _("enkätfrågor")
        ordering = ["programme", "occasion", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class SurveyInvitation(models.Model):
    """A one-time link: only the SHA-256 of its token is stored (issue 13)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="survey_invitations")
    occasion = models.CharField(_("tillfälle"), max_length=12, choices=Occasion.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    expires_at = models.DateTimeField(_("gäller till"))
    used_at = models.DateTimeField(_("använd"), null=True, blank=True)

    class Meta:
        verbose_name = _("enkätlänk")
        verbose_name_plural = _("enkätlänkar")

    def __str__(self) -> str:
        return f"{self.case} {self.occasion}"


class SurveyResponse(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="survey_responses")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    occasion = models.CharField(_("tillfälle"), max_length=12, choices=Occasion.choices)
    channel = models.CharField(
        _("besvarad via"),
        max_length=6,
        choices=[("lank", _("Länk")), ("coach", _("Coachens skärm"))],
    )
    share_with_coach = models.BooleanField(_("coachen får läsa svaren"), default=False)
    answered_at = models.DateTimeField(_("besvarad"), default=timezone.now)

    class Meta:
        verbose_name = _("enkätsvar")
        verbose_name_plural = _("enkätsvar")
        constraints = [
            models.UniqueConstraint(fields=["case", "occasion"], name="one_response_per_occasion")
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.occasion}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    scale_value = models.PositiveSmallIntegerField(_("värde"), null=True, blank=True)
    text = models.TextField(_("svar"), blank=True)

    class Meta:
        verbose_name = _("svar på fråga")
        verbose_name_plural = _("svar på frågor")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(scale_value__isnull=True)
                | models.Q(scale_value__gte=1, scale_value__lte=5),
                name="scale_value_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.scale_value or ''}"
