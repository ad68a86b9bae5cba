"""Attendance and the response grade's target: the one judgement (exactly on the target is met, a
second later is missed), the service's refusals naming `attended_at`, conflicts on a stale version,
the incident page's form, the API, the feed and Beacon's import format, and the KPI measure against
a hand count."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beacon.core import measures
from beacon.core.errors import EditConflict, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.incidents import services
from beacon.incidents.importer import import_incidents
from beacon.incidents.models import Incident, ResponseGrade
from beacon.incidents.services import IncidentInput
from beacon.incidents.templatetags.incidents_tags import response_words
from beacon.incidents.tests.factories import feed_message, report

pytestmark = pytest.mark.django_db

API = "/api/v1/incidents"
LONDON = ZoneInfo("Europe/London")
MINUTE = dt.timedelta(minutes=1)


def graded(grade: str, received_at: dt.datetime, **overrides: Any) -> IncidentInput:
    """A report given this response grade (a reason is given where it differs from the suggestion)."""
    return report(
        response_grade=grade, grade_override_reason="Set for the test.", received_at=received_at, **overrides
    )


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user(Role.OFFICER, username="pc_attend", all_areas=True)


@pytest.fixture
def immediate(town: dict[str, Any], officer: User) -> Incident:
    """An Immediate (15-minute target) incident in Market, received three hours ago."""
    lat, lon = town["inside"]
    received = timezone.now().replace(microsecond=0) - dt.timedelta(hours=3)
    return services.create_incident(officer, graded("immediate", received, lat=lat, lon=lon))


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


# ---------------------------------------------------------------------------------------------
# The judgement and the service


def test_exactly_on_the_target_is_met_and_a_second_later_is_missed(
    immediate: Incident, officer: User
) -> None:
    target = immediate.received_at + dt.timedelta(minutes=15)
    done = services.record_attendance(officer, immediate, version=immediate.version, attended_at=target)
    assert done.attended_at == target and done.response_met is True
    assert done.version == immediate.version + 1
    late = services.record_attendance(
        officer, done, version=done.version, attended_at=target + dt.timedelta(seconds=1)
    )
    assert late.response_met is False
    saved = Incident.objects.get(pk=immediate.pk)
    assert saved.response_met is False and saved.attended_at == target + dt.timedelta(seconds=1)
    assert response_words(saved) == "less than a minute over the 15-minute target"


def test_each_grade_is_judged_by_its_own_target(town: dict[str, Any], officer: User) -> None:
    received = timezone.now().replace(microsecond=0) - dt.timedelta(days=2)
    for code, minutes in ResponseGrade.objects.values_list("code", "target_minutes"):
        inc = services.create_incident(
            officer, graded(code, received, attended_at=received + dt.timedelta(minutes=minutes))
        )
        assert inc.response_met is True, code
        over = received + dt.timedelta(minutes=minutes + 8)
        inc = services.record_attendance(officer, inc, version=inc.version, attended_at=over)
        assert inc.response_met is False, code
        words = response_words(inc)
        assert words.startswith("8 minutes over the") and words.endswith("target"), words
    other = Incident.objects.filter(response_grade__code="other").latest("pk")
    assert response_words(other) == "8 minutes over the 24-hour target"


def test_without_a_time_attended_or_a_grade_nothing_is_judged(immediate: Incident) -> None:
    assert immediate.attended_at is None and immediate.response_met is None
    assert response_words(immediate) == "not attended yet"
    immediate.attended_at = immediate.received_at
    immediate.response_grade = None
    services._judge_response(immediate)
    assert immediate.response_met is None


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (None, "Enter the date and time"),
        (-MINUTE, "cannot be before the incident was received"),
        (dt.timedelta(hours=3, minutes=2), "cannot be in the future"),
    ],
)
def test_a_missing_early_or_future_time_is_refused_naming_attended_at(
    immediate: Incident, officer: User, offset: dt.timedelta | None, message: str
) -> None:
    when = None if offset is None else immediate.received_at + offset
    with pytest.raises(ValidationFailed) as err:
        services.record_attendance(officer, immediate, version=immediate.version, attended_at=when)
    assert [p.field for p in err.value.problems] == ["attended_at"]
    assert message in err.value.problems[0].message
    saved = Incident.objects.get(pk=immediate.pk)
    assert saved.attended_at is None and saved.version == immediate.version


def test_a_device_clock_up_to_a_minute_fast_is_allowed(immediate: Incident, officer: User) -> None:
    ahead = timezone.now() + dt.timedelta(seconds=50)
    done = services.record_attendance(officer, immediate, version=immediate.version, attended_at=ahead)
    assert done.attended_at == ahead and done.response_met is False


def test_recording_is_audited_and_recording_the_same_time_again_changes_nothing(
    immediate: Incident, officer: User
) -> None:
    when = immediate.received_at + dt.timedelta(minutes=9)
    done = services.record_attendance(officer, immediate, version=immediate.version, attended_at=when)
    event = AuditEvent.objects.get(model="incident", object_pk=str(immediate.pk), action="update")
    assert event.actor == officer
    assert event.changes["response_met"] == [None, True] and "attended_at" in event.changes
    again = services.record_attendance(officer, done, version=done.version, attended_at=when)
    assert again.version == done.version
    assert (
        AuditEvent.objects.filter(model="incident", object_pk=str(immediate.pk), action="update").count() == 1
    )


def test_a_stale_version_is_refused_and_the_first_time_stands(immediate: Incident, officer: User) -> None:
    first = immediate.received_at + dt.timedelta(minutes=5)
    services.record_attendance(officer, immediate, version=immediate.version, attended_at=first)
    with pytest.raises(EditConflict) as err:
        services.record_attendance(
            officer, immediate, version=immediate.version, attended_at=first + dt.timedelta(hours=1)
        )
    assert "attended_at" in err.value.changes and err.value.changed_by
    assert Incident.objects.get(pk=immediate.pk).attended_at == first


def test_a_report_taken_with_its_time_attended_is_judged_and_checked(town: dict[str, Any]) -> None:
    received = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    inc = services.create_incident(
        None, graded("urgent", received, attended_at=received + dt.timedelta(minutes=61))
    )
    assert Incident.objects.get(pk=inc.pk).response_met is False
    with pytest.raises(ValidationFailed) as err:
        services.create_incident(None, graded("urgent", received, attended_at=received - MINUTE))
    assert "attended_at" in [p.field for p in err.value.problems]


# ---------------------------------------------------------------------------------------------
# The incident page


def _day_and_time(when: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(when)
    return {
        "attended_on_day": str(local.day),
        "attended_on_month": str(local.month),
        "attended_on_year": str(local.year),
        "attended_time": f"{local:%H:%M}",
    }


def test_the_page_records_attendance_and_says_whether_the_target_was_met(
    immediate: Incident, client_for: Callable[..., Client], officer: User
) -> None:
    client = client_for(officer)
    page = client.get(reverse("incidents:detail", args=[immediate.pk])).content.decode()
    assert "Record attendance" in page and 'for="id_attended_time"' in page and "Not recorded yet" in page
    when = (immediate.received_at + dt.timedelta(minutes=12)).replace(second=0)
    r = client.post(
        reverse("incidents:attendance", args=[immediate.pk]),
        {"version": str(immediate.version), **_day_and_time(when)},
        follow=True,
    )
    html = r.content.decode()
    assert r.redirect_chain[-1][0] == reverse("incidents:detail", args=[immediate.pk])
    assert "Attendance recorded: within the 15-minute target." in html
    assert f"{timezone.localtime(when):%-d %B %Y %H:%M}: within the 15-minute target" in html
    saved = Incident.objects.get(pk=immediate.pk)
    assert saved.attended_at == when and saved.response_met is True
    # The form now shows the time recorded, to correct it.
    assert f'value="{timezone.localtime(when):%H:%M}"' in html


def test_the_page_shows_each_problem_on_its_field(
    immediate: Incident, client_for: Callable[..., Client], officer: User
) -> None:
    client = client_for(officer)
    url = reverse("incidents:attendance", args=[immediate.pk])
    r = client.post(url, {"version": str(immediate.version)})
    html = r.content.decode()
    assert r.status_code == 200 and "There is a problem" in html
    assert 'href="#id_attended_on"' in html and 'href="#id_attended_time"' in html
    assert "Enter the date attended" in html and "Enter the time attended" in html
    early = _day_and_time(immediate.received_at - dt.timedelta(hours=1))
    r = client.post(url, {"version": str(immediate.version), **early})
    html = r.content.decode()
    assert 'href="#id_attended_on"' in html and "cannot be before the incident was received" in html
    assert "<title>Error:" in html
    r = client.post(url, {"version": str(immediate.version), **early, "attended_on_month": "13"})
    assert "Enter the date attended as a real date" in r.content.decode()
    r = client.post(url, {"version": str(immediate.version), **early, "attended_on_year": "1066"})
    assert "Enter a date between 1900 and 2199." in r.content.decode()
    assert Incident.objects.get(pk=immediate.pk).attended_at is None


def test_a_stale_attendance_form_shows_the_conflict_and_keeps_what_was_typed(
    immediate: Incident, client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    first = make_user(Role.OFFICER, all_areas=True, username="pc_first")
    services.record_attendance(
        first,
        immediate,
        version=immediate.version,
        attended_at=immediate.received_at + dt.timedelta(minutes=5),
    )
    typed = _day_and_time(immediate.received_at + dt.timedelta(minutes=40))
    r = client_for(role=Role.SUPERVISOR, all_areas=True).post(
        reverse("incidents:attendance", args=[immediate.pk]), {"version": str(immediate.version), **typed}
    )
    html = r.content.decode()
    assert r.status_code == 409 and "Your changes were not saved" in html and "pc_first" in html
    assert f'value="{typed["attended_time"]}"' in html
    saved = Incident.objects.get(pk=immediate.pk)
    assert saved.attended_at == immediate.received_at + dt.timedelta(minutes=5)


def test_only_roles_that_update_incidents_see_and_use_the_form(
    immediate: Incident, client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    analyst = client_for(make_user(Role.ANALYST, all_areas=True))
    page = analyst.get(reverse("incidents:detail", args=[immediate.pk])).content.decode()
    assert "Record attendance" not in page and "Not recorded yet" in page
    when = _day_and_time(immediate.received_at + dt.timedelta(minutes=5))
    r = analyst.post(
        reverse("incidents:attendance", args=[immediate.pk]), {"version": str(immediate.version), **when}
    )
    assert r.status_code == 403
    assert Incident.objects.get(pk=immediate.pk).attended_at is None


# ---------------------------------------------------------------------------------------------
# The API


def test_the_api_records_attendance_and_answers_the_state(
    immediate: Incident, client_for: Callable[..., Client], officer: User
) -> None:
    client = client_for(officer)
    url = f"{API}/{immediate.pk}/attendance"
    when = immediate.received_at + dt.timedelta(minutes=20)
    r = post(client, url, {"version": immediate.version, "attended_at": when.isoformat()})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["response_met"] is False and out["version"] == immediate.version + 1
    assert dt.datetime.fromisoformat(out["attended_at"]) == when
    detail = client.get(f"{API}/{immediate.pk}").json()
    assert detail["response_met"] is False and dt.datetime.fromisoformat(detail["attended_at"]) == when
    # A time without an offset is London time.
    local = timezone.localtime(immediate.received_at + dt.timedelta(minutes=10)).replace(tzinfo=None)
    r = post(client, url, {"version": out["version"], "attended_at": local.isoformat()})
    assert r.status_code == 200 and r.json()["response_met"] is True
    assert Incident.objects.get(pk=immediate.pk).attended_at == local.replace(tzinfo=LONDON)


def test_the_api_refuses_a_stale_version_with_409(
    immediate: Incident, client_for: Callable[..., Client], officer: User
) -> None:
    client = client_for(officer)
    url = f"{API}/{immediate.pk}/attendance"
    when = (immediate.received_at + dt.timedelta(minutes=5)).isoformat()
    assert post(client, url, {"version": immediate.version, "attended_at": when}).status_code == 200
    r = post(client, url, {"version": immediate.version, "attended_at": when})
    assert r.status_code == 409 and "attended_at" in r.json()["changes"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"attended_at": "early"}, 422),
        ({"attended_at": "future"}, 422),
        ({"attended_at": "2026-13-40T25:00"}, 422),
        ({"attended_at": None}, 422),
        ({}, 422),
        ({"attended_at": "9999-12-31T23:59:59-23:59"}, 422),
        ({"attended_at": "early", "colour": "red"}, 422),
    ],
)
def test_the_api_names_attended_at_for_a_time_it_cannot_use(
    immediate: Incident, client_for: Callable[..., Client], officer: User, body: dict[str, Any], status: int
) -> None:
    values = {
        "early": (immediate.received_at - MINUTE).isoformat(),
        "future": (timezone.now() + dt.timedelta(hours=1)).isoformat(),
    }
    if body.get("attended_at") in values:
        body = {**body, "attended_at": values[body["attended_at"]]}
    r = post(client_for(officer), f"{API}/{immediate.pk}/attendance", {"version": immediate.version, **body})
    assert r.status_code == status, r.content
    assert ("colour" if "colour" in body else "attended_at") in fields(r)
    assert Incident.objects.get(pk=immediate.pk).attended_at is None


def test_the_api_answers_400_for_a_body_that_is_not_json(
    immediate: Incident, client_for: Callable[..., Client], officer: User
) -> None:
    r = client_for(officer).post(
        f"{API}/{immediate.pk}/attendance", "{not json", content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["errors"]


def test_the_api_refuses_a_role_that_does_not_update_incidents_and_hides_other_areas(
    town: dict[str, Any],
    immediate: Incident,
    client_for: Callable[..., Client],
    make_user: Callable[..., User],
) -> None:
    body = {"version": immediate.version, "attended_at": (immediate.received_at + MINUTE).isoformat()}
    url = f"{API}/{immediate.pk}/attendance"
    assert post(client_for(make_user(Role.ANALYST, all_areas=True)), url, body).status_code == 403
    assert post(client_for(make_user(Role.PARTNER, all_areas=True)), url, body).status_code == 403
    elsewhere = make_user(Role.OFFICER)
    elsewhere.areas.add(town["docks"].area)  # the incident is in Market (North)
    assert post(client_for(elsewhere), url, body).status_code == 404
    assert post(client_for(elsewhere), f"{API}/999999/attendance", body).status_code == 404
    assert Incident.objects.get(pk=immediate.pk).attended_at is None


def test_the_openapi_documents_each_answer_of_the_attendance_operation(
    client_for: Callable[..., Client],
) -> None:
    schema = client_for(role=Role.ADMIN, all_areas=True).get(f"{API.removesuffix('/incidents')}/openapi.json")
    op = schema.json()["paths"]["/api/v1/incidents/{incident_id}/attendance"]["post"]
    assert {"200", "400", "403", "404", "409", "422"} <= set(op["responses"])
    state = schema.json()["components"]["schemas"]["IncidentStateOut"]["properties"]
    assert {"attended_at", "response_met"} <= set(state)


# ---------------------------------------------------------------------------------------------
# The command-and-control feed


def test_the_feed_sets_the_time_attended_and_an_amendment_changes_it_once(
    town: dict[str, Any], feed: dict[str, str]
) -> None:
    received = timezone.now().replace(microsecond=0) - dt.timedelta(hours=2)
    body = feed_message(received_at=received.isoformat(), answers={"danger_now": "yes"})  # Immediate
    r = Client().post(API, body, content_type="application/json", headers=feed)
    assert r.status_code == 201, r.content
    assert r.json()["attended_at"] is None and r.json()["response_met"] is None
    attended = {**body, "attended_at": (received + dt.timedelta(minutes=14)).isoformat()}
    r = Client().post(API, attended, content_type="application/json", headers=feed)
    assert r.status_code == 200 and r.json()["outcome"] == "updated"
    assert r.json()["response_met"] is True and r.json()["response_grade"] == "immediate"
    version = r.json()["version"]
    for _ in range(3):  # sending it again changes nothing
        again = Client().post(API, attended, content_type="application/json", headers=feed)
        assert again.json()["outcome"] == "unchanged" and again.json()["version"] == version
    inc = Incident.objects.get()
    assert inc.attended_at == received + dt.timedelta(minutes=14) and inc.response_met is True
    event = AuditEvent.objects.get(model="incident", object_pk=str(inc.pk), action="update")
    assert event.changes["response_met"] == [None, True] and event.reason == "amended by the source system"
    # A later amendment without the time attended keeps it.
    r = Client().post(
        API, {**body, "description": "Youths gone."}, content_type="application/json", headers=feed
    )
    assert r.json()["outcome"] == "updated" and r.json()["response_met"] is True
    inc.refresh_from_db()
    assert inc.attended_at == received + dt.timedelta(minutes=14)


def test_the_feed_is_refused_a_time_attended_before_the_call_or_in_the_future(
    town: dict[str, Any], feed: dict[str, str]
) -> None:
    received = timezone.now().replace(microsecond=0) - dt.timedelta(hours=2)
    for attended in (received - MINUTE, timezone.now() + dt.timedelta(minutes=10)):
        body = feed_message(received_at=received.isoformat(), attended_at=attended.isoformat())
        r = Client().post(API, body, content_type="application/json", headers=feed)
        assert r.status_code == 422 and fields(r) == ["attended_at"], r.content
    assert not Incident.objects.exists()
    body = feed_message(received_at=received.isoformat())
    assert Client().post(API, body, content_type="application/json", headers=feed).status_code == 201
    # An amendment is checked against the time first received, whatever the message says.
    amended = {
        **body,
        "received_at": (received - dt.timedelta(hours=5)).isoformat(),
        "attended_at": (received - dt.timedelta(hours=1)).isoformat(),
    }
    r = Client().post(API, amended, content_type="application/json", headers=feed)
    assert r.status_code == 422 and fields(r) == ["attended_at"], r.content
    assert Incident.objects.get().attended_at is None


# ---------------------------------------------------------------------------------------------
# Beacon's import format

HEADER = ["source_id", "channel", "received_at", "asb_category", "type_heading", "description", "attended_at"]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _row(source_id: str, received: dt.datetime, attended: str) -> list[str]:
    return [source_id, "101", f"{received:%Y-%m-%dT%H:%M}", "nuisance", "noise", "Loud music.", attended]


def test_the_import_reads_the_time_attended_and_judges_the_response(
    town: dict[str, Any], tmp_path: Path
) -> None:
    received = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(days=3)
    rows = [
        _row("A-1", received, f"{received + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}"),  # "other": 24 hours
        _row("A-2", received, f"{received + dt.timedelta(hours=30):%Y-%m-%dT%H:%M}"),
        _row("A-3", received, ""),
    ]
    result = import_incidents(None, _write(tmp_path / "a.csv", rows))
    assert result.created == 3
    got = {i.source_id: i for i in Incident.objects.select_related("response_grade")}
    assert got["A-1"].response_grade.code == "other"
    assert got["A-1"].attended_at == received + dt.timedelta(hours=2) and got["A-1"].response_met is True
    assert got["A-2"].response_met is False
    assert got["A-3"].attended_at is None and got["A-3"].response_met is None
    assert import_incidents(None, _write(tmp_path / "a.csv", rows)).created == 0


def test_the_import_reports_a_bad_time_attended_with_its_line_and_column(
    town: dict[str, Any], tmp_path: Path
) -> None:
    received = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(days=3)
    rows = [
        _row("B-1", received, "half past ten"),  # line 2
        _row("B-2", received, f"{received - dt.timedelta(hours=1):%Y-%m-%dT%H:%M}"),  # line 3
        _row("B-3", received, f"{timezone.localtime() + dt.timedelta(days=1):%Y-%m-%dT%H:%M}"),  # line 4
        _row("B-4", received, f"{received + dt.timedelta(hours=1):%Y-%m-%dT%H:%M}"),  # line 5: fine
    ]
    with pytest.raises(ValidationFailed) as err:
        import_incidents(None, _write(tmp_path / "b.csv", rows))
    assert {(p.row, p.field) for p in err.value.problems} == {
        (2, "attended_at"),
        (3, "attended_at"),
        (4, "attended_at"),
    }
    assert not Incident.objects.exists()


# ---------------------------------------------------------------------------------------------
# The KPI measure


def _month(when: dt.datetime) -> dt.date:
    return timezone.localtime(when, LONDON).date().replace(day=1)


def test_the_response_measure_equals_a_hand_count(town: dict[str, Any]) -> None:
    rng = random.Random(12)
    targets = dict(ResponseGrade.objects.values_list("code", "target_minutes"))
    hand: Counter[tuple[dt.date, str]] = Counter()
    asb_by_response: Counter[str] = Counter()
    places = [town["inside"], (52.59, -1.11), None]  # Market, Docks, not placed
    for i in range(36):
        received = dt.datetime(2025, 1 + i % 3, 1 + rng.randrange(27), rng.randrange(24), tzinfo=LONDON)
        grade = rng.choice(sorted(targets))
        delay = rng.choice([None, 0, 1, targets[grade] - 1, targets[grade], targets[grade] + 1, 3000])
        attended = None if delay is None else received + dt.timedelta(minutes=delay)
        if delay == targets[grade] + 1:
            attended = received + dt.timedelta(minutes=targets[grade], seconds=1)
        is_asb = i % 7 != 3
        where = places[i % 3]
        extra: dict[str, Any] = {"lat": where[0], "lon": where[1]} if where else {}
        if not is_asb:
            extra.update(is_asb=False, asb_category="", type_heading="", other_category="road-traffic")
        services.create_incident(None, graded(grade, received, attended_at=attended, **extra))
        if attended is None or not is_asb:
            continue
        met = attended - received <= dt.timedelta(minutes=targets[grade])
        hand[_month(received), "denominator"] += 1
        hand[_month(received), "numerator"] += met
        asb_by_response["met" if met else "missed"] += 1
    measure = measures.get("incidents.response_met")
    counted: Counter[tuple[dt.date, str]] = Counter()
    for c in measures.monthly_counts(measure, {}, dt.date(2025, 1, 1), dt.date(2025, 4, 1)):
        counted[c.month, "numerator"] += c.numerator
        counted[c.month, "denominator"] += c.denominator or 0
    assert counted == hand
    assert sum(v for (_, part), v in hand.items() if part == "numerator") > 0
    assert asb_by_response["missed"] > 0

    # The response filter on ASB incidents, and the grade filter.
    asb = measures.get("incidents.asb")
    for choice in ("met", "missed"):
        found = measures.monthly_counts(
            asb, asb.check_filters({"response": choice}), dt.date(2025, 1, 1), dt.date(2025, 4, 1)
        )
        assert sum(c.numerator for c in found) == asb_by_response[choice], choice
    urgent = measures.monthly_counts(
        measure, measure.check_filters({"grade": ["urgent"]}), dt.date(2025, 1, 1), dt.date(2025, 4, 1)
    )
    assert (
        sum(c.denominator or 0 for c in urgent)
        == Incident.objects.filter(
            is_asb=True, response_grade__code="urgent", response_met__isnull=False
        ).count()
    )


def test_the_response_filters_refuse_values_they_do_not_know(db: None) -> None:
    asb = measures.get("incidents.asb")
    with pytest.raises(ValidationFailed) as err:
        asb.check_filters({"response": "late", "grade": ["immediate", "glacial"]})
    assert {p.field for p in err.value.problems} == {"response", "grade"}
    assert asb.check_filters({"response": "met", "grade": ["immediate"]}) == {
        "response": "met",
        "grade": ["immediate"],
    }


def test_the_records_behind_the_figure_say_attended_late(town: dict[str, Any]) -> None:
    received = dt.datetime(2025, 3, 3, 20, tzinfo=LONDON)
    services.create_incident(None, graded("urgent", received, attended_at=received + dt.timedelta(hours=2)))
    measure = measures.get("incidents.response_met")
    rows = measures.records(measure, {}, dt.date(2025, 3, 1), dt.date(2025, 4, 1), part="denominator")
    summaries = [measure.row(i).summary for i in rows]
    assert len(summaries) == 1 and summaries[0].endswith("(attended late)"), summaries
    assert not measures.records(measure, {}, dt.date(2025, 3, 1), dt.date(2025, 4, 1)).exists()
