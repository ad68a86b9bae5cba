"""The reference lists and first versions of the intake rules every force starts with.

Loaded by a data migration; administrators extend the lists and publish new rule versions.
"""

from __future__ import annotations

from typing import Any

ASB_CATEGORIES = [
    ("personal", "Personal", "Targeted at an individual or group rather than the community at large."),
    ("nuisance", "Nuisance", "Causes trouble, annoyance or suffering to a community."),
    ("environmental", "Environmental", "Affects the wider environment: public spaces, buildings."),
]

# code, label, suggests a crime
TYPE_HEADINGS = [
    ("vehicle-abandoned", "Vehicle abandoned (not stolen)", False),
    ("vehicle-nuisance", "Vehicle nuisance / inappropriate use", False),
    ("rowdy-inconsiderate", "Rowdy or inconsiderate behaviour", False),
    ("rowdy-neighbours", "Rowdy / nuisance neighbours", False),
    ("littering-drugs", "Littering / drug paraphernalia", False),
    ("animal-problems", "Animal problems", False),
    ("trespass", "Trespass", False),
    ("malicious-communications", "Malicious / nuisance communications", True),
    ("street-drinking", "Street drinking", False),
    ("prostitution", "Prostitution-related activity", False),
    ("noise", "Noise", False),
    ("begging-vagrancy", "Begging / vagrancy", False),
    ("fireworks", "Fireworks", False),
]

# Non-ASB categories a force starts with (code, label, usually a notifiable crime).
INCIDENT_CATEGORIES = [
    ("crime-report", "Crime report", True),
    ("concern-for-welfare", "Concern for welfare", False),
    ("suspicious-activity", "Suspicious activity", False),
    ("domestic", "Domestic incident", True),
    ("road-traffic", "Road traffic", False),
]
# For historic records that give no category or type (data.police.uk): inactive, so the forms do
# not offer them, but historic imports may use them.
UNCLASSIFIED = ("unclassified", "Not recorded (historic record)")

# The crime types of data.police.uk street-level files (historic imports map to these).
POLICE_UK_CRIME_TYPES = [
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
]
INCIDENT_CATEGORIES += [(t.lower().replace(" ", "-"), t, True) for t in POLICE_UK_CRIME_TYPES]

CLOSURE_CODES = [
    ("advice-given", "Advice given"),
    ("resolved-at-scene", "Resolved at scene"),
    ("referred-to-partner", "Referred to partner agency"),
    ("crime-recorded", "Crime recorded"),
    ("no-further-action", "No further action"),
    ("duplicate", "Duplicate of another incident"),
]

# code, label, target minutes
RESPONSE_GRADES = [
    ("immediate", "Immediate", 15),
    ("urgent", "Urgent", 60),
    ("other", "Other", 24 * 60),
]

SCREENING_V1: list[dict[str, Any]] = [
    {
        "key": "danger_now",
        "text": "Is anyone in danger or injured now?",
        "kind": "yes_no",
        "flags": {},
    },
    {
        "key": "happened_before",
        "text": "Has this happened to you before?",
        "kind": "yes_no",
        "flags": {"yes": ["repeat_victim"]},
    },
    {
        "key": "reported_elsewhere",
        "text": "Have you reported it to anyone else, such as the council or your landlord?",
        "kind": "yes_no",
        "flags": {},
    },
    {
        "key": "feel_targeted",
        "text": (
            "Do you feel you are being targeted because of who you are, such as your race, religion, "
            "disability, sexual orientation or gender identity?"
        ),
        "kind": "yes_no",
        "flags": {"yes": ["hate_related", "vulnerable_victim"]},
    },
    {
        "key": "household_disability",
        "text": "Is anyone in your household disabled or living with a long-term illness?",
        "kind": "yes_no",
        "flags": {"yes": ["vulnerable_victim"]},
    },
    {
        "key": "threats_or_damage",
        "text": "Has anyone been threatened or assaulted, or has property been damaged or stolen?",
        "kind": "yes_no",
        "flags": {"yes": ["crime_disclosed"]},
    },
    {
        "key": "impact",
        "text": "How much is this affecting you or your family?",
        "kind": "choice",
        "choices": ["A little", "A lot", "I cannot cope"],
        "flags": {"I cannot cope": ["vulnerable_victim"]},
    },
]

GRADING_V1: list[dict[str, Any]] = [
    {"grade": "immediate", "when_any": ["answer:danger_now=yes"]},
    {
        "grade": "urgent",
        "when_any": [
            "flag:vulnerable_victim",
            "flag:repeat_victim",
            "flag:hate_related",
            "flag:local_priority",
        ],
    },
]
GRADING_V1_DEFAULT = "other"


def load_reference_data(apps: Any) -> None:
    """Create what is missing (idempotent), using the models `apps` gives (a migration's or the app's)."""
    get = apps.get_model
    for i, (code, label, _desc) in enumerate(ASB_CATEGORIES):
        get("incidents", "AsbCategory").objects.get_or_create(
            code=code, defaults={"label": label, "order": i}
        )
    for model in ("AsbCategory", "TypeHeading"):
        get("incidents", model).objects.get_or_create(
            code=UNCLASSIFIED[0], defaults={"label": UNCLASSIFIED[1], "order": 999, "active": False}
        )
    for i, (code, label, crime) in enumerate(TYPE_HEADINGS):
        get("incidents", "TypeHeading").objects.get_or_create(
            code=code, defaults={"label": label, "order": i, "suggests_crime": crime}
        )
    for i, (code, label, crime) in enumerate(INCIDENT_CATEGORIES):
        get("incidents", "IncidentCategory").objects.get_or_create(
            code=code, defaults={"label": label, "order": i, "notifiable_crime": crime}
        )
    for i, (code, label) in enumerate(CLOSURE_CODES):
        get("incidents", "ClosureCode").objects.get_or_create(
            code=code, defaults={"label": label, "order": i}
        )
    for i, (code, label, minutes) in enumerate(RESPONSE_GRADES):
        get("incidents", "ResponseGrade").objects.get_or_create(
            code=code, defaults={"label": label, "order": i, "target_minutes": minutes}
        )
    get("incidents", "ScreeningSet").objects.get_or_create(
        version=1, defaults={"questions": SCREENING_V1, "note": "Starting set: replace with the force's own."}
    )
    get("incidents", "GradingRules").objects.get_or_create(
        version=1, defaults={"rules": GRADING_V1, "default_grade": GRADING_V1_DEFAULT}
    )
    get("incidents", "IntakeSettings").objects.get_or_create(version=1)
