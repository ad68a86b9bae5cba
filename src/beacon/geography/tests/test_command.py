"""`beacon geography import-geojson | import-postcodes | locate`, as a user runs them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from beacon.core.models import AuditEvent, Force
from beacon.geography.models import Neighbourhood, PostcodeLocation
from beacon.geography.tests.factories import collection, feature, rect

pytestmark = pytest.mark.django_db

GOOD = collection(
    feature("N1", rect(52.6, -1.1, 52.61, -1.09)), feature("N2", rect(52.6, -1.09, 52.61, -1.08))
)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("geography", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("geography", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue() + str(exc.value), exc.value.returncode


def test_import_geojson_prints_a_summary_and_reimport_changes_nothing(force: Force, tmp_path: Path) -> None:
    path = tmp_path / "hoods.geojson"
    path.write_text(GOOD)
    out, err = run("import-geojson", str(path))
    assert out.strip() == (
        "Read 2 features from hoods.geojson: "
        "neighbourhoods created 2, updated 0, unchanged 0; created 1 area."
    )
    assert err == ""
    assert set(AuditEvent.objects.values_list("source", flat=True)) == {"command:geography import-geojson"}
    out, _ = run("import-geojson", str(path), "--json", "--force", "WX")
    assert json.loads(out) == {
        "ok": True,
        "features": 2,
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "areas_created": [],
        "source": "hoods.geojson",
    }


def test_import_geojson_lists_every_problem_and_exits_1(force: Force, tmp_path: Path) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(
        collection(
            feature("N1", rect(52.6, -1.1, 52.61, -1.09), grade="good"),
            feature("N2", {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
        )
    )
    out, err, code = fails("import-geojson", str(path))
    assert code == 1
    assert "error: feature 1, grade: The grade must be one of priority, enhanced, capable, not 'good'" in err
    assert "error: feature 2, geometry: The geometry must be a Polygon or MultiPolygon, not LineString" in err
    assert "2 problem(s); nothing was written." in err
    assert not Neighbourhood.objects.exists()
    out, _, code = fails("import-geojson", str(path), "--json")
    assert code == 1
    assert [(p["row"], p["field"]) for p in json.loads(out)["problems"]] == [(1, "grade"), (2, "geometry")]


def test_import_geojson_with_an_unknown_force_or_missing_file(force: Force, tmp_path: Path) -> None:
    path = tmp_path / "hoods.geojson"
    path.write_text(GOOD)
    _, err, code = fails("import-geojson", str(path), "--force", "NOPE")
    assert code == 1 and "error: force: There is no force with the code NOPE" in err
    _, err, _ = fails("import-geojson", str(tmp_path / "missing.geojson"))
    assert "missing.geojson" in err
    _, err, _ = fails("import-geojson", str(path), "--area-map", "N")
    assert "FILE_CODE=AREA_CODE" in err


def test_import_postcodes(tmp_path: Path) -> None:
    path = tmp_path / "pc.csv"
    path.write_text("postcode,latitude,longitude\nZY1 1AB,52.605,-1.095\n")
    out, _ = run("import-postcodes", str(path))
    assert out.strip() == "Read 1 row from pc.csv: postcodes created 1, updated 0, unchanged 0."
    bad = tmp_path / "bad.csv"
    bad.write_text("postcode,latitude,longitude\nZY1 1AB,52.605,-1.095\nnot one,52,-1\n")
    _, err, code = fails("import-postcodes", str(bad))
    assert code == 1 and "error: row 3, postcode: 'not one' is not a valid UK postcode" in err
    assert PostcodeLocation.objects.count() == 1


def test_locate_prints_the_result_as_json(force: Force, tmp_path: Path) -> None:
    path = tmp_path / "hoods.geojson"
    path.write_text(GOOD)
    run("import-geojson", str(path))
    out, _ = run("locate", "--lat", "52.605", "--lon", "-1.095")
    found = json.loads(out)
    assert (found["method"], found["problem"], found["neighbourhood"]["code"], found["area"]["code"]) == (
        "coordinates",
        "",
        "N1",
        "N",
    )
    out, _ = run("locate", "--postcode", "ZY1 1AB")
    assert json.loads(out) == {
        "lat": None,
        "lon": None,
        "method": "none",
        "problem": "Postcode ZY1 1AB is not known",
        "postcode": "ZY1 1AB",
        "neighbourhood": None,
        "area": None,
    }
