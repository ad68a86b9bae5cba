"""Neighbourhoods (polygons within the force's areas, each with a grade and a team), the postcode
directory that places a postcode on the map, and local priorities (community-meeting priorities,
operations and problem-solving locations) that flag incidents inside them while they are active.

Geometry is GeoJSON in WGS84 (longitude, latitude) kept in a JSON column, with its bounding box in
indexed float columns so that SQL can prefilter before shapely tests the exact shape. The services
keep the box in step with the geometry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from beacon.core.models import Area


class Grade(models.TextChoices):
    PRIORITY = "priority", "Priority"
    ENHANCED = "enhanced", "Enhanced"
    CAPABLE = "capable", "Capable"


class Neighbourhood(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="neighbourhoods")
    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    grade = models.CharField(max_length=20, choices=Grade.choices)
    team_name = models.CharField(max_length=200)
    team_email = models.EmailField(blank=True)
    geometry = models.JSONField(help_text="GeoJSON Polygon or MultiPolygon, WGS84 [longitude, latitude].")
    min_lat = models.FloatField()
    max_lat = models.FloatField()
    min_lon = models.FloatField()
    max_lon = models.FloatField()
    centroid_lat = models.FloatField()
    centroid_lon = models.FloatField()
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["name", "code"]
        indexes = [models.Index(fields=["min_lat", "max_lat", "min_lon", "max_lon"], name="nbhd_bbox_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PostcodeLocation(models.Model):
    """Where a postcode is (its centroid), from the ONS Postcode Directory or similar."""

    postcode = models.CharField(max_length=8, unique=True, help_text='Canonical form, e.g. "SW1A 1AA".')
    lat = models.FloatField()
    lon = models.FloatField()

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode


class LocalPriority(models.Model):
    """A neighbourhood priority, operation or problem-solving location: a polygon, or a point with a
    radius, that is active from one date to another (both inclusive, in Europe/London)."""

    class Kind(models.TextChoices):
        NEIGHBOURHOOD_PRIORITY = "neighbourhood_priority", "Neighbourhood priority"
        OPERATION = "operation", "Operation"
        PROBLEM_SOLVING = "problem_solving", "Problem-solving location"

    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.PROTECT, related_name="priorities"
    )
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_priorities",
        help_text="The neighbourhood's area, or the area of an operation spanning neighbourhoods.",
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField(blank=True)
    geometry = models.JSONField(null=True, blank=True, help_text="GeoJSON Polygon or MultiPolygon.")
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    radius_m = models.PositiveIntegerField(null=True, blank=True)
    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True, help_text="Last day it applies; blank: open-ended.")
    set_at = models.CharField(max_length=300, blank=True, help_text='e.g. "community meeting 2026-10-03".')
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    min_lat = models.FloatField()
    max_lat = models.FloatField()
    min_lon = models.FloatField()
    max_lon = models.FloatField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-active_from", "name"]
        verbose_name_plural = "local priorities"
        indexes = [
            models.Index(fields=["min_lat", "max_lat", "min_lon", "max_lon"], name="priority_bbox_idx"),
            models.Index(fields=["active_from", "active_to"], name="priority_dates_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_to__isnull=True) | models.Q(active_to__gte=models.F("active_from")),
                name="priority_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_polygon(self) -> bool:
        return self.geometry is not None

    def describe_shape(self) -> str:
        if self.geometry is not None:
            return "Polygon"
        return f"{self.radius_m} m around {self.lat:.5f}, {self.lon:.5f}"
