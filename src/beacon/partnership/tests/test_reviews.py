"""ASB case reviews: opened on an application or because the threshold is met; the threshold
decision due in working days from receipt, the response in working days from the decision; the
status, outcome and overdue flag; the policy version each review used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.partnership import selectors, services
from beacon.partnership.models import CaseReview
from beacon.partnership.services import CaseReviewInput
from beacon.partnership.tests.factories import case, days_ago, incident, person
from beacon.partnership.workdays import add_working_days
from beacon.people.normalise import address_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(place: dict[str, Any]) -> Any:
    v = person("Ann", "Ashby")
    for n in (10, 40, 90):
        incident(reporters=[v], area=place["north"], received_at=days_ago(n))
    return v


def application(place: dict[str, Any], **kw: Any) -> CaseReviewInput:
    values: dict[str, Any] = {
        "route": "application",
        "applicant_name": "Ann Ashby",
        "area_id": place["north"].pk,
        "received_on": timezone.localdate(),
        "summary": "Nothing has been done about the noise.",
    }
    values.update(kw)
    return CaseReviewInput(**values)


def test_an_application_is_taken_with_the_threshold_position_and_decision_deadline(
    sergeant: User, place: dict[str, Any], victim: Any
) -> None:
    monday = dt.date(2026, 11, 2)
    review = services.open_case_review(
        sergeant, application(place, applicant_id=victim.pk, received_on=monday)
    )
    assert review.reference.startswith("CR-") and review.status == CaseReview.Status.AWAITING_DECISION
    assert review.decision_due == dt.date(2026, 11, 16)  # 10 working days
    assert review.policy.version == 1
    snap = review.threshold_at_opening
    assert snap["policy_version"] == 1 and snap["person"]["victim"]["threshold"] == 3
    assert AuditEvent.objects.filter(action="create", model="casereview").exists()


def test_a_review_raised_on_the_threshold_needs_it_met(
    sergeant: User, place: dict[str, Any], victim: Any
) -> None:
    below = person("Bob", "Bell")
    incident(reporters=[below], received_at=days_ago(3))
    with pytest.raises(ValidationFailed) as err:
        services.open_case_review(sergeant, application(place, route="threshold", applicant_id=below.pk))
    assert {p.field for p in err.value.problems} == {"route"}
    review = services.open_case_review(
        sergeant, application(place, route="threshold", applicant_id=victim.pk)
    )
    assert review.threshold_at_opening["person"]["met"] is True
    # An application is taken whatever the count: the decision says whether the threshold is met.
    taken = services.open_case_review(sergeant, application(place, applicant_id=below.pk))
    assert taken.threshold_at_opening["person"]["victim"]["count"] == 1


def test_a_location_review_counts_different_people_at_the_place(
    sergeant: User, place: dict[str, Any]
) -> None:
    for i in range(5):
        incident(
            reporters=[person(f"N{i}", "Neighbour")],
            address="4 Market Row",
            address_key=address_key("4 Market Row"),
            received_at=days_ago(i + 1),
        )
    review = services.open_case_review(
        sergeant, application(place, route="threshold", applicant_name="", location_address="4 Market Row")
    )
    assert review.location_key and review.threshold_at_opening["location"]["count"] == 5


def test_the_decision_sets_the_response_deadline_and_the_outcome_completes_it(
    sergeant: User, make_user: Callable[..., User], place: dict[str, Any], victim: Any
) -> None:
    received = dt.date(2026, 11, 2)
    review = services.open_case_review(
        sergeant, application(place, applicant_id=victim.pk, received_on=received)
    )
    with pytest.raises(ValidationFailed) as err:
        services.record_review_decision(
            sergeant,
            review.pk,
            review.version,
            threshold_met=None,
            decision_on=received - dt.timedelta(days=1),
            note="",
        )
    assert {p.field for p in err.value.problems} == {"threshold_met", "decision_on", "decision_note"}
    decided = dt.date(2026, 11, 10)
    review = services.record_review_decision(
        sergeant,
        review.pk,
        review.version,
        threshold_met=True,
        decision_on=decided,
        note="Met; applicant told by phone.",
    )
    assert review.status == CaseReview.Status.UNDER_REVIEW
    assert review.response_due == add_working_days(decided, 20) == dt.date(2026, 12, 8)
    analyst = make_user(Role.ANALYST, all_areas=True)
    with pytest.raises(EditConflict):
        services.record_review_outcome(analyst, review.pk, 1, review_held_on=decided, outcome="x")
    review = services.record_review_outcome(
        analyst,
        review.pk,
        review.version,
        review_held_on=dt.date(2026, 11, 20),
        outcome="Agencies to act",
        recommendations="Joint visit; noise monitoring.",
    )
    assert review.status == CaseReview.Status.UNDER_REVIEW and review.response_sent_on is None
    review = services.record_review_outcome(
        analyst,
        review.pk,
        review.version,
        review_held_on=dt.date(2026, 11, 20),
        outcome="Agencies to act",
        recommendations="Joint visit; noise monitoring.",
        response_sent_on=dt.date(2026, 11, 25),
    )
    assert review.status == CaseReview.Status.COMPLETED and review.due() is None


def test_threshold_not_met_closes_the_review(sergeant: User, place: dict[str, Any]) -> None:
    review = services.open_case_review(sergeant, application(place, received_on=dt.date(2026, 11, 2)))
    review = services.record_review_decision(
        sergeant,
        review.pk,
        review.version,
        threshold_met=False,
        decision_on=dt.date(2026, 11, 3),
        note="Two incidents.",
    )
    assert review.status == CaseReview.Status.NOT_MET and review.response_due is None
    with pytest.raises(ValidationFailed):
        services.record_review_outcome(
            sergeant, review.pk, review.version, review_held_on=dt.date(2026, 11, 4), outcome="x"
        )


def test_overdue_is_past_the_next_deadline(sergeant: User, place: dict[str, Any]) -> None:
    old = timezone.localdate() - dt.timedelta(days=30)
    late = services.open_case_review(sergeant, application(place, received_on=old))
    fresh = services.open_case_review(sergeant, application(place))
    today = timezone.localdate()
    assert late.overdue(today) and not fresh.overdue(today)
    assert late.overdue(late.decision_due + dt.timedelta(days=1)) and not late.overdue(late.decision_due)
    assert [r.pk for r in selectors.review_list(sergeant, overdue=True)] == [late.pk]
    late = services.record_review_decision(
        sergeant, late.pk, late.version, threshold_met=True, decision_on=old, note="Met"
    )
    assert late.response_due is not None and late.overdue(today)  # 20 working days from 30 days ago


def test_bank_holidays_in_the_policy_extend_deadlines(
    sergeant: User, make_user: Callable[..., User], place: dict[str, Any]
) -> None:
    services.publish_policy(make_user(Role.ADMIN), {"holidays": ["2026-11-03"], "decision_working_days": 5})
    review = services.open_case_review(sergeant, application(place, received_on=dt.date(2026, 11, 2)))
    assert review.policy.version == 2 and review.decision_due == dt.date(2026, 11, 10)


def test_publishing_a_policy_is_for_administrators_and_validated(make_user: Callable[..., User]) -> None:
    with pytest.raises(PermissionRefused):
        services.publish_policy(make_user(Role.SUPERVISOR), {"victim_incidents": 2})
    with pytest.raises(ValidationFailed) as err:
        services.publish_policy(
            make_user(Role.ADMIN), {"victim_incidents": 0, "location_radius_m": "x", "holidays": ["soon"]}
        )
    assert {p.field for p in err.value.problems} == {"victim_incidents", "location_radius_m", "holidays"}


def test_reviews_are_for_reviewers_in_their_areas(
    officer: User, south_officer: User, sergeant: User, make_user: Callable[..., User], place: dict[str, Any]
) -> None:
    with pytest.raises(PermissionRefused):
        services.open_case_review(officer, application(place))
    south_sgt = make_user(Role.SUPERVISOR)
    south_sgt.areas.add(place["south"])
    with pytest.raises(ValidationFailed) as err:
        services.open_case_review(south_sgt, application(place))
    assert {p.field for p in err.value.problems} == {"area_id"}
    c = case(place["north"])
    with pytest.raises(PermissionRefused):
        services.open_case_review(south_sgt, application(place, case_id=c.pk))
    review = services.open_case_review(sergeant, application(place))
    with pytest.raises(PermissionRefused):
        services.record_review_decision(
            south_sgt,
            review.pk,
            review.version,
            threshold_met=True,
            decision_on=timezone.localdate(),
            note="x",
        )


# ---------------------------------------------------------------------------------------------
# Pages


def test_the_review_pages_open_decide_and_list(
    client_for: Callable[..., Client], sergeant: User, place: dict[str, Any], victim: Any
) -> None:
    client = client_for(sergeant)
    listing = client.get(reverse("partnership:reviews")).content.decode()
    assert "Ann Ashby" in listing and "Threshold met: 3 qualifying incidents" in listing
    assert AuditEvent.objects.filter(
        actor=sergeant, action="read", model="person", object_pk=str(victim.pk)
    ).exists()
    form = client.get(
        reverse("partnership:review_new"), {"person": victim.pk, "route": "threshold"}
    ).content.decode()
    assert f'value="{victim.pk}"' in form
    bad = client.post(reverse("partnership:review_new"), {"route": "threshold"})
    assert bad.status_code == 422 and "There is a problem" in bad.content.decode()
    ok = client.post(
        reverse("partnership:review_new"),
        {
            "route": "threshold",
            "applicant_id": victim.pk,
            "area_id": place["north"].pk,
            "received_on": timezone.localdate().isoformat(),
        },
    )
    review = CaseReview.objects.get()
    assert ok.status_code == 302 and ok.url == reverse("partnership:review", args=[review.pk])
    page = client.get(ok.url).content.decode()
    assert "As a victim: 3 of 3 incidents" in page and review.decision_due.strftime("%-d %B %Y") in page
    listing = client.get(reverse("partnership:reviews")).content.decode()
    assert review.reference in listing
    done = client.post(
        reverse("partnership:review_decision", args=[review.pk]),
        {
            "version": review.version,
            "threshold_met": "yes",
            "decision_on": timezone.localdate().isoformat(),
            "decision_note": "Met: letter sent.",
        },
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.status == "under_review"


def test_review_pages_are_for_supervisors_and_analysts(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    for role, code in (
        (Role.OFFICER, 403),
        (Role.PARTNER, 403),
        (Role.CALL_HANDLER, 403),
        (Role.ANALYST, 200),
    ):
        assert (
            client_for(make_user(role, all_areas=True)).get(reverse("partnership:reviews")).status_code
            == code
        )
    admin = client_for(make_user(Role.ADMIN))
    assert admin.get(reverse("partnership:configure")).status_code == 200
    r = admin.post(
        reverse("partnership:configure_policy"),
        {
            f"policy-{k}": v
            for k, v in {
                "victim_incidents": 4,
                "victim_window_months": 6,
                "location_incidents": 5,
                "location_window_months": 6,
                "location_radius_m": 50,
                "decision_working_days": 10,
                "response_working_days": 20,
                "holidays": "2026-12-25\n2026-12-28",
                "note": "Local change",
            }.items()
        },
    )
    assert r.status_code == 302
    assert (
        admin.post(
            reverse("partnership:configure_agency"),
            {"agency-code": "fire", "agency-name": "Fire and rescue", "agency-kind": "other"},
        ).status_code
        == 302
    )
    from beacon.partnership.models import CaseReviewPolicy, PartnerAgency

    assert (
        CaseReviewPolicy.current().victim_incidents == 4
        and PartnerAgency.objects.filter(code="fire").exists()
    )


def test_the_review_list_takes_a_bounded_number_of_queries(
    client_for: Callable[..., Client],
    sergeant: User,
    place: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(15):
        v = person(f"V{n}", "Victim")
        for d in (1, 2, 3):
            incident(reporters=[v], area=place["north"], received_at=days_ago(d + n))
        services.open_case_review(sergeant, application(place, applicant_id=v.pk))
    client = client_for(sergeant)
    client.get(reverse("partnership:reviews"))
    with django_assert_max_num_queries(20):
        page = client.get(reverse("partnership:reviews")).content.decode()
    assert page.count("CR-") >= 30  # 15 in the threshold list, 15 in the reviews


def test_the_threshold_panel_is_a_fragment_for_supervisors(
    client_for: Callable[..., Client], sergeant: User, officer: User, victim: Any
) -> None:
    r = client_for(sergeant).get(reverse("partnership:thresholds_panel"), HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html and "Ann Ashby" in html and "Open a review" in html
    assert client_for(officer).get(reverse("partnership:thresholds_panel")).status_code == 403


def test_the_supervisors_list_and_the_victims_record_say_when_the_threshold_is_met(
    client_for: Callable[..., Client], sergeant: User, victim: Any, place: dict[str, Any]
) -> None:
    client = client_for(sergeant)
    # The supervisor's list loads the summary after the list itself.
    page = client.get(reverse("cases:supervisor")).content.decode()
    assert f'hx-get="{reverse("partnership:thresholds_panel")}?compact=1"' in page
    old = timezone.localdate() - dt.timedelta(days=30)
    services.open_case_review(sergeant, application(place, received_on=old))
    summary = client.get(reverse("partnership:thresholds_panel"), {"compact": "1"}).content.decode()
    assert "1 victim and 0 places in your areas meet the ASB case review threshold" in summary
    assert "1 ASB case review is past its deadline" in summary and "Ann Ashby" in summary
    # The victim's own record.
    person_page = client.get(reverse("people:person", args=[victim.pk])).content.decode()
    assert 'data-key="case_review_threshold"' in person_page and "Threshold met: 3 qualifying" in person_page


def test_the_supervisors_summary_when_nothing_is_met(
    client_for: Callable[..., Client], sergeant: User
) -> None:
    summary = (
        client_for(sergeant).get(reverse("partnership:thresholds_panel"), {"compact": "1"}).content.decode()
    )
    assert "Nobody and nowhere in your areas meets the ASB case review threshold" in summary


def test_the_configuration_forms_save_or_show_every_problem(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    from beacon.partnership.models import PowerKind

    admin = client_for(make_user(Role.ADMIN))
    r = admin.post(
        reverse("partnership:configure_power_kind"),
        {"kind-code": "pspo", "kind-label": "Public Spaces Protection Order", "kind-about_premises": ""},
    )
    assert r.status_code == 302 and PowerKind.objects.filter(code="pspo").exists()
    r = admin.post(reverse("partnership:configure_agency"), {"agency-code": "", "agency-name": ""})
    assert r.status_code == 422 and "govuk-error-summary" in r.content.decode()
    assert 'href="#id_agency-code"' in r.content.decode()
