"""Cases: the managed response to a repeat or vulnerable victim — who leads it, who it is about,
the incidents it covers, its risk level with history, the action plan, and the contacts and
supervisory reviews that the minimum standards require."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from beacon.core.models import Area
from beacon.geography.models import Neighbourhood
from beacon.incidents.models import Incident
from beacon.people.models import Person
from beacon.risk.models import Assessment, RiskLevel


class ReviewTier(models.TextChoices):
    SERGEANT = "sergeant", "Sergeant"
    INSPECTOR = "inspector", "Inspector"
    CHIEF_INSPECTOR = "chief_inspector", "Chief inspector"


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    spoc = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Single point of contact for the victim.",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_from = models.ForeignKey(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opened_cases",
        help_text="The assessment whose Medium or High outcome opened the case; blank when opened by hand.",
    )
    # Minimum standards: when each is next due (kept up to date by the services on every write).
    first_contact_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    first_contact_due = models.DateField(null=True, blank=True)
    update_due = models.DateField(null=True, blank=True)
    sergeant_review_due = models.DateField(null=True, blank=True)
    inspector_review_due = models.DateField(null=True, blank=True)
    chief_inspector_review_due = models.DateField(null=True, blank=True)
    # What the priority score starts from (risk, repeat, vulnerability), set on every write.
    repeat_victim = models.BooleanField(default=False)
    vulnerable_victim = models.BooleanField(default=False)
    base_score = models.IntegerField(default=0)
    # Closure: only with a supervisor's sign-off, a reason and a record that the victim was told.
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=60, blank=True)
    closure_note = models.TextField(blank=True)
    closure_signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    victim_told_on = models.DateField(null=True, blank=True)
    victim_told_how = models.CharField(max_length=200, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["area", "status"], name="case_area_status_idx"),
            models.Index(fields=["neighbourhood", "status"], name="case_nbhd_status_idx"),
            models.Index(fields=["status", "opened_at"], name="case_status_idx"),
            # The supervisor's list scores every open case of an area: on PostgreSQL this index
            # holds all it reads (an index-only scan); elsewhere it is a partial index on area.
            models.Index(
                fields=["area"],
                include=[
                    "id",
                    "neighbourhood",
                    "risk_level",
                    "base_score",
                    "first_contact_at",
                    "first_contact_due",
                    "update_due",
                    "sergeant_review_due",
                    "inspector_review_due",
                    "chief_inspector_review_due",
                    "spoc",
                    "supervisor",
                ],
                condition=models.Q(status="open"),
                name="case_open_priority_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseParty(models.Model):
    """A victim or perpetrator on a case (a person in the index). For a victim, whether it is safe
    to phone them and how to contact them safely (the case page shows it beside their phone and
    address)."""

    class Role(models.TextChoices):
        VICTIM = "victim", "Victim"
        PERPETRATOR = "perpetrator", "Perpetrator"

    class SafeToCall(models.TextChoices):
        NOT_ASKED = "", "Not asked yet"
        YES = "yes", "Yes"
        NO = "no", "No: do not phone"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_parties")
    role = models.CharField(max_length=12, choices=Role.choices)
    note = models.CharField(max_length=300, blank=True)
    safe_to_call = models.CharField(
        max_length=3,
        choices=SafeToCall.choices,
        blank=True,
        default="",
        help_text="Whether it is safe to phone the victim (a perpetrator may share the phone or home).",
    )
    contact_note = models.CharField(
        max_length=500,
        blank=True,
        help_text="How to contact the victim safely, e.g. text first, not after 6pm, no voicemail.",
    )
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["role", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "person", "role"], name="case_party_unique")]
        indexes = [models.Index(fields=["person", "role"], name="case_party_person_idx")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person_id} on {self.case_id}"


class CaseLocation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="locations")
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    address_key = models.CharField(max_length=120, blank=True, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.address or self.postcode or f"Location {self.pk}"


class CaseIncident(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_incidents")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="case_links")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The case's area while the case is open, else null (kept by the services on opening, closing
    # and reopening): the supervisor's list leaves out incidents an open case in its area covers
    # by reading this index alone.
    open_in_area = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["incident__received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "incident"], name="case_incident_unique")]
        indexes = [models.Index(fields=["open_in_area", "incident"], name="case_incident_open_idx")]

    def __str__(self) -> str:
        return f"{self.incident_id} on {self.case_id}"


class RiskLevelChange(models.Model):
    """The case's risk level history: every level it has had, when, by whom and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_history")
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.level}"


class Action(models.Model):
    """An action in the case's plan (also the tasks an action group gives a case)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_label = models.CharField(max_length=200, blank=True, help_text="e.g. a partner agency's officer.")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(blank=True)
    source = models.CharField(max_length=100, blank=True, help_text="e.g. 'action group 2026-11-04'.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class CaseContact(models.Model):
    """A contact with the victim: who, when, how, and what was said."""

    class Method(models.TextChoices):
        VISIT = "visit", "Visit in person"
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        TEXT = "text", "Text message"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=10, choices=Method.choices)
    summary = models.TextField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Contact on {self.case_id} at {self.at:%Y-%m-%d}"


class SupervisoryReview(models.Model):
    """A supervisory review of a case at one tier (sergeant, inspector, chief inspector), with the
    due date it answered: the case's due date for that tier when the review was recorded, before
    the review moved it on. On time when held (its Europe/London date) on or before that date.
    Both are blank when no review of the tier was due (the level does not require one), and on
    reviews recorded before due dates were kept (migration 0007 leaves those blank)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    tier = models.CharField(max_length=20, choices=ReviewTier.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.TextField(help_text="What was reviewed and decided.")
    recorded_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(
        null=True, blank=True, help_text="When this tier's review was due on the case; blank: none was due."
    )
    on_time = models.BooleanField(
        null=True, blank=True, help_text="Held on or before the due date; blank when none was due."
    )

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__isnull=True, on_time__isnull=True)
                | models.Q(due_on__isnull=False, on_time__isnull=False),
                name="review_on_time_iff_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} review of {self.case_id}"

    @property
    def days_late(self) -> int | None:
        """Days after the due date the review was held (0 when on time); None when none was due."""
        if self.due_on is None:
            return None
        return max(0, (timezone.localdate(self.at) - self.due_on).days)

    @property
    def lateness(self) -> str:
        """How late, in words: on time, 1 day late, 3 days late; empty when none was due."""
        late = self.days_late
        if late is None:
            return ""
        return "on time" if late == 0 else f"{late} day{'' if late == 1 else 's'} late"


class StandardsPolicy(models.Model):
    """Minimum standards per risk level and priority-score weights, versioned (newest applies).

    `levels`: {level: {"first_contact_days": n, "update_days": m,
                       "reviews": {"sergeant": d, "inspector": d, "chief_inspector": d}}}
    `weights`: {"risk": {level: n}, "repeat": n, "vulnerable": n, "per_day_overdue": n,
                "red_at": n, "amber_at": n, "due_soon_days": n}
    """

    version = models.PositiveIntegerField(unique=True)
    levels = models.JSONField()
    weights = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "standards policies"

    def __str__(self) -> str:
        return f"Minimum standards v{self.version}"
