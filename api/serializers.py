"""Request and response shapes of /api/v1/, which the OpenAPI schema is generated from."""

from __future__ import annotations

from rest_framework import serializers

from casework.models import ExitReason, Gender, Source, State
from programmes.models import IncomeSupport


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stabil maskinläsbar kod, t.ex. open_case_exists.")
    detail = serializers.CharField(help_text="Skälet på svenska.")
    reasons = serializers.ListField(child=serializers.CharField())


class ReferralInSerializer(serializers.Serializer):
    personnummer = serializers.CharField(max_length=13)
    gender = serializers.ChoiceField(choices=Gender.choices)
    programme = serializers.CharField(max_length=40, help_text="Programkod, t.ex. JOBBTORG.")
    referred_on = serializers.DateField()
    income_support = serializers.ChoiceField(choices=IncomeSupport.choices)
    # DRF's metaclass pops declared fields, so this never shadows Field.source at run time.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=Source.choices, required=False, default="SOC"
    )
    first_name = serializers.CharField(max_length=100, required=False, default="")
    last_name = serializers.CharField(max_length=100, required=False, default="")
    risk_note = serializers.CharField(max_length=2000, required=False, default="")
    referring_officer = serializers.CharField(max_length=200, required=False, default="")
    referring_contact = serializers.CharField(max_length=200, required=False, default="")
    referral_reason = serializers.CharField(max_length=4000, required=False, default="")
    baseline_step = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text=(
            "Utgångsläget på programmets stegskala (1 = första steget). Där programmet "
            "använder stegskalan krävs det innan första insatsen startar; saknas det här "
            "bedömer coachen det före dess."
        ),
    )


class ReferralOutSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=State.choices)
    programme = serializers.CharField()
    unit = serializers.CharField()
    referred_on = serializers.DateField()
    baseline_step = serializers.IntegerField(allow_null=True)
    baseline_required = serializers.BooleanField(
        help_text="Sant när programmet använder stegskalan och utgångsläget ännu saknas."
    )


class WeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="Veckans måndag.")
    days_present = serializers.IntegerField()


class ExitSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    programme = serializers.CharField()
    on = serializers.DateField()
    reason = serializers.ChoiceField(choices=ExitReason.choices, allow_blank=True)


class CaseStatusSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    programme = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    in_insats = serializers.BooleanField()
    since = serializers.DateField(help_text="Datum då nuvarande status började.")
    referred_on = serializers.DateField()
    attendance = WeekSerializer(
        many=True,
        allow_null=True,
        help_text="Närvaro per vecka; null om programmet inte följer den.",
    )


class ParticipationSerializer(serializers.Serializer):
    personnummer = serializers.CharField()
    in_insats = serializers.BooleanField()
    cases = CaseStatusSerializer(many=True)
    latest_exit = ExitSerializer(allow_null=True)


class EventSerializer(serializers.Serializer):
    cursor = serializers.IntegerField()
    journal_id = serializers.IntegerField(
        help_text="Journalradens id; `corrects` pekar på ett sådant."
    )
    type = serializers.ChoiceField(choices=["referral.registered", "insats.started", "case.exited"])
    case_id = serializers.IntegerField()
    personnummer = serializers.CharField()
    programme = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    effective_on = serializers.DateField()
    recorded_at = serializers.DateTimeField()
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices, allow_blank=True)
    corrects = serializers.IntegerField(
        allow_null=True, help_text="journal_id för raden som denna rättelse ersätter."
    )


class EventPageSerializer(serializers.Serializer):
    events = EventSerializer(many=True)
    next = serializers.IntegerField(help_text="Skicka som ?after= för nästa sida.")
