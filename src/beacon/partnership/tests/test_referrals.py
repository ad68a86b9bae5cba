"""Referrals: consent or a legal basis is required; what is shared is kept as it was; a partner
agency's users see only the referrals made to their agency, and on each only what was shared —
never another agency's referrals, a case page or a person's record. Every view is logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.partnership import selectors, services
from beacon.partnership.models import Referral
from beacon.partnership.services import ReferralInput
from beacon.partnership.tests.factories import case, incident, link_incident, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def north_case(place: dict[str, Any]) -> Any:
    victim = person("Vera", "Victimson", phone="07700 900123", address="2 Test Road")
    perp = person("Percy", "Perpson", address="4 Test Road")
    c = case(place["north"], victims=[victim], perpetrators=[perp], title="Noise at Test Road")
    link_incident(c, incident(reporters=[victim], area=place["north"], address="2 Test Road"))
    return c


def consent(**kw: Any) -> ReferralInput:
    values: dict[str, Any] = {
        "agency": "council",
        "reason": "Please consider a Community Protection Warning.",
        "shared_items": ["case_summary", "victims", "perpetrators", "locations", "incidents"],
        "consent_by": "Vera Victimson (the victim)",
        "consent_on": timezone.localdate(),
    }
    values.update(kw)
    return ReferralInput(**values)


def fields(exc: ValidationFailed) -> set[str]:
    return {p.field for p in exc.problems}


# ---------------------------------------------------------------------------------------------
# Consent or legal basis


def test_a_referral_with_neither_consent_nor_a_legal_basis_is_refused(officer: User, north_case: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.create_referral(officer, consent(case_id=north_case.pk, consent_by="", consent_on=None))
    assert fields(err.value) == {"legal_basis"}
    assert "consent" in str(err.value) and "legal basis" in str(err.value)
    assert Referral.objects.count() == 0


def test_consent_needs_who_and_when_and_not_a_future_date(officer: User, north_case: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.create_referral(officer, consent(case_id=north_case.pk, consent_on=None))
    assert fields(err.value) == {"consent_on"}
    with pytest.raises(ValidationFailed) as err:
        services.create_referral(officer, consent(case_id=north_case.pk, consent_by=""))
    assert fields(err.value) == {"consent_by"}
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as err:
        services.create_referral(officer, consent(case_id=north_case.pk, consent_on=tomorrow))
    assert fields(err.value) == {"consent_on"}


def test_a_legal_basis_from_the_list_is_enough_and_other_needs_its_detail(
    officer: User, north_case: Any
) -> None:
    r = services.create_referral(
        officer,
        consent(
            case_id=north_case.pk,
            consent_by="",
            consent_on=None,
            legal_basis="cda-1998-s115",
            legal_basis_detail="Reducing crime and disorder in the area.",
        ),
    )
    assert r.legal_basis == "cda-1998-s115" and r.consent_on is None
    assert r.basis_text == "Crime and Disorder Act 1998, section 115"
    with pytest.raises(ValidationFailed) as err:
        services.create_referral(
            officer, consent(case_id=north_case.pk, consent_by="", consent_on=None, legal_basis="other")
        )
    assert fields(err.value) == {"legal_basis_detail"}
    with pytest.raises(ValidationFailed) as err:
        services.create_referral(
            officer, consent(case_id=north_case.pk, consent_by="", consent_on=None, legal_basis="made-up")
        )
    assert fields(err.value) == {"legal_basis"}


def test_the_database_refuses_a_referral_with_neither(officer: User, north_case: Any) -> None:
    from django.db import IntegrityError, transaction

    r = services.create_referral(officer, consent(case_id=north_case.pk))
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=r.pk).update(consent_on=None, consent_by="", legal_basis="")


def test_every_problem_is_reported_at_once(officer: User, north_case: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.create_referral(
            officer,
            ReferralInput(agency="nobody", case_id=north_case.pk, reason=" ", shared_items=[], consent_by=""),
        )
    assert fields(err.value) == {"agency", "reason", "shared_items", "legal_basis"}


# ---------------------------------------------------------------------------------------------
# What is shared, and the record of it


def test_what_is_shared_is_kept_as_it_was_and_the_disclosure_logged(officer: User, north_case: Any) -> None:
    r = services.create_referral(
        officer, consent(case_id=north_case.pk, shared_items=["case_summary", "victims"])
    )
    assert r.reference.startswith("REF-") and r.status == Referral.Status.SENT
    snap = r.shared_snapshot
    assert set(snap) == {"case_summary", "victims"}
    assert snap["case_summary"]["reference"] == north_case.reference
    assert snap["victims"][0]["name"] == "Vera Victimson" and snap["victims"][0]["phone"] == "07700 900123"
    north_case.title = "Changed later"
    north_case.save()
    r.refresh_from_db()
    assert r.shared_snapshot["case_summary"]["title"] == "Noise at Test Road"
    exports = AuditEvent.objects.filter(action="export", actor=officer)
    assert {(e.model, e.reason.split(" in ")[0]) for e in exports} >= {
        ("case", "shared with Local council ASB team"),
        ("person", "shared with Local council ASB team"),
    }
    assert AuditEvent.objects.filter(action="create", model="referral", object_pk=str(r.pk)).exists()


def test_a_person_can_be_referred_without_a_case_from_one_of_your_areas(
    officer: User, place: dict[str, Any]
) -> None:
    p = person("Walt", "Welfare")
    with pytest.raises(ValidationFailed) as err:
        services.create_referral(officer, consent(person_id=p.pk, shared_items=["person"]))
    assert fields(err.value) == {"area_id"}
    with pytest.raises(ValidationFailed) as err:
        services.create_referral(
            officer, consent(person_id=p.pk, area_id=place["south"].pk, shared_items=["person"])
        )
    assert fields(err.value) == {"area_id"}
    with pytest.raises(ValidationFailed) as err:
        services.create_referral(
            officer, consent(person_id=p.pk, area_id=place["north"].pk, shared_items=["victims"])
        )
    assert fields(err.value) == {"shared_items"}
    r = services.create_referral(
        officer, consent(agency="health", person_id=p.pk, area_id=place["north"].pk, shared_items=["person"])
    )
    assert r.case is None and r.shared_snapshot["person"]["name"] == "Walt Welfare"


def test_a_case_outside_your_areas_cannot_be_referred(south_officer: User, north_case: Any) -> None:
    with pytest.raises(PermissionRefused):
        services.create_referral(south_officer, consent(case_id=north_case.pk))


def test_the_referred_person_must_be_on_the_case(officer: User, north_case: Any) -> None:
    stranger = person("Stan", "Stranger")
    with pytest.raises(ValidationFailed) as err:
        services.create_referral(officer, consent(case_id=north_case.pk, person_id=stranger.pk))
    assert fields(err.value) == {"person_id"}


# ---------------------------------------------------------------------------------------------
# Response and outcome


def test_the_partner_records_its_response_and_the_outcome(
    officer: User, council_user: User, housing_user: User, north_case: Any
) -> None:
    r = services.create_referral(officer, consent(case_id=north_case.pk))
    today = timezone.localdate()
    with pytest.raises(PermissionRefused):
        services.record_response(housing_user, r.pk, r.version, response="accepted", responded_on=today)
    with pytest.raises(ValidationFailed) as err:
        services.record_response(council_user, r.pk, r.version, response="declined", responded_on=None)
    assert fields(err.value) == {"responded_on", "response_note"}
    r = services.record_response(council_user, r.pk, r.version, response="accepted", responded_on=today)
    assert r.status == Referral.Status.ACCEPTED and r.response_by == council_user
    with pytest.raises(EditConflict):
        services.record_outcome(officer, r.pk, 1, outcome="CPW issued", outcome_on=today)
    r = services.record_outcome(officer, r.pk, r.version, outcome="CPW issued", outcome_on=today)
    assert r.status == Referral.Status.CLOSED and r.outcome_on == today
    with pytest.raises(ValidationFailed):
        services.record_response(
            council_user, r.pk, r.version, response="declined", responded_on=today, note="x"
        )


def test_dates_before_the_referral_are_refused(officer: User, north_case: Any) -> None:
    r = services.create_referral(officer, consent(case_id=north_case.pk))
    with pytest.raises(ValidationFailed) as err:
        services.record_outcome(
            officer, r.pk, r.version, outcome="x", outcome_on=timezone.localdate() - dt.timedelta(days=3)
        )
    assert fields(err.value) == {"outcome_on"}


# ---------------------------------------------------------------------------------------------
# Partner visibility: the key security point


@pytest.fixture
def referrals(officer: User, north_case: Any, place: dict[str, Any]) -> dict[str, Referral]:
    to_council = services.create_referral(
        officer, consent(case_id=north_case.pk, shared_items=["case_summary"], consent_by="The victim")
    )
    to_housing = services.create_referral(
        officer, consent(agency="housing", case_id=north_case.pk, shared_items=["perpetrators"])
    )
    return {"council": to_council, "housing": to_housing}


def test_a_partner_lists_only_its_own_agencys_referrals(
    client_for: Callable[..., Client], council_user: User, referrals: dict[str, Referral]
) -> None:
    page = client_for(council_user).get(reverse("partnership:referrals"))
    html = page.content.decode()
    assert page.status_code == 200
    assert referrals["council"].reference in html and referrals["housing"].reference not in html
    assert "Referrals to Local council ASB team" in html
    assert list(selectors.referrals_for(council_user)) == [referrals["council"]]


def test_a_partner_sees_only_what_was_shared_with_it(
    client_for: Callable[..., Client], council_user: User, referrals: dict[str, Referral], north_case: Any
) -> None:
    page = client_for(council_user).get(reverse("partnership:referral", args=[referrals["council"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Noise at Test Road" in html  # the case summary was shared
    assert "Vera" not in html and "Percy" not in html and "07700" not in html  # people were not
    assert f"/cases/{north_case.pk}/" not in html and "/people/" not in html  # no links to police records
    assert AuditEvent.objects.filter(
        actor=council_user, action="read", model="referral", object_pk=str(referrals["council"].pk)
    ).exists()


def test_a_partner_cannot_open_another_agencys_referral(
    client_for: Callable[..., Client], council_user: User, referrals: dict[str, Referral]
) -> None:
    client = client_for(council_user)
    assert client.get(reverse("partnership:referral", args=[referrals["housing"].pk])).status_code == 404
    r = client.post(
        reverse("partnership:referral_response", args=[referrals["housing"].pk]),
        {"version": 1, "response": "accepted", "responded_on": timezone.localdate().isoformat()},
    )
    assert r.status_code == 404
    referrals["housing"].refresh_from_db()
    assert referrals["housing"].response == ""


def test_a_partner_cannot_see_case_pages_people_or_anything_else(
    client_for: Callable[..., Client], council_user: User, referrals: dict[str, Referral], north_case: Any
) -> None:
    client = client_for(council_user)
    victim_id = north_case.parties.filter(role="victim").get().person_id
    pages = [
        reverse("cases:detail", args=[north_case.pk]),
        reverse("cases:list"),
        reverse("people:person", args=[victim_id]),
        reverse("people:lookup"),
        reverse("incidents:list"),
        reverse("partnership:groups"),
        reverse("partnership:reviews"),
        reverse("partnership:power_new", args=[north_case.pk]),
        reverse("partnership:referral_new") + f"?case={north_case.pk}",
    ]
    for url in pages:
        assert client.get(url).status_code in (403, 404), url
    mine = AuditEvent.objects.filter(actor=council_user)
    assert not mine.exclude(action="refused").filter(model__in=["case", "person"]).exists()
    assert mine.filter(action="refused").count() == len(pages)  # each attempt is in the trail


def test_a_partner_without_an_agency_sees_nothing(
    client_for: Callable[..., Client], make_user: Callable[..., User], referrals: dict[str, Referral]
) -> None:
    nobody = make_user(Role.PARTNER, partner_agency="")
    html = client_for(nobody).get(reverse("partnership:referrals")).content.decode()
    assert "REF-" not in html and "not linked to a partner agency" in html
    unknown = make_user(Role.PARTNER, partner_agency="no-such-agency")
    assert not selectors.referrals_for(unknown).exists()
    assert selectors.agency_for(unknown) is None
    page = client_for(unknown).get(reverse("partnership:referrals"))
    assert page.status_code == 200 and "not linked to a partner agency" in page.content.decode()
    assert "REF-" not in page.content.decode()
    for referral in referrals.values():
        assert client_for(unknown).get(reverse("partnership:referral", args=[referral.pk])).status_code == 404


def test_police_see_referrals_in_their_areas_only(
    client_for: Callable[..., Client], south_officer: User, officer: User, referrals: dict[str, Referral]
) -> None:
    assert (
        client_for(south_officer)
        .get(reverse("partnership:referral", args=[referrals["council"].pk]))
        .status_code
        == 404
    )
    html = (
        client_for(officer)
        .get(reverse("partnership:referral", args=[referrals["council"].pk]))
        .content.decode()
    )
    assert referrals["council"].reference in html


# ---------------------------------------------------------------------------------------------
# Pages


def test_the_referral_form_makes_a_referral_and_shows_every_problem(
    client_for: Callable[..., Client], officer: User, north_case: Any
) -> None:
    client = client_for(officer)
    url = reverse("partnership:referral_new")
    page = client.get(url, {"case": north_case.pk})
    assert page.status_code == 200 and "Consent or legal basis" in page.content.decode()
    bad = client.post(url, {"case": north_case.pk, "agency": "council", "reason": "Help please"})
    html = bad.content.decode()
    assert bad.status_code == 422 and "There is a problem" in html
    assert "or the legal basis for sharing without consent" in html and "Choose what is shared" in html
    good = client.post(
        url,
        {
            "case": north_case.pk,
            "agency": "council",
            "reason": "Help please",
            "shared_items": ["case_summary", "locations"],
            "legal_basis": "dpa-2018-sch2",
            "legal_basis_detail": "Prevention of crime.",
        },
    )
    referral = Referral.objects.get()
    assert good.status_code == 302 and good.url == reverse("partnership:referral", args=[referral.pk])
    assert referral.shared_items == ["case_summary", "locations"]


def test_the_partner_records_a_response_on_the_page(
    client_for: Callable[..., Client], council_user: User, referrals: dict[str, Referral]
) -> None:
    r = referrals["council"]
    client = client_for(council_user)
    today = timezone.localdate().isoformat()
    done = client.post(
        reverse("partnership:referral_response", args=[r.pk]),
        {"version": r.version, "response": "accepted", "responded_on": today},
    )
    assert done.status_code == 302
    stale = client.post(
        reverse("partnership:referral_outcome", args=[r.pk]),
        {"version": r.version, "outcome": "Warning letter sent", "outcome_on": today},
    )
    assert stale.status_code == 409 and "was changed by council_asb" in stale.content.decode()
    r.refresh_from_db()
    assert r.status == "accepted" and r.outcome == ""


def test_the_referral_list_takes_a_bounded_number_of_queries(
    client_for: Callable[..., Client],
    officer: User,
    council_user: User,
    north_case: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(30):
        services.create_referral(officer, consent(case_id=north_case.pk, shared_items=["case_summary"]))
    for user in (officer, council_user):
        client = client_for(user)
        client.get(reverse("partnership:referrals"))
        with django_assert_max_num_queries(10):
            page = client.get(reverse("partnership:referrals"))
        assert page.content.decode().count("/partnership/referrals/") >= 25


def test_the_referral_list_downloads_without_the_reasons_and_each_referral_is_logged(
    officer: User, north_case: Any, client_for: Callable[..., Client]
) -> None:
    import csv
    import io

    referral = services.create_referral(officer, consent(case_id=north_case.pk))
    r = client_for(officer).get(reverse("partnership:referrals"), {"download": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    body = r.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(row["Reference"], row["Case"]) for row in rows] == [(referral.reference, north_case.reference)]
    assert "Community Protection Warning" not in body  # the reason stays on the referral's page
    assert AuditEvent.objects.filter(
        action="export", actor=officer, model="referral", object_pk=str(referral.pk)
    ).exists()


def test_the_referral_list_is_searched_by_the_days_it_was_made_and_the_download_keeps_the_range(
    officer: User, north_case: Any, client_for: Callable[..., Client]
) -> None:
    import csv
    import io

    old = services.create_referral(officer, consent(case_id=north_case.pk))
    Referral.objects.filter(pk=old.pk).update(referred_at=timezone.now() - dt.timedelta(days=60))
    new = services.create_referral(officer, consent(case_id=north_case.pk))
    client = client_for(officer)
    since = timezone.localdate() - dt.timedelta(days=7)
    boxes = {
        "referred_from_day": since.day,
        "referred_from_month": since.month,
        "referred_from_year": since.year,
    }
    page = client.get(reverse("partnership:referrals"), boxes).content.decode()
    assert new.reference in page and old.reference not in page
    link = f"referred_from={since.isoformat()}&amp;download=csv"
    assert link in page  # the download carries the range as one date
    got = client.get(
        reverse("partnership:referrals"), {"referred_from": since.isoformat(), "download": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert [row["Reference"] for row in rows] == [new.reference]
    backwards = client.get(
        reverse("partnership:referrals"),
        {"referred_from": since.isoformat(), "referred_to": (since - dt.timedelta(days=1)).isoformat()},
    ).content.decode()
    assert "The date made to must be on or after the date made from." in backwards
    assert 'href="#id_referred_to"' in backwards
