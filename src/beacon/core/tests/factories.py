"""Factories for core records. Every person here is synthetic."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from beacon.core.models import Area, Force, User
from beacon.core.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"


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
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@force.example")
    role = Role.OFFICER
    password = factory.django.Password(TEST_PASSWORD)
