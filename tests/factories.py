"""Factories shared by the tests; identity numbers are built, never taken from Faker ssn() (N6)."""

from datetime import date

import factory
from django.contrib.auth.models import Group, User

from casework.models import Participant
from casework.personnummer import luhn_digit
from programmes.models import Unit, Workplace


def make_pnr(born: date, serial: int = 123, samordning: bool = False) -> str:
    """A 12-digit number with a valid check digit; serials from 980 up are kept for tests."""
    day = born.day + (60 if samordning else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    return f"{born.year // 100:02d}{nine}{luhn_digit(nine)}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role))

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        for unit in extracted or []:
            unit.members.add(self)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    birth_date = date(1990, 5, 17)
    personnummer = factory.Sequence(lambda n: make_pnr(date(1990, 5, 17), n % 1000))
    gender = "K"
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")


def unit(code: str = "nykoping-jobbtorg") -> Unit:
    return Unit.objects.get(code=code)


def workplace(kommunal: bool = True, unit_code: str = "nykoping-jobbtorg") -> Workplace:
    org = unit(unit_code).organisation
    return Workplace.objects.get_or_create(
        organisation=org,
        name="Kommunens parkförvaltning" if kommunal else "Bygg AB",
        kommunal=kommunal,
    )[0]
