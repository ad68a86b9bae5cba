"""Importing neighbourhoods (GeoJSON) and postcodes (CSV): all or nothing, every problem listed with
its feature or row, idempotent, changes audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from beacon.core.errors import PermissionRefused, Problem, ValidationFailed
from beacon.core.models import Area, AuditEvent, Force
from beacon.core.roles import Role
from beacon.core.tests.factories import AreaFactory, ForceFactory, UserFactory
from beacon.geography.models import Neighbourhood, PostcodeLocation
from beacon.geography.services import import_geojson, import_postcodes
from beacon.geography.tests.factories import collection, feature, rect

pytestmark = pytest.mark.django_db

A = rect(52.60, -1.10, 52.61, -1.09)
B = rect(52.60, -1.09, 52.61, -1.08)
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[-1.1, 52.6], [-1.09, 52.61], [-1.09, 52.6], [-1.1, 52.61], [-1.1, 52.6]]],
}


def problems_of(data: str, **kwargs: object) -> list[Problem]:
    with pytest.raises(ValidationFailed) as exc:
        import_geojson(None, data, **kwargs)  # type: ignore[arg-type]
    return exc.value.problems


def where(problems: list[Problem]) -> list[tuple[int | None, str]]:
    return [(p.row, p.field) for p in problems]


def test_a_clean_file_creates_areas_and_neighbourhoods(force: Force) -> None:
    result = import_geojson(
        None,
        collection(
            feature("N1", A, name="Abbey", grade="Priority", team_email="abbey@force.example"),
            feature("S1", B, area_code="S", area_name="South", grade="enhanced"),
        ),
        source_name="hoods.geojson",
    )

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert sorted(result.areas_created) == ["N", "S"]
    abbey = Neighbourhood.objects.get(code="N1")
    assert (abbey.name, abbey.grade, abbey.area.code, abbey.area.force) == ("Abbey", "priority", "N", force)
    assert abbey.team_email == "abbey@force.example"
    assert (abbey.min_lat, abbey.max_lat, abbey.min_lon, abbey.max_lon) == (52.60, 52.61, -1.10, -1.09)
    assert abbey.centroid_lat == pytest.approx(52.605) and abbey.centroid_lon == pytest.approx(-1.095)
    assert AuditEvent.objects.filter(model="neighbourhood", action="create").count() == 2
    assert AuditEvent.objects.filter(model="area", action="create").count() == 2
    assert "created 2" in result.describe() and "hoods.geojson" in result.describe()


def test_every_problem_is_listed_with_its_feature_and_nothing_is_written(force: Force) -> None:
    unclosed = {
        "type": "Polygon",
        "coordinates": [[[-1.1, 52.6], [-1.09, 52.6], [-1.09, 52.61], [-1.1, 52.61]]],
    }
    data = collection(
        feature("OK1", A),  # 1: fine
        feature("X2", A, grade="outstanding"),  # 2: bad grade
        {
            "type": "Feature",
            "properties": {"code": "X3", "name": "No area"},
            "geometry": B,
        },  # 3: missing props
        feature("X4", {"type": "Point", "coordinates": [-1.1, 52.6]}),  # 4: not a polygon
        feature("X5", BOWTIE),  # 5: self-intersecting
        feature("X6", unclosed),  # 6: ring not closed
        feature("OK1", B),  # 7: code used twice
        feature("X8", rect(52.6, -1.1, 52.61, -1.09), team_email="not an address"),  # 8
        {"type": "Polygon"},  # 9: not a feature
        feature(
            "X10", {"type": "Polygon", "coordinates": [[[200, 52.6], [1, 2], [3, 4], [200, 52.6]]]}
        ),  # 10
    )

    problems = problems_of(data)

    assert where(problems) == [
        (2, "grade"),
        (3, "area_code"),
        (3, "grade"),
        (3, "team_name"),
        (4, "geometry"),
        (5, "geometry"),
        (6, "geometry"),
        (7, "code"),
        (8, "team_email"),
        (9, "type"),
        (10, "geometry"),
    ]
    text = {p.row: p.message for p in problems}
    assert "outstanding" in text[2] and "priority, enhanced, capable" in text[2]
    assert "Polygon or MultiPolygon, not Point" in text[4]
    assert "crosses itself near longitude" in text[5]
    assert "not closed" in text[6]
    assert "also used by feature 1" in text[7]
    assert "off the globe" in text[10]
    assert Neighbourhood.objects.count() == 0 and Area.objects.count() == 0
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"type": "Feature"}), "must be a GeoJSON FeatureCollection, not Feature"),
        (json.dumps([1, 2]), "must be a GeoJSON FeatureCollection"),
        (json.dumps({"type": "FeatureCollection", "features": []}), "has no features"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_a_file_that_is_not_a_feature_collection(force: Force, data: str | bytes, message: str) -> None:
    [problem] = problems_of(data)  # type: ignore[arg-type]
    assert message in problem.message and problem.field == "file" and problem.row is None


def test_the_force_must_be_known(db: None) -> None:
    data = collection(feature("N1", A))
    assert [p.message for p in problems_of(data)] == [
        "There is no force yet: create the force before importing its geography"
    ]
    ForceFactory(code="WX")
    ForceFactory(code="YY", name="Other")
    assert [p.field for p in problems_of(data)] == ["force"]
    assert [p.message for p in problems_of(data, force_code="ZZ")] == ["There is no force with the code ZZ"]
    assert import_geojson(None, data, force_code="YY").created == 1
    assert Neighbourhood.objects.get().area.force.code == "YY"


def test_a_new_area_needs_a_name_and_one_name_only(force: Force) -> None:
    data = collection(
        feature("N1", A, area_code="E", area_name=""),
        feature("N2", B, area_code="W", area_name="West"),
        feature("N3", rect(52.61, -1.1, 52.62, -1.09), area_code="W", area_name="Western"),
    )
    assert where(problems_of(data)) == [(1, "area_name"), (3, "area_name")]


def test_existing_areas_are_reused_and_codes_can_be_mapped(force: Force) -> None:
    north = AreaFactory(force=force, code="NA", name="Northern Area")
    result = import_geojson(
        None, collection(feature("N1", A, area_code="NORTH", area_name="")), area_map={"NORTH": "NA"}
    )
    assert result.areas_created == []
    assert Neighbourhood.objects.get().area == north


def test_reimporting_the_same_file_changes_nothing(force: Force) -> None:
    data = collection(feature("N1", A), feature("N2", B, grade="priority"))
    import_geojson(None, data)
    rows = list(Neighbourhood.objects.values())
    events = AuditEvent.objects.count()

    again = import_geojson(None, data.encode())

    assert (again.created, again.updated, again.unchanged, again.areas_created) == (0, 0, 2, [])
    assert "nothing changed" in again.describe()
    assert list(Neighbourhood.objects.values()) == rows
    assert AuditEvent.objects.count() == events


def test_a_changed_polygon_updates_the_row_and_is_audited_before_and_after(force: Force) -> None:
    import_geojson(None, collection(feature("N1", A), feature("N2", B)))
    n1 = Neighbourhood.objects.get(code="N1")
    bigger = rect(52.60, -1.10, 52.62, -1.09)

    result = import_geojson(None, collection(feature("N1", bigger, team_name="New team"), feature("N2", B)))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    n1.refresh_from_db()
    assert n1.geometry == bigger and n1.max_lat == 52.62 and n1.team_name == "New team"
    event = AuditEvent.objects.get(model="neighbourhood", action="update")
    assert event.object_pk == str(n1.pk)
    assert event.changes["geometry"] == [A, bigger]
    assert event.changes["max_lat"] == [52.61, 52.62]
    assert event.changes["team_name"] == ["Team N1", "New team"]


def test_a_multipolygon_with_a_hole_is_accepted(force: Force) -> None:
    outer = [[-1.2, 52.5], [-1.1, 52.5], [-1.1, 52.6], [-1.2, 52.6], [-1.2, 52.5]]
    hole = [[-1.17, 52.53], [-1.13, 52.53], [-1.13, 52.57], [-1.17, 52.57], [-1.17, 52.53]]
    island = [[-1.0, 52.5], [-0.99, 52.5], [-0.99, 52.51], [-1.0, 52.51], [-1.0, 52.5]]
    geom = {"type": "MultiPolygon", "coordinates": [[outer, hole], [island]]}
    import_geojson(None, collection(feature("M1", geom)))
    m1 = Neighbourhood.objects.get()
    assert (m1.min_lon, m1.max_lon) == (-1.2, -0.99)


def test_only_geography_managers_may_import(force: Force) -> None:
    with pytest.raises(PermissionRefused):
        import_geojson(UserFactory(role=Role.OFFICER), collection(feature("N1", A)))
    assert import_geojson(UserFactory(role=Role.ANALYST), collection(feature("N1", A))).created == 1


# ---------------------------------------------------------------------------------------------
# Postcodes


def write(tmp_path: Path, text: str, name: str = "postcodes.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_postcodes_import_canonically_and_idempotently(tmp_path: Path) -> None:
    path = write(tmp_path, "postcode,latitude,longitude\nzy11ab,52.605,-1.095\nZY2  2AB,52.606,-1.094\n\n")

    result = import_postcodes(None, path)

    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    assert sorted(PostcodeLocation.objects.values_list("postcode", flat=True)) == ["ZY1 1AB", "ZY2 2AB"]
    assert AuditEvent.objects.filter(model="postcodelocation", action="create").count() == 2
    again = import_postcodes(None, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    moved = import_postcodes(None, write(tmp_path, "postcode,latitude,longitude\nZY1 1AB,52.7,-1.095\n"))
    assert (moved.updated, moved.unchanged) == (1, 0)
    event = AuditEvent.objects.get(model="postcodelocation", action="update")
    assert event.changes == {"lat": [52.605, 52.7]}


def test_the_ons_directory_shape_is_read_and_gridless_postcodes_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path, "pcd,pcds,lat,long\nZY1 1AB,ZY1 1AB,52.605,-1.095\nZY9 9ZZ,ZY9 9ZZ,99.999999,0.000000\n"
    )
    result = import_postcodes(None, path)
    assert (result.rows, result.created, result.skipped) == (2, 1, 1)
    assert "skipped 1" in result.describe()


def test_every_bad_postcode_row_is_listed_and_nothing_written(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "postcode,latitude,longitude\n"
        "ZY1 1AB,52.605,-1.095\n"  # row 2 fine
        "LS1,52.6,-1.1\n"  # row 3 not a full postcode
        "ZY2 2AB,north,-1.1\n"  # row 4 latitude not a number
        "ZY3 3AB,52.6,-200\n"  # row 5 longitude out of range
        ",52.6,-1.1\n"  # row 6 missing postcode
        "zy11ab,52.7,-1.095\n",  # row 7 the same postcode as row 2, elsewhere
    )
    with pytest.raises(ValidationFailed) as exc:
        import_postcodes(None, path)
    assert where(exc.value.problems) == [
        (3, "postcode"),
        (4, "latitude"),
        (5, "longitude"),
        (6, "postcode"),
        (7, "postcode"),
    ]
    assert "also on row 2" in exc.value.problems[-1].message
    assert not PostcodeLocation.objects.exists()


def test_a_postcode_file_without_the_columns(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as exc:
        import_postcodes(None, write(tmp_path, "code,x\nZY1 1AB,1\n"))
    assert [p.field for p in exc.value.problems] == ["postcode", "latitude", "longitude"]
    with pytest.raises(ValidationFailed) as exc:
        import_postcodes(None, tmp_path / "missing.csv")
    assert exc.value.problems[0].field == "file"
