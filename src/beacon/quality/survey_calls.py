"""Call-back surveys: who may be called, drawing a call list at random, giving calls to volunteers,
recording each call (and the survey when it is completed), an officer's agreement to call a victim
in an open High-risk case, and the follow-up work a call raises for the neighbourhood team.

**Who is eligible** for an area and month, under the questionnaire's current `SurveyRules`:

* the victims of ASB incidents in the area reported from `weeks_to` (12) to `weeks_from` (6) weeks
  before the first day of the month (both days included, London dates). "Victim" is a person
  recorded on the incident as its victim; where an incident names no victim, its caller (most ASB
  callers report what is happening to them, and many incidents record the caller only — the cases
  and risk domains treat callers as victims the same way). Witnesses and subjects are never called;
* who agreed, when asked, to a quality call-back (`IncidentPerson.survey_consent` is yes: a refusal
  or never having been asked both leave them out);
* whose contact record has not been erased;
* who were not under 18 when the incident was reported, where their date of birth is known (with
  `exclude_under_18`; an unknown date of birth does not exclude);
* who are not on a call list for a month in the last `months_between` (12) months, nor surveyed
  (a completed call) in that time, and whose incident has never been on a call list;
* who are not in an open High-risk case (as victim or perpetrator) unless an officer has agreed to
  the call (`clear_for_survey`, a `SurveyClearance`).

Each person is in the population once, for their most recent incident in the window. The population
is in the order the victims were recorded (primary key of the incident's person), and
`beacon.quality.sampling.draw_positions` (numpy's `default_rng(seed)`) chooses from it without
replacement: the same seed over the same eligible victims always gives the same list. Once a list
is saved its victims are on a call list, so drawing again leaves them out.

Only what the rules need is read: which incidents, roles, consent, the date of birth (for the age
rule, never shown) and whether the record was erased.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from beacon.core import audit
from beacon.core.errors import PermissionRefused, Problem, ValidationFailed
from beacon.core.models import Area, User
from beacon.incidents.models import IncidentPerson
from beacon.people.models import Person
from beacon.quality import months, questionnaires, sampling
from beacon.quality.survey_import import content_hash
from beacon.quality.survey_models import (
    CallAttempt,
    CallList,
    CallListEntry,
    Questionnaire,
    QuestionnaireVersion,
    SurveyAnswer,
    SurveyClearance,
    SurveyFollowUp,
    SurveyResponse,
    SurveyRules,
)

MAX_SIZE = 5000
NOTE_MAX = 1000

# Why an eligible-looking victim was left out (the first rule they failed), for the draw's summary.
EXCLUDED = {
    "no_consent": "did not agree to a call-back, or were not asked",
    "erased": "their contact record was erased",
    "under_18": "under 18 when they reported it",
    "on_call_list": "on a call list already (this incident, or another in the last months)",
    "surveyed": "surveyed in the last months",
    "high_risk_case": "in an open High-risk case without an officer's agreement",
}


@dataclass(frozen=True)
class Candidate:
    """One eligible victim: the incident they were drawn for and their contact record."""

    role_id: int  # the IncidentPerson row
    incident_id: int
    reference: str
    record_id: int
    person_id: int
    received_at: dt.datetime
    neighbourhood_id: int | None


@dataclass
class Eligibility:
    rules: SurveyRules
    month: dt.date
    start: dt.datetime  # the window of reports, [start, end)
    end: dt.datetime
    eligible: list[Candidate]
    excluded: dict[str, int] = field(default_factory=dict)


def window(rules: SurveyRules, month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The reports counted for a list for `month`: from `weeks_to` weeks before its first day to
    `weeks_from` weeks before it, both days included (London)."""
    first = month - dt.timedelta(weeks=rules.weeks_to)
    last = month - dt.timedelta(weeks=rules.weeks_from)
    start = dt.datetime.combine(first, dt.time(), tzinfo=months.LONDON)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=months.LONDON)
    return start, end


def _age_on(dob: str | None, day: dt.date) -> int | None:
    if not dob:
        return None
    try:
        born = dt.date.fromisoformat(dob)
    except ValueError:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def eligible_victims(rules: SurveyRules, area: Area, month: dt.date) -> Eligibility:
    """Who may be called for `area` and `month` under `rules` (see the module's description)."""
    start, end = window(rules, month)
    rows = list(
        IncidentPerson.objects.filter(
            incident__area=area,
            incident__is_asb=True,
            incident__received_at__gte=start,
            incident__received_at__lt=end,
            role__in=(IncidentPerson.Role.VICTIM, IncidentPerson.Role.CALLER),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "incident_id",
            "role",
            "record_id",
            "record__person_id",
            "survey_consent",
            "record__dob",
            "record__erased_at",
            "incident__received_at",
            "incident__reference",
            "incident__neighbourhood_id",
        )
    )
    with_victim = {r[1] for r in rows if r[2] == IncidentPerson.Role.VICTIM}
    excluded: dict[str, int] = {}

    def leave_out(reason: str) -> None:
        excluded[reason] = excluded.get(reason, 0) + 1

    candidates: list[Candidate] = []
    for pk, incident_id, role, record_id, person_id, consent, dob, erased_at, received, ref, hood in rows:
        if role == IncidentPerson.Role.CALLER and incident_id in with_victim:
            continue  # the incident names its victim: the caller is not called
        if consent is not True:
            leave_out("no_consent")
            continue
        if erased_at is not None:
            leave_out("erased")
            continue
        age = _age_on(dob, received.astimezone(months.LONDON).date())
        if rules.exclude_under_18 and age is not None and age < 18:
            leave_out("under_18")
            continue
        candidates.append(Candidate(pk, incident_id, ref, record_id, person_id, received, hood))

    persons = sorted({c.person_id for c in candidates})
    listed_incidents = set(
        CallListEntry.objects.filter(incident_id__in=[c.incident_id for c in candidates]).values_list(
            "incident_id", flat=True
        )
    )
    listed: set[int] = set()
    surveyed: set[int] = set()
    if rules.months_between:
        since = months.add_months(month, -rules.months_between)
        listed = set(
            CallListEntry.objects.filter(
                record__person_id__in=persons, call_list__month__gt=since
            ).values_list("record__person_id", flat=True)
        )
        surveyed = set(
            CallAttempt.objects.filter(
                entry__record__person_id__in=persons,
                outcome=CallAttempt.Outcome.COMPLETED,
                at__gte=dt.datetime.combine(since, dt.time(), tzinfo=months.LONDON),
            ).values_list("entry__record__person_id", flat=True)
        )
    high_risk = _in_open_high_risk_case(persons)
    cleared = set(
        SurveyClearance.objects.filter(person_id__in=list(high_risk)).values_list("person_id", flat=True)
    )

    latest: dict[int, Candidate] = {}
    for c in candidates:
        if c.incident_id in listed_incidents or c.person_id in listed:
            leave_out("on_call_list")
        elif c.person_id in surveyed:
            leave_out("surveyed")
        elif c.person_id in high_risk and c.person_id not in cleared:
            leave_out("high_risk_case")
        else:
            best = latest.get(c.person_id)
            if best is None or (c.received_at, c.role_id) > (best.received_at, best.role_id):
                latest[c.person_id] = c
    eligible = sorted(latest.values(), key=lambda c: c.role_id)
    return Eligibility(rules, month, start, end, eligible, excluded)


def _in_open_high_risk_case(person_ids: list[int]) -> set[int]:
    """The persons in an open High-risk case, read through the cases domain's own selector."""
    from beacon.cases.selectors import open_cases_by_person
    from beacon.risk.models import RiskLevel

    high = str(RiskLevel.HIGH.label)
    return {
        pid
        for pid, cases in open_cases_by_person(person_ids).items()
        if any(c["risk_level"] == high for c in cases)
    }


@transaction.atomic
def save_rules(
    user: User | None,
    questionnaire: Questionnaire,
    *,
    weeks_from: object,
    weeks_to: object,
    months_between: object,
    exclude_under_18: object,
) -> SurveyRules:
    """New eligibility rules for a questionnaire (the next version; lists already drawn keep the
    rules they were drawn under)."""
    if user is not None and not user.can("surveys.manage"):
        raise PermissionRefused("Only a quality manager changes who may be called.")
    problems: list[Problem] = []
    numbers: dict[str, int] = {}
    for name, value, top in (
        ("weeks_from", weeks_from, 104),
        ("weeks_to", weeks_to, 104),
        ("months_between", months_between, 120),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            problems.append(Problem(f"Give a whole number from 0 to {top}.", name))
        else:
            numbers[name] = value
    if not isinstance(exclude_under_18, bool):
        problems.append(Problem("Say true or false.", "exclude_under_18"))
    if len(numbers) == 3 and numbers["weeks_from"] > numbers["weeks_to"]:
        problems.append(
            Problem("The window starts before it ends: weeks_from is at most weeks_to.", "weeks_from")
        )
    if problems:
        raise ValidationFailed(problems)
    Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
    latest = questionnaire.rules.order_by("-version").first()
    rules = SurveyRules.objects.create(
        questionnaire=questionnaire,
        version=(latest.version + 1) if latest else 1,
        exclude_under_18=bool(exclude_under_18),
        created_by=user,
        **numbers,
    )
    audit.record_create(user, rules)
    return rules


# --- drawing a call list -------------------------------------------------------------------------------


@dataclass
class CallDraw:
    """A call list drawn (and, if saved, stored)."""

    version: QuestionnaireVersion
    area: Area
    month: dt.date
    seed: int
    size: int
    eligibility: Eligibility
    rows: list[Candidate]  # in the order drawn
    call_list: CallList | None = None

    @property
    def population(self) -> int:
        return len(self.eligibility.eligible)

    def as_json(self) -> dict[str, Any]:
        """The command's contract: {"survey", "version", "seed", "items": [{"incident", "record"}]}
        (and "call_list": ID once saved)."""
        out: dict[str, Any] = {
            "survey": self.version.questionnaire.code,
            "version": self.version.version,
            "seed": self.seed,
            "items": [{"incident": c.reference, "record": c.record_id} for c in self.rows],
        }
        if self.call_list is not None:
            out["call_list"] = self.call_list.pk
        return out


def choose(eligible: Sequence[Candidate], size: int, seed: int) -> list[Candidate]:
    """`size` of the eligible victims chosen at random without replacement, in the order drawn
    (numpy's default_rng(seed) over them in the order given)."""
    return [eligible[i] for i in sampling.draw_positions(len(eligible), size, seed)]


def _parse_size(value: object) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIZE:
        return None
    return value


def _check_draw(
    questionnaire: Questionnaire | str, area: Area | str, month: object, size: object, seed: object
) -> tuple[Questionnaire, Area, dt.date, int, int]:
    from beacon.quality.services import parse_seed

    problems: list[Problem] = []
    found = None
    if isinstance(questionnaire, Questionnaire):
        found = questionnaire
    else:
        try:
            found = questionnaires.find(questionnaire, "survey")
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    where = area if isinstance(area, Area) else None
    if where is None:
        matches = list(Area.objects.filter(code__iexact=area.strip())[:2]) if isinstance(area, str) else []
        if len(matches) == 1:
            where = matches[0]
        else:
            problems.append(
                Problem(
                    f"There is no area {area!r}."
                    if not matches
                    else f"More than one force has an area {area!r}.",
                    "area",
                )
            )
    first = None
    if isinstance(month, dt.date):
        first = month.replace(day=1)
    else:
        try:
            first = months.parse_month(month, "month")
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    number = 0
    try:
        number = parse_seed(seed, "seed")
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    n = _parse_size(size)
    if n is None:
        problems.append(
            Problem(f"{size!r} is not a size: give a whole number from 1 to {MAX_SIZE:,}.", "size")
        )
    if problems:
        raise ValidationFailed(problems)
    assert found is not None and where is not None and first is not None and n is not None
    return found, where, first, n, number


def _draw(questionnaire: Questionnaire, area: Area, month: dt.date, size: int, seed: int) -> CallDraw:
    version = questionnaires.latest_version(questionnaire)
    rules = questionnaires.current_rules(questionnaire)
    found = eligible_victims(rules, area, month)
    if size > len(found.eligible):
        left_out = "; ".join(f"{n} {EXCLUDED[k]}" for k, n in sorted(found.excluded.items()))
        raise ValidationFailed(
            [
                Problem(
                    f"The list ({size:,}) is larger than the {len(found.eligible):,} victims eligible in "
                    f"{area.name} for {months.label(month)}"
                    + (f" (left out: {left_out})." if left_out else "."),
                    "size",
                )
            ]
        )
    return CallDraw(version, area, month, seed, size, found, choose(found.eligible, size, seed))


def draw_call_list(
    user: User | None,
    questionnaire: Questionnaire | str,
    area: Area | str,
    month: object,
    size: object,
    seed: object,
    *,
    save: bool = True,
) -> CallDraw:
    """Draw `size` victims at random from those eligible for `area` and `month` (see the module's
    description); saved (the default) it is a call list with its entries, the seed, size, rules,
    questionnaire version and population kept. The same seed over the same eligible victims gives
    the same list. Refused, naming the field, for an unknown survey or area, a bad month, a seed that
    is not a whole number, or a size that is not a whole number or is larger than the population."""
    found, where, first, n, number = _check_draw(questionnaire, area, month, size, seed)
    if user is not None and not (user.can("surveys.manage") and user.can_see_area(where.pk)):
        raise PermissionRefused("You may draw call lists in your own areas only, as a quality manager.")
    if not save:
        return _draw(found, where, first, n, number)
    with transaction.atomic():
        # One draw at a time per questionnaire: the second sees the first's list and leaves its victims out.
        Questionnaire.objects.select_for_update().filter(pk=found.pk).first()
        draw = _draw(found, where, first, n, number)
        call_list = CallList.objects.create(
            version=draw.version,
            rules=draw.eligibility.rules,
            area=where,
            month=first,
            seed=number,
            size=n,
            population=draw.population,
            drawn_by=user,
        )
        CallListEntry.objects.bulk_create(
            [
                CallListEntry(
                    call_list=call_list, position=i, incident_id=c.incident_id, record_id=c.record_id
                )
                for i, c in enumerate(draw.rows, start=1)
            ]
        )
        audit.record_create(user, call_list, reason=f"{n} victims drawn with seed {number}")
        draw.call_list = call_list
    return draw


# --- volunteers ----------------------------------------------------------------------------------------


@transaction.atomic
def assign_entries(
    user: User | None, call_list: CallList, volunteer: User, entry_ids: Sequence[int] | None = None
) -> int:
    """Give entries of a call list to a volunteer (none given: every entry not yet given to anyone
    and not finished). The volunteer must work in the list's area; finished calls are not given out.
    All or nothing."""
    if user is not None and not (user.can("surveys.manage") and user.can_see_area(call_list.area_id)):
        raise PermissionRefused("Only a quality manager in the list's area gives out calls.")
    problems: list[Problem] = []
    if not volunteer.is_active or not volunteer.can_see_area(call_list.area_id):
        problems.append(
            Problem(f"{volunteer.display_name} does not work in {call_list.area.name}.", "volunteer")
        )
    entries = list(call_list.entries.select_for_update().order_by("position"))
    if entry_ids is None:
        chosen = [e for e in entries if e.volunteer_id is None and e.status not in CallListEntry.CLOSED]
    else:
        wanted = set(entry_ids)
        chosen = [e for e in entries if e.pk in wanted]
        missing = wanted - {e.pk for e in chosen}
        if missing:
            problems.append(Problem(f"Entries {sorted(missing)} are not on this call list.", "entries"))
        done = [str(e.position) for e in chosen if e.status in CallListEntry.CLOSED]
        if done:
            problems.append(Problem(f"Already finished: entries at positions {', '.join(done)}.", "entries"))
    if problems:
        raise ValidationFailed(problems)
    with audit.batched():
        for entry in chosen:
            before = audit.snapshot(entry)
            entry.volunteer = volunteer
            entry.save(update_fields=["volunteer"])
            audit.record_update(user, entry, before, reason="given to a volunteer")
    return len(chosen)


# --- recording a call ----------------------------------------------------------------------------------


@dataclass
class AttemptResult:
    attempt: CallAttempt
    response: SurveyResponse | None
    follow_ups: list[SurveyFollowUp]


_STATUS = {
    CallAttempt.Outcome.NO_ANSWER: CallListEntry.Status.NO_ANSWER,
    CallAttempt.Outcome.REFUSED: CallListEntry.Status.REFUSED,
    CallAttempt.Outcome.COMPLETED: CallListEntry.Status.COMPLETED,
    CallAttempt.Outcome.WRONG_NUMBER: CallListEntry.Status.WRONG_NUMBER,
}
SPOKE_TO_THEM = (CallAttempt.Outcome.COMPLETED, CallAttempt.Outcome.REFUSED)


def _check_follow_ups(follow_up: object, outcome: str, problems: list[Problem]) -> list[tuple[str, str]]:
    if follow_up is None:
        return []
    items = [follow_up] if isinstance(follow_up, Mapping) else follow_up
    if not isinstance(items, Sequence) or isinstance(items, str):
        problems.append(
            Problem('Give a follow-up as {"reason": …, "note": …}, or a list of them.', "follow_up")
        )
        return []
    if items and outcome not in SPOKE_TO_THEM:
        problems.append(Problem("A follow-up is raised only when the victim was spoken to.", "follow_up"))
        return []
    out: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        where = f"follow_up[{i}]" if len(items) > 1 else "follow_up"
        if not isinstance(item, Mapping):
            problems.append(Problem('Give a follow-up as {"reason": …, "note": …}.', where))
            continue
        reason, note = item.get("reason"), item.get("note", "") or ""
        if reason not in SurveyFollowUp.Reason.values:
            problems.append(
                Problem(
                    f"{reason!r}: the reason is call_back (asked for an officer to call back) or "
                    "new_incident (told the volunteer of a new incident).",
                    f"{where}.reason",
                )
            )
        if not isinstance(note, str) or len(note) > NOTE_MAX:
            problems.append(Problem(f"The note is text up to {NOTE_MAX:,} characters.", f"{where}.note"))
        elif reason in SurveyFollowUp.Reason.values:
            out.append((str(reason), note.strip()))
    return out


@transaction.atomic
def record_attempt(
    user: User | None,
    entry: CallListEntry | int,
    outcome: str,
    *,
    answers: Mapping[str, object] | None = None,
    ethnicity: object = "",
    age_band: object = "",
    disability: object = "",
    follow_up: Mapping[str, str] | Sequence[Mapping[str, str]] | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> AttemptResult:
    """Record one call to a victim on a list: no answer (the entry stays open to call again),
    refused, wrong number, or completed with the survey's answers (each scale answer 1 to 5 or blank;
    codes the list's questionnaire version does not ask are refused) and how the victim describes
    themselves (ethnicity, age band, disability, each optional). A completed survey is stored as a
    response (source "call") for the month of the call. If the victim asks for an officer to call
    them back, or tells of a new incident, `follow_up` ({"reason": "call_back" | "new_incident",
    "note": …}, or a list of them) raises work for the incident's neighbourhood team.

    Refused, naming the field, when the entry is finished, when a survey is recorded for a victim who
    did not agree to a call-back, or for any bad answer; all or nothing."""
    pk = entry.pk if isinstance(entry, CallListEntry) else entry
    locked = (
        CallListEntry.objects.select_for_update()
        .select_related("call_list__version__questionnaire", "call_list__area", "incident")
        .get(pk=pk)
    )
    call_list = locked.call_list
    if (
        user is not None
        and locked.volunteer_id != user.pk
        and not (user.can("surveys.manage") and user.can_see_area(call_list.area_id))
    ):
        raise PermissionRefused("Only the volunteer given this call (or a quality manager) records it.")
    problems: list[Problem] = []
    if outcome not in CallAttempt.Outcome.values:
        problems.append(
            Problem(f"{outcome!r}: the outcome is one of {', '.join(CallAttempt.Outcome.values)}.", "outcome")
        )
    if locked.status in CallListEntry.CLOSED:
        problems.append(Problem(f"This call is finished ({locked.get_status_display().lower()}).", "entry"))
    completed = outcome == CallAttempt.Outcome.COMPLETED
    clean: dict[str, int | str] = {}
    about = questionnaires.About()
    given_about = any(v not in ("", None) for v in (ethnicity, age_band, disability))
    if completed:
        consented = IncidentPerson.objects.filter(
            incident_id=locked.incident_id, record_id=locked.record_id, survey_consent=True
        ).exists()
        if not consented:
            problems.append(
                Problem(
                    "The victim did not agree to a quality call-back (or their agreement was withdrawn): "
                    "no survey may be recorded.",
                    "entry",
                )
            )
        if not answers:
            problems.append(Problem("A completed survey has at least one answer.", "answers"))
        else:
            try:
                clean = questionnaires.check_answers(call_list.version, answers)
            except ValidationFailed as exc:
                problems.extend(exc.problems)
        try:
            about = questionnaires.check_about(ethnicity, age_band, disability)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    elif answers or given_about:
        problems.append(Problem("Answers and details are recorded only with a completed survey.", "answers"))
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        problems.append(Problem(f"The note is text up to {NOTE_MAX:,} characters.", "note"))
    follow_ups = _check_follow_ups(follow_up, outcome, problems)
    when = at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        problems.append(Problem("The call cannot be in the future.", "at"))
    if problems:
        raise ValidationFailed(problems)

    with audit.batched():
        attempt = CallAttempt.objects.create(
            entry=locked, at=when, by=user, outcome=outcome, note=note.strip()
        )
        audit.record_create(user, attempt)
        before = audit.snapshot(locked)
        locked.status = _STATUS[CallAttempt.Outcome(outcome)]
        locked.save(update_fields=["status"])
        audit.record_update(user, locked, before, reason=f"call: {attempt.get_outcome_display().lower()}")
        response = None
        if completed:
            month = when.astimezone(months.LONDON).date().replace(day=1)
            response = SurveyResponse.objects.create(
                questionnaire=call_list.version.questionnaire,
                version=call_list.version,
                response_id=f"call-{call_list.pk}-{locked.position}",
                month=month,
                area=call_list.area,
                neighbourhood_id=locked.incident.neighbourhood_id,
                ethnicity=about.ethnicity,
                age_band=about.age_band,
                disability=about.disability,
                source=SurveyResponse.Source.CALL,
                entry=locked,
                content_hash=content_hash(month, call_list.area_id, about, clean),
                created_by=user,
            )
            SurveyAnswer.objects.bulk_create(
                [
                    SurveyAnswer(
                        response=response,
                        question=code,
                        value=value if isinstance(value, int) else None,
                        text=value if isinstance(value, str) else "",
                    )
                    for code, value in clean.items()
                ]
            )
            audit.record_create(user, response)
        raised = []
        for reason, text in follow_ups:
            task = SurveyFollowUp.objects.create(
                entry=locked,
                area=call_list.area,
                neighbourhood_id=locked.incident.neighbourhood_id,
                reason=reason,
                note=text,
                created_by=user,
            )
            audit.record_create(user, task)
            raised.append(task)
    return AttemptResult(attempt, response, raised)


# --- officers' agreement and the team's follow-ups -------------------------------------------------------


@transaction.atomic
def clear_for_survey(user: User, person: Person | int, note: str) -> SurveyClearance:
    """An officer agrees that a victim in an open High-risk case may be called for the survey (the
    note says why it is safe and welcome). Officers and supervisors who manage cases may agree."""
    if not user.can("surveys.clear"):
        raise PermissionRefused("Only an officer or supervisor who manages cases may agree to a survey call.")
    problems: list[Problem] = []
    who = person if isinstance(person, Person) else Person.objects.filter(pk=person).first()
    if who is None:
        problems.append(Problem(f"There is no person {person!r}.", "person"))
    text = note.strip() if isinstance(note, str) else ""
    if not text:
        problems.append(Problem("Say why a survey call is safe and welcome.", "note"))
    elif len(text) > 500:
        problems.append(Problem("The note is up to 500 characters.", "note"))
    if problems:
        raise ValidationFailed(problems)
    assert who is not None
    clearance = SurveyClearance.objects.create(person=who, agreed_by=user, note=text)
    audit.record_create(user, clearance)
    return clearance


@transaction.atomic
def complete_follow_up(user: User, follow_up: SurveyFollowUp | int) -> SurveyFollowUp:
    """The neighbourhood team marks a follow-up done."""
    pk = follow_up.pk if isinstance(follow_up, SurveyFollowUp) else follow_up
    task = SurveyFollowUp.objects.select_for_update().get(pk=pk)
    if not (user.can("incidents.inbox") and user.can_see_area(task.area_id)):
        raise PermissionRefused("Only the neighbourhood team marks its follow-ups done.")
    if task.done_at is not None:
        raise ValidationFailed([Problem("This follow-up is already done.", "follow_up")])
    before = audit.snapshot(task)
    task.done_at, task.done_by = timezone.now(), user
    task.save(update_fields=["done_at", "done_by"])
    audit.record_update(user, task, before, reason="follow-up done")
    return task
