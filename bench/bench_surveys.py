"""Survey results benchmark (issue 13, call-back surveys), on PostgreSQL (DATABASE_URL):

- 50,000 survey responses over 24 months and 20 areas (five scale answers each, 250,000 answers),
  written through the importer (one CSV file, checked whole, one transaction);
- `survey_results.results` for all 24 months with two groups of areas compared and every breakdown
  (target: under 1 s), warm.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/beacon_bench_surveys python bench/bench_surveys.py
       [--responses 50000] [--reuse]
Prints one JSON line per figure. The database is flushed first: use a throwaway one.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

import numpy as np

from _setup import analyze, emit, setup_django

AREAS = 20
MONTHS = 24
SCALE = ["ease_of_contact", "actions_taken", "kept_informed", "treatment", "whole_experience"]


def _file(path: Path, n: int) -> None:
    from beacon.quality import ethnicity

    rng = np.random.default_rng(13)
    codes = [g.code for g in ethnicity.GROUPS] + [""]
    bands = ["16-24", "25-34", "35-44", "45-54", "55-64", "65+", ""]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["response_id", "month", "area", "ethnicity", "age_band", "disability", *SCALE])
        for i in range(n):
            m = int(rng.integers(0, MONTHS))
            answers = rng.choice([1, 2, 3, 4, 5, 0], size=len(SCALE), p=[0.08, 0.1, 0.12, 0.35, 0.3, 0.05])
            answers[-1] = answers[-1] or 4  # every row answers something
            w.writerow(
                [
                    f"B{i:07d}",
                    f"{2023 + m // 12}-{m % 12 + 1:02d}",
                    f"A{int(rng.integers(0, AREAS)):02d}",
                    codes[int(rng.integers(0, len(codes)))],
                    bands[int(rng.integers(0, len(bands)))],
                    ["yes", "no", ""][int(rng.integers(0, 3))],
                    *[str(a) if a else "" for a in answers],
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--reuse", action="store_true", help="Keep what an earlier run loaded.")
    args = parser.parse_args()
    vendor = setup_django(flush=not args.reuse)
    from django.apps import apps

    from beacon.core.models import Area, Force
    from beacon.quality import survey_results
    from beacon.quality.questionnaires import install
    from beacon.quality.survey_import import import_responses
    from beacon.quality.survey_models import SurveyResponse

    install(apps, None)  # the example questionnaire (a flush removes what the data migration made)
    if not (args.reuse and SurveyResponse.objects.exists()):
        force, _ = Force.objects.get_or_create(code="BS", defaults={"name": "Benchshire Police"})
        for i in range(AREAS):
            Area.objects.get_or_create(force=force, code=f"A{i:02d}", defaults={"name": f"Area {i}"})
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "survey.csv"
            _file(path, args.responses)
            t0 = time.perf_counter()
            result = import_responses(None, path, "asb-callback")
            emit(
                bench="surveys_import",
                database=vendor,
                responses=result.imported,
                seconds=round(time.perf_counter() - t0, 2),
            )
        analyze()
    pilot, control = (",".join(f"A{i:02d}" for i in r) for r in (range(10), range(10, 20)))
    groups = [f"pilot={pilot}", f"control={control}"]
    survey_results.results("asb-callback", "2023-01", "2024-12", groups=groups)  # warm the cache
    timings = []
    for _ in range(5):
        t0 = time.perf_counter()
        found = survey_results.results("asb-callback", "2023-01", "2024-12", groups=groups)
        found.as_json(monthly=True, breakdowns=True)
        timings.append(time.perf_counter() - t0)
    best, worst = min(timings), max(timings)
    emit(
        bench="surveys_results",
        database=vendor,
        responses=SurveyResponse.objects.count(),
        months=MONTHS,
        areas=AREAS,
        seconds_best=round(best, 3),
        seconds_worst=round(worst, 3),
        target_seconds=1,
        met=worst < 1,
    )


if __name__ == "__main__":
    main()
