"""Writes of the participant survey: one-time links and answers (003; issue 13).

A link's token is shown once and stored only as its SHA-256; the link expires after 30
days, works once, and lets the holder answer that one questionnaire and nothing else.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Case
from casework.rules import CaseRuleError
from casework.selectors import visible_cases

from .models import (
    Occasion,
    QuestionKind,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

LINK_DAYS = 30


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _case_for(by: User, case_id: int) -> Case:
    if not (by.has_perm("casework.change_insats") or by.has_perm("casework.decide_referral")):
        raise PermissionDenied(_("Du har inte behörighet till enkäten."))
    case = visible_cases(by).filter(pk=case_id).select_related("programme").first()
    if case is None:
        raise PermissionDenied(_("Ärendet finns inte bland dina ärenden."))
    return case


def _refuse_answered(case: Case, occasion: str) -> None:
    if occasion not in Occasion.values:
        raise CaseRuleError(_("Okänt enkättillfälle."))
    if SurveyResponse.objects.filter(case=case, occasion=occasion).exists():
        raise CaseRuleError(_("Enkäten är redan besvarad."))


@transaction.atomic
def invitation_create(*, case_id: int, occasion: str, by: User) -> tuple[SurveyInvitation, str]:
    """A one-time link for the participant; the token is returned once, never stored."""
    case = _case_for(by, case_id)
    _refuse_answered(case, occasion)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = SurveyInvitation.objects.create(
        created_at=now,
        case=case,
        occasion=occasion,
        token_hash=token_hash(token),
        created_by=by,
        expires_at=now + timedelta(days=LINK_DAYS),
    )
    return invitation, token


def valid_invitation(token: str) -> SurveyInvitation | None:
    """The invitation the token opens: unused, unexpired, not yet answered."""
    invitation = (
        SurveyInvitation.objects.select_related("case__programme")
        .filter(token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        return None
    answered = SurveyResponse.objects.filter(case=invitation.case, occasion=invitation.occasion)
    return None if answered.exists() else invitation


def questions_for(case: Case, occasion: str) -> QuerySet[SurveyQuestion]:
    return SurveyQuestion.objects.filter(
        programme=case.programme, occasion=occasion, active=True
    ).order_by("position", "pk")


def _answers(questions: list[SurveyQuestion], values: dict[int, str]) -> list[SurveyAnswer]:
    answers = []
    for question in questions:
        value = values.get(question.pk)
        if value in (None, ""):
            continue
        if question.kind == QuestionKind.SCALE:
            if str(value) not in {"1", "2", "3", "4", "5"}:
                raise CaseRuleError(_("Svara med en siffra från 1 till 5."))
            answers.append(SurveyAnswer(question=question, scale_value=int(value)))
        else:
            answers.append(SurveyAnswer(question=question, text=str(value)[:4000]))
    return answers


def _store(
    case: Case, occasion: str, values: dict[int, str], *, share: bool, channel: str
) -> SurveyResponse:
    answers = _answers(list(questions_for(case, occasion)), values)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                case=case,
                programme=case.programme,
                occasion=occasion,
                channel=channel,
                share_with_coach=share,
            )
    except IntegrityError:
        raise CaseRuleError(_("Enkäten är redan besvarad.")) from None
    for answer in answers:
        answer.response = response
    SurveyAnswer.objects.bulk_create(answers)
    return response


@transaction.atomic
def response_submit_by_link(*, token: str, values: dict[int, str], share: bool) -> SurveyResponse:
    """The participant answers on the link; the link is used up in the same transaction."""
    invitation = valid_invitation(token)
    if invitation is not None:
        invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation is None or invitation.used_at is not None:
        raise CaseRuleError(_("Länken gäller inte längre."))
    response = _store(invitation.case, invitation.occasion, values, share=share, channel="lank")
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return response


@transaction.atomic
def response_submit_on_screen(
    *, case_id: int, occasion: str, values: dict[int, str], share: bool, by: User
) -> SurveyResponse:
    """The participant answers on the coach's screen."""
    case = _case_for(by, case_id)
    _refuse_answered(case, occasion)
    return _store(case, occasion, values, share=share, channel="coach")
