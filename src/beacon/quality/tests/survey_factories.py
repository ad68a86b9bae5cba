"""Questionnaires, responses, victims and cases for the survey tests (synthetic people only).
Records are saved directly: the people, incidents and cases domains test their own services; the
surveys read what was recorded."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from beacon.cases.models import Case, CaseParty
from beacon.core.models import Area
from beacon.geography.models import Neighbourhood
from beacon.incidents.models import Channel, Incident, IncidentPerson
from beacon.people.models import ContactRecord, Person
from beacon.quality import months
from beacon.quality.questionnaires import EXAMPLE_CODE
from beacon.quality.survey_models import Questionnaire, QuestionnaireVersion, SurveyAnswer, SurveyResponse

SCALE = ["ease_of_contact", "actions_taken", "kept_informed", "treatment", "whole_experience"]
COLUMNS = ["response_id", "month", "area", "ethnicity", "age_band", "disability", *SCALE, "comments"]
_seq = itertools.count(1)


def example() -> Questionnaire:
    return Questionnaire.objects.get(code=EXAMPLE_CODE)


def example_version() -> QuestionnaireVersion:
    found = example().versions.order_by("-version").first()
    assert found is not None
    return found


def write_csv(path: Path, rows: Iterable[Mapping[str, Any]], columns: Sequence[str] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({c: r.get(c, "") for c in columns})
    return path


def responses(
    area: Area,
    month: dt.date,
    answers: Sequence[Mapping[str, int | None]],
    *,
    ethnicity: str = "",
    age_band: str = "",
    disability: str = "",
    source: str = SurveyResponse.Source.IMPORT,
) -> list[SurveyResponse]:
    """One response per item of `answers` ({question: 1-5 or None}), in bulk."""
    version = example_version()
    made = SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                questionnaire=version.questionnaire,
                version=version,
                response_id=f"T{next(_seq):07d}",
                month=month,
                area=area,
                ethnicity=ethnicity,
                age_band=age_band,
                disability=disability,
                source=source,
            )
            for _ in answers
        ]
    )
    SurveyAnswer.objects.bulk_create(
        [
            SurveyAnswer(response=r, question=q, value=v)
            for r, given in zip(made, answers, strict=True)
            for q, v in given.items()
            if v is not None
        ]
    )
    return made


def answered(question: str, values: Iterable[int | None]) -> list[dict[str, int | None]]:
    return [{question: v} for v in values]


def person(dob: str | None = None, *, erased: bool = False) -> tuple[Person, ContactRecord]:
    p = Person.objects.create()
    n = next(_seq)
    rec = ContactRecord.objects.create(
        person=p,
        source="test",
        given_forename="Test",
        given_surname=f"Victim{n}",
        given_phone=f"07700 9{n:05d}",
        forename="test",
        surname=f"victim{n}",
        dob=dob,
        erased_at=months.bounds(dt.date(2024, 1, 1))[0] if erased else None,
    )
    return p, rec


def asb_incident(
    when: dt.datetime, area: Area, hood: Neighbourhood | None = None, *, is_asb: bool = True
) -> Incident:
    return Incident.objects.create(
        reference=f"S{next(_seq):07d}",
        channel=Channel.CALL_101,
        received_at=when,
        area=area,
        neighbourhood=hood,
        is_asb=is_asb,
        description="Youths kicking a football against the house late at night.",
    )


def victim(
    when: dt.datetime,
    area: Area,
    hood: Neighbourhood | None = None,
    *,
    consent: bool | None = True,
    role: str = IncidentPerson.Role.VICTIM,
    dob: str | None = None,
    who: tuple[Person, ContactRecord] | None = None,
    is_asb: bool = True,
) -> IncidentPerson:
    """An ASB incident received at `when` with one person on it in `role` (a new person unless
    `who` is given) who gave `consent` to a call-back."""
    _p, rec = who or person(dob)
    inc = asb_incident(when, area, hood, is_asb=is_asb)
    return IncidentPerson.objects.create(incident=inc, role=role, record=rec, survey_consent=consent)


def case_for(p: Person, area: Area, level: str = "high", *, status: str = Case.Status.OPEN) -> Case:
    case = Case.objects.create(
        reference=f"CASE-{next(_seq):05d}", title="Test case", risk_level=level, area=area, status=status
    )
    CaseParty.objects.create(case=case, person=p, role=CaseParty.Role.VICTIM)
    return case
