"""`beacon geography …`: import neighbourhood polygons and the postcode directory; place a location."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from beacon.core.errors import Problem, ValidationFailed
from beacon.core.management.base import DomainCommand


def _where(p: Problem, unit: str) -> str:
    parts = [f"{unit} {p.row}"] if p.row is not None else []
    if p.field:
        parts.append(p.field)
    return ", ".join(parts)


class Command(DomainCommand):
    help = "Geography: import neighbourhoods (GeoJSON) and postcodes (CSV); place a location."
    actions = {
        "import-geojson": (
            "Import neighbourhoods from a GeoJSON FeatureCollection (properties: code, name, area_code, "
            "area_name, grade, team_name, team_email). All or nothing; re-importing changes nothing."
        ),
        "import-postcodes": (
            "Import postcode centroids from a CSV (postcode, latitude, longitude; or the ONS Postcode "
            "Directory's pcds, lat, long). All or nothing."
        ),
        "locate": "Place a location (postcode, or latitude and longitude) in its neighbourhood; prints JSON.",
    }

    def __getattr__(self, name: str) -> Any:
        # DomainCommand looks handlers up as handle_<action> and add_<action>_arguments; these
        # actions have hyphens, the methods underscores.
        if "-" in name:
            return getattr(self, name.replace("-", "_"))
        raise AttributeError(name)

    def _fail(self, exc: ValidationFailed, unit: str, json: bool) -> None:
        """Print every problem (as JSON, or one line each on stderr) and exit 1."""
        if json:
            self.emit_json({"ok": False, "problems": [p.as_dict() for p in exc.problems]})
        else:
            for p in exc.problems:
                where = _where(p, unit)
                self.stderr.write(f"error: {where}: {p.message}" if where else f"error: {p.message}")
        raise CommandError(f"{len(exc.problems)} problem(s); nothing was written.", returncode=1)

    # import-geojson ------------------------------------------------------------------------------
    def add_import_geojson_arguments(self, p: CommandParser) -> None:
        p.add_argument("file", type=Path)
        p.add_argument("--force", default=None, help="The force's code (needed if Beacon holds several).")
        p.add_argument(
            "--area-map",
            action="append",
            default=[],
            metavar="FILE_CODE=AREA_CODE",
            help="Translate an area code in the file to the force's (repeatable).",
        )
        p.add_argument("--json", action="store_true")

    def handle_import_geojson(
        self, file: Path, force: str | None, area_map: list[str], json: bool = False, **_: Any
    ) -> None:
        from beacon.geography.services import import_geojson

        mapping = {}
        for item in area_map:
            src, sep, dst = item.partition("=")
            if not sep or not src.strip() or not dst.strip():
                raise CommandError(f"--area-map {item!r}: write it as FILE_CODE=AREA_CODE")
            mapping[src.strip()] = dst.strip()
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        try:
            result = import_geojson(None, data, force_code=force, area_map=mapping, source_name=file.name)
        except ValidationFailed as exc:
            self._fail(exc, "feature", json)
            return
        if json:
            self.emit_json({"ok": True, **result.as_dict()})
        else:
            self.stdout.write(result.describe())

    # import-postcodes ----------------------------------------------------------------------------
    def add_import_postcodes_arguments(self, p: CommandParser) -> None:
        p.add_argument("file", type=Path)
        p.add_argument("--json", action="store_true")

    def handle_import_postcodes(self, file: Path, json: bool = False, **_: Any) -> None:
        from beacon.geography.services import import_postcodes

        try:
            result = import_postcodes(None, file)
        except ValidationFailed as exc:
            self._fail(exc, "row", json)
            return
        if json:
            self.emit_json({"ok": True, **result.as_dict()})
        else:
            self.stdout.write(result.describe())

    # locate --------------------------------------------------------------------------------------
    def add_locate_arguments(self, p: CommandParser) -> None:
        p.add_argument("--postcode", default=None)
        p.add_argument("--lat", default=None)
        p.add_argument("--lon", default=None)
        p.add_argument("--address", default=None)

    def handle_locate(
        self, postcode: str | None, lat: str | None, lon: str | None, address: str | None, **_: Any
    ) -> None:
        from beacon.geography.selectors import resolve_location

        result = resolve_location(postcode=postcode, address=address, lat=lat, lon=lon)
        self.emit_json(result.as_dict())
