"""GeoJSON that is valid JSON but not neighbourhood data — nested far too deep, or with a NUL or an
unpaired surrogate in a name — is refused with a clear problem naming the feature and field, by the
service, the command and the import page alike; nothing is written."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import AuditEvent, Force
from beacon.core.roles import Role
from beacon.geography.models import Neighbourhood
from beacon.geography.services import import_geojson
from beacon.geography.tests.factories import collection, feature, rect

pytestmark = pytest.mark.django_db

A = rect(52.60, -1.10, 52.61, -1.09)
B = rect(52.60, -1.09, 52.61, -1.08)
DEEP = "[" * 100_000 + "]" * 100_000  # beyond the JSON reader's recursion limit


def problems_of(data: str) -> list[Problem]:
    with pytest.raises(ValidationFailed) as exc:
        import_geojson(None, data)
    assert not Neighbourhood.objects.exists() and not AuditEvent.objects.exists()
    return exc.value.problems


def test_a_file_nested_100000_deep_is_refused_with_where(force: Force) -> None:
    data = '{"type": "FeatureCollection",\n "features": ' + DEEP + "}"
    [p] = problems_of(data)
    assert p.field == "file" and "nests arrays or objects too deeply" in p.message
    assert "line 2" in p.message


def test_a_feature_nested_too_deep_names_the_feature_and_field(force: Force) -> None:
    deep_geometry = {"type": "Polygon", "coordinates": json.loads("[" * 500 + "]" * 500)}
    deep_props = feature("N3", A)
    deep_props["properties"]["name"] = json.loads("[" * 400 + "1" + "]" * 400)
    data = collection(feature("N1", A), feature("N2", deep_geometry), deep_props)
    problems = problems_of(data)
    assert [(p.row, p.field) for p in problems] == [(2, "geometry"), (3, "properties")]
    assert "more than 32 levels deep" in problems[0].message


def test_a_nul_or_an_unpaired_surrogate_in_a_name_is_refused_naming_it(force: Force) -> None:
    data = collection(
        feature("N1", A, name="Abbey\x00Fields"),
        feature("N2", B, team_name="Team \ud800"),
    )
    problems = problems_of(data)
    assert [(p.row, p.field) for p in problems] == [(1, "name"), (2, "team_name")]
    assert "NUL character" in problems[0].message and "unpaired surrogate" in problems[1].message


def test_the_command_reports_them_without_a_traceback(force: Force, tmp_path: Path) -> None:
    for name, text in (
        ("deep.geojson", '{"type": "FeatureCollection", "features": ' + DEEP + "}"),
        ("nul.geojson", collection(feature("N1", A, name="Abbey\x00Fields"))),
    ):
        path = tmp_path / name
        path.write_text(text)
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(CommandError) as exc:
            call_command("geography", "import-geojson", str(path), stdout=out, stderr=err)
        assert exc.value.returncode == 1
        assert "nothing was written" in str(exc.value)
        assert "error: " in err.getvalue() and "Traceback" not in err.getvalue()
    assert "error: feature 1, name: The name contains a NUL character" in err.getvalue()
    assert not Neighbourhood.objects.exists()


def test_the_import_page_reports_them(force: Force, client_for: Callable[..., Client]) -> None:
    client = client_for(role=Role.ANALYST)
    for text, expected in (
        ('{"type": "FeatureCollection", "features": ' + DEEP + "}", "too deeply"),
        (collection(feature("N1", A, name="Abbey\x00Fields")), "Feature 1, name:"),
    ):
        upload = SimpleUploadedFile("hoods.geojson", text.encode(), content_type="application/geo+json")
        response = client.post(reverse("geography:import"), {"file": upload})
        assert response.status_code == 422 and expected in response.content.decode()
    assert not Neighbourhood.objects.exists()
