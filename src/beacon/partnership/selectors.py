"""Reads for partnership. What each user may see is decided here:

- police users see referrals, groups, powers and case reviews in their areas;
- a partner user (role partner, capability `partnership.shared`) sees only the referrals made to
  their own agency (`User.partner_agency` holds the agency's code) and, on each, only what the
  referral shared — never the case, the people or anything else.

Every read of personal data is written to the access log here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from beacon.cases.models import Action, Case, CaseParty
from beacon.core import audit
from beacon.core.models import Area, User
from beacon.incidents.models import Incident
from beacon.partnership import snapshots, triggers
from beacon.partnership.models import (
    ActionGroup,
    AgendaItem,
    CaseReview,
    CaseReviewPolicy,
    Meeting,
    MeetingTask,
    PartnerAgency,
    PowerBreach,
    PowerUse,
    Referral,
    SharedItem,
)
from beacon.partnership.triggers import LocationStatus, TriggerStatus, VictimStatus
from beacon.people.models import Person
from beacon.people.selectors import KnownAs, known_as

__all__ = [
    "LocationStatus",
    "TriggerStatus",
    "VictimStatus",
    "agency_for",
    "case_panel",
    "case_threshold_flags",
    "location_trigger",
    "location_trigger_for",
    "trigger_status",
    "trigger_status_for",
    "triggers_for_supervisor",
]

REFERRAL_RELATED = ("agency", "case", "area", "referred_by")

# Referrers, the partner agencies referrals go to, and case staff (read only) see referrals.
SEE_REFERRALS = ("partnership.refer", "partnership.shared", "cases.view")


def agency_for(user: User) -> PartnerAgency | None:
    """A partner user's agency (by its code in `User.partner_agency`); None for anyone else."""
    code = (user.partner_agency or "").strip()
    if not code or not user.can("partnership.shared"):
        return None
    return PartnerAgency.objects.filter(code=code).first()


def known_people(person_ids: list[int]) -> dict[int, KnownAs]:
    """Who each person is known as (the people app's one rule: what an officer confirmed, else what
    they have given most often, never a one-off spelling at a call): one query."""
    return known_as(person_ids)


def names_of(person_ids: list[int]) -> dict[int, str]:
    """Each person's name as known (people with no name held are left out)."""
    return {pid: k.name for pid, k in known_people(person_ids).items() if k.name}


# ---------------------------------------------------------------------------------------------
# Referrals


def referrals_for(user: User) -> QuerySet[Referral]:
    """The referrals the user may see: their agency's (partners), their areas' (police)."""
    qs = Referral.objects.select_related(*REFERRAL_RELATED)
    if user.can("partnership.shared"):
        agency = agency_for(user)
        return qs.filter(agency=agency) if agency is not None else qs.none()
    if not (user.can("partnership.refer") or user.can("cases.view")):
        return qs.none()
    if user.all_areas:
        return qs
    return qs.filter(area_id__in=user.area_ids())


def referral_list(
    user: User,
    *,
    status: str = "",
    agency: str = "",
    case: int | None = None,
    referred_from: dt.date | None = None,
    referred_to: dt.date | None = None,
) -> QuerySet[Referral]:
    """The referrals the user may see, by status, agency (its code), case (its id) and the days
    they were made from and to (inclusive, in local time). A partner agency never learns which
    case a referral is about: a case filter finds it nothing."""
    qs = referrals_for(user)
    if referred_from is not None:
        qs = qs.filter(referred_at__date__gte=referred_from)
    if referred_to is not None:
        qs = qs.filter(referred_at__date__lte=referred_to)
    if status == "open":
        qs = qs.exclude(status=Referral.Status.CLOSED)
    elif status:
        qs = qs.filter(status=status)
    if agency:
        qs = qs.filter(agency__code=agency)
    if case is not None:
        qs = qs.none() if user.can("partnership.shared") else qs.filter(case_id=case)
    return qs


def log_referral_list(user: User, referrals: list[Referral], reason: str) -> None:
    if referrals:
        audit.record_reads(user, referrals, reason=reason)


def referral_for(user: User, pk: int, *, reason: str) -> Referral:
    """One referral the user may see (Referral.DoesNotExist otherwise). The view is logged, and so
    is a read of the case it is about: police users see the case, a partner agency its summary when
    the referral shared it."""
    referral = referrals_for(user).select_related("response_by", "outcome_by", "person").get(pk=pk)
    audit.record_read(user, referral, reason=reason)
    if referral.case is not None and (
        not user.can("partnership.shared") or SharedItem.CASE_SUMMARY in (referral.shared_snapshot or {})
    ):
        audit.record_read(user, referral.case, reason=f"referral {referral.reference}: {reason}")
    return referral


# ---------------------------------------------------------------------------------------------
# Tools and powers


def powers_on(case: Case) -> list[PowerUse]:
    return list(
        PowerUse.objects.filter(case=case)
        .select_related("kind", "subject", "issued_by", "issuing_agency")
        .prefetch_related(Prefetch("breaches", queryset=PowerBreach.objects.order_by("occurred_on", "id")))
    )


def power_for(user: User, pk: int, *, reason: str) -> PowerUse:
    power = (
        PowerUse.objects.select_related(
            "kind", "subject", "issued_by", "issuing_agency", "case", "recorded_by"
        )
        .prefetch_related("breaches__recorded_by")
        .get(pk=pk)
    )
    if not user.can_see_area(power.case.area_id):
        raise PowerUse.DoesNotExist
    audit.record_read(user, power, reason=reason)
    audit.record_read(user, power.case, reason=f"{power_label(power)}: {reason}")
    return power


def power_label(power: PowerUse) -> str:
    """A tool or power as an access log reason names it."""
    return f"{power.kind.label} {power.pk} issued {power.issued_on:%-d %B %Y}"


# ---------------------------------------------------------------------------------------------
# The partnership panel on a case page


@dataclass
class CasePanel:
    case: Case
    referrals: list[Referral]
    powers: list[PowerUse]
    agenda_items: list[AgendaItem]
    reviews: list[CaseReview]
    triggers: list[tuple[int, str, TriggerStatus]]  # (person id, name, status) of victims meeting it
    perpetrators: list[tuple[int, str]]  # (party id, name)
    today: dt.date
    can_refer: bool
    can_record_powers: bool
    can_review: bool

    def as_context(self) -> dict[str, Any]:
        return {"partnership": self}


def case_panel(user: User, case: Case) -> dict[str, Any]:
    """The context of `partnership/_case_panel.html` for a case the user may see: referrals, tools
    and powers with breaches, action group appearances and ASB case reviews, and any victim who meets
    the case review threshold. Reads of the referrals and powers are logged."""
    if not user.can_see_area(case.area_id) or not user.can("cases.view"):
        return {"partnership": None}
    referrals = list(Referral.objects.filter(case=case).select_related("agency", "referred_by"))
    powers = powers_on(case)
    items = list(
        AgendaItem.objects.filter(case=case)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting__group")
        .prefetch_related(Prefetch("tasks", queryset=MeetingTask.objects.select_related("action")))
        .order_by("-meeting__scheduled_for")
    )
    reviews = list(CaseReview.objects.filter(case=case).order_by("-received_on", "-id"))
    parties = list(CaseParty.objects.filter(case=case).order_by("id"))
    victims = [p.person_id for p in parties if p.role == CaseParty.Role.VICTIM]
    perps = [p for p in parties if p.role == CaseParty.Role.PERPETRATOR]
    names = names_of(sorted({p.person_id for p in parties}))
    statuses = triggers.trigger_status(victims) if victims else {}
    met = [(pid, names.get(pid, f"Person {pid}"), s) for pid, s in statuses.items() if s.met]
    logged: list[Any] = [*referrals, *powers]
    if logged:
        audit.record_reads(user, logged, reason=f"viewing case {case.reference}")
    panel = CasePanel(
        case=case,
        referrals=referrals,
        powers=powers,
        agenda_items=items,
        reviews=reviews,
        triggers=met,
        perpetrators=[(p.pk, names.get(p.person_id, f"Person {p.person_id}")) for p in perps],
        today=timezone.localdate(),
        can_refer=user.can("partnership.refer") and case.status == Case.Status.OPEN,
        can_record_powers=user.can("partnership.powers"),
        can_review=user.can("partnership.case_review"),
    )
    return panel.as_context()


# ---------------------------------------------------------------------------------------------
# Action groups


def groups_for(user: User) -> QuerySet[ActionGroup]:
    qs = ActionGroup.objects.select_related("area", "neighbourhood")
    if not user.can("partnership.meetings"):
        return qs.none()
    return qs if user.all_areas else qs.filter(area_id__in=user.area_ids())


def meetings_for(user: User) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("group__area", "group__neighbourhood")
    if not user.can("partnership.meetings"):
        return qs.none()
    return qs if user.all_areas else qs.filter(group__area_id__in=user.area_ids())


@dataclass
class MeetingView:
    meeting: Meeting
    items: list[AgendaItem]
    attendees: list[Any]
    previous: Meeting | None
    tasks: dict[int, list[MeetingTask]] = field(default_factory=dict)


def meeting_for(user: User, pk: int, *, reason: str) -> MeetingView:
    """A meeting with its agenda, minutes, tasks and attendance; the cases on the agenda are logged
    as read (Meeting.DoesNotExist outside the user's areas)."""
    meeting = meetings_for(user).get(pk=pk)
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("minuted_by")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=MeetingTask.objects.select_related("action__owner", "agency").order_by("id"),
            )
        )
    )
    attendees = list(meeting.attendees.select_related("agency"))
    from beacon.partnership.services_meetings import previous_meeting

    audit.record_read(user, meeting, reason=reason)
    if items:
        audit.record_reads(
            user, [Case(pk=i.case_id, reference=i.case_reference) for i in items], reason=reason
        )
    return MeetingView(meeting, items, attendees, previous_meeting(meeting))


def agenda_item_for(user: User, pk: int, *, reason: str) -> AgendaItem:
    """One agenda item with its tasks (after minutes or a task were recorded); its case is logged."""
    item = (
        AgendaItem.objects.filter(pk=pk, meeting__in=meetings_for(user))
        .select_related("meeting__group", "minuted_by")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=MeetingTask.objects.select_related("action__owner", "agency").order_by("id"),
            )
        )
        .get()
    )
    audit.record_read(user, Case(pk=item.case_id, reference=item.case_reference), reason=reason)
    return item


def open_actions(case_ids: list[int]) -> dict[int, list[Action]]:
    out: dict[int, list[Action]] = {c: [] for c in case_ids}
    for a in Action.objects.filter(case_id__in=case_ids, status=Action.Status.OPEN).select_related("owner"):
        out[a.case_id].append(a)
    return out


# ---------------------------------------------------------------------------------------------
# ASB case reviews and their thresholds


def trigger_status(person_ids: list[int], *, as_of: dt.date | None = None) -> dict[int, TriggerStatus]:
    """Each person's position against the case review thresholds: the victim test, and the
    location test at each place they reported from (met locations only)."""
    return triggers.trigger_status(person_ids, as_of=as_of)


def location_trigger(
    *,
    address: str = "",
    address_key: str = "",
    lat: float | None = None,
    lon: float | None = None,
    as_of: dt.date | None = None,
) -> LocationStatus:
    """The location test for one place (an address, its key, or a point)."""
    from beacon.people.normalise import address_key as key_of

    key = address_key or (key_of(address) if address.strip() else "")
    return triggers.location_status(address_key=key, lat=lat, lon=lon, label=address, as_of=as_of)


# What a reader outside an incident's area is told: the threshold is about the victim (or the
# place), so the count is across the force — a sergeant must know that a victim has reported three
# times, wherever — but the incidents themselves (ids, references, dates) and another area's places
# are listed only for the people who work there: the rest are counted in `not_shown`.
PLACE_ELSEWHERE = "A place outside your areas"


def _visible_incidents(user: User, incident_ids: set[int]) -> set[int]:
    if user.all_areas or not incident_ids:
        return set(incident_ids)
    mine = user.area_ids()
    if not mine:
        return set()
    rows = Incident.objects.filter(pk__in=sorted(incident_ids), area_id__in=sorted(mine))
    return set(rows.values_list("pk", flat=True))


def _scope(status: VictimStatus | LocationStatus, visible: set[int]) -> None:
    shown = [c for c in status.incidents if c.incident_id in visible]
    status.not_shown += len(status.incidents) - len(shown)
    status.incidents = shown


def _scope_place(user: User, place: LocationStatus, visible: set[int]) -> None:
    _scope(place, visible)
    if place.area_id is not None and not user.can_see_area(place.area_id):
        place.address_key, place.label, place.lat, place.lon = "", PLACE_ELSEWHERE, None, None


def trigger_status_for(
    user: User, person_ids: list[int], *, as_of: dt.date | None = None, reason: str
) -> dict[int, TriggerStatus]:
    """`trigger_status` as `user` may see it: counts across the force, incidents and places listed
    only in the user's areas (one more query). The people and the incidents listed are written to
    the access log."""
    statuses = triggers.trigger_status(person_ids, as_of=as_of)
    groups: list[VictimStatus | LocationStatus] = []
    for s in statuses.values():
        groups += [s.victim, *s.locations]
    listed = {c.incident_id for group in groups for c in group.incidents}
    visible = _visible_incidents(user, listed)
    for s in statuses.values():
        _scope(s.victim, visible)
        for place in s.locations:
            _scope_place(user, place, visible)
    _log_incidents(user, visible, reason)
    audit.record_reads(user, [Person(pk=p) for p in sorted(statuses)], reason=reason)
    return statuses


def location_trigger_for(
    user: User,
    *,
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
    as_of: dt.date | None = None,
    reason: str,
) -> LocationStatus:
    """`location_trigger` as `user` may see it (see `trigger_status_for`); the incidents listed are
    written to the access log."""
    place = location_trigger(address=address, lat=lat, lon=lon, as_of=as_of)
    visible = _visible_incidents(user, {c.incident_id for c in place.incidents})
    _scope(place, visible)
    _log_incidents(user, visible, reason)
    return place


def _log_incidents(user: User, incident_ids: set[int], reason: str) -> None:
    if incident_ids:
        audit.record_reads(user, [Incident(pk=i) for i in sorted(incident_ids)], reason=reason)


def person_summary(person_ids: list[int]) -> dict[int, dict[str, Any]]:
    """A person-summary provider (people.selectors.SUMMARY_PROVIDERS): says so when a person meets
    the ASB case review threshold, as a victim or at a place they reported from."""
    if not person_ids:
        return {}
    statuses = triggers.trigger_status(person_ids)
    return {
        p: {
            "case_review_threshold": s.describe(),
            "alerts": [
                {
                    "kind": "case-review-threshold",
                    "label": "Meets the case review threshold",
                    "reason": s.describe(),
                }
            ],
        }
        for p, s in statuses.items()
        if s.met
    }


def case_threshold_flags(case_ids: list[int], *, as_of: dt.date | None = None) -> dict[int, list[str]]:
    """For the rows of a list of cases: the cases with a victim meeting the case review threshold,
    each with why (counted live: at most four queries for any number of cases)."""
    pairs = list(
        CaseParty.objects.filter(case_id__in=case_ids, role=CaseParty.Role.VICTIM).values_list(
            "case_id", "person_id"
        )
    )
    if not pairs:
        return {}
    statuses = triggers.trigger_status(sorted({p for _, p in pairs}), as_of=as_of)
    out: dict[int, list[str]] = {}
    for case_id, person_id in pairs:
        status = statuses[person_id]
        if status.met:
            out.setdefault(case_id, []).append(status.describe())
    return out


@dataclass
class ThresholdHit:
    kind: str  # "victim" | "location"
    status: VictimStatus | LocationStatus
    person_id: int | None = None
    name: str = ""
    open_review: CaseReview | None = None

    @property
    def label(self) -> str:
        if isinstance(self.status, VictimStatus):
            return self.name or f"Person {self.person_id}"
        return self.status.label or f"{self.status.lat:.5f}, {self.status.lon:.5f}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "person_id": self.person_id,
            "label": self.label,
            "description": self.status.describe(),
            "status": self.status.as_dict(),
            "open_review": self.open_review.reference if self.open_review else None,
        }


OPEN_REVIEW = (CaseReview.Status.AWAITING_DECISION, CaseReview.Status.UNDER_REVIEW)
LIST_LIMIT = 100


class ThresholdHits(list[ThresholdHit]):
    """The hits shown (at most `limit` victims and `limit` places, the most incidents first), with
    how many there are in all and when they were counted."""

    victims_total: int = 0
    places_total: int = 0
    counted_at: dt.datetime | None = None

    @property
    def total(self) -> int:
        return self.victims_total + self.places_total


def triggers_for_supervisor(
    user: User, *, as_of: dt.date | None = None, refresh: bool = False, limit: int = LIST_LIMIT
) -> ThresholdHits:
    """Victims and places in the user's areas that meet the case review threshold, each with the
    open review about it if there is one: victims first, then places, the most incidents first (at
    most `limit` of each; the totals are on the result). Each area's count is kept for a few minutes
    (see `snapshots`); `refresh` counts again now. The people listed are written to the access log."""
    out = ThresholdHits()
    if not (user.can("cases.supervise") or user.can("partnership.case_review")):
        return out
    policy = CaseReviewPolicy.current()
    areas = set(Area.objects.values_list("id", flat=True)) if user.all_areas else user.area_ids()
    if not areas:
        return out
    found = snapshots.hits_in_areas(areas, as_of=as_of, refresh=refresh, limit=limit)
    out.victims_total, out.places_total = found.victims_total, found.places_total
    out.counted_at = found.counted_at
    victims = sorted(found.victims.values(), key=lambda v: (-v.count, v.person_id))[:limit]
    places = sorted(found.places, key=lambda p: (-p.count, -len(p.incidents), p.label))[:limit]
    person_ids = [v.person_id for v in victims]
    reviews = CaseReview.objects.filter(status__in=OPEN_REVIEW, area_id__in=sorted(areas))
    open_reviews = list(
        reviews.filter(Q(applicant_id__in=person_ids) | ~Q(location_key="") | Q(lat__isnull=False))
    )
    by_person = {r.applicant_id: r for r in open_reviews if r.applicant_id}
    names = names_of(person_ids)
    out += [
        ThresholdHit(
            "victim",
            v,
            person_id=v.person_id,
            name=names.get(v.person_id, ""),
            open_review=by_person.get(v.person_id),
        )
        for v in victims
    ]
    radius = float(policy.location_radius_m)
    for place in places:
        review = next((r for r in open_reviews if _review_about(r, place, radius)), None)
        out.append(ThresholdHit("location", place, open_review=review))
    if person_ids:
        audit.record_reads(user, [Person(pk=p) for p in person_ids], reason="ASB case review thresholds")
    return out


def _review_about(review: CaseReview, place: LocationStatus, radius: float) -> bool:
    from beacon.geography.geometry import distance_m

    if review.location_key and review.location_key == place.address_key:
        return True
    if None in (review.lat, review.lon, place.lat, place.lon):
        return False
    assert (
        review.lat is not None and review.lon is not None and place.lat is not None and place.lon is not None
    )
    return distance_m(review.lat, review.lon, place.lat, place.lon) <= radius


def reviews_for(user: User) -> QuerySet[CaseReview]:
    qs = CaseReview.objects.select_related("area", "case", "policy")
    if not user.can("partnership.case_review"):
        return qs.none()
    return qs if user.all_areas else qs.filter(area_id__in=user.area_ids())


def review_list(
    user: User, *, status: str = "", overdue: bool = False, case: int | None = None
) -> list[CaseReview]:
    qs = reviews_for(user)
    if case is not None:
        qs = qs.filter(case_id=case)
    if status == "open":
        qs = qs.filter(status__in=OPEN_REVIEW)
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(_overdue(timezone.localdate()))
    return list(qs.order_by("status", "decision_due", "id"))


def _overdue(today: dt.date) -> Q:
    """Reviews past their next statutory deadline: the decision, then the response."""
    return Q(status=CaseReview.Status.AWAITING_DECISION, decision_due__lt=today) | Q(
        status=CaseReview.Status.UNDER_REVIEW, response_due__lt=today
    )


def overdue_review_count(user: User) -> int:
    return reviews_for(user).filter(_overdue(timezone.localdate())).count()


def review_for(user: User, pk: int, *, reason: str) -> CaseReview:
    review = reviews_for(user).select_related("decided_by", "opened_by").get(pk=pk)
    audit.record_read(user, review, reason=reason)
    if review.applicant_id:
        audit.record_read(user, Person(pk=review.applicant_id), reason=f"{reason} {review.reference}")
    return review
