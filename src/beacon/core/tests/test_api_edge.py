"""The API's edge (beacon.core.api_input): the inputs a fuzzer found to give server errors, each
pinned here. Every one gets a 4xx with the API's JSON body naming the field, and nothing is
written; the OpenAPI says the same limits and lists the status codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from beacon.core.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1"
BEYOND_64_BITS = "1225999000000000000000000"


@pytest.fixture
def admin(client_for: Callable[..., Client]) -> Client:
    return client_for(role=Role.ADMIN, all_areas=True)


def fields(response: Any) -> list[str]:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return [e["field"] for e in response.json()["errors"]]


def names(response: Any, field: str) -> bool:
    """Whether an error names `field` (or a part of it: `people.0.surname`, `person.0`)."""
    return any(f == field or f.startswith(field + ".") for f in fields(response))


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/cases/due?offset={BEYOND_64_BITS}", "offset"),
        (f"/partnership/referrals?offset={BEYOND_64_BITS}", "offset"),
        (f"/cases?page={BEYOND_64_BITS}", "page"),
        (f"/partnership/trigger-status?person={BEYOND_64_BITS}", "person"),
        ("/people/lookup?purpose=h%00x&surname=Lee", "purpose"),
        ("/people/lookup?purpose=call&surname=Le%00e", "surname"),
        ("/partnership/trigger-status/location?lat=51.5&lon=-1.79e308", "lon"),
        ("/partnership/trigger-status/location?lat=999&lon=-1.2", "lat"),
        ("/retention/due?as_of=6097-01-01", "as_of"),
        ("/retention/due?as_of=0001-01-01", "as_of"),
        ("/dashboard?as_of=0", "as_of"),  # pydantic alone reads 0 as 1 January 1970
        # a path or query value travels in the URL: 400 characters at most (a fuzzer's 10,000
        # four-byte characters, %-encoded, made a request line the server refused with 414)
        ("/performance/kpis/" + "%C2%BB" * 401 + "/values?from_month=2026-01&to_month=2026-02", "code"),
        ("/people/lookup?purpose=call&surname=" + "e" * 401, "surname"),
    ],
)
def test_hostile_query_values_get_422_naming_the_field(admin: Client, url: str, field: str) -> None:
    r = admin.get(API + url)
    assert r.status_code == 422, r.content
    assert names(r, field), fields(r)


def test_an_id_within_64_bits_that_matches_nothing_is_not_a_server_error(admin: Client) -> None:
    r = admin.get(f"{API}/partnership/trigger-status?person=-1474051024335398")
    assert r.status_code in (200, 404, 422), r.content
    assert r["Content-Type"].startswith("application/json")
    r = admin.get(f"{API}/cases/due?offset=9223372036854775807&limit=1000")
    assert r.status_code == 200, r.content


@pytest.mark.parametrize("path", ["/cases/-1", "/cases/abc", "/incidents/%0A/crime", "/no-such-thing"])
def test_a_path_that_is_no_operation_gets_a_json_404(admin: Client, path: str) -> None:
    r = admin.get(API + path)
    assert r.status_code == 404
    assert r.json()["errors"][0]["message"].startswith("No such API operation")


def test_a_method_an_operation_does_not_have_gets_405_listing_those_it_has(admin: Client) -> None:
    r = admin.put(f"{API}/cases/due")
    assert r.status_code == 405
    assert "GET" in r["Allow"] and "PUT" not in r["Allow"]


# ---------------------------------------------------------------------------------------------
# What the OpenAPI says


def test_the_openapi_documents_every_status_and_the_edges_limits(admin: Client) -> None:
    schema = admin.get(f"{API}/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            assert {"401", "403", "429"} <= codes, (method, path)
            if op.get("parameters") or op.get("requestBody"):
                assert {"404", "422"} <= codes, (method, path)
            if op.get("requestBody"):
                assert {"400", "413"} <= codes, (method, path)
    offset = next(
        p for p in schema["paths"]["/api/v1/cases/due"]["get"]["parameters"] if p["name"] == "offset"
    )
    assert offset["schema"]["maximum"] == 2**63 - 1
    values = schema["paths"]["/api/v1/performance/kpis/{code}/values"]["get"]["parameters"]
    assert {p["name"]: p["schema"]["maxLength"] for p in values if p["schema"].get("type") == "string"}[
        "code"
    ] == 400
