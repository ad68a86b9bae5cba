"""Importing the results of earlier satisfaction surveys from a CSV file (`beacon surveys import`).

The file has a header row and one row per response, with the columns

    response_id, month (YYYY-MM), area (an area's code), ethnicity, age_band, disability

and one column per question of the questionnaire's latest version, named by the question's code: a
scale question is answered 1 (very dissatisfied) to 5 (very satisfied) or left blank (not answered);
a free-text question (e.g. comments) is any text and its column may be left out of the file.

The whole file is checked before anything is written, and every problem is reported with its row
(the line of the file, the header being row 1) and column: a missing or unknown column, a missing or
repeated response_id, a month that is not YYYY-MM, an unknown area, an answer off the scale, an
ethnic group, age band or disability that is not one of those allowed, a row that answers nothing.
If there is any problem nothing is written. Otherwise every new response is written in one
transaction.

Importing the same file again changes nothing: a response_id already imported with the same month,
area, details and answers is counted as unchanged and skipped; one imported before with something
different is a problem naming its row (a response is never silently overwritten: if the earlier
import was wrong, the force corrects it deliberately).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from beacon.core import audit
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.models import Area, User
from beacon.quality import months, questionnaires
from beacon.quality.survey_models import Questionnaire, QuestionnaireVersion, SurveyAnswer, SurveyResponse

FIXED_COLUMNS = ("response_id", "month", "area", "ethnicity", "age_band", "disability")
RESPONSE_ID_MAX = 100
BATCH = 2000


@dataclass
class ImportResult:
    survey: str
    version: int
    file: str
    rows: int = 0
    imported: int = 0
    unchanged: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "survey": self.survey,
            "version": self.version,
            "file": self.file,
            "rows": self.rows,
            "imported": self.imported,
            "unchanged": self.unchanged,
        }


@dataclass
class ParsedRow:
    """One checked row of the file."""

    line: int
    response_id: str
    month: dt.date  # the first of the month
    area_id: int
    about: questionnaires.About
    answers: dict[str, int | str] = field(default_factory=dict)

    def content_hash(self) -> str:
        """What the row says, as a fingerprint: a re-import of the same row has the same one."""
        return content_hash(self.month, self.area_id, self.about, self.answers)


def content_hash(
    month: dt.date, area_id: int, about: questionnaires.About, answers: dict[str, int | str]
) -> str:
    data = {
        "month": months.label(month),
        "area": area_id,
        "ethnicity": about.ethnicity,
        "age_band": about.age_band,
        "disability": about.disability,
        "answers": answers,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


def _read(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and each non-blank row with the line of the file it starts on."""
    rows: list[tuple[int, list[str]]] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = [h.strip() for h in next(reader, [])]
            end = reader.line_num
            for values in reader:
                line, end = end + 1, reader.line_num
                if any(v.strip() for v in values):
                    rows.append((line, values))
    except UnicodeDecodeError as exc:
        raise ValidationFailed([Problem(f"{path.name} is not UTF-8 text ({exc.reason}).", "file")]) from exc
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise ValidationFailed([Problem(f"{path}: no such file.", "file")]) from exc
    except csv.Error as exc:
        raise ValidationFailed([Problem(f"Not a readable CSV file: {exc}.", "file")]) from exc
    return header, rows


def _header_problems(header: list[str], version: QuestionnaireVersion) -> list[Problem]:
    scale = questionnaires.scale_codes(version)
    text = questionnaires.text_codes(version)
    required = [*FIXED_COLUMNS, *scale]
    known = set(required) | set(text)
    problems = [
        Problem(f"Missing column {c} (the file needs {', '.join(required)}).", c, 1)
        for c in required
        if c not in header
    ]
    seen: set[str] = set()
    for c in header:
        if not c:
            problems.append(Problem("A column has no name.", "", 1))
        elif c in seen:
            problems.append(Problem(f"The column {c} appears twice.", c, 1))
        elif c not in known:
            problems.append(
                Problem(
                    f"Unknown column {c}: {version} has no question {c!r} (its questions: "
                    f"{', '.join(scale + text)}).",
                    c,
                    1,
                )
            )
        seen.add(c)
    return problems


def _areas() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for pk, code in Area.objects.values_list("pk", "code"):
        found.setdefault(code.strip().lower(), []).append(pk)
    return found


def _check_row(
    line: int,
    values: dict[str, str],
    version: QuestionnaireVersion,
    areas: dict[str, list[int]],
    problems: list[Problem],
) -> ParsedRow | None:
    before = len(problems)
    rid = values.get("response_id", "")
    if "response_id" in values:
        if not rid:
            problems.append(Problem("Give the response's id.", "response_id", line))
        elif len(rid) > RESPONSE_ID_MAX or any(ord(ch) < 32 for ch in rid):
            problems.append(
                Problem(
                    f"A response id is up to {RESPONSE_ID_MAX} characters, without control characters.",
                    "response_id",
                    line,
                )
            )
    month = None
    if "month" in values:
        try:
            month = months.parse_month(values["month"], "month")
        except ValidationFailed as exc:
            problems.extend(Problem(p.message, p.field, line) for p in exc.problems)
    area_id = 0
    if "area" in values:
        code = values["area"]
        matches = areas.get(code.lower(), []) if code else []
        if not code:
            problems.append(Problem("Give the area's code.", "area", line))
        elif not matches:
            problems.append(Problem(f"There is no area {code!r}.", "area", line))
        elif len(matches) > 1:
            problems.append(Problem(f"More than one force has an area {code!r}.", "area", line))
        else:
            area_id = matches[0]
    about = questionnaires.About()
    try:
        about = questionnaires.check_about(
            values.get("ethnicity", ""), values.get("age_band", ""), values.get("disability", ""), row=line
        )
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    given = {q["code"]: values[q["code"]] for q in version.questions if q["code"] in values}
    answers: dict[str, int | str] = {}
    try:
        answers = questionnaires.check_answers(version, given, field="", row=line)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    else:
        scale = [c for c in questionnaires.scale_codes(version) if c in given]
        if scale and not any(isinstance(v, int) for v in answers.values()):
            problems.append(Problem("The row answers none of the scale questions.", scale[0], line))
    if len(problems) > before or month is None or not area_id:
        return None
    return ParsedRow(line, rid, month, area_id, about, answers)


def _chunks(items: Sequence[str], size: int = 1000) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def check_file(
    path: Path | str, survey: str
) -> tuple[Questionnaire, QuestionnaireVersion, list[ParsedRow], int]:
    """Every row of the file checked (ValidationFailed lists every problem, row = the line of the
    file, field = the column); the rows and how many of them were already imported unchanged."""
    questionnaire = questionnaires.find(survey)
    version = questionnaires.latest_version(questionnaire)
    path = Path(path)
    header, raw = _read(path)
    problems = _header_problems(header, version)
    if not raw:
        problems.append(Problem(f"{path.name} has no responses (only a header, or nothing).", "file"))
    areas = _areas()
    parsed: list[ParsedRow] = []
    first_line: dict[str, int] = {}
    columns = {name: i for i, name in enumerate(header)}
    for line, values in raw:
        if len(values) != len(header):
            problems.append(
                Problem(f"The line has {len(values)} values; the header has {len(header)}.", "", line)
            )
            continue
        row = {h: v.strip() for h, v in zip(header, values, strict=True) if h}
        rid = row.get("response_id", "")
        if rid and rid in first_line:
            problems.append(
                Problem(f"The response id {rid!r} is also on row {first_line[rid]}.", "response_id", line)
            )
        elif rid:
            first_line[rid] = line
        checked = _check_row(line, row, version, areas, problems)
        if checked is not None:
            parsed.append(checked)
    unchanged = 0
    known: dict[str, str] = {}
    ids = [r.response_id for r in parsed]
    for chunk in _chunks(ids):
        known.update(
            SurveyResponse.objects.filter(
                questionnaire=questionnaire, response_id__in=list(chunk)
            ).values_list("response_id", "content_hash")
        )
    for r in parsed:
        if r.response_id not in known:
            continue
        if known[r.response_id] == r.content_hash():
            unchanged += 1
        else:
            problems.append(
                Problem(
                    f"The response id {r.response_id!r} was imported before with a different month, area, "
                    "details or answers; it is not overwritten (correct the file, or the earlier response).",
                    "response_id",
                    r.line,
                )
            )
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: (p.row or 0, columns.get(p.field, -1))))
    return questionnaire, version, parsed, unchanged


def import_responses(actor: User | None, path: Path | str, survey: str) -> ImportResult:
    """Import every new response of the file, or nothing (see the module's description)."""
    questionnaire, version, parsed, unchanged = check_file(path, survey)
    result = ImportResult(survey=questionnaire.code, version=version.version, file=Path(path).name)
    result.rows, result.unchanged = len(parsed), unchanged
    with transaction.atomic(), audit.batched():
        # Read again inside the transaction: a response another import wrote meanwhile is skipped
        # (or, if it differs, the unique constraint refuses the whole import).
        existing: set[str] = set()
        for chunk in _chunks([r.response_id for r in parsed]):
            existing.update(
                SurveyResponse.objects.filter(
                    questionnaire=questionnaire, response_id__in=list(chunk)
                ).values_list("response_id", flat=True)
            )
        todo = [r for r in parsed if r.response_id not in existing]
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            responses = SurveyResponse.objects.bulk_create(
                [
                    SurveyResponse(
                        questionnaire=questionnaire,
                        version=version,
                        response_id=r.response_id,
                        month=r.month,
                        area_id=r.area_id,
                        ethnicity=r.about.ethnicity,
                        age_band=r.about.age_band,
                        disability=r.about.disability,
                        source=SurveyResponse.Source.IMPORT,
                        content_hash=r.content_hash(),
                        created_by=actor,
                    )
                    for r in batch
                ]
            )
            if responses and responses[0].pk is None:  # a database that returns no ids: read them back
                ids = dict(
                    SurveyResponse.objects.filter(
                        questionnaire=questionnaire, response_id__in=[r.response_id for r in batch]
                    ).values_list("response_id", "pk")
                )
                for resp in responses:
                    resp.pk = ids[resp.response_id]
            SurveyAnswer.objects.bulk_create(
                [
                    SurveyAnswer(
                        response_id=resp.pk,
                        question=code,
                        value=value if isinstance(value, int) else None,
                        text=value if isinstance(value, str) else "",
                    )
                    for resp, r in zip(responses, batch, strict=True)
                    for code, value in r.answers.items()
                ],
                batch_size=BATCH * 4,
            )
            audit.record_creates(actor, responses, reason=f"imported from {Path(path).name}")
        result.imported = len(todo)
        result.unchanged += len(parsed) - len(todo) - unchanged
    return result
