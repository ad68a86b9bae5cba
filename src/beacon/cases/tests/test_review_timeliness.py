"""Supervisory reviews held on time: the due date each review answered (read from the case before the
review moves it on), on time to the Europe/London day, shown on the case page and in the API, and
the `cases.reviews_on_time` measure by the month reviews were due."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from beacon.cases import services
from beacon.cases.models import Case, SupervisoryReview
from beacon.cases.tests import factories as f
from beacon.core import measures
from beacon.core.models import Area, User
from beacon.core.roles import Role

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _at(day: str, time: str = "10:00") -> dt.datetime:
    """A moment given as a Europe/London date and time."""
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LONDON)


def _opened(officer: User, level: str, day: str, area: Area) -> Case:
    """A case opened on a past day (London), its due dates worked out from then."""
    case = f.open_case(officer, level=level, area=area)
    Case.objects.filter(pk=case.pk).update(opened_at=_at(day, "09:00"))
    case.refresh_from_db()
    services.refresh(case)
    case.save()
    return case


def _review(by: User, case: Case, when: dt.datetime, tier: str = "sergeant") -> SupervisoryReview:
    return services.record_review(by, case.pk, tier=tier, decision="Plan agreed.", at=when)


@pytest.fixture
def inspector(make_user: Callable[..., User], place: dict[str, Any]) -> User:
    u = make_user(Role.SUPERVISOR, username="insp_north", rank="inspector")
    u.areas.add(place["north"])
    return u


def test_a_review_on_its_due_date_is_on_time_and_the_next_day_is_late(
    officer: User, sergeant: User, place: dict[str, Any]
) -> None:
    # High: the sergeant's review is due 14 days after opening, 15 June here. In summer London is
    # an hour ahead of UTC: 00:30 on 16 June in London is still 15 June in UTC, and it is late.
    on_day = _opened(officer, "high", "2025-06-01", place["north"])
    assert on_day.sergeant_review_due == dt.date(2025, 6, 15)
    r = _review(sergeant, on_day, _at("2025-06-15", "23:30"))
    r.refresh_from_db()
    assert (r.due_on, r.on_time, r.days_late, r.lateness) == (dt.date(2025, 6, 15), True, 0, "on time")
    on_day.refresh_from_db()
    assert on_day.sergeant_review_due == dt.date(2025, 6, 29)  # the review moved it on, afterwards

    day_after = _opened(officer, "high", "2025-06-01", place["north"])
    r = _review(sergeant, day_after, _at("2025-06-16", "00:30"))
    r.refresh_from_db()
    assert (r.due_on, r.on_time, r.days_late, r.lateness) == (dt.date(2025, 6, 15), False, 1, "1 day late")
    # The next one answers the due date the late review set.
    r = _review(sergeant, day_after, _at("2025-07-03"))
    assert (r.due_on, r.on_time, r.lateness) == (dt.date(2025, 6, 30), False, "3 days late")


def test_a_review_when_none_was_due_has_no_due_date(
    officer: User, sergeant: User, place: dict[str, Any]
) -> None:
    standard = _opened(officer, "standard", "2025-06-01", place["north"])
    assert standard.sergeant_review_due is None  # Standard risk needs no supervisory review
    r = _review(sergeant, standard, _at("2025-06-10"))
    r.refresh_from_db()
    assert (r.due_on, r.on_time, r.days_late, r.lateness) == (None, None, None, "")
    # The table holds the rule: on time is set exactly when a due date is.
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisoryReview.objects.filter(pk=r.pk).update(on_time=True)


def _due_lines(html: str) -> list[str]:
    spans = re.findall(r"<span [^>]*data-review-due>(.*?)</span>", html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", s).strip() for s in spans]


def test_the_case_page_says_when_each_review_was_due_and_how_late(
    officer: User, sergeant: User, client_for: Callable[..., Client], place: dict[str, Any]
) -> None:
    case = _opened(officer, "high", "2025-06-01", place["north"])
    _review(sergeant, case, _at("2025-06-18"))  # due 15 June: 3 days late; next due 2 July
    _review(sergeant, case, _at("2025-07-01"))  # on time
    c = client_for(officer)
    html = c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert _due_lines(html) == ["Due 2 July 2025 — on time", "Due 15 June 2025 — 3 days late"]
    standard = _opened(officer, "standard", "2025-06-01", place["north"])
    _review(sergeant, standard, _at("2025-06-10"))
    html = c.get(reverse("cases:detail", args=[standard.pk])).content.decode()
    assert _due_lines(html) == ["None was due"]
    # The section the review form answers with (HTMX) says it too.
    r = client_for(sergeant).post(
        reverse("cases:add_review", args=[case.pk]),
        {"review-tier": "sergeant", "review-decision": "Seen again."},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert _due_lines(r.content.decode())[0].startswith("Due 15 July 2025 — ")


def test_the_api_gives_the_due_date_and_whether_on_time(
    officer: User, sergeant: User, client_for: Callable[..., Client], place: dict[str, Any]
) -> None:
    case = _opened(officer, "high", "2025-06-01", place["north"])
    r = client_for(sergeant).post(
        f"/api/v1/cases/{case.pk}/reviews",
        {"tier": "sergeant", "decision": "Agreed.", "at": "2025-06-18T10:00:00+01:00"},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert {k: r.json()[k] for k in ("due_on", "on_time", "days_late")} == {
        "due_on": "2025-06-15",
        "on_time": False,
        "days_late": 3,
    }
    _review(sergeant, case, _at("2025-07-02"))
    listed = client_for(officer).get(f"/api/v1/cases/{case.pk}/reviews").json()
    assert [(x["due_on"], x["on_time"], x["days_late"]) for x in listed] == [
        ("2025-06-15", False, 3),
        ("2025-07-02", True, 0),
    ]
    standard = _opened(officer, "standard", "2025-06-01", place["north"])
    _review(sergeant, standard, _at("2025-06-10"))
    (only,) = client_for(officer).get(f"/api/v1/cases/{standard.pk}/reviews").json()
    assert (only["due_on"], only["on_time"], only["days_late"]) == (None, None, None)


def _figures(filters: dict[str, Any]) -> dict[dt.date, tuple[int, int | None]]:
    """The measure's monthly figures (numerator, denominator), summed over places."""
    m = measures.get("cases.reviews_on_time")
    totals: dict[dt.date, list[int]] = {}
    for row in measures.monthly_counts(m, m.check_filters(filters), dt.date(2025, 5, 1), dt.date(2025, 7, 1)):
        t = totals.setdefault(row.month, [0, 0])
        t[0] += row.numerator
        t[1] += row.denominator or 0
    return {month: (k, n) for month, (k, n) in totals.items()}


def _hand_count(reviews: list[SupervisoryReview]) -> dict[dt.date, tuple[int, int]]:
    due, held = Counter[dt.date](), Counter[dt.date]()
    for r in reviews:
        if r.due_on is None or not dt.date(2025, 5, 1) <= r.due_on < dt.date(2025, 7, 1):
            continue
        month = r.due_on.replace(day=1)
        due[month] += 1
        held[month] += r.at.astimezone(LONDON).date() <= r.due_on
    return {month: (held[month], n) for month, n in due.items()}


def test_reviews_on_time_measure_counts_by_the_month_due(
    officer: User,
    sergeant: User,
    inspector: User,
    south_officer: User,
    make_user: Callable[..., User],
    place: dict[str, Any],
) -> None:
    measure = measures.get("cases.reviews_on_time")
    assert measure.kind == "proportion" and measure.date_only
    assert "still not held is not counted until it is held" in measure.description
    # High, opened 1 May: sergeant due 15 May, inspector 29 May, chief inspector 26 June.
    high = _opened(officer, "high", "2025-05-01", place["north"])
    _review(sergeant, high, _at("2025-05-15"))  # due 15 May: on time; next due 29 May
    _review(inspector, high, _at("2025-06-01"), tier="inspector")  # due 29 May: late
    _review(sergeant, high, _at("2025-06-02"))  # due 29 May: late; next due 16 June
    _review(sergeant, high, _at("2025-06-16"))  # due 16 June: on time; next due 30 June
    _review(inspector, high, _at("2025-06-20"), tier="inspector")  # due 29 June: on time
    # Medium, opened 10 May: sergeant due 7 June, held 10 June.
    medium = _opened(officer, "medium", "2025-05-10", place["north"])
    _review(sergeant, medium, _at("2025-06-10"))
    # None was due (Standard) or not yet held: not counted.
    _review(sergeant, _opened(officer, "standard", "2025-05-01", place["north"]), _at("2025-05-20"))
    _opened(officer, "high", "2025-05-20", place["north"])  # sergeant's review overdue since 3 June
    # A case in the South area counts in its own place.
    south_sergeant = make_user(Role.SUPERVISOR, username="ps_south")
    south_sergeant.areas.add(place["south"])
    south = _opened(south_officer, "high", "2025-06-01", place["south"])
    _review(south_sergeant, south, _at("2025-06-14"))  # due 15 June: on time

    reviews = list(SupervisoryReview.objects.select_related("case"))
    may, june = dt.date(2025, 5, 1), dt.date(2025, 6, 1)
    assert _figures({}) == _hand_count(reviews) == {may: (1, 3), june: (3, 4)}
    sergeants = [r for r in reviews if r.tier == "sergeant"]
    assert _figures({"tier": ["sergeant"]}) == _hand_count(sergeants) == {may: (1, 2), june: (2, 3)}
    assert _figures({"tier": ["inspector"]}) == {may: (0, 1), june: (1, 1)}
    assert _figures({"risk_level": ["medium"]}) == {june: (0, 1)}
    south_only = [
        row
        for row in measures.monthly_counts(measure, {}, may, dt.date(2025, 7, 1))
        if row.area_id == place["south"].pk
    ]
    assert [(row.month, row.numerator, row.denominator) for row in south_only] == [(june, 1, 1)]

    # The records behind May's figure: the reviews due in May, the late ones said so.
    rows = [
        measure.row(r)
        for r in measures.records(measure, {}, may, june, area_id=place["north"].pk, part="denominator")
    ]
    assert sorted(row.summary for row in rows) == [
        "Inspector review, due 29 May 2025: 3 days late",
        "Sergeant review, due 15 May 2025: on time",
        "Sergeant review, due 29 May 2025: 4 days late",
    ]
    held = measures.records(measure, {}, may, june, part="numerator")
    assert [r.due_on for r in held] == [dt.date(2025, 5, 15)]
