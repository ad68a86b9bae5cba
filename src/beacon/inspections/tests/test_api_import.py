"""POST /api/v1/plans/import: the upload goes through the real importer (all or nothing)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from beacon.core.models import User
from beacon.inspections.models import Allocation, Inspection
from beacon.inspections.tests.test_api import API, csv_upload, fields, plan_csv


def test_import_keeps_the_uploaded_name_and_suffix(
    performance_user: User, client_for: Callable[..., Client]
) -> None:
    client = client_for(performance_user)
    response = client.post(f"{API}/plans/import", {"file": csv_upload(plan_csv(), "Plan 2024.CSV")})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rows"] == 1 and body["source_name"] == "Plan 2024.CSV"
    assert Allocation.objects.filter(finding__ref="R.1", portfolio__name="Local Policing").exists()

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    rows = list(csv.reader(io.StringIO(plan_csv(inspection="PEEL 2026").decode())))
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    xlsx = SimpleUploadedFile("plan.xlsx", data.getvalue(), content_type="application/octet-stream")
    assert client.post(f"{API}/plans/import", {"file": xlsx}).status_code == 200
    assert Inspection.objects.filter(title="PEEL 2026").exists()


def test_import_problems_are_422_with_rows(performance_user: User, client_for: Callable[..., Client]) -> None:
    client = client_for(performance_user)
    response = client.post(f"{API}/plans/import", {"file": csv_upload(plan_csv(status="purple"))})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["row"] == 2 and error["field"] == "status" and error["message"]
    assert not Inspection.objects.exists()


def test_import_refuses_other_files(performance_user: User, client_for: Callable[..., Client]) -> None:
    client = client_for(performance_user)
    response = client.post(f"{API}/plans/import", {"file": csv_upload(b"MZ", "plan.exe")})
    assert response.status_code == 422
    assert fields(response) == ["file"]
    missing = client.post(f"{API}/plans/import", {})
    assert missing.status_code == 422
    assert fields(missing) == ["file"]
    assert not Inspection.objects.exists()


def test_import_refuses_a_file_that_is_not_a_plan(performance_user: User, client_for: Callable) -> None:
    client = client_for(performance_user)
    response = client.post(f"{API}/plans/import", {"file": csv_upload(b"colour,flavour\nblue,mint\n")})
    assert response.status_code == 422, response.content
    assert response.json()["errors"]
    assert not Inspection.objects.exists()


def test_import_problems_name_the_uploaded_file(
    performance_user: User, client_for: Callable[..., Client]
) -> None:
    client = client_for(performance_user)
    response = client.post(f"{API}/plans/import", {"file": csv_upload(b"\x00\x01binary", "Wessex plan.csv")})
    assert response.status_code == 422, response.content
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert "Wessex plan.csv" in messages
    assert "beacon-import-" not in messages
