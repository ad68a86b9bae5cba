"""The person-index API: who may do what, response shapes, validation naming the field, the access
log, review conflicts (409, nothing overwritten), subject access and erasure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.core.services import create_api_token
from beacon.people import services
from beacon.people.loading import load_records
from beacon.people.models import ContactRecord, PersonFlag, ReviewPair

pytestmark = pytest.mark.django_db

API = "/api/v1/people"
LOOKERS: set[str] = {Role.CALL_HANDLER, Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN}
FLAGGERS: set[str] = {Role.CALL_HANDLER, Role.OFFICER, Role.SUPERVISOR, Role.ANALYST}
REVIEWERS: set[str] = {Role.ANALYST}
ADMINS: set[str] = {Role.ADMIN}

ADA = {
    "forename": "Ada",
    "surname": "Byrne",
    "dob": "1980-03-14",
    "phone": "07700 900123",
    "address": "12 Park Row, Leeds",
    "postcode": "LS1 5HD",
}


@pytest.fixture
def ada(active_model: Any) -> ContactRecord:
    return services.add_contact(None, ADA, source="incident", source_ref="INC-1")


@pytest.fixture
def pair(ada: ContactRecord) -> ReviewPair:
    other = load_records(None, [{"forename": "Ada", "surname": "Burn", "dob": "1980-03-14"}], source="x")[0]
    a, b = sorted((ada, other), key=lambda r: r.pk)
    return ReviewPair.objects.create(record_a=a, record_b=b, probability=0.6, model_version=1)


def json_post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


# ---------------------------------------------------------------------------------------------
# Who may do what


def _calls(
    ada: ContactRecord, pair: ReviewPair
) -> dict[str, tuple[str, str, dict[str, Any] | None, set[str]]]:
    p = ada.person_id
    return {
        "lookup": ("get", f"{API}/lookup?purpose=call&forename=Ada&surname=Byrne", None, LOOKERS),
        "person": ("get", f"{API}/{p}", None, LOOKERS),
        "flag": ("post", f"{API}/{p}/flags", {"kind": "vulnerable", "reason": "age"}, FLAGGERS),
        "queue": ("get", f"{API}/review-queue", None, REVIEWERS),
        "decide": ("post", f"{API}/review-queue/{pair.pk}", {"same": True, "version": 1}, REVIEWERS),
        "sar": ("get", f"{API}/{p}/subject-access?reason=SAR-1", None, ADMINS),
        "erase": ("post", f"{API}/records/{pair.record_b_id}/erase", {"reason": "ER-1"}, ADMINS),
    }


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_what_it_may_not_do(
    role: str, client_for: Callable[..., Client], ada: ContactRecord, pair: ReviewPair
) -> None:
    c = client_for(role=role)
    for name, (method, path, body, allowed) in _calls(ada, pair).items():
        r = c.get(path) if method == "get" else json_post(c, path, body or {})
        if role in allowed:
            assert r.status_code in (200, 201), (role, name, r.status_code, r.content)
        else:
            assert r.status_code == 403, (role, name, r.status_code)
            assert r.json()["errors"][0]["message"]
    if role not in FLAGGERS:
        assert not PersonFlag.objects.filter(kind__code="vulnerable").exists()
    if role not in REVIEWERS:
        assert ReviewPair.objects.get(pk=pair.pk).decision == ReviewPair.Decision.PENDING
    if role not in ADMINS:
        assert ContactRecord.objects.get(pk=pair.record_b_id).erased_at is None
    if role not in LOOKERS:
        assert not AuditEvent.objects.filter(action="read").exists()


def test_anonymous_callers_get_401_and_tokens_work(
    make_user: Callable[..., User], ada: ContactRecord
) -> None:
    anon = Client()
    assert anon.get(f"{API}/{ada.person_id}").status_code == 401
    _, key = create_api_token(make_user(Role.CALL_HANDLER, username="cad"), name="C&C feed", days=30)
    r = Client().get(
        f"{API}/lookup",
        {"purpose": "CAD 991", "surname": "Byrne", "dob": "14/03/1980"},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert r.status_code == 200 and r.json()["candidates"][0]["person_id"] == ada.person_id
    assert AuditEvent.objects.filter(action="read", reason="CAD 991", source="api").exists()


# ---------------------------------------------------------------------------------------------
# Lookup


def test_lookup_answers_candidates_with_why_and_flags_and_logs_the_purpose(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    services.add_flag(
        make_user(Role.OFFICER),
        ada.person,
        kind="vulnerable",
        reason="isolated",
        review_on=dt.date(2030, 1, 1),
    )
    c = client_for(make_user(Role.CALL_HANDLER, username="ch1"))
    r = c.get(
        f"{API}/lookup", {"purpose": "call 17", "forename": "Ada", "surname": "Byrn", "postcode": "LS1 5HD"}
    )
    assert r.status_code == 200
    top = r.json()["candidates"][0]
    assert top["person_id"] == ada.person_id and top["best_record_id"] == ada.pk
    assert 0 < top["probability"] <= 1 and top["records"] == 1
    assert top["why"] and all(":" in w for w in top["why"])
    assert {"field", "level", "weight"} <= set(top["contributions"][0])
    assert len(top["why"]) == len(top["contributions"])
    flag = top["flags"][0]
    assert (flag["kind"], flag["reason"], flag["review_on"]) == ("vulnerable", "isolated", "2030-01-01")
    read = AuditEvent.objects.get(action="read", model="person", object_pk=str(ada.person_id))
    assert (read.reason, read.actor_label, read.source) == ("call 17", "ch1", "api")


@pytest.mark.parametrize(
    "query,field",
    [
        ({"forename": "Ada"}, "purpose"),
        ({"purpose": "  ", "forename": "Ada"}, "purpose"),
        ({"purpose": "call", "forename": "Ada", "dob": "31/02/1980"}, "dob"),
        ({"purpose": "call", "forename": "Ada", "phone": "+33 1 23 45 67 89"}, "phone"),
        ({"purpose": "call", "surname": "Lee", "email": "bob@"}, "email"),
        ({"purpose": "call"}, ""),
    ],
)
def test_lookup_problems_answer_422_naming_the_field(
    query: dict[str, str], field: str, client_for: Callable[..., Client], ada: ContactRecord
) -> None:
    r = client_for(role=Role.OFFICER).get(f"{API}/lookup", query)
    assert r.status_code == 422
    assert fields(r) == [field] and r.json()["errors"][0]["message"]
    assert not AuditEvent.objects.filter(action="read").exists()


def test_lookup_without_a_trained_model_answers_503(client_for: Callable[..., Client], db: None) -> None:
    r = client_for(role=Role.OFFICER).get(f"{API}/lookup", {"purpose": "call", "surname": "Byrne"})
    assert r.status_code == 503 and "No matching model" in r.json()["errors"][0]["message"]


def test_lookup_query_count_does_not_grow_with_candidates(
    client_for: Callable[..., Client], make_user: Callable[..., User], active_model: Any
) -> None:
    officer = make_user(Role.OFFICER)
    c = client_for(officer)
    counts = []
    for n in (3, 30):
        rows = [
            {"forename": "Ann", "surname": "Lee", "dob": f"19{50 + i % 40}-02-0{1 + i % 9}"} for i in range(n)
        ]
        for rec in load_records(None, rows, source="t"):
            services.add_flag(officer, rec.person, kind="vulnerable", reason="age")
        with CaptureQueriesContext(connection) as ctx:
            r = c.get(f"{API}/lookup", {"purpose": "count", "forename": "Ann", "surname": "Lee", "limit": 50})
        assert r.status_code == 200
        counts.append(len(ctx))
    assert len(r.json()["candidates"]) == 33
    assert counts[0] == counts[1], counts


# ---------------------------------------------------------------------------------------------
# A person and flags


def test_person_answers_records_as_given_and_open_flags_and_logs_the_read(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    admin = make_user(Role.ADMIN)
    second = services.add_contact(None, {"forename": "Ada", "surname": "B"}, source="call", person=ada.person)
    services.erase_record(admin, second, reason="ER-4")
    flagger = make_user(Role.OFFICER)
    ended = services.add_flag(flagger, ada.person, kind="vulnerable", reason="age")
    services.end_flag(flagger, ended)
    services.add_flag(make_user(Role.OFFICER), ada.person, kind="vulnerable", reason="child")
    c = client_for(make_user(Role.OFFICER, username="pc2"))
    r = c.get(f"{API}/{ada.person_id}", {"purpose": "INC-9"})
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == ada.person_id and body["merged_into_id"] is None
    first, erased = body["records"]
    assert first["as_given"] == {
        "forename": "Ada",
        "surname": "Byrne",
        "dob": "1980-03-14",
        "phone": "07700 900123",
        "email": "",
        "address": "12 Park Row, Leeds",
        "postcode": "LS1 5HD",
    }
    assert (first["source"], first["source_ref"]) == ("incident", "INC-1")
    assert erased["as_given"] is None and erased["erased_reason"] == "ER-4" and erased["erased_at"]
    assert [f["reason"] for f in body["flags"]] == ["child"]
    reads = AuditEvent.objects.filter(action="read", model="person", actor_label="pc2")
    assert list(reads.values_list("reason", flat=True)) == ["INC-9"]
    c.get(f"{API}/{ada.person_id}")
    assert reads.filter(reason="viewing person record").exists()
    assert c.get(f"{API}/999999").status_code == 404


def test_flag_is_added_with_201_and_problems_name_the_field(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    c = client_for(make_user(Role.OFFICER, username="pc3"))
    url = f"{API}/{ada.person_id}/flags"
    r = json_post(c, url, {"kind": "vulnerable", "reason": "mental health", "review_on": "2030-02-01"})
    assert r.status_code == 201
    body = r.json()
    assert (body["kind"], body["reason"], body["review_on"], body["ended_on"]) == (
        "vulnerable",
        "mental health",
        "2030-02-01",
        None,
    )
    assert AuditEvent.objects.filter(model="personflag", object_pk=str(body["id"]), action="create").exists()
    assert fields(json_post(c, url, {"kind": "vulnerable"})) == ["reason"]
    assert fields(json_post(c, url, {"kind": "nonsense", "reason": "x"})) == ["kind"]
    assert fields(json_post(c, url, {"kind": "repeat-victim"})) == ["kind"]
    assert fields(json_post(c, url, {"kind": "vulnerable", "reason": "age", "review_on": "2001-01-01"})) == [
        "review_on"
    ]
    assert fields(json_post(c, url, {"reason": "age"})) == ["kind"]
    assert PersonFlag.objects.filter(person=ada.person).count() == 1
    # Ending it.
    r = json_post(c, f"{API}/flags/{body['id']}/end", {})
    assert r.status_code == 200 and r.json()["ended_on"] == dt.date.today().isoformat()
    assert json_post(c, f"{API}/flags/{body['id']}/end", {}).status_code == 422


# ---------------------------------------------------------------------------------------------
# Review queue


def test_review_queue_and_decision_with_conflict(
    client_for: Callable[..., Client], make_user: Callable[..., User], pair: ReviewPair
) -> None:
    alice = client_for(make_user(Role.ANALYST, username="alice"))
    bob = client_for(make_user(Role.ANALYST, username="bob"))
    r = alice.get(f"{API}/review-queue")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    shown = body["pairs"][0]
    assert (shown["id"], shown["version"], shown["decision"]) == (pair.pk, 1, "pending")
    assert {shown["record_a"]["as_given"]["surname"], shown["record_b"]["as_given"]["surname"]} == {
        "Byrne",
        "Burn",
    }
    assert AuditEvent.objects.filter(action="read", model="contactrecord").count() == 2

    url = f"{API}/review-queue/{pair.pk}"
    r = json_post(alice, url, {"same": False, "note": "different dob on PNC", "version": 1})
    assert r.status_code == 200
    assert (r.json()["decision"], r.json()["decided_by"], r.json()["version"]) == ("different", "alice", 2)
    r = json_post(bob, url, {"same": True, "note": "bob says same", "version": 1})
    assert r.status_code == 409
    assert r.json()["changed_by"] == "alice" and r.json()["changes"] == {"decision": ["pending", "different"]}
    pair.refresh_from_db()
    assert (pair.decision, pair.note, pair.version) == ("different", "different dob on PNC", 2)
    assert alice.get(f"{API}/review-queue").json() == {"count": 0, "pairs": []}
    assert json_post(alice, f"{API}/review-queue/999999", {"same": True, "version": 1}).status_code == 404
    assert fields(json_post(alice, url, {"same": True})) == ["version"]


# ---------------------------------------------------------------------------------------------
# Subject access and erasure


def test_subject_access_needs_a_reason_and_lists_everything(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    c = client_for(make_user(Role.ADMIN, username="dpo"))
    assert fields(c.get(f"{API}/{ada.person_id}/subject-access")) == ["reason"]
    assert fields(c.get(f"{API}/{ada.person_id}/subject-access", {"reason": " "})) == ["reason"]
    c.get(f"{API}/{ada.person_id}", {"purpose": "checking"})
    r = c.get(f"{API}/{ada.person_id}/subject-access", {"reason": "SAR-2026-2"})
    assert r.status_code == 200
    body = r.json()
    assert body["person_id"] == ada.person_id
    assert body["records"][0]["as_given"]["postcode"] == "LS1 5HD"
    assert any(a["why"] == "checking" and a["by"] == "dpo" for a in body["accesses"])
    assert AuditEvent.objects.filter(action="read", reason="subject access: SAR-2026-2").exists()


def test_erase_needs_a_reason_and_keeps_a_tombstone(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    c = client_for(make_user(Role.ADMIN, username="root"))
    url = f"{API}/records/{ada.pk}/erase"
    assert fields(json_post(c, url, {"reason": " "})) == ["reason"]
    assert fields(json_post(c, url, {})) == ["reason"]
    r = json_post(c, url, {"reason": "ER-2026-7"})
    assert r.status_code == 200
    assert r.json()["as_given"] is None and r.json()["erased_reason"] == "ER-2026-7"
    ada.refresh_from_db()
    assert ada.erased_at and ada.given_forename == "" and ada.forename is None
    assert AuditEvent.objects.filter(model="contactrecord", action="erase", actor_label="root").exists()
    assert json_post(c, url, {"reason": "again"}).status_code == 422
    assert json_post(c, f"{API}/records/999999/erase", {"reason": "x"}).status_code == 404


def test_existing_plan_routes_still_answer(client_for: Callable[..., Client]) -> None:
    assert client_for(role=Role.OFFICER).get("/api/v1/inspections").status_code == 200
