"""Dip-sample audits: versioned audit templates (checklists), rounds that draw a reproducible random
sample of incidents or cases for an area and month, the items auditors complete, their answers
(pre-filled from the record where Beacon knows the answer), disputes decided by the force crime
registrar, and correction tasks for the record's owner."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from beacon.cases.models import Case
from beacon.core.models import Area
from beacon.geography.models import Neighbourhood
from beacon.incidents.models import Incident


class RecordType(models.TextChoices):
    INCIDENT = "incident", "Incidents"
    CASE = "case", "Cases"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NA = "na", "Not applicable"
    TEXT = "text", "Free text"


class AuditTemplate(models.Model):
    """A named checklist (e.g. "asb-incident-quality"); its questions live in versions."""

    code = models.SlugField(
        max_length=60, unique=True, help_text="Used on the command line: --template CODE."
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    record_type = models.CharField(max_length=10, choices=RecordType.choices, default=RecordType.INCIDENT)
    is_example = models.BooleanField(
        default=False, help_text="Shipped as an example; a force edits it (a new version) or adds its own."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class AuditTemplateVersion(models.Model):
    """One version of a template's questions. Never changed once saved: a change is a new version,
    and every round records the version it used.

    `questions`: list of {"key", "text", "kind": "check" | "text", "prefill": FACT | null,
    "correction": str (the task suggested to the owner when the answer is No), "help": str}.
    A check is answered yes, no or not applicable (yes is compliant); a text question is free text
    and counts toward no compliance figure. FACT names a fact Beacon knows (beacon.quality.prefill).
    """

    template = models.ForeignKey(AuditTemplate, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    questions = models.JSONField()
    note = models.CharField(max_length=300, blank=True, help_text="What changed in this version.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["template", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["template", "version"], name="audit_template_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.template.code} v{self.version}"


class AuditRound(models.Model):
    """A sample drawn for one area and month under one template version: the seed, the size, the
    strata and the population it was drawn from are kept, so the draw can be repeated and checked."""

    template_version = models.ForeignKey(
        AuditTemplateVersion, on_delete=models.PROTECT, related_name="rounds"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="The first day of the month whose records were sampled.")
    size = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    strata = models.JSONField(default=list, blank=True, help_text='e.g. ["channel", "flagged"]')
    population = models.PositiveIntegerField(help_text="Eligible records in the area and month.")
    excluded_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Drawn for this auditor: their own records were left out of the population.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-month", "-id"]
        indexes = [models.Index(fields=["area", "month"], name="audit_round_area_idx")]

    def __str__(self) -> str:
        return f"{self.template_version} {self.area.code} {self.month:%Y-%m} (seed {self.seed})"


class AuditItem(models.Model):
    """One sampled record in a round. The record's owner (the incident's creator, the case's officer),
    area, neighbourhood and date are kept as they were when drawn: outcomes group by them."""

    class Status(models.TextChoices):
        TO_DO = "to_do", "To do"
        DONE = "done", "Completed"

    round = models.ForeignKey(AuditRound, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(help_text="Order drawn (1 first).")
    stratum = models.CharField(max_length=200, blank=True)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_items"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_items"
    )
    reference = models.CharField(max_length=30)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record_at = models.DateTimeField(help_text="When the record was received (incident) or opened (case).")
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TO_DO)
    completed_at = models.DateTimeField(null=True, blank=True)
    compliant = models.BooleanField(
        null=True, blank=True, help_text="Every checked answer compliant (None: nothing to judge yet)."
    )
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "incident"], condition=Q(incident__isnull=False), name="audit_item_incident"
            ),
            models.UniqueConstraint(
                fields=["round", "case"], condition=Q(case__isnull=False), name="audit_item_case"
            ),
        ]
        indexes = [
            models.Index(fields=["auditor", "status"], name="audit_item_auditor_idx"),
            models.Index(fields=["area", "record_at"], name="audit_item_area_idx"),
        ]

    def __str__(self) -> str:
        return f"Audit of {self.reference}"


class AuditAnswer(models.Model):
    """The answer to one question on an item. `prefilled` is what Beacon's record said (blank: the
    question is not pre-filled); the auditor confirmed it or corrected it (`corrected`). An answer
    the record's owner disputes goes to the force crime registrar, whose decision is final: if the
    registrar agrees with the owner, `answer` becomes theirs (the auditor's stays in
    `auditor_answer`)."""

    class Dispute(models.TextChoices):
        NONE = "", "Not disputed"
        OPEN = "open", "Disputed, waiting for the registrar"
        UPHELD = "upheld", "Registrar upheld the audit"
        OVERTURNED = "overturned", "Registrar agreed with the owner"

    item = models.ForeignKey(AuditItem, on_delete=models.CASCADE, related_name="answers")
    key = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, default="check")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    text = models.TextField(blank=True)
    prefilled = models.CharField(max_length=10, blank=True)
    corrected = models.BooleanField(default=False)
    auditor_answer = models.CharField(max_length=10, blank=True)
    compliant = models.BooleanField(null=True, blank=True, help_text="None: not applicable or free text.")
    dispute = models.CharField(max_length=12, choices=Dispute.choices, blank=True, default="")
    dispute_reason = models.TextField(blank=True)
    disputed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disputed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["item", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="audit_answer_unique")]
        indexes = [models.Index(fields=["dispute"], name="audit_answer_dispute_idx")]

    def __str__(self) -> str:
        return f"{self.key} on {self.item_id}: {self.answer}"


class CorrectionTask(models.Model):
    """Work for the record's owner after a failed answer (e.g. reclassify, add the crime reference)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    item = models.ForeignKey(AuditItem, on_delete=models.CASCADE, related_name="corrections")
    answer = models.ForeignKey(
        AuditAnswer, null=True, blank=True, on_delete=models.CASCADE, related_name="corrections"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["status", "-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "status"], name="correction_owner_idx")]

    def __str__(self) -> str:
        return f"Correction of {self.item.reference}: {self.action[:60]}"


# The survey half of the quality domain lives in its own module; importing it here registers its
# models with the app (import them from there).
import beacon.quality.survey_models  # noqa: E402, F401
