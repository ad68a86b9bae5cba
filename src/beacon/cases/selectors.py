"""Reads of cases for pages, the API, commands and other apps. Reads of a case are written to the
access log here; query counts are bounded (lists prefetch what they show)."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as When_
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.utils import timezone

from beacon.cases.models import (
    Action,
    Case,
    CaseContact,
    CaseIncident,
    CaseLocation,
    CaseParty,
    RiskLevelChange,
    SupervisoryReview,
)
from beacon.cases.priority import (
    RAG_BY_NAME,
    RED,
    Evaluation,
    IncidentFacts,
    IncidentRules,
    IncidentScore,
    annotate_cases,
    evaluate_case,
    incident_reasons,
    score_incident,
)
from beacon.cases.reference import REOPEN_WINDOW_DAYS, SUGGESTION_RADIUS_M
from beacon.cases.standards import current_policy, weights
from beacon.core import audit
from beacon.core.models import User
from beacon.geography.geometry import bbox_around, distance_m
from beacon.incidents.models import Incident, IncidentPerson, IntakeSettings, ResponseGrade
from beacon.incidents.selectors import visible_to
from beacon.people.normalise import street_name
from beacon.people.selectors import KnownAs, known_as
from beacon.risk.models import RiskLevel, RiskSettings
from beacon.risk.selectors import assessments_due_queryset

CASE_LIST_RELATED = ("area", "neighbourhood", "spoc", "supervisor")
DUE_IDS_INLINE = 500  # more flagged incidents than this: the risk query runs over the whole scope
VICTIM_ROLES = (IncidentPerson.Role.VICTIM, IncidentPerson.Role.CALLER)


def visible_cases(user: User, qs: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Cases in the user's areas (all, for force-wide staff)."""
    qs = qs if qs is not None else Case.objects.all()
    if user.all_areas:
        return qs
    return qs.filter(area_id__in=user.area_ids())


def case_for(user: User, pk: int, *, reason: str) -> Case:
    """One case with everything its page shows; the read is logged. Raises Case.DoesNotExist
    outside the user's areas."""
    case = (
        visible_cases(user)
        .select_related(*CASE_LIST_RELATED, "opened_by", "closure_signed_off_by", "opened_from")
        .prefetch_related(
            Prefetch("parties", queryset=CaseParty.objects.order_by("role", "id")),
            Prefetch(
                "case_incidents",
                queryset=CaseIncident.objects.select_related(
                    "incident__type_heading", "incident__other_category", "incident__neighbourhood"
                ).order_by("incident__received_at", "id"),
            ),
            Prefetch("locations", queryset=CaseLocation.objects.select_related("neighbourhood")),
            Prefetch("risk_history", queryset=RiskLevelChange.objects.select_related("by", "assessment")),
            Prefetch(
                "actions", queryset=Action.objects.select_related("owner").order_by("-status", "due_on", "id")
            ),
            Prefetch("contacts", queryset=CaseContact.objects.select_related("by").order_by("-at", "-id")),
            Prefetch(
                "reviews", queryset=SupervisoryReview.objects.select_related("by").order_by("-at", "-id")
            ),
        )
        .get(pk=pk)
    )
    audit.record_read(user, case, reason=reason)
    return case


def evaluation(case: Case, today: dt.date | None = None) -> Evaluation:
    policy = current_policy()
    tiers = {r.tier for r in case.reviews.all()}
    return evaluate_case(case, today or timezone.localdate(), weights(policy), tiers)


# ---------------------------------------------------------------------------------------------
# Lists


@dataclass
class CaseFilters:
    status: str = "open"
    risk_level: str = ""
    area_id: int | None = None
    neighbourhood_id: int | None = None
    mine: bool = False
    q: str = ""


def case_list(user: User, filters: CaseFilters) -> QuerySet[Case]:
    qs = visible_cases(user).select_related(*CASE_LIST_RELATED)
    if filters.status in Case.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.risk_level:
        qs = qs.filter(risk_level=filters.risk_level)
    if filters.area_id:
        qs = qs.filter(area_id=filters.area_id)
    if filters.neighbourhood_id:
        qs = qs.filter(neighbourhood_id=filters.neighbourhood_id)
    if filters.mine:
        qs = qs.filter(Q(spoc=user) | Q(supervisor=user))
    text = filters.q.strip()
    if text:
        # A victim's name as given on any of their records: each word must appear in one.
        victims = CaseParty.objects.filter(role=CaseParty.Role.VICTIM)
        for word in text.split()[:5]:
            victims = victims.filter(
                Q(person__records__given_forename__icontains=word, person__records__erased_at__isnull=True)
                | Q(person__records__given_surname__icontains=word, person__records__erased_at__isnull=True)
            )
        qs = qs.filter(
            Q(reference__icontains=text) | Q(title__icontains=text) | Q(pk__in=victims.values("case_id"))
        )
    return with_heading_facts(qs).order_by("-opened_at", "-id")


def with_heading_facts(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with what their headings need, in the same query: the first victim, how many victims,
    and the first location's address (`headings`)."""
    victims = CaseParty.objects.filter(case=OuterRef("pk"), role=CaseParty.Role.VICTIM)
    return qs.annotate(
        first_victim_id=Subquery(victims.order_by("id").values("person_id")[:1]),
        victim_count=Subquery(
            victims.order_by().values("case").annotate(n=Count("id")).values("n")[:1],
            output_field=IntegerField(),
        ),
        first_address=Subquery(
            CaseLocation.objects.filter(case=OuterRef("pk"))
            .exclude(address="")
            .order_by("id")
            .values("address")[:1]
        ),
    )


@dataclass
class Row:
    """One line of the supervisor's list: a case or an incident, with its score, RAG and reasons."""

    kind: str  # "case" | "incident"
    obj: Any
    score: int
    rag: int
    reasons: list[str] = field(default_factory=list)

    @property
    def rag_name(self) -> str:
        return {2: "red", 1: "amber", 0: "green"}[self.rag]

    @property
    def rag_label(self) -> str:
        return self.rag_name.capitalize()


@dataclass
class SupervisorPage:
    rows: list[Row]
    cases_count: int
    incidents_count: int
    page: int
    per_page: int
    red_count: int = 0

    @property
    def total(self) -> int:
        return self.cases_count + self.incidents_count

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class SupervisorFilters:
    area_id: int | None = None
    neighbourhood_id: int | None = None
    rag: str = ""  # red | amber | green
    kind: str = ""  # case | incident
    mine: bool = False


def incident_rules(w: dict[str, Any]) -> IncidentRules:
    grades = {
        gid: (code, label)
        for gid, code, label in ResponseGrade.objects.filter(
            code__in=list(w["incident"]["grade"])
        ).values_list("id", "code", "label")
    }
    return IncidentRules(
        grade_points={gid: int(w["incident"]["grade"][code]) for gid, (code, _l) in grades.items()},
        grade_labels={gid: label for gid, (_c, label) in grades.items()},
        w=w,
    )


def _scope(
    user: User, qs: QuerySet[Any], f: SupervisorFilters, nbhd_field: str = "neighbourhood_id"
) -> QuerySet[Any]:
    if not user.all_areas:
        qs = qs.filter(area_id__in=user.area_ids())
    if f.area_id:
        qs = qs.filter(area_id=f.area_id)
    if f.neighbourhood_id:
        qs = qs.filter(**{nbhd_field: f.neighbourhood_id})
    return qs


def supervisor_cases(user: User, f: SupervisorFilters, today: dt.date, w: dict[str, Any]) -> QuerySet[Any]:
    qs = _scope(user, Case.objects.filter(status=Case.Status.OPEN), f)
    if f.mine:
        qs = qs.filter(Q(spoc=user) | Q(supervisor=user))
    qs = annotate_cases(qs, today, w)
    if f.rag in RAG_BY_NAME:
        qs = qs.filter(rag=RAG_BY_NAME[f.rag])
    return qs.order_by("-rag", "-score", "first_contact_due", "id")


INCIDENT_FACTS = (
    "id",
    "days_past_assessment_due",
    "repeat_victim",
    "vulnerable_victim",
    "hate_related",
    "local_priority",
    "response_grade_id",
    "waiting",
    "unack_days",
    "covered",
)


@dataclass
class ScoredIncidents:
    top: list[IncidentScore]  # the first `limit` by the list's order (all when no limit)
    total: int
    red: int


def supervisor_incidents(
    user: User, f: SupervisorFilters, rules: IncidentRules, now: dt.datetime, *, limit: int | None = None
) -> ScoredIncidents:
    """Open ASB incidents in scope that no open case in the same scope covers (the case stands for
    them there; a case in another area does not hide an incident from this area's list), each
    scored, best first. One lean query for the incidents, one (the risk domain's rule) for which
    of the flagged ones have waited too long for a risk assessment. All are scored and counted;
    only the first `limit` are put in order."""
    from django.db.models import BooleanField, IntegerField, Value
    from django.db.models.functions import Greatest, TruncDate

    from beacon.cases.priority import DaysBefore

    covered = CaseIncident.objects.filter(incident=OuterRef("pk"))
    if f.area_id:
        covered = covered.filter(open_in_area=f.area_id)
    elif not user.all_areas:
        covered = covered.filter(open_in_area__in=user.area_ids())
    else:
        covered = covered.filter(open_in_area__isnull=False)
    qs = _scope(user, Incident.objects.filter(status=Incident.Status.OPEN, is_asb=True), f)
    today = timezone.localdate(now)
    # Days an assessment is overdue: from the day it was received to the day `hours` ago.
    due_hours = RiskSettings.current().assessment_due_hours
    assess_cutoff = now - dt.timedelta(hours=due_hours)
    assessment_clock = timezone.localdate(assess_cutoff)
    ack_cutoff = now - dt.timedelta(hours=IntakeSettings.current().acknowledge_within_hours)
    # Not acknowledged in time: counted from when the incident was received, as the inbox counts.
    waiting = Q(inbox_item__isnull=False, inbox_item__acknowledged_at__isnull=True)
    # An incident an open case covers is shown through the case, unless it could be Red itself (a
    # team has not acknowledged it in time, or its victim has not been assessed in time): then it
    # stays on the list until that is put right.
    may_be_red = (Q(repeat_victim=True) | Q(vulnerable_victim=True)) & Q(received_at__lt=assess_cutoff) | (
        waiting & Q(received_at__lt=ack_cutoff)
    )
    rows = (
        qs.annotate(covered=Exists(covered))
        .filter(Q(covered=False) | may_be_red)
        .annotate(
            days_past_assessment_due=DaysBefore(TruncDate("received_at"), assessment_clock),
            waiting=When_(When(waiting, then=Value(True)), default=Value(False), output_field=BooleanField()),
            unack_days=When_(
                When(
                    waiting & Q(received_at__lt=ack_cutoff),
                    then=Greatest(DaysBefore(TruncDate("received_at"), today), Value(1)),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by()
        .values_list(*INCIDENT_FACTS)
    )
    facts = [IncidentFacts(*row) for row in rows]
    flagged = [x.id for x in facts if x.repeat_victim or x.vulnerable_victim]
    if flagged:
        due = assessments_due_queryset(user, now, hours=due_hours).order_by()
        if len(flagged) <= DUE_IDS_INLINE:
            due = due.filter(pk__in=flagged)
        else:
            due = _scope(user, due.filter(status=Incident.Status.OPEN, is_asb=True), f)
        overdue = set(due.values_list("pk", flat=True))
        for x in facts:
            x.assessment_overdue = x.id in overdue
    scored = [s for s in (score_incident(x, rules) for x in facts) if not s.facts.covered or s.rag == RED]
    if f.rag in RAG_BY_NAME:
        scored = [s for s in scored if s.rag == RAG_BY_NAME[f.rag]]
    red = sum(1 for s in scored if s.rag == RED)

    def order(s: IncidentScore) -> tuple[int, int, int]:
        return (-s.rag, -s.score, s.facts.id)

    top = sorted(scored, key=order) if limit is None else heapq.nsmallest(limit, scored, key=order)
    return ScoredIncidents(top, len(scored), red)


def _counts(qs: QuerySet[Any] | None) -> tuple[int, int]:
    """How many, and how many Red, in one query."""
    if qs is None:
        return 0, 0
    got = qs.order_by().aggregate(total=Count("id"), red=Count("id", filter=Q(rag=2)))
    return int(got["total"] or 0), int(got["red"] or 0)


def supervisor_list(
    user: User,
    f: SupervisorFilters,
    *,
    page: int = 1,
    per_page: int = 25,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> SupervisorPage:
    """The supervisor's list: open cases and unresolved ASB incidents in the user's areas (narrowed
    by the filters), Red first, then by score. Each part is scored, ordered, counted and cut in
    the database; the two ordered parts are merged here for the page shown."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    w = weights(current_policy())
    page = max(1, page)
    need = page * per_page
    cases_qs = supervisor_cases(user, f, today, w) if f.kind in ("", "case") else None
    rules = incident_rules(w)
    incidents = (
        supervisor_incidents(user, f, rules, now, limit=need)
        if f.kind in ("", "incident") and not f.mine
        else ScoredIncidents([], 0, 0)
    )
    # Cases: the top of the order by a top-N sort over the index alone (a covering index on
    # PostgreSQL), then a count of the same index.
    case_keys = list(cases_qs.values_list("id", "score", "rag")[:need]) if cases_qs is not None else []
    merged: list[Row] = [Row("case", k[0], k[1], k[2]) for k in case_keys] + [
        Row("incident", s.facts.id, s.score, s.rag, incident_reasons(s.facts, rules)) for s in incidents.top
    ]
    merged.sort(key=lambda r: (-r.rag, -r.score, 0 if r.kind == "case" else 1))
    rows = merged[(page - 1) * per_page : need]
    case_objs = Case.objects.select_related(*CASE_LIST_RELATED).in_bulk(
        [r.obj for r in rows if r.kind == "case"]
    )
    inc_objs = Incident.objects.select_related("type_heading", "other_category", "neighbourhood").in_bulk(
        [r.obj for r in rows if r.kind == "incident"]
    )
    for r in rows:
        r.obj = case_objs[r.obj] if r.kind == "case" else inc_objs[r.obj]
    shown_cases = [r.obj for r in rows if r.kind == "case"]
    tiers: dict[int, set[str]] = {}
    for case_id, tier in SupervisoryReview.objects.filter(case__in=shown_cases).values_list(
        "case_id", "tier"
    ):
        tiers.setdefault(case_id, set()).add(tier)
    for r in rows:
        if r.kind == "case":
            r.reasons = evaluate_case(r.obj, today, w, tiers.get(r.obj.pk, set())).reasons
    cases_count, red_cases = _counts(cases_qs)
    incidents_count, red_incidents = incidents.total, incidents.red
    red = red_cases + red_incidents
    if shown_cases:
        audit.record_reads(user, shown_cases, reason="supervisor's list")
    shown_incidents = [r.obj for r in rows if r.kind == "incident"]
    if shown_incidents:
        audit.record_reads(user, shown_incidents, reason="supervisor's list")
    return SupervisorPage(rows, cases_count, incidents_count, page, per_page, red)


# ---------------------------------------------------------------------------------------------
# Suggestions


def linkable_incidents(case: Case, *, limit: int = 20) -> list[tuple[Incident, str]]:
    """Incidents not yet on the case, received since its first incident (or its opening), for the
    same victim, at the same address or within 50 m of one of its locations: (incident, why)."""
    linked = list(case.case_incidents.values_list("incident_id", "incident__received_at"))
    since = min([r for _i, r in linked] + [case.opened_at])
    victims = list(case.parties.filter(role=CaseParty.Role.VICTIM).values_list("person_id", flat=True))
    locs = list(case.locations.all())
    cond = (
        Q(people__role__in=VICTIM_ROLES, people__record__person_id__in=victims) if victims else Q(pk__in=[])
    )
    keys = [loc.address_key for loc in locs if loc.address_key]
    if keys:
        cond |= Q(address_key__in=keys)
    points = [(loc.lat, loc.lon) for loc in locs if loc.lat is not None and loc.lon is not None]
    for lat, lon in points:
        box = bbox_around(lat, lon, SUGGESTION_RADIUS_M)
        cond |= Q(lat__range=(box.min_lat, box.max_lat), lon__range=(box.min_lon, box.max_lon))
    found = (
        Incident.objects.filter(cond, received_at__gte=since)
        .exclude(pk__in=[i for i, _r in linked])
        .select_related("type_heading", "other_category", "neighbourhood")
        .distinct()
        .order_by("-received_at", "-id")[: limit * 3]
    )
    ids = [i.pk for i in found]
    by_victim = set(
        IncidentPerson.objects.filter(
            incident_id__in=ids, role__in=VICTIM_ROLES, record__person_id__in=victims
        ).values_list("incident_id", flat=True)
    )
    out: list[tuple[Incident, str]] = []
    for inc in found:
        if inc.pk in by_victim:
            why = "same victim"
        elif inc.address_key and inc.address_key in keys:
            why = "same address"
        else:
            near = [
                distance_m(lat, lon, inc.lat, inc.lon)
                for lat, lon in points
                if inc.lat is not None and inc.lon is not None
            ]
            if not near or min(near) > SUGGESTION_RADIUS_M:
                continue
            why = f"{round(min(near))} m from a case location"
        out.append((inc, why))
        if len(out) >= limit:
            break
    return out


def closed_cases_to_reopen(incident: Incident, *, people: list[int] | None = None) -> list[Case]:
    """Closed cases of this incident's victims (or callers) closed within 90 days before it was
    received: the incident page suggests reopening them. `people`: the victims, when known."""
    if people is None:
        people = list(
            IncidentPerson.objects.filter(incident=incident, role__in=VICTIM_ROLES).values_list(
                "record__person_id", flat=True
            )
        )
    if not people:
        return []
    start = incident.received_at - dt.timedelta(days=REOPEN_WINDOW_DAYS)
    return list(
        Case.objects.filter(
            status=Case.Status.CLOSED,
            closed_at__gte=start,
            closed_at__lte=incident.received_at,
            parties__role=CaseParty.Role.VICTIM,
            parties__person_id__in=people,
        )
        .exclude(case_incidents__incident=incident)
        .distinct()
        .order_by("-closed_at")
    )


def incident_panel(user: User, incident: Incident) -> dict[str, Any]:
    """The context of `cases/_incident_panel.html` on an incident's page: the cases that cover the
    incident, its victims' other open cases (to add it to), and their cases closed within 90 days
    before it (to reopen). Only cases in the user's areas; the reads are logged."""
    if not user.can("cases.view"):
        return {"case_links": None}
    victims = list(
        IncidentPerson.objects.filter(incident=incident, role__in=VICTIM_ROLES).values_list(
            "record__person_id", flat=True
        )
    )
    covering = list(
        visible_cases(user)
        .filter(case_incidents__incident=incident)
        .select_related("spoc")
        .order_by("opened_at")
    )
    covered = {c.pk for c in covering}
    victims_open = (
        [
            c
            for c in visible_cases(user)
            .filter(
                status=Case.Status.OPEN, parties__role=CaseParty.Role.VICTIM, parties__person_id__in=victims
            )
            .select_related("spoc")
            .distinct()
            .order_by("opened_at")
            if c.pk not in covered
        ]
        if victims
        else []
    )
    to_reopen = [c for c in closed_cases_to_reopen(incident, people=victims) if user.can_see_area(c.area_id)]
    shown = [*covering, *victims_open, *to_reopen]
    if shown:
        audit.record_reads(user, shown, reason=f"viewing incident {incident.reference}")
    return {
        "case_links": {
            "covering": covering,
            "victims_open": victims_open,
            "to_reopen": to_reopen,
            "can_manage": user.can("cases.manage"),
            "window_days": REOPEN_WINDOW_DAYS,
        }
    }


def reopen_prompts(case: Case, user: User | None = None) -> list[Incident]:
    """For a closed case: incidents for its victims received within 90 days after it closed (those
    in the user's areas, when given)."""
    if case.status != Case.Status.CLOSED or case.closed_at is None:
        return []
    victims = [p.person_id for p in case.parties.all() if p.role == CaseParty.Role.VICTIM]
    incidents = visible_to(user) if user is not None else Incident.objects.all()
    return list(
        incidents.filter(
            people__role__in=VICTIM_ROLES,
            people__record__person_id__in=victims,
            received_at__gt=case.closed_at,
            received_at__lte=case.closed_at + dt.timedelta(days=REOPEN_WINDOW_DAYS),
        )
        .exclude(case_links__case=case)
        .distinct()
        .order_by("-received_at")[:10]
    )


# ---------------------------------------------------------------------------------------------
# For other apps


def open_cases_by_person(person_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each person's open cases (as victim or perpetrator): reference, level, SPOC."""
    out: dict[int, list[dict[str, Any]]] = {}
    if not person_ids:
        return out
    rows = (
        CaseParty.objects.filter(person_id__in=person_ids, case__status=Case.Status.OPEN)
        .select_related("case__spoc")
        .order_by("case__opened_at", "case_id")
    )
    for p in rows:
        c = p.case
        out.setdefault(p.person_id, []).append(
            {
                "id": c.pk,
                "reference": c.reference,
                "risk_level": c.get_risk_level_display(),
                "role": p.get_role_display(),
                "spoc": c.spoc.display_name if c.spoc else "",
            }
        )
    return out


def person_summary(person_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The person-summary provider (people.selectors.SUMMARY_PROVIDERS): what lookups and the
    call-taking live check show about each person's open cases."""
    out: dict[int, dict[str, Any]] = {}
    for pid, cases in open_cases_by_person(person_ids).items():
        described = [
            f"{c['reference']} ({c['risk_level']} risk, {c['role'].lower()}"
            + (f", SPOC {c['spoc']})" if c["spoc"] else ")")
            for c in cases
        ]
        out[pid] = {
            "open_cases": "; ".join(described),
            "alerts": [
                {"kind": "open-high-risk-case", "label": "Open High-risk case", "reason": text}
                for c, text in zip(cases, described, strict=True)
                if c["risk_level"] == "High"
            ],
        }
    return out


# ---------------------------------------------------------------------------------------------
# `beacon cases due`


DUE_TIERS = ("sergeant", "inspector", "chief_inspector")


def due_rows(
    as_of: dt.date,
    w: dict[str, Any],
    *,
    user: User | None = None,
    offset: int = 0,
    limit: int | None = None,
    chunk: int = 10000,
) -> Iterator[tuple[Any, ...]]:
    """Every open case (in the user's areas, when given) for the due report, in primary-key order,
    with what the report needs worked out in the database: (reference, risk_level, area code,
    neighbourhood code, SPOC username, opened on (text), score, rag, first contact made (bool),
    then per standard its due date as text and the days it is overdue by (negative: due in),
    then per review tier whether it has ever been reviewed, then the case id)."""
    from django.db.models import BooleanField, CharField, Value
    from django.db.models.functions import Cast, TruncDate

    from beacon.cases.priority import CASE_STANDARDS, DaysBefore, annotate_cases, no_first_contact

    base = Case.objects.filter(status=Case.Status.OPEN)
    if user is not None:
        base = visible_cases(user, base)
    qs = annotate_cases(base, as_of, w)
    extra: dict[str, Any] = {
        "opened_on": Cast(TruncDate("opened_at"), CharField()),
        "made_first": When_(
            When(no_first_contact(as_of), then=Value(False)), default=Value(True), output_field=BooleanField()
        ),
    }
    cols = ["reference", "risk_level", "area__code", "neighbourhood__code", "spoc__username", "opened_on"]
    cols += ["score", "rag", "made_first"]
    for standard, due in CASE_STANDARDS:
        extra[f"{standard}_txt"] = Cast(due, CharField())
        extra[f"{standard}_late"] = DaysBefore(F(due), as_of)
        cols += [f"{standard}_txt", f"{standard}_late"]
    for tier in DUE_TIERS:
        extra[f"reviewed_{tier}"] = Exists(SupervisoryReview.objects.filter(case=OuterRef("pk"), tier=tier))
        cols.append(f"reviewed_{tier}")
    cols.append("id")  # last, for the access log of the API's report
    rows = qs.annotate(**extra).order_by("id").values_list(*cols)
    if limit is not None:
        rows = rows[offset : offset + limit]
    yield from rows.iterator(chunk_size=chunk)


def known_people(person_ids: list[int] | set[int]) -> dict[int, KnownAs]:
    """Who each person is known as (the people app's one rule: a confirmed value, else the one
    given most often): one query however many."""
    return known_as(person_ids)


def label_of(known: KnownAs) -> str:
    """A person as the case pages name them: "Margaret Whitfield (born 12/05/1961)"."""
    if not known.name:
        return "Name not given" if known.known else f"Person {known.person_id}"
    return f"{known.name} (born {known.dob})" if known.dob else known.name


def person_labels(person_ids: list[int] | set[int]) -> dict[int, str]:
    """A name for each person, by who they are known as (never a one-off spelling at a call)."""
    return {pid: label_of(k) for pid, k in known_people(person_ids).items()}


# ---------------------------------------------------------------------------------------------
# A case's heading and how to reach its victims


@dataclass(frozen=True)
class Heading:
    """A case titled by its victim and place: "Margaret Whitfield, Elm Street — Medium risk"."""

    victim: str
    place: str
    level: str

    @property
    def text(self) -> str:
        who = ", ".join(x for x in (self.victim, self.place) if x)
        return f"{who} — {self.level} risk"

    def __str__(self) -> str:
        return self.text


def _heading(
    case: Case, first: int | None, victims: int, addresses: list[str], known: dict[int, KnownAs]
) -> Heading:
    """`first`: the first victim (by when they were added); `victims`: how many there are."""
    if first is None:
        victim = "Victim not recorded"
    else:
        victim = known[first].label if first in known else f"Person {first}"
        if victims > 1:
            victim += f" and {victims - 1} other{'s' if victims > 2 else ''}"
    place = next((street for a in addresses if (street := street_name(a))), "")
    if not place:
        place = case.neighbourhood.name if case.neighbourhood_id and case.neighbourhood else case.area.name
    return Heading(victim, place, str(RiskLevel(case.risk_level).label))


def heading_for(case: Case, known: dict[int, KnownAs]) -> Heading:
    """The heading of a case read by `case_for` (its parties and locations prefetched)."""
    victims = [p.person_id for p in case.parties.all() if p.role == CaseParty.Role.VICTIM]
    addresses = [loc.address for loc in case.locations.all()]
    return _heading(case, victims[0] if victims else None, len(victims), addresses, known)


def headings(cases: list[Case]) -> tuple[dict[int, Heading], list[int]]:
    """The headings of a page of cases read through `with_heading_facts` (with `CASE_LIST_RELATED`
    selected), and the victims they name (for the access log): one query however many cases."""
    named = sorted({v for c in cases if (v := getattr(c, "first_victim_id", None)) is not None})
    known = known_people(named)
    out = {}
    for c in cases:
        # The first victim by name; the others are counted ("and 2 others"), not read.
        first = getattr(c, "first_victim_id", None)
        count = int(getattr(c, "victim_count", 0) or 0)
        address = getattr(c, "first_address", None) or ""
        out[c.pk] = _heading(c, first, count, [address] if address else [], known)
    return out, named


@dataclass(frozen=True)
class VictimContact:
    """How to reach one of a case's victims: their phone and address as known (the people app's
    rule), and whether it is safe to phone them and how to contact them safely (the case's own)."""

    party: CaseParty
    known: KnownAs

    @property
    def safe_to_call(self) -> str:
        return self.party.safe_to_call

    @property
    def safe_to_call_label(self) -> str:
        return str(CaseParty.SafeToCall(self.party.safe_to_call).label)


def victim_contacts(case: Case, known: dict[int, KnownAs]) -> list[VictimContact]:
    """The case's victims (parties prefetched, as `case_for`) with how to reach each."""
    return [
        VictimContact(p, known.get(p.person_id) or KnownAs(p.person_id))
        for p in case.parties.all()
        if p.role == CaseParty.Role.VICTIM
    ]


def incident_people(case: Case) -> list[tuple[int, str, str]]:
    """People on the case's incidents who are not yet on the case: (person, role on incident, incident)."""
    on_case = {p.person_id for p in case.parties.all()}
    rows = (
        IncidentPerson.objects.filter(incident__case_links__case=case)
        .select_related("record", "incident")
        .order_by("incident__received_at", "id")
    )
    seen: set[int] = set()
    out = []
    for ip in rows:
        pid = ip.record.person_id
        if pid in on_case or pid in seen:
            continue
        seen.add(pid)
        out.append((pid, ip.get_role_display(), ip.incident.reference))
    return out
