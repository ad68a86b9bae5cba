"""`beacon people …`: load, cluster (for cron), lookup, eval, undo."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from beacon.core.errors import ValidationFailed
from beacon.core.management.base import DomainCommand


class Command(DomainCommand):
    help = "The person index: load records, cluster, look up, evaluate."
    actions = {
        "load": (
            "Load contact records from a CSV "
            "(record_id, forename, surname, dob, phone, email, address, postcode)."
        ),
        "cluster": "Score and cluster the whole index (retrain on request); fills the review queue.",
        "lookup": "Look a caller up as the call-taking form does.",
        "eval": "Measure batch and online accuracy and speed on a labelled file (in a fresh database).",
        "undo": "Undo the record moves of a cluster run.",
    }

    # load -----------------------------------------------------------------------------------------
    def add_load_arguments(self, p: CommandParser) -> None:
        p.add_argument("file", type=Path)
        p.add_argument("--source", default="import")
        p.add_argument("--strict", action="store_true", help="Refuse the file if any value is unparseable.")

    def handle_load(self, file: Path, source: str, strict: bool, **_: Any) -> None:
        from beacon.people.loading import load_records, read_csv

        rows = read_csv(file, required=("forename", "surname"))
        recs = load_records(None, rows, source=source, strict=strict)
        self.stdout.write(f"loaded {len(recs)} records")

    # cluster --------------------------------------------------------------------------------------
    def add_cluster_arguments(self, p: CommandParser) -> None:
        p.add_argument("--train", action="store_true", help="Retrain the model first.")
        p.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb")
        p.add_argument("--seed", type=int, default=42)
        p.add_argument("--json", action="store_true")

    def handle_cluster(self, train: bool, backend: str, seed: int, json: bool = False, **_: Any) -> None:
        from beacon.people import batch

        spark = _spark() if backend == "spark" else None
        result = batch.run(None, retrain=train, backend=backend, spark=spark, seed=seed)
        if json:
            self.emit_json(result.as_dict())
        else:
            self.stdout.write(
                f"run {result.run_id}: {result.records} records in {result.persons} persons; "
                f"{result.moved} moved, {result.merged} merges, {result.review_pairs} pairs for review "
                f"(model v{result.model_version}, {result.timings.get('total_s', 0):.1f} s)"
            )

    # lookup ---------------------------------------------------------------------------------------
    def add_lookup_arguments(self, p: CommandParser) -> None:
        for f in ("forename", "surname", "dob", "phone", "email", "address", "postcode"):
            p.add_argument(f"--{f}", default="")
        p.add_argument("--limit", type=int, default=10)
        self.add_purpose_argument(p)
        p.add_argument("--json", action="store_true")

    def handle_lookup(self, limit: int, purpose: str, json: bool = False, **opts: Any) -> None:
        from beacon.core.audit import acting_operator, os_user_label
        from beacon.people.selectors import lookup

        reason = self.require_purpose(purpose)
        raw = {f: opts[f] for f in ("forename", "surname", "dob", "phone", "email", "address", "postcode")}
        try:
            with acting_operator(os_user_label()):
                found = lookup(raw, actor=None, reason=f"command-line lookup: {reason}", limit=limit)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.emit_json(
                {"query": {k: v for k, v in raw.items() if v}, "candidates": [c.as_dict() for c in found]}
            )
            return
        if not found:
            self.stdout.write("no matching people")
        for c in found:
            flags = ", ".join(f.label for f in c.flags) or "no flags"
            self.stdout.write(f"person {c.person_id}: {c.probability:.3f} ({flags})")
            self.stdout.write("   " + "; ".join(x.describe() for x in c.contributions))

    # eval -----------------------------------------------------------------------------------------
    def add_eval_arguments(self, p: CommandParser) -> None:
        p.add_argument("file", type=Path)
        p.add_argument("--holdout-fraction", type=float, default=0.05)
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb")
        p.add_argument(
            "--database-url",
            default="",
            help="Evaluate in this (empty) database instead of a temporary SQLite file.",
        )
        p.add_argument(
            "--in-place",
            action="store_true",
            # internal: run in the current database
            help="Run in the configured database (which must hold no records).",
        )
        p.add_argument("--json", action="store_true")

    def handle_eval(
        self,
        file: Path,
        holdout_fraction: float,
        seed: int,
        backend: str,
        database_url: str,
        in_place: bool,
        json: bool = False,
        **_: Any,
    ) -> None:
        if not 0 <= holdout_fraction < 1:
            raise ValidationFailed.one("--holdout-fraction must be from 0 to below 1.", "holdout-fraction")
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        if not in_place:
            self._eval_in_fresh_database(file, holdout_fraction, seed, backend, database_url, json)
            return
        from beacon.people.evaluation import evaluate

        try:
            result = evaluate(
                file,
                holdout_fraction=holdout_fraction,
                seed=seed,
                backend=backend,
                spark=_spark() if backend == "spark" else None,
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.emit_json(result)
        else:
            b, o = result["batch"], result["online"]
            self.stdout.write(
                f"{result['records']} records; batch F1 {b['f1']} (P {b['precision']}, R {b['recall']}), "
                f"online F1 {o['f1']} over {o['queries']} queries, p99 {o['p99_ms']} ms"
            )

    def _eval_in_fresh_database(
        self, file: Path, holdout: float, seed: int, backend: str, url: str, json: bool
    ) -> None:
        tmp = tempfile.mkdtemp(prefix="beacon-eval-")
        env = {
            **os.environ,
            "DATABASE_URL": url or f"sqlite:///{tmp}/eval.sqlite3",
            "BEACON_MODEL_DIR": str(Path(tmp) / "models"),
        }
        base = [sys.executable, "-m", "beacon"]
        subprocess.run([*base, "migrate", "--verbosity", "0"], env=env, check=True)  # noqa: S603
        cmd = [
            *base,
            "people",
            "eval",
            str(file.resolve()),
            "--in-place",
            "--holdout-fraction",
            str(holdout),
            "--seed",
            str(seed),
            "--backend",
            backend,
        ] + (["--json"] if json else [])
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603
        self.stdout.write(done.stdout.rstrip("\n"))
        if done.returncode != 0:
            self.stderr.write(done.stderr)
            raise CommandError("evaluation failed", returncode=done.returncode)

    # undo -----------------------------------------------------------------------------------------
    def add_undo_arguments(self, p: CommandParser) -> None:
        p.add_argument("run", type=int)
        p.add_argument("--reason", required=True)

    def handle_undo(self, run: int, reason: str, **_: Any) -> None:
        from beacon.people.models import RecordMove
        from beacon.people.services import undo_moves

        moves = list(RecordMove.objects.filter(run_id=run, undone_at__isnull=True))
        n = undo_moves(None, moves, reason=reason)
        self.stdout.write(f"{n} record moves undone")


def _spark() -> Any:
    from beacon.people.spark import local_session

    return local_session()
