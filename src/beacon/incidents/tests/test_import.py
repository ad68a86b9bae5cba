"""Bulk import of historic incidents: data.police.uk street-level files (the real samples and a
small file of our own inside the test town) and Beacon's own format. All or nothing, every problem
with its line and column, idempotent, every row placed or flagged."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from beacon.core.errors import ValidationFailed
from beacon.core.models import AuditEvent
from beacon.incidents.importer import POLICE_UK_COLUMNS, import_incidents
from beacon.incidents.models import InboxItem, Incident, IncidentPerson
from beacon.people.models import Person

pytestmark = pytest.mark.django_db


def write_csv(
    path: Path, header: list[str] | tuple[str, ...], rows: list[list[str]], *, bom: bool = False
) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def police_row(
    crime_id: str = "",
    at: tuple[float, float] | None = None,
    location: str = "On or near High Street",
    crime_type: str = "Anti-social behaviour",
    outcome: str = "",
    month: str = "2024-01",
) -> list[str]:
    lat, lon = at if at is not None else (None, None)
    return [
        crime_id,
        month,
        "Testshire Constabulary",
        "Testshire Constabulary",
        "" if lon is None else f"{lon:.6f}",
        "" if lat is None else f"{lat:.6f}",
        location,
        "E01000001" if lat is not None else "",
        "Testshire 001A" if lat is not None else "",
        crime_type,
        outcome,
        "",
    ]


def problems_of(err: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[int | None, str]]:
    return {(p.row, p.field) for p in err.value.problems}


# ---------------------------------------------------------------------------------------------
# data.police.uk: the real samples


@pytest.mark.parametrize(
    ("name", "rows", "asb", "no_location"),
    [("2024-01-btp-street.csv", 3376, 0, 0), ("2024-01-city-of-london-street.csv", 734, 12, 77)],
)
def test_a_real_police_uk_month_is_imported_without_losing_a_row(
    town: dict[str, Any], sample_files: Path, name: str, rows: int, asb: int, no_location: int
) -> None:
    path = sample_files / "police-uk" / name
    result = import_incidents(None, path, fmt="police-uk")
    print(f"{name}: {result.rows} rows in {result.seconds:.2f} s = {result.rows / result.seconds:.0f} rows/s")
    assert result.rows == result.created == rows == Incident.objects.count()
    # Every row is either placed in a neighbourhood or says why not (these are far from the test town).
    assert not Incident.objects.filter(neighbourhood__isnull=True, location_problem="").exists()
    assert result.placed + sum(result.not_placed.values()) == rows
    assert Incident.objects.filter(location_problem="No location given").count() == no_location
    assert result.not_placed.get("No location given", 0) == no_location
    assert (
        Incident.objects.filter(is_asb=True, type_heading__code="unclassified").count() == asb == result.asb
    )
    assert Incident.objects.filter(is_asb=False, other_category__isnull=True).count() == 0
    assert set(Incident.objects.values_list("channel", flat=True)) == {"historic"}
    assert set(Incident.objects.values_list("status", flat=True)) == {"closed"}
    first = Incident.objects.order_by("id").first()
    assert first is not None and timezone.localtime(first.received_at).date() == dt.date(2024, 1, 1)
    assert not InboxItem.objects.exists()  # historic records are not work for a team's inbox
    assert AuditEvent.objects.filter(model="incident", action="create").count() == rows
    # Re-importing the same file creates nothing new.
    again = import_incidents(None, path, fmt="police-uk")
    assert again.created == 0 and again.already_imported == rows
    assert Incident.objects.count() == rows


def test_the_city_file_keeps_repeated_crime_ids_and_outcomes(
    town: dict[str, Any], sample_files: Path
) -> None:
    import_incidents(None, sample_files / "police-uk" / "2024-01-city-of-london-street.csv", fmt="police-uk")
    repeated = "79861eceea90412afb05a870aa91c8708324400b051206eab95616cf3f7dad60"  # on three rows
    kept = Incident.objects.filter(source_id__startswith=repeated).order_by("source_id")
    assert [i.source_id for i in kept] == [repeated, f"{repeated}#2", f"{repeated}#3"]
    notes = {i.closing_note for i in kept}
    assert "Last outcome on data.police.uk: Unable to prosecute suspect." in notes
    crime = kept[0]
    assert crime.crime_recorded is True and not crime.crime_disclosed and not crime.crime_outstanding
    assert crime.other_category.code == "criminal-damage-and-arson"
    assert "Crime ID" in crime.description and "City of London 001E" in crime.description


# ---------------------------------------------------------------------------------------------
# data.police.uk: a file of our own, inside the test town


def test_police_uk_rows_are_placed_in_their_neighbourhoods(town: dict[str, Any], tmp_path: Path) -> None:
    market, docks, outside = town["inside"], (52.59, -1.11), town["outside"]
    rows = [
        police_row("a" * 64, market, crime_type="Violence and sexual offences", outcome="Local resolution"),
        police_row("b" * 64, docks, crime_type="Shoplifting", location="On or near Supermarket"),
        police_row("", market),  # ASB
        police_row("", market),  # the same ASB row again: a second incident, not lost
        police_row("c" * 64, outside, crime_type="Bicycle theft"),
        police_row("d" * 64, location="No Location", crime_type="Burglary"),
    ]
    path = write_csv(tmp_path / "2024-01-testshire-street.csv", POLICE_UK_COLUMNS, rows, bom=True)
    result = import_incidents(None, path, fmt="police-uk")
    assert result.created == 6 and result.placed == 4
    assert result.not_placed == {
        "The location is outside the force's neighbourhoods": 1,
        "No location given": 1,
    }
    by_id = {i.source_id: i for i in Incident.objects.select_related("neighbourhood", "other_category")}
    assert by_id["a" * 64].neighbourhood == town["market"] and by_id["a" * 64].area == town["market"].area
    assert by_id["a" * 64].other_category.code == "violence-and-sexual-offences"
    assert by_id["a" * 64].closing_note == "Last outcome on data.police.uk: Local resolution."
    assert by_id["b" * 64].neighbourhood == town["docks"]
    assert by_id["b" * 64].address == "On or near Supermarket"
    assert "outside" in by_id["c" * 64].location_problem and by_id["c" * 64].lat == outside[0]
    assert by_id["d" * 64].location_problem == "No location given" and by_id["d" * 64].address == ""
    asb = [i for i in by_id.values() if i.is_asb]
    assert len(asb) == 2 and {i.neighbourhood for i in asb} == {town["market"]}
    assert all(i.source_id.startswith("row-") for i in asb) and len({i.source_id for i in asb}) == 2
    assert all(i.asb_category.code == "unclassified" and i.crime_recorded is None for i in asb)
    assert not InboxItem.objects.exists()
    # idempotent, including the two identical rows
    assert import_incidents(None, path, fmt="police-uk").created == 0


def test_every_problem_in_a_police_uk_file_is_reported_and_nothing_written(
    town: dict[str, Any], tmp_path: Path
) -> None:
    rows = [
        police_row("a" * 64, (52.6, -1.11)),  # line 2: fine
        police_row("b" * 64, (52.6, -1.11), month="January 2024"),  # line 3
        police_row("c" * 64, (52.6, -1.11), crime_type="Kidnapping"),  # line 4
        police_row("d" * 64, location="x"),  # line 5
    ]
    rows[3][5] = "north"  # a latitude that is not a number, on line 5
    rows.append(police_row("e" * 64, (52.6, -1.11), month="2099-01"))  # line 6: in the future
    path = write_csv(tmp_path / "bad.csv", POLICE_UK_COLUMNS, rows)
    with pytest.raises(ValidationFailed) as err:
        import_incidents(None, path, fmt="police-uk")
    assert problems_of(err) == {(3, "Month"), (4, "Crime type"), (5, "Latitude"), (6, "Month")}
    assert Incident.objects.count() == 0


def test_missing_columns_are_all_reported_at_row_1(town: dict[str, Any], tmp_path: Path) -> None:
    header = [c for c in POLICE_UK_COLUMNS if c not in ("Month", "Crime type")]
    path = write_csv(tmp_path / "short.csv", header, [["x"] * len(header)])
    with pytest.raises(ValidationFailed) as err:
        import_incidents(None, path, fmt="police-uk")
    assert problems_of(err) == {(1, "Month"), (1, "Crime type")}


def test_a_file_that_is_not_utf8_is_refused(town: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(",".join(POLICE_UK_COLUMNS).encode() + b"\n,2024-01,Caf\xe9,,,,,,,Drugs,,\n")
    with pytest.raises(ValidationFailed) as err:
        import_incidents(None, path, fmt="police-uk")
    assert err.value.problems[0].field == "file"


# ---------------------------------------------------------------------------------------------
# Beacon's own format

BEACON_HEADER = [
    "source_id",
    "channel",
    "received_at",
    "occurred_at",
    "postcode",
    "address",
    "latitude",
    "longitude",
    "asb_category",
    "type_heading",
    "other_category",
    "description",
    "victim_forename",
    "victim_surname",
    "victim_phone",
    "victim_dob",
    "closure_code",
    "closing_note",
]


def beacon_row(source_id: str, **values: str) -> list[str]:
    row = {
        "source_id": source_id,
        "channel": "101",
        "received_at": (timezone.localtime() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "asb_category": "nuisance",
        "type_heading": "noise",
        "description": "Loud music every night.",
        **values,
    }
    return [row.get(c, "") for c in BEACON_HEADER]


def test_the_beacon_format_is_imported_with_people_matching_and_closure(
    town: dict[str, Any], tmp_path: Path, active_model: Any
) -> None:
    lat, lon = town["priority_point"]
    rows = [
        beacon_row("LEG-1", latitude=str(lat), longitude=str(lon)),  # open ASB inside a priority
        beacon_row(
            "LEG-2",
            postcode=town["postcode_in_docks"],
            victim_forename="Margaret",
            victim_surname="Whitfield",
            victim_phone="07700 900123",
            victim_dob="1961-04-02",
        ),
        beacon_row(
            "LEG-3",
            victim_forename="Margaret",
            victim_surname="Whitfield",
            victim_phone="07700900123",
            victim_dob="1961-04-02",
            closure_code="advice-given",
            closing_note="Advised on noise diaries.",
        ),
        beacon_row(
            "LEG-4",
            asb_category="",
            type_heading="",
            other_category="concern-for-welfare",
            closure_code="resolved-at-scene",
            closing_note="Found safe.",
        ),
    ]
    path = write_csv(tmp_path / "legacy.csv", BEACON_HEADER, rows)
    result = import_incidents(None, path, fmt="beacon")
    assert result.created == 4 and result.with_people == 2
    inc = {i.source_id: i for i in Incident.objects.all()}
    assert {i.source_system for i in inc.values()} == {"import"}
    one = inc["LEG-1"]
    assert one.neighbourhood == town["market"] and one.local_priority and one.priority_names
    assert one.suggested_grade.code == "urgent" and one.status == "open"
    assert inc["LEG-2"].neighbourhood == town["docks"]
    # Open ASB goes to the team's inbox as a new report would; closed incidents do not.
    assert set(InboxItem.objects.values_list("incident__source_id", flat=True)) == {"LEG-1", "LEG-2"}
    three = inc["LEG-3"]
    assert three.status == "closed" and three.closure_code.code == "advice-given" and three.closed_at
    assert AuditEvent.objects.filter(
        model="incident", object_pk=str(three.pk), action="update", reason="closed before import"
    ).exists()
    # The victim on two rows is matched to one person through the person index.
    victims = IncidentPerson.objects.filter(incident__source_id__in=["LEG-2", "LEG-3"])
    assert victims.count() == 2 and len({v.record.person_id for v in victims}) == 1
    four = inc["LEG-4"]
    assert not four.is_asb and four.other_category.code == "concern-for-welfare" and four.status == "closed"
    assert import_incidents(None, path, fmt="beacon").created == 0
    assert Incident.objects.count() == 4


def test_every_problem_in_a_beacon_file_is_reported_and_nothing_written(
    town: dict[str, Any], tmp_path: Path
) -> None:
    rows = [
        beacon_row("LEG-1"),  # line 2: fine
        beacon_row("LEG-2", channel="pigeon", type_heading="no-such-type"),  # line 3
        beacon_row("LEG-3", victim_surname="Smith", victim_phone="+1 212 555 0100"),  # line 4
        beacon_row("LEG-1"),  # line 5: the same source_id again
        beacon_row("LEG-5", received_at="yesterday", latitude="52.6"),  # line 6
        beacon_row("LEG-6", closure_code="no-such-code", closing_note=""),  # line 7
        beacon_row("", postcode="NOT A POSTCODE"),  # line 8
    ]
    path = write_csv(tmp_path / "bad.csv", BEACON_HEADER, rows)
    with pytest.raises(ValidationFailed) as err:
        import_incidents(None, path, fmt="beacon")
    assert problems_of(err) == {
        (3, "channel"),
        (3, "type_heading"),
        (4, "victim_phone"),
        (5, "source_id"),
        (6, "received_at"),
        (6, "latitude"),
        (7, "closure_code"),
        (7, "closing_note"),
        (8, "source_id"),
        (8, "postcode"),
    }
    assert Incident.objects.count() == 0 and Person.objects.count() == 0


def test_unknown_and_missing_beacon_columns_are_reported(town: dict[str, Any], tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "cols.csv", ["source_id", "chanel", "received_at"], [["1", "101", "2024-01-01"]]
    )
    with pytest.raises(ValidationFailed) as err:
        import_incidents(None, path, fmt="beacon")
    assert problems_of(err) == {(1, "channel"), (1, "chanel")}


def test_a_line_with_the_wrong_number_of_values_is_reported(town: dict[str, Any], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ragged.csv", BEACON_HEADER, [beacon_row("A"), ["B", "101"]])
    with pytest.raises(ValidationFailed) as err:
        import_incidents(None, path, fmt="beacon")
    assert problems_of(err) == {(3, "")}
