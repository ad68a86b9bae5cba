"""A progress update is dated on or after the day its inspection was published, and never in the
future: the update form, the API and the import refuse any other date, naming the field (and, for
the import, the row), and write nothing."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beacon.core.errors import ValidationFailed
from beacon.core.models import User
from beacon.core.roles import Role
from beacon.inspections.importer import import_plan
from beacon.inspections.models import Allocation, Finding, Inspection, ProgressUpdate, Status
from beacon.inspections.plan_parsing import COLUMNS
from beacon.inspections.tests.factories import (
    AllocationFactory,
    FindingFactory,
    InspectionFactory,
    PortfolioFactory,
    ProgressUpdateFactory,
)
from beacon.inspections.tests.test_importer import table_counts

pytestmark = pytest.mark.django_db

PUBLISHED = dt.date(2025, 3, 12)
TITLE = "Wessex PEEL 2025"
BEFORE = "The date of the update must be on or after 12 March 2025, when the inspection was published."
FUTURE = "The date of the update cannot be in the future."


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def item() -> Allocation:
    """R.1 of an inspection published on 12 March 2025, in Local Policing, with one update."""
    inspection = InspectionFactory.create(title=TITLE, published=PUBLISHED)
    finding = FindingFactory.create(
        inspection=inspection, ref="R.1", kind=Finding.Kind.RECOMMENDATION, text="Answer calls faster."
    )
    a = AllocationFactory.create(
        finding=finding,
        portfolio=PortfolioFactory.create(name="Local Policing"),
        action_owner="Head of Contact Centre",
        due_date=dt.date(2026, 3, 31),
    )
    ProgressUpdateFactory.create(allocation=a, date=dt.date(2025, 4, 1), status=Status.AMBER, text="Begun.")
    return a


# --- the update form -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "message"),
    [(PUBLISHED - dt.timedelta(days=1), BEFORE), (dt.date(2024, 1, 1), BEFORE), (None, FUTURE)],
    ids=["the day before", "a year before", "tomorrow"],
)
def test_the_form_refuses_a_date_before_publication_or_in_the_future(
    item: Allocation, client_for: Callable[..., Client], day: dt.date | None, message: str
) -> None:
    c = client_for(role=Role.PERFORMANCE)
    date = (day or tomorrow()).isoformat()

    r = c.post(
        reverse("inspections:add_update", args=[item.pk]), {"status": "green", "text": "Done.", "date": date}
    )

    assert r.status_code == 200
    assert [(p.field, p.message) for p in r.context["problems"]] == [("date", message)]
    html = r.content.decode()
    assert 'id="id_date-error"' in html and message in html  # beside the field, and in the summary
    assert item.updates.count() == 1


def test_the_form_accepts_the_day_of_publication_and_its_hint_names_that_day(
    item: Allocation, client_for: Callable[..., Client]
) -> None:
    c = client_for(role=Role.PERFORMANCE)
    url = reverse("inspections:add_update", args=[item.pk])

    hint = c.get(url).content.decode()
    assert "on or after 12 March 2025, when the inspection was published" in hint

    r = c.post(url, {"status": "green", "text": "Published day.", "date": "2025-03-12"})
    assert r.status_code == 302
    assert item.updates.filter(date=PUBLISHED, text="Published day.").exists()


def test_without_a_publication_date_only_the_future_is_refused(
    item: Allocation, client_for: Callable[..., Client]
) -> None:
    Inspection.objects.filter(pk=item.finding.inspection_id).update(published=None)
    c = client_for(role=Role.PERFORMANCE)
    url = reverse("inspections:add_update", args=[item.pk])

    assert c.post(url, {"status": "red", "text": "Old news.", "date": "2020-01-01"}).status_code == 302
    r = c.post(url, {"status": "red", "text": "Tomorrow.", "date": tomorrow().isoformat()})
    assert [p.message for p in r.context["problems"]] == [FUTURE]


# --- the API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "message"), [("2025-03-11", BEFORE), (None, FUTURE)], ids=["before publication", "tomorrow"]
)
def test_the_api_refuses_a_date_before_publication_or_in_the_future(
    item: Allocation, client_for: Callable[..., Client], day: str | None, message: str
) -> None:
    c = client_for(role=Role.PERFORMANCE)
    body = {"status": "green", "text": "Done.", "date": day or tomorrow().isoformat()}

    r = c.post(f"/api/v1/allocations/{item.pk}/updates", body, content_type="application/json")

    assert r.status_code == 422
    assert r.json() == {"errors": [{"field": "date", "message": message}]}
    assert item.updates.count() == 1


def test_the_api_accepts_the_day_of_publication(item: Allocation, client_for: Callable[..., Client]) -> None:
    c = client_for(role=Role.PERFORMANCE)
    body = {"status": "green", "text": "Done.", "date": "2025-03-12"}

    r = c.post(f"/api/v1/allocations/{item.pk}/updates", body, content_type="application/json")

    assert r.status_code == 201, r.content
    assert r.json()["date"] == "2025-03-12"


def test_the_api_says_which_dates_it_takes(client_for: Callable[..., Client]) -> None:
    schema = client_for(role=Role.PERFORMANCE).get("/api/v1/openapi.json").json()
    date = schema["components"]["schemas"]["UpdateIn"]["properties"]["date"]
    assert "before the inspection was published" in date["description"]


# --- the import ------------------------------------------------------------------------------------


def plan_file(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    """A plan file for R.1 of TITLE in Local Policing, one row per update."""
    base = {
        "inspection": TITLE, "ref": "R.1", "kind": "recommendation", "text": "Answer calls faster.",
        "portfolio": "Local Policing", "role": "lead", "action_owner": "Head of Contact Centre",
        "due_date": "2026-03-31",
    }  # fmt: skip
    path = tmp_path / "plan.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**base, **row})
    return path


def test_the_import_refuses_each_update_dated_before_publication_or_in_the_future_by_row(
    item: Allocation, tmp_path: Path
) -> None:
    path = plan_file(
        tmp_path,
        [
            {"status": "amber", "update_date": "2025-04-01", "update": "Begun."},  # row 2: already in Beacon
            {"status": "green", "update_date": "11-Mar-25", "update": "Too early."},  # row 3
            {"status": "green", "update_date": "2025-03-12", "update": "Publication day."},  # row 4: fine
            {"status": "green", "update_date": tomorrow().isoformat(), "update": "Tomorrow."},  # row 5
        ],
    )
    before = table_counts()

    with pytest.raises(ValidationFailed) as exc:
        import_plan(path, actor=None)

    assert [(p.row, p.field, p.message) for p in exc.value.problems] == [
        (3, "update_date", BEFORE),
        (5, "update_date", FUTURE),
    ]
    assert table_counts() == before  # all or nothing: not even row 4 is written


def test_an_undated_update_taken_as_given_before_publication_is_refused(
    item: Allocation, tmp_path: Path
) -> None:
    path = plan_file(tmp_path, [{"status": "green", "update_date": "", "update": "No date printed."}])

    with pytest.raises(ValidationFailed) as exc:
        import_plan(path, actor=None, as_at=dt.date(2025, 2, 28))

    [problem] = exc.value.problems
    assert (problem.row, problem.field) == (2, "update_date")
    assert problem.message == (
        "No date of update, so the update is taken as given on 28 February 2025, the date the plan is as at. "
        f"{BEFORE} Give the date of update, or import the plan as at a later date."
    )
    assert not ProgressUpdate.objects.filter(text="No date printed.").exists()

    result = import_plan(path, actor=None, as_at=dt.date(2025, 3, 31))  # a plan as at a later date
    assert result.updates_created == 1


def test_an_update_already_in_beacon_is_not_refused_when_its_plan_is_imported_again(
    item: Allocation, tmp_path: Path
) -> None:
    # Recorded before the rule (or before the publication date was entered): re-importing its plan
    # changes nothing and is not refused.
    ProgressUpdateFactory.create(
        allocation=item, date=dt.date(2025, 1, 10), status=Status.RED, text="Early draft."
    )
    path = plan_file(tmp_path, [{"status": "red", "update_date": "2025-01-10", "update": "Early draft."}])
    before = table_counts()

    result = import_plan(path, actor=None)

    assert result.updates_created == 0 and table_counts() == before


def test_a_new_inspection_in_the_file_has_no_publication_date_so_only_the_future_is_refused(
    tmp_path: Path,
) -> None:
    path = plan_file(
        tmp_path,
        [
            {"status": "amber", "update_date": "2019-05-01", "update": "Long ago."},
            {"status": "green", "update_date": tomorrow().isoformat(), "update": "Tomorrow."},
        ],
    )
    with pytest.raises(ValidationFailed) as exc:
        import_plan(path, actor=None)
    assert [(p.row, p.field, p.message) for p in exc.value.problems] == [(3, "update_date", FUTURE)]
    assert not Inspection.objects.exists()


def test_the_import_page_and_the_api_list_the_refused_rows(
    item: Allocation, tmp_path: Path, client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    content = plan_file(
        tmp_path, [{"status": "green", "update_date": "2025-03-01", "update": "Too early."}]
    ).read_bytes()
    c = client_for(make_user(Role.PERFORMANCE))

    page = c.post(reverse("inspections:import"), {"file": SimpleUploadedFile("plan.csv", content)})
    assert page.status_code == 422
    assert [(p.row, p.field, p.message) for p in page.context["problems"]] == [(2, "update_date", BEFORE)]
    assert "Row 2" in page.content.decode()

    api = c.post("/api/v1/plans/import", {"file": SimpleUploadedFile("plan.csv", content)})
    assert api.status_code == 422
    assert api.json()["errors"] == [{"field": "update_date", "message": BEFORE, "row": 2}]
    assert item.updates.count() == 1


def test_updates_between_publication_and_today_import_as_before(tmp_path: Path) -> None:
    InspectionFactory.create(title=TITLE, published=PUBLISHED)
    path = plan_file(
        tmp_path,
        [
            {"status": "amber", "update_date": "2025-03-12", "update": "Publication day."},
            {"status": "green", "update_date": timezone.localdate().isoformat(), "update": "Today."},
        ],
    )
    assert import_plan(path, actor=None).updates_created == 2
