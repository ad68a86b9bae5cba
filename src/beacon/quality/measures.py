"""What the quality domain counts for the KPIs (registered with `beacon.core.measures`): audited
answers and audited records, the share compliant, by the month of the audited record (when the
incident was received or the case opened), its area and neighbourhood.

A KPI such as "ASB incidents correctly classified" is `quality.audit_answers` with
`{"question": "category_correct"}`; "repeat question asked" with `{"question":
"repeat_question_asked"}`. Answers marked not applicable and free text are not counted; a disputed
answer counts as the force crime registrar decided it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from beacon.core import measures
from beacon.core.measures import FilterSpec, Measure, RecordRow
from beacon.quality.models import AuditAnswer, AuditItem


def _questions() -> list[tuple[str, str]]:
    from beacon.quality.selectors import question_choices

    return question_choices()


def _templates() -> list[tuple[str, str]]:
    from beacon.quality.selectors import template_choices

    return template_choices()


QUESTION = FilterSpec("question", "Audit question", _questions, many=True)
TEMPLATE = FilterSpec("template", "Audit template", _templates, many=True)


def _answers(filters: Mapping[str, Any]) -> QuerySet[AuditAnswer]:
    qs = AuditAnswer.objects.filter(
        item__status=AuditItem.Status.DONE, kind="check", compliant__isnull=False
    ).select_related("item")
    if "question" in filters:
        qs = qs.filter(key__in=filters["question"])
    if "template" in filters:
        qs = qs.filter(item__round__template_version__template__code__in=filters["template"])
    return qs


def _items(filters: Mapping[str, Any]) -> QuerySet[AuditItem]:
    qs = AuditItem.objects.filter(status=AuditItem.Status.DONE, compliant__isnull=False)
    if "template" in filters:
        qs = qs.filter(round__template_version__template__code__in=filters["template"])
    return qs


def _compliant(filters: Mapping[str, Any]) -> Q:
    return Q(compliant=True)


def _answer_row(a: AuditAnswer) -> RecordRow:
    return RecordRow(
        reference=a.item.reference,
        when=a.item.record_at,
        place=str(a.item.area_id),
        summary=f"{a.key}: {a.get_answer_display()}",
        url=reverse("quality:item", args=[a.item_id]),
    )


def _item_row(i: AuditItem) -> RecordRow:
    return RecordRow(
        reference=i.reference,
        when=i.record_at,
        place=str(i.area_id),
        summary="Compliant" if i.compliant else "Not compliant",
        url=reverse("quality:item", args=[i.pk]),
    )


def register() -> None:
    measures.register(
        Measure(
            code="quality.audit_answers",
            source="quality",
            label="Audited answers compliant",
            description="Of the answers to the chosen audit questions in completed dip-sample audits, "
            "the share compliant (Yes), by the month the audited record was received or opened. Not "
            "applicable answers are left out; disputes count as the registrar decided.",
            kind="proportion",
            queryset=_answers,
            date_field="item__record_at",
            area_field="item__area_id",
            neighbourhood_field="item__neighbourhood_id",
            row=_answer_row,
            numerator=_compliant,
            numerator_label="Compliant answers",
            denominator_label="Audited answers",
            filters=(QUESTION, TEMPLATE),
        )
    )
    measures.register(
        Measure(
            code="quality.audited_records",
            source="quality",
            label="Audited records fully compliant",
            description="Of the records audited in dip samples, the share with every checked answer "
            "compliant, by the month the record was received or opened.",
            kind="proportion",
            queryset=_items,
            date_field="record_at",
            area_field="area_id",
            neighbourhood_field="neighbourhood_id",
            row=_item_row,
            numerator=_compliant,
            numerator_label="Fully compliant records",
            denominator_label="Audited records",
            filters=(TEMPLATE,),
        )
    )
