"""Samples are reproducible and random, never an auditor's own records, and bad input is refused
naming its field with nothing written."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from scipy.stats import chisquare

from beacon.core.errors import ValidationFailed
from beacon.quality import precision, sampling, services
from beacon.quality.models import AuditItem, AuditRound

pytestmark = pytest.mark.django_db
T = "asb-incident-quality"


def _refs(draw: services.Draw) -> list[str]:
    return [row.reference for row, _s in draw.rows]


def test_the_same_seed_gives_the_same_sample_and_another_seed_another(town: dict[str, Any]) -> None:
    a = services.draw_round(None, template=T, area="N", month="2024-03", size=8, seed=42, save=False)
    b = services.draw_round(None, template=T, area="N", month="2024-03", size=8, seed=42, save=False)
    c = services.draw_round(None, template=T, area="N", month="2024-03", size=8, seed=43, save=False)
    assert _refs(a) == _refs(b) and _refs(a) != _refs(c)
    assert a.population == 30  # ASB incidents of North in March only
    # it is numpy's default_rng(seed) choosing positions among the records in primary-key order
    ordered = sorted(town["mine"] + town["others"], key=lambda i: i.pk)
    expected = np.random.default_rng(42).choice(30, size=8, replace=False)
    assert _refs(a) == [ordered[int(i)].reference for i in expected]


def test_every_eligible_record_is_drawn_about_equally_often() -> None:
    n, size, seeds = 20, 5, 2000
    counts = np.zeros(n)
    for seed in range(seeds):
        for i in sampling.draw_positions(n, size, seed):
            counts[i] += 1
    assert counts.sum() == size * seeds
    assert chisquare(counts).pvalue > 0.001
    # strata too: each record within its stratum
    strata = ["a"] * 12 + ["b"] * 8
    counts = np.zeros(n)
    for seed in range(seeds):
        for i, _s in sampling.draw_stratified(strata, size, seed):
            counts[i] += 1
    assert chisquare(counts[:12]).pvalue > 0.001 and chisquare(counts[12:]).pvalue > 0.001


def test_strata_share_the_sample_in_proportion(town: dict[str, Any]) -> None:
    assert sampling.allocate({"a": 6, "b": 3, "c": 1}, 5) == {"a": 3, "b": 2, "c": 0}
    d = services.draw_round(
        None, template=T, area="N", month="2024-03", size=6, seed=1, strata=["flagged"], save=False
    )
    assert {s for _r, s in d.rows} == {"not flagged"} and len(d.rows) == 6


def test_a_round_drawn_for_an_auditor_never_holds_their_records(town: dict[str, Any]) -> None:
    officer = town["officer"]
    officer.role = "supervisor"
    officer.save()
    for seed in range(30):
        d = services.draw_round(
            town["manager"],
            template=T,
            area="N",
            month="2024-03",
            size=20,
            seed=seed,
            auditor=officer,
            save=False,
        )
        assert not {i.reference for i in town["mine"]} & set(_refs(d))
    with pytest.raises(ValidationFailed) as e:  # 20 others only
        services.draw_round(None, template=T, area="N", month="2024-03", size=21, seed=1, auditor=officer)
    assert e.value.problems[0].field == "size"


def test_a_saved_round_keeps_its_seed_version_and_sample(town: dict[str, Any]) -> None:
    d = services.draw_round(
        town["manager"], template=T, area="N", month="2024-03", size=5, seed=7, strata=["channel"]
    )
    rnd = AuditRound.objects.get()
    assert (rnd.seed, rnd.size, rnd.population, rnd.strata) == (7, 5, 30, ["channel"])
    assert rnd.template_version.template.code == T and rnd.template_version.version == 1
    assert list(rnd.items.values_list("reference", flat=True)) == _refs(d)


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"size": 31}, "size"),
        ({"size": 0}, "size"),
        ({"seed": "abc"}, "seed"),
        ({"seed": -1}, "seed"),
        ({"month": "2024-13"}, "month"),
        ({"month": "March"}, "month"),
        ({"template": "nope"}, "template"),
        ({"area": "ZZ"}, "area"),
        ({"strata": ["colour"]}, "strata"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    town: dict[str, Any], given: dict[str, Any], field: str
) -> None:
    args: dict[str, Any] = {"template": T, "area": "N", "month": "2024-03", "size": 5, "seed": 1}
    args.update(given)
    with pytest.raises(ValidationFailed) as e:
        services.draw_round(town["manager"], **args)
    assert [p.field for p in e.value.problems] == [field]
    assert not AuditRound.objects.exists() and not AuditItem.objects.exists()


def test_the_command_prints_its_contract_and_repeats_itself(town: dict[str, Any], capsys: Any) -> None:
    import json

    args = [
        "sample",
        "--template",
        T,
        "--area",
        "N",
        "--month",
        "2024-03",
        "--size",
        "4",
        "--seed",
        "9",
        "--json",
    ]
    call_command("audits", *args)
    first = json.loads(capsys.readouterr().out)
    call_command("audits", *args)
    assert json.loads(capsys.readouterr().out) == first
    assert list(first) == ["template", "version", "seed", "items"]
    assert first["template"] == T and first["version"] == 1 and first["seed"] == 9
    assert len(first["items"]) == 4 and all(list(i) == ["incident"] for i in first["items"])
    assert not AuditRound.objects.exists()  # printing only
    call_command("audits", *args, "--save")
    saved = json.loads(capsys.readouterr().out)
    assert saved["items"] == first["items"] and AuditRound.objects.get().pk == saved["round"]
    with pytest.raises(CommandError):
        call_command(
            "audits",
            "sample",
            "--template",
            T,
            "--area",
            "N",
            "--month",
            "2024-13",
            "--size",
            "4",
            "--seed",
            "x",
        )
    err = capsys.readouterr().err
    assert "month" in err and "seed" in err


def test_margin_of_error_and_size_needed_come_from_scipy_and_statsmodels() -> None:
    from scipy.stats import norm
    from statsmodels.stats.proportion import samplesize_confint_proportion

    assert precision.size_needed(0.05, None) == 385
    assert precision.size_needed(0.05, 1000) == 278  # with the finite-population correction
    assert precision.size_needed(0.05, 100) <= 100
    n0 = samplesize_confint_proportion(0.5, 0.05)
    assert precision.size_needed(0.03, 5000) == int(
        np.ceil((n0 * (0.05 / 0.03) ** 2) / (1 + ((n0 * (0.05 / 0.03) ** 2) - 1) / 5000))
    )
    moe = precision.margin_of_error(385, 10**9)
    assert moe is not None and abs(moe - 0.05) < 0.0005
    assert precision.margin_of_error(100, 500) == pytest.approx(
        norm.ppf(0.975) * np.sqrt(0.25 / 100) * np.sqrt(400 / 499)
    )
    assert precision.margin_of_error(10, 10) == 0.0 and precision.margin_of_error(0, 10) is None
