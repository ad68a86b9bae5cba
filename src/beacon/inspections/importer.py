"""Import an improvement plan from a CSV or XLSX file: all of it or none of it.

One row is one finding allocated to one portfolio, with at most one progress update and at most one
transfer out. Rows with the same (inspection, ref, portfolio) are the same allocation; each of its
rows that has an update_date adds one update to that allocation's history.

The import runs in three steps: every row is parsed and checked against the others, then the file
is compared with what Beacon already holds, and only when no problem was found anywhere is anything
written — in one transaction, in bulk, with an audit entry for every record created or changed.
Records already present are matched (inspections by title, findings by ref, portfolios by name,
updates by content), so importing the same file twice changes nothing the second time.

Plans as forces print them are accepted: an update without a date of update is taken as given on the
date the plan is as at (`as_at`, default today) and marked "date not given"; a finding's category or
text printed with different case, spacing or punctuation in different rows (or in Beacon) is the same
finding, keeping the first spelling. Both are listed in the result's `notes`, which are not errors.

An update dated in the future, or before its inspection was published (`Inspection.published`, where
Beacon already holds the inspection with that date: the file has no publication date), is a problem
at its row and column update_date, as on the update form and the API.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from beacon.core import audit
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.formatting import display_date
from beacon.core.models import User
from beacon.inspections import plan_parsing as pp
from beacon.inspections.models import (
    Allocation,
    Finding,
    Inspection,
    Portfolio,
    ProgressUpdate,
    update_date_problem,
)

BATCH = 1000
_M = TypeVar("_M", bound=models.Model)


@dataclass
class ImportResult:
    rows: int = 0
    inspections_created: int = 0
    findings_created: int = 0
    portfolios_created: int = 0
    allocations_created: int = 0
    updates_created: int = 0
    transfers: int = 0
    records_updated: int = 0
    undated_updates: int = 0  # updates given without a date, taken as given on as_at
    source_name: str = ""
    as_at: date | None = field(default=None, compare=False)  # the date undated updates were given
    notes: list[Problem] = field(default_factory=list)  # accepted, but worth knowing (row, column)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["as_at"] = self.as_at.isoformat() if self.as_at else None
        d["notes"] = [n.as_dict() for n in self.notes]
        return d

    def note_lines(self) -> list[str]:
        """Each note as "Note: row 12, column category: …", for the command's output."""
        return [f"Note: {n}" for n in self.notes]

    def describe(self) -> str:
        made = [
            _plural(n, word)
            for n, word in (
                (self.inspections_created, "inspection"),
                (self.findings_created, "finding"),
                (self.portfolios_created, "portfolio"),
                (self.allocations_created, "allocation"),
                (self.updates_created, "progress update"),
            )
            if n
        ]
        parts = [f"created {pp.join_words(made)}"] if made else []
        if self.transfers:
            parts.append(f"recorded {_plural(self.transfers, 'transfer')}")
        if self.records_updated:
            parts.append(f"updated {_plural(self.records_updated, 'existing record')}")
        source = f" from {self.source_name}" if self.source_name else ""
        if not parts:
            return (
                f"Read {_plural(self.rows, 'row')}{source}: all of it was already in Beacon; nothing changed."
            )
        return f"Imported {_plural(self.rows, 'row')}{source}: {'; '.join(parts)}."


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def import_plan(
    path: Path, *, actor: User | None, source_name: str = "", as_at: date | None = None
) -> ImportResult:
    """Import a plan file (.csv in UTF-8, or .xlsx). Raises ValidationFailed listing every problem.
    `as_at`: the date the plan is as at, given to updates printed without a date (default today)."""
    name = source_name or path.name
    as_at = _check_as_at(as_at)
    with _collector_paused():
        header, rows = pp.read_plan_file(path, name)
        return import_rows(header, rows, actor=actor, source_name=name, as_at=as_at)


def _check_as_at(as_at: date | None) -> date:
    today = timezone.localdate()
    if as_at is None:
        return today
    if as_at > today:
        raise ValidationFailed(
            [Problem(f"The plan's as-at date {display_date(as_at)} is in the future.", "as_at")]
        )
    return as_at


def import_rows(
    header: list[str],
    rows: list[list[object]],
    *,
    actor: User | None,
    source_name: str,
    as_at: date | None = None,
) -> ImportResult:
    """Import parsed rows (data row i is row i + 2 as a spreadsheet numbers it; row 1 is the header)."""
    as_at = _check_as_at(as_at)
    with _collector_paused():
        parsed = pp.PlanFile(as_at)
        parsed.read(header, rows)
        plan = _PlanImport(actor, source_name, parsed)
        with transaction.atomic():
            plan.compare_with_database()
            if plan.problems:
                order = sorted(plan.problems, key=lambda p: (p.row or 0, pp.COLUMN_ORDER.get(p.field, -1)))
                raise ValidationFailed(order)
            plan.write()
        plan.result.notes = sorted(plan.notes, key=lambda p: (p.row or 0, pp.COLUMN_ORDER.get(p.field, -1)))
        return plan.result


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a large plan makes hundreds of thousands of short-lived
    objects and no cycles worth collecting meanwhile, and the import runs about a fifth faster."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class _PlanImport:
    def __init__(self, actor: User | None, source_name: str, plan: pp.PlanFile) -> None:
        self.actor = actor
        self.reason = f"Imported from {source_name}" if source_name else "Plan import"
        self.result = ImportResult(rows=plan.rows, source_name=source_name, as_at=plan.as_at)
        self.problems = plan.problems
        self.notes = plan.notes
        self.inspections = plan.inspections
        self.findings = plan.findings
        self.portfolios = plan.portfolios
        self.allocs = plan.allocs
        self.plan = plan
        # what Beacon already holds
        self.db_inspections: dict[str, Inspection] = {}
        self.db_findings: dict[tuple[str, str], Finding] = {}
        self.db_refs: dict[int, str] = {}
        self.max_position: dict[str, int] = defaultdict(int)
        self.db_portfolios: dict[str, Portfolio] = {}
        self.db_allocs: dict[tuple[int, int], list[Allocation]] = defaultdict(list)
        self.db_hashes: set[tuple[int, str]] = set()
        self.users: dict[str, int | None] = {}
        self.changes: dict[int, tuple[Finding | Portfolio | Allocation, dict[str, Any]]] = {}
        # every record by natural key, existing or new
        self.alloc_objs: dict[tuple[str, str, str], Allocation] = {}
        self.finding_objs: dict[tuple[str, str], Finding] = {}
        self.portfolio_objs: dict[str, Portfolio] = {}

    def problem(self, message: str, column: str = "", row: int | None = None) -> None:
        self.problems.append(Problem(message, field=column, row=row))

    # --- step 2: the file against what Beacon holds -------------------------------------------

    def compare_with_database(self) -> None:
        self._load()
        self._check_transfer_targets()
        self.plan.check_leads(set(self.portfolios) | set(self.db_portfolios))
        self._check_parents()
        self._compare_findings()
        self._compare_portfolios()
        self._compare_allocations()
        self._check_update_dates()

    def _load(self) -> None:
        self.db_inspections = {
            i.title: i for i in Inspection.objects.filter(title__in=list(self.inspections))
        }
        title_of = {i.pk: t for t, i in self.db_inspections.items()}
        names = set(self.portfolios) | {s.transfer_to for s in self.allocs.values() if s.transfer_to}
        self.db_portfolios = {p.name: p for p in Portfolio.objects.filter(name__in=sorted(names))}
        self.users = _user_index()
        if not title_of:
            return
        for f in Finding.objects.filter(inspection_id__in=title_of):
            title = title_of[f.inspection_id]
            self.db_findings[(title, f.ref)] = f
            self.db_refs[f.pk] = f.ref
            self.max_position[title] = max(self.max_position[title], f.position)
        for a in Allocation.objects.filter(finding__inspection_id__in=title_of):
            self.db_allocs[(a.finding_id, a.portfolio_id)].append(a)
        self.db_hashes = set(
            ProgressUpdate.objects.filter(allocation__finding__inspection_id__in=title_of).values_list(
                "allocation_id", "content_hash"
            )
        )

    def _change(self, obj: Finding | Portfolio | Allocation, **changes: Any) -> None:
        """Remember a change to an existing record (a value may be a callable, resolved when writing)."""
        self.changes.setdefault(id(obj), (obj, {}))[1].update(changes)

    def _check_transfer_targets(self) -> None:
        known = set(self.portfolios) | set(self.db_portfolios)
        for spec in self.allocs.values():
            if spec.transfer_to and spec.transfer_to not in known:
                self.problem(
                    f"Transfer to unknown portfolio {spec.transfer_to}: it has no rows in this file and is "
                    "not in Beacon.",
                    "transferred_to",
                    spec.transfer_row,
                )

    def _parent_of(self, key: tuple[str, str]) -> tuple[str, str] | None:
        row = self.findings.get(key)
        if row is not None and row.parent_ref:
            return (key[0], row.parent_ref)
        f = self.db_findings.get(key)
        if f is not None and f.parent_id is not None and f.parent_id in self.db_refs:
            return (key[0], self.db_refs[f.parent_id])
        return None

    def _check_parents(self) -> None:
        for key, row in self.findings.items():
            title, ref = key
            if not row.parent_ref:
                continue
            if row.parent_ref == ref:
                self.problem(f"{ref} cannot be its own parent.", "parent_ref", row.n)
                continue
            parent = (title, row.parent_ref)
            if parent not in self.findings and parent not in self.db_findings:
                self.problem(
                    f"parent_ref {row.parent_ref} is not a finding of {title} (in this file or in Beacon).",
                    "parent_ref",
                    row.n,
                )
                continue
            chain = [key]
            up = self._parent_of(key)
            while up is not None and up not in chain:
                chain.append(up)
                up = self._parent_of(up)
            in_file = [k for k in chain if k in self.findings]
            if up == key and min(in_file, key=lambda k: self.findings[k].n) == key:
                loop = " → ".join(k[1] for k in [*chain, key])
                self.problem(f"parent_ref makes a loop: {loop}.", "parent_ref", row.n)

    def _compare_findings(self) -> None:
        for key, row in self.findings.items():
            f = self.db_findings.get(key)
            if f is None:
                continue
            have_text = pp.cell_text(f.text)
            if "text" not in row.bad and have_text != row.text:
                if pp.same_words(have_text, row.text):
                    self._note_variant(row, "text", f"The text of {row.ref}", "Beacon's text")
                else:
                    self.problem(
                        f"Row {row.n} gives different text for {row.ref} from the text already in Beacon.",
                        "text",
                        row.n,
                    )
            if row.kind and f.kind != row.kind:
                self.problem(
                    f"Row {row.n} gives kind {row.kind} for {row.ref} but Beacon has {f.kind}.", "kind", row.n
                )
            for attr in ("category", "pages"):
                value, have = getattr(row, attr), getattr(f, attr)
                if value and not have:
                    self._change(f, **{attr: value})
                elif value and have != value and attr == "category" and pp.same_words(have, value):
                    self._note_variant(row, attr, f"Category '{value}' for {row.ref}", f"Beacon's '{have}'")
                elif value and have != value:
                    self.problem(
                        f"Row {row.n} gives {attr} '{value}' for {row.ref} but Beacon has '{have}'.",
                        attr,
                        row.n,
                    )
            parent = row.parent_ref
            if parent and parent != row.ref and f.parent_id is None:
                self._change(f, parent_id=lambda k=(key[0], parent): self.finding_objs[k].pk)
            elif parent and f.parent_id is not None and self.db_refs.get(f.parent_id) != parent:
                self.problem(
                    f"Row {row.n} gives parent_ref {parent} for {row.ref} but Beacon has "
                    f"{self.db_refs.get(f.parent_id, 'another parent')}.",
                    "parent_ref",
                    row.n,
                )

    def _note_variant(self, row: pp.Row, column: str, what: str, kept: str) -> None:
        self.notes.append(
            Problem(
                f"{what} differs from Beacon's only in case, spacing or punctuation: the same finding, so "
                f"{kept} is kept.",
                column,
                row.n,
            )
        )

    def _compare_portfolios(self) -> None:
        for name, spec in self.portfolios.items():
            p = self.db_portfolios.get(name)
            if p is None:
                continue
            for attr, column in (("holder", "portfolio_holder"), ("plan_owner", "plan_owner")):
                value, have, row = getattr(spec, attr), getattr(p, attr), getattr(spec, f"{attr}_row")
                if value and not have:
                    self._change(p, **{attr: value, f"{attr}_user_id": self._user(value)})
                elif value and have != value:
                    self.problem(
                        f"Row {row} gives {column} '{value}' for {name} but Beacon has '{have}'.", column, row
                    )

    def _compare_allocations(self) -> None:
        for spec in self.allocs.values():
            f = self.db_findings.get(spec.key[:2])
            p = self.db_portfolios.get(spec.key[2])
            candidates = self.db_allocs.get((f.pk, p.pk), []) if f and p else []
            match = self._match(spec, candidates) if candidates else None
            if match is None:
                continue
            self.alloc_objs[spec.key] = match
            if spec.first is None:
                continue
            a, ref, name, row = match, spec.key[1], spec.key[2], spec.row
            if "role" not in spec.first.bad and a.role != spec.role:
                self.problem(
                    f"Row {row} gives role {spec.role} for {ref} in {name} but Beacon has {a.role}.",
                    "role",
                    row,
                )
            for attr, value, have, column, at in (
                ("action_owner", spec.action_owner, a.action_owner, "action_owner", row),
                ("due_date", spec.due_date, a.due_date, "due_date", row),
                ("started_on", spec.started_on, a.started_on, "transferred_on", spec.started_row),
            ):
                if value and not have:
                    extra = (
                        {"action_owner_user_id": self._user(spec.action_owner)}
                        if attr == "action_owner"
                        else {}
                    )
                    self._change(a, **{attr: value}, **extra)
                elif value and have != value:
                    self.problem(
                        f"Row {at}: {ref} in {name} has {attr.replace('_', ' ')} {_show(value)} here but "
                        f"{_show(have)} in Beacon.",
                        column,
                        at,
                    )

    def _check_update_dates(self) -> None:
        """An update dated in the future, or before its inspection was published (where Beacon has
        that date), is refused at its row; one already recorded in Beacon is left as it is."""
        today = timezone.localdate()
        for spec in self.allocs.values():
            inspection = self.db_inspections.get(spec.key[0])
            published = inspection.published if inspection is not None else None
            existing = self.alloc_objs.get(spec.key)  # matched in Beacon (set by _compare_allocations)
            for u in spec.updates:
                message = update_date_problem(u.date, published=published, today=today)
                if message is None:
                    continue
                if existing is not None:
                    digest = ProgressUpdate.hash_content(u.date, u.status, u.text, date_given=u.date_given)
                    if (existing.pk, digest) in self.db_hashes:
                        continue
                if not u.date_given:
                    message = (
                        f"No date of update, so the update is taken as given on {display_date(u.date)}, the "
                        f"date the plan is as at. {message} Give the date of update, or import the plan "
                        "as at a later date."
                    )
                self.problem(message, "update_date", u.row)

    def _match(self, spec: pp.AllocSpec, candidates: list[Allocation]) -> Allocation | None:
        """The existing allocation these rows describe: the open one, or an ended one that matches."""
        open_ = next((a for a in candidates if a.ended_on is None), None)
        latest = max(candidates, key=lambda a: (a.ended_on or date.max, a.pk))
        if not spec.transfer_to:
            return open_ or latest
        target = self.db_portfolios.get(spec.transfer_to)
        for a in candidates:
            if (
                a.ended_by_transfer
                and a.ended_on == spec.transfer_on
                and target
                and a.transferred_to_id == target.pk
            ):
                return a
        if open_ is not None:
            to = spec.transfer_to
            self._change(
                open_,
                ended_on=spec.transfer_on,
                ended_by_transfer=True,
                transferred_to_id=lambda: self.portfolio_objs[to].pk,
            )
            return open_
        self.problem(
            f"Beacon records {spec.key[1]} in {spec.key[2]} as ended on {_show(latest.ended_on)}; this row "
            f"transfers it to {spec.transfer_to} on {_show(spec.transfer_on)}.",
            "transferred_on",
            spec.transfer_row,
        )
        return None

    def _user(self, name: str) -> int | None:
        return self.users.get(name.strip().lower()) if name else None

    # --- step 3: write -----------------------------------------------------------------------

    def write(self) -> None:
        r = self.result
        new_inspections = [Inspection(title=t) for t in self.inspections if t not in self.db_inspections]
        _bulk_create(new_inspections, Inspection.objects.filter(title__in=list(self.inspections)), ("title",))
        inspections = {**self.db_inspections, **{i.title: i for i in new_inspections}}
        scope = list(inspections.values())

        new_portfolios = [
            Portfolio(
                name=s.name,
                holder=s.holder,
                holder_user_id=self._user(s.holder),
                plan_owner=s.plan_owner,
                plan_owner_user_id=self._user(s.plan_owner),
            )
            for name, s in self.portfolios.items()
            if name not in self.db_portfolios
        ]
        _bulk_create(new_portfolios, Portfolio.objects.filter(name__in=list(self.portfolios)), ("name",))
        self.portfolio_objs = {**self.db_portfolios, **{p.name: p for p in new_portfolios}}

        new_findings: list[Finding] = []
        self.finding_objs = dict(self.db_findings)
        levels: dict[int, list[Finding]] = defaultdict(list)
        depth: dict[tuple[str, str], int] = {}
        for key, row in self.findings.items():
            if key in self.db_findings:
                continue
            self.max_position[key[0]] += 1
            f = Finding(
                inspection=inspections[key[0]],
                ref=row.ref,
                kind=row.kind or "",
                category=row.category,
                text=row.text,
                pages=row.pages,
                position=self.max_position[key[0]],
            )
            new_findings.append(f)
            self.finding_objs[key] = f
            levels[self._depth(key, depth)].append(f)
        # Parents before children, so that each finding is inserted with its parent's id.
        for level in sorted(levels):
            for f in levels[level]:
                parent = self.findings[(f.inspection.title, f.ref)].parent_ref
                f.parent_id = self.finding_objs[(f.inspection.title, parent)].pk if parent else None
            _bulk_create(
                levels[level], Finding.objects.filter(inspection__in=scope), ("inspection_id", "ref")
            )

        new_allocs = []
        for spec in self.allocs.values():
            if spec.key in self.alloc_objs:
                continue
            inspection, ref, name = spec.key
            a = Allocation(
                finding=self.finding_objs[(inspection, ref)],
                portfolio=self.portfolio_objs[name],
                role=spec.role,
                action_owner=spec.action_owner,
                due_date=spec.due_date,
                action_owner_user_id=self._user(spec.action_owner),
                started_on=spec.started_on,
            )
            if spec.transfer_to:
                a.ended_on, a.ended_by_transfer = spec.transfer_on, True
                a.transferred_to = self.portfolio_objs[spec.transfer_to]
                r.transfers += 1
            self.alloc_objs[spec.key] = a
            new_allocs.append(a)
        _bulk_create(
            new_allocs,
            Allocation.objects.filter(finding__inspection__in=scope),
            ("finding_id", "portfolio_id"),
        )

        new_updates = []
        seen = set(self.db_hashes)
        for spec in self.allocs.values():
            alloc = self.alloc_objs[spec.key]
            for u in spec.updates:
                digest = ProgressUpdate.hash_content(u.date, u.status, u.text, date_given=u.date_given)
                if (alloc.pk, digest) not in seen:
                    seen.add((alloc.pk, digest))
                    # content_hash is given here: bulk_create does not call save(), which sets it.
                    new_updates.append(
                        ProgressUpdate(
                            allocation_id=alloc.pk,
                            date=u.date,
                            date_given=u.date_given,
                            status=u.status,
                            text=u.text,
                            content_hash=digest,
                        )
                    )
        _bulk_create(
            new_updates,
            ProgressUpdate.objects.filter(allocation__finding__inspection__in=scope),
            ("allocation_id", "content_hash"),
        )

        self._apply_changes()
        created: list[models.Model] = [
            *new_inspections,
            *new_portfolios,
            *new_findings,
            *new_allocs,
            *new_updates,
        ]
        audit.record_creates(self.actor, created, reason=self.reason)
        r.inspections_created, r.portfolios_created = len(new_inspections), len(new_portfolios)
        r.findings_created, r.allocations_created = len(new_findings), len(new_allocs)
        r.updates_created = len(new_updates)
        r.undated_updates = sum(not u.date_given for u in new_updates)

    def _depth(self, key: tuple[str, str], depth: dict[tuple[str, str], int]) -> int:
        """How many new findings are above this one (0: no parent, or its parent is already in Beacon)."""
        chain = []
        while key not in depth:
            parent = self.findings[key].parent_ref
            if not parent or (key[0], parent) in self.db_findings:
                depth[key] = 0
                break
            chain.append(key)
            key = (key[0], parent)
        d = depth[key]
        for k in reversed(chain):
            d += 1
            depth[k] = d
        return d

    def _apply_changes(self) -> None:
        for obj, changes in self.changes.values():
            before = audit.snapshot(obj)
            for attr, value in changes.items():
                setattr(obj, attr, value() if callable(value) else value)
            obj.version += 1
            obj.save(update_fields=[*(a.removesuffix("_id") for a in changes), "version"])
            audit.record_update(self.actor, obj, before, reason=self.reason)
            self.result.records_updated += 1
            if isinstance(obj, Allocation) and "ended_by_transfer" in changes:
                self.result.transfers += 1


def _show(value: object) -> str:
    return display_date(value) if isinstance(value, date) else f"'{value}'"


def _bulk_create(objs: list[_M], scope: models.QuerySet[_M], key: tuple[str, ...]) -> None:
    """Insert in batches. Where the database does not return new ids (SQLite before 3.35), look them
    up by natural key within `scope` (the newest record with that key is the one just inserted)."""
    if not objs:
        return
    type(objs[0])._default_manager.bulk_create(objs, batch_size=BATCH)
    missing = [o for o in objs if o.pk is None]
    if missing:
        ids = {tuple(v[1:]): v[0] for v in scope.order_by("pk").values_list("pk", *key)}
        for o in missing:
            o.pk = ids[tuple(getattr(o, k) for k in key)]


def _user_index() -> dict[str, int | None]:
    """Active users by lower-cased full name and job title, as services.match_user matches them:
    the id where exactly one user has that name, else None."""
    ids: dict[str, set[int]] = defaultdict(set)
    for pk, first, last, title in User.objects.filter(is_active=True).values_list(
        "pk", "first_name", "last_name", "job_title"
    ):
        for name in (f"{first} {last}", title):
            if name.strip():
                ids[name.lower()].add(pk)
    return {name: next(iter(found)) if len(found) == 1 else None for name, found in ids.items()}
