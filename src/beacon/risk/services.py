"""Every write of risk data, each in a transaction and audited: instruments and their versions
(drafts are edited, publishing retires the version before; a published version is never changed),
the force's risk settings, completing an assessment (a Medium or High outcome opens a case), and a
supervisor's review (agree, or change the level with a reason; optimistic locking)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from beacon.core import audit
from beacon.core.concurrency import check_version
from beacon.core.errors import EditConflict, PermissionRefused, Problem, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.incidents.models import Incident
from beacon.people.models import Person
from beacon.risk import scoring, selectors
from beacon.risk.models import LEVEL_ORDER, Assessment, Instrument, InstrumentVersion, RiskLevel, RiskSettings

if TYPE_CHECKING:
    from beacon.cases.models import Case

NOTE_MAX = 300
DUE_HOURS_MAX = 60 * 24  # sixty days
OPENS_A_CASE = (RiskLevel.MEDIUM.value, RiskLevel.HIGH.value)

# What a new instrument starts with: enough to show the shape; the administrator replaces it.
STARTER_QUESTIONS: list[dict[str, Any]] = [
    {
        "key": "repeat",
        "text": "Has this happened to the victim before?",
        "kind": "yes_no",
        "points": {"yes": 5, "no": 0},
    },
    {"key": "notes", "text": "Anything else", "kind": "text", "required": False},
]
STARTER_THRESHOLDS = {"medium": 5, "high": 10}


def _require(actor: User | None, capability: str, what: str) -> None:
    if actor is not None and not actor.can(capability):
        raise PermissionRefused(f"Your role may not {what}.")


def _check_revision(version: InstrumentVersion, expected: int | None) -> None:
    """Optimistic locking of a draft: its `revision` (its `version` field is its number)."""
    if expected is None or version.revision == expected:
        return
    last = (
        AuditEvent.objects.filter(
            app_label="risk", model="instrumentversion", object_pk=str(version.pk), action="update"
        )
        .order_by("-at", "-id")
        .first()
    )
    raise EditConflict(
        record=f"Draft {version}",
        changed_by=last.actor_label if last else "someone",
        changes=last.changes if last else {},
    )


# ---------------------------------------------------------------------------------------------
# Instruments and versions


@transaction.atomic
def create_instrument(
    actor: User | None, *, name: str, title: str, description: str = ""
) -> InstrumentVersion:
    """A new instrument with a first draft version to edit (a starter question set)."""
    _require(actor, "risk.configure", "configure risk instruments")
    name, title = name.strip(), title.strip()
    problems: list[Problem] = []
    if not name or slugify(name) != name or name == "new":
        problems.append(
            Problem("Give a name of lower-case letters, digits and hyphens, e.g. asb-risk.", "name")
        )
    elif Instrument.objects.filter(name=name).exists():
        problems.append(Problem(f"An instrument is already named {name}.", "name"))
    if not title:
        problems.append(Problem("Give the instrument's title.", "title"))
    if problems:
        raise ValidationFailed(problems)
    instrument = Instrument.objects.create(name=name, title=title, description=description.strip())
    audit.record_create(actor, instrument)
    draft = InstrumentVersion.objects.create(
        instrument=instrument,
        version=1,
        questions=STARTER_QUESTIONS,
        location_weights=[],
        thresholds=STARTER_THRESHOLDS,
        note="First draft",
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit.record_create(actor, draft)
    return draft


@transaction.atomic
def new_draft(actor: User | None, instrument: Instrument) -> InstrumentVersion:
    """A draft of the next version, copied from the latest version; the open draft if there is one."""
    _require(actor, "risk.configure", "configure risk instruments")
    Instrument.objects.select_for_update().get(pk=instrument.pk)  # one draft at a time
    existing = selectors.draft_version(instrument)
    if existing is not None:
        return existing
    latest = InstrumentVersion.objects.filter(instrument=instrument).order_by("-version").first()
    draft = InstrumentVersion.objects.create(
        instrument=instrument,
        version=(latest.version + 1) if latest else 1,
        questions=latest.questions if latest else STARTER_QUESTIONS,
        location_weights=latest.location_weights if latest else [],
        thresholds=latest.thresholds if latest else STARTER_THRESHOLDS,
        note="",
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit.record_create(actor, draft, reason=f"new draft from version {latest.version}" if latest else "")
    return draft


def _locked_draft(draft: InstrumentVersion, expected_revision: int | None) -> InstrumentVersion:
    current = InstrumentVersion.objects.select_for_update().select_related("instrument").get(pk=draft.pk)
    if not current.is_draft:
        raise ValidationFailed.one(
            f"Version {current.version} of {current.instrument.name} is "
            f"{current.get_status_display().lower()}: a published version is never changed. "
            "Create a new draft instead.",
            "version",
        )
    _check_revision(current, expected_revision)
    return current


@transaction.atomic
def save_draft(
    actor: User | None,
    draft: InstrumentVersion,
    *,
    questions: Any,
    location_weights: Any,
    thresholds: Any,
    note: str = "",
    expected_revision: int | None = None,
) -> InstrumentVersion:
    """Change a draft's questions, location weights and thresholds. Every problem is reported, each
    named by where it is (`questions[2].points`); a published version is refused."""
    _require(actor, "risk.configure", "configure risk instruments")
    current = _locked_draft(draft, expected_revision)
    problems = scoring.check_definition(questions, location_weights, thresholds)
    if len(note.strip()) > NOTE_MAX:
        problems.append(Problem(f"Keep the note to {NOTE_MAX} characters.", "note"))
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(current)
    current.questions = questions
    current.location_weights = location_weights or []
    current.thresholds = thresholds
    current.note = note.strip()
    current.revision += 1
    current.save(update_fields=["questions", "location_weights", "thresholds", "note", "revision"])
    audit.record_update(actor, current, before)
    return current


@transaction.atomic
def publish(
    actor: User | None, draft: InstrumentVersion, *, expected_revision: int | None = None
) -> InstrumentVersion:
    """Publish a draft: new assessments use it from now on; the version published before is retired
    (assessments made with it keep it)."""
    _require(actor, "risk.configure", "publish risk instruments")
    current = _locked_draft(draft, expected_revision)
    problems = scoring.check_definition(current.questions, current.location_weights, current.thresholds)
    if problems:
        raise ValidationFailed(problems)
    now = timezone.now()
    for old in InstrumentVersion.objects.select_for_update().filter(
        instrument_id=current.instrument_id, status=InstrumentVersion.Status.PUBLISHED
    ):
        before = audit.snapshot(old)
        old.status = InstrumentVersion.Status.RETIRED
        old.save(update_fields=["status"])
        audit.record_update(actor, old, before, reason=f"replaced by version {current.version}")
    before = audit.snapshot(current)
    current.status = InstrumentVersion.Status.PUBLISHED
    current.published_at = now
    current.published_by = actor if actor is not None and actor.pk else None
    current.revision += 1
    current.save(update_fields=["status", "published_at", "published_by", "revision"])
    audit.record_update(actor, current, before, reason="published")
    return current


@transaction.atomic
def save_settings(
    actor: User | None, *, assessment_due_hours: int, instrument: Instrument | None
) -> RiskSettings:
    """A new version of the force's risk settings (the newest applies)."""
    _require(actor, "risk.configure", "change the risk settings")
    problems: list[Problem] = []
    if not 1 <= assessment_due_hours <= DUE_HOURS_MAX:
        problems.append(
            Problem(f"Enter a number of hours from 1 to {DUE_HOURS_MAX}.", "assessment_due_hours")
        )
    if instrument is not None and selectors.published_version(instrument) is None:
        problems.append(Problem(f"{instrument.title} has no published version yet.", "instrument"))
    if problems:
        raise ValidationFailed(problems)
    latest = RiskSettings.objects.select_for_update().order_by("-version").first()
    made = RiskSettings.objects.create(
        version=(latest.version + 1) if latest else 1,
        assessment_due_hours=assessment_due_hours,
        instrument=instrument,
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit.record_create(actor, made)
    return made


# ---------------------------------------------------------------------------------------------
# Assessments


def _open_case(actor: User, assessment: Assessment) -> Case | None:
    # Cases come after risk: imported here, when a Medium or High outcome needs one.
    from beacon.cases.services import open_case_from_assessment

    return open_case_from_assessment(actor, assessment)


def _case_follows_review(actor: User, assessment: Assessment, previous_level: str) -> None:
    # Cases come after risk: the case this assessment set follows its review (level, supervisor).
    from beacon.cases.services import follow_assessment_review

    follow_assessment_review(actor, assessment, previous_level)


def _version_for_new(version: InstrumentVersion | None) -> InstrumentVersion:
    if version is None:
        current = selectors.current_version()
        if current is None:
            raise ValidationFailed.one(
                "No risk assessment instrument has been published.", "instrument_version"
            )
        return current
    fresh = InstrumentVersion.objects.select_related("instrument").get(pk=version.pk)
    if fresh.status != InstrumentVersion.Status.PUBLISHED:
        now_in_use = selectors.published_version(fresh.instrument)
        hint = f" (version {now_in_use.version} is)" if now_in_use else ""
        raise ValidationFailed.one(
            f"Version {fresh.version} of {fresh.instrument.title} is not in use{hint}: "
            "answer the questions of the version in use.",
            "instrument_version",
        )
    return fresh


# The officers who complete an assessment: the one who attended, or the one investigating.
COMPLETED_AS = ("attending", "investigating")


@transaction.atomic
def record_assessment(
    actor: User,
    *,
    incident: Incident,
    victim: Person,
    completed_as: str,
    answers: Any,
    officer_note: str = "",
    version: InstrumentVersion | None = None,
    form_problems: list[Problem] | None = None,
) -> tuple[Assessment, Case | None]:
    """`complete_assessment`, also giving the case a Medium or High outcome opened (or raised).
    `form_problems`: what the form refuses besides (the officer has not confirmed the prefilled
    answers), reported with every other problem; nothing is written when there is any."""
    _require(actor, "risk.assess", "complete risk assessments")
    if not actor.can_see_area(incident.area_id):
        raise PermissionRefused("This incident is not in your area.")
    used = _version_for_new(version)
    roles = [ip for ip in selectors.victims_of(incident) if ip.record.person_id == victim.pk]
    problems: list[Problem] = []
    if not roles:
        problems.append(
            Problem(f"Person {victim.pk} is not a caller or victim on {incident.reference}.", "victim")
        )
    if completed_as not in COMPLETED_AS:
        problems.append(
            Problem("Say whether you attended the incident or are investigating it.", "completed_as")
        )
    now = timezone.now()
    location = selectors.location_for_incident(incident, now)
    try:
        result = scoring.score(used.questions, used.location_weights, used.thresholds, answers, location)
    except ValidationFailed as exc:
        problems += exc.problems
    problems += form_problems or []
    if problems:
        raise ValidationFailed(problems)
    assessment = Assessment.objects.create(
        instrument_version=used,
        incident=incident,
        victim=victim,
        victim_record=roles[0].record,
        area_id=incident.area_id,
        neighbourhood_id=incident.neighbourhood_id,
        answers=result.answers,
        location_context=location.as_dict(),
        score=result.score,
        level=result.level,
        contributions=result.contributions,
        completed_by=actor,
        completed_as=completed_as,
        completed_at=now,
        officer_note=officer_note.strip(),
    )
    audit.record_create(actor, assessment)
    case = _open_case(actor, assessment) if assessment.level in OPENS_A_CASE else None
    return assessment, case


def complete_assessment(
    actor: User,
    *,
    incident: Incident,
    victim: Person,
    completed_as: str,
    answers: Any,
    officer_note: str = "",
    version: InstrumentVersion | None = None,
) -> Assessment:
    """Score the victim's answers under the published version (the one the settings choose, or
    `version` if it is still published), store answers, where it happened, score, level and each
    answer's points. A Medium or High outcome opens a case (or raises the victim's open case).
    Every problem is reported at once, each named by its question's key; nothing is written then."""
    assessment, _case = record_assessment(
        actor,
        incident=incident,
        victim=victim,
        completed_as=completed_as,
        answers=answers,
        officer_note=officer_note,
        version=version,
    )
    return assessment


@transaction.atomic
def review_assessment(
    actor: User,
    assessment: Assessment,
    *,
    expected_version: int | None,
    agree: bool,
    level: str = "",
    reason: str = "",
) -> Assessment:
    """A supervisor agrees with the level, or changes it giving a reason. Refused if someone changed
    the assessment since `expected_version` (EditConflict), if it was already reviewed, or if the
    supervisor completed it themselves. Raising the level to Medium or High opens (or raises) a case."""
    _require(actor, "risk.review", "review risk assessments")
    if not actor.can_see_area(assessment.area_id):
        raise PermissionRefused("This assessment is not in your area.")
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    check_version(current, expected_version, f"Assessment {current.pk}")
    if current.reviewed_at is not None:
        who = current.reviewed_by.display_name if current.reviewed_by else "a supervisor"
        raise ValidationFailed.one(
            f"{who} already reviewed this assessment on {timezone.localtime(current.reviewed_at):%-d %B %Y}.",
            "decision",
        )
    if current.completed_by_id == actor.pk:
        raise PermissionRefused("Another supervisor reviews an assessment you completed.")
    reason = reason.strip()
    problems: list[Problem] = []
    new_level = current.level
    if not agree:
        if level not in LEVEL_ORDER:
            problems.append(Problem("Choose the level it should be.", "level"))
        elif level == current.level:
            problems.append(Problem("Choose a different level, or agree with it.", "level"))
        else:
            new_level = level
        if not reason:
            problems.append(Problem("Give the reason for changing the level.", "reason"))
    if len(reason) > 2000:
        problems.append(Problem("Keep the reason to 2000 characters.", "reason"))
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(current)
    current.reviewed_by = actor
    current.reviewed_at = timezone.now()
    current.review_decision = Assessment.ReviewDecision.AGREED if agree else Assessment.ReviewDecision.CHANGED
    current.reviewed_level = new_level
    current.review_reason = reason
    current.version += 1
    current.save(
        update_fields=[
            "reviewed_by",
            "reviewed_at",
            "review_decision",
            "reviewed_level",
            "review_reason",
            "version",
        ]
    )
    audit.record_update(actor, current, before, reason="supervisor's review")
    if new_level in OPENS_A_CASE and LEVEL_ORDER[new_level] > LEVEL_ORDER[before["level"]]:
        _open_case(actor, current)
    _case_follows_review(actor, current, before["level"])
    return current
