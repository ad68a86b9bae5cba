"""KPI figures against hand counts: monthly values per place, rolling 12 months, financial year to
date, the same month last year and the significance tests (checked against scipy/statsmodels)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from scipy.stats import binomtest
from statsmodels.stats.proportion import proportions_ztest

from beacon.core.errors import ValidationFailed
from beacon.performance import places, selectors, services
from beacon.performance.compute import compute
from beacon.performance.models import Kpi, KpiValue
from beacon.performance.tests.factories import at, incident, incidents, town

pytestmark = pytest.mark.django_db


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    out = []
    m = first
    while m <= last:
        out.append(m)
        m = selectors.add_months(m, 1)
    return out


def kpi_json(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("performance", "kpi", *args, "--json", stdout=out)
    return dict(json.loads(out.getvalue()))


@pytest.fixture
def place() -> dict[str, Any]:
    return town()


def test_asb_incidents_count_every_incident_by_the_month_it_occurred(place: dict[str, Any]) -> None:
    market, docks = place["market"], place["docks"]
    incidents(3, at(2025, 1, 10), market)
    incidents(2, at(2025, 1, 31, 23), docks)  # 23:00 on 31 January (GMT): January
    incidents(1, at(2025, 2, 1, 0), docks)  # just after midnight on 1 February (GMT)
    # data.police.uk: no category, not placed in any area, still counted for the force
    incidents(4, at(2025, 1, 1, 0), None, source_system="police.uk", channel="historic")
    # received in February about something that happened in January: January
    incident(at(2025, 1, 20), market, received_at=at(2025, 2, 2))
    incidents(5, at(2025, 1, 5), market, is_asb=False)  # not ASB
    compute(months(dt.date(2025, 1, 1), dt.date(2025, 2, 1)), codes=["asb-incidents"])

    def value(key: str, month: dt.date) -> float | None:
        return KpiValue.objects.get(kpi__code="asb-incidents", place_key=key, month=month).value

    jan, feb = dt.date(2025, 1, 1), dt.date(2025, 2, 1)
    assert value("force", jan) == 3 + 2 + 4 + 1
    assert value("force", feb) == 1
    assert value(places.area_key(place["north"].pk), jan) == 4
    assert value(places.area_key(place["south"].pk), jan) == 2
    assert value(places.neighbourhood_key(market.pk), jan) == 4
    assert value(places.neighbourhood_key(docks.pk), feb) == 1


def test_the_kpi_command_gives_rolling_12_last_year_and_the_exact_test(place: dict[str, Any]) -> None:
    market = place["market"]
    # 24 months of counts: month i (from April 2023) has 10 + i incidents; March 2025 has 40.
    counts = {}
    for i, m in enumerate(months(dt.date(2023, 4, 1), dt.date(2025, 3, 1))):
        n = 40 if m == dt.date(2025, 3, 1) else 10 + i
        counts[m] = n
        incidents(n, at(m.year, m.month, 12), market)
    call_command("performance", "compute", "--from", "2023-04", "--to", "2025-03", stdout=StringIO())
    data = kpi_json("--kpi", "asb-incidents", "--from", "2024-04", "--to", "2025-03")
    assert data["kpi"] == "asb-incidents"
    assert data["version"] == 1
    assert data["unit"] == "count"
    assert [r["month"] for r in data["series"]][:2] == ["2024-04", "2024-05"]
    march = data["series"][-1]
    assert march["value"] == 40
    assert march["numerator"] == 40
    assert march["denominator"] is None
    assert march["previous_year"] == counts[dt.date(2024, 3, 1)] == 21
    assert march["change"] == 40 - 21
    expected_p = binomtest(40, 40 + 21, 0.5).pvalue
    assert march["p_value"] == pytest.approx(expected_p, rel=1e-12)
    assert march["significant"] is bool(expected_p < 0.05)
    twelve = [m for m in counts if dt.date(2024, 4, 1) <= m <= dt.date(2025, 3, 1)]
    assert march["rolling_12"] == sum(counts[m] for m in twelve)
    april = data["series"][0]
    assert april["previous_year"] == counts[dt.date(2023, 4, 1)]
    assert april["p_value"] == pytest.approx(binomtest(counts[dt.date(2024, 4, 1)], 10 + 22, 0.5).pvalue)
    # the area's series counts only that area
    area = kpi_json("--kpi", "asb-incidents", "--from", "2025-03", "--to", "2025-03", "--area", "TN")
    assert area["series"][0]["value"] == 40
    south = kpi_json("--kpi", "asb-incidents", "--from", "2025-03", "--to", "2025-03", "--area", "TSO")
    assert south["series"][0]["value"] == 0


def test_financial_year_to_date_and_rolling_comparisons(place: dict[str, Any]) -> None:
    market = place["market"]
    for m in months(dt.date(2023, 4, 1), dt.date(2025, 1, 1)):
        incidents(20 if m >= dt.date(2024, 4, 1) else 10, at(m.year, m.month), market)
    compute(months(dt.date(2023, 4, 1), dt.date(2025, 1, 1)), codes=["asb-incidents"])
    kpi = Kpi.objects.get(code="asb-incidents")
    s = selectors.summary(kpi, selectors.latest_version(kpi), places.FORCE_PLACE, dt.date(2025, 1, 1))
    # FYTD: April 2024 to January 2025 (10 months of 20) against April 2023 to January 2024 (10 of 10)
    assert s.fytd.now == 200
    assert s.fytd.before == 100
    assert s.fytd.p_value == pytest.approx(binomtest(200, 300, 0.5).pvalue)
    assert s.fytd.significant is True
    # Rolling 12 to January 2025: Feb-Mar 2024 (10 each) + Apr 2024-Jan 2025 (20 each) = 220;
    # the previous 12 months (Feb 2023 to Jan 2024) are not all stored: no test, said so.
    assert s.rolling.now == 220
    assert s.rolling.p_value is None
    assert s.rolling.words == "no complete earlier period"
    assert len(s.history) == 24
    assert s.chart.centre is not None


def test_a_percentage_kpi_and_its_two_proportion_test(place: dict[str, Any]) -> None:
    market = place["market"]
    now = at(2025, 3, 10)
    incidents(30, now, market, last_supervised_at=now)
    incidents(20, now, market)
    before = at(2024, 3, 10)
    incidents(15, before, market, last_supervised_at=before)
    incidents(35, before, market)
    compute(months(dt.date(2024, 3, 1), dt.date(2025, 3, 1)), codes=["asb-supervised"])
    data = kpi_json("--kpi", "asb-supervised", "--from", "2025-03", "--to", "2025-03")
    row = data["series"][0]
    assert data["unit"] == "percentage"
    assert row["value"] == pytest.approx(60.0)
    assert (row["numerator"], row["denominator"]) == (30, 50)
    assert row["previous_year"] == pytest.approx(30.0)
    _z, p = proportions_ztest([30, 15], [50, 50])
    assert row["p_value"] == pytest.approx(p)
    assert row["significant"] is True


def test_repeat_victims_found_by_the_live_check_are_told_apart(place: dict[str, Any]) -> None:
    market = place["market"]
    when = at(2025, 5, 5)
    incidents(
        3,
        when,
        market,
        repeat_victim=True,
        flag_reasons={"repeat_victim": "person 12: 3 reports in 365 days"},
    )
    incidents(2, when, market, repeat_victim=True, flag_reasons={"repeat_victim": "the caller said so"})
    incidents(4, when, market)
    compute([dt.date(2025, 5, 1)], codes=["asb-repeat-victims", "asb-repeat-live-check", "asb-repeat-rate"])
    got = dict(KpiValue.objects.filter(place_key="force").values_list("kpi__code", "value"))
    assert got["asb-repeat-victims"] == 5
    assert got["asb-repeat-live-check"] == 3
    assert got["asb-repeat-rate"] == pytest.approx(1000 * 5 / 9)


def test_compute_is_idempotent_and_records_the_version(place: dict[str, Any]) -> None:
    incidents(3, at(2025, 1, 10), place["market"])
    jan = [dt.date(2025, 1, 1)]
    first = compute(jan, codes=["asb-incidents"])
    rows = list(
        KpiValue.objects.order_by("place_key").values_list("place_key", "value", "definition__version")
    )
    second = compute(jan, codes=["asb-incidents"])
    assert first.values == second.values
    assert (
        list(KpiValue.objects.order_by("place_key").values_list("place_key", "value", "definition__version"))
        == rows
    )
    services.save_kpi(
        None,
        "asb-incidents",
        name="ASB incidents (criminal damage only)",
        description="Only criminal damage.",
        owner="ACC",
        unit="count",
        measure="incidents.asb",
        direction="lower",
        filters={"hate_related": True},
        note="Narrowed to hate-related",
    )
    compute(jan, codes=["asb-incidents"])
    assert set(KpiValue.objects.values_list("definition__version", flat=True)) == {2}
    assert KpiValue.objects.get(place_key="force").value == 0


def test_bad_input_gets_a_clear_error_and_nothing_is_stored(place: dict[str, Any]) -> None:
    with pytest.raises(CommandError):
        call_command(
            "performance", "kpi", "--kpi", "no-such-kpi", "--from", "2024-01", "--to", "2024-02", "--json"
        )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "performance", "kpi", "--kpi", "asb-incidents", "--from", "2024-13", "--to", "2025-01", stderr=err
        )
    assert "2024-13" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("performance", "compute", "--from", "2025-03", "--to", "2025-01", stderr=StringIO())
    kpi = Kpi.objects.get(code="cases-first-contact")
    with pytest.raises(ValidationFailed) as exc:
        services.set_target(
            None,
            kpi,
            places.FORCE_PLACE,
            period="rolling_12",
            value=90,
            from_month=dt.date(2025, 4, 1),
            green_pct=90,
            red_pct=95,
        )
    assert exc.value.problems[0].field == "green_pct"
    assert "worse than Red" in exc.value.problems[0].message
    # a definition whose filter no longer exists fails the whole run: nothing is replaced
    incidents(2, at(2025, 1, 10), place["market"])
    compute([dt.date(2025, 1, 1)])
    stored = KpiValue.objects.count()
    v = selectors.latest_version(Kpi.objects.get(code="asb-hate-related"))
    type(v).objects.filter(pk=v.pk).update(filters={"no_such_filter": True})
    incidents(2, at(2025, 1, 10), place["market"])
    with pytest.raises(ValidationFailed) as exc:
        compute([dt.date(2025, 1, 1)])
    assert "asb-hate-related" in str(exc.value)
    assert KpiValue.objects.count() == stored
    assert KpiValue.objects.get(kpi__code="asb-incidents", place_key="force").value == 2


def test_a_definition_is_checked_whole(place: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.save_kpi(
            None,
            "Bad Code",
            name="",
            description="x",
            owner="",
            unit="percentage",
            measure="incidents.asb",
            direction="sideways",
            filters={"colour": "red"},
        )
    fields = {p.field for p in exc.value.problems}
    assert {"code", "name", "owner", "unit", "direction", "filters.colour"} <= fields
