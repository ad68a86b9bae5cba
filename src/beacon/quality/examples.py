"""The example audit template shipped with Beacon (marked as an example: a force edits it, which
makes a new version, or adds its own)."""

from __future__ import annotations

from typing import Any

EXAMPLE_CODE = "asb-incident-quality"

EXAMPLE_QUESTIONS: list[dict[str, Any]] = [
    {
        "key": "category_correct",
        "text": "Was the incident recorded as one of the three ASB categories, and the right one?",
        "kind": "check",
        "prefill": "category_recorded",
        "correction": "Reclassify the incident to the right ASB category.",
    },
    {
        "key": "screening_answered",
        "text": "Were the screening questions asked and answered?",
        "kind": "check",
        "prefill": "screening_answered",
        "correction": "Record the screening answers with the caller.",
    },
    {
        "key": "repeat_question_asked",
        "text": "Was the caller asked whether it had happened before (the repeat question)?",
        "kind": "check",
        "prefill": "repeat_question_asked",
        "correction": "Contact the caller and ask the repeat question.",
    },
    {
        "key": "repeat_check_shown",
        "text": "Was the repeat and vulnerability check shown to the call handler?",
        "kind": "check",
        "prefill": "repeat_check_shown",
        "correction": "Add the caller or victim to the incident so the check runs.",
    },
    {
        "key": "team_told",
        "text": "Was the neighbourhood team told?",
        "kind": "check",
        "prefill": "team_told",
        "correction": "Place the incident with its neighbourhood team.",
    },
    {
        "key": "team_acknowledged",
        "text": "Did the neighbourhood team acknowledge it?",
        "kind": "check",
        "prefill": "team_acknowledged",
        "correction": "Acknowledge the incident in the team's inbox.",
    },
    {
        "key": "crime_recorded",
        "text": "Where a crime was disclosed, was a crime recorded?",
        "kind": "check",
        "prefill": "crime_recorded",
        "correction": "Add the crime reference, or the reason no crime was recorded.",
    },
    {
        "key": "supervised",
        "text": "Was the incident supervised?",
        "kind": "check",
        "prefill": "supervised",
        "correction": "Ask the supervisor to review the incident.",
    },
    {
        "key": "victim_updated",
        "text": "Was the caller told what would happen next?",
        "kind": "check",
        "prefill": None,
        "correction": "Call the caller back and tell them what will happen next.",
    },
    {"key": "notes", "text": "Notes for the owner", "kind": "text", "prefill": None, "correction": ""},
]


def install(apps: Any, schema_editor: Any) -> None:
    """Data migration: the example template, version 1 (kept if it is already there)."""
    template_model = apps.get_model("quality", "AuditTemplate")
    version_model = apps.get_model("quality", "AuditTemplateVersion")
    template, created = template_model.objects.get_or_create(
        code=EXAMPLE_CODE,
        defaults={
            "title": "ASB incident quality (example)",
            "description": "Dip sample of ASB incident logs: classification, screening and the repeat "
            "question, the neighbourhood team told, crime recorded where disclosed, supervision. An "
            "example to edit: a change makes a new version.",
            "record_type": "incident",
            "is_example": True,
        },
    )
    if created or not version_model.objects.filter(template=template).exists():
        version_model.objects.create(
            template=template, version=1, questions=EXAMPLE_QUESTIONS, note="Example shipped with Beacon."
        )
