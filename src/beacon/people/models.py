"""The person index: contact records as given (never overwritten) with their normalised forms,
the persons they resolve to, match models, the analyst review queue, and flags on persons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

# The normalised columns the matching model compares, in the order the scorer reads them.
FEATURES = (
    "forename",
    "surname",
    "fn_canon",
    "fn_phon",
    "fn_init",
    "sn_phon",
    "sn_first",
    "sn_last",
    "dob",
    "dob_sw",
    "phone",
    "ph_tail",
    "email",
    "em_local",
    "postcode",
    "pc_sector",
    "pc_district",
    "addr_key",
    "street",
)


class Person(models.Model):
    """Someone Beacon knows, with an id that stays stable while most of their records stay together."""

    created_at = models.DateTimeField(default=timezone.now)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        help_text="Set when a batch merged this person into another; lookups of the old id follow it.",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Person {self.pk}"


class ContactRecord(models.Model):
    """One contact's details exactly as given, plus the normalised forms used for matching."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="records")
    source = models.CharField(max_length=40, help_text="Where it came from: incident, import, …")
    source_ref = models.CharField(max_length=100, blank=True)
    contacted_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    # As given — never overwritten.
    given_forename = models.CharField(max_length=200, blank=True)
    given_surname = models.CharField(max_length=200, blank=True)
    given_dob = models.CharField(max_length=40, blank=True)
    given_phone = models.CharField(max_length=40, blank=True)
    given_email = models.CharField(max_length=254, blank=True)
    given_address = models.CharField(max_length=300, blank=True)
    given_postcode = models.CharField(max_length=20, blank=True)
    # Normalised (null when not given or not parseable), each cut to its width by
    # people.features (WIDTHS), for what is stored and what is looked up alike.
    forename = models.CharField(max_length=200, null=True)
    surname = models.CharField(max_length=200, null=True)
    fn_canon = models.CharField(max_length=200, null=True)
    fn_phon = models.CharField(max_length=200, null=True)
    fn_init = models.CharField(max_length=1, null=True)
    sn_phon = models.CharField(max_length=200, null=True)
    sn_first = models.CharField(max_length=200, null=True)
    sn_last = models.CharField(max_length=200, null=True)
    dob = models.CharField(max_length=10, null=True, help_text="ISO date")
    dob_sw = models.CharField(max_length=10, null=True, help_text="dob with day and month swapped")
    phone = models.CharField(max_length=16, null=True, help_text="E.164")
    ph_tail = models.CharField(max_length=6, null=True)
    email = models.CharField(max_length=254, null=True)
    em_local = models.CharField(max_length=254, null=True)
    postcode = models.CharField(max_length=8, null=True)
    pc_sector = models.CharField(max_length=6, null=True)
    pc_district = models.CharField(max_length=4, null=True)
    addr_key = models.CharField(max_length=120, null=True)
    street = models.CharField(max_length=100, null=True)
    house_no = models.CharField(max_length=10, null=True)
    # Erasure keeps a tombstone: the row stays (so ids and audit hold) but its personal data goes.
    erased_at = models.DateTimeField(null=True, blank=True)
    erased_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["contacted_at", "id"]
        indexes = [
            # The online lookup's blocking keys (see people/blocking.py): one index each.
            models.Index(fields=["fn_canon", "sn_phon"], name="blk_name_idx"),
            models.Index(fields=["fn_phon", "sn_phon"], name="blk_phon_idx"),
            models.Index(fields=["sn_phon", "fn_init", "pc_district"], name="blk_sn_district_idx"),
            models.Index(fields=["dob", "fn_init"], name="blk_dob_idx"),
            models.Index(fields=["phone"], name="blk_phone_idx"),
            models.Index(fields=["email"], name="blk_email_idx"),
            models.Index(fields=["postcode", "house_no"], name="blk_address_idx"),
            models.Index(fields=["addr_key"], name="blk_addr_key_idx"),
            models.Index(fields=["person", "contacted_at"], name="record_person_idx"),
        ]

    def __str__(self) -> str:
        return f"Contact record {self.pk}"

    def features(self) -> dict[str, str | None]:
        return {f: getattr(self, f) for f in FEATURES}


class ConfirmedDetail(models.Model):
    """An officer's word that one of a person's details is right: the value on `record` is the
    person's, whatever their other records say (see `people.selectors.known_as`). It points at the
    record rather than copying its value, so an erased record, or one since moved to someone else,
    confirms nothing."""

    class Detail(models.TextChoices):
        NAME = "name", "Name"
        DOB = "dob", "Date of birth"
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        ADDRESS = "address", "Address and postcode"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="confirmed_details")
    detail = models.CharField(max_length=10, choices=Detail.choices)
    record = models.ForeignKey(ContactRecord, on_delete=models.CASCADE, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True, help_text="How it was confirmed, e.g. at a visit.")

    class Meta:
        ordering = ["person", "detail"]
        constraints = [
            models.UniqueConstraint(fields=["person", "detail"], name="confirmed_detail_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.detail} of person {self.person_id} from record {self.record_id}"


class MatchModel(models.Model):
    """A trained matching model: Splink's settings with m and u, saved as a versioned file."""

    version = models.PositiveIntegerField(unique=True)
    trained_at = models.DateTimeField(default=timezone.now)
    path = models.CharField(max_length=500, help_text="The model's JSON file.")
    sha256 = models.CharField(max_length=64)
    records = models.PositiveIntegerField(default=0, help_text="Records it was trained on.")
    prior = models.FloatField(help_text="Probability two random records match.")
    lower_threshold = models.FloatField(default=0.3, help_text="Below this a pair is not a match.")
    upper_threshold = models.FloatField(default=0.8, help_text="At or above this a pair is a match.")
    is_active = models.BooleanField(default=False)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Match model v{self.version}"


class ReviewPair(models.Model):
    """A pair of records the model was unsure of; an analyst's decision binds every later run."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        SAME = "same", "Same person (must link)"
        DIFFERENT = "different", "Different people (cannot link)"

    record_a = models.ForeignKey(ContactRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(ContactRecord, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    model_version = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="review_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(record_a__lt=models.F("record_b")), name="review_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["decision", "-probability"], name="review_queue_idx")]

    def __str__(self) -> str:
        return f"Review {self.record_a_id}–{self.record_b_id}"


class ClusterRun(models.Model):
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    model_version = models.PositiveIntegerField(null=True)
    backend = models.CharField(max_length=20, default="duckdb")
    records = models.PositiveIntegerField(default=0)
    persons_before = models.PositiveIntegerField(default=0)
    persons_after = models.PositiveIntegerField(default=0)
    records_moved = models.PositiveIntegerField(default=0)
    review_pairs = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Cluster run {self.pk}"


class RecordMove(models.Model):
    """A record moved from one person to another by a run or an analyst: what undo replays backwards."""

    run = models.ForeignKey(ClusterRun, null=True, blank=True, on_delete=models.CASCADE, related_name="moves")
    record = models.ForeignKey(ContactRecord, on_delete=models.CASCADE, related_name="moves")
    from_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"record {self.record_id}: person {self.from_person_id} → {self.to_person_id}"


class FlagKind(models.Model):
    """Kinds of flag a force defines (vulnerable, repeat victim, and its own)."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=100)
    derived = models.BooleanField(default=False, help_text="Set by a rule, not by hand.")
    needs_reason = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True, help_text="Reasons offered, e.g. disability, age …")

    def __str__(self) -> str:
        return self.label


class PersonFlag(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="flags")
    kind = models.ForeignKey(FlagKind, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=200, help_text="Who or what set it (user, rule v3, incident …).")
    recorded_on = models.DateField(default=timezone.localdate)
    review_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_on", "id"]
        indexes = [models.Index(fields=["person", "ended_on"], name="flag_person_idx")]

    def __str__(self) -> str:
        return f"{self.kind_id} on person {self.person_id}"


class RepeatVictimRule(models.Model):
    """Configurable and versioned: a person with `min_contacts` contacts within `window_days` is a
    repeat victim. The flag records the rule version that set it."""

    version = models.PositiveIntegerField(unique=True)
    min_contacts = models.PositiveIntegerField(default=3)
    window_days = models.PositiveIntegerField(default=365)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.min_contacts} contacts in {self.window_days} days (v{self.version})"

    @classmethod
    def current(cls) -> RepeatVictimRule:
        rule = cls.objects.order_by("-version").first()
        return rule or cls.objects.create(version=1)
