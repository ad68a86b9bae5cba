"""KPIs as versioned data, the monthly values computed from them, targets with RAG thresholds, the
owners' commentary, resident populations (for rates) and the KPIs that evidence inspection findings.

A place is the force, an area or a neighbourhood, written `place_key` ("force", "area:3",
"neighbourhood:17") so that one unique constraint covers all three on every database (PostgreSQL
treats NULLs in a unique constraint as distinct).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from beacon.core.models import Area
from beacon.geography.models import Neighbourhood
from beacon.inspections.models import Finding


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    PER_1000_INCIDENTS = "per_1000_incidents", "Rate per 1,000 incidents"
    PER_1000_RESIDENTS = "per_1000_residents", "Rate per 1,000 residents"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NEITHER = "neither", "Neither (monitored, no better way)"


class Level(models.TextChoices):
    FORCE = "force", "Force"
    AREA = "area", "Area"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"


class Period(models.TextChoices):
    MONTH = "month", "Calendar month"
    ROLLING_12 = "rolling_12", "Rolling 12 months"
    FYTD = "fytd", "Financial year to date"


class Kpi(models.Model):
    """A KPI's lasting identity; what it measures lives in its versions."""

    code = models.SlugField(max_length=60, unique=True)
    is_example = models.BooleanField(
        default=False, help_text="Shipped as an example; a force edits it or replaces it with its own."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class KpiVersion(models.Model):
    """One version of a KPI's definition. Never changed once saved: a change is a new version, and
    every computed value records the version it used."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(help_text="What it counts, in plain English.")
    owner = models.CharField(max_length=200, help_text='Who answers for it, e.g. "ACC Local Policing".')
    unit = models.CharField(max_length=30, choices=Unit.choices)
    measure = models.CharField(max_length=80, help_text="A measure registered by a domain.")
    filters = models.JSONField(default=dict, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    note = models.CharField(max_length=300, blank=True, help_text="What changed in this version.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kpi", "-version"]
        constraints = [models.UniqueConstraint(fields=["kpi", "version"], name="kpi_version_unique")]

    def __str__(self) -> str:
        return f"{self.kpi.code} v{self.version}"


class KpiValue(models.Model):
    """A KPI's value for one month and place, as `beacon performance compute` stored it."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    definition = models.ForeignKey(KpiVersion, on_delete=models.PROTECT, related_name="+")
    place_key = models.CharField(max_length=40)
    level = models.CharField(max_length=15, choices=Level.choices)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(help_text="The first day of the month.")
    numerator = models.IntegerField()
    denominator = models.IntegerField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True, help_text="Empty where the denominator is 0.")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kpi", "place_key", "month"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "place_key", "month"], name="kpi_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.place_key} {self.month:%Y-%m}: {self.value}"


class Target(models.Model):
    """A target or milestone for a KPI, a place and a kind of period, from a month on (until a later
    target for the same KPI, place and period takes over, or its end month). RAG: Green at or
    better than `green_pct` % of the target, Red worse than `red_pct` %, Amber between."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    place_key = models.CharField(max_length=40, default="force")
    period = models.CharField(max_length=15, choices=Period.choices)
    value = models.FloatField()
    green_pct = models.FloatField(default=100.0)
    red_pct = models.FloatField(default=95.0)
    from_month = models.DateField()
    to_month = models.DateField(null=True, blank=True)
    is_milestone = models.BooleanField(default=False, help_text="A step on the way, not the end target.")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kpi", "place_key", "period", "-from_month", "-id"]

    def __str__(self) -> str:
        return f"Target {self.value:g} ({self.period}) for {self.place_key}"


class Commentary(models.Model):
    """The owner's dated commentary on a KPI for a month and place. Never edited: a later comment
    for the same month supersedes the earlier one in packs, and both are kept."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="commentary")
    place_key = models.CharField(max_length=40, default="force")
    month = models.DateField()
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kpi", "place_key", "-month", "-written_at", "-id"]

    def __str__(self) -> str:
        return f"Commentary on {self.month:%Y-%m} ({self.place_key})"


class Population(models.Model):
    """Residents of a neighbourhood, for rates per 1,000 residents (areas and the force sum them)."""

    neighbourhood = models.OneToOneField(Neighbourhood, on_delete=models.CASCADE, related_name="+")
    residents = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True, help_text='e.g. "ONS mid-2024 estimates".')

    def __str__(self) -> str:
        return f"{self.residents} residents"


class FindingEvidence(models.Model):
    """A KPI that evidences an inspection finding (cause of concern, recommendation, AFI), compared
    with its value in the 12 months to the baseline month."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="+")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="evidence")
    place_key = models.CharField(max_length=40, default="force")
    baseline_month = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["finding", "kpi__code"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "kpi", "place_key"], name="finding_evidence_unique")
        ]

    def __str__(self) -> str:
        return f"Evidence for finding {self.finding_id}"
