"""Risk assessment: instruments defined as data (versioned), and the assessments officers complete
with them. An assessment keeps the instrument version it used and is never recomputed under a later
one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from beacon.core.models import Area
from beacon.geography.models import Neighbourhood
from beacon.incidents.models import Incident
from beacon.people.models import ContactRecord, Person


class RiskLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


LEVEL_ORDER = {RiskLevel.STANDARD.value: 0, RiskLevel.MEDIUM.value: 1, RiskLevel.HIGH.value: 2}


class Instrument(models.Model):
    """A named risk assessment form (e.g. "asb-vulnerability"). Its questions live in versions."""

    name = models.SlugField(max_length=60, unique=True, help_text="Used on the command line: NAME[@VERSION].")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_example = models.BooleanField(
        default=False, help_text="Shipped as an example; a force replaces it with its own instrument."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class InstrumentVersion(models.Model):
    """One version of an instrument's questions, weights and thresholds. A published version is
    never changed; a change is a new version.

    `questions`: list of {"key", "text", "kind": "yes_no"|"choice"|"number"|"text", "required": bool,
        "points": {answer: n} (yes_no: {"yes": n, "no": n}; choice: {value: n}),
        "choices": [{"value", "label"}] (choice), "points_per_unit": n and "max_points": n (number),
        "help": str}. Free-text answers score nothing.
    `location_weights`: list of {"when": "neighbourhood_grade:GRADE" | "neighbourhood:CODE" |
        "local_priority", "points": n, "label": str} — extra points for where it happened.
    `thresholds`: {"medium": n, "high": n} — a total at or above the threshold gives the level.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    questions = models.JSONField()
    location_weights = models.JSONField(default=list, blank=True)
    thresholds = models.JSONField()
    note = models.CharField(max_length=300, blank=True, help_text="What changed in this version.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="Bumped on every save of a draft, so two editors never overwrite each other."
    )

    class Meta:
        ordering = ["instrument", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "version"], name="instrument_version_unique"),
            # New assessments use the one published version; at most one draft is being edited.
            models.UniqueConstraint(
                fields=["instrument"], condition=models.Q(status="published"), name="one_published_version"
            ),
            models.UniqueConstraint(
                fields=["instrument"], condition=models.Q(status="draft"), name="one_draft_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.name}@{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class RiskSettings(models.Model):
    """Force-wide risk settings, versioned (the newest row applies)."""

    version = models.PositiveIntegerField(unique=True)
    assessment_due_hours = models.PositiveIntegerField(
        default=72,
        help_text="An incident flagged repeat or vulnerable needs an assessment within this time.",
    )
    instrument = models.ForeignKey(
        Instrument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The instrument officers use for new assessments (its published version).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "risk settings"

    def __str__(self) -> str:
        return f"Risk settings v{self.version}"

    @classmethod
    def current(cls) -> RiskSettings:
        found = cls.objects.order_by("-version").first()
        return found or cls.objects.create(version=1)


class Assessment(models.Model):
    """A completed risk assessment of a victim, linked to the incident it followed."""

    class ReviewDecision(models.TextChoices):
        AGREED = "agreed", "Agreed"
        CHANGED = "changed", "Level changed"

    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    victim = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    victim_record = models.ForeignKey(
        ContactRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(default=dict)
    location_context = models.JSONField(
        default=dict, blank=True, help_text="Where it happened as scored: neighbourhood, grade, priorities."
    )
    score = models.IntegerField()
    level = models.CharField(
        max_length=10, choices=RiskLevel.choices, help_text="As the instrument scored it."
    )
    contributions = models.JSONField(default=list, help_text="[{question, answer, points}] as scored.")
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_as = models.CharField(
        max_length=20,
        choices=[("attending", "Attending officer"), ("investigating", "Investigating officer")],
        blank=True,
        help_text="In what capacity the officer completed it (blank: recorded before this was asked).",
    )
    completed_at = models.DateTimeField(default=timezone.now, db_index=True)
    officer_note = models.TextField(blank=True)
    # Supervisor's review: agree, or change the level with a reason.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_decision = models.CharField(max_length=10, choices=ReviewDecision.choices, blank=True)
    reviewed_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    review_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-completed_at", "-id"]
        indexes = [
            models.Index(fields=["victim", "completed_at"], name="assessment_victim_idx"),
            models.Index(fields=["area", "reviewed_at"], name="assessment_review_idx"),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.pk} ({self.get_level_display()})"

    @property
    def effective_level(self) -> str:
        """The level that counts: the supervisor's where they changed it, else the instrument's."""
        return self.reviewed_level or self.level
