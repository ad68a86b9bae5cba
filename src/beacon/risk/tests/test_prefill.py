"""What the caller said reaches the officer: the assessment form opens with the screening answers
(and what Beacon's records say) prefilled and marked with where each came from, the officer
confirms them with one tick before saving, and the form shows the score so far as they answer,
scored as saving scores it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.incidents.models import Channel, Incident, ScreeningSet
from beacon.people.models import ContactRecord, Person
from beacon.people.selectors import known_as
from beacon.people.services import record_kwargs
from beacon.risk import prefill, scoring, services
from beacon.risk.models import Assessment, InstrumentVersion
from beacon.risk.tests.factories import (
    HIGH,
    STANDARD,
    example_version,
    make_incident,
    simple_instrument,
)

pytestmark = pytest.mark.django_db

CALLER_SAID = {
    "danger_now": "no",
    "happened_before": "yes",
    "reported_elsewhere": "no",
    "feel_targeted": "no",
    "household_disability": "yes",
    "threats_or_damage": "yes",
    "impact": "A lot",
}
# What those answers and the records prefill in the example instrument.
PREFILLED = {
    "incidents_recent": "1",
    "targeted_before": "yes",
    "hate": "no",
    "disability_health": "yes",
    "age": "65_or_over",
    "daily_life": "a_lot",
    "threats_damage": "yes",
}


def _record(person: Person | None = None, dob: str = "") -> ContactRecord:
    person = person or Person.objects.create()
    raw = {"forename": "Alys", "surname": "Penhallow", **({"dob": dob} if dob else {})}
    return ContactRecord.objects.create(person=person, source="incident", **record_kwargs(raw, strict=False))


@pytest.fixture
def victim() -> ContactRecord:
    return _record(dob="07/03/1950")


@pytest.fixture
def incident(town: dict[str, Any], victim: ContactRecord) -> Incident:
    """The call the assessment follows (in the Market, a priority neighbourhood: 2 points), with the
    caller's screening answers; and the victim's other incidents: one in the last 90 days, one
    before, one as a witness."""
    now = timezone.now()
    incident = make_incident(
        area=town["north"],
        neighbourhood=town["market"],
        point=town["in_market"],
        victims=[("caller", victim)],
        received_at=now - dt.timedelta(days=2),
    )
    incident.screening_set = ScreeningSet.objects.get(version=1)
    incident.answers = CALLER_SAID
    incident.save(update_fields=["screening_set", "answers"])
    same = victim.person
    make_incident(
        area=town["south"], victims=[("victim", _record(same))], received_at=now - dt.timedelta(days=30)
    )
    make_incident(
        area=town["north"], victims=[("caller", _record(same))], received_at=now - dt.timedelta(days=120)
    )
    make_incident(
        area=town["north"], victims=[("witness", _record(same))], received_at=now - dt.timedelta(days=5)
    )
    return incident


def assess_url(incident: Incident, record: ContactRecord) -> str:
    return f"{reverse('risk:assess')}?incident={incident.pk}&person={record.person_id}"


def score_url(incident: Incident) -> str:
    return f"{reverse('risk:assess_score')}?incident={incident.pk}"


def form_data(
    answers: dict[str, Any], version: InstrumentVersion | None = None, **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {f"answer_{k}": str(v) for k, v in answers.items()}
    data["instrument_version"] = str((version or example_version()).pk)
    data["completed_as"] = "attending"
    data.update(extra)
    return data


def question(html: str, key: str) -> str:
    """One question's markup on the form."""
    start = html.index(f'data-question="{key}"')
    end = html.find('data-question="', start + 1)
    return html[start : end if end > 0 else len(html)]


def checked(html: str, key: str) -> str | None:
    """The answer the form shows for a question: the radio checked, or the box's value."""
    block = question(html, key)
    radio = re.search(r'value="([^"]*)" checked', block)
    if radio:
        return radio.group(1)
    box = re.search(r'<input class="govuk-input[^>]*value="([^"]*)"', block)
    return box.group(1) if box and box.group(1) else None


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def running(html: str) -> str:
    return text_of(html.split('data-testid="score-so-far">', 1)[1].split("</p>", 1)[0])


# ---------------------------------------------------------------------------------------------
# The form opens prefilled


def test_the_form_opens_with_the_callers_answers_prefilled_and_marked_with_their_source(
    client_for: Callable[..., Client], officer: User, incident: Incident, victim: ContactRecord
) -> None:
    response = client_for(officer).get(assess_url(incident, victim))
    assert response.status_code == 200
    html = response.content.decode()
    for key, value in PREFILLED.items():
        assert checked(html, key) == value, key
    for key in ("afraid", "alone", "children", "getting_worse", "not_acted_upon"):  # not asked at the call
        assert checked(html, key) is None and "confirm with the victim" not in question(html, key)

    on = date_format(timezone.localtime(incident.received_at), "j F Y")
    disability = question(html, "disability_health")
    assert "From the call — confirm with the victim" in disability
    assert (
        f"From the call on {on}: yes to “Is anyone in your household disabled or living with a "
        "long-term illness?”" in disability
    )
    assert 'aria-describedby="id_answer_disability_health-source"' in disability
    assert 'id="id_answer_disability_health-source"' in disability
    daily = question(html, "daily_life")
    assert f"From the call on {on}: “A lot” to “How much is this affecting you or your family?”" in daily
    recent = question(html, "incidents_recent")
    assert "From Beacon&#x27;s records — confirm with the victim" in recent
    assert "From Beacon&#x27;s records: 1 other incident in the last 90 days" in recent
    assert 'aria-describedby="id_answer_incidents_recent-hint id_answer_incidents_recent-source"' in recent
    assert "born 7 March 1950" in question(html, "age")

    for key in PREFILLED:
        assert f'<input type="hidden" name="prefilled" value="{key}">' in html
    assert (
        "I have confirmed each answer marked “From the call” or “From Beacon&#x27;s records” with the victim"
        in html
    )
    assert 'name="confirm_prefilled" type="checkbox" value="yes">' in html  # required, not ticked
    # The score so far, with the prefilled answers: 1 + 3 + 3 + 2 + 3 + 3, and 2 for the Market.
    assert running(html) == "Score so far: 17 points — Medium"
    assert "Medium from 10, High from 20." in html and "5 questions not answered yet" in html
    assert 'aria-live="polite"' in html and f'hx-post="{score_url(incident)}"' in html


def test_saving_without_the_confirmation_is_refused_at_the_checkbox_and_nothing_is_saved(
    client_for: Callable[..., Client], officer: User, incident: Incident, victim: ContactRecord
) -> None:
    client = client_for(officer)
    answers = {**STANDARD, **PREFILLED, "hate": "yes"}  # the victim told the officer otherwise
    data = form_data(answers, prefilled=list(PREFILLED))
    response = client.post(assess_url(incident, victim), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_confirm_prefilled">Confirm each answer marked' in html
    assert (
        'id="id_confirm_prefilled-error"' in html and 'aria-describedby="id_confirm_prefilled-error"' in html
    )
    for key, value in answers.items():
        assert checked(html, key) == str(value), key  # as posted, the change kept
    assert "From the call — confirm with the victim" in question(html, "hate")  # still marked
    assert html.count('name="prefilled"') == len(PREFILLED)
    assert not Assessment.objects.exists()

    response = client.post(assess_url(incident, victim), {**data, "confirm_prefilled": "yes"})
    assert response.status_code == 302
    saved = Assessment.objects.get()
    assert saved.answers == {**answers, "incidents_recent": 1}
    assert saved.score == 21 and saved.level == "high"  # 17 as prefilled, and 4 for hate


def test_the_missing_confirmation_is_listed_with_every_other_problem(
    client_for: Callable[..., Client], officer: User, incident: Incident, victim: ContactRecord
) -> None:
    data = form_data(PREFILLED, prefilled=list(PREFILLED), completed_as="")
    response = client_for(officer).post(assess_url(incident, victim), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_answer_afraid">' in html and '<a href="#id_completed_as">' in html
    assert '<a href="#id_confirm_prefilled">' in html
    assert not Assessment.objects.exists()


def test_an_instrument_without_those_questions_gets_nothing_prefilled(
    client_for: Callable[..., Client], officer: User, incident: Incident, victim: ContactRecord
) -> None:
    simple = simple_instrument()  # asks "impact" and "repeat", neither the screening's own
    services.save_settings(None, assessment_due_hours=72, instrument=simple.instrument)
    client = client_for(officer)
    html = client.get(assess_url(incident, victim)).content.decode()
    assert "Happened before?" in html
    assert 'name="prefilled"' not in html and 'name="confirm_prefilled"' not in html
    assert "confirm with the victim" not in html
    assert checked(html, "impact") is None and checked(html, "repeat") is None
    assert running(html) == "Score so far: 2 points — Standard"  # the Market's 2 points only
    answers = {"repeat": "yes", "impact": "high", "count": "1"}
    response = client.post(assess_url(incident, victim), form_data(answers, simple))
    assert response.status_code == 302 and Assessment.objects.get().score == 3 + 4 + 2 + 2


def test_a_mapped_answer_the_question_does_not_offer_is_not_prefilled(
    incident: Incident, victim: ContactRecord
) -> None:
    version = InstrumentVersion(
        questions=[
            {
                "key": "hate",
                "text": "Hate?",
                "kind": "choice",
                "choices": [{"value": "maybe", "label": "Maybe"}],
                "points": {},
            },
            {"key": "daily_life", "text": "Daily life?", "kind": "yes_no", "points": {}},
            {"key": "threats_damage", "text": "Threats?", "kind": "yes_no", "points": {}},
            {"key": "incidents_recent", "text": "Recent?", "kind": "number", "max": 0},
            {
                "key": "age",
                "text": "Age?",
                "kind": "choice",
                "choices": [{"value": "adult", "label": "Adult"}],
            },
        ],
        location_weights=[],
        thresholds={"medium": 1, "high": 2},
    )
    found = prefill.prefill(
        version, incident, victim.person_id, known=known_as([victim.person_id])[victim.person_id]
    )
    assert list(found) == ["threats_damage"]
    assert found["threats_damage"].value == "yes" and found["threats_damage"].source == "call"


@pytest.mark.parametrize(
    ("years", "band"),
    [(10, "under_18"), (17, "under_18"), (18, "18_to_64"), (64, "18_to_64"), (65, "65_or_over")],
)
def test_the_age_is_banded_from_the_date_of_birth_beacon_holds(
    town: dict[str, Any], years: int, band: str
) -> None:
    born = dt.date(timezone.localdate().year - years, 1, 1)  # their birthday this year has passed
    record = _record(dob=born.isoformat())
    incident = make_incident(area=town["north"], victims=[("caller", record)], channel=Channel.PATROL)
    found = prefill.prefill(
        example_version(), incident, record.person_id, known=known_as([record.person_id])[record.person_id]
    )
    assert found["age"].value == band and found["age"].tag == "From Beacon's records"
    assert f"so {years} years old" in found["age"].text
    assert "incidents_recent" not in found  # no other incident on record: the officer asks


def test_a_report_not_taken_by_phone_says_so(
    client_for: Callable[..., Client], officer: User, incident: Incident, victim: ContactRecord
) -> None:
    incident.channel = Channel.FRONT_COUNTER
    incident.save(update_fields=["channel"])
    html = client_for(officer).get(assess_url(incident, victim)).content.decode()
    assert "From the report — confirm with the victim" in question(html, "hate")
    assert "From the call" not in html


# ---------------------------------------------------------------------------------------------
# The score so far


def test_the_score_endpoint_gives_the_score_and_level_saving_gives(
    client_for: Callable[..., Client], officer: User, incident: Incident, victim: ContactRecord
) -> None:
    client = client_for(officer)
    events = AuditEvent.objects.count()
    for answers in (STANDARD, HIGH, {**STANDARD, "hate": "yes", "afraid": "yes"}):
        response = client.post(score_url(incident), form_data(answers), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        shown = running(response.content.decode())
        assert AuditEvent.objects.count() == events  # nothing read from anyone's details, nothing written
        saved, _case = services.record_assessment(
            officer, incident=incident, victim=victim.person, completed_as="attending", answers=answers
        )
        assert shown == f"Score so far: {saved.score} points — {scoring.level_label(saved.level)}"
        events = AuditEvent.objects.count()
    assert Assessment.objects.count() == 3 and Assessment.objects.get(score=26).level == "high"  # 24 + 2


def test_the_score_so_far_counts_unanswered_and_unscorable_answers_as_nothing(
    client_for: Callable[..., Client], officer: User, incident: Incident
) -> None:
    answers = {"hate": "yes", "incidents_recent": "several", "afraid": ""}
    response = client_for(officer).post(score_url(incident), form_data(answers))
    html = response.content.decode()
    assert running(html) == "Score so far: 6 points — Standard"  # 4, and 2 for the Market
    assert "Includes 2 points for where it happened." in html
    assert "10 questions not answered yet, counted as 0." in html
    assert "1 answer cannot be scored as given, counted as 0." in html
    assert not Assessment.objects.exists()


def test_the_score_endpoint_answers_only_in_the_officers_areas_and_to_assessors(
    client_for: Callable[..., Client],
    make_user: Callable[..., User],
    town: dict[str, Any],
    incident: Incident,
) -> None:
    southerner = make_user(Role.OFFICER)
    southerner.areas.add(town["south"])
    assert client_for(southerner).post(score_url(incident), form_data(STANDARD)).status_code == 404
    handler = client_for(role=Role.CALL_HANDLER, all_areas=True)
    assert handler.post(score_url(incident), form_data(STANDARD)).status_code == 403
    officer = client_for(role=Role.OFFICER, all_areas=True)
    assert officer.get(score_url(incident)).status_code == 405
    assert officer.post(reverse("risk:assess_score"), form_data(STANDARD)).status_code == 404


def test_running_score_is_score_once_everything_is_answered(town: dict[str, Any]) -> None:
    v = example_version()
    where = scoring.LocationContext("TN1", "Market", "priority", ("Operation Lantern",))
    for answers in (STANDARD, HIGH):
        full = scoring.score(v.questions, v.location_weights, v.thresholds, answers, where)
        so_far = scoring.running_score(v.questions, v.location_weights, v.thresholds, answers, where)
        assert (so_far.score, so_far.level, so_far.unanswered, so_far.unscored) == (
            full.score,
            full.level,
            0,
            [],
        )
        assert so_far.result.contributions == full.contributions
