"""The supervisor's list of who and where meets the case review threshold, area by area.

Counting a whole area takes a scan of its incidents in the window (about a second for a busy area
at a million incidents), so each area's result is kept (`ThresholdSnapshot`) and counted again when
it is older than `BEACON_THRESHOLD_MAX_AGE_MINUTES` (default 10), on a new day or under a new policy
version; `beacon partnership thresholds` recounts every area (run it from cron so pages never wait).
A victim's own record, a case and the API's trigger-status are always counted live.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from beacon.core.models import Area
from beacon.partnership import triggers
from beacon.partnership.models import CaseReviewPolicy, ThresholdSnapshot
from beacon.partnership.triggers import LocationStatus, VictimStatus

DEFAULT_MAX_AGE_MINUTES = 10
KEPT = 500  # victims and places kept per area (the most incidents first); the totals count them all


def _brief(d: dict[str, Any]) -> dict[str, Any]:
    """A status without its list of incidents (the list shows counts; trigger-status has the rest)."""
    return {**d, "incidents": []}


def max_age() -> dt.timedelta:
    return dt.timedelta(
        minutes=int(getattr(settings, "BEACON_THRESHOLD_MAX_AGE_MINUTES", DEFAULT_MAX_AGE_MINUTES))
    )


@dataclass
class AreaHits:
    victims: dict[int, VictimStatus] = field(default_factory=dict)
    places: list[LocationStatus] = field(default_factory=list)
    counted_at: dt.datetime | None = None  # the oldest count used
    victims_total: int = 0
    places_total: int = 0


def count_area(area_id: int, policy: CaseReviewPolicy, day: dt.date) -> ThresholdSnapshot:
    """Count one area now and keep the result."""
    started = time.perf_counter()
    victims = triggers.victims_in_areas({area_id}, as_of=day, policy=policy)
    places = triggers.locations_in_areas({area_id}, as_of=day, policy=policy)
    snap, _ = ThresholdSnapshot.objects.update_or_create(
        area_id=area_id,
        defaults={
            "computed_at": timezone.now(),
            "as_of": day,
            "policy_version": policy.version,
            # the most incidents first, so that a reader wanting the top few parses only those
            "victims": [
                _brief(v.as_dict()) for v in sorted(victims.values(), key=lambda v: (-v.count, v.person_id))
            ][:KEPT],
            "places": [
                _brief(p.as_dict())
                for p in sorted(places, key=lambda p: (-p.count, -len(p.incidents), p.label))
            ][:KEPT],
            "victims_total": len(victims),
            "places_total": len(places),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return snap


def _fresh(snap: ThresholdSnapshot | None, policy: CaseReviewPolicy, day: dt.date, now: dt.datetime) -> bool:
    return (
        snap is not None
        and snap.as_of == day
        and snap.policy_version == policy.version
        and now - snap.computed_at <= max_age()
    )


def hits_in_areas(
    area_ids: set[int], *, as_of: dt.date | None = None, refresh: bool = False, limit: int | None = None
) -> AreaHits:
    """The victims (once each) and places meeting the threshold in the areas: from each area's kept
    count while it is fresh, else counted now. A day other than today is always counted live. With
    `limit`, only each area's `limit` victims and places with the most incidents are read (the
    totals count them all)."""
    policy = CaseReviewPolicy.current()
    today = timezone.localdate()
    day = as_of or today
    out = AreaHits()
    if day != today:
        out.victims = triggers.victims_in_areas(area_ids, as_of=day, policy=policy)
        out.places = triggers.locations_in_areas(area_ids, as_of=day, policy=policy)
        out.counted_at = timezone.now()
        out.victims_total, out.places_total = len(out.victims), len(out.places)
        return out
    everyone: set[int] = set()
    extra_victims = 0
    now = timezone.now()
    kept = {s.area_id: s for s in ThresholdSnapshot.objects.filter(area_id__in=sorted(area_ids))}
    for area_id in sorted(area_ids):
        snap = kept.get(area_id)
        if snap is None or refresh or not _fresh(snap, policy, day, now):
            snap = count_area(area_id, policy, day)
        # a victim counted in two areas is one victim: exact while each area keeps all its victims
        everyone.update(int(v["person_id"]) for v in snap.victims)
        extra_victims += max(0, snap.victims_total - len(snap.victims))
        out.places_total += snap.places_total
        for v in snap.victims[:limit]:
            if int(v["person_id"]) not in out.victims:
                out.victims[int(v["person_id"])] = VictimStatus.from_dict(v)
        out.places += [LocationStatus.from_dict(p) for p in snap.places[:limit]]
        if out.counted_at is None or snap.computed_at < out.counted_at:
            out.counted_at = snap.computed_at
    out.victims_total = len(everyone) + extra_victims
    return out


def recount_all() -> list[ThresholdSnapshot]:
    """Count every area now (the cron job)."""
    policy = CaseReviewPolicy.current()
    day = timezone.localdate()
    return [count_area(a, policy, day) for a in Area.objects.order_by("id").values_list("id", flat=True)]
