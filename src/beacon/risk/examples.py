"""The example instrument Beacon ships: an ASB victim vulnerability assessment.

There is no single national risk assessment form for victims of anti-social behaviour. This one
shows how an instrument is built (questions, points, a location weight, thresholds); a force
replaces it with its own by creating an instrument, publishing it, and choosing it in the risk
settings. Loaded by a data migration.
"""

from __future__ import annotations

from typing import Any

EXAMPLE_NAME = "asb-vulnerability"
EXAMPLE_TITLE = "ASB victim vulnerability (example)"
EXAMPLE_DESCRIPTION = (
    "An example risk assessment for victims of anti-social behaviour, shipped with Beacon to show "
    "how an instrument is put together. It is not a national or approved form: a force replaces it "
    "with its own questions, points and thresholds (create a new instrument, publish it and choose "
    "it in the risk settings)."
)


def _yes_no(key: str, text: str, yes: int, help_text: str = "") -> dict[str, Any]:
    q: dict[str, Any] = {"key": key, "text": text, "kind": "yes_no", "points": {"yes": yes, "no": 0}}
    if help_text:
        q["help"] = help_text
    return q


EXAMPLE_QUESTIONS: list[dict[str, Any]] = [
    {
        "key": "incidents_recent",
        "text": "Apart from this one, how many incidents has the victim suffered in the last three months?",
        "kind": "number",
        "help": "Count what they tell you as well as what is on record. One point each, up to four.",
        "points_per_unit": 1,
        "max_points": 4,
        "min": 0,
        "max": 500,
    },
    _yes_no(
        "targeted_before",
        "Have the same people, or people at the same place, targeted the victim before?",
        3,
    ),
    _yes_no(
        "hate",
        "Does the victim think they are picked on because of who they are?",
        4,
        "For example their race, religion, disability, sexual orientation or gender identity.",
    ),
    _yes_no(
        "disability_health",
        "Does the victim, or anyone they live with, have a disability, a long-term illness or a mental "
        "health condition that this behaviour makes worse?",
        3,
    ),
    {
        "key": "age",
        "text": "How old is the victim?",
        "kind": "choice",
        "choices": [
            {"value": "under_18", "label": "Under 18"},
            {"value": "18_to_64", "label": "18 to 64"},
            {"value": "65_or_over", "label": "65 or over"},
            {"value": "not_known", "label": "Not known"},
        ],
        "points": {"under_18": 2, "18_to_64": 0, "65_or_over": 2, "not_known": 0},
    },
    {
        "key": "daily_life",
        "text": "How much is it changing the victim's daily life: sleep, work, school, going out?",
        "kind": "choice",
        "choices": [
            {"value": "not_at_all", "label": "Not at all"},
            {"value": "a_little", "label": "A little"},
            {"value": "a_lot", "label": "A lot"},
            {"value": "cannot_cope", "label": "They can no longer live normally"},
        ],
        "points": {"not_at_all": 0, "a_little": 1, "a_lot": 3, "cannot_cope": 5},
    },
    _yes_no("afraid", "Is the victim afraid for their safety, or afraid to leave home?", 3),
    _yes_no(
        "alone",
        "Does the victim live alone, or have nobody close by to support them?",
        2,
    ),
    _yes_no("children", "Are children in the household affected?", 2),
    _yes_no(
        "getting_worse",
        "Is it happening more often, or getting more serious?",
        3,
    ),
    _yes_no(
        "threats_damage",
        "Have there been threats of violence, or damage to the victim's home or belongings?",
        3,
    ),
    _yes_no(
        "not_acted_upon",
        "Has the victim reported this before and feels that nothing was done?",
        2,
    ),
    {
        "key": "officer_view",
        "text": "Anything else that you think affects the risk",
        "kind": "text",
        "required": False,
        "help": "Not scored. Your own assessment, in a few sentences.",
    },
]

EXAMPLE_LOCATION_WEIGHTS: list[dict[str, Any]] = [
    {"when": "neighbourhood_grade:priority", "points": 2, "label": "Priority neighbourhood"},
    {"when": "local_priority", "points": 1, "label": "Inside an active local priority"},
]

EXAMPLE_THRESHOLDS: dict[str, int] = {"medium": 10, "high": 20}


def load_example_instrument(apps: Any) -> None:
    """Create the example instrument (version 1, published), the default settings choosing it,
    if they are missing (idempotent), using the models `apps` gives (a migration's or the app's)."""
    Instrument = apps.get_model("risk", "Instrument")
    InstrumentVersion = apps.get_model("risk", "InstrumentVersion")
    RiskSettings = apps.get_model("risk", "RiskSettings")
    instrument, _ = Instrument.objects.get_or_create(
        name=EXAMPLE_NAME,
        defaults={"title": EXAMPLE_TITLE, "description": EXAMPLE_DESCRIPTION, "is_example": True},
    )
    if not InstrumentVersion.objects.filter(instrument=instrument).exists():
        from django.utils import timezone

        InstrumentVersion.objects.create(
            instrument=instrument,
            version=1,
            status="published",
            questions=EXAMPLE_QUESTIONS,
            location_weights=EXAMPLE_LOCATION_WEIGHTS,
            thresholds=EXAMPLE_THRESHOLDS,
            note="Example shipped with Beacon: replace it with the force's own instrument.",
            published_at=timezone.now(),
        )
    if not RiskSettings.objects.exists():
        RiskSettings.objects.create(version=1, assessment_due_hours=72, instrument=instrument)
