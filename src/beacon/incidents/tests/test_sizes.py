"""Values longer or wider than their columns: realistic lengths are kept whole, the rest refused
with 422 (or, in an import, the line and column), never a server error and never half-written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from beacon.core.errors import ValidationFailed
from beacon.core.models import User
from beacon.core.roles import Role
from beacon.incidents.importer import POLICE_UK_COLUMNS, import_incidents
from beacon.incidents.models import FeedMessage, Incident, IncidentPerson
from beacon.incidents.tests.factories import feed_message
from beacon.incidents.tests.test_import import BEACON_HEADER, beacon_row, police_row, write_csv
from beacon.people.models import ContactRecord, Person

pytestmark = pytest.mark.django_db

API = "/api/v1/incidents"
LONG_SURNAME = "Wolfeschlegelsteinhausenbergerdorff"  # its Metaphone code has 21 letters


def send(body: dict[str, Any], headers: dict[str, str]) -> Any:
    return Client().post(API, body, content_type="application/json", headers=headers)


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def nothing_written() -> bool:
    return not (Incident.objects.exists() or ContactRecord.objects.exists() or FeedMessage.objects.exists())


# ---------------------------------------------------------------------------------------------
# Names


def test_a_long_one_word_surname_is_recorded_and_found_again(
    town: dict[str, Any], feed: dict[str, str]
) -> None:
    person = {"role": "victim", "forename": "Hubert", "surname": LONG_SURNAME, "phone": "07700 900123"}
    r = send(feed_message(people=[person]), feed)
    assert r.status_code == 201, r.content
    record = IncidentPerson.objects.get().record
    assert record.given_surname == LONG_SURNAME
    assert record.sn_phon is not None and record.sn_phon.startswith("WLFSXLJLSTNHSNBRJRTRF")


def test_a_name_of_200_characters_is_kept_and_a_longer_one_refused_naming_it(
    town: dict[str, Any], feed: dict[str, str]
) -> None:
    longest = "Ab" * 100
    ok = send(feed_message(people=[{"role": "victim", "forename": "Jo", "surname": longest}]), feed)
    assert ok.status_code == 201, ok.content
    assert IncidentPerson.objects.get().record.given_surname == longest
    victim = {"role": "victim", "forename": "Jo" * 101, "surname": "Smith"}
    too_long = feed_message(source_id="2", people=[victim])
    r = send(too_long, feed)
    assert r.status_code == 422, r.content
    assert fields(r) == ["people[0].forename"]
    assert "at most 200 characters" in r.json()["errors"][0]["message"]
    assert Incident.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Feed values


def test_long_control_room_numbers_are_accepted(town: dict[str, Any], feed: dict[str, str]) -> None:
    system, number = "s" * 100, "CAD/" + "9" * 196
    r = send(feed_message(source_system=system, source_id=number), feed)
    assert r.status_code == 201, r.content
    inc = Incident.objects.get()
    assert (inc.source_system, inc.source_id) == (system, number)
    assert FeedMessage.objects.get().source_id == number
    assert send(feed_message(source_system=system, source_id=number), feed).json()["outcome"] == "unchanged"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"source_id": "9" * 201}, "source_id"),
        ({"source_system": "s" * 101}, "source_system"),
        ({"received_at": "0001-01-01T00:00:00Z"}, "received_at"),
        ({"received_at": "1899-12-31T23:00:00Z"}, "received_at"),
        ({"occurred_at": "0001-01-01T00:00:00+05:00"}, "occurred_at"),
        ({"crime_reference": "C" * 51}, "crime_reference"),
    ],
)
def test_feed_values_too_long_or_too_early_are_refused_naming_the_field(
    town: dict[str, Any], feed: dict[str, str], overrides: dict[str, Any], field: str
) -> None:
    r = send(feed_message(**overrides), feed)
    assert r.status_code == 422, r.content
    assert field in fields(r)
    assert nothing_written()


def test_a_time_received_in_the_future_is_still_refused(town: dict[str, Any], feed: dict[str, str]) -> None:
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    r = send(feed_message(received_at=later), feed)
    assert r.status_code == 422 and fields(r) == ["received_at"]


def test_a_historic_postcode_longer_than_its_column_is_refused(
    town: dict[str, Any], feed: dict[str, str]
) -> None:
    # Historic reports skip the postcode check (old data), but not the column's width.
    body = feed_message(channel="historic", location={"postcode": "P" * 21})
    r = send(body, feed)
    assert r.status_code == 422, r.content
    assert any(f.endswith("postcode") for f in fields(r))
    assert nothing_written()


def test_an_address_with_many_numbers_gets_a_key_that_fits(
    town: dict[str, Any], feed: dict[str, str]
) -> None:
    address = " ".join(str(n) for n in range(1, 80)) + " Acacia Avenue"  # 280 characters
    r = send(feed_message(location={"address": address}), feed)
    assert r.status_code == 201, r.content
    inc = Incident.objects.get()
    assert inc.address == address and 0 < len(inc.address_key) <= 120


# ---------------------------------------------------------------------------------------------
# The CSV importer reports them by line and column


def test_the_importer_reports_long_and_early_values_by_line_and_column(
    town: dict[str, Any], tmp_path: Path
) -> None:
    header = [*BEACON_HEADER, "source_system"]
    rows = [
        [*beacon_row("LEG-" + "9" * 190), "legacy-system"],  # line 2: long but fits
        [*beacon_row("X" * 201), "legacy"],  # line 3
        [*beacon_row("LEG-3"), "s" * 101],  # line 4
        [*beacon_row("LEG-4", received_at="0001-01-01T00:00"), "legacy"],  # line 5
        [*beacon_row("LEG-5", victim_surname="S" * 201), "legacy"],  # line 6
        [*beacon_row("LEG-6", occurred_at="1066-10-14T09:00"), "legacy"],  # line 7
    ]
    path = write_csv(tmp_path / "long.csv", header, rows)
    with pytest.raises(ValidationFailed) as err:
        import_incidents(None, path, fmt="beacon")
    assert {(p.row, p.field) for p in err.value.problems} == {
        (3, "source_id"),
        (4, "source_system"),
        (5, "received_at"),
        (6, "victim_surname"),
        (7, "occurred_at"),
    }
    assert nothing_written() and not Person.objects.exists()
    # Without the bad lines the long number is imported whole.
    write_csv(path, header, rows[:1])
    assert import_incidents(None, path, fmt="beacon").created == 1
    assert Incident.objects.get().source_id == "LEG-" + "9" * 190


def test_a_police_uk_file_with_a_long_crime_id_or_month_in_year_1_is_reported(
    town: dict[str, Any], tmp_path: Path
) -> None:
    rows = [police_row(crime_id="a" * 191), police_row(crime_id="b1", month="0001-01")]
    path = write_csv(tmp_path / "street.csv", POLICE_UK_COLUMNS, rows)
    with pytest.raises(ValidationFailed) as err:
        import_incidents(None, path, fmt="police-uk")
    assert {(p.row, p.field) for p in err.value.problems} == {(2, "Crime ID"), (3, "Month")}
    assert nothing_written()


def test_a_crime_decision_longer_than_its_column_is_refused_naming_the_field(
    town: dict[str, Any], make_user: Callable[..., User]
) -> None:
    from beacon.incidents import services
    from beacon.incidents.tests.factories import report

    registrar = make_user(Role.ADMIN, all_areas=True)
    inc = services.create_incident(registrar, report())
    with pytest.raises(ValidationFailed) as err:
        services.record_crime_decision(registrar, inc, version=inc.version, crime_reference="C" * 51)
    assert [p.field for p in err.value.problems] == ["crime_reference"]
    with pytest.raises(ValidationFailed) as err:
        services.record_crime_decision(registrar, inc, version=inc.version, no_crime_reason="n" * 501)
    assert [p.field for p in err.value.problems] == ["no_crime_reason"]
    inc.refresh_from_db()
    assert inc.crime_recorded is None and inc.version == 1
