"""Factories for core records. Every person here is synthetic."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory
from faker import Faker

from beacon.core.models import Area, Force, User
from beacon.core.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"
_FAKE = Faker("en_GB")


def _plain(name: str) -> str:
    return name.replace("'", "").replace("\u2019", "")


class ForceFactory(DjangoModelFactory[Force]):
    class Meta:
        model = Force
        django_get_or_create = ("code",)

    name = "Wessex Constabulary"
    code = "WX"


class AreaFactory(DjangoModelFactory[Area]):
    class Meta:
        model = Area

    force = factory.SubFactory(ForceFactory)
    name = factory.Sequence(lambda n: f"Area {n}")
    code = factory.Sequence(lambda n: f"A{n}")


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Names without apostrophes, so that a test looking for a name in a page is not upset by the
    # escaping of "O'Connor" (pages escape names; tests that check escaping set the name themselves).
    first_name = factory.LazyFunction(lambda: _plain(_FAKE.first_name()))
    last_name = factory.LazyFunction(lambda: _plain(_FAKE.last_name()))
    email = factory.LazyAttribute(lambda u: f"{u.username}@force.example")
    role = Role.OFFICER
    password = factory.django.Password(TEST_PASSWORD)
