"""Incidents taken at the first point of contact, with the reference data and the versioned
configuration (screening questions, grading rules) that intake uses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from beacon.core.models import Area
from beacon.geography.models import Neighbourhood
from beacon.people.models import ContactRecord


class Channel(models.TextChoices):
    CALL_999 = "999", "999 call"
    CALL_101 = "101", "101 call"
    ONLINE = "online", "Online report"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    SOCIAL = "social", "Social media"
    FRONT_COUNTER = "front_counter", "Front counter"
    PATROL = "patrol", "Officer on patrol"
    PARTNER = "partner", "Partner referral"
    HISTORIC = "historic", "Historic import (channel not recorded)"


class ReferenceItem(models.Model):
    """A value in a list an administrator can extend (codes are stable; labels can change)."""

    code = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=100)

    class Meta:
        abstract = True
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


class AsbCategory(ReferenceItem):
    """Personal / Nuisance / Environmental."""

    class Meta(ReferenceItem.Meta):
        verbose_name_plural = "ASB categories"


class TypeHeading(ReferenceItem):
    """The ASB type headings (13 in national use). `suggests_crime` prompts the crime question."""

    suggests_crime = models.BooleanField(default=False)


class IncidentCategory(ReferenceItem):
    """Categories for incidents that are not ASB, defined by the force."""

    notifiable_crime = models.BooleanField(default=False, help_text="Usually a notifiable crime.")

    class Meta(ReferenceItem.Meta):
        verbose_name_plural = "incident categories"


class ClosureCode(ReferenceItem):
    pass


class ResponseGrade(ReferenceItem):
    """A graded response with its target attendance time (e.g. Immediate, 15 minutes)."""

    target_minutes = models.PositiveIntegerField()


class ScreeningSet(models.Model):
    """A versioned set of screening questions asked at first contact.

    `questions` is a list of {"key", "text", "kind": "yes_no"|"choice"|"text", "choices"?: [...],
    "flags"?: {answer: [flag, ...]}} — an answer can raise incident flags (vulnerable_victim,
    hate_related, crime_disclosed, repeat_victim). A published set is never changed: a change is a
    new version, and each incident keeps the version its answers were given under.
    """

    version = models.PositiveIntegerField(unique=True)
    questions = models.JSONField()
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Screening questions v{self.version}"


class GradingRules(models.Model):
    """Versioned rules that suggest a response grade. `rules` is an ordered list of
    {"grade": code, "when_any": ["answer:KEY=VALUE" | "flag:NAME" | "channel:CODE", ...]};
    the first rule with a matching condition gives the grade, else `default_grade`."""

    version = models.PositiveIntegerField(unique=True)
    rules = models.JSONField()
    default_grade = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "grading rules"

    def __str__(self) -> str:
        return f"Grading rules v{self.version}"


class IntakeSettings(models.Model):
    """Force-wide intake settings, versioned like the rules (the newest row applies)."""

    version = models.PositiveIntegerField(unique=True)
    history_window_days = models.PositiveIntegerField(
        default=365, help_text="How far back the live check shows a person's earlier contacts."
    )
    nearby_metres = models.PositiveIntegerField(default=50)
    acknowledge_within_hours = models.PositiveIntegerField(
        default=24, help_text="Inbox items not acknowledged in this time are listed for the sergeant."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Intake settings v{self.version}"

    @classmethod
    def current(cls) -> IntakeSettings:
        found = cls.objects.order_by("-version").first()
        return found or cls.objects.create(version=1)


FLAG_FIELDS = ("repeat_victim", "vulnerable_victim", "local_priority", "crime_disclosed", "hate_related")


class Incident(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=30, unique=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    # Location as given, and where it resolved to (or why it did not).
    postcode = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=300, blank=True)
    address_key = models.CharField(max_length=120, blank=True, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    location_problem = models.CharField(max_length=200, blank=True)
    # What it is.
    is_asb = models.BooleanField(default=True)
    asb_category = models.ForeignKey(AsbCategory, null=True, blank=True, on_delete=models.PROTECT)
    type_heading = models.ForeignKey(TypeHeading, null=True, blank=True, on_delete=models.PROTECT)
    other_category = models.ForeignKey(IncidentCategory, null=True, blank=True, on_delete=models.PROTECT)
    description = models.TextField(blank=True)
    # Screening, flags and grading.
    screening_set = models.ForeignKey(ScreeningSet, null=True, blank=True, on_delete=models.PROTECT)
    answers = models.JSONField(default=dict, blank=True)
    repeat_victim = models.BooleanField(default=False)
    vulnerable_victim = models.BooleanField(default=False)
    local_priority = models.BooleanField(default=False)
    crime_disclosed = models.BooleanField(default=False)
    hate_related = models.BooleanField(default=False)
    flag_reasons = models.JSONField(default=dict, blank=True, help_text="{flag: why it was raised}")
    priority_names = models.JSONField(default=list, blank=True, help_text="Active priorities at the time.")
    grading_rules = models.ForeignKey(GradingRules, null=True, blank=True, on_delete=models.PROTECT)
    suggested_grade = models.ForeignKey(
        ResponseGrade, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response_grade = models.ForeignKey(
        ResponseGrade, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grade_override_reason = models.CharField(max_length=500, blank=True)
    notified_team = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Attendance, and whether it met the response grade's target (services._judge_response decides;
    # None: not attended yet, or no grade to judge it against).
    attended_at = models.DateTimeField(null=True, blank=True)
    response_met = models.BooleanField(
        null=True,
        blank=True,
        help_text="Attended within the response grade's target time of being received.",
    )
    # Crime recording.
    crime_recorded = models.BooleanField(null=True, blank=True)
    crime_reference = models.CharField(max_length=50, blank=True)
    no_crime_reason = models.CharField(max_length=500, blank=True)
    # Closure.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closure_code = models.ForeignKey(ClosureCode, null=True, blank=True, on_delete=models.PROTECT)
    closing_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Where it came from.
    # Control-room systems' incident numbers can be long: a feed's values up to these widths are
    # kept whole, longer ones refused naming the field (services._validate).
    source_system = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=200, blank=True)
    source_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    last_supervised_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "source_id"],
                condition=~Q(source_system=""),
                name="incident_source_unique",
            )
        ]
        indexes = [
            models.Index(fields=["lat", "lon"], name="incident_point_idx"),
            models.Index(fields=["neighbourhood", "received_at"], name="incident_nbhd_idx"),
            models.Index(fields=["status", "crime_disclosed"], name="incident_crime_idx"),
            # The supervisor's list reads an area's unresolved ASB incidents: a small slice of years
            # of history, so a partial index keeps that read proportional to what is open.
            models.Index(
                fields=["area", "received_at"],
                condition=Q(status="open", is_asb=True),
                name="incident_open_asb_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def flags(self) -> list[str]:
        return [f for f in FLAG_FIELDS if getattr(self, f)]

    @property
    def crime_outstanding(self) -> bool:
        """Crime disclosed but neither a crime reference nor a reason for not recording one."""
        return self.crime_disclosed and not self.crime_reference and not self.no_crime_reason


class IncidentPerson(models.Model):
    class Role(models.TextChoices):
        CALLER = "caller", "Caller"
        VICTIM = "victim", "Victim"
        WITNESS = "witness", "Witness"
        SUBJECT = "subject", "Subject / perpetrator"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=10, choices=Role.choices)
    record = models.ForeignKey(ContactRecord, on_delete=models.PROTECT, related_name="incident_roles")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} on {self.incident_id}"


class InboxItem(models.Model):
    """An ASB incident placed in its neighbourhood team's inbox, until the team acknowledges it."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="inbox_item")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="inbox")
    placed_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["placed_at", "id"]
        indexes = [models.Index(fields=["neighbourhood", "acknowledged_at"], name="inbox_open_idx")]

    def __str__(self) -> str:
        return f"Inbox item for {self.incident_id}"


class TriageItem(models.Model):
    """An ASB incident that could not be placed in a neighbourhood (no known postcode, an address
    alone, a point outside every neighbourhood): it waits in the force's triage inbox, with a clock
    from when it was received, until someone places it (its team is then told) or records why no
    team takes it. Never nowhere."""

    class Outcome(models.TextChoices):
        PLACED = "placed", "Placed and its team told"
        NO_TEAM = "no_team", "No neighbourhood team takes it"

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="triage_item")
    placed_at = models.DateTimeField(default=timezone.now, help_text="When it entered triage.")
    reason = models.CharField(max_length=200, help_text="Why it could not be placed.")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["placed_at", "id"]
        indexes = [models.Index(fields=["resolved_at"], name="triage_open_idx")]

    def __str__(self) -> str:
        return f"Triage item for {self.incident_id}"


class SupervisionNote(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="supervision")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Supervision of {self.incident_id}"


class FeedMessage(models.Model):
    """Every message the command-and-control feed sent, and what it did (created, updated, unchanged)."""

    source_system = models.CharField(max_length=100)
    source_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(default=timezone.now)
    payload_hash = models.CharField(max_length=64)
    outcome = models.CharField(max_length=10)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="feed_messages")

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["source_system", "source_id"], name="feed_source_idx")]

    def __str__(self) -> str:
        return f"{self.source_system}/{self.source_id} ({self.outcome})"
