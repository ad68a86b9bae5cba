"""`beacon inspections …`: work with inspection reports."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from beacon.core.management.base import DomainCommand


class Command(DomainCommand):
    help = "Inspection reports: extract a draft of grades, recommendations and areas for improvement."
    actions = {
        "extract": "Extract grades, recommendations and areas for improvement from a .txt or .pdf report.",
    }

    def add_extract_arguments(self, p: CommandParser) -> None:
        p.add_argument("file", type=Path, help="The report, as a .txt or .pdf file.")
        p.add_argument("--json", action="store_true", help="Print the draft as JSON.")

    def handle_extract(self, file: Path, json: bool = False, **_: Any) -> None:
        from beacon.inspections.extract import extract_file

        if not file.exists():
            raise CommandError(f"{file}: no such file")
        draft = extract_file(file)
        if json:
            self.emit_json(draft)
        else:
            self.write_summary(file, draft)

    def write_summary(self, file: Path, draft: dict[str, list[dict[str, Any]]]) -> None:
        grades, recs, afis = draft["grades"], draft["recommendations"], draft["areas_for_improvement"]
        if not (grades or recs or afis):
            self.stdout.write(f"{file.name}: no grades, recommendations or areas for improvement were found.")
            return
        self.stdout.write(f"{file.name}\n\nGraded areas ({len(grades)})")
        for g in grades:
            dist = ", ".join(f"{k} {v}" for k, v in g["national_distribution"].items())
            self.stdout.write(f"  {g['area']}: {g['grade']}" + (f"  (nationally: {dist})" if dist else ""))
        self.stdout.write(f"\nRecommendations ({len(recs)})")
        for r in recs:
            self.stdout.write(self._item(f"{r['number']}.", r["area"], r["text"]))
        self.stdout.write(f"\nAreas for improvement ({len(afis)})")
        for a in afis:
            self.stdout.write(self._item("-", a["area"], a["text"]))

    @staticmethod
    def _item(marker: str, area: str, text: str) -> str:
        lead = f"  {marker} "
        body = f"[{area}] {text}" if area else text
        return textwrap.fill(body, width=100, initial_indent=lead, subsequent_indent=" " * len(lead))
