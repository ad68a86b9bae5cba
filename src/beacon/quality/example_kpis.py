"""Example KPIs on the quality measures (marked as examples for a force to edit): what the board
papers report from dip samples and call-back surveys. The performance app's starter set cannot name
them (it comes first), so the quality app ships them in its own data migration."""

from __future__ import annotations

from typing import Any

from beacon.performance.examples import OWNER_CONTACT, OWNER_LOCAL, install_specs

QUALITY_KPIS: list[dict[str, Any]] = [
    {
        "code": "asb-victims-satisfied",
        "name": "ASB victims satisfied with the whole experience",
        "description": "Of the ASB victims surveyed on a quality call-back who answered the question on "
        "their whole experience, the share very or fairly satisfied.",
        "owner": OWNER_LOCAL,
        "unit": "percentage",
        "measure": "quality.survey_satisfied",
        "filters": {"question": ["whole_experience"], "survey": ["asb-callback"]},
        "direction": "higher",
    },
    {
        "code": "asb-correctly-classified",
        "name": "ASB incidents correctly classified (dip sample)",
        "description": "Of the ASB incidents audited in dip samples, the share whose category "
        "(personal, nuisance or environmental) the auditor found right.",
        "owner": OWNER_CONTACT,
        "unit": "percentage",
        "measure": "quality.audit_answers",
        "filters": {"question": ["category_correct"]},
        "direction": "higher",
    },
    {
        "code": "asb-repeat-question-asked",
        "name": "Repeat victimisation asked about (dip sample)",
        "description": "Of the ASB calls audited in dip samples, the share where the call handler "
        "asked whether the caller had been a victim before.",
        "owner": OWNER_CONTACT,
        "unit": "percentage",
        "measure": "quality.audit_answers",
        "filters": {"question": ["repeat_question_asked"]},
        "direction": "higher",
    },
]


def install(apps: Any, schema_editor: Any) -> None:
    """Data migration: the quality examples, version 1 each, where the code is not yet taken."""
    install_specs(apps, QUALITY_KPIS)
