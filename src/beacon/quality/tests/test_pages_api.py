"""Pages and API: who may see what, the draw with its precision helper, the audit form, outcomes and
CSV, disputes and corrections; bounded queries; errors naming their field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beacon.core.models import AuditEvent, User
from beacon.quality import services
from beacon.quality.models import AuditItem, AuditRound, CorrectionTask

pytestmark = pytest.mark.django_db
T = "asb-incident-quality"
CHECKS = [
    "category_correct",
    "screening_answered",
    "repeat_question_asked",
    "repeat_check_shown",
    "team_told",
    "team_acknowledged",
    "crime_recorded",
    "supervised",
    "victim_updated",
]


def test_drawing_a_round_on_the_page_shows_the_precision_first(
    town: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    c = client_for(town["manager"])
    r = c.get(
        reverse("quality:new_round"),
        {"template": T, "area": "N", "month": "2024-03", "size": "10", "margin": "5", "check": "1"},
    )
    html = r.content.decode()
    assert r.status_code == 200 and "30 eligible records" in html
    assert "For ±5 points you need 28 records" in html  # 384.1 corrected for 30
    bad = c.post(
        reverse("quality:new_round"),
        {"template": T, "area": "N", "month": "2024-13", "size": "10", "seed": "x", "draw": "1"},
    )
    assert (
        bad.status_code == 422 and "#id_month" in bad.content.decode() and "#id_seed" in bad.content.decode()
    )
    assert not AuditRound.objects.exists()
    ok = c.post(
        reverse("quality:new_round"),
        {"template": T, "area": "N", "month": "2024-03", "size": "10", "seed": "77", "draw": "1"},
    )
    rnd = AuditRound.objects.get()
    assert ok.status_code == 302 and rnd.seed == 77 and rnd.items.count() == 10
    page = c.get(reverse("quality:round", args=[rnd.pk])).content.decode()
    assert "--seed 77" in page


def test_pages_need_their_capability_and_area(
    town: dict[str, Any], client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    services.draw_round(town["manager"], template=T, area="N", month="2024-03", size=5, seed=1)
    rnd = AuditRound.objects.get()
    officer = client_for(town["officer"])
    assert officer.get(reverse("quality:rounds")).status_code == 403
    assert officer.get(reverse("quality:new_round")).status_code == 403
    assert officer.get(reverse("quality:corrections")).status_code == 200
    outsider = make_user("performance")
    outsider.areas.add(town["south"])
    assert client_for(outsider).get(reverse("quality:round", args=[rnd.pk])).status_code == 404
    assert client_for(outsider).get(reverse("quality:item", args=[rnd.items.first().pk])).status_code == 404


def test_the_audit_form_marks_prefilled_answers_and_saves_with_a_correction(
    town: dict[str, Any], client_for: Callable[..., Client], django_assert_max_num_queries: Any
) -> None:
    draw = services.draw_round(
        town["manager"], template=T, area="N", month="2024-03", size=5, seed=4, auditor=town["auditor"]
    )
    assert draw.round is not None
    item = draw.round.items.order_by("position").first()
    c = client_for(town["auditor"])
    with django_assert_max_num_queries(25):
        r = c.get(reverse("quality:work"))
    assert item.reference in r.content.decode()
    page = c.get(reverse("quality:item", args=[item.pk]))
    html = page.content.decode()
    assert "From the record" in html and 'data-testid="source-team_told"' in html
    assert AuditEvent.objects.filter(
        action="read", model="incident", object_pk=str(item.incident_id)
    ).exists()
    data = {f"answer_{k}": "yes" for k in CHECKS}
    data.update(
        {
            "answer_team_told": "no",
            "correction_team_told": "Place it with the team.",
            "version": str(item.version),
        }
    )
    missing = c.post(reverse("quality:item", args=[item.pk]), {"version": str(item.version)})
    assert missing.status_code == 422 and "#id_answers.category_correct" in missing.content.decode()
    done = c.post(reverse("quality:item", args=[item.pk]), data)
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.compliant is False
    assert CorrectionTask.objects.get().action == "Place it with the team."
    out = c.get(reverse("quality:outcomes"), {"template": T})
    assert "Was the neighbourhood team told?" in out.content.decode()
    csv = c.get(reverse("quality:outcomes"), {"template": T, "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and "team_told" in csv.content.decode()


def test_lists_read_a_bounded_number_of_times(
    town: dict[str, Any], client_for: Callable[..., Client], django_assert_max_num_queries: Any
) -> None:
    for seed in range(3):
        services.draw_round(town["manager"], template=T, area="N", month="2024-03", size=10, seed=seed)
    c = client_for(town["manager"])
    with django_assert_max_num_queries(20):
        assert c.get(reverse("quality:rounds")).status_code == 200
    rnd = AuditRound.objects.first()
    assert rnd is not None
    with django_assert_max_num_queries(20):
        assert c.get(reverse("quality:round", args=[rnd.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get(reverse("quality:outcomes"), {"template": T, "by": "area"}).status_code == 200


def _api(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_api_draws_assigns_answers_and_reports(town: dict[str, Any]) -> None:
    m = _api(town["manager"])
    body = {"template": T, "area": "N", "month": "2024-03", "size": 4, "seed": 11}
    r = m.post("/api/v1/quality/rounds", body, content_type="application/json")
    assert r.status_code == 201, r.content
    rnd = r.json()
    assert rnd["seed"] == 11 and len(rnd["sample"]) == 4 and rnd["population"] == 30
    again = m.post("/api/v1/quality/rounds", body, content_type="application/json").json()
    assert [i["reference"] for i in again["sample"]] == [i["reference"] for i in rnd["sample"]]
    too_big = m.post("/api/v1/quality/rounds", {**body, "size": 31}, content_type="application/json")
    assert too_big.status_code == 422 and too_big.json()["errors"][0]["field"] == "size"
    unknown = m.post("/api/v1/quality/rounds", {**body, "area": "ZZ"}, content_type="application/json")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "area"
    bad_month = m.post(
        "/api/v1/quality/rounds", {**body, "month": "2024-13"}, content_type="application/json"
    )
    assert bad_month.status_code == 422 and bad_month.json()["errors"][0]["field"] == "month"
    p = m.get(
        "/api/v1/quality/precision",
        {"template": T, "area": "N", "month": "2024-03", "size": 10, "margin": 0.05},
    )
    assert p.status_code == 200 and p.json()["population"] == 30 and p.json()["size_needed"] == 28
    a = m.post(
        f"/api/v1/quality/rounds/{rnd['id']}/assign", {"auditor": "auditor"}, content_type="application/json"
    )
    assert a.status_code == 200 and a.json()["assigned"] == 4
    aud = _api(town["auditor"])
    item_id = rnd["sample"][0]["id"]
    item = aud.get(f"/api/v1/quality/items/{item_id}").json()
    assert item["prefilled"]["category_correct"] == "no"
    answers = {k: "yes" for k in CHECKS}
    answers["supervised"] = "no"
    done = aud.post(
        f"/api/v1/quality/items/{item_id}/answers",
        {"answers": answers, "corrections": {"supervised": "Supervise it"}, "version": item["version"]},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["compliant"] is False
    stale = aud.post(
        f"/api/v1/quality/items/{rnd['sample'][1]['id']}/answers",
        {"answers": answers, "version": 99},
        content_type="application/json",
    )
    assert stale.status_code == 409
    out = aud.get("/api/v1/quality/outcomes", {"template": T, "by": "area"})
    assert out.status_code == 200
    sup = next(x for x in out.json()["rates"] if x["question"] == "supervised")
    assert (sup["audited"], sup["compliant"], sup["group"]) == (1, 0, "North")
    assert aud.get("/api/v1/quality/outcomes", {"template": "nope"}).status_code == 404
    assert _api(town["officer"]).get("/api/v1/quality/rounds").status_code == 403
    assert aud.get("/api/v1/quality/items/999999").status_code == 404
    assert AuditItem.objects.filter(status="done").count() == 1
