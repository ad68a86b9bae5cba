"""Completing audits: pre-filled answers confirmed or corrected, compliance with Wilson intervals
equal to statsmodels', correction tasks, disputes decided by the registrar, the KPI measures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from statsmodels.stats.proportion import proportion_confint

from beacon.core import measures
from beacon.core.errors import EditConflict, PermissionRefused, ValidationFailed
from beacon.core.models import AuditEvent
from beacon.incidents.models import ScreeningSet
from beacon.quality import selectors, services
from beacon.quality.models import AuditItem, AuditTemplate, CorrectionTask
from beacon.quality.tests.factories import category, told

pytestmark = pytest.mark.django_db
T = "asb-incident-quality"
KEYS = [
    "category_correct",
    "screening_answered",
    "repeat_question_asked",
    "repeat_check_shown",
    "team_told",
    "team_acknowledged",
    "crime_recorded",
    "supervised",
    "victim_updated",
]


def _round(town: dict[str, Any], size: int = 6, seed: int = 3) -> list[AuditItem]:
    draw = services.draw_round(
        town["manager"], template=T, area="N", month="2024-03", size=size, seed=seed, auditor=town["auditor"]
    )
    assert draw.round is not None
    return list(draw.round.items.order_by("position"))


def _all_yes(**over: str) -> dict[str, str]:
    return {**{k: "yes" for k in KEYS}, **over}


def test_answers_are_prefilled_from_the_record(town: dict[str, Any]) -> None:
    inc = town["others"][0]
    inc.asb_category = category("nuisance")
    inc.crime_disclosed = True
    inc.screening_set = ScreeningSet.objects.order_by("-version").first()
    inc.answers = {"happened_before": "yes"}
    inc.save()
    told(inc, town["market"], acknowledged_by=town["officer"])
    rnd = services.draw_round(None, template=T, area="N", month="2024-03", size=30, seed=1)
    item = next(i for i in rnd.round.items.all() if i.incident_id == inc.pk)  # type: ignore[union-attr]
    pre = selectors.prefilled_answers(item)
    assert pre["category_correct"] == "yes"
    assert pre["repeat_question_asked"] == "yes"
    assert pre["screening_answered"] == "no"  # not every screening question answered
    assert pre["team_told"] == "yes" and pre["team_acknowledged"] == "yes"
    assert pre["crime_recorded"] == "no"  # disclosed, none recorded
    assert pre["supervised"] == "no"
    assert "victim_updated" not in pre  # Beacon does not know: the auditor answers


def test_an_auditor_completes_an_item_correcting_a_prefilled_answer_and_raises_a_correction(
    town: dict[str, Any],
) -> None:
    item = _round(town)[0]
    pre = selectors.prefilled_answers(item)
    assert pre["category_correct"] == "no"  # no category recorded
    done = services.complete_item(
        town["auditor"],
        item.pk,
        answers=_all_yes(category_correct="no", supervised="no", crime_recorded="na", notes="Fine otherwise"),
        corrections={"supervised": "Ask the sergeant to supervise it."},
        version=item.version,
    )
    assert done.status == "done" and done.compliant is False
    sup = done.answers.get(key="supervised")
    assert sup.prefilled == "no" and not sup.corrected
    told_ = done.answers.get(key="team_told")
    assert told_.prefilled == "no" and told_.answer == "yes" and told_.corrected  # the auditor corrected it
    task = CorrectionTask.objects.get()
    assert task.owner_id == item.owner_id and task.action.startswith("Ask the sergeant")
    assert AuditEvent.objects.filter(model="audititem", action="update", reason="audit completed").exists()
    # a second save with the version read before is refused
    with pytest.raises((EditConflict, ValidationFailed)):
        services.complete_item(town["auditor"], item.pk, answers=_all_yes(), version=item.version)


def test_missing_answers_are_refused_each_naming_its_question_and_nothing_is_written(
    town: dict[str, Any],
) -> None:
    item = _round(town)[0]
    with pytest.raises(ValidationFailed) as e:
        services.complete_item(
            town["auditor"],
            item.pk,
            answers={"category_correct": "maybe", "bogus": "yes"},
            corrections={"team_told": "x"},
            version=item.version,
        )
    fields = {p.field for p in e.value.problems}
    assert {"answers.bogus", "answers.category_correct", "answers.supervised"} <= fields
    item.refresh_from_db()
    assert item.status == "to_do" and not item.answers.exists() and not CorrectionTask.objects.exists()


def test_an_auditor_may_not_be_given_their_own_records(town: dict[str, Any]) -> None:
    officer = town["officer"]
    officer.role = "supervisor"
    officer.save()
    draw = services.draw_round(town["manager"], template=T, area="N", month="2024-03", size=30, seed=5)
    assert draw.round is not None
    with pytest.raises(ValidationFailed) as e:
        services.assign(town["manager"], draw.round, officer)
    assert e.value.problems[0].field == "auditor"
    assert not draw.round.items.filter(auditor__isnull=False).exists()  # nothing assigned
    assert services.assign(town["manager"], draw.round, town["auditor"]) == 30


def test_only_the_items_auditor_completes_it(town: dict[str, Any]) -> None:
    item = _round(town)[0]
    with pytest.raises(PermissionRefused):
        services.complete_item(town["manager"], item.pk, answers=_all_yes(), version=item.version)


def test_outcomes_give_wilson_intervals_equal_to_statsmodels(town: dict[str, Any]) -> None:
    items = _round(town, size=6)
    for i, item in enumerate(items):
        services.complete_item(
            town["auditor"],
            item.pk,
            answers=_all_yes(category_correct="yes" if i < 4 else "no", crime_recorded="na"),
            version=item.version,
        )
    template = AuditTemplate.objects.get(code=T)
    rates = selectors.outcomes(town["auditor"], template)
    cat = next(r for r in rates if r.question == "category_correct")
    assert (cat.audited, cat.compliant) == (6, 4)
    low, high = proportion_confint(4, 6, alpha=0.05, method="wilson")
    assert cat.low == pytest.approx(low) and cat.high == pytest.approx(high)
    assert not any(r.question == "crime_recorded" for r in rates)  # all not applicable
    whole = next(r for r in rates if r.question == "")
    assert (whole.audited, whole.compliant) == (6, 4)
    by_month = selectors.outcomes(town["auditor"], template, by="month")
    assert {r.group for r in by_month} == {"2024-03"}
    by_team = selectors.outcomes(town["auditor"], template, by="neighbourhood")
    assert {r.group for r in by_team} == {"Market"}
    # someone in another area sees none of it
    south = town["south"]
    from beacon.core.models import User

    other = User.objects.create(username="elsewhere", role="performance")
    other.areas.add(south)
    assert selectors.outcomes(other, template) == []
    # the KPI measure counts the same answers, by the month of the audited record
    m = measures.get("quality.audit_answers")
    counts = list(
        measures.monthly_counts(
            m, m.check_filters({"question": ["category_correct"]}), dt.date(2024, 3, 1), dt.date(2024, 4, 1)
        )
    )
    assert sum(c.numerator for c in counts) == 4 and sum(c.denominator or 0 for c in counts) == 6
    m2 = measures.get("quality.audited_records")
    assert (
        sum(c.numerator for c in measures.monthly_counts(m2, {}, dt.date(2024, 3, 1), dt.date(2024, 4, 1)))
        == 4
    )


def test_a_disputed_answer_goes_to_the_registrar_whose_decision_is_final(town: dict[str, Any]) -> None:
    officer = town["officer"]
    draw = services.draw_round(town["manager"], template=T, area="N", month="2024-03", size=30, seed=2)
    assert draw.round is not None
    item = draw.round.items.filter(owner=officer).first()
    assert item is not None
    services.assign(town["manager"], draw.round, town["auditor"], [item.pk])
    item.refresh_from_db()
    services.complete_item(
        town["auditor"],
        item.pk,
        answers=_all_yes(supervised="no"),
        corrections={"supervised": "Get it supervised."},
        version=item.version,
    )
    answer = item.answers.get(key="supervised")
    with pytest.raises(PermissionRefused):
        services.dispute(town["auditor"], answer.pk, "not mine")
    with pytest.raises(ValidationFailed) as e:
        services.dispute(officer, answer.pk, "  ")
    assert e.value.problems[0].field == "reason"
    services.dispute(officer, answer.pk, "The sergeant supervised it on the radio log.")
    assert [a.pk for a in selectors.open_disputes(town["registrar"])] == [answer.pk]
    with pytest.raises(PermissionRefused):
        services.decide(town["auditor"], answer.pk, agree_with_owner=True)  # the auditor is not the registrar
    services.decide(town["registrar"], answer.pk, agree_with_owner=True, note="Radio log checked.")
    answer.refresh_from_db()
    item.refresh_from_db()
    assert answer.answer == "yes" and answer.auditor_answer == "no" and answer.compliant is True
    assert item.compliant is True
    assert CorrectionTask.objects.get().status == "done"
    with pytest.raises(ValidationFailed):  # final
        services.decide(town["registrar"], answer.pk, agree_with_owner=False)


def test_the_owner_marks_a_correction_done(town: dict[str, Any]) -> None:
    item = _round(town)[0]
    services.complete_item(
        town["auditor"],
        item.pk,
        answers=_all_yes(team_told="no"),
        corrections={"team_told": "Place it."},
        version=item.version,
    )
    task = CorrectionTask.objects.get()
    from beacon.core.models import User

    owner = User.objects.get(pk=task.owner_id) if task.owner_id else town["manager"]
    services.complete_correction(owner, task.pk, "Placed with Market team.")
    task.refresh_from_db()
    assert task.status == "done" and task.done_at is not None


def test_templates_are_versioned_and_checked(town: dict[str, Any]) -> None:
    v = services.save_template(
        town["manager"],
        T,
        title="ASB incident quality",
        questions=[{"key": "team_told", "text": "Team told?", "kind": "check", "prefill": "team_told"}],
    )
    assert v.version == 2
    with pytest.raises(ValidationFailed) as e:
        services.save_template(
            town["manager"],
            "case-quality",
            title="Cases",
            record_type="case",
            questions=[{"key": "x", "text": "?", "prefill": "team_told"}, {"key": "x", "text": "again"}],
        )
    assert {p.field for p in e.value.problems} == {"questions[0].prefill", "questions[1].key"}
    assert not AuditTemplate.objects.filter(code="case-quality").exists()
