"""`beacon risk …`: score answers under an instrument version, exactly as an assessment would."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from beacon.core.errors import ValidationFailed
from beacon.core.management.base import DomainCommand


class Command(DomainCommand):
    help = "Risk assessment: score answers under an instrument version."
    actions = {
        "score": (
            "Score a JSON file of answers ({question key: answer}) under NAME (its published version) or "
            "NAME@VERSION, without writing anything; exit non-zero listing every problem in the answers."
        ),
    }

    def add_score_arguments(self, p: CommandParser) -> None:
        p.add_argument("--instrument", required=True, metavar="NAME[@VERSION]")
        p.add_argument("--answers", required=True, type=Path, metavar="FILE.json")
        p.add_argument(
            "--neighbourhood", default="", metavar="CODE", help="Where it happened, for location weights."
        )
        p.add_argument(
            "--postcode",
            default="",
            help="Where it happened: placed in its neighbourhood, with the local priorities active there.",
        )
        p.add_argument("--json", action="store_true", help="Print the result as one JSON object.")

    def handle_score(
        self, instrument: str, answers: Path, neighbourhood: str, postcode: str, json: bool = False, **_: Any
    ) -> None:
        from beacon.risk import scoring, selectors

        version = selectors.resolve_version(instrument)
        try:
            raw = jsonlib.loads(answers.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValidationFailed.one(f"Cannot read {answers}: {exc.strerror}.", "answers") from exc
        except (jsonlib.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValidationFailed.one(f"{answers.name} is not valid JSON: {exc}.", "answers") from exc
        location = selectors.location_for(neighbourhood=neighbourhood, postcode=postcode)
        result = scoring.score(version.questions, version.location_weights, version.thresholds, raw, location)
        out = {
            "instrument": version.instrument.name,
            "version": version.version,
            "score": result.score,
            "level": result.level_label,
            "contributions": [
                {"question": c["question"], "answer": c["answer"], "points": c["points"]}
                for c in result.contributions
            ],
        }
        if json:
            self.emit_json(out)
            return
        self.stdout.write(
            f"{version.instrument.name}@{version.version}: {result.score} points, {result.level_label}"
        )
        for c in result.contributions:
            self.stdout.write(f"  {c['points']:>3}  {c['question']}: {c['answer']}")
