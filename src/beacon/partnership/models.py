"""Partnership: referrals to partner agencies, multi-agency action groups, tools and powers, and
ASB case reviews (the Community Trigger).

Reference lists (partner agencies, kinds of power) are tables an administrator extends. The case
review thresholds and response deadlines are versioned rows; each review keeps the version it used.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from beacon.cases.models import Action, Case, CaseParty
from beacon.core.models import Area
from beacon.geography.models import Neighbourhood
from beacon.people.models import Person
from beacon.risk.models import RiskLevel

# ---------------------------------------------------------------------------------------------
# Reference lists


class PartnerAgency(models.Model):
    """An agency the police refer to and meet with (council, housing, health, victim support, a
    safeguarding hub …). A partner user's `User.partner_agency` holds the agency's code."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Local authority"
        HOUSING = "housing", "Housing provider"
        HEALTH = "health", "Health"
        VICTIM_SUPPORT = "victim_support", "Victim support"
        SAFEGUARDING = "safeguarding", "Safeguarding hub"
        OTHER = "other", "Other"

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    email = models.EmailField(blank=True)
    active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "partner agencies"

    def __str__(self) -> str:
        return self.name


class PowerKind(models.Model):
    """A tool or power (warning, Acceptable Behaviour Contract, Community Protection Notice …)."""

    code = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=200)
    about_premises = models.BooleanField(
        default=False, help_text="Used on premises (closure), so a subject person is optional."
    )
    description = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


# ---------------------------------------------------------------------------------------------
# Referrals


class LegalBasis(models.TextChoices):
    """Lawful bases for sharing without consent (the detail says why it is necessary)."""

    CDA_S115 = "cda-1998-s115", "Crime and Disorder Act 1998, section 115"
    DPA_SCH2 = "dpa-2018-sch2", "Data Protection Act 2018, Schedule 2 (crime and taxation)"
    DPA_PART3 = "dpa-2018-part3", "Data Protection Act 2018, Part 3 (law enforcement processing)"
    CHILDREN_ACT = "children-act-2004-s11", "Children Act 2004, section 11 (safeguarding children)"
    CARE_ACT = "care-act-2014-s42", "Care Act 2014, section 42 (safeguarding adults)"
    OTHER = "other", "Another legal basis (give it in the detail)"


class SharedItem(models.TextChoices):
    """What a referral may disclose. The partner sees exactly what was shared, as it was then."""

    CASE_SUMMARY = "case_summary", "Case summary (reference, title, risk level, summary)"
    VICTIMS = "victims", "Victims' names and contact details"
    PERPETRATORS = "perpetrators", "Names of the people causing the ASB"
    LOCATIONS = "locations", "Locations"
    INCIDENTS = "incidents", "Incidents (dates, types and places)"
    PERSON = "person", "The referred person's name and contact details"


CASE_ITEMS = frozenset(
    {
        SharedItem.CASE_SUMMARY,
        SharedItem.VICTIMS,
        SharedItem.PERPETRATORS,
        SharedItem.LOCATIONS,
        SharedItem.INCIDENTS,
    }
)


class Referral(models.Model):
    """A referral of a case, or of a person, to a partner agency, with the consent or legal basis
    for sharing, what was shared, the partner's response and the outcome."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent, awaiting response"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        MORE_INFORMATION = "more_information", "More information requested"
        CLOSED = "closed", "Outcome recorded"

    class Response(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        MORE_INFORMATION = "more_information", "More information requested"

    reference = models.CharField(max_length=30, unique=True)
    agency = models.ForeignKey(PartnerAgency, on_delete=models.PROTECT, related_name="referrals")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(help_text="Why the referral is made and what is asked of the partner.")
    # What is shared: the items chosen, a snapshot of them as they were, and any words added.
    shared_items = models.JSONField(default=list, blank=True)
    shared_snapshot = models.JSONField(default=dict, blank=True)
    shared_information = models.TextField(blank=True)
    # Consent (who gave it and when) or a legal basis: one of the two is required.
    consent_by = models.CharField(max_length=200, blank=True, help_text="Who gave consent (name, relation).")
    consent_on = models.DateField(null=True, blank=True)
    legal_basis = models.CharField(max_length=30, choices=LegalBasis.choices, blank=True)
    legal_basis_detail = models.TextField(blank=True)
    referred_at = models.DateTimeField(default=timezone.now)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENT)
    response = models.CharField(max_length=20, choices=Response.choices, blank=True)
    responded_on = models.DateField(null=True, blank=True)
    response_note = models.TextField(blank=True)
    response_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-referred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(person__isnull=False), name="referral_case_or_person"
            ),
            models.CheckConstraint(
                condition=(Q(consent_on__isnull=False) & ~Q(consent_by="")) | ~Q(legal_basis=""),
                name="referral_consent_or_legal_basis",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "referred_at"], name="referral_agency_idx"),
            models.Index(fields=["area", "referred_at"], name="referral_area_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def basis_text(self) -> str:
        if self.legal_basis:
            return self.get_legal_basis_display()
        return f"Consent given by {self.consent_by} on {self.consent_on:%-d %B %Y}" if self.consent_on else ""


# ---------------------------------------------------------------------------------------------
# Action groups and their meetings


class ActionGroup(models.Model):
    """A standing multi-agency group (ASB action group, case conference) for an area or one of
    its neighbourhoods."""

    class Kind(models.TextChoices):
        ASBAG = "asbag", "ASB action group"
        CASE_CONFERENCE = "case_conference", "Case conference"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ASBAG)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank: the group covers the whole area.",
    )
    agencies = models.ManyToManyField(PartnerAgency, blank=True, related_name="groups")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    group = models.ForeignKey(ActionGroup, on_delete=models.PROTECT, related_name="meetings")
    scheduled_for = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    chair = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    new_since = models.DateTimeField(
        null=True, blank=True, help_text="Medium cases opened after this (the group's last meeting) are new."
    )
    notes = models.TextField(blank=True, help_text="General minutes: apologies, matters arising.")
    held_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        indexes = [models.Index(fields=["group", "scheduled_for"], name="meeting_group_idx")]

    def __str__(self) -> str:
        return f"{self.group.name} {timezone.localtime(self.scheduled_for):%Y-%m-%d}"

    @property
    def date(self) -> dt.date:
        return timezone.localtime(self.scheduled_for).date()

    @property
    def agenda_frozen(self) -> bool:
        return self.status != self.Status.SCHEDULED


class MeetingAttendee(models.Model):
    """An agency (blank: the police) invited to or present at a meeting, with who came."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    agency = models.ForeignKey(
        PartnerAgency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True, help_text="Who attends for the agency.")
    present = models.BooleanField(null=True, blank=True, help_text="Blank until the meeting is held.")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.agency or 'Police'} at {self.meeting_id}"


class AgendaItem(models.Model):
    """A case on a meeting's agenda. What the paper said (reference, title, level, why it is on)
    is kept on the item, so the agenda reads the same after the meeting whatever the case does."""

    class Reason(models.TextChoices):
        HIGH = "high", "High risk"
        NEW_MEDIUM = "new_medium", "New Medium risk case"
        ADDED = "added", "Added by the group"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    reason = models.CharField(max_length=12, choices=Reason.choices)
    case_reference = models.CharField(max_length=30)
    case_title = models.CharField(max_length=200)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    case_opened_at = models.DateTimeField()
    minutes = models.TextField(blank=True)
    minuted_at = models.DateTimeField(null=True, blank=True)
    minuted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="agenda_item_unique")]

    def __str__(self) -> str:
        return f"{self.case_reference} on meeting {self.meeting_id}"


class MeetingTask(models.Model):
    """A task the meeting gave a case: it is the case action (cases.Action) it created."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="tasks")
    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="meeting_task")
    agency = models.ForeignKey(
        PartnerAgency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Task {self.action_id} from meeting item {self.item_id}"


# ---------------------------------------------------------------------------------------------
# Tools and powers


class PowerUse(models.Model):
    """A tool or power used on a case: what, on whom (a perpetrator on the case) or what premises,
    issued when and by whom, when it expires, the outcome, and its breaches."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(PowerKind, on_delete=models.PROTECT, related_name="uses")
    subject = models.ForeignKey(CaseParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    premises = models.CharField(max_length=300, blank=True)
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issuing_agency = models.ForeignKey(
        PartnerAgency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank: the police.",
    )
    officer_label = models.CharField(
        max_length=200, blank=True, help_text="The issuing officer, if not a user."
    )
    terms = models.TextField(blank=True, help_text="Conditions, requirements or prohibitions.")
    outcome = models.TextField(blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["case", "issued_on"], name="power_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="power_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind.label} on {self.case_id} ({self.issued_on:%Y-%m-%d})"

    def in_force(self, today: dt.date) -> bool:
        return self.outcome_on is None and (self.expires_on is None or self.expires_on >= today)


class PowerBreach(models.Model):
    power = models.ForeignKey(PowerUse, on_delete=models.CASCADE, related_name="breaches")
    occurred_on = models.DateField()
    description = models.TextField()
    action_taken = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"Breach of {self.power_id} on {self.occurred_on:%Y-%m-%d}"


# ---------------------------------------------------------------------------------------------
# ASB case review (the Community Trigger)


class CaseReviewPolicy(models.Model):
    """The force's case review thresholds and deadlines, versioned (the newest applies). Each
    review and each threshold result records the version it used."""

    version = models.PositiveIntegerField(unique=True)
    victim_incidents = models.PositiveIntegerField(
        default=3, help_text="Qualifying incidents reported by the same victim …"
    )
    victim_window_months = models.PositiveIntegerField(default=6, help_text="… within this many months.")
    location_incidents = models.PositiveIntegerField(
        default=5, help_text="Incidents about one location, each reported by a different person …"
    )
    location_window_months = models.PositiveIntegerField(default=6, help_text="… within this many months.")
    location_radius_m = models.PositiveIntegerField(
        default=50, help_text="Incidents this close (or at the same address) are about one location."
    )
    asb_only = models.BooleanField(default=True, help_text="Only ASB incidents qualify.")
    exclude_closure_codes = models.JSONField(
        default=list, blank=True, help_text="Incidents closed with these codes do not qualify."
    )
    decision_working_days = models.PositiveIntegerField(
        default=10, help_text="Decide whether the threshold is met, and tell the applicant, within this."
    )
    response_working_days = models.PositiveIntegerField(
        default=20,
        help_text="Once the threshold is met: hold the review and send the outcome within this.",
    )
    holidays = models.JSONField(
        default=list, blank=True, help_text="Bank holidays (ISO dates) that are not working days."
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "case review policies"

    def __str__(self) -> str:
        return f"Case review policy v{self.version}"

    @classmethod
    def current(cls) -> CaseReviewPolicy:
        found = cls.objects.order_by("-version").first()
        return found or cls.objects.create(version=1, exclude_closure_codes=["duplicate"])


class CaseReview(models.Model):
    """An ASB case review: opened on a victim's application or because a threshold was met, with
    the threshold decision, the review's outcome and recommendations, and the response to the
    applicant — each against its deadline."""

    class Route(models.TextChoices):
        APPLICATION = "application", "Application by or for a victim"
        THRESHOLD = "threshold", "Threshold met (raised by the police)"

    class Status(models.TextChoices):
        AWAITING_DECISION = "awaiting_decision", "Awaiting threshold decision"
        UNDER_REVIEW = "under_review", "Threshold met: review under way"
        NOT_MET = "not_met", "Threshold not met"
        COMPLETED = "completed", "Review complete: response sent"

    reference = models.CharField(max_length=30, unique=True)
    route = models.CharField(max_length=12, choices=Route.choices)
    applicant = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField(max_length=200, blank=True, help_text="As given, e.g. for the victim.")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    location_address = models.CharField(max_length=300, blank=True)
    location_key = models.CharField(max_length=120, blank=True, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    received_on = models.DateField()
    summary = models.TextField(blank=True, help_text="What the applicant says, or why it was raised.")
    policy = models.ForeignKey(CaseReviewPolicy, on_delete=models.PROTECT, related_name="+")
    threshold_at_opening = models.JSONField(default=dict, blank=True)
    decision_due = models.DateField()
    threshold_met = models.BooleanField(null=True, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response_due = models.DateField(null=True, blank=True)
    review_held_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    response_sent_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_DECISION)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["decision_due", "id"]
        indexes = [
            models.Index(fields=["area", "status"], name="case_review_area_idx"),
            models.Index(fields=["applicant", "status"], name="case_review_applicant_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def due(self) -> dt.date | None:
        """The next deadline: the decision, then (threshold met) the response; None when done."""
        if self.status == self.Status.AWAITING_DECISION:
            return self.decision_due
        if self.status == self.Status.UNDER_REVIEW:
            return self.response_due
        return None

    def overdue(self, today: dt.date) -> bool:
        due = self.due()
        return due is not None and today > due


class ThresholdSnapshot(models.Model):
    """The victims and places in one area meeting the case review threshold, as last counted: what
    the supervisor's list reads. Counted again when older than a few minutes, on a new day or under a
    new policy version, and by `beacon partnership thresholds` (for cron). A victim's own record is
    always counted live."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField()
    as_of = models.DateField()
    policy_version = models.PositiveIntegerField()
    victims = models.JSONField(
        default=list,
        encoder=DjangoJSONEncoder,
        help_text="The victims with the most incidents first (top 500).",
    )
    places = models.JSONField(
        default=list,
        encoder=DjangoJSONEncoder,
        help_text="The places with the most incidents first (top 500).",
    )
    victims_total = models.PositiveIntegerField(default=0)
    places_total = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0, help_text="How long the count took.")

    def __str__(self) -> str:
        return f"Case review thresholds in area {self.area_id} at {self.computed_at:%Y-%m-%d %H:%M}"
