"""Whether the demo's victims agreed to a quality call-back (a satisfaction survey), so that call
lists can be drawn from the first start: of the victims and callers on the demo's incidents, about
seven in ten agreed when asked, one in ten refused and two in ten were never asked (seeded, so every
demo is the same); and two years of call-back results, imported as a force would import its earlier
contractor's. Loading twice changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone

from beacon.incidents.models import IncidentPerson

SEED = 2026
SHARES = ((True, 0.7), (False, 0.1), (None, 0.2))  # agreed, refused, not asked


@transaction.atomic
def set_survey_consent(seed: int = SEED) -> int:
    """Set the answer for every victim and caller not yet asked; nothing if any answer is set
    already (the demo was loaded before). Returns how many were given an answer."""
    roles = IncidentPerson.objects.filter(role__in=(IncidentPerson.Role.VICTIM, IncidentPerson.Role.CALLER))
    if roles.filter(survey_consent__isnull=False).exists():
        return 0
    ids = list(roles.order_by("pk").values_list("pk", flat=True))
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(SHARES), size=len(ids), p=[share for _v, share in SHARES])
    for i, (value, _share) in enumerate(SHARES):
        chosen = [pk for pk, pick in zip(ids, picks, strict=True) if pick == i]
        if value is not None and chosen:
            IncidentPerson.objects.filter(pk__in=chosen).update(survey_consent=value)
    return sum(1 for pick in picks if SHARES[int(pick)][0] is not None)


# --- two years of call-back results, as a force would import them from its earlier contractor ------

HISTORY_PREFIX = "DEMO-"
PER_AREA_MONTH = 40  # respondents per area and month
# The population's shares (roughly an English force area), and how likely each answer is.
ETHNIC_SHARES = (
    ("W1", 0.74),
    ("W9", 0.06),
    ("A1", 0.04),
    ("A2", 0.04),
    ("B2", 0.03),
    ("B1", 0.02),
    ("M1", 0.02),
    ("O9", 0.02),
    ("", 0.03),
)
AGE_SHARES = (
    ("16-24", 0.1),
    ("25-34", 0.17),
    ("35-44", 0.18),
    ("45-54", 0.18),
    ("55-64", 0.17),
    ("65+", 0.2),
)
ANSWER_SHARES = (0.42, 0.33, 0.1, 0.08, 0.07)  # 5 very satisfied … 1 very dissatisfied (about 75%)


def _pick(rng: np.random.Generator, shares: tuple[tuple[str, float], ...]) -> str:
    weights = np.array([w for _v, w in shares])
    return shares[int(rng.choice(len(shares), p=weights / weights.sum()))][0]


def load_survey_history(today: dt.date | None = None, seed: int = SEED) -> int:
    """Write 24 months of synthetic call-back results for every area (`PER_AREA_MONTH` respondents a
    month) to a CSV file and load it with the real importer (`beacon surveys import`), so that the
    rolling figures, comparisons and the satisfaction KPI have a history; minority-ethnic respondents
    are a little less satisfied, as forces have found. Nothing if loaded before. Returns how many
    responses were imported."""
    from beacon.core.models import Area
    from beacon.quality.survey_import import import_responses
    from beacon.quality.survey_models import SurveyResponse

    if SurveyResponse.objects.filter(response_id__startswith=HISTORY_PREFIX).exists():
        return 0
    this_month = (today or timezone.localdate()).replace(day=1)
    rng = np.random.default_rng(seed)
    questions = ("ease_of_contact", "actions_taken", "kept_informed", "treatment", "whole_experience")
    header = ["response_id", "month", "area", "ethnicity", "age_band", "disability", *questions]
    rows: list[list[str]] = []
    for back in range(24, 0, -1):
        y, m = divmod(this_month.year * 12 + this_month.month - 1 - back, 12)
        month = f"{y:04d}-{m + 1:02d}"
        for area in Area.objects.order_by("code"):
            for _ in range(PER_AREA_MONTH):
                ethnic = _pick(rng, ETHNIC_SHARES)
                shift = 0.06 if ethnic[:1] not in ("W", "") else 0.0  # less satisfied on the whole
                p = np.array(ANSWER_SHARES) + np.array([-shift, 0, 0, shift / 2, shift / 2])
                answers = [
                    "" if rng.random() < 0.03 else str(5 - int(rng.choice(5, p=p / p.sum())))
                    for _q in questions
                ]
                rows.append(
                    [
                        f"{HISTORY_PREFIX}{len(rows) + 1:06d}",
                        month,
                        area.code,
                        ethnic,
                        _pick(rng, AGE_SHARES),
                        "yes" if rng.random() < 0.18 else "no",
                        *answers,
                    ]
                )
    if not rows:
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "callback-history.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *rows])
        result = import_responses(None, path, "asb-callback")
    return int(result.imported)
