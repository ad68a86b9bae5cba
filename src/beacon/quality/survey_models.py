"""Victim satisfaction surveys (the call-back half of issue 13): versioned questionnaires, the
responses (imported from earlier surveys or taken on a call-back), the rules for who may be called,
the call lists drawn at random from those eligible, the calls made, the officers' agreement to call a
victim in an open High-risk case, and the follow-up work a call raises for the neighbourhood team.

Answers are a child table (`SurveyAnswer`, one row per question answered) rather than a JSON column
on the response: the results are counts of answers per question, month and area (and per ethnic
group, age band, disability), which the database works out with one GROUP BY over an indexed table;
a JSON column would have every response read into Python (50,000 responses over two years is
300,000 answers) or need database-specific JSON functions. A question left blank has no row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from beacon.core.models import Area
from beacon.geography.models import Neighbourhood
from beacon.incidents.models import Incident
from beacon.people.models import ContactRecord, Person
from beacon.quality import ethnicity

AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")


class QuestionKind(models.TextChoices):
    SCALE = "scale", "Five-point satisfaction scale"
    TEXT = "text", "Free text"


class Questionnaire(models.Model):
    """A named survey (e.g. "asb-callback"); its questions live in versions."""

    code = models.SlugField(max_length=60, unique=True, help_text="Used on the command line: --survey CODE.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_example = models.BooleanField(
        default=False, help_text="Shipped as an example; a force changes it (a new version) or adds its own."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class QuestionnaireVersion(models.Model):
    """One version of a questionnaire's questions, never changed once saved: a change is a new
    version, and every response and call list records the version it used.

    `questions`: a list of {"code", "text", "kind": "scale" | "text"}. A scale question is answered
    5 very satisfied, 4 fairly satisfied, 3 neither, 2 fairly dissatisfied, 1 very dissatisfied, or
    left blank (not answered); a text question is free text and counts toward no figure. A code means
    the same question in every version (results add up answers to a code across versions), so a
    question whose meaning changes gets a new code.
    """

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    questions = models.JSONField()
    note = models.CharField(max_length=300, blank=True, help_text="What changed in this version.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["questionnaire", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "version"], name="questionnaire_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.code} v{self.version}"


class SurveyRules(models.Model):
    """Who may be called for a questionnaire, versioned (the newest applies; each call list keeps the
    rules it was drawn under). Victims of ASB incidents in the area reported `weeks_from` to
    `weeks_to` weeks before the list's month began, who agreed to a call-back, who have not been on a
    call list or surveyed in the last `months_between` months, who are not in an open High-risk case
    (unless an officer agreed), and, with `exclude_under_18`, who were not under 18 at the incident
    where their date of birth is known."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="rules")
    version = models.PositiveIntegerField()
    weeks_from = models.PositiveIntegerField(default=6)
    weeks_to = models.PositiveIntegerField(default=12)
    months_between = models.PositiveIntegerField(default=12)
    exclude_under_18 = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["questionnaire", "-version"]
        verbose_name_plural = "survey rules"
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "version"], name="survey_rules_version_unique"),
            models.CheckConstraint(
                condition=Q(weeks_from__lte=models.F("weeks_to")), name="survey_rules_weeks"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.questionnaire.code} rules v{self.version}: {self.weeks_from}-{self.weeks_to} weeks, "
            f"every {self.months_between} months"
        )


class CallList(models.Model):
    """Victims drawn at random for one area and month, to be called by volunteers. The seed, size,
    rules and the number eligible (`population`) are kept, so the draw can be repeated and checked."""

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="call_lists")
    rules = models.ForeignKey(SurveyRules, on_delete=models.PROTECT, related_name="call_lists")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(
        help_text="The first day of the month the list is for (the rules count back from it)."
    )
    seed = models.BigIntegerField()
    size = models.PositiveIntegerField()
    population = models.PositiveIntegerField(help_text="Victims eligible when the list was drawn.")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month", "-id"]
        indexes = [models.Index(fields=["area", "month"], name="call_list_area_idx")]

    def __str__(self) -> str:
        return f"{self.version} {self.area.code} {self.month:%Y-%m} (seed {self.seed})"


class CallListEntry(models.Model):
    """One victim on a call list: the incident they were drawn for and their contact record."""

    class Status(models.TextChoices):
        TO_CALL = "to_call", "To call"
        NO_ANSWER = "no_answer", "No answer yet (call again)"
        COMPLETED = "completed", "Survey completed"
        REFUSED = "refused", "Did not want to take part"
        WRONG_NUMBER = "wrong_number", "Wrong number"

    CLOSED = (Status.COMPLETED, Status.REFUSED, Status.WRONG_NUMBER)

    call_list = models.ForeignKey(CallList, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(help_text="Order drawn (1 first).")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="survey_entries")
    record = models.ForeignKey(ContactRecord, on_delete=models.PROTECT, related_name="survey_entries")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.TO_CALL)

    class Meta:
        ordering = ["call_list", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call_list", "position"], name="call_entry_position"),
            models.UniqueConstraint(fields=["call_list", "record"], name="call_entry_record"),
        ]
        indexes = [
            models.Index(fields=["volunteer", "status"], name="call_entry_volunteer_idx"),
            models.Index(fields=["incident"], name="call_entry_incident_idx"),
        ]

    def __str__(self) -> str:
        return f"Call {self.position} on list {self.call_list_id}"


class CallAttempt(models.Model):
    """One call made to a victim on a list, and what came of it."""

    class Outcome(models.TextChoices):
        NO_ANSWER = "no_answer", "No answer"
        REFUSED = "refused", "Did not want to take part"
        COMPLETED = "completed", "Survey completed"
        WRONG_NUMBER = "wrong_number", "Wrong number"

    entry = models.ForeignKey(CallListEntry, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["entry", "at", "id"]
        indexes = [models.Index(fields=["outcome", "at"], name="call_attempt_outcome_idx")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} for entry {self.entry_id}"


class SurveyResponse(models.Model):
    """One person's answers to a questionnaire, imported from an earlier survey or taken on a call.
    `month` is the month the survey was answered (its first day); area and neighbourhood are where
    the incident was. Ethnicity, age band and disability are as the respondent described themselves
    (blank: not stated). `content_hash` lets a re-import of the same file recognise what it holds."""

    class Source(models.TextChoices):
        IMPORT = "import", "Imported"
        CALL = "call", "Call-back"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses")
    response_id = models.CharField(max_length=100, help_text="Unique within the questionnaire.")
    month = models.DateField()
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ethnicity = models.CharField(max_length=2, choices=ethnicity.CHOICES, blank=True)
    age_band = models.CharField(max_length=5, choices=[(b, b) for b in AGE_BANDS], blank=True)
    disability = models.CharField(max_length=3, choices=[("yes", "Yes"), ("no", "No")], blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    entry = models.OneToOneField(
        CallListEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="response"
    )
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "response_id"], name="survey_response_unique")
        ]
        indexes = [models.Index(fields=["questionnaire", "month", "area"], name="survey_response_month_idx")]

    def __str__(self) -> str:
        return f"Response {self.response_id}"


class SurveyAnswer(models.Model):
    """The answer to one question: `value` 1 to 5 for a scale question (4 and 5 are satisfied), or
    `text` for a free-text question (value empty). A question not answered has no row."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=60)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_unique"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5), name="survey_answer_scale"
            ),
        ]
        indexes = [models.Index(fields=["question", "response", "value"], name="survey_answer_question_idx")]

    def __str__(self) -> str:
        return f"{self.question}: {self.value if self.value is not None else self.text[:30]}"


class SurveyClearance(models.Model):
    """An officer's agreement that a victim in an open High-risk case may be called for the survey
    (their case's officer knows the victim and whether a call is safe and welcome)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="survey_clearances")
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500)

    class Meta:
        ordering = ["-agreed_at", "-id"]
        indexes = [models.Index(fields=["person"], name="survey_clearance_person_idx")]

    def __str__(self) -> str:
        return f"Survey call agreed for person {self.person_id}"


class SurveyFollowUp(models.Model):
    """Work for the neighbourhood team that a call raised: the victim asked for an officer to call
    them back, or told the volunteer of a new incident. When the incident was placed in no
    neighbourhood, the task is the area's (neighbourhood empty)."""

    class Reason(models.TextChoices):
        CALL_BACK = "call_back", "Asked for an officer to call back"
        NEW_INCIDENT = "new_incident", "Disclosed a new incident"

    entry = models.ForeignKey(CallListEntry, on_delete=models.PROTECT, related_name="follow_ups")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.PROTECT, related_name="survey_follow_ups"
    )
    reason = models.CharField(max_length=15, choices=Reason.choices)
    note = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["neighbourhood", "done_at"], name="survey_follow_up_open_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} (entry {self.entry_id})"
