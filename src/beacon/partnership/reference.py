"""The reference lists and first case review policy every force starts with.

Loaded by a data migration (and by browser tests, whose database flush removes migration rows);
administrators extend the lists and publish new policy versions.
"""

from __future__ import annotations

from typing import Any

# code, name, kind
PARTNER_AGENCIES = [
    ("council", "Local council ASB team", "council"),
    ("housing", "Housing provider", "housing"),
    ("health", "Health (NHS)", "health"),
    ("victim-support", "Victim Support", "victim_support"),
    ("safeguarding-hub", "Safeguarding hub", "safeguarding"),
]

# code, label, used on premises, description
POWER_KINDS = [
    ("warning", "Warning", False, "A verbal or written warning."),
    ("abc", "Acceptable Behaviour Contract", False, "A voluntary written agreement."),
    ("cpw", "Community Protection Warning", False, "Written warning before a Community Protection Notice."),
    ("cpn", "Community Protection Notice", False, "Requirements to stop or do things; breach is an offence."),
    ("civil-injunction", "Civil injunction", False, "Prohibitions and requirements granted by a court."),
    ("cbo", "Criminal Behaviour Order", False, "Made on conviction for an offence."),
    ("dispersal", "Dispersal direction", False, "A direction to leave an area for up to 48 hours."),
    ("closure-notice", "Closure notice", True, "Closes premises for up to 48 hours."),
    ("closure-order", "Closure order", True, "A court order closing premises."),
    ("community-remedy", "Community remedy", False, "An out-of-court disposal the victim had a say in."),
]


def load_reference_data(apps: Any) -> None:
    """Create what is missing (idempotent), using the models `apps` gives (a migration's or the app's)."""
    get = apps.get_model
    for i, (code, name, kind) in enumerate(PARTNER_AGENCIES):
        get("partnership", "PartnerAgency").objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "order": i}
        )
    for i, (code, label, premises, description) in enumerate(POWER_KINDS):
        get("partnership", "PowerKind").objects.get_or_create(
            code=code,
            defaults={"label": label, "about_premises": premises, "description": description, "order": i},
        )
    get("partnership", "CaseReviewPolicy").objects.get_or_create(
        version=1,
        defaults={
            "exclude_closure_codes": ["duplicate"],
            "note": "Starting policy: replace with the local one.",
        },
    )
