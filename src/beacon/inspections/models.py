"""Inspections, their findings, and the improvement plans that answer them.

A finding is allocated to one or more portfolios (one lead, any number supporting). Progress updates
are appended to an allocation and never edited: a correction is a new update. A finding's status as
at a date D is the status of its allocation's latest update dated on or before D.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from beacon.core.formatting import display_date


class Inspection(models.Model):
    class Kind(models.TextChoices):
        FORCE = "force", "Force inspection"
        THEMATIC = "thematic", "Thematic inspection"

    title = models.CharField(max_length=300, unique=True)
    inspectorate = models.CharField(max_length=200, default="HMICFRS")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FORCE)
    fieldwork_start = models.DateField(null=True, blank=True)
    fieldwork_end = models.DateField(null=True, blank=True)
    published = models.DateField(null=True, blank=True)
    revisit_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fieldwork_end__isnull=True)
                | Q(fieldwork_start__isnull=True)
                | Q(fieldwork_end__gte=models.F("fieldwork_start")),
                name="inspection_fieldwork_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class GradedArea(models.Model):
    """An inspected area with its grade, and how all forces were graded (national distribution)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="graded_areas")
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=200, blank=True)
    grade = models.CharField(max_length=40)
    national_distribution = models.JSONField(default=dict, blank=True, help_text='{"Excellent": 5, …}')
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "name"], name="graded_area_unique")]

    def __str__(self) -> str:
        return f"{self.name}: {self.grade}"


class Finding(models.Model):
    class Kind(models.TextChoices):
        CAUSE_OF_CONCERN = "cause_of_concern", "Cause of concern"
        RECOMMENDATION = "recommendation", "Recommendation"
        AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    ref = models.CharField(max_length=20, help_text="Unique within the inspection, e.g. CC.1, R.1, AFI.3")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    category = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    pages = models.CharField(max_length=100, blank=True, help_text="Report pages, e.g. '4, 12'")
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["inspection", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "ref"], name="finding_ref_unique")]

    def __str__(self) -> str:
        return f"{self.ref} ({self.inspection.title})" if "inspection" in self.__dict__ else self.ref


class Portfolio(models.Model):
    """A chief officer's portfolio and the improvement plan it keeps."""

    name = models.CharField(max_length=200, unique=True)
    holder = models.CharField(max_length=200, blank=True, help_text="The chief officer who holds it.")
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    plan_owner = models.CharField(max_length=200, blank=True, help_text="Who keeps the plan.")
    plan_owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Allocation(models.Model):
    """A finding allocated to a portfolio, from `started_on` until `ended_on` (if it has ended)."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        SUPPORTING = "supporting", "Supporting"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="allocations")
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="allocations")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.LEAD)
    action_owner = models.CharField(max_length=200, blank=True)
    action_owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    ended_by_transfer = models.BooleanField(default=False)
    transferred_to = models.ForeignKey(
        Portfolio, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers_in"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["finding__position", "finding_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "portfolio"],
                condition=Q(ended_on__isnull=True),
                name="one_open_allocation_per_portfolio",
            ),
            models.CheckConstraint(
                condition=Q(ended_by_transfer=False)
                | (Q(ended_on__isnull=False) & Q(transferred_to__isnull=False)),
                name="transfer_has_date_and_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding.ref} → {self.portfolio.name}"

    def active_on(self, d: dt.date) -> bool:
        return (self.started_on is None or self.started_on <= d) and (
            self.ended_on is None or self.ended_on > d
        )


class Status(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    COMPLETE = "complete", "Complete"
    NA = "na", "N/A"
    BLANK = "", "No status"


DATE_NOT_GIVEN = "date not given"
CLOSED_STATUSES = frozenset({Status.COMPLETE, Status.NA})
STATUS_LABELS: dict[str, str] = {s.value: str(s.label) for s in Status}

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(d: dt.date) -> str:
    """'12 March 2025', as GOV.UK writes a date in a sentence (English month whatever the locale)."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def update_date_problem(on: dt.date, *, published: dt.date | None, today: dt.date) -> str | None:
    """Why a progress update may not be dated `on`, or None where it may.

    An update answers a finding of a published report, so it is dated on or after the day the
    inspection was published (where Beacon knows that day: `Inspection.published`), and never after
    today."""
    if on > today:
        return "The date of the update cannot be in the future."
    if published is not None and on < published:
        return (
            f"The date of the update must be on or after {long_date(published)}, "
            "when the inspection was published."
        )
    return None


class ProgressUpdate(models.Model):
    """A dated progress update (management response). Never edited: a correction is a new update.

    An imported update whose plan gave no date of update is dated the day the plan is as at, with
    `date_given` False: it counts like any other update and is shown as "date not given".
    """

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField()
    date_given = models.BooleanField(
        default=True,
        help_text="False where the plan gave no date of update: `date` is then the date the plan is as at.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "created_at", "id"]
        indexes = [models.Index(fields=["allocation", "date", "created_at", "id"], name="update_latest_idx")]
        constraints = [
            # The same update (date, status, text) is recorded once per allocation: re-imports are no-ops.
            models.UniqueConstraint(fields=["allocation", "content_hash"], name="update_unique_content"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {STATUS_LABELS.get(self.status, self.status)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Progress updates are never edited; add a correcting update instead.")
        self.content_hash = self.hash_content(self.date, self.status, self.text, date_given=self.date_given)
        super().save(*args, **kwargs)

    @property
    def date_text(self) -> str:
        """The date as pages show it: "date not given" where the plan gave none."""
        return display_date(self.date) if self.date_given else DATE_NOT_GIVEN

    @staticmethod
    def hash_content(d: dt.date, status: str, text: str, *, date_given: bool = True) -> str:
        """What makes two updates of one allocation the same. An update given without a date is the
        same whatever as-at date it was imported with, so re-importing its plan later adds nothing."""
        day = d.isoformat() if date_given else "undated"
        return hashlib.sha256(f"{day}|{status}|{text.strip()}".encode()).hexdigest()


class Board(models.Model):
    name = models.CharField(max_length=200, unique=True)
    chair = models.CharField(max_length=200, blank=True)
    inspections = models.ManyToManyField(Inspection, blank=True, related_name="boards")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BoardMeeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["board", "date"], name="board_meeting_unique")]

    def __str__(self) -> str:
        return f"{self.board.name} {self.date:%Y-%m-%d}"


class PlanRules(models.Model):
    """The force's configurable plan rules (one row)."""

    stale_after_days = models.PositiveIntegerField(default=42, help_text="No update for this long: stale.")
    due_soon_days = models.PositiveIntegerField(default=14, help_text="Due within this many days: due soon.")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "plan rules"
        verbose_name_plural = "plan rules"

    def __str__(self) -> str:
        return f"stale after {self.stale_after_days} days"

    @classmethod
    def current(cls) -> PlanRules:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
