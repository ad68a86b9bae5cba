"""Tools and powers on a case: what, on which perpetrator (or premises), issued and expiring when,
by whom, the outcome, and breaches; the case panel lists them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.models import AuditEvent, User
from beacon.core.roles import Role
from beacon.partnership import selectors, services
from beacon.partnership.models import PowerBreach, PowerUse
from beacon.partnership.services import PowerInput
from beacon.partnership.tests.factories import case, days_ago, incident, party, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(place: dict[str, Any]) -> dict[str, Any]:
    victim, perp = person("Vera", "Victimson"), person("Percy", "Perpson")
    c = case(place["north"], victims=[victim], perpetrators=[perp])
    return {
        "case": c,
        "victim": victim,
        "perp": perp,
        "perp_party": party(c, perp),
        "victim_party": party(c, victim),
    }


def today() -> dt.date:
    return timezone.localdate()


def test_a_power_is_recorded_on_a_perpetrator_with_dates_and_issuer(
    officer: User, setup: dict[str, Any]
) -> None:
    issued = today() - dt.timedelta(days=10)
    p = services.record_power(
        officer,
        setup["case"].pk,
        PowerInput(
            kind="cpn",
            subject_id=setup["perp_party"].pk,
            issued_on=issued,
            expires_on=issued + dt.timedelta(days=365),
            terms="Not to play amplified music after 11pm.",
        ),
    )
    assert p.kind.label == "Community Protection Notice" and p.subject == setup["perp_party"]
    assert p.issued_by == officer and p.issuing_agency is None and p.in_force(today())
    council = services.record_power(
        officer,
        setup["case"].pk,
        PowerInput(
            kind="abc",
            subject_id=setup["perp_party"].pk,
            issued_on=issued,
            issuing_agency="housing",
            officer_label="T. Officer",
        ),
    )
    assert council.issued_by is None and council.issuing_agency.code == "housing"
    assert AuditEvent.objects.filter(action="create", model="poweruse").count() == 2


def test_a_power_needs_a_perpetrator_on_the_case_and_sensible_dates(
    officer: User, setup: dict[str, Any], place: dict[str, Any]
) -> None:
    other = case(place["north"], perpetrators=[person("Olly", "Other")])
    with pytest.raises(ValidationFailed) as err:
        services.record_power(officer, setup["case"].pk, PowerInput(kind="cbo", issued_on=None))
    assert {p.field for p in err.value.problems} == {"subject_id", "issued_on"}
    for subject in (setup["victim_party"].pk, party(other, other.parties.get().person).pk):
        with pytest.raises(ValidationFailed) as err:
            services.record_power(
                officer, setup["case"].pk, PowerInput(kind="cbo", subject_id=subject, issued_on=today())
            )
        assert {p.field for p in err.value.problems} == {"subject_id"}
    with pytest.raises(ValidationFailed) as err:
        services.record_power(
            officer,
            setup["case"].pk,
            PowerInput(
                kind="cbo",
                subject_id=setup["perp_party"].pk,
                issued_on=today() + dt.timedelta(days=1),
                expires_on=today(),
            ),
        )
    assert {p.field for p in err.value.problems} == {"issued_on", "expires_on"}
    with pytest.raises(ValidationFailed) as err:
        services.record_power(officer, setup["case"].pk, PowerInput(kind="nonsense", issued_on=today()))
    assert {p.field for p in err.value.problems} == {"kind"}
    assert not PowerUse.objects.exists()


def test_a_closure_is_about_premises(officer: User, setup: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.record_power(officer, setup["case"].pk, PowerInput(kind="closure-notice", issued_on=today()))
    assert {p.field for p in err.value.problems} == {"premises"}
    p = services.record_power(
        officer,
        setup["case"].pk,
        PowerInput(
            kind="closure-notice",
            premises="Flat 2, 4 Test Road",
            issued_on=today(),
            expires_on=today() + dt.timedelta(days=2),
        ),
    )
    assert p.subject is None and p.premises == "Flat 2, 4 Test Road"


def test_breaches_are_recorded_with_action_taken(officer: User, setup: dict[str, Any]) -> None:
    issued = today() - dt.timedelta(days=30)
    p = services.record_power(
        officer, setup["case"].pk, PowerInput(kind="cpw", subject_id=setup["perp_party"].pk, issued_on=issued)
    )
    b = services.record_breach(
        officer,
        p.pk,
        occurred_on=today() - dt.timedelta(days=2),
        description="Loud music at 1am",
        action_taken="Community Protection Notice issued",
    )
    assert b.power == p and PowerBreach.objects.count() == 1
    with pytest.raises(ValidationFailed) as err:
        services.record_breach(officer, p.pk, occurred_on=issued - dt.timedelta(days=1), description="")
    assert {p.field for p in err.value.problems} == {"occurred_on", "description"}
    with pytest.raises(ValidationFailed) as err:
        services.record_breach(officer, p.pk, occurred_on=today() + dt.timedelta(days=1), description="x")
    assert {p.field for p in err.value.problems} == {"occurred_on"}


def test_the_outcome_and_an_extension_are_recorded_without_overwriting(
    officer: User, sergeant: User, setup: dict[str, Any]
) -> None:
    issued = today() - dt.timedelta(days=30)
    p = services.record_power(
        officer,
        setup["case"].pk,
        PowerInput(
            kind="civil-injunction",
            subject_id=setup["perp_party"].pk,
            issued_on=issued,
            expires_on=issued + dt.timedelta(days=60),
        ),
    )
    p2 = services.update_power(sergeant, p.pk, p.version, expires_on=issued + dt.timedelta(days=180))
    with pytest.raises(EditConflict):
        services.update_power(officer, p.pk, p.version, outcome="Complied", outcome_on=today())
    with pytest.raises(ValidationFailed) as err:
        services.update_power(officer, p.pk, p2.version, outcome="Complied")
    assert {x.field for x in err.value.problems} == {"outcome_on"}
    done = services.update_power(officer, p.pk, p2.version, outcome="Discharged early", outcome_on=today())
    assert not done.in_force(today()) and done.expires_on == issued + dt.timedelta(days=180)


def test_powers_stay_in_the_case_area_and_role(
    south_officer: User, setup: dict[str, Any], make_user: Callable[..., User]
) -> None:
    with pytest.raises(PermissionRefused):
        services.record_power(south_officer, setup["case"].pk, PowerInput(kind="warning", issued_on=today()))
    analyst = make_user(Role.ANALYST, all_areas=True)
    with pytest.raises(PermissionRefused):
        services.record_power(analyst, setup["case"].pk, PowerInput(kind="warning", issued_on=today()))


# ---------------------------------------------------------------------------------------------
# The case panel and pages


def test_the_case_panel_lists_powers_breaches_referrals_meetings_and_thresholds(
    officer: User, setup: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    c = setup["case"]
    for n in range(6):
        p = services.record_power(
            officer,
            c.pk,
            PowerInput(
                kind="cpw", subject_id=setup["perp_party"].pk, issued_on=today() - dt.timedelta(days=n + 5)
            ),
        )
        services.record_breach(officer, p.pk, occurred_on=today(), description="Again")
    for n in (3, 30, 60):
        incident(reporters=[setup["victim"]], received_at=days_ago(n))
    services.create_referral(
        officer,
        services.ReferralInput(
            agency="council",
            case_id=c.pk,
            reason="Help",
            shared_items=["case_summary"],
            legal_basis="cda-1998-s115",
        ),
    )
    with django_assert_max_num_queries(14):
        ctx = selectors.case_panel(officer, c)
    panel = ctx["partnership"]
    assert len(panel.powers) == 6 and len(panel.referrals) == 1
    assert [name for _, name, _ in panel.triggers] == ["Vera Victimson"]
    html = render_to_string("partnership/_case_panel.html", {**ctx, "case": c})
    assert "ASB case review threshold met" in html and "Community Protection Warning" in html
    assert "Refer to a partner agency" in html and "Record a tool or power" in html
    assert AuditEvent.objects.filter(actor=officer, action="read", model="poweruse").count() == 6


def test_the_case_panel_is_empty_for_those_who_may_not_see_the_case(
    south_officer: User, council_user: User, setup: dict[str, Any]
) -> None:
    assert selectors.case_panel(south_officer, setup["case"]) == {"partnership": None}
    assert selectors.case_panel(council_user, setup["case"]) == {"partnership": None}
    assert render_to_string("partnership/_case_panel.html", {"partnership": None}).strip() == ""


def test_the_power_pages_record_a_power_and_a_breach(
    client_for: Callable[..., Client], officer: User, setup: dict[str, Any], south_officer: User
) -> None:
    client = client_for(officer)
    url = reverse("partnership:power_new", args=[setup["case"].pk])
    assert "Percy Perpson" in client.get(url).content.decode()
    bad = client.post(url, {"kind": "cpn"})
    assert bad.status_code == 422 and "There is a problem" in bad.content.decode()
    ok = client.post(
        url,
        {
            "kind": "cpn",
            "subject_id": setup["perp_party"].pk,
            "issued_on": today().isoformat(),
            "terms": "No music",
        },
    )
    power = PowerUse.objects.get()
    assert ok.status_code == 302 and ok.url == reverse("partnership:power", args=[power.pk])
    r = client.post(
        reverse("partnership:power_breach", args=[power.pk]),
        {"occurred_on": today().isoformat(), "description": "Music at 2am", "action_taken": "Summons"},
    )
    assert r.status_code == 302
    page = client.get(reverse("partnership:power", args=[power.pk])).content.decode()
    assert "Music at 2am" in page and "Community Protection Notice" in page
    assert client_for(south_officer).get(reverse("partnership:power", args=[power.pk])).status_code == 404
    assert client_for(south_officer).get(url).status_code == 404


def test_a_perpetrator_named_by_a_power_is_not_removed_from_the_case(
    officer: User, setup: dict[str, Any]
) -> None:
    """The power keeps its subject on the case: refused naming the party (the API's 422), not a 500."""
    from beacon.cases import services as case_services
    from beacon.cases.models import CaseParty

    services.record_power(
        officer,
        setup["case"].pk,
        PowerInput(kind="cpw", subject_id=setup["perp_party"].pk, issued_on=today()),
    )
    with pytest.raises(ValidationFailed) as exc:
        case_services.remove_party(officer, setup["case"].pk, setup["perp_party"].pk)
    assert exc.value.problems[0].field == "party_id" and "tool or power" in exc.value.problems[0].message
    assert CaseParty.objects.filter(pk=setup["perp_party"].pk).exists()
    assert not AuditEvent.objects.filter(action="delete", model="caseparty").exists()
