"""Geography pages: who may see and do what, the neighbourhood list's query count, the import page
listing every problem, and adding, changing and ending a local priority."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from beacon.core.models import Force
from beacon.core.roles import CAPABILITIES, Role
from beacon.geography.models import LocalPriority, Neighbourhood
from beacon.geography.services import PriorityValues, create_priority, import_geojson
from beacon.geography.tests.factories import PointPriorityFactory, collection, feature, grid, rect

pytestmark = pytest.mark.django_db


@pytest.fixture
def priority(force: Force) -> LocalPriority:
    import_geojson(None, collection(feature("N1", rect(52.6, -1.11, 52.62, -1.09), name="Abbey Fields")))
    return create_priority(
        None,
        PriorityValues(
            name="Operation Lantern",
            kind=LocalPriority.Kind.OPERATION,
            neighbourhood=Neighbourhood.objects.get(code="N1"),
            lat=52.608,
            lon=-1.1,
            radius_m=200,
            active_from=timezone.localdate() - dt.timedelta(days=3),
        ),
    )


def pages(p: LocalPriority) -> dict[str, tuple[str, str]]:
    """url -> (capability, name)"""
    return {
        reverse("geography:neighbourhoods"): ("geography.view", "neighbourhoods"),
        reverse("geography:neighbourhood", args=[p.neighbourhood_id]): ("geography.view", "neighbourhood"),
        reverse("geography:import"): ("geography.manage", "import"),
        reverse("geography:priorities"): ("geography.priorities", "priorities"),
        reverse("geography:priority_new"): ("geography.priorities", "priority_new"),
        reverse("geography:priority_edit", args=[p.pk]): ("geography.priorities", "priority_edit"),
        reverse("geography:priority_end", args=[p.pk]): ("geography.priorities", "priority_end"),
    }


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_only_the_pages_it_may(
    role: str, client_for: Callable[..., Client], priority: LocalPriority
) -> None:
    client = client_for(role=role)
    for url, (capability, name) in pages(priority).items():
        allowed = role in CAPABILITIES[capability]
        response = client.get(url)
        assert response.status_code == (200 if allowed else 403), (role, name)


def test_partners_see_nothing_and_call_handlers_only_the_neighbourhoods(
    client_for: Callable[..., Client], priority: LocalPriority
) -> None:
    partner, handler = client_for(role=Role.PARTNER), client_for(role=Role.CALL_HANDLER)
    for url, (capability, _) in pages(priority).items():
        assert partner.get(url).status_code == 403
        assert handler.get(url).status_code == (200 if capability == "geography.view" else 403)
    assert handler.post(reverse("geography:priority_new"), {"name": "x"}).status_code == 403
    assert partner.post(reverse("geography:import")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client: Client, priority: LocalPriority) -> None:
    login = reverse("core:login")
    for url in pages(priority):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login), url


def test_the_neighbourhood_list_runs_a_bounded_number_of_queries(
    force: Force,
    client_for: Callable[..., Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    import_geojson(None, grid(20, 15))  # 300 neighbourhoods in two areas
    today = timezone.localdate()
    hoods = list(Neighbourhood.objects.order_by("code")[:40])
    for n in hoods:
        PointPriorityFactory(neighbourhood=n, active_from=today)
        PointPriorityFactory(neighbourhood=n, active_from=today + dt.timedelta(days=5))  # not yet
    client = client_for(role=Role.CALL_HANDLER)
    client.get(reverse("geography:neighbourhoods"))  # session and user warmed
    # session, user, count, one page of neighbourhoods with their counts, and the session save (3)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("geography:neighbourhoods"))
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert len(rows) == 200
    counts = {n.code: n.active_priorities for n in rows}
    assert counts[hoods[0].code] == 1
    assert sum(counts.values()) == sum(1 for n in hoods if n.code in counts)
    text = response.content.decode()
    assert "300 neighbourhoods, by area" in text and "govuk-tag--red" in text


def test_the_neighbourhood_page_lists_its_priorities(
    client_for: Callable[..., Client], priority: LocalPriority
) -> None:
    response = client_for(role=Role.OFFICER).get(
        reverse("geography:neighbourhood", args=[priority.neighbourhood_id])
    )
    assert response.status_code == 200
    assert [p.name for p in response.context["detail"].current] == ["Operation Lantern"]
    assert "Abbey Fields" in response.content.decode()


def upload(data: str, name: str = "hoods.geojson") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.encode(), content_type="application/geo+json")


def test_the_import_page_lists_every_problem_and_imports_nothing(
    force: Force, client_for: Callable[..., Client]
) -> None:
    data = collection(
        feature("A", rect(52.6, -1.1, 52.61, -1.09)),
        feature("B", rect(52.6, -1.09, 52.61, -1.08), grade="excellent"),
        feature("C", {"type": "Point", "coordinates": [-1.1, 52.6]}),
    )
    client = client_for(role=Role.ANALYST)
    response = client.post(reverse("geography:import"), {"file": upload(data)})
    assert response.status_code == 422
    text = response.content.decode()
    assert "There are 2 problems: nothing was imported" in text
    assert "Feature 2, grade:" in text and "Feature 3, geometry:" in text
    assert not Neighbourhood.objects.exists()

    response = client.post(reverse("geography:import"), {"file": upload("{oops")})
    assert response.status_code == 422 and 'href="#id_file"' in response.content.decode()


def test_the_import_page_imports_a_clean_file(force: Force, client_for: Callable[..., Client]) -> None:
    data = collection(
        feature("A", rect(52.6, -1.1, 52.61, -1.09)), feature("B", rect(52.6, -1.09, 52.61, -1.08))
    )
    client = client_for(role=Role.ADMIN)
    response = client.post(reverse("geography:import"), {"file": upload(data)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("geography:neighbourhoods")
    assert "Read 2 features from hoods.geojson: neighbourhoods created 2" in response.content.decode()
    assert Neighbourhood.objects.count() == 2


def form_data(p: LocalPriority | None = None, **kw: Any) -> dict[str, Any]:
    data = {
        "name": "Castle Park",
        "kind": "problem_solving",
        "neighbourhood": p.neighbourhood_id if p else "",
        "area": "",
        "description": "",
        "set_at": "community meeting",
        "lat": "52.607",
        "lon": "-1.1",
        "radius_m": "150",
        "geometry": "",
        "active_from": timezone.localdate().isoformat(),
        "active_to": "",
        "version": p.version if p else "",
    }
    data.update(kw)
    return data


def test_adding_a_priority(client_for: Callable[..., Client], priority: LocalPriority) -> None:
    client = client_for(role=Role.OFFICER)
    response = client.post(
        reverse("geography:priority_new"), form_data(priority, radius_m="0", active_from="")
    )
    assert response.status_code == 422
    assert {p.field for p in response.context["problems"]} == {"active_from"}
    response = client.post(reverse("geography:priority_new"), form_data(priority, radius_m="0"))
    assert response.status_code == 422
    assert [p.field for p in response.context["problems"]] == ["radius_m"]
    assert 'href="#id_radius_m"' in response.content.decode()

    polygon = json.dumps({"type": "Feature", "geometry": rect(52.606, -1.104, 52.61, -1.096)})
    response = client.post(
        reverse("geography:priority_new"), form_data(priority, lat="", lon="", radius_m="", geometry=polygon)
    )
    assert response.status_code == 302
    made = LocalPriority.objects.get(name="Castle Park")
    assert (
        made.geometry is not None
        and made.geometry["type"] == "Polygon"
        and made.set_at == "community meeting"
    )


def test_changing_a_priority_someone_else_changed_is_refused(
    client_for: Callable[..., Client], priority: LocalPriority
) -> None:
    client = client_for(role=Role.SUPERVISOR)
    url = reverse("geography:priority_edit", args=[priority.pk])
    assert client.get(url).context["form"].initial["version"] == 1
    assert client.post(url, form_data(priority, name="Lantern II")).status_code == 302
    response = client.post(url, form_data(priority, name="Lantern III", version=1))
    assert response.status_code == 409
    assert "Your changes were not saved" in response.content.decode()
    assert LocalPriority.objects.get().name == "Lantern II"


def test_ending_a_priority(client_for: Callable[..., Client], priority: LocalPriority) -> None:
    client = client_for(role=Role.ANALYST)
    url = reverse("geography:priority_end", args=[priority.pk])
    yesterday = timezone.localdate() - dt.timedelta(days=10)
    response = client.post(url, {"on": yesterday.isoformat(), "version": 1})
    assert response.status_code == 422 and [p.field for p in response.context["problems"]] == ["on"]
    response = client.post(url, {"on": timezone.localdate().isoformat(), "version": 1})
    assert response.status_code == 302
    assert LocalPriority.objects.get().active_to == timezone.localdate()
    listing = client.get(reverse("geography:priorities"))
    assert "Operation Lantern" in listing.content.decode()
    assert client.get(reverse("geography:priorities") + "?ended=1").status_code == 200
