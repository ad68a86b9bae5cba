"""`beacon surveys …`: victim satisfaction surveys.

* `beacon surveys import FILE --survey CODE [--json]` imports the results of earlier surveys (see
  `beacon.quality.survey_import` for the file). Every problem is listed with its row and column and
  nothing is written (exit 1); otherwise every new response is written in one transaction. Importing
  the same file again changes nothing. Prints how many were imported and how many were unchanged;
  `--json` prints `{"survey", "version", "file", "rows", "imported", "unchanged"}`.
* `beacon surveys results --survey CODE --from YYYY-MM --to YYYY-MM [--groups NAME=AREA,AREA ...]
  --json` prints `{"survey": CODE, "version": n, "questions": [{"question", "responses",
  "satisfied", "rate", "ci95": [lo, hi]}]}` over all areas; with `--groups` also `"groups"` (each
  group's figures) and `"comparisons"` (every pair of groups in the order given, per question:
  `{"question", "groups": [A, B], "difference", "ci95", "p_value"}`). `--monthly` adds `"months"`
  and `"rolling_12"`; `--breakdowns` adds `"breakdowns"` by ethnicity, ethnic group, age band and
  disability, groups under `--min-responses` (default 30) suppressed. See
  `beacon.quality.survey_results` for the statistics.
* `beacon surveys calls --survey CODE --area CODE --month YYYY-MM --size N --seed S [--save] --json`
  prints `{"survey", "version", "seed", "items": [{"incident": REF, "record": ID}]}`: the victims
  drawn, in order. The same arguments over the same victims give the same list. It only prints
  unless `--save` is given: then the call list is stored and the JSON gains `"call_list": ID`.

The JSON shapes are stable contracts: fields are only ever added.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from beacon.core.management.base import DomainCommand


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.1f}%"


class Command(DomainCommand):
    help = "Quality: victim satisfaction surveys (import earlier results, results, call lists)."
    actions = {
        "import": "Import earlier survey results from a CSV file (all or nothing).",
        "results": "Satisfaction per question with 95% intervals; groups of areas compared.",
        "calls": "Draw a reproducible random call list of eligible victims (prints it; --save stores it).",
    }

    # --- import ---------------------------------------------------------------------------------

    def add_import_arguments(self, p: CommandParser) -> None:
        p.add_argument("file", help="The CSV file.")
        p.add_argument("--survey", required=True, help="The questionnaire's code, e.g. asb-callback.")
        p.add_argument("--json", action="store_true")

    def handle_import(self, file: str, survey: str, json: bool = False, **_: Any) -> None:
        from beacon.core import audit
        from beacon.quality.survey_import import import_responses

        with audit.acting_operator(audit.os_user_label()):
            result = import_responses(None, file, survey)
        if json:
            self.emit_json(result.as_json())
            return
        self.stdout.write(
            f"{result.file} ({result.survey} v{result.version}): imported {result.imported}, "
            f"unchanged {result.unchanged} (already imported)."
        )

    # --- results --------------------------------------------------------------------------------

    def add_results_arguments(self, p: CommandParser) -> None:
        p.add_argument("--survey", required=True, help="The questionnaire's code, e.g. asb-callback.")
        p.add_argument("--from", dest="start", required=True, help="The first month, YYYY-MM.")
        p.add_argument("--to", dest="end", required=True, help="The last month, YYYY-MM (included).")
        p.add_argument(
            "--groups",
            nargs="+",
            action="extend",
            default=[],
            metavar="NAME=AREA,AREA",
            help="Groups of areas to compare, e.g. pilot=N,E control=S,W (each pair, in this order).",
        )
        p.add_argument("--min-responses", default="30", help="Smallest breakdown group shown (default 30).")
        p.add_argument("--monthly", action="store_true", help="Add each month and the rolling 12 months.")
        p.add_argument("--breakdowns", action="store_true", help="Add ethnicity, age band and disability.")
        p.add_argument("--json", action="store_true")

    def handle_results(
        self,
        survey: str,
        start: str,
        end: str,
        groups: list[str],
        min_responses: str,
        monthly: bool,
        breakdowns: bool,
        json: bool = False,
        **_: Any,
    ) -> None:
        from beacon.quality.survey_results import results

        found = results(survey, start, end, groups=groups, min_responses=min_responses)
        if json:
            self.emit_json(found.as_json(monthly=monthly, breakdowns=breakdowns))
            return
        out = self.stdout
        out.write(f"{found.questionnaire.title} (v{found.version.version}), {start} to {end}, all areas")
        for q in found.questions:
            fig = found.overall[q]
            ci = fig.ci95
            interval = f" (95% {_pct(ci[0])} to {_pct(ci[1])})" if ci else ""
            out.write(f"  {q:20} {_pct(fig.rate):>6} satisfied of {fig.responses:,}{interval}")
        for g, figs in found.groups:
            out.write(f"Group {g.name} ({', '.join(g.codes)})")
            for q in found.questions:
                out.write(f"  {q:20} {_pct(figs[q].rate):>6} of {figs[q].responses:,}")
        for c in found.comparisons:
            r = c.result
            if r.difference is None or r.ci95 is None:
                out.write(f"{c.question}: {c.groups[0]} vs {c.groups[1]}: no responses to compare")
                continue
            p = f"p = {r.p_value:.3g}" if r.p_value is not None else "no p-value (every answer alike)"
            out.write(
                f"{c.question}: {c.groups[0]} - {c.groups[1]} = {r.difference * 100:+.1f} points "
                f"(95% {r.ci95[0] * 100:+.1f} to {r.ci95[1] * 100:+.1f}), {p}"
            )

    # --- calls ----------------------------------------------------------------------------------

    def add_calls_arguments(self, p: CommandParser) -> None:
        p.add_argument("--survey", required=True, help="The questionnaire's code, e.g. asb-callback.")
        p.add_argument("--area", required=True, help="An area's code.")
        p.add_argument("--month", required=True, help="YYYY-MM: the month the calls are for.")
        p.add_argument("--size", required=True, help="How many victims to draw.")
        p.add_argument("--seed", required=True, help="A whole number: the same seed gives the same list.")
        p.add_argument("--save", action="store_true", help="Store the call list (default: only print).")
        p.add_argument("--json", action="store_true")

    def handle_calls(
        self,
        survey: str,
        area: str,
        month: str,
        size: str,
        seed: str,
        save: bool,
        json: bool = False,
        **_: Any,
    ) -> None:
        from beacon.core import audit
        from beacon.quality.survey_calls import EXCLUDED, draw_call_list

        with audit.acting_operator(audit.os_user_label()):
            draw = draw_call_list(None, survey, area, month, size, seed, save=save)
        if json:
            self.emit_json(draw.as_json())
            return
        self.stdout.write(
            f"{draw.version} {draw.area.code} {month}: {draw.size} of {draw.population} eligible victims, "
            f"seed {draw.seed}"
        )
        for reason, n in sorted(draw.eligibility.excluded.items()):
            self.stdout.write(f"  left out: {n} {EXCLUDED[reason]}")
        for c in draw.rows:
            self.stdout.write(f"  {c.reference}  contact record {c.record_id}")
        if draw.call_list is not None:
            self.stdout.write(f"Saved as call list {draw.call_list.pk}.")
