"""Factories for inspections and plans (synthetic data)."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from beacon.inspections.models import Allocation, Finding, Inspection, Portfolio, ProgressUpdate, Status


class InspectionFactory(DjangoModelFactory[Inspection]):
    class Meta:
        model = Inspection
        django_get_or_create = ("title",)

    title = factory.Sequence(lambda n: f"Test Inspection {n}")
    inspectorate = "HMICFRS"
    kind = Inspection.Kind.THEMATIC
    published = dt.date(2024, 4, 1)


class FindingFactory(DjangoModelFactory[Finding]):
    class Meta:
        model = Finding

    inspection = factory.SubFactory(InspectionFactory)
    ref = factory.Sequence(lambda n: f"AFI.{n + 1}")
    kind = Finding.Kind.AREA_FOR_IMPROVEMENT
    text = factory.Sequence(lambda n: f"Finding text {n}")
    position = factory.Sequence(lambda n: n)


class PortfolioFactory(DjangoModelFactory[Portfolio]):
    class Meta:
        model = Portfolio
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Portfolio {n}")
    holder = "ACC Local Policing"
    plan_owner = "Ch Supt Neighbourhoods"


class AllocationFactory(DjangoModelFactory[Allocation]):
    class Meta:
        model = Allocation

    finding = factory.SubFactory(FindingFactory)
    portfolio = factory.SubFactory(PortfolioFactory)
    role = Allocation.Role.LEAD
    action_owner = "Supt Neighbourhoods"
    due_date = dt.date(2024, 12, 31)


class ProgressUpdateFactory(DjangoModelFactory[ProgressUpdate]):
    class Meta:
        model = ProgressUpdate

    allocation = factory.SubFactory(AllocationFactory)
    date = dt.date(2024, 6, 1)
    status = Status.AMBER
    text = factory.Sequence(lambda n: f"Update {n}")
