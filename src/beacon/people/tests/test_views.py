"""Person-index pages: who may see and do what, the lookup (with and without HTMX), a person's page
and flags, the review queue and its conflicts, erasure, subject access, undoing a run, query counts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django import DjangoAssertNumQueries

from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.people import services
from beacon.people.loading import load_records
from beacon.people.models import ClusterRun, ContactRecord, Person, PersonFlag, RecordMove, ReviewPair

pytestmark = pytest.mark.django_db

LOOKERS = {Role.CALL_HANDLER, Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN}
FLAGGERS = {Role.CALL_HANDLER, Role.OFFICER, Role.SUPERVISOR, Role.ANALYST}
REVIEWERS = {Role.ANALYST}
BATCH = {Role.ANALYST, Role.ADMIN}
ADMINS = {Role.ADMIN}

ADA = {
    "forename": "Ada",
    "surname": "Byrne",
    "dob": "14/03/1980",
    "phone": "07700 900123",
    "address": "12 Park Row, Leeds",
    "postcode": "LS1 5HD",
}
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ada(active_model: Any) -> ContactRecord:
    return services.add_contact(None, ADA, source="incident", source_ref="INC-1")


def _pair(a: ContactRecord, b: ContactRecord, probability: float = 0.55) -> ReviewPair:
    first, second = sorted((a, b), key=lambda r: r.pk)
    return ReviewPair.objects.create(
        record_a=first, record_b=second, probability=probability, model_version=1
    )


def _run_with_a_move(ada: ContactRecord) -> tuple[ClusterRun, Person, Person]:
    """A run that merged Ada's first person into another."""
    old = ada.person
    keeper = Person.objects.create()
    run = ClusterRun.objects.create(model_version=1, records=2, persons_before=2, persons_after=1)
    ContactRecord.objects.filter(pk=ada.pk).update(person=keeper)
    RecordMove.objects.create(run=run, record=ada, from_person=old, to_person=keeper)
    Person.objects.filter(pk=old.pk).update(merged_into=keeper)
    return run, old, keeper


def _problem_fields(response: Any) -> set[str]:
    return {p.field for p in response.context["problems"]}


# ---------------------------------------------------------------------------------------------
# Who may do what


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_only_the_pages_it_may(
    role: str, client_for: Callable[..., Client], ada: ContactRecord
) -> None:
    other = load_records(None, [{"forename": "Ada", "surname": "Burn"}], source="test")[0]
    pair = _pair(ada, other)
    run, _, _ = _run_with_a_move(ada)
    c = client_for(role=role)
    gets = {
        "lookup": (reverse("people:lookup"), LOOKERS),
        "person": (reverse("people:person", args=[ada.person_id]), LOOKERS),
        "subject_access": (reverse("people:subject_access", args=[ada.person_id]), ADMINS),
        "erase": (reverse("people:erase_record", args=[ada.pk]), ADMINS),
        "review": (reverse("people:review"), REVIEWERS),
        "runs": (reverse("people:runs"), BATCH),
        "undo": (reverse("people:undo_run", args=[run.pk]), BATCH),
    }
    for name, (url, allowed) in gets.items():
        status = c.get(url).status_code
        assert status == (200 if role in allowed else 403), (role, name, status)

    flag = services.add_flag(
        User.objects.create_user("flagger", role=Role.OFFICER), ada.person, kind="vulnerable", reason="age"
    )
    posts = {
        "add_flag": (
            reverse("people:add_flag", args=[ada.person_id]),
            {"kind": "vulnerable", "reason": "isolated"},
            FLAGGERS,
        ),
        "end_flag": (reverse("people:end_flag", args=[flag.pk]), {}, FLAGGERS),
        "decide": (
            reverse("people:decide", args=[pair.pk]),
            {"decision": "same", "version": pair.version},
            REVIEWERS,
        ),
        "erase": (reverse("people:erase_record", args=[other.pk]), {"reason": "ER-1"}, ADMINS),
        "undo": (reverse("people:undo_run", args=[run.pk]), {"reason": "bad run"}, BATCH),
    }
    for name, (url, data, allowed) in posts.items():
        status = c.post(url, data).status_code
        if role in allowed:
            assert status == 302, (role, name, status)
        else:
            assert status == 403, (role, name, status)
    if role not in FLAGGERS:
        assert PersonFlag.objects.filter(person=ada.person, ended_on__isnull=True).count() == 1
    if role not in REVIEWERS:
        assert ReviewPair.objects.get(pk=pair.pk).decision == ReviewPair.Decision.PENDING
    if role not in ADMINS:
        assert ContactRecord.objects.get(pk=other.pk).erased_at is None
    if role not in BATCH:
        assert not RecordMove.objects.filter(undone_at__isnull=False).exists()


def test_menu_offers_people_and_the_review_queue_by_role(client_for: Callable[..., Client]) -> None:
    analyst = client_for(role=Role.ANALYST).get(reverse("people:lookup"))
    labels = [i["label"] for i in analyst.context["nav_items"]]
    assert "People" in labels and "Review queue" in labels
    handler = client_for(role=Role.CALL_HANDLER).get(reverse("people:lookup"))
    labels = [i["label"] for i in handler.context["nav_items"]]
    assert "People" in labels and "Review queue" not in labels
    partner = client_for(role=Role.PARTNER).get("/")
    assert "People" not in [i["label"] for i in partner.context["nav_items"]]


# ---------------------------------------------------------------------------------------------
# Lookup


def test_lookup_shows_candidates_with_probability_why_and_flags_and_logs_the_purpose(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    officer = make_user(Role.OFFICER, username="pc_jones")
    services.add_flag(
        officer, ada.person, kind="vulnerable", reason="mental health", review_on=dt.date(2030, 1, 31)
    )
    c = client_for(make_user(Role.CALL_HANDLER, username="handler"))
    r = c.get(
        reverse("people:lookup"),
        {"purpose": "call 0412", "forename": "Ada", "surname": "Byrn", "dob": "14/03/1980"},
    )
    assert r.status_code == 200
    results = r.context["results"]
    assert results and results[0].candidate.person_id == ada.person_id
    top = results[0]
    assert top.percent.endswith("%")
    html = r.content.decode()
    assert f"Person {ada.person_id}" in html
    assert top.percent in html
    for c_ in top.candidate.contributions:
        assert c_.describe() in html  # the why list: "field: level +weight"
    assert "Vulnerable" in html and "mental health" in html
    assert escape(officer.display_name) in html and "31 January 2030" in html
    assert "Ada Byrne" in html  # the closest record as given
    # The link carries the purpose to the person page.
    assert f"/people/{ada.person_id}/?purpose=call+0412" in html
    read = AuditEvent.objects.get(action="read", model="person", object_pk=str(ada.person_id))
    assert read.reason == "call 0412" and read.actor_label == "handler" and read.source == "web"


def test_lookup_with_htmx_answers_only_the_results(
    client_for: Callable[..., Client], ada: ContactRecord
) -> None:
    c = client_for(role=Role.OFFICER)
    r = c.get(reverse("people:lookup"), {"purpose": "call 1", "forename": "Ada", "surname": "Byrne"}, **HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    assert "<html" not in html and "possible match" in html and f"Person {ada.person_id}" in html
    # Still typing (no purpose yet): a hint, not an error, and nothing looked up or logged.
    r = c.get(reverse("people:lookup"), {"purpose": "", "forename": "Ada", "surname": ""}, **HTMX)
    assert r.status_code == 200 and r.context["incomplete"]
    assert "Say why you are looking" in r.content.decode()
    assert AuditEvent.objects.filter(action="read", model="person").count() == 1
    # A bad value shows in the results region, naming (and linking to) the field.
    r = c.get(reverse("people:lookup"), {"purpose": "call 1", "forename": "Ada", "dob": "31/02/1980"}, **HTMX)
    assert _problem_fields(r) == {"dob"} and 'href="#id_dob"' in r.content.decode()


@pytest.mark.parametrize(
    "query,field,words",
    [
        ({"purpose": "call 2", "forename": "Ada", "dob": "31/02/1980"}, "dob", "not a real date"),
        ({"purpose": "call 2", "forename": "Ada", "phone": "+33 1 23 45 67 89"}, "phone", "not a UK number"),
        ({"purpose": "call 2", "surname": "Lee", "postcode": "XX1"}, "postcode", "postcode"),
        ({"purpose": "call 2", "forename": "  "}, "forename", "at least one"),
        ({"purpose": "", "forename": "Ada"}, "purpose", "why you are looking"),
    ],
)
def test_lookup_problems_are_summarised_naming_the_field(
    query: dict[str, str],
    field: str,
    words: str,
    client_for: Callable[..., Client],
    ada: ContactRecord,
) -> None:
    r = client_for(role=Role.CALL_HANDLER).get(reverse("people:lookup"), query)
    assert r.status_code == 200
    assert _problem_fields(r) == {field}
    html = r.content.decode()
    assert "govuk-error-summary" in html and f'href="#id_{field}"' in html
    assert words.lower() in html.lower()
    assert "govuk-form-group--error" in html and "<title>Error: " in html
    assert not AuditEvent.objects.filter(action="read").exists()


def test_lookup_says_plainly_when_no_model_has_been_trained(
    client_for: Callable[..., Client], db: None
) -> None:
    load_records(None, [{"forename": "Ada", "surname": "Byrne"}], source="test")
    c = client_for(role=Role.CALL_HANDLER)
    assert "no matching model has been trained" in c.get(reverse("people:lookup")).content.decode()
    r = c.get(reverse("people:lookup"), {"purpose": "call 3", "forename": "Ada", "surname": "Byrne"})
    assert r.status_code == 200
    assert "No matching model has been trained yet" in r.content.decode()
    assert r.context["results"] is None


def test_lookup_with_no_match_says_so(client_for: Callable[..., Client], ada: ContactRecord) -> None:
    r = client_for(role=Role.OFFICER).get(
        reverse("people:lookup"), {"purpose": "call 4", "phone": "07700 900999"}
    )
    assert r.status_code == 200 and r.context["results"] == []
    assert "No matches" in r.content.decode()


# ---------------------------------------------------------------------------------------------
# A person


def test_person_page_shows_records_as_given_and_flags_and_logs_the_read(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    officer = make_user(Role.OFFICER)
    second = services.add_contact(
        None,
        {"forename": "Ada", "surname": "Byrne", "email": "ada@example.org"},
        source="call",
        person=ada.person,
    )
    admin = make_user(Role.ADMIN)
    services.erase_record(admin, second, reason="ER-9 erasure request")
    services.add_flag(
        officer, ada.person, kind="vulnerable", reason="isolated", review_on=dt.date(2031, 5, 1)
    )
    c = client_for(make_user(Role.SUPERVISOR, username="sgt"))
    r = c.get(reverse("people:person", args=[ada.person_id]), {"purpose": "INC-77 follow-up"})
    assert r.status_code == 200
    html = r.content.decode()
    for given in (
        "Ada Byrne",
        "14/03/1980",
        "07700 900123",
        "12 Park Row, Leeds",
        "LS1 5HD",
        "incident INC-1",
    ):
        assert given in html, given
    assert f"Erased on {timezone.localdate():%-d %B %Y} (ER-9 erasure request)" in html
    assert "ada@example.org" not in html
    assert (
        "Vulnerable" in html
        and "isolated" in html
        and "1 May 2031" in html
        and escape(officer.display_name) in html
    )
    reads = AuditEvent.objects.filter(
        action="read", model="person", object_pk=str(ada.person_id), actor_label="sgt"
    )
    assert list(reads.values_list("reason", flat=True)) == ["INC-77 follow-up"]
    c.get(reverse("people:person", args=[ada.person_id]))
    assert reads.filter(reason="viewing person record").count() == 1


def test_a_merged_person_links_to_the_current_one(
    client_for: Callable[..., Client], ada: ContactRecord
) -> None:
    _, old, keeper = _run_with_a_move(ada)
    r = client_for(role=Role.OFFICER).get(reverse("people:person", args=[old.pk]))
    assert r.status_code == 200 and r.context["current"] == keeper
    assert f'href="/people/{keeper.pk}/"' in r.content.decode()
    assert "merged into" in r.content.decode()
    assert client_for(role=Role.OFFICER).get(reverse("people:person", args=[999999])).status_code == 404


def test_adding_and_ending_a_flag_is_audited(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    officer = make_user(Role.OFFICER, username="pc_flag")
    c = client_for(officer)
    url = reverse("people:add_flag", args=[ada.person_id])
    r = c.post(
        url, {"kind": "vulnerable", "reason": "mental health", "review_on": "2030-06-01", "purpose": "INC-5"}
    )
    assert r.status_code == 302 and r.url == f"/people/{ada.person_id}/?purpose=INC-5"
    flag = PersonFlag.objects.get(person=ada.person, kind__code="vulnerable")
    assert (flag.reason, flag.review_on, flag.source, flag.created_by) == (
        "mental health",
        dt.date(2030, 6, 1),
        officer.display_name,
        officer,
    )
    assert AuditEvent.objects.filter(model="personflag", object_pk=str(flag.pk), action="create").exists()
    # A typed reason when none offered fits.
    c.post(url, {"kind": "vulnerable", "reason_other": "carer in hospital"})
    assert PersonFlag.objects.filter(person=ada.person, reason="carer in hospital").exists()

    r = c.post(reverse("people:end_flag", args=[flag.pk]), {"purpose": "INC-5"})
    assert r.status_code == 302
    flag.refresh_from_db()
    assert flag.ended_on == timezone.localdate()
    ended = AuditEvent.objects.get(model="personflag", object_pk=str(flag.pk), action="update")
    assert ended.actor_label == "pc_flag" and "ended_on" in ended.changes


@pytest.mark.parametrize(
    "data,field",
    [
        ({"kind": "vulnerable"}, "reason"),
        ({"kind": "vulnerable", "reason": "not on the list"}, "reason"),
        ({"kind": "repeat-victim", "reason_other": "x"}, "kind"),  # set by its rule, not offered
        ({"kind": ""}, "kind"),
        ({"kind": "vulnerable", "reason": "age", "review_on": "2001-01-01"}, "review_on"),
    ],
)
def test_flag_problems_name_the_field_and_save_nothing(
    data: dict[str, str], field: str, client_for: Callable[..., Client], ada: ContactRecord
) -> None:
    r = client_for(role=Role.OFFICER).post(reverse("people:add_flag", args=[ada.person_id]), data)
    assert r.status_code == 200
    assert field in _problem_fields(r)
    assert f'href="#id_{field}"' in r.content.decode()
    assert not PersonFlag.objects.filter(person=ada.person, kind__code="vulnerable").exists()


def test_a_derived_flag_cannot_be_ended_by_hand(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    for _ in range(2):
        services.add_contact(None, ADA, source="incident", person=ada.person)
    rv = PersonFlag.objects.get(person=ada.person, kind__code="repeat-victim")
    r = client_for(role=Role.OFFICER).post(reverse("people:end_flag", args=[rv.pk]), follow=True)
    assert "set and ended by its rule" in r.content.decode()
    rv.refresh_from_db()
    assert rv.ended_on is None


# ---------------------------------------------------------------------------------------------
# Review queue


def test_review_queue_shows_pairs_side_by_side_and_a_decision_is_saved(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    other = load_records(None, [{"forename": "Ada", "surname": "Burn", "dob": "1980-03-14"}], source="x")[0]
    pair = _pair(ada, other, 0.62)
    analyst = make_user(Role.ANALYST, username="ann")
    c = client_for(analyst)
    r = c.get(reverse("people:review"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Ada Byrne" in html and "Ada Burn" in html and "62.0%" in html
    assert (
        AuditEvent.objects.filter(
            action="read", model="contactrecord", reason="reviewing possible matches"
        ).count()
        == 2
    )
    r = c.post(
        reverse("people:decide", args=[pair.pk]),
        {"decision": "different", "version": 1, "note": "dob differs"},
    )
    assert r.status_code == 302
    pair.refresh_from_db()
    assert (pair.decision, pair.decided_by, pair.note, pair.version) == (
        "different",
        analyst,
        "dob differs",
        2,
    )
    assert AuditEvent.objects.filter(model="reviewpair", object_pk=str(pair.pk), action="update").exists()
    assert "Nothing to review" in c.get(reverse("people:review")).content.decode()


def test_a_stale_decision_is_refused_with_409_and_nothing_overwritten(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    other = load_records(None, [{"forename": "Ada", "surname": "Burn"}], source="x")[0]
    pair = _pair(ada, other)
    first = client_for(make_user(Role.ANALYST, username="alice"))
    second = client_for(make_user(Role.ANALYST, username="bob"))
    url = reverse("people:decide", args=[pair.pk])
    assert first.post(url, {"decision": "same", "version": 1, "note": "same phone"}).status_code == 302
    r = second.post(url, {"decision": "different", "version": 1, "note": "bob thinks not"})
    assert r.status_code == 409
    html = r.content.decode()
    assert "Your changes were not saved" in html and "alice" in html
    # With HTMX: the row is replaced by the refusal (still 409).
    r = second.post(url, {"decision": "different", "version": 1}, **HTMX)
    assert r.status_code == 409 and "<html" not in r.content.decode() and "alice" in r.content.decode()
    pair.refresh_from_db()
    assert (pair.decision, pair.decided_by.username, pair.note, pair.version) == (
        "same",
        "alice",
        "same phone",
        2,
    )


def test_deciding_with_htmx_replaces_the_row_with_the_decision(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    other = load_records(None, [{"forename": "Ada", "surname": "Burn"}], source="x")[0]
    pair = _pair(ada, other)
    c = client_for(make_user(Role.ANALYST))
    r = c.post(reverse("people:decide", args=[pair.pk]), {"decision": "same", "version": 1}, **HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    assert f'id="pair-{pair.pk}"' in html and "Same person" in html and "<html" not in html
    # A tampered form (no decision) changes nothing.
    r = c.post(reverse("people:decide", args=[pair.pk]), {"version": 2}, **HTMX)
    assert r.status_code == 204 and r["HX-Redirect"].startswith("/people/review/")
    assert ReviewPair.objects.get(pk=pair.pk).version == 2


# ---------------------------------------------------------------------------------------------
# Erasure and subject access


def test_erase_asks_for_confirmation_and_a_reason_then_keeps_a_tombstone(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    admin = make_user(Role.ADMIN, username="root")
    c = client_for(admin)
    url = reverse("people:erase_record", args=[ada.pk])
    r = c.get(url)
    assert r.status_code == 200 and "Ada" in r.content.decode() and "Erase record" in r.content.decode()
    r = c.post(url, {"reason": "  "})
    assert r.status_code == 422 and _problem_fields(r) == {"reason"}
    assert ContactRecord.objects.get(pk=ada.pk).erased_at is None
    r = c.post(url, {"reason": "ER-2026-3"})
    assert r.status_code == 302 and r.url == reverse("people:person", args=[ada.person_id])
    ada.refresh_from_db()
    assert ada.erased_at and ada.erased_reason == "ER-2026-3" and ada.given_surname == ""
    ev = AuditEvent.objects.get(model="contactrecord", object_pk=str(ada.pk), action="erase")
    assert ev.actor_label == "root" and ev.reason == "ER-2026-3"
    assert "Erased on" in c.get(reverse("people:person", args=[ada.person_id])).content.decode()
    # Erasing again is refused and says why.
    r = c.post(url, {"reason": "again"})
    assert r.status_code == 422 and "already been erased" in r.content.decode()


def test_subject_access_needs_a_reference_then_shows_everything_and_downloads_json(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    services.add_flag(make_user(Role.OFFICER), ada.person, kind="vulnerable", reason="age")
    c = client_for(make_user(Role.ADMIN, username="dpo"))
    url = reverse("people:subject_access", args=[ada.person_id])
    r = c.get(url)
    assert r.status_code == 200 and r.context["report"] is None
    r = c.get(url, {"reason": ""})
    assert _problem_fields(r) == {"reason"} and r.context["report"] is None
    assert not AuditEvent.objects.filter(reason__startswith="subject access").exists()
    r = c.get(url, {"reason": "SAR-2026-14"})
    html = r.content.decode()
    assert "Ada" in html and "Byrne" in html and "Download as JSON" in html and "age" in html
    r = c.get(url, {"reason": "SAR-2026-14", "format": "json"})
    assert r["Content-Type"] == "application/json"
    assert r["Content-Disposition"] == f'attachment; filename="subject-access-person-{ada.person_id}.json"'
    data = json.loads(r.content)
    assert data["person_id"] == ada.person_id
    assert data["records"][0]["as_given"]["surname"] == "Byrne"
    assert data["flags"][0]["kind"] == "vulnerable"
    assert (
        AuditEvent.objects.filter(
            action="read",
            object_pk=str(ada.person_id),
            reason="subject access: SAR-2026-14",
            actor_label="dpo",
        ).count()
        == 2
    )
    assert AuditEvent.objects.filter(action="export", reason="subject access: SAR-2026-14").count() == 1


# ---------------------------------------------------------------------------------------------
# Cluster runs


def test_runs_list_and_undo_needs_a_reason_then_puts_records_back(
    client_for: Callable[..., Client], make_user: Callable[..., User], ada: ContactRecord
) -> None:
    run, old, keeper = _run_with_a_move(ada)
    ClusterRun.objects.filter(pk=run.pk).update(figures={"total_s": 1.5}, records_moved=1)
    c = client_for(make_user(Role.ANALYST, username="ann"))
    html = c.get(reverse("people:runs")).content.decode()
    assert "Undo this run" in html and "total 1.5 s" in html
    url = reverse("people:undo_run", args=[run.pk])
    r = c.post(url, {"reason": ""})
    assert r.status_code == 422 and _problem_fields(r) == {"reason"}
    assert ContactRecord.objects.get(pk=ada.pk).person_id == keeper.pk
    r = c.post(url, {"reason": "merged two sisters"})
    assert r.status_code == 302
    assert ContactRecord.objects.get(pk=ada.pk).person_id == old.pk
    assert Person.objects.get(pk=old.pk).merged_into_id is None
    assert RecordMove.objects.get(run=run).undone_at is not None
    assert AuditEvent.objects.filter(
        model="contactrecord", action="update", reason="undo: merged two sisters", actor_label="ann"
    ).exists()
    html = c.get(reverse("people:runs")).content.decode()
    assert "Undo this run" not in html and "(1 undone)" in html
    r = c.post(url, {"reason": "again"}, follow=True)
    assert "nothing left to undo" in r.content.decode()


# ---------------------------------------------------------------------------------------------
# Query counts do not grow with rows


def _count_queries(c: Client, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url, params or {}).status_code == 200
    return len(ctx)


def test_lookup_results_run_a_fixed_number_of_queries(
    client_for: Callable[..., Client],
    make_user: Callable[..., User],
    active_model: Any,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    officer = make_user(Role.OFFICER)
    c = client_for(officer)
    query = {"purpose": "counting", "forename": "Ann", "surname": "Lee"}
    counts = []
    for n in (3, 30):
        rows = [
            {"forename": "Ann", "surname": "Lee", "dob": f"19{50 + i % 40}-01-0{1 + i % 9}"} for i in range(n)
        ]
        for rec in load_records(None, rows, source="test"):
            services.add_flag(officer, rec.person, kind="vulnerable", reason="age")
        counts.append(_count_queries(c, reverse("people:lookup"), query))
    assert counts[0] == counts[1], f"{counts[0]} queries for 3 candidates but {counts[1]} for 10"
    # The person index's own reads plus one to three per later domain's summary (risk level, open
    # cases, ASB case review threshold): a fixed number however many people come back.
    with django_assert_max_num_queries(18):
        c.get(reverse("people:lookup"), query)


def test_review_queue_runs_a_fixed_number_of_queries(
    client_for: Callable[..., Client],
    make_user: Callable[..., User],
    db: None,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    c = client_for(make_user(Role.ANALYST))
    counts = []
    for n in (3, 30):
        recs = load_records(
            None, [{"forename": "Ann", "surname": f"Lee{i}"} for i in range(2 * n)], source="t"
        )
        for i in range(n):
            _pair(recs[2 * i], recs[2 * i + 1], 0.5)
        counts.append(_count_queries(c, reverse("people:review")))
    assert counts[0] == counts[1], f"{counts[0]} queries for 3 pairs but {counts[1]} for a page of 20"
    with django_assert_max_num_queries(9):
        c.get(reverse("people:review"))


def test_runs_page_runs_a_fixed_number_of_queries(
    client_for: Callable[..., Client],
    make_user: Callable[..., User],
    db: None,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    c = client_for(make_user(Role.ADMIN))
    counts = []
    for n in (3, 30):
        for _ in range(n):
            run = ClusterRun.objects.create(model_version=1, records=2, figures={"total_s": 0.5})
            a, b = Person.objects.create(), Person.objects.create()
            rec = load_records(None, [{"forename": "Ann"}], source="t")[0]
            RecordMove.objects.create(run=run, record=rec, from_person=a, to_person=b)
        counts.append(_count_queries(c, reverse("people:runs")))
    assert counts[0] == counts[1], f"{counts[0]} queries for 3 runs but {counts[1]} for 20"
    with django_assert_max_num_queries(8):
        c.get(reverse("people:runs"))
