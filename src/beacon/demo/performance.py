"""The demo's figures: 24 months of KPI values computed from the demo's incidents, resident
populations (synthetic), a few targets, the performance team's commentary, and the KPIs that
evidence two of the demo inspection's findings. Idempotent: values are recomputed each start (the
demo's "today" moves), the rest is added once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from beacon.core.models import User
from beacon.demo.data import ASB
from beacon.geography.models import Neighbourhood
from beacon.inspections.models import Finding
from beacon.performance import places, services
from beacon.performance.compute import compute
from beacon.performance.models import FindingEvidence, Kpi, Population
from beacon.performance.selectors import add_months

# finding ref -> KPI that evidences it
EVIDENCE = {"R.1": "asb-repeat-victims", "AFI.5": "asb-vulnerable-victims"}


def load_demo_performance(today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    months = [add_months(this_month, -i) for i in range(23, -1, -1)]
    for i, n in enumerate(Neighbourhood.objects.order_by("code")):
        Population.objects.get_or_create(
            neighbourhood=n, defaults={"residents": 6000 + (i * 1373) % 5000, "source": "synthetic (demo)"}
        )
    result = compute(months)
    added = 0
    perf = User.objects.filter(username="performance").first()
    if perf is not None and not FindingEvidence.objects.exists():
        baseline = add_months(this_month, -13)  # the 12 months before the latest complete year
        for ref, code in EVIDENCE.items():
            finding = Finding.objects.filter(inspection__title=ASB, ref=ref).first()
            kpi = Kpi.objects.filter(code=code).first()
            if finding is None or kpi is None:
                continue
            services.link_evidence(perf, finding, kpi, baseline_month=baseline, place=places.FORCE_PLACE)
            added += 1
        first_contact = Kpi.objects.get(code="cases-first-contact")
        services.set_target(
            perf,
            first_contact,
            places.FORCE_PLACE,
            period="rolling_12",
            value=90,
            from_month=add_months(this_month, -12),
            green_pct=100,
            red_pct=90,
            note="Force milestone (demo)",
            is_milestone=True,
        )
        services.set_target(
            perf,
            Kpi.objects.get(code="asb-supervised"),
            places.FORCE_PLACE,
            period="rolling_12",
            value=80,
            from_month=add_months(this_month, -12),
            note="Supervision of ASB incidents (demo)",
        )
        services.add_commentary(
            perf,
            Kpi.objects.get(code="asb-repeat-victims"),
            places.FORCE_PLACE,
            add_months(this_month, -1),
            "More repeat victims are recognised at the first call since the live check started; the "
            "analysts are checking that the rise is identification, not more victimisation.",
        )
    return {"values": result.values, "kpis": result.kpis, "evidence": added}
