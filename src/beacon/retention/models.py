"""Retention rules (a force's schedule, audited when edited), review decisions, and the tombstones
that disposal leaves: what was held, for statistics, without the personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RetentionRule(models.Model):
    """When a kind of record is next reviewed. The first active rule (lowest `order`) whose tags
    match a record decides its review date: `review_after_years` from the record's date (its last
    activity); a reviewer who keeps it sets the next review, by default `review_every_years` on.

    A record matches when it has any of `when_any` (empty: every record) and none of `when_none`.
    Tags come from every domain (see beacon.core.retention): asb, crime, vulnerable_victim, case,
    high_risk, referral, safeguarding_referral."""

    code = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=200)
    record_type = models.CharField(max_length=40, default="incident")
    order = models.PositiveIntegerField(default=100)
    when_any = models.JSONField(default=list, blank=True)
    when_none = models.JSONField(default=list, blank=True)
    review_after_years = models.PositiveIntegerField()
    review_every_years = models.PositiveIntegerField(default=2)
    is_example = models.BooleanField(
        default=False, help_text="Shipped as an example: the force reviews and edits it."
    )
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["record_type", "order", "id"]

    def __str__(self) -> str:
        return f"{self.label} (v{self.version})"

    def matches(self, tags: frozenset[str] | set[str]) -> bool:
        if self.when_any and not tags & set(self.when_any):
            return False
        return not tags & set(self.when_none)


class ReviewDecision(models.Model):
    """A reviewer's decision on one record: kept (with the reason and the next review date)."""

    class Decision(models.TextChoices):
        KEEP = "keep", "Kept"

    record_type = models.CharField(max_length=40)
    object_pk = models.PositiveBigIntegerField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.CharField(max_length=500)
    next_review_on = models.DateField()
    rule_code = models.CharField(max_length=60, blank=True)
    rule_version = models.PositiveIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["record_type", "object_pk", "decided_at"], name="retention_decision_idx")
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.object_pk} kept until {self.next_review_on}"


class Tombstone(models.Model):
    """What a disposed record was, without personal data: its type, id, reference, area, category,
    tags, dates, the rule it was disposed of under and how many rows lost their personal data."""

    record_type = models.CharField(max_length=40)
    object_pk = models.PositiveBigIntegerField()
    reference = models.CharField(max_length=80, blank=True)
    area = models.ForeignKey("core.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    category = models.CharField(max_length=60, blank=True)
    tags = models.JSONField(default=list, blank=True)
    record_date = models.DateField(help_text="The date its review period ran from.")
    review_due_on = models.DateField()
    rule_code = models.CharField(max_length=60, blank=True)
    rule_version = models.PositiveIntegerField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True, help_text="{model: rows disposed of}")
    reason = models.CharField(max_length=500)
    disposed_at = models.DateTimeField(default=timezone.now)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-disposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "object_pk"], name="tombstone_once_per_record")
        ]

    def __str__(self) -> str:
        return f"Disposed {self.record_type} {self.reference or self.object_pk}"
