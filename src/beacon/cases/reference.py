"""Fixed lists the case pages and services offer."""

from __future__ import annotations

CLOSURE_REASONS: list[tuple[str, str]] = [
    ("harm_stopped", "The ASB has stopped and the victim feels safe"),
    ("resolved_by_action", "Resolved by action taken (tools and powers, mediation, support)"),
    ("perpetrator_moved", "The perpetrator has moved or is no longer involved"),
    ("victim_moved", "The victim has moved away"),
    ("victim_declined", "The victim no longer wants police involvement"),
    ("transferred", "Transferred to a partner agency who now lead"),
    ("merged", "Merged into another case"),
    ("other", "Other (explain in the note)"),
]

VICTIM_TOLD_METHODS: list[tuple[str, str]] = [
    ("visit", "In person"),
    ("phone", "By phone"),
    ("letter", "By letter"),
    ("email", "By email"),
    ("text", "By text message"),
]

REOPEN_WINDOW_DAYS = 90
SUGGESTION_RADIUS_M = 50
