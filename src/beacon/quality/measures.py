"""What the quality domain counts for the KPIs (registered with `beacon.core.measures`): audited
answers and audited records, the share compliant, by the month of the audited record (when the
incident was received or the case opened), its area and neighbourhood.

A KPI such as "ASB incidents correctly classified" is `quality.audit_answers` with
`{"question": "category_correct"}`; "repeat question asked" with `{"question":
"repeat_question_asked"}`. Answers marked not applicable and free text are not counted; a disputed
answer counts as the force crime registrar decided it.

The satisfaction surveys add `quality.survey_satisfied`: of the respondents who answered the chosen
survey questions, the share satisfied (fairly or very: 4 or 5 on the five-point scale), by the month
the survey was answered, its area and neighbourhood. "ASB victims satisfied with the whole
experience" is `quality.survey_satisfied` with `{"question": ["whole_experience"], "survey":
["asb-callback"]}`. `quality.survey_responses` counts the responses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from beacon.core import measures
from beacon.core.measures import FilterSpec, Measure, RecordRow
from beacon.quality.models import AuditAnswer, AuditItem
from beacon.quality.survey_models import SurveyAnswer, SurveyResponse


def _questions() -> list[tuple[str, str]]:
    from beacon.quality.selectors import question_choices

    return question_choices()


def _templates() -> list[tuple[str, str]]:
    from beacon.quality.selectors import template_choices

    return template_choices()


QUESTION = FilterSpec("question", "Audit question", _questions, many=True)
TEMPLATE = FilterSpec("template", "Audit template", _templates, many=True)


def _survey_questions() -> list[tuple[str, str]]:
    from beacon.quality.questionnaires import question_choices

    return question_choices()


def _surveys() -> list[tuple[str, str]]:
    from beacon.quality.questionnaires import survey_choices

    return survey_choices()


SURVEY_QUESTION = FilterSpec("question", "Survey question", _survey_questions, many=True)
SURVEY = FilterSpec("survey", "Survey", _surveys, many=True)


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


def _survey_answers(filters: Mapping[str, Any]) -> QuerySet[SurveyAnswer]:
    qs = SurveyAnswer.objects.filter(value__isnull=False).select_related("response__area")
    if "question" in filters:
        qs = qs.filter(question__in=filters["question"])
    if "survey" in filters:
        qs = qs.filter(response__questionnaire__code__in=filters["survey"])
    return qs


def _survey_responses(filters: Mapping[str, Any]) -> QuerySet[SurveyResponse]:
    qs = SurveyResponse.objects.select_related("area")
    if "survey" in filters:
        qs = qs.filter(questionnaire__code__in=filters["survey"])
    return qs


def _satisfied(filters: Mapping[str, Any]) -> Q:
    from beacon.quality.questionnaires import SATISFIED

    return Q(value__gte=SATISFIED)


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


def _survey_answer_row(a: SurveyAnswer) -> RecordRow:
    from beacon.quality.questionnaires import SCALE

    return RecordRow(
        reference=a.response.response_id,
        when=a.response.month,
        place=str(a.response.area),
        summary=f"{a.question}: {SCALE.get(a.value or 0, 'not answered')}",
        url="",  # survey responses have no page of their own yet
    )


def _survey_response_row(r: SurveyResponse) -> RecordRow:
    return RecordRow(
        reference=r.response_id,
        when=r.month,
        place=str(r.area),
        summary=f"{r.get_source_display()} survey response",
        url="",
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
    measures.register(
        Measure(
            code="quality.survey_satisfied",
            source="quality",
            label="Survey respondents satisfied",
            description="Of the respondents to victim satisfaction surveys who answered the chosen "
            "question, the share satisfied (very or fairly satisfied: 4 or 5 on the five-point scale), by "
            "the month the survey was answered. Blank answers are left out.",
            kind="proportion",
            queryset=_survey_answers,
            date_field="response__month",
            date_only=True,
            area_field="response__area_id",
            neighbourhood_field="response__neighbourhood_id",
            row=_survey_answer_row,
            numerator=_satisfied,
            numerator_label="Satisfied respondents",
            denominator_label="Respondents who answered",
            filters=(SURVEY_QUESTION, SURVEY),
        )
    )
    measures.register(
        Measure(
            code="quality.survey_responses",
            source="quality",
            label="Survey responses",
            description="Victim satisfaction survey responses (imported or taken on call-backs), by the "
            "month the survey was answered.",
            kind="count",
            queryset=_survey_responses,
            date_field="month",
            date_only=True,
            area_field="area_id",
            neighbourhood_field="neighbourhood_id",
            row=_survey_response_row,
            filters=(SURVEY,),
        )
    )
