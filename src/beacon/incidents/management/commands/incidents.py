"""`beacon incidents …`: import historic incidents, look a caller up as the call-taking form does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from beacon.core.errors import ValidationFailed
from beacon.core.management.base import DomainCommand

LOOKUP_REASON = "command-line lookup"


class Command(DomainCommand):
    help = "Incidents: import historic records; look a caller up as the call-taking form does."
    actions = {
        "import": (
            "Import incidents from a CSV file, all or nothing: Beacon's format or the data.police.uk "
            "street-level format (docs/incidents-import.md). Re-importing a file creates nothing new."
        ),
        "lookup": (
            "What the call-taking form shows for a caller: matching people with probability and why, "
            "their contacts in the window, flags, open cases, and incidents nearby."
        ),
    }

    # import ---------------------------------------------------------------------------------------
    def add_import_arguments(self, p: CommandParser) -> None:
        p.add_argument("file", type=Path)
        p.add_argument("--format", dest="fmt", choices=["beacon", "police-uk"], default="beacon")
        p.add_argument("--json", action="store_true", help="Print the summary as one JSON object.")

    def handle_import(self, file: Path, fmt: str, json: bool = False, **_: Any) -> None:
        from beacon.incidents.importer import import_incidents

        try:
            result = import_incidents(
                None,
                file,
                fmt="police-uk" if fmt == "police-uk" else "beacon",
                progress=lambda it, total: self.progress(it, total=total, desc="writing"),
            )
        except ValidationFailed as exc:
            for p in exc.problems:
                where = ", ".join(x for x in (f"row {p.row}" if p.row else "", p.field) if x)
                self.stderr.write(f"{where}: {p.message}" if where else p.message)
            raise CommandError(
                f"{len(exc.problems)} problem(s) in {file.name}; nothing was written.", returncode=1
            ) from exc
        if json:
            self.emit_json(result.as_dict())
            return
        self.stdout.write(
            f"{result.file}: {result.rows} rows; {result.created} incidents created, "
            f"{result.already_imported} already imported; {result.placed} placed in a neighbourhood "
            f"({result.rows / result.seconds if result.seconds else 0:.0f} rows/s)"
        )
        for reason, n in sorted(result.not_placed.items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"  not placed, {reason}: {n}")

    # lookup ---------------------------------------------------------------------------------------
    def add_lookup_arguments(self, p: CommandParser) -> None:
        p.add_argument("--name", default="", help="Full name, e.g. 'Margaret Whitfield'.")
        for f in ("forename", "surname", "dob", "phone", "email", "address", "postcode"):
            p.add_argument(f"--{f}", default="")
        p.add_argument("--lat", type=float, default=None)
        p.add_argument("--lon", type=float, default=None)
        self.add_purpose_argument(p)
        p.add_argument("--json", action="store_true")

    def handle_lookup(
        self,
        name: str,
        lat: float | None,
        lon: float | None,
        purpose: str = "",
        json: bool = False,
        **opts: Any,
    ) -> None:
        from beacon.core.audit import acting_operator, os_user_label
        from beacon.incidents.selectors import live_check, split_name
        from beacon.people.features import RAW_FIELDS

        reason = self.require_purpose(purpose)
        details = {f: str(opts.get(f) or "").strip() for f in RAW_FIELDS}
        if name.strip() and not (details["forename"] or details["surname"]):
            details["forename"], details["surname"] = split_name(name)
        if (lat is None) != (lon is None):
            raise ValidationFailed.one("Give both --lat and --lon, or neither.", "lat")
        if not any(details.values()) and lat is None:
            raise ValidationFailed.one("Give a name or another detail to look for.", "name")
        try:
            with acting_operator(os_user_label()):
                check = live_check(None, details, lat=lat, lon=lon, reason=f"{LOOKUP_REASON}: {reason}")
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        out = check.as_dict()
        if json:
            self.emit_json(out)
            return
        if not out["people"]:
            self.stdout.write("no matching people")
        for p in out["people"]:
            flags = ", ".join(f["label"] for f in p["flags"]) or "no flags"
            self.stdout.write(
                f"person {p['person_id']}: {p['probability']:.3f} ({flags}); "
                f"{len(p['contacts'])} contact(s) in {out['window_days']} days"
            )
            self.stdout.write("   " + "; ".join(p["why"]))
        for n in out["nearby_incidents"]:
            self.stdout.write(f"nearby: {n['reference']} {n['type']} ({n['why']})")
        if out["location_problem"]:
            self.stdout.write(f"location: {out['location_problem']}")
