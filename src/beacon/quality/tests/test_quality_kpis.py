"""The quality app's example KPIs (shipped in its data migration): computed like any KPI from the
survey and audit measures, and part of the performance pack with their rolling figures."""

from __future__ import annotations

import datetime as dt

import pytest

from beacon.performance import packs, places, selectors
from beacon.performance.compute import compute
from beacon.performance.models import Kpi
from beacon.quality.example_kpis import QUALITY_KPIS
from beacon.quality.tests.factories import area
from beacon.quality.tests.survey_factories import answered, responses

pytestmark = pytest.mark.django_db
MARCH, APRIL = dt.date(2024, 3, 1), dt.date(2024, 4, 1)


def test_the_examples_are_installed_and_marked_as_examples() -> None:
    codes = [k["code"] for k in QUALITY_KPIS]
    installed = Kpi.objects.filter(code__in=codes)
    assert sorted(k.code for k in installed) == sorted(codes)
    assert all(k.is_example for k in installed)


def test_satisfaction_is_computed_from_the_responses_and_reaches_the_pack() -> None:
    north, south = area("North", "N"), area("South", "S")
    responses(north, MARCH, answered("whole_experience", [5, 4, 2, None]))  # 2 of 3 answered
    responses(south, MARCH, answered("whole_experience", [1, 4]))
    responses(south, APRIL, answered("whole_experience", [5]))
    compute([MARCH, APRIL], codes=["asb-victims-satisfied"])
    version = selectors.latest_version(Kpi.objects.get(code="asb-victims-satisfied"))
    force = selectors.series(version, places.FORCE_PLACE, MARCH, APRIL)
    assert [f.value for f in force] == [pytest.approx(60.0), pytest.approx(100.0)]  # 3 of 5; 1 of 1
    south_place = places.from_code(south.code, "place")
    assert [f.value for f in selectors.series(version, south_place, MARCH, MARCH)] == [pytest.approx(50.0)]
    pack = packs.pack_data(places.FORCE_PLACE, APRIL)
    section = next(s for s in pack.sections if s.code == "asb-victims-satisfied")
    assert section.name == "ASB victims satisfied with the whole experience"
    assert section.latest == "100.0%"
