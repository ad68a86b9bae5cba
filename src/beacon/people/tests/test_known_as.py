"""Who a person is known as: one rule for every page and the API (a confirmed value, else the value
given most often, ties to the one given first), never a one-off misspelling at a call; confirming
it (audited), withdrawing it, and erased records never counting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beacon.core.errors import PermissionRefused, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.core.services import create_api_token
from beacon.people import selectors, services
from beacon.people.models import ConfirmedDetail, ContactRecord, Person
from beacon.people.normalise import street_name

pytestmark = pytest.mark.django_db

MARGARET = {
    "forename": "Margaret",
    "surname": "Whitfield",
    "dob": "12/05/1961",
    "phone": "07700 900123",
    "address": "14 Elm Street, Leicester",
    "postcode": "LE1 5WW",
}
START = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


def contact(person: Person, days: int = 0, **details: str) -> ContactRecord:
    """A contact of `person`, `days` after START, with these details as given."""
    return services.add_contact(
        None, details, source="incident", person=person, contacted_at=START + dt.timedelta(days=days)
    )


@pytest.fixture
def margaret() -> Person:
    """Known for two calls as Margaret Whitfield; then a call saved as "Margret Whitfeild"."""
    p = Person.objects.create()
    contact(p, 0, **MARGARET)
    contact(p, 10, **{**MARGARET, "forename": "MARGARET", "phone": "+44 7700 900123"})
    contact(p, 20, **{**MARGARET, "forename": "Margret", "surname": "Whitfeild", "phone": "07700 900999"})
    return p


def known(p: Person) -> selectors.KnownAs:
    return selectors.known_as([p.pk])[p.pk]


# ---------------------------------------------------------------------------------------------
# The rule


def test_a_misspelt_call_does_not_rename_her(margaret: Person) -> None:
    k = known(margaret)
    assert (k.name, k.dob, k.phone) == ("Margaret Whitfield", "12/05/1961", "07700 900123")
    assert (k.address, k.postcode) == ("14 Elm Street, Leicester", "LE1 5WW")
    # "MARGARET" and "Margaret", 07700 900123 and +44 7700 900123, are one value each: shown as
    # first given; the misspelling is one of three.
    assert k.chosen["name"].records == 2 and not k.chosen["name"].confirmed
    assert k.chosen["phone"].records == 2
    assert k.records == 3 and k.label == "Margaret Whitfield"


def test_a_tie_goes_to_the_value_given_first() -> None:
    p = Person.objects.create()
    contact(p, 0, forename="Margaret", surname="Whitfield")
    contact(p, 5, forename="Margret", surname="Whitfeild")
    # Given as often as the established spelling, a new one does not displace it…
    assert known(p).name == "Margaret Whitfield"
    contact(p, 6, forename="Margret", surname="Whitfeild")
    assert known(p).name == "Margret Whitfeild"  # …given more often, it does.


def test_a_confirmed_name_wins_over_the_most_common(margaret: Person, make_user: Callable[..., User]) -> None:
    officer = make_user(Role.OFFICER, first_name="Olive", last_name="Officer")
    spelt = margaret.records.get(given_forename="Margret")
    services.confirm_details(officer, margaret, spelt, ["name"], note="She spells it this way")
    k = known(margaret)
    assert k.name == "Margret Whitfeild" and k.chosen["name"] == selectors.Chosen(spelt.pk, True, 1)
    assert k.phone == "07700 900123"  # only the name was confirmed
    # Later calls with the other spelling do not change a confirmed name.
    contact(margaret, 30, **MARGARET)
    assert known(margaret).name == "Margret Whitfeild"
    confirmation = ConfirmedDetail.objects.get()
    assert AuditEvent.objects.filter(
        action="create", model="confirmeddetail", object_pk=str(confirmation.pk), actor=officer
    ).exists()
    # Confirming from another record replaces it (an audited update); withdrawing goes back to the rule.
    first = margaret.records.order_by("contacted_at").first()
    assert first is not None
    services.confirm_details(officer, margaret, first, ["name", "phone"])
    assert AuditEvent.objects.filter(action="update", model="confirmeddetail").exists()
    assert known(margaret).is_confirmed("phone")
    assert services.withdraw_confirmation(officer, margaret, ["name", "phone"]) == 2
    assert not known(margaret).is_confirmed("name") and known(margaret).name == "Margaret Whitfield"
    assert AuditEvent.objects.filter(action="delete", model="confirmeddetail").count() == 2


def test_erased_records_never_count(margaret: Person, make_user: Callable[..., User]) -> None:
    admin = make_user(Role.ADMIN)
    officer = make_user(Role.OFFICER)
    good = list(margaret.records.exclude(given_forename="Margret").order_by("id"))
    spelt = margaret.records.get(given_forename="Margret")
    services.confirm_details(officer, margaret, good[0], ["name"])
    for r in good:
        services.erase_record(admin, r, reason="erasure request ER-1")
    k = known(margaret)
    # Only the misspelt record is left: it is all that is held, and the confirmation went with
    # the erased record (audited).
    assert k.name == "Margret Whitfeild" and k.records == 1 and not k.is_confirmed("name")
    assert not ConfirmedDetail.objects.exists()
    assert AuditEvent.objects.filter(action="delete", model="confirmeddetail").exists()
    services.erase_record(admin, spelt, reason="erasure request ER-1")
    k = known(margaret)
    assert (k.name, k.label, k.known, k.chosen) == ("", f"Person {margaret.pk}", False, {})


def test_a_confirmed_record_moved_to_someone_else_confirms_nothing(
    margaret: Person, make_user: Callable[..., User]
) -> None:
    spelt = margaret.records.get(given_forename="Margret")
    services.confirm_details(make_user(Role.OFFICER), margaret, spelt, ["name"])
    other = Person.objects.create()
    ContactRecord.objects.filter(pk=spelt.pk).update(person=other)  # as a cluster run's move
    assert known(margaret).name == "Margaret Whitfield" and not known(margaret).is_confirmed("name")
    assert known(other).name == "Margret Whitfeild" and not known(other).is_confirmed("name")


def test_an_address_keeps_its_own_postcode() -> None:
    p = Person.objects.create()
    contact(p, 0, forename="Ann", address="12 Elm St", postcode="LE1 5WW")
    contact(p, 1, forename="Ann", address="3 Oak Road")
    contact(p, 2, forename="Ann", address="3 Oak Rd", postcode="LE2 1AA")
    contact(p, 3, forename="Ann", postcode="LE1 5WW")
    contact(p, 4, forename="Ann", postcode="LE1 5WW")
    k = known(p)
    # Oak Road twice (Rd and Road are one address); its postcode is the one given with it, though
    # LE1 5WW is given more often overall.
    assert (k.address, k.postcode, k.address_line) == ("3 Oak Road", "LE2 1AA", "3 Oak Road, LE2 1AA")
    only_postcode = Person.objects.create()
    contact(only_postcode, 0, forename="Bo", postcode="LE3 9ZZ")
    assert (known(only_postcode).address, known(only_postcode).postcode) == ("", "LE3 9ZZ")


def test_one_query_for_many_people() -> None:
    people = [Person.objects.create() for _ in range(12)]
    for i, p in enumerate(people):
        for d in range(3):
            contact(p, d, forename=f"Name{i}", surname="Testperson")
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.known_as([p.pk for p in people] + [999999])
    assert len(ctx.captured_queries) == 1
    assert found[people[3].pk].name == "Name3 Testperson" and not found[999999].known


def test_confirming_is_refused_for_the_wrong_record_or_role(
    margaret: Person, make_user: Callable[..., User]
) -> None:
    officer = make_user(Role.OFFICER)
    other = Person.objects.create()
    theirs = contact(other, 0, forename="Someone", surname="Else")
    with pytest.raises(ValidationFailed) as exc:
        services.confirm_details(officer, margaret, theirs, ["name"])
    assert exc.value.problems[0].field == "record_id"
    no_email = margaret.records.first()
    assert no_email is not None
    with pytest.raises(ValidationFailed) as exc:
        services.confirm_details(officer, margaret, no_email, ["email"])
    assert exc.value.problems[0].field == "details"
    with pytest.raises(ValidationFailed):
        services.confirm_details(officer, margaret, no_email, ["shoe size"])
    with pytest.raises(PermissionRefused):
        services.confirm_details(make_user(Role.PERFORMANCE), margaret, no_email, ["name"])
    assert not ConfirmedDetail.objects.exists()


def test_street_name_for_headings() -> None:
    assert street_name("Flat 2, 14 Acacia Avenue, Leeds LS6 2AB") == "Acacia Avenue"
    assert street_name("14 Elm Street, Leicester") == "Elm Street"
    assert street_name("Rose Cottage, Mill Lane") == "Mill Lane"
    assert street_name("Market Square") == "Market Square"
    assert street_name("14") == street_name("") == ""


# ---------------------------------------------------------------------------------------------
# The person page


def test_the_person_page_shows_who_she_is_known_as_and_her_records_as_given(
    margaret: Person, client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    officer = make_user(Role.OFFICER, first_name="Olive", last_name="Officer")
    c = client_for(officer)
    page = c.get(reverse("people:person", args=[margaret.pk])).content.decode()
    known_block = page[page.index('id="known-as"') : page.index('id="records-heading"')]
    assert "Margaret Whitfield" in known_block and "Margret" not in known_block
    assert "Given on 2 of their 3 records" in known_block
    records = page[page.index('id="records-heading"') :]
    assert "Records as given (3)" in records and "Margret Whitfeild" in records
    assert "Use these details as the person\u2019s name" in records

    # "Use these details as the person's name" on the misspelt record: it is her name now.
    spelt = margaret.records.get(given_forename="Margret")
    r = c.post(reverse("people:confirm_record", args=[spelt.pk]), {"purpose": "C-1"})
    assert r.status_code == 302 and "purpose=C-1" in r["Location"]
    page = c.get(r["Location"]).content.decode()
    known_block = page[page.index('id="known-as"') : page.index('id="records-heading"')]
    assert (
        "Margret Whitfeild" in known_block and "Confirmed" in known_block and "Olive Officer" in known_block
    )
    assert "Their confirmed name" in page

    # The change page: choose among what her records give, or go back to the one given most often.
    url = reverse("people:known_detail", args=[margaret.pk, "name"])
    page = c.get(url).content.decode()
    assert "Which name is theirs?" in page and "Given on 2 records" in page and "Given once" in page
    r = c.post(url, {"choice": "rule", "note": ""})
    assert r.status_code == 302 and known(margaret).name == "Margaret Whitfield"
    r = c.post(url, {"choice": "", "note": ""})
    assert r.status_code == 400 and "Name: choose one." in r.content.decode()
    first = margaret.records.order_by("contacted_at").first()
    assert first is not None
    r = c.post(
        reverse("people:known_detail", args=[margaret.pk, "phone"]),
        {"choice": str(first.pk), "note": "checked at the visit"},
    )
    assert r.status_code == 302
    assert ConfirmedDetail.objects.get(detail="phone").note == "checked at the visit"
    assert c.get(reverse("people:known_detail", args=[margaret.pk, "shoe"])).status_code == 404


def test_roles_that_cannot_flag_see_no_confirm_buttons(
    margaret: Person, client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    admin = client_for(make_user(Role.ADMIN))
    page = admin.get(reverse("people:person", args=[margaret.pk])).content.decode()
    assert "Margaret Whitfield" in page and "Use these details as the person\u2019s name" not in page
    spelt = margaret.records.get(given_forename="Margret")
    assert admin.post(reverse("people:confirm_record", args=[spelt.pk])).status_code == 403
    assert not ConfirmedDetail.objects.exists()


# ---------------------------------------------------------------------------------------------
# The API


def _bearer(user: User) -> dict[str, str]:
    _token, raw = create_api_token(user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_says_who_she_is_known_as_and_confirms_it(
    margaret: Person, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    officer = make_user(Role.OFFICER)
    auth = _bearer(officer)
    c = Client()
    got = c.get(f"/api/v1/people/{margaret.pk}", **auth).json()
    assert got["known_as"]["name"] == "Margaret Whitfield"
    assert got["known_as"]["chosen"]["name"] == {
        "record_id": margaret.records.order_by("contacted_at").values_list("pk", flat=True)[0],
        "confirmed": False,
        "records": 2,
    }
    assert [r["as_given"]["forename"] for r in got["records"]] == ["Margaret", "MARGARET", "Margret"]

    spelt = margaret.records.get(given_forename="Margret")
    url = f"/api/v1/people/{margaret.pk}/known-as"

    def post(body: dict[str, Any], headers: dict[str, str] = auth) -> Any:
        return c.post(url, body, content_type="application/json", **headers)

    r = post({"details": ["name"], "record_id": spelt.pk, "note": "her spelling"})
    assert r.status_code == 200, r.content
    assert r.json()["name"] == "Margret Whitfeild" and r.json()["chosen"]["name"]["confirmed"] is True
    assert AuditEvent.objects.filter(
        action="read", model="person", object_pk=str(margaret.pk), reason="confirming who the person is"
    ).exists()
    r = post({"details": ["name"], "record_id": None})
    assert r.status_code == 200 and r.json()["name"] == "Margaret Whitfield"
    # Refusals: each names the field.
    other = contact(Person.objects.create(), 0, forename="Someone")
    for body, field in [
        ({"details": ["name"], "record_id": other.pk}, "record_id"),
        ({"details": ["name"], "record_id": 10**9}, "record_id"),
        ({"details": ["email"], "record_id": spelt.pk}, "details"),
        ({"details": ["hat"], "record_id": spelt.pk}, "details"),
        ({"details": [], "record_id": spelt.pk}, "details"),
        ({"record_id": spelt.pk, "colour": "red"}, "colour"),
    ]:
        r = post(body)
        assert r.status_code == 422, (body, r.content)
        assert any(e["field"].split(".")[0] == field for e in r.json()["errors"]), (body, r.json())
    assert (
        c.post(
            f"/api/v1/people/{10**9}/known-as", {"record_id": None}, content_type="application/json", **auth
        ).status_code
        == 404
    )
    assert post({"record_id": spelt.pk}, _bearer(make_user(Role.ADMIN))).status_code == 403
    assert c.post(url, {"record_id": spelt.pk}, content_type="application/json").status_code == 401
    assert post({"record_id": spelt.pk}).json()["name"] == "Margret Whitfeild"  # the name by default
    schema = client_for(officer).get("/api/v1/openapi.json").json()
    answers = schema["paths"]["/api/v1/people/{person_id}/known-as"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "413", "422", "429"} <= set(answers)


def test_subject_access_lists_every_record_as_given_and_the_confirmations(
    margaret: Person, make_user: Callable[..., User]
) -> None:
    officer = make_user(Role.OFFICER, username="pc_olive")
    spelt = margaret.records.get(given_forename="Margret")
    services.confirm_details(officer, margaret, spelt, ["name"], note="at the visit")
    report = selectors.subject_access(margaret, actor=make_user(Role.ADMIN), reason="SAR-1")
    assert [r["as_given"]["forename"] for r in report["records"]] == ["Margaret", "MARGARET", "Margret"]
    [confirmed] = report["confirmed_details"]
    assert (confirmed["detail"], confirmed["record_id"], confirmed["by"], confirmed["note"]) == (
        "name",
        spelt.pk,
        "pc_olive",
        "at the visit",
    )
