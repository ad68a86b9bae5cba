"""Questionnaires and what an answer may be: the example ASB call-back survey shipped with Beacon,
checking a questionnaire's questions, saving a new version, and checking one person's answers and
how they describe themselves (ethnicity, age band, disability). The importer and the call-backs
both check answers here, so a file and a volunteer's call are held to the same rules.

The scale is the one the Home Office's ASB victim surveys use: 5 very satisfied, 4 fairly
satisfied, 3 neither satisfied nor dissatisfied, 2 fairly dissatisfied, 1 very dissatisfied; blank
is "not answered". "Satisfied" is 4 or 5 (the top two boxes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from beacon.core import audit
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import User
from beacon.quality import ethnicity
from beacon.quality.survey_models import (
    AGE_BANDS,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    SurveyRules,
)

EXAMPLE_CODE = "asb-callback"
SCALE: dict[int, str] = {
    5: "Very satisfied",
    4: "Fairly satisfied",
    3: "Neither satisfied nor dissatisfied",
    2: "Fairly dissatisfied",
    1: "Very dissatisfied",
}
SATISFIED = 4  # 4 and 5 are "satisfied"
TEXT_MAX = 10_000
CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,59}")
KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")

EXAMPLE_QUESTIONS: list[dict[str, str]] = [
    {
        "code": "ease_of_contact",
        "text": "How satisfied were you with how easy it was to get in touch with the police about the "
        "problem?",
        "kind": "scale",
    },
    {
        "code": "actions_taken",
        "text": "How satisfied were you with what the police did about the problem?",
        "kind": "scale",
    },
    {
        "code": "kept_informed",
        "text": "How satisfied were you with how well the police kept you up to date with what was "
        "happening?",
        "kind": "scale",
    },
    {
        "code": "treatment",
        "text": "How satisfied were you with the way the officers and staff you dealt with treated you?",
        "kind": "scale",
    },
    {
        "code": "whole_experience",
        "text": "Thinking about the whole of your experience, how satisfied were you with the service the "
        "police gave you?",
        "kind": "scale",
    },
    {
        "code": "comments",
        "text": "Is there anything else you would like to tell us about the service you received?",
        "kind": "text",
    },
]


def install(apps: Any, schema_editor: Any) -> None:
    """Data migration: the example questionnaire, version 1, and its default call-back rules (each
    kept if it is already there)."""
    questionnaire_model = apps.get_model("quality", "Questionnaire")
    version_model = apps.get_model("quality", "QuestionnaireVersion")
    rules_model = apps.get_model("quality", "SurveyRules")
    questionnaire, _created = questionnaire_model.objects.get_or_create(
        code=EXAMPLE_CODE,
        defaults={
            "title": "ASB victim call-back survey (example)",
            "description": "A call to victims of anti-social behaviour six to twelve weeks after they "
            "reported it: how easy it was to get in touch, what was done, whether they were kept up to "
            "date, how they were treated and the whole experience. An example to change: a change "
            "makes a new version.",
            "is_example": True,
        },
    )
    if not version_model.objects.filter(questionnaire=questionnaire).exists():
        version_model.objects.create(
            questionnaire=questionnaire,
            version=1,
            questions=EXAMPLE_QUESTIONS,
            note="Example shipped with Beacon.",
        )
    if not rules_model.objects.filter(questionnaire=questionnaire).exists():
        rules_model.objects.create(questionnaire=questionnaire, version=1)


# --- reading -----------------------------------------------------------------------------------------


def find(code: object, field: str = "survey") -> Questionnaire:
    """The questionnaire with this code, or a problem naming `field`."""
    found = Questionnaire.objects.filter(code=code).first() if isinstance(code, str) else None
    if found is None:
        known = ", ".join(Questionnaire.objects.order_by("code").values_list("code", flat=True)) or "none yet"
        raise ValidationFailed([Problem(f"There is no survey {code!r} (known: {known}).", field)])
    return found


def latest_version(questionnaire: Questionnaire) -> QuestionnaireVersion:
    found = questionnaire.versions.order_by("-version").first()
    if found is None:
        raise QuestionnaireVersion.DoesNotExist(f"{questionnaire.code} has no version")
    return found


def current_rules(questionnaire: Questionnaire) -> SurveyRules:
    """The newest rules for the questionnaire (the defaults, saved as version 1, when it has none)."""
    found = questionnaire.rules.order_by("-version").first()
    return found or SurveyRules.objects.create(questionnaire=questionnaire, version=1)


def scale_codes(version: QuestionnaireVersion) -> list[str]:
    return [q["code"] for q in version.questions if q["kind"] == QuestionKind.SCALE]


def text_codes(version: QuestionnaireVersion) -> list[str]:
    return [q["code"] for q in version.questions if q["kind"] == QuestionKind.TEXT]


def question_choices() -> list[tuple[str, str]]:
    """Every scale question of every questionnaire's versions, newest wording first (for the KPI
    measure's filter)."""
    out: dict[str, str] = {}
    versions = QuestionnaireVersion.objects.select_related("questionnaire").order_by(
        "questionnaire__code", "-version"
    )
    for v in versions:
        for q in v.questions:
            if q["kind"] == QuestionKind.SCALE and q["code"] not in out:
                out[q["code"]] = f"{q['text']} ({v.questionnaire.code})"
    return sorted(out.items())


def survey_choices() -> list[tuple[str, str]]:
    return list(Questionnaire.objects.order_by("title").values_list("code", "title"))


# --- questionnaires -----------------------------------------------------------------------------------


def check_questions(questions: object) -> list[dict[str, str]]:
    """The questions, checked: each problem names `questions[i].field`."""
    if not isinstance(questions, list) or not questions:
        raise ValidationFailed([Problem("Give at least one question.", "questions")])
    if len(questions) > 100:
        raise ValidationFailed([Problem("A questionnaire has at most 100 questions.", "questions")])
    problems: list[Problem] = []
    clean: list[dict[str, str]] = []
    seen: set[str] = set()
    for i, q in enumerate(questions):
        where = f"questions[{i}]"
        if not isinstance(q, Mapping):
            problems.append(Problem("Each question is an object.", where))
            continue
        code, text, kind = q.get("code"), q.get("text"), q.get("kind", QuestionKind.SCALE)
        if not isinstance(code, str) or not KEY.fullmatch(code):
            problems.append(
                Problem("The code is lower-case letters, digits and _, e.g. kept_informed.", f"{where}.code")
            )
        elif code in seen:
            problems.append(Problem(f"The code {code!r} is used twice.", f"{where}.code"))
        else:
            seen.add(code)
        if not isinstance(text, str) or not text.strip() or len(text) > 500:
            problems.append(Problem("Give the question's text (up to 500 characters).", f"{where}.text"))
        if kind not in QuestionKind.values:
            problems.append(
                Problem(
                    'The kind is "scale" (very satisfied to very dissatisfied) or "text".', f"{where}.kind"
                )
            )
        if not problems:
            clean.append({"code": str(code), "text": str(text).strip(), "kind": str(kind)})
    if not problems and not any(q["kind"] == QuestionKind.SCALE for q in clean):
        problems.append(Problem("Give at least one scale question: the results count them.", "questions"))
    if problems:
        raise ValidationFailed(problems)
    return clean


@transaction.atomic
def save_questionnaire(
    actor: User | None, code: str, *, title: str, questions: object, description: str = "", note: str = ""
) -> QuestionnaireVersion:
    """A new questionnaire, or the next version of one (versions are never edited: responses and
    call lists keep theirs)."""
    problems: list[Problem] = []
    if not isinstance(code, str) or not CODE.fullmatch(code):
        problems.append(Problem("The code is 2 to 60 lower-case letters, digits and hyphens.", "code"))
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        problems.append(Problem("Give a title (up to 200 characters).", "title"))
    if len(note) > 300:
        problems.append(Problem("The note is up to 300 characters.", "note"))
    clean: list[dict[str, str]] = []
    try:
        clean = check_questions(questions)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    if problems:
        raise ValidationFailed(problems)
    existing = Questionnaire.objects.select_for_update().filter(code=code).first()
    if existing is None:
        existing = Questionnaire.objects.create(
            code=code, title=title.strip(), description=description.strip()
        )
        audit.record_create(actor, existing)
        number = 1
    else:
        before = audit.snapshot(existing)
        existing.title, existing.description = title.strip(), description.strip()
        existing.save(update_fields=["title", "description"])
        audit.record_update(actor, existing, before)
        number = latest_version(existing).version + 1
    version = QuestionnaireVersion.objects.create(
        questionnaire=existing, version=number, questions=clean, note=note.strip(), created_by=actor
    )
    audit.record_create(actor, version)
    return version


# --- answers and the respondent ----------------------------------------------------------------------


def scale_value(value: object) -> int | None:
    """An answer on the scale: 1 to 5 (a number or its digit), None for blank; ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 1:
        value = int(value.strip())
    if isinstance(value, int) and 1 <= value <= 5:
        return value
    raise ValueError(value)


SCALE_HELP = "give 1 (very dissatisfied) to 5 (very satisfied), or leave it blank if not answered"


def check_answers(
    version: QuestionnaireVersion,
    answers: Mapping[str, object],
    *,
    field: str = "answers",
    row: int | None = None,
) -> dict[str, int | str]:
    """One person's answers, checked against the version's questions: {code: 1-5 or text}, blanks
    left out. Unknown codes and answers off the scale are problems naming `field.code`."""
    kinds = {q["code"]: q["kind"] for q in version.questions}

    def where(code: str) -> str:
        return f"{field}.{code}" if field else code

    problems: list[Problem] = []
    clean: dict[str, int | str] = {}
    for code in answers:
        if code not in kinds:
            problems.append(
                Problem(
                    f"{version} has no question {code!r} (its questions: {', '.join(kinds)}).",
                    where(code),
                    row,
                )
            )
    for code, kind in kinds.items():
        if code not in answers:
            continue
        given = answers[code]
        if kind == QuestionKind.TEXT:
            if given is None:
                continue
            if not isinstance(given, str):
                problems.append(Problem("Give text.", where(code), row))
            elif len(given) > TEXT_MAX:
                problems.append(Problem(f"Up to {TEXT_MAX:,} characters.", where(code), row))
            elif given.strip():
                clean[code] = given.strip()
            continue
        try:
            value = scale_value(given)
        except ValueError:
            problems.append(
                Problem(f"{given!r} is not an answer on the scale: {SCALE_HELP}.", where(code), row)
            )
            continue
        if value is not None:
            clean[code] = value
    if problems:
        raise ValidationFailed(problems)
    return clean


@dataclass(frozen=True)
class About:
    """How the respondent describes themselves (blank: not stated)."""

    ethnicity: str = ""
    age_band: str = ""
    disability: str = ""


_NOT_STATED = {"", "not stated", "ns", "prefer not to say"}


def check_about(
    ethnic: object, age_band: object, disability: object, *, row: int | None = None, prefix: str = ""
) -> About:
    """The respondent's ethnicity (an ONS 2021 category's code or name), age band and disability
    (yes or no), each possibly blank; every problem names its field."""
    problems: list[Problem] = []
    code = ethnicity.parse(ethnic)
    if code is None:
        problems.append(
            Problem(
                f"{ethnic!r} is not an ethnic group: use {ethnicity.accepted()}.", f"{prefix}ethnicity", row
            )
        )
    band = " ".join(age_band.split()).lower() if isinstance(age_band, str) else age_band
    if band is None or band in _NOT_STATED:
        band = ""
    elif band not in AGE_BANDS:
        problems.append(
            Problem(
                f"{age_band!r} is not an age band: use {', '.join(AGE_BANDS)} or blank.",
                f"{prefix}age_band",
                row,
            )
        )
    dis = " ".join(disability.split()).lower() if isinstance(disability, str) else disability
    if dis is None or dis in _NOT_STATED:
        dis = ""
    elif dis in ("y", "yes"):
        dis = "yes"
    elif dis in ("n", "no"):
        dis = "no"
    else:
        problems.append(
            Problem(f"{disability!r}: answer yes, no or leave it blank.", f"{prefix}disability", row)
        )
    if problems:
        raise ValidationFailed(problems)
    return About(code or "", str(band), str(dis))
