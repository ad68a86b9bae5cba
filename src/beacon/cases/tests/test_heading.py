"""A case titled by its victim and place ("Margaret Whitfield, Elm Street — Medium risk", the
reference beside it), and how to reach the victim at the top of its page: phone and address as known
in the person index, whether it is safe to phone them and how to contact them safely (shown,
changed on its own page and through the API, audited)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beacon.cases import selectors, services
from beacon.cases.models import Case, CaseParty
from beacon.cases.tests import factories as f
from beacon.core.errors import ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.services import create_api_token

pytestmark = pytest.mark.django_db

MARGARET = {"dob": "12/05/1961", "phone": "07700 900123", "address": "14 Elm Street", "postcode": "LE1 5WW"}


@pytest.fixture
def case(officer: User, place: dict[str, Any]) -> Case:
    victim = f.person("Margaret", "Whitfield", **MARGARET)
    inc = f.incident(neighbourhood=place["market"], victim=victim, address="14 Elm Street, Leicester")
    return f.open_case(officer, level="medium", victim=victim, incident_obj=inc)


def victim_party(case: Case) -> CaseParty:
    return case.parties.get(role=CaseParty.Role.VICTIM)


def test_the_case_page_is_titled_by_its_victim_and_place_with_the_reference_beside_it(
    officer: User, client_for: Callable[..., Client], case: Case
) -> None:
    page = client_for(officer).get(reverse("cases:detail", args=[case.pk])).content.decode()
    heading = page[page.index('data-testid="case-heading"') :]
    heading = heading[: heading.index("</h1>")]
    assert f"Case {case.reference}" in heading
    assert heading.endswith("Margaret Whitfield, Elm Street — Medium risk")
    assert f"<title>Case {case.reference}" in page  # the browser's title names no one
    # The officer's own title is kept, in the case's details.
    assert f'data-testid="title">{case.title}<' in page
    # The read of the case is still logged.
    assert AuditEvent.objects.filter(action="read", model="case", object_pk=str(case.pk)).exists()


def test_the_heading_without_a_location_or_victim(officer: User, place: dict[str, Any]) -> None:
    victim = f.person("Ada", "Testperson")
    c = f.open_case(officer, level="high", victim=victim, area=place["north"])
    services.add_party(officer, c.pk, f.person("Bea", "Second").pk, "victim")
    services.add_party(officer, c.pk, f.person("Cy", "Third").pk, "victim")
    case = selectors.case_for(officer, c.pk, reason="test")
    known = selectors.known_people({p.person_id for p in case.parties.all()})
    assert selectors.heading_for(case, known).text == "Ada Testperson and 2 others, North — High risk"
    listed, named = selectors.headings(list(selectors.case_list(officer, selectors.CaseFilters())))
    assert listed[c.pk].text == "Ada Testperson and 2 others, North — High risk" and named == [victim.pk]


def test_how_to_reach_the_victim_is_at_the_top_of_the_page_and_can_be_changed(
    officer: User, client_for: Callable[..., Client], case: Case
) -> None:
    c = client_for(officer)
    page = c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    block = page[page.index('id="victim-contact"') : page.index('id="details"')]
    assert page.index('id="victim-contact"') < page.index("Priority and minimum standards")
    assert "How to reach the victim" in block and "Margaret Whitfield" in block
    assert "07700 900123" in block and "14 Elm Street, LE1 5WW" in block
    assert "Not asked yet" in block and "Nothing recorded" in block
    party = victim_party(case)
    url = reverse("cases:victim_contact", args=[case.pk, party.pk])
    assert url in block

    form = c.get(url).content.decode()
    assert "How to contact Margaret Whitfield safely" in form and "Is it safe to phone them?" in form
    r = c.post(url, {"contact-safe_to_call": "maybe", "contact-contact_note": ""})
    assert r.status_code == 400 and "#id_contact-safe_to_call_0" in r.content.decode()
    r = c.post(
        url, {"contact-safe_to_call": "no", "contact-contact_note": "Text first; her son reads her phone."}
    )
    assert r.status_code == 302 and r["Location"].endswith("#victim-contact")
    party.refresh_from_db()
    assert (party.safe_to_call, party.contact_note) == ("no", "Text first; her son reads her phone.")
    assert AuditEvent.objects.filter(action="update", model="caseparty", object_pk=str(party.pk)).exists()
    block = c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    block = block[block.index('id="victim-contact"') : block.index('id="details"')]
    assert "It is not safe to phone Margaret Whitfield." in block and "No: do not phone" in block
    assert "her son reads her phone" in block


def test_only_case_staff_in_the_area_change_how_to_contact_a_victim(
    officer: User, south_officer: User, client_for: Callable[..., Client], case: Case, place: dict[str, Any]
) -> None:
    party = victim_party(case)
    url = reverse("cases:victim_contact", args=[case.pk, party.pk])
    assert client_for(south_officer).get(url).status_code == 404
    assert client_for(role="analyst", all_areas=True).get(url).status_code == 403
    perp = f.person("Percy", "Perp")
    p = services.add_party(officer, case.pk, perp.pk, "perpetrator")
    assert client_for(officer).get(reverse("cases:victim_contact", args=[case.pk, p.pk])).status_code == 404
    with pytest.raises(ValidationFailed):
        services.set_victim_contact(officer, case.pk, p.pk, safe_to_call="yes", contact_note="")


def test_the_api_gives_the_heading_and_changes_how_to_contact_a_victim(officer: User, case: Case) -> None:
    _token, raw = create_api_token(officer, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    c = Client()
    got = c.get(f"/api/v1/cases/{case.pk}", **auth).json()
    assert got["heading"] == "Margaret Whitfield, Elm Street — Medium risk"
    party = victim_party(case)
    assert {"safe_to_call": "", "contact_note": ""}.items() <= got["parties"][0].items()
    url = f"/api/v1/cases/{case.pk}/parties/{party.pk}"
    r = c.patch(url, {"safe_to_call": "yes"}, content_type="application/json", **auth)
    assert r.status_code == 200 and r.json()["safe_to_call"] == "yes"
    r = c.patch(url, {"contact_note": "After 6pm"}, content_type="application/json", **auth)
    assert (r.json()["safe_to_call"], r.json()["contact_note"]) == ("yes", "After 6pm")
    r = c.patch(url, {"safe_to_call": "perhaps"}, content_type="application/json", **auth)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "safe_to_call"
    r = c.patch(
        f"/api/v1/cases/{case.pk}/parties/{10**9}",
        {"safe_to_call": "no"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "party_id"


def test_the_case_list_downloads_with_its_search_and_each_case_and_victim_logged(
    officer: User, client_for: Callable[..., Client], case: Case
) -> None:
    import csv
    import io

    r = client_for(officer).get(reverse("cases:list"), {"status": "open", "download": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(row["Reference"], row["Case"]) for row in rows] == [
        (case.reference, "Margaret Whitfield, Elm Street — Medium risk")
    ]
    exported = AuditEvent.objects.filter(action="export", actor=officer)
    assert set(exported.values_list("model", "object_pk")) == {
        ("case", str(case.pk)),
        ("person", str(victim_party(case).person_id)),
    }
    closed = client_for(officer).get(reverse("cases:list"), {"status": "closed", "download": "csv"})
    assert len(list(csv.DictReader(io.StringIO(closed.content.decode("utf-8-sig"))))) == 0


def test_the_case_list_finds_a_case_by_its_victims_name_as_given_on_any_record(
    officer: User, client_for: Callable[..., Client], case: Case
) -> None:
    c = client_for(officer)
    other = f.open_case(officer, area=case.area, victim=f.person("Norman", "Quill"))

    def found(q: str) -> set[str]:
        page = c.get(reverse("cases:list"), {"status": "", "q": q}).content.decode()
        return {ref for ref in (case.reference, other.reference) if ref in page}

    assert found("whitfield") == {case.reference}
    assert found("Margaret Whit") == {case.reference}
    assert found("quill") == {other.reference}
    assert found("Margaret Quill") == set()  # every word, in one of her records
    assert found(case.reference) == {case.reference}
