"""Hostile incident bodies (the API's edge, beacon.core.api_input, on the feed's operation): each
input a fuzzer found to give a server error gets a 422 naming the field and nothing is saved; the
OpenAPI states the same limits."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from beacon.core.roles import Role
from beacon.core.tests.test_api_edge import fields, names
from beacon.incidents.models import Incident
from beacon.incidents.schemas import MAX_PEOPLE
from beacon.incidents.tests.factories import feed_message

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post_raw(body: str, headers: dict[str, str], path: str = "/incidents") -> Any:
    return Client().post(API + path, body, content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (json.dumps(feed_message(description="kicking\u0000a ball")), "description"),
        # An unpaired surrogate can only arrive as a JSON escape.
        (json.dumps(feed_message(description="x")).replace('"x"', '"\\ud800"'), "description"),
        (json.dumps(feed_message(people=[{"role": "caller", "surname": "Le\u0000e"}])), "people.0.surname"),
        (json.dumps(feed_message(description="x" * 10_001)), "description"),
        (json.dumps(feed_message(received_at="6097-01-01T00:00:00Z")), "received_at"),
        (json.dumps(feed_message(received_at="2026-10-19T07:32:34-16:26")), "received_at"),
        (json.dumps(feed_message(received_at=0)), "received_at"),
        (json.dumps(feed_message(is_asb=0)), "is_asb"),
        (json.dumps(feed_message(screening_version=987654)), "screening_version"),
        (json.dumps(feed_message(screening_version=2**70)), "screening_version"),
        (json.dumps(feed_message(location={"lat": 999, "lon": 0})), "location.lat"),
        (json.dumps(feed_message(location={"lat": 51.5, "lon": -1.79e308})), "location.lon"),
        (
            json.dumps(
                feed_message(people=[{"role": "witness", "surname": f"W{i}"} for i in range(MAX_PEOPLE + 1)])
            ),
            "people",
        ),
    ],
)
@pytest.mark.usefixtures("town")
def test_hostile_incident_bodies_get_422_naming_the_field_and_nothing_is_saved(
    feed: dict[str, str], body: str, field: str
) -> None:
    r = post_raw(body, feed)
    assert r.status_code == 422, r.content
    assert names(r, field), fields(r)
    assert not Incident.objects.exists()


def test_a_body_that_is_not_json_gets_400_in_json(feed: dict[str, str]) -> None:
    r = post_raw("\x00{", feed)
    assert r.status_code == 400
    assert r.json()["errors"]


@pytest.mark.usefixtures("town")
def test_an_unknown_field_in_a_body_is_refused(feed: dict[str, str]) -> None:
    r = post_raw(json.dumps(feed_message(colour="red")), feed)
    assert r.status_code == 422
    assert "colour" in fields(r)


@pytest.mark.usefixtures("town")
def test_a_whole_number_sent_as_7_0_is_accepted_as_json_allows(feed: dict[str, str]) -> None:
    r = post_raw(json.dumps(feed_message(people=[{"role": "caller", "surname": "Okafor"}])), feed)
    assert r.status_code == 201, r.content
    incident_id = r.json()["id"]
    version = float(r.json()["version"])
    r = Client().post(
        f"{API}/incidents/{incident_id}/close",
        json.dumps({"version": version, "closure_code": "", "closing_note": ""}),
        content_type="application/json",
        headers=feed,
    )
    assert "version" not in fields(r)


def test_the_openapi_states_the_incident_bodys_limits(client_for: Callable[..., Client]) -> None:
    schema = client_for(role=Role.ADMIN, all_areas=True).get(f"{API}/openapi.json").json()
    incident_in = schema["components"]["schemas"]["IncidentIn"]
    assert incident_in["additionalProperties"] is False
    assert incident_in["properties"]["people"]["maxItems"] == MAX_PEOPLE
    lat = schema["components"]["schemas"]["IncidentLocationIn"]["properties"]["lat"]["anyOf"][0]
    assert (lat["minimum"], lat["maximum"]) == (-90, 90)
