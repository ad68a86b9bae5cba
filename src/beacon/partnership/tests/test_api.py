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
        {"text": "", "due_on": timezone.localdate().isoformat()},
        h,
    )
    assert bad.status_code == 422 and fields(bad) == {"text", "owner_id"}
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
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
