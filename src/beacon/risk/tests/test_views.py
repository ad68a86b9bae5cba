"""The risk pages: who may open which, the assessment form from the version's data with errors per
question, the assessment page (logged) with its review, the victim's history, the supervisor's
lists (bounded queries), and the administrator's draft, preview and publish (the draft editor itself
is tested in test_editor)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beacon.cases.models import Case
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.incidents.models import Incident
from beacon.people.models import ContactRecord
from beacon.risk import services
from beacon.risk.models import Assessment, Instrument, InstrumentVersion
from beacon.risk.tests.factories import HIGH, STANDARD, example_version, make_incident, person_record
from beacon.risk.tests.test_editor import editor_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim() -> ContactRecord:
    return person_record()


@pytest.fixture
def incident(town: dict[str, Any], victim: ContactRecord) -> Incident:
    return make_incident(area=town["north"], neighbourhood=town["docks"], victims=[("caller", victim)])


@pytest.fixture
def assessment(officer: User, incident: Incident, victim: ContactRecord) -> Assessment:
    return services.complete_assessment(
        officer, completed_as="attending", incident=incident, victim=victim.person, answers=STANDARD
    )


def form_data(
    answers: dict[str, Any], version: InstrumentVersion | None = None, **extra: str
) -> dict[str, Any]:
    data = {f"answer_{k}": str(v) for k, v in answers.items()}
    data["instrument_version"] = str((version or example_version()).pk)
    data["completed_as"] = "attending"
    data.update(extra)
    return data


def assess_url(incident: Incident, person_id: int | None = None) -> str:
    url = f"{reverse('risk:assess')}?incident={incident.pk}"
    return url + (f"&person={person_id}" if person_id else "")


# ---------------------------------------------------------------------------------------------
# Who may open which page


def test_every_page_answers_each_role_as_its_capabilities_say(
    client_for: Callable[..., Client], assessment: Assessment, incident: Incident, victim: ContactRecord
) -> None:
    pages = {
        assess_url(incident, victim.person_id): "risk.assess",
        reverse("risk:detail", args=[assessment.pk]): "risk.view",
        reverse("risk:person", args=[victim.person_id]): "risk.view",
        reverse("risk:reviews"): "risk.review",
        reverse("risk:due"): "risk.review",
        reverse("risk:instruments"): "risk.configure",
        reverse("risk:instrument_new"): "risk.configure",
        reverse("risk:instrument", args=["asb-vulnerability"]): "risk.configure",
        reverse("risk:version", args=["asb-vulnerability", 1]): "risk.configure",
    }
    for role in Role:
        client = client_for(role=role, all_areas=True)
        user = User.objects.get(pk=int(client.session["_auth_user_id"]))
        for url, capability in pages.items():
            expected = 200 if user.can(capability) else 403
            assert client.get(url).status_code == expected, (role, url)


def test_call_handlers_and_partners_are_refused_an_assessment_and_nothing_is_logged(
    client_for: Callable[..., Client], assessment: Assessment
) -> None:
    for role in (Role.CALL_HANDLER, Role.PARTNER):
        response = client_for(role=role, all_areas=True).get(reverse("risk:detail", args=[assessment.pk]))
        assert response.status_code == 403
    assert not AuditEvent.objects.filter(model="assessment", action="read").exists()


def test_assessments_outside_the_users_areas_are_not_found(
    client_for: Callable[..., Client],
    make_user: Callable[..., User],
    assessment: Assessment,
    town: dict[str, Any],
) -> None:
    southerner = make_user(Role.SUPERVISOR)
    southerner.areas.add(town["south"])
    client = client_for(southerner)
    assert client.get(reverse("risk:detail", args=[assessment.pk])).status_code == 404
    assert assessment.pk not in [
        int(e.object_pk) for e in AuditEvent.objects.filter(model="assessment", action="read")
    ]


# ---------------------------------------------------------------------------------------------
# Completing an assessment


def test_the_form_asks_the_published_versions_questions_about_the_victim(
    client_for: Callable[..., Client], officer: User, incident: Incident, victim: ContactRecord
) -> None:
    response = client_for(officer).get(assess_url(incident))  # the only victim is chosen
    assert response.status_code == 200
    html = response.content.decode()
    for q in example_version().questions:
        assert q["text"].replace("'", "&#x27;") in html
    assert 'id="id_answer_hate"' in html and 'id="id_answer_hate_2"' in html
    assert 'name="answer_incidents_recent"' in html and 'inputmode="numeric"' in html
    assert "Alys Penhallow" in html
    assert AuditEvent.objects.filter(model="incident", object_pk=str(incident.pk), action="read").exists()
    assert AuditEvent.objects.filter(model="person", object_pk=str(victim.person_id), action="read").exists()


def test_with_several_victims_the_officer_chooses_who_to_assess(
    client_for: Callable[..., Client], officer: User, town: dict[str, Any]
) -> None:
    a, b = person_record(forename="Ceri"), person_record(forename="Dafydd")
    witness = person_record(forename="Eirlys")
    incident = make_incident(area=town["north"], victims=[("caller", a), ("victim", b), ("witness", witness)])
    client = client_for(officer)
    page = client.get(assess_url(incident)).content.decode()
    assert "Who are you assessing?" in page and "Ceri" in page and "Dafydd" in page and "Eirlys" not in page
    assert client.get(assess_url(incident, witness.person_id)).status_code == 404
    assert "Dafydd Penhallow" in client.get(assess_url(incident, b.person_id)).content.decode()


def test_problems_are_shown_in_the_summary_and_on_each_question(
    client_for: Callable[..., Client], officer: User, incident: Incident, victim: ContactRecord
) -> None:
    answers = {**STANDARD, "incidents_recent": "several"}
    del answers["hate"]
    response = client_for(officer).post(assess_url(incident, victim.person_id), form_data(answers))
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_answer_hate">' in html and '<a href="#id_answer_incidents_recent">' in html
    assert 'id="id_answer_hate-error"' in html and "&#x27;several&#x27; is not a whole number" in html
    assert 'value="no" checked' in html  # answers given are kept
    assert not Assessment.objects.exists()


def test_a_high_assessment_is_saved_opens_a_case_and_shows_its_points(
    client_for: Callable[..., Client], officer: User, incident: Incident, victim: ContactRecord
) -> None:
    client = client_for(officer)
    response = client.post(
        assess_url(incident, victim.person_id), form_data(HIGH, officer_note="Very frightened.")
    )
    a = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("risk:detail", args=[a.pk])
    assert (a.level, a.score, a.officer_note) == ("high", 24, "Very frightened.")
    case = Case.objects.get(opened_from=a)
    page = client.get(response["Location"]).content.decode()
    assert "Assessment saved: 24 points, High risk." in page and str(case) in page
    assert "Does the victim think they are picked on because of who they are?" in page
    assert "65 or over" in page  # a choice shown by its label


def test_a_form_opened_before_a_new_version_was_published_is_refused_keeping_the_answers(
    client_for: Callable[..., Client],
    officer: User,
    incident: Incident,
    victim: ContactRecord,
    make_user: Any,
) -> None:
    admin = make_user(Role.ADMIN)
    v1 = example_version()
    v2 = services.publish(admin, services.new_draft(admin, v1.instrument))
    response = client_for(officer).post(assess_url(incident, victim.person_id), form_data(HIGH, v1))
    assert response.status_code == 409
    html = response.content.decode()
    assert "is not in use (version 2 is)" in html and f'value="{v2.pk}"' in html
    assert 'value="yes" checked' in html
    assert not Assessment.objects.exists()


# ---------------------------------------------------------------------------------------------
# An assessment and its review


def test_the_assessment_page_logs_the_read_and_shows_history(
    client_for: Callable[..., Client],
    officer: User,
    sergeant: User,
    incident: Incident,
    victim: ContactRecord,
    assessment: Assessment,
) -> None:
    later = services.complete_assessment(
        officer, completed_as="attending", incident=incident, victim=victim.person, answers=HIGH
    )
    response = client_for(sergeant).get(reverse("risk:detail", args=[assessment.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("risk:detail", args=[later.pk]) in html  # history
    assert reverse("risk:person", args=[victim.person_id]) in html
    assert "Record the review" in html
    read = AuditEvent.objects.filter(
        model="assessment", object_pk=str(assessment.pk), action="read", actor=sergeant
    )
    assert read.filter(reason="viewing risk assessment").count() == 1


def test_the_assessing_officer_sees_no_review_form(
    client_for: Callable[..., Client], sergeant: User, incident: Incident, victim: ContactRecord
) -> None:
    own = services.complete_assessment(
        sergeant, completed_as="attending", incident=incident, victim=victim.person, answers=STANDARD
    )
    html = client_for(sergeant).get(reverse("risk:detail", args=[own.pk])).content.decode()
    assert "Record the review" not in html and "Another supervisor reviews" in html


def test_a_supervisor_changes_the_level_with_a_reason(
    client_for: Callable[..., Client], sergeant: User, assessment: Assessment
) -> None:
    client = client_for(sergeant)
    url = reverse("risk:review", args=[assessment.pk])
    response = client.post(url, {"decision": "change", "level": "medium", "version": "1"})
    assert response.status_code == 400
    assert '<a href="#id_reason">' in response.content.decode()
    response = client.post(
        url, {"decision": "change", "level": "medium", "reason": "Escalating.", "version": "1"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.effective_level == "medium" and assessment.review_reason == "Escalating."
    html = client.get(response["Location"]).content.decode()
    assert "Level changed by" in html and "Standard to Medium" in html
    assert Case.objects.filter(risk_level="medium").count() == 1


def test_a_stale_review_shows_what_changed_and_keeps_the_first(
    client_for: Callable[..., Client], sergeant: User, north_user: Callable[..., User], assessment: Assessment
) -> None:
    services.review_assessment(sergeant, assessment, expected_version=1, agree=True)
    other = client_for(north_user(Role.SUPERVISOR))
    response = other.post(
        reverse("risk:review", args=[assessment.pk]),
        {"decision": "change", "level": "high", "reason": "Worse.", "version": "1"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Your changes were not saved" in html and "ps_north" in html
    assessment.refresh_from_db()
    assert assessment.review_decision == "agreed"


def test_the_victims_history_page_lists_and_logs_each_assessment(
    client_for: Callable[..., Client], sergeant: User, assessment: Assessment, victim: ContactRecord
) -> None:
    response = client_for(sergeant).get(reverse("risk:person", args=[victim.person_id]))
    assert (
        response.status_code == 200
        and f'data-testid="assessment-{assessment.pk}"' in response.content.decode()
    )
    assert AuditEvent.objects.filter(
        model="assessment",
        object_pk=str(assessment.pk),
        action="read",
        reason="victim's risk assessment history",
    ).exists()


# ---------------------------------------------------------------------------------------------
# The supervisor's lists


def test_the_lists_read_a_bounded_number_of_times(
    client_for: Callable[..., Client],
    sergeant: User,
    officer: User,
    town: dict[str, Any],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    old = timezone.now() - dt.timedelta(days=5)
    for i in range(12):
        record = person_record(forename=f"Name{i}")
        incident = make_incident(
            area=town["north"], vulnerable=True, received_at=old, victims=[("caller", record)]
        )
        if i % 2:
            services.complete_assessment(
                officer, completed_as="attending", incident=incident, victim=record.person, answers=STANDARD
            )
            make_incident(
                area=town["north"], repeat=True, received_at=old, victims=[("victim", person_record())]
            )
    client = client_for(sergeant)
    with django_assert_max_num_queries(10):
        reviews = client.get(reverse("risk:reviews"))
    with django_assert_max_num_queries(14):
        due = client.get(reverse("risk:due"))
    with django_assert_max_num_queries(11):
        history = client.get(reverse("risk:person", args=[Assessment.objects.first().victim_id]))
    assert reviews.content.decode().count('data-testid="assessment-') == 6
    assert due.content.decode().count('data-testid="due-') == 12
    assert history.status_code == 200
    assert AuditEvent.objects.filter(action="read", reason="risk assessments awaiting review").count() == 6


# ---------------------------------------------------------------------------------------------
# Administration: draft, preview, publish


@pytest.fixture
def admin_client(client_for: Callable[..., Client]) -> Client:
    return client_for(role=Role.ADMIN, username="risk_admin", all_areas=True)


def test_an_administrator_drafts_previews_and_publishes_a_new_version(admin_client: Client) -> None:
    response = admin_client.post(reverse("risk:new_draft", args=["asb-vulnerability"]))
    assert response["Location"] == reverse("risk:version", args=["asb-vulnerability", 2])
    draft = InstrumentVersion.objects.get(version=2)
    page = admin_client.get(response["Location"]).content.decode()
    assert "Edit the draft" in page and "Publish version 2" in page

    fields = editor_fields(admin_client.get(response["Location"]))
    fields.update({"thresholds-medium": "6", "thresholds-high": "12", "note": "Lower thresholds"})
    assert admin_client.post(response["Location"], {**fields, "action": "save"}).status_code == 302
    draft.refresh_from_db()
    assert draft.thresholds == {"medium": 6, "high": 12} and draft.note == "Lower thresholds"
    assert draft.questions == example_version().questions

    preview_url = reverse("risk:version_preview", args=["asb-vulnerability", 2])
    sample = {f"answer_{k}": str(v) for k, v in {**STANDARD, "hate": "yes", "afraid": "yes"}.items()}
    partial = admin_client.post(preview_url, sample, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in html
    assert "Medium: 7 points" in html
    assert not Assessment.objects.exists()

    response = admin_client.post(
        reverse("risk:version_publish", args=["asb-vulnerability", 2]), {"revision": "2"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and example_version().status == "retired"


def test_preview_problems_are_listed_and_shown_on_each_question(
    admin_client: Client, town: dict[str, Any]
) -> None:
    url = reverse("risk:version_preview", args=["asb-vulnerability", 1])
    partial = admin_client.post(
        url, {"answer_hate": "yes", "neighbourhood": "ZZ9"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "These answers cannot be scored" in partial
    assert '<a href="#id_answer_afraid">' in partial and 'id="id_answer_afraid-error"' in partial
    assert "no neighbourhood with code" in partial
    whole = admin_client.post(
        url,
        {**{f"answer_{k}": str(v) for k, v in STANDARD.items()}, "neighbourhood": "TN1", "in_priority": "on"},
    ).content.decode()
    assert "<html" in whole and "Standard: 3 points" in whole


def test_a_published_version_has_no_editor_and_cannot_be_published_again(admin_client: Client) -> None:
    page = admin_client.get(reverse("risk:version", args=["asb-vulnerability", 1])).content.decode()
    assert "Edit the draft" not in page and "Try it with sample answers" in page
    response = admin_client.post(reverse("risk:version_publish", args=["asb-vulnerability", 1]))
    assert response.status_code == 400 and "never changed" in response.content.decode()


def test_an_administrator_creates_an_instrument_and_chooses_it_in_the_settings(admin_client: Client) -> None:
    response = admin_client.post(reverse("risk:instrument_new"), {"name": "Bad Name", "title": ""})
    assert response.status_code == 400
    response = admin_client.post(
        reverse("risk:instrument_new"), {"name": "force-risk", "title": "Force risk"}
    )
    assert response["Location"] == reverse("risk:version", args=["force-risk", 1])
    draft = InstrumentVersion.objects.get(instrument__name="force-risk")
    admin_client.post(
        reverse("risk:version_publish", args=["force-risk", 1]), {"revision": str(draft.revision)}
    )
    instrument = Instrument.objects.get(name="force-risk")
    response = admin_client.post(
        reverse("risk:instruments"), {"instrument": str(instrument.pk), "assessment_due_hours": "48"}
    )
    assert response.status_code == 302
    page = admin_client.get(reverse("risk:instruments")).content.decode()
    assert "Force risk" in page and "In use" in page


def test_a_note_that_is_too_long_is_refused_keeping_the_answers(
    client_for: Callable[..., Client], officer: User, incident: Incident, victim: ContactRecord
) -> None:
    response = client_for(officer).post(
        assess_url(incident, victim.person_id), form_data(HIGH, officer_note="x" * 4001)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_officer_note">' in html and 'value="65_or_over" checked' in html
    assert not Assessment.objects.exists()


def test_the_officer_says_in_what_capacity_with_every_other_problem(
    client_for: Callable[..., Client], officer: User, incident: Incident, victim: ContactRecord
) -> None:
    data = form_data({**STANDARD, "hate": "perhaps"}, completed_as="")
    response = client_for(officer).post(assess_url(incident, victim.person_id), data)
    html = response.content.decode()
    assert response.status_code == 400 and not Assessment.objects.exists()
    problem = "Say whether you attended the incident or are investigating it."
    assert f'<a href="#id_completed_as">{problem}</a>' in html
    assert "answer_hate" in html  # the answer's problem is reported in the same response
    response = client_for(officer).post(
        assess_url(incident, victim.person_id), form_data(STANDARD, completed_as="investigating")
    )
    assert response.status_code == 302
    a = Assessment.objects.get()
    assert a.completed_as == "investigating"
    assert "(investigating officer)" in client_for(officer).get(response["Location"]).content.decode()
