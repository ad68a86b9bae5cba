"""The partnership API: referrals (a partner agency's token sees only its own), meetings (agenda,
minutes, tasks), powers and breaches, case reviews and threshold status; errors name the field;
every read of personal data is logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beacon.cases.models import Action
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.partnership import services
from beacon.partnership.models import CaseReviewPolicy, Meeting
from beacon.partnership.tests.factories import case, days_ago, incident, party, person
from beacon.partnership.workdays import add_working_days

pytestmark = pytest.mark.django_db

API = "/api/v1/partnership"


def post(client: Client, path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return client.post(API + path, body, content_type="application/json", headers=headers)


def get(client: Client, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
    return client.get(API + path, params, headers=headers)


def fields(r: Any) -> set[str]:
    return {e["field"] for e in r.json()["errors"]}


@pytest.fixture
def north_case(place: dict[str, Any]) -> Any:
    return case(
        place["north"], victims=[person("Vera", "Victimson")], perpetrators=[person("Percy", "Perpson")]
    )


def referral_body(case_id: int, **kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agency": "council",
        "case_id": case_id,
        "reason": "Please consider a warning.",
        "shared_items": ["case_summary", "victims"],
        "consent_by": "The victim",
        "consent_on": timezone.localdate().isoformat(),
    }
    body.update(kw)
    return body


def test_referrals_through_the_api_and_what_a_partner_token_sees(
    api_client: Client,
    officer: User,
    council_user: User,
    housing_user: User,
    north_case: Any,
    bearer: Callable[..., dict[str, str]],
) -> None:
    police = bearer(officer)
    refused = post(
        api_client, "/referrals", referral_body(north_case.pk, consent_by="", consent_on=None), police
    )
    assert refused.status_code == 422 and fields(refused) == {"legal_basis"}
    made = post(api_client, "/referrals", referral_body(north_case.pk), police)
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["case_id"] == north_case.pk and body["shared"]["victims"][0]["name"] == "Vera Victimson"
    other = post(api_client, "/referrals", referral_body(north_case.pk, agency="housing"), police).json()

    council = bearer(council_user)
    listed = get(api_client, "/referrals", council).json()
    assert listed["count"] == 1 and [r["id"] for r in listed["referrals"]] == [body["id"]]
    mine = get(api_client, f"/referrals/{body['id']}", council).json()
    assert mine["case_id"] is None and mine["person_id"] is None and mine["case_reference"] is None
    assert mine["shared"]["case_summary"]["reference"] == north_case.reference
    assert get(api_client, f"/referrals/{other['id']}", council).status_code == 404
    assert (
        post(
            api_client,
            f"/referrals/{other['id']}/outcome",
            {"version": 1, "outcome": "x", "outcome_on": timezone.localdate().isoformat()},
            council,
        ).status_code
        == 404
    )
    # Nothing else is open to a partner's token.
    for path in (
        "/groups",
        "/case-reviews",
        f"/cases/{north_case.pk}/powers",
        "/thresholds",
        f"/trigger-status?person={north_case.parties.first().person_id}",
    ):
        assert api_client.get(API + path, headers=council).status_code == 403, path
    assert api_client.get(
        f"/api/v1/people/{north_case.parties.first().person_id}", headers=council
    ).status_code in (403, 404)
    assert post(api_client, "/referrals", referral_body(north_case.pk), council).status_code == 403

    answered = post(
        api_client,
        f"/referrals/{body['id']}/response",
        {
            "version": mine["version"],
            "response": "accepted",
            "responded_on": timezone.localdate().isoformat(),
        },
        council,
    )
    assert answered.status_code == 200 and answered.json()["status"] == "accepted"
    stale = post(
        api_client,
        f"/referrals/{body['id']}/outcome",
        {"version": mine["version"], "outcome": "x", "outcome_on": timezone.localdate().isoformat()},
        police,
    )
    assert stale.status_code == 409 and stale.json()["changed_by"] == "council_asb"
    closed = post(
        api_client,
        f"/referrals/{body['id']}/outcome",
        {
            "version": answered.json()["version"],
            "outcome": "Warning given",
            "outcome_on": timezone.localdate().isoformat(),
        },
        police,
    )
    assert closed.json()["status"] == "closed"
    reads = AuditEvent.objects.filter(actor=council_user, action="read", model="referral")
    assert (
        reads.filter(object_pk=str(body["id"])).count() >= 2
        and not reads.filter(object_pk=str(other["id"])).exists()
    )
    assert get(api_client, "/referrals", bearer(housing_user)).json()["count"] == 1


def test_meetings_through_the_api(
    api_client: Client, officer: User, place: dict[str, Any], bearer: Callable[..., dict[str, str]]
) -> None:
    h = bearer(officer)
    high = case(place["north"], level="high", opened_at=days_ago(30))
    case(place["north"], level="standard")
    case(place["south"], level="high")
    group = post(
        api_client,
        "/groups",
        {"name": "North ASBAG", "area_id": place["north"].pk, "agencies": ["council"]},
        h,
    )
    assert group.status_code == 201 and group.json()["agencies"] == ["council"]
    when = (timezone.localtime() + dt.timedelta(hours=2)).replace(tzinfo=None).isoformat(timespec="minutes")
    m = post(
        api_client, f"/groups/{group.json()['id']}/meetings", {"scheduled_for": when, "venue": "Hall"}, h
    )
    assert m.status_code == 201 and m.json()["agenda"] == []
    mid = m.json()["id"]
    built = post(api_client, f"/meetings/{mid}/agenda", {"version": m.json()["version"]}, h).json()
    assert [i["case_reference"] for i in built["agenda"]] == [high.reference]
    item = built["agenda"][0]
    minuted = post(
        api_client,
        f"/agenda-items/{item['id']}/minutes",
        {"version": item["version"], "minutes": "Agreed."},
        h,
    )
    assert minuted.json()["agenda"][0]["minutes"] == "Agreed."
    bad = post(
        api_client,
        f"/agenda-items/{item['id']}/tasks",
        {"text": "", "due_on": when[:10]},  # the meeting's own day, even when it falls after midnight
        h,
    )
    assert bad.status_code == 422 and fields(bad) == {"text", "owner_id"}
    due = (dt.date.fromisoformat(when[:10]) + dt.timedelta(days=7)).isoformat()
    task = post(
        api_client,
        f"/agenda-items/{item['id']}/tasks",
        {"text": "Visit", "agency": "council", "due_on": due},
        h,
    )
    assert task.status_code == 201 and task.json()["source"].startswith("action group ")
    assert Action.objects.get(pk=task.json()["action_id"]).case_id == high.pk
    full = get(api_client, f"/meetings/{mid}", h).json()
    assert full["agenda"][0]["tasks"][0]["owner_label"] == "Local council ASB team"
    held = post(api_client, f"/meetings/{mid}/held", {"version": full["version"]}, h)
    assert held.json()["status"] == "held"
    assert post(api_client, f"/meetings/{mid}/agenda", {}, h).status_code == 422
    south = User.objects.create(username="pc_s", role=Role.OFFICER)
    south.areas.add(place["south"])
    assert get(api_client, f"/meetings/{mid}", bearer(south)).status_code == 404


def test_powers_and_breaches_through_the_api(
    api_client: Client, officer: User, north_case: Any, bearer: Callable[..., dict[str, str]], make_user: Any
) -> None:
    h = bearer(officer)
    perp = party(north_case, north_case.parties.get(role="perpetrator").person)
    bad = post(api_client, f"/cases/{north_case.pk}/powers", {"kind": "cbo", "issued_on": "2099-01-01"}, h)
    assert bad.status_code == 422 and fields(bad) == {"subject_id", "issued_on"}
    issued = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    p = post(
        api_client,
        f"/cases/{north_case.pk}/powers",
        {"kind": "cpw", "subject_id": perp.pk, "issued_on": issued},
        h,
    )
    assert p.status_code == 201 and p.json()["in_force"] is True
    b = post(
        api_client, f"/powers/{p.json()['id']}/breaches", {"occurred_on": issued, "description": "Music"}, h
    )
    assert b.status_code == 201
    listed = get(api_client, f"/cases/{north_case.pk}/powers", h).json()
    assert listed[0]["breaches"][0]["description"] == "Music"
    done = post(
        api_client,
        f"/powers/{p.json()['id']}",
        {
            "version": p.json()["version"],
            "outcome": "Complied",
            "outcome_on": timezone.localdate().isoformat(),
        },
        h,
    )
    assert done.json()["in_force"] is False
    analyst = bearer(make_user(Role.ANALYST, all_areas=True))
    assert get(api_client, f"/powers/{p.json()['id']}", analyst).status_code == 200
    assert (
        post(
            api_client,
            f"/powers/{p.json()['id']}/breaches",
            {"occurred_on": issued, "description": "x"},
            analyst,
        ).status_code
        == 403
    )
    assert AuditEvent.objects.filter(action="read", model="poweruse").exists()


def test_case_reviews_and_thresholds_through_the_api(
    api_client: Client,
    sergeant: User,
    officer: User,
    place: dict[str, Any],
    bearer: Callable[..., dict[str, str]],
) -> None:
    h = bearer(sergeant)
    today = timezone.localdate()
    v = person("Ann", "Ashby")
    for n in (5, 50, 150):
        incident(reporters=[v], area=place["north"], received_at=days_ago(n))
    status = get(api_client, "/trigger-status", h, person=[v.pk]).json()
    assert status[0]["met"] is True and status[0]["victim"]["count"] == 3
    assert AuditEvent.objects.filter(
        actor=sergeant, action="read", model="person", object_pk=str(v.pk)
    ).exists()
    loc = get(api_client, "/trigger-status/location", h, address="9 Nowhere Street").json()
    assert loc["met"] is False and loc["count"] == 0
    assert get(api_client, "/trigger-status/location", h).status_code == 422
    hits = get(api_client, "/thresholds", h).json()
    assert [x["person_id"] for x in hits] == [v.pk] and hits[0]["open_review"] is None
    made = post(
        api_client,
        "/case-reviews",
        {
            "route": "threshold",
            "applicant_id": v.pk,
            "area_id": place["north"].pk,
            "received_on": today.isoformat(),
        },
        h,
    )
    assert made.status_code == 201, made.content
    assert made.json()["decision_due"] == add_working_days(today, 10).isoformat()
    rid = made.json()["id"]
    assert get(api_client, "/thresholds", h).json()[0]["open_review"] == made.json()["reference"]
    decided = post(
        api_client,
        f"/case-reviews/{rid}/decision",
        {
            "version": made.json()["version"],
            "threshold_met": True,
            "decision_on": today.isoformat(),
            "note": "Met.",
        },
        h,
    )
    assert decided.json()["status"] == "under_review"
    assert decided.json()["response_due"] == add_working_days(today, 20).isoformat()
    listed = get(api_client, "/case-reviews", h, status="open").json()
    assert listed["count"] == 1
    assert get(api_client, "/case-reviews", bearer(officer)).status_code == 403
    assert get(api_client, "/thresholds", bearer(officer)).status_code == 403


def test_list_endpoints_take_a_bounded_number_of_queries(
    api_client: Client,
    officer: User,
    north_case: Any,
    bearer: Callable[..., dict[str, str]],
    django_assert_max_num_queries: Any,
) -> None:
    h = bearer(officer)
    for _ in range(20):
        assert post(api_client, "/referrals", referral_body(north_case.pk), h).status_code == 201
    get(api_client, "/referrals", h)
    with django_assert_max_num_queries(10):
        r = get(api_client, "/referrals", h)
    assert r.json()["count"] == 20


# ---------------------------------------------------------------------------------------------
# The case behind a power or a referral is logged as read


def test_reading_a_power_or_a_referral_logs_the_case_it_belongs_to(
    api_client: Client,
    officer: User,
    council_user: User,
    housing_user: User,
    north_case: Any,
    bearer: Callable[..., dict[str, str]],
) -> None:
    h = bearer(officer)
    perp = party(north_case, north_case.parties.get(role="perpetrator").person)
    issued = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    p = post(
        api_client,
        f"/cases/{north_case.pk}/powers",
        {"kind": "cpw", "subject_id": perp.pk, "issued_on": issued},
        h,
    ).json()

    def case_reads(user: User) -> Any:
        return AuditEvent.objects.filter(
            actor=user, action="read", model="case", object_pk=str(north_case.pk)
        )

    AuditEvent.objects.filter(action="read").delete()
    assert get(api_client, f"/cases/{north_case.pk}/powers", h).status_code == 200
    assert case_reads(officer).filter(reason=f"tools and powers on {north_case.reference} (API)").count() == 1
    assert get(api_client, f"/powers/{p['id']}", h).status_code == 200
    assert (
        case_reads(officer)
        .filter(reason__startswith=f"Community Protection Warning {p['id']} issued", reason__contains="(API)")
        .count()
        == 1
    )

    to_council = post(api_client, "/referrals", referral_body(north_case.pk), h).json()
    to_housing = post(
        api_client, "/referrals", referral_body(north_case.pk, agency="housing", shared_items=["victims"]), h
    ).json()
    AuditEvent.objects.filter(action="read").delete()
    get(api_client, f"/referrals/{to_council['id']}", h, purpose="checking the response")
    assert case_reads(officer).get().reason == f"referral {to_council['reference']}: checking the response"
    # A partner agency sees the case's summary when the referral shared it …
    get(api_client, f"/referrals/{to_council['id']}", bearer(council_user))
    assert case_reads(council_user).get().reason == f"referral {to_council['reference']}: viewing referral"
    # … and nothing of the case when it did not.
    assert get(api_client, f"/referrals/{to_housing['id']}", bearer(housing_user)).status_code == 200
    assert AuditEvent.objects.filter(actor=housing_user, action="read", model="referral").count() == 1
    assert not case_reads(housing_user).exists()


def test_a_partner_whose_agency_code_is_unknown_sees_nothing(
    api_client: Client,
    officer: User,
    north_case: Any,
    make_user: Callable[..., User],
    bearer: Callable[..., dict[str, str]],
) -> None:
    made = post(api_client, "/referrals", referral_body(north_case.pk), bearer(officer)).json()
    stranger = bearer(make_user(Role.PARTNER, partner_agency="Wessex District Council"))
    listed = get(api_client, "/referrals", stranger)
    assert listed.status_code == 200 and listed.json() == {"count": 0, "referrals": []}
    assert get(api_client, f"/referrals/{made['id']}", stranger).status_code == 404
    answer = {"version": 1, "response": "accepted", "responded_on": timezone.localdate().isoformat()}
    assert post(api_client, f"/referrals/{made['id']}/response", answer, stranger).status_code == 404


# ---------------------------------------------------------------------------------------------
# Meetings: notes, attendance, cancelling, adding a case by hand


@pytest.fixture
def meeting(officer: User, place: dict[str, Any]) -> Any:
    group = services.create_group(
        officer, name="North ASBAG", area_id=place["north"].pk, agencies=["council"]
    )
    return services.schedule_meeting(
        officer, group.pk, services.MeetingInput(scheduled_for=timezone.now() + dt.timedelta(days=3))
    )


def test_meeting_notes_through_the_api(
    api_client: Client,
    officer: User,
    council_user: User,
    meeting: Any,
    bearer: Callable[..., dict[str, str]],
) -> None:
    h = bearer(officer)
    path = f"/meetings/{meeting.pk}/notes"
    saved = post(api_client, path, {"version": meeting.version, "notes": " Apologies: housing. "}, h)
    assert saved.status_code == 200 and saved.json()["notes"] == "Apologies: housing."
    assert saved.json()["version"] == meeting.version + 1
    stale = post(api_client, path, {"version": meeting.version, "notes": "Overwritten"}, h)
    assert stale.status_code == 409 and stale.json()["changes"]["notes"] == ["", "Apologies: housing."]
    missing = post(api_client, path, {"notes": "No version"}, h)
    assert missing.status_code == 422 and fields(missing) == {"version"}
    assert post(api_client, path, {"version": 2, "notes": "x"}, bearer(council_user)).status_code == 403
    assert get(api_client, f"/meetings/{meeting.pk}", h).json()["notes"] == "Apologies: housing."


def test_meeting_attendance_through_the_api(
    api_client: Client,
    officer: User,
    make_user: Callable[..., User],
    meeting: Any,
    bearer: Callable[..., dict[str, str]],
) -> None:
    h = bearer(officer)
    path = f"/meetings/{meeting.pk}/attendance"
    rows = get(api_client, f"/meetings/{meeting.pk}", h).json()["attendees"]
    police, council = (next(a for a in rows if a["agency"] == code) for code in (None, "council"))
    named = post(api_client, path, {"attendees": [{"attendee_id": council["id"], "name": "C. Lund"}]}, h)
    assert named.status_code == 200
    came = post(
        api_client,
        path,
        {
            "attendees": [
                {"attendee_id": council["id"], "present": True},
                {"attendee_id": police["id"], "remove": True},
                {"agency": "housing", "name": "H. Officer"},
            ]
        },
        h,
    ).json()["attendees"]
    assert [(a["agency"], a["name"], a["present"]) for a in came] == [
        ("council", "C. Lund", True),
        ("housing", "H. Officer", None),
    ]
    bad = post(api_client, path, {"attendees": [{"agency": "no-such-agency"}, {"attendee_id": 999_999}]}, h)
    assert bad.status_code == 422 and fields(bad) == {"agency", "attendee_id"}
    typo = post(api_client, path, {"attendees": [{"agncy": "housing"}]}, h)
    assert typo.status_code == 422
    assert len(get(api_client, f"/meetings/{meeting.pk}", h).json()["attendees"]) == 2  # nothing changed
    handler = bearer(make_user(Role.CALL_HANDLER, all_areas=True))
    assert post(api_client, path, {"attendees": []}, handler).status_code == 403


def test_cancelling_a_meeting_through_the_api(
    api_client: Client,
    officer: User,
    south_officer: User,
    meeting: Any,
    bearer: Callable[..., dict[str, str]],
) -> None:
    h = bearer(officer)
    path = f"/meetings/{meeting.pk}/cancel"
    assert post(api_client, path, {"version": meeting.version}, bearer(south_officer)).status_code == 404
    assert post(api_client, path, {}, h).status_code == 422
    post(api_client, f"/meetings/{meeting.pk}/notes", {"version": meeting.version, "notes": "Moved"}, h)
    stale = post(api_client, path, {"version": meeting.version}, h)
    assert stale.status_code == 409
    cancelled = post(api_client, path, {"version": meeting.version + 1}, h)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = post(api_client, path, {"version": cancelled.json()["version"]}, h)
    assert again.status_code == 422 and fields(again) == {"status"}
    assert Meeting.objects.get(pk=meeting.pk).status == "cancelled"


def test_adding_a_case_to_the_agenda_through_the_api(
    api_client: Client,
    officer: User,
    council_user: User,
    place: dict[str, Any],
    meeting: Any,
    bearer: Callable[..., dict[str, str]],
) -> None:
    h = bearer(officer)
    path = f"/meetings/{meeting.pk}/agenda/cases"
    standard = case(place["north"], level="standard")
    added = post(api_client, path, {"case_id": standard.pk}, h)
    assert added.status_code == 201
    assert [(i["case_reference"], i["reason"]) for i in added.json()["agenda"]] == [
        (standard.reference, "added")
    ]
    twice = post(api_client, path, {"case_id": standard.pk}, h)
    assert twice.status_code == 422 and fields(twice) == {"case_id"}
    elsewhere = post(api_client, path, {"case_id": case(place["south"]).pk}, h)
    assert elsewhere.status_code == 422 and fields(elsewhere) == {"case_id"}
    assert post(api_client, path, {"case": standard.pk}, h).status_code == 422
    assert post(api_client, path, {"case_id": standard.pk}, bearer(council_user)).status_code == 403
    assert AuditEvent.objects.filter(action="create", model="agendaitem").count() == 1


# ---------------------------------------------------------------------------------------------
# The case review policy; lists by case


def test_the_case_review_policy_through_the_api(
    api_client: Client,
    sergeant: User,
    council_user: User,
    make_user: Callable[..., User],
    bearer: Callable[..., dict[str, str]],
) -> None:
    current = get(api_client, "/case-review-policy", bearer(sergeant))
    assert current.status_code == 200
    assert current.json()["version"] == CaseReviewPolicy.current().version
    assert get(api_client, "/case-review-policy", bearer(council_user)).status_code == 403
    admin = bearer(make_user(Role.ADMIN, all_areas=True))
    assert (
        post(api_client, "/case-review-policy", {"victim_incidents": 4}, bearer(sergeant)).status_code == 403
    )
    bad = post(api_client, "/case-review-policy", {"victim_incidents": 0, "holidays": ["25/12/2026"]}, admin)
    assert bad.status_code == 422 and fields(bad) == {"victim_incidents", "holidays.0"}
    assert post(api_client, "/case-review-policy", {"victim_incidnts": 4}, admin).status_code == 422
    published = post(
        api_client,
        "/case-review-policy",
        {"victim_incidents": 4, "holidays": ["2026-12-25"], "note": "Panel decision"},
        admin,
    )
    assert published.status_code == 201, published.content
    body = published.json()
    was = current.json()
    assert body["version"] == was["version"] + 1 and body["victim_incidents"] == 4
    assert body["holidays"] == ["2026-12-25"] and body["location_incidents"] == was["location_incidents"]
    assert get(api_client, "/case-review-policy", bearer(sergeant)).json()["version"] == body["version"]
    assert AuditEvent.objects.filter(action="create", model="casereviewpolicy").count() == 1


def test_referrals_and_case_reviews_listed_by_case(
    api_client: Client,
    officer: User,
    sergeant: User,
    council_user: User,
    north_case: Any,
    place: dict[str, Any],
    bearer: Callable[..., dict[str, str]],
) -> None:
    h = bearer(officer)
    other = case(place["north"], victims=[person("Olga", "Other")])
    mine = post(api_client, "/referrals", referral_body(north_case.pk), h).json()
    post(api_client, "/referrals", referral_body(other.pk), h)
    listed = get(api_client, "/referrals", h, case=north_case.pk).json()
    assert listed["count"] == 1 and [r["id"] for r in listed["referrals"]] == [mine["id"]]
    assert get(api_client, "/referrals", h).json()["count"] == 2
    refused = get(api_client, "/referrals", bearer(council_user), case=north_case.pk)
    assert refused.status_code == 422 and fields(refused) == {"case"}
    assert get(api_client, "/referrals", h, case="x").status_code == 422

    s = bearer(sergeant)
    today = timezone.localdate().isoformat()
    victim = north_case.parties.get(role="victim").person_id
    review = post(
        api_client,
        "/case-reviews",
        {"applicant_id": victim, "case_id": north_case.pk, "received_on": today},
        s,
    ).json()
    post(
        api_client,
        "/case-reviews",
        {"applicant_name": "Someone", "case_id": other.pk, "received_on": today},
        s,
    )
    by_case = get(api_client, "/case-reviews", s, case=north_case.pk).json()
    assert by_case["count"] == 1 and [r["id"] for r in by_case["reviews"]] == [review["id"]]
    assert get(api_client, "/case-reviews", s).json()["count"] == 2
    assert get(api_client, "/case-reviews", h, case=north_case.pk).status_code == 403


def test_texts_longer_than_their_column_get_422_naming_the_field_and_nothing_is_saved(
    api_client: Client, officer: User, place: dict[str, Any], bearer: Callable[..., dict[str, str]]
) -> None:
    # PostgreSQL refuses an over-long varchar; the fuzzer found it as a 500 (SQLite keeps any length).
    h = bearer(officer)
    long = "0" * 10_000
    r = post(api_client, "/groups", {"name": long, "area_id": place["north"].pk}, h)
    assert r.status_code == 422 and fields(r) == {"name"}
    assert "at most 200 characters (this is 10,000)" in r.json()["errors"][0]["message"]
    group = post(api_client, "/groups", {"name": "North ASBAG", "area_id": place["north"].pk}, h).json()
    when = (timezone.localtime() + dt.timedelta(hours=2)).replace(tzinfo=None).isoformat(timespec="minutes")
    r = post(
        api_client,
        f"/groups/{group['id']}/meetings",
        {"scheduled_for": when, "venue": long, "chair": long},
        h,
    )
    assert r.status_code == 422 and fields(r) == {"venue", "chair"}
    assert not Meeting.objects.exists()
