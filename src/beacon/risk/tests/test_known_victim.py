"""The risk pages name the victim as the person index knows them (the people app's one rule), not
as a misspelt call gave their name; the call's own spelling is shown beside it, labelled as given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beacon.core.models import User
from beacon.risk import services
from beacon.risk.tests.factories import STANDARD, make_incident, person_record
from beacon.risk.tests.test_views import assess_url

pytestmark = pytest.mark.django_db


def test_a_misspelt_call_is_assessed_under_her_known_name(
    client_for: Callable[..., Client], officer: User, town: dict[str, Any]
) -> None:
    first = person_record(forename="Margaret", surname="Whitfield")
    person_record(first.person, forename="Margaret", surname="Whitfield")
    misspelt = person_record(first.person, forename="Margret", surname="Whitfeild")
    other = person_record(forename="Ceri", surname="Jones")
    incident = make_incident(area=town["north"], victims=[("caller", misspelt), ("victim", other)])
    client = client_for(officer)

    choose = client.get(assess_url(incident)).content.decode()
    assert "Margaret Whitfield (person" in choose and "as given: “Margret Whitfeild”" in choose
    assert 'aria-describedby="id_person-hint"' in choose

    form = client.get(assess_url(incident, first.person_id)).content.decode()
    victim = form[form.index('data-testid="victim"') :]
    victim = victim[: victim.index("</dd>")]
    assert "Margaret Whitfield (person" in victim and "as given: “Margret Whitfeild”" in victim

    assessment = services.complete_assessment(
        officer, completed_as="attending", incident=incident, victim=first.person, answers=STANDARD
    )
    page = client.get(reverse("risk:detail", args=[assessment.pk])).content.decode()
    victim = page[page.index('data-testid="victim"') :]
    victim = victim[: victim.index("</dd>")]
    assert f'data-testid="victim">Margaret Whitfield, person {first.person_id}' in victim
    assert f"Named on {incident.reference}, as given: “Margret Whitfeild”" in victim
