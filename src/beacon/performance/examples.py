"""The starter set of KPIs: measures a force would recognise from its own board papers, marked as
examples for the force to edit (a new version) or retire. `asb-incidents` is built in: the
`beacon performance kpi` command's contract names it."""

from __future__ import annotations

from typing import Any

OWNER_LOCAL = "ACC Local Policing"
OWNER_CONTACT = "Head of Contact Management"
OWNER_PARTNERSHIP = "Superintendent, Partnerships and Prevention"

STARTER: list[dict[str, Any]] = [
    {
        "code": "asb-incidents",
        "name": "ASB incidents",
        "description": "Every anti-social behaviour incident by the month it occurred, whatever its "
        "category, including records imported from data.police.uk.",
        "owner": OWNER_LOCAL,
        "unit": "count",
        "measure": "incidents.asb",
        "direction": "lower",
    },
    {
        "code": "asb-repeat-victims",
        "name": "Repeat victims identified at first contact",
        "description": "ASB incidents whose victim was recognised as a repeat victim when the report "
        "was taken.",
        "owner": OWNER_CONTACT,
        "unit": "count",
        "measure": "incidents.repeat_victim",
        "direction": "higher",
    },
    {
        "code": "asb-repeat-live-check",
        "name": "Repeat victims found by the live check",
        "description": "Repeat victims Beacon recognised from earlier contacts, rather than from "
        "what the caller said.",
        "owner": OWNER_CONTACT,
        "unit": "count",
        "measure": "incidents.repeat_victim",
        "filters": {"found_by": "live-check"},
        "direction": "higher",
    },
    {
        "code": "asb-vulnerable-victims",
        "name": "Vulnerable victims identified at first contact",
        "description": "ASB incidents whose victim was flagged as vulnerable when the report was taken.",
        "owner": OWNER_CONTACT,
        "unit": "count",
        "measure": "incidents.vulnerable_victim",
        "direction": "higher",
    },
    {
        "code": "asb-repeat-rate",
        "name": "Repeat victims per 1,000 ASB incidents",
        "description": "How many ASB incidents in every thousand had a repeat victim flagged.",
        "owner": OWNER_LOCAL,
        "unit": "per_1000_incidents",
        "measure": "incidents.repeat_victim_share",
        "direction": "neither",
    },
    {
        "code": "asb-per-1000-residents",
        "name": "ASB incidents per 1,000 residents",
        "description": "ASB incidents against the resident population (where populations are loaded).",
        "owner": OWNER_LOCAL,
        "unit": "per_1000_residents",
        "measure": "incidents.asb",
        "direction": "lower",
    },
    {
        "code": "asb-supervised",
        "name": "ASB incidents supervised",
        "description": "The share of ASB incidents a supervisor reviewed.",
        "owner": OWNER_CONTACT,
        "unit": "percentage",
        "measure": "incidents.supervised",
        "direction": "higher",
    },
    {
        "code": "asb-hate-related",
        "name": "Hate-related ASB incidents",
        "description": "ASB incidents recorded as hate-related.",
        "owner": OWNER_LOCAL,
        "unit": "count",
        "measure": "incidents.asb",
        "filters": {"hate_related": True},
        "direction": "neither",
    },
    {
        "code": "asb-attended-in-time",
        "name": "ASB incidents attended within the grade's target",
        "description": "Of ASB incidents given a response grade and attended, the share attended "
        "within that grade's target time (e.g. 60 minutes for a priority response).",
        "owner": OWNER_CONTACT,
        "unit": "percentage",
        "measure": "incidents.response_met",
        "direction": "higher",
    },
    {
        "code": "risk-assessed-in-time",
        "name": "Risk assessments completed in time",
        "description": "The share of victims' risk assessments completed within the time the risk "
        "settings allow after the report.",
        "owner": OWNER_LOCAL,
        "unit": "percentage",
        "measure": "risk.assessed_in_time",
        "direction": "higher",
    },
    {
        "code": "risk-high",
        "name": "High-risk assessments",
        "description": "Risk assessments at High risk (as agreed by the supervisor where reviewed).",
        "owner": OWNER_LOCAL,
        "unit": "count",
        "measure": "risk.assessments",
        "filters": {"level": ["high"]},
        "direction": "neither",
    },
    {
        "code": "cases-opened",
        "name": "Cases opened",
        "description": "Repeat and vulnerable victims' cases opened.",
        "owner": OWNER_LOCAL,
        "unit": "count",
        "measure": "cases.opened",
        "direction": "neither",
    },
    {
        "code": "cases-first-contact",
        "name": "Cases with first contact within the standard",
        "description": "The share of cases whose victim was first contacted within the minimum standard.",
        "owner": OWNER_LOCAL,
        "unit": "percentage",
        "measure": "cases.first_contact_in_standard",
        "direction": "higher",
    },
    {
        "code": "cases-reopened",
        "name": "Cases reopened",
        "description": "Closed cases reopened because the harm came back.",
        "owner": OWNER_LOCAL,
        "unit": "count",
        "measure": "cases.reopened",
        "direction": "lower",
    },
    {
        "code": "case-supervision-on-time",
        "name": "Supervisory reviews of cases held on time",
        "description": "Of the sergeant's, inspector's and chief inspector's reviews the minimum "
        "standards called for, the share held by the day they were due, by the month they were due. A "
        "review not yet held counts once it is held (the cases list shows those overdue).",
        "owner": OWNER_LOCAL,
        "unit": "percentage",
        "measure": "cases.reviews_on_time",
        "direction": "higher",
    },
    {
        "code": "partner-referrals",
        "name": "Referrals to partner agencies",
        "description": "Referrals made to councils, housing providers and other partners.",
        "owner": OWNER_PARTNERSHIP,
        "unit": "count",
        "measure": "partnership.referrals",
        "direction": "higher",
    },
    {
        "code": "partner-powers",
        "name": "ASB tools and powers used",
        "description": "Warnings, community protection notices, injunctions and closures issued.",
        "owner": OWNER_PARTNERSHIP,
        "unit": "count",
        "measure": "partnership.powers",
        "direction": "neither",
    },
    {
        "code": "case-reviews-in-time",
        "name": "ASB case reviews decided in time",
        "description": "The share of ASB case reviews (Community Trigger) whose threshold decision "
        "was made by the deadline.",
        "owner": OWNER_PARTNERSHIP,
        "unit": "percentage",
        "measure": "partnership.case_reviews_decided_in_time",
        "direction": "higher",
    },
    {
        "code": "police-uk-asb",
        "name": "ASB published by data.police.uk",
        "description": "Anti-social behaviour records in the force's data.police.uk street-level files.",
        "owner": OWNER_LOCAL,
        "unit": "count",
        "measure": "incidents.police_uk",
        "filters": {"crime_type": ["anti-social-behaviour"]},
        "direction": "lower",
    },
]


def install(apps: Any, schema_editor: Any) -> None:
    """Data migration: the starter set, version 1 each, where the code is not yet taken."""
    kpi_model = apps.get_model("performance", "Kpi")
    version_model = apps.get_model("performance", "KpiVersion")
    for spec in STARTER:
        kpi, created = kpi_model.objects.get_or_create(code=spec["code"], defaults={"is_example": True})
        if created:
            version_model.objects.create(
                kpi=kpi,
                version=1,
                name=spec["name"],
                description=spec["description"],
                owner=spec["owner"],
                unit=spec["unit"],
                measure=spec["measure"],
                filters=spec.get("filters", {}),
                direction=spec["direction"],
                note="Example shipped with Beacon.",
            )
