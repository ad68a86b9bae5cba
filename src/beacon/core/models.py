"""Shared data: the force and its areas, users and roles, API tokens, and the audit trail."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from beacon.core.roles import Rank, Role, has_capability


class Force(models.Model):
    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(max_length=20, unique=True)

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A basic command unit / local policing area within the force."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="areas")
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["force", "code"], name="area_code_unique_in_force")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OFFICER)
    job_title = models.CharField(
        max_length=200, blank=True, help_text="As plans name owners, e.g. 'Head of Contact Centre'."
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="users")
    all_areas = models.BooleanField(default=False, help_text="Works across the whole force.")
    rank = models.CharField(
        max_length=30,
        choices=Rank.choices,
        blank=True,
        help_text="Police rank; blank for staff and partners.",
    )
    partner_agency = models.CharField(max_length=200, blank=True)

    def can(self, capability: str) -> bool:
        return bool(self.is_active and has_capability(self.role, capability))

    def area_ids(self) -> set[int]:
        """The areas this user works in (read once per instance)."""
        cached: set[int] | None = getattr(self, "_area_ids", None)
        if cached is None:
            cached = set(self.areas.values_list("id", flat=True)) if self.pk else set()
            self._area_ids = cached
        return cached

    def can_see_area(self, area_id: int | None) -> bool:
        """Records in an area are for the people who work there and force-wide staff; records that
        could not be placed in any area are for force-wide staff only."""
        if self.all_areas:
            return True
        return area_id is not None and area_id in self.area_ids()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def owner_names(self) -> set[str]:
        """The names by which plans may refer to this user (full name, job title), lower-cased."""
        return {n.strip().lower() for n in (self.get_full_name(), self.job_title) if n and n.strip()}


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the secret is shown once at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"API token “{self.name}” (bcn_{self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "bcn_" + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class AuditEvent(models.Model):
    """One entry in the audit trail: a create, update or delete of a domain record, a read of
    personal data (DPA 2018 s.62: collection, alteration, consultation, disclosure, erasure), or a
    refused attempt (a page or record the user may not open: probing shows in the trail)."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        READ = "read", "Viewed"
        EXPORT = "export", "Exported"
        ERASE = "erase", "Erased"
        REFUSED = "refused", "Refused"  # an attempt the user's role or areas did not allow

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="Username, kept if the user is removed.")
    action = models.CharField(max_length=10, choices=Action.choices)
    app_label = models.CharField(max_length=50)
    model = models.CharField(max_length=50)
    object_pk = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [before, after]}")
    reason = models.CharField(max_length=500, blank=True, help_text="Why: purpose of a read, or of a change.")
    source = models.CharField(max_length=100, blank=True, help_text="web, api, command name, import file …")

    class Meta:
        indexes = [
            models.Index(fields=["app_label", "model", "object_pk", "at"], name="audit_record_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_idx"),
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.model} {self.object_pk}"

    @property
    def record_key(self) -> dict[str, Any]:
        return {"app_label": self.app_label, "model": self.model, "object_pk": self.object_pk}
