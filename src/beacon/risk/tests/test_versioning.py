"""Instruments are versioned: a draft is edited, publishing retires the version before, a published
version is never changed, and an assessment keeps the version, score and level it was given."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.risk import scoring, selectors, services
from beacon.risk.examples import EXAMPLE_NAME
from beacon.risk.models import Assessment, Instrument, InstrumentVersion, RiskSettings
from beacon.risk.tests.factories import MEDIUM, example_version, make_incident, person_record

pytestmark = pytest.mark.django_db

Status = InstrumentVersion.Status


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN, username="risk_admin", all_areas=True)


def test_the_example_instrument_and_default_settings_are_shipped() -> None:
    instrument = Instrument.objects.get(name=EXAMPLE_NAME)
    assert instrument.is_example and "example" in instrument.description
    v1 = example_version()
    assert v1.status == Status.PUBLISHED and v1.published_at is not None
    assert scoring.check_definition(v1.questions, v1.location_weights, v1.thresholds) == []
    kinds = {q["kind"] for q in v1.questions}
    assert kinds == {"yes_no", "choice", "number", "text"}
    assert any(w["when"] == "neighbourhood_grade:priority" for w in v1.location_weights)
    settings = RiskSettings.current()
    assert settings.instrument == instrument and settings.assessment_due_hours == 72
    assert selectors.current_version() == v1


def _raise_thresholds(draft: InstrumentVersion) -> dict[str, Any]:
    return {
        "questions": draft.questions,
        "location_weights": draft.location_weights,
        "thresholds": {"medium": 12, "high": 20},
    }


def test_a_new_draft_copies_the_latest_version_and_there_is_one_draft_at_a_time(admin: User) -> None:
    instrument = Instrument.objects.get(name=EXAMPLE_NAME)
    draft = services.new_draft(admin, instrument)
    assert (draft.version, draft.status) == (2, Status.DRAFT)
    assert draft.questions == example_version().questions
    assert services.new_draft(admin, instrument).pk == draft.pk
    assert selectors.current_version() == example_version()  # the draft is not used yet


def test_publishing_retires_the_version_before_and_new_assessments_use_it(admin: User) -> None:
    instrument = Instrument.objects.get(name=EXAMPLE_NAME)
    draft = services.new_draft(admin, instrument)
    draft = services.save_draft(
        admin, draft, **_raise_thresholds(draft), note="Medium from 12", expected_revision=1
    )
    assert draft.revision == 2
    published = services.publish(admin, draft, expected_revision=2)
    assert published.status == Status.PUBLISHED and published.published_by == admin
    assert example_version().status == Status.RETIRED
    assert selectors.current_version() == published
    assert AuditEvent.objects.filter(model="instrumentversion", reason="published").count() == 1
    assert AuditEvent.objects.filter(model="instrumentversion", reason="replaced by version 2").count() == 1


def test_a_published_version_is_never_changed(admin: User) -> None:
    v1 = example_version()
    with pytest.raises(ValidationFailed, match="never changed"):
        services.save_draft(admin, v1, **_raise_thresholds(v1))
    with pytest.raises(ValidationFailed, match="never changed"):
        services.publish(admin, v1)
    v1.refresh_from_db()
    assert v1.thresholds == {"medium": 10, "high": 20}


def test_a_draft_with_problems_is_refused_naming_each(admin: User) -> None:
    draft = services.new_draft(admin, Instrument.objects.get(name=EXAMPLE_NAME))
    questions = copy.deepcopy(draft.questions)
    questions[1]["kind"] = "maybe"
    with pytest.raises(ValidationFailed) as exc:
        services.save_draft(
            admin, draft, questions=questions, location_weights=[{"when": "x"}], thresholds={"medium": 3}
        )
    assert [p.field for p in exc.value.problems] == [
        "questions[2].kind",
        "location_weights[1].when",
        "location_weights[1].points",
        "thresholds.high",
    ]
    draft.refresh_from_db()
    assert draft.questions == example_version().questions and draft.revision == 1


def test_two_editors_of_a_draft_never_overwrite_each_other(
    admin: User, make_user: Callable[..., User]
) -> None:
    other = make_user(Role.ADMIN, username="other_admin")
    draft = services.new_draft(admin, Instrument.objects.get(name=EXAMPLE_NAME))
    services.save_draft(other, draft, **_raise_thresholds(draft), expected_revision=1)
    with pytest.raises(EditConflict) as exc:
        services.save_draft(
            admin,
            draft,
            **{**_raise_thresholds(draft), "thresholds": {"medium": 1, "high": 2}},
            expected_revision=1,
        )
    assert exc.value.changed_by == "other_admin" and "thresholds" in exc.value.changes
    with pytest.raises(EditConflict):
        services.publish(admin, draft, expected_revision=1)
    draft.refresh_from_db()
    assert draft.thresholds == {"medium": 12, "high": 20} and draft.status == Status.DRAFT


def test_only_one_version_of_an_instrument_is_published_at_a_time() -> None:
    v1 = example_version()
    with pytest.raises(IntegrityError), transaction.atomic():
        InstrumentVersion.objects.create(
            instrument=v1.instrument, version=9, status=Status.PUBLISHED, questions=[], thresholds={}
        )


def test_only_administrators_configure_instruments(make_user: Callable[..., User]) -> None:
    instrument = Instrument.objects.get(name=EXAMPLE_NAME)
    for role in (Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.CALL_HANDLER, Role.PARTNER):
        user = make_user(role)
        with pytest.raises(PermissionRefused):
            services.new_draft(user, instrument)
        with pytest.raises(PermissionRefused):
            services.create_instrument(user, name="mine", title="Mine")
        with pytest.raises(PermissionRefused):
            services.save_settings(user, assessment_due_hours=24, instrument=instrument)
    assert InstrumentVersion.objects.count() == 1


def test_a_new_instrument_starts_with_a_draft_and_is_used_once_published_and_chosen(admin: User) -> None:
    draft = services.create_instrument(
        admin, name="force-risk", title="Force risk matrix", description="Ours"
    )
    assert (draft.version, draft.status) == (1, Status.DRAFT)
    with pytest.raises(ValidationFailed) as exc:
        services.save_settings(admin, assessment_due_hours=0, instrument=draft.instrument)
    assert [p.field for p in exc.value.problems] == ["assessment_due_hours", "instrument"]
    services.publish(admin, draft)
    services.save_settings(admin, assessment_due_hours=48, instrument=draft.instrument)
    assert selectors.current_version() == InstrumentVersion.objects.get(pk=draft.pk)
    assert RiskSettings.current().assessment_due_hours == 48
    with pytest.raises(ValidationFailed) as exc:
        services.create_instrument(admin, name="Force Risk!", title="")
    assert [p.field for p in exc.value.problems] == ["name", "title"]
    with pytest.raises(ValidationFailed, match="already named"):
        services.create_instrument(admin, name="force-risk", title="Again")


# ---------------------------------------------------------------------------------------------
# "Changing an instrument creates a new version; old assessments keep their level."


def test_changing_the_instrument_leaves_old_assessments_as_they_were(
    admin: User, officer: User, town: dict[str, Any]
) -> None:
    record = person_record()
    incident = make_incident(area=town["north"], neighbourhood=town["docks"], victims=[("caller", record)])
    old = services.complete_assessment(
        officer, completed_as="attending", incident=incident, victim=record.person, answers=MEDIUM
    )
    assert (old.score, old.level, old.instrument_version.version) == (10, "medium", 1)
    before = Assessment.objects.filter(pk=old.pk).values().get()

    # The administrator makes hate count for more and raises the Medium threshold.
    draft = services.new_draft(admin, Instrument.objects.get(name=EXAMPLE_NAME))
    questions = copy.deepcopy(draft.questions)
    hate = next(q for q in questions if q["key"] == "hate")
    hate["points"]["yes"] = 1
    draft = services.save_draft(
        admin,
        draft,
        questions=questions,
        location_weights=draft.location_weights,
        thresholds={"medium": 12, "high": 20},
        note="Hate scored separately",
    )
    v2 = services.publish(admin, draft)

    again = services.complete_assessment(
        officer, completed_as="attending", incident=incident, victim=record.person, answers=MEDIUM
    )
    assert (again.score, again.level, again.instrument_version) == (7, "standard", v2)
    assert Assessment.objects.filter(pk=old.pk).values().get() == before  # untouched
    old.refresh_from_db()
    assert (old.score, old.level, old.instrument_version.version) == (10, "medium", 1)
    assert old.instrument_version.status == Status.RETIRED
    assert next(c for c in old.contributions if c["question"] == "hate")["points"] == 4


def test_answers_given_to_a_version_no_longer_in_use_are_refused(
    admin: User, officer: User, town: dict[str, Any]
) -> None:
    record = person_record()
    incident = make_incident(area=town["north"], victims=[("caller", record)])
    v1 = example_version()
    services.publish(admin, services.new_draft(admin, v1.instrument))
    with pytest.raises(ValidationFailed) as exc:
        services.complete_assessment(
            officer,
            completed_as="attending",
            incident=incident,
            victim=record.person,
            answers=MEDIUM,
            version=v1,
        )
    assert exc.value.problems[0].field == "instrument_version"
    assert "version 2 is" in exc.value.problems[0].message
    assert not Assessment.objects.exists()
