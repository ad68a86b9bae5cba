"""What the incidents domain counts for the KPIs (registered with `beacon.core.measures`).

Incidents are counted by the month they occurred (the time received where no time of occurrence was
given), in Europe/London. A force-level figure counts every incident, placed in an area or not:
imported public data often is not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse

from beacon.core import measures
from beacon.core.measures import FilterSpec, Measure, RecordRow
from beacon.incidents.importer import POLICE_UK_SYSTEM
from beacon.incidents.models import (
    AsbCategory,
    Channel,
    Incident,
    IncidentCategory,
    ResponseGrade,
    TypeHeading,
)

LIVE_CHECK = "live-check"
SCREENING = "screening"


def _codes(
    model: type[AsbCategory] | type[TypeHeading] | type[IncidentCategory] | type[ResponseGrade],
) -> Sequence[tuple[str, str]]:
    return list(model.objects.order_by("order", "label").values_list("code", "label"))


MET, MISSED = "met", "missed"
RESPONSES = [(MET, "Attended within the grade's target"), (MISSED, "Attended later than the target")]

FLAG_FILTERS = (
    FilterSpec("repeat_victim", "Repeat victim flagged"),
    FilterSpec("vulnerable_victim", "Vulnerable victim flagged"),
    FilterSpec("hate_related", "Hate-related"),
    FilterSpec("local_priority", "Inside a local priority"),
    FilterSpec("crime_disclosed", "Crime disclosed"),
)
ASB_FILTERS = (
    FilterSpec("category", "ASB category", lambda: _codes(AsbCategory), many=True),
    FilterSpec("type", "Type of ASB", lambda: _codes(TypeHeading), many=True),
    FilterSpec("channel", "Channel", lambda: list(Channel.choices), many=True),
    FilterSpec("grade", "Response grade", lambda: _codes(ResponseGrade), many=True),
    FilterSpec("response", "Response against the grade's target", lambda: RESPONSES),
    *FLAG_FILTERS,
)
FOUND_BY = FilterSpec(
    "found_by",
    "How the flag was raised",
    lambda: [(LIVE_CHECK, "By the live check (Beacon's records)"), (SCREENING, "By the caller's answers")],
)


def _asb(filters: Mapping[str, Any]) -> QuerySet[Incident]:
    qs = Incident.objects.filter(is_asb=True).annotate(occurred=Coalesce("occurred_at", "received_at"))
    if "category" in filters:
        qs = qs.filter(asb_category__code__in=filters["category"])
    if "type" in filters:
        qs = qs.filter(type_heading__code__in=filters["type"])
    if "channel" in filters:
        qs = qs.filter(channel__in=filters["channel"])
    if "grade" in filters:
        qs = qs.filter(response_grade__code__in=filters["grade"])
    if "response" in filters:
        qs = qs.filter(response_met=filters["response"] == MET)
    for spec in FLAG_FILTERS:
        if spec.name in filters:
            qs = qs.filter(**{spec.name: filters[spec.name]})
    return qs


def _attended(filters: Mapping[str, Any]) -> QuerySet[Incident]:
    """ASB incidents whose response can be judged: with a grade and a time attended."""
    return _asb(filters).filter(response_met__isnull=False)


def _flagged(flag: str) -> Any:
    """ASB incidents with `flag`, optionally by how it was raised: the live check writes the reason
    "person N: …" (the person index knew them); anything else came from the caller's answers."""

    def queryset(filters: Mapping[str, Any]) -> QuerySet[Incident]:
        qs = _asb(filters).filter(**{flag: True})
        found_by = filters.get("found_by")
        live = Q(**{f"flag_reasons__{flag}__startswith": "person "})
        if found_by == LIVE_CHECK:
            qs = qs.filter(live)
        elif found_by == SCREENING:
            qs = qs.exclude(live)
        return qs

    return queryset


def _row(inc: Incident) -> RecordRow:
    kind = inc.type_heading or inc.asb_category or inc.other_category
    words = [label for name, label in _FLAG_WORDS if getattr(inc, name)]
    if inc.response_met is False:
        words.append("attended late")
    flags = ", ".join(words)
    return RecordRow(
        reference=inc.reference,
        when=inc.occurred_at or inc.received_at,
        place=str(inc.neighbourhood) if inc.neighbourhood_id else (inc.postcode or "not placed"),
        summary=f"{kind or 'ASB'}" + (f" ({flags})" if flags else ""),
        url=reverse("incidents:detail", args=[inc.pk]),
    )


_FLAG_WORDS = (("repeat_victim", "repeat victim"), ("vulnerable_victim", "vulnerable victim"))


def _police_uk(filters: Mapping[str, Any]) -> QuerySet[Incident]:
    qs = Incident.objects.filter(source_system=POLICE_UK_SYSTEM).annotate(
        occurred=Coalesce("occurred_at", "received_at")
    )
    kinds = filters.get("crime_type")
    if kinds:
        asb = "anti-social-behaviour" in kinds
        q = Q(other_category__code__in=[k for k in kinds if k != "anti-social-behaviour"])
        if asb:
            q |= Q(is_asb=True)
        qs = qs.filter(q)
    return qs


def _police_uk_types() -> Sequence[tuple[str, str]]:
    return [("anti-social-behaviour", "Anti-social behaviour"), *_codes(IncidentCategory)]


def _has(flag: str) -> Any:
    def numerator(filters: Mapping[str, Any]) -> Q:
        return Q(**{flag: True})

    return numerator


def _measure(**given: Any) -> Measure:
    """An incidents measure: counted by the month it occurred, placed by its area and neighbourhood."""
    given.setdefault("filters", ASB_FILTERS)
    return Measure(
        source="incidents",
        date_field="occurred",
        area_field="area_id",
        neighbourhood_field="neighbourhood_id",
        row=_row,
        **given,
    )


def register() -> None:
    measures.register(
        _measure(
            code="incidents.asb",
            label="ASB incidents",
            description="Anti-social behaviour incidents, by the month they occurred, whatever their "
            "category (imported public records carry none).",
            kind="count",
            queryset=_asb,
        )
    )
    for flag, label in (("repeat_victim", "Repeat victims"), ("vulnerable_victim", "Vulnerable victims")):
        measures.register(
            _measure(
                code=f"incidents.{flag}",
                label=f"{label} identified at first contact",
                description=f"ASB incidents whose victim was flagged as a {label.lower()[:-1]} when the "
                "report was taken; 'how the flag was raised' separates the live check (Beacon knew "
                "them) from the caller's own answers.",
                kind="count",
                queryset=_flagged(flag),
                filters=(*ASB_FILTERS, FOUND_BY),
            )
        )
        measures.register(
            _measure(
                code=f"incidents.{flag}_share",
                label=f"ASB incidents with a {label.lower()[:-1]} flagged",
                description=f"Of ASB incidents, the share whose victim was flagged as a "
                f"{label.lower()[:-1]} at first contact.",
                kind="proportion",
                queryset=_asb,
                numerator=_has(flag),
                numerator_label=f"{label} flagged",
                denominator_label="ASB incidents",
            )
        )
    measures.register(
        _measure(
            code="incidents.supervised",
            label="ASB incidents supervised",
            description="Of ASB incidents, the share a supervisor has reviewed.",
            kind="proportion",
            queryset=_asb,
            numerator=lambda f: Q(last_supervised_at__isnull=False),
            numerator_label="Supervised",
            denominator_label="ASB incidents",
        )
    )
    measures.register(
        _measure(
            code="incidents.response_met",
            label="ASB incidents attended within their grade's target",
            description="Of ASB incidents with a response grade and a time attended, the share attended "
            "within the grade's target time of the call (exactly on the target counts as within it). "
            "Incidents not attended, or with no grade, are in neither figure.",
            kind="proportion",
            queryset=_attended,
            numerator=lambda f: Q(response_met=True),
            numerator_label="Attended within the target",
            denominator_label="ASB incidents attended",
        )
    )
    measures.register(
        _measure(
            code="incidents.police_uk",
            label="Records published by data.police.uk",
            description="Street-level records imported from data.police.uk (crimes and ASB), by month.",
            kind="count",
            queryset=_police_uk,
            filters=(FilterSpec("crime_type", "Crime type", _police_uk_types, many=True),),
            personal=False,
        )
    )
