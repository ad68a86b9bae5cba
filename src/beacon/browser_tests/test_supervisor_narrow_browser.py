"""On a phone the supervisor's list becomes one card a row, and its "Why" column stays readable.
Debian chromium, axe-core on the page."""

from __future__ import annotations

from typing import Any

import pytest

from beacon.browser_tests.conftest import check_accessibility, login
from beacon.core.models import Area, Force
from beacon.core.roles import Role
from beacon.core.tests.factories import TEST_PASSWORD, UserFactory
from beacon.incidents.tests.conftest import make_neighbourhood
from beacon.risk.tests.factories import make_incident, person_record

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 800}


def test_the_why_column_is_readable_on_a_phone(page: Any) -> None:
    force = Force.objects.create(name="Testshire Constabulary", code="TS")
    north = Area.objects.create(force=force, name="North", code="TN")
    market = make_neighbourhood(north, "TN1", "Market", (52.60, -1.12, 52.62, -1.10))
    sergeant = UserFactory(username="ps_north", role=Role.SUPERVISOR)
    sergeant.areas.add(north)
    victim = person_record(forename="Alys", surname="Penhallow")
    make_incident(
        area=north, neighbourhood=market, victims=[("caller", victim)], vulnerable=True, repeat=True
    )

    page.set_viewport_size(PHONE)
    login(page, "ps_north", TEST_PASSWORD)
    page.goto("/cases/supervisor/")
    why = page.get_by_test_id("why").first
    box = why.bounding_box()
    assert box is not None
    # The reasons take (nearly) the width of the screen, not a sliver of a five-column table ...
    assert box["width"] > 0.75 * PHONE["width"], box
    # ... and nothing of the list needs scrolling sideways.
    overflow = page.evaluate("document.querySelector('#supervisor-list').scrollWidth")
    assert overflow <= PHONE["width"], overflow
    # Each cell says which column it is.
    label = why.evaluate("el => getComputedStyle(el, '::before').content")
    assert label == '"Why"'
    check_accessibility(page)

    # On a desktop it is a table again.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert why.evaluate("el => getComputedStyle(el).display") == "table-cell"
    check_accessibility(page)
