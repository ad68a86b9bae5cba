"""Base for Beacon's `beacon <domain> <action>` commands: subcommands, JSON output, clear errors."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from beacon.core.audit import audit_source
from beacon.core.errors import ValidationFailed


class DomainCommand(BaseCommand):
    """Subclasses define `actions = {"name": "help"}` and methods `handle_<name>(self, **options)`
    plus `add_<name>_arguments(self, parser)`. Failures exit non-zero listing every problem."""

    actions: dict[str, str] = {}

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for name, help_text in self.actions.items():
            p = sub.add_parser(name, help=help_text, description=help_text)
            adder = getattr(self, f"add_{name}_arguments", None)
            if adder:
                adder(p)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.pop("action")
        handler = getattr(self, f"handle_{action}")
        with audit_source(f"command:{self.__module__.rsplit('.', 1)[-1]} {action}"):
            try:
                handler(**options)
            except ValidationFailed as exc:
                for p in exc.problems:
                    self.stderr.write(f"error: {p}")
                raise CommandError(
                    f"{len(exc.problems)} problem(s); nothing was written.", returncode=1
                ) from exc

    # Lookups of personal data from a shell: the access log names the operating-system user and
    # the purpose they give (required).
    @staticmethod
    def add_purpose_argument(p: CommandParser) -> None:
        p.add_argument(
            "--purpose",
            "--reason",
            dest="purpose",
            default="",
            help="Why you are looking (required; written to the access log with your system user name).",
        )

    @staticmethod
    def require_purpose(purpose: str | None) -> str:
        """The purpose given, or exit 2 saying it is needed."""
        text = (purpose or "").strip()
        if not text:
            raise CommandError(
                "--purpose is required: say why you are looking (e.g. --purpose 'call 1234 from the "
                "victim'); it is written to the access log with your system user name.",
                returncode=2,
            )
        if "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text):
            raise CommandError("--purpose contains a NUL or an unpaired surrogate.", returncode=2)
        return text[:500]

    def emit_json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, indent=None, sort_keys=False, default=str))

    def progress(self, iterable: Any, total: int | None = None, desc: str = "") -> Any:
        """A progress bar on stderr when it is a terminal; plain iteration otherwise."""
        if not sys.stderr.isatty():
            return iterable
        from tqdm import tqdm

        return tqdm(iterable, total=total, desc=desc, file=sys.stderr)
