"""Roles and what each may do.

Every page and API endpoint names a capability; a user has it when their role is listed for it here.
Object-level rules (e.g. only an item's action owner may add an update) sit on top, in each app.
"""

from django.db import models


class Role(models.TextChoices):
    CALL_HANDLER = "call_handler", "Call handler"
    OFFICER = "officer", "Officer"
    SUPERVISOR = "supervisor", "Supervisor"
    ANALYST = "analyst", "Analyst"
    PERFORMANCE = "performance", "Performance and inspection team"
    CHIEF_OFFICER = "chief_officer", "Chief officer"
    PARTNER = "partner", "Partner agency"
    ADMIN = "admin", "Administrator"


class Rank(models.TextChoices):
    """Police rank, where it matters (who may record an inspector's or chief inspector's review).
    Police staff and partners have none."""

    CONSTABLE = "constable", "Constable"
    SERGEANT = "sergeant", "Sergeant"
    INSPECTOR = "inspector", "Inspector"
    CHIEF_INSPECTOR = "chief_inspector", "Chief inspector"
    SUPERINTENDENT = "superintendent", "Superintendent"
    CHIEF_SUPERINTENDENT = "chief_superintendent", "Chief superintendent"
    CHIEF_OFFICER = "chief_officer", "Chief officer"


RANK_ORDER = {rank.value: i for i, rank in enumerate(Rank)}


def holds_rank(rank: str, at_least: str) -> bool:
    """Whether `rank` is `at_least` or above (no rank recorded: never)."""
    return rank in RANK_ORDER and RANK_ORDER[rank] >= RANK_ORDER[at_least]


R = Role
_PLAN_READERS = {R.OFFICER, R.SUPERVISOR, R.ANALYST, R.PERFORMANCE, R.CHIEF_OFFICER, R.ADMIN}

CAPABILITIES: dict[str, frozenset[str]] = {
    # Improvement plans
    "plans.view": frozenset(_PLAN_READERS),
    "plans.update": frozenset(_PLAN_READERS),  # plus: must own the item (see inspections.permissions)
    "plans.export": frozenset(_PLAN_READERS),
    "plans.manage": frozenset({R.PERFORMANCE, R.ADMIN}),  # import, extract, edit, transfer, boards
    # Person index (personal data: every read is logged)
    "people.lookup": frozenset({R.CALL_HANDLER, R.OFFICER, R.SUPERVISOR, R.ANALYST, R.ADMIN}),
    "people.view": frozenset({R.CALL_HANDLER, R.OFFICER, R.SUPERVISOR, R.ANALYST, R.ADMIN}),
    "people.flag": frozenset({R.CALL_HANDLER, R.OFFICER, R.SUPERVISOR, R.ANALYST}),
    "people.review": frozenset({R.ANALYST}),
    "people.batch": frozenset({R.ANALYST, R.ADMIN}),
    "people.subject_access": frozenset({R.ADMIN}),
    "people.erase": frozenset({R.ADMIN}),
    # Geography: neighbourhoods (polygons, grades, teams) and local priorities
    "geography.view": frozenset(
        {R.CALL_HANDLER, R.OFFICER, R.SUPERVISOR, R.ANALYST, R.PERFORMANCE, R.CHIEF_OFFICER, R.ADMIN}
    ),
    "geography.priorities": frozenset({R.OFFICER, R.SUPERVISOR, R.ANALYST, R.ADMIN}),
    "geography.manage": frozenset({R.ANALYST, R.ADMIN}),  # import polygons and postcodes
    # Incidents (personal data: every view is logged)
    "incidents.create": frozenset({R.CALL_HANDLER, R.OFFICER, R.SUPERVISOR}),
    "incidents.view": frozenset({R.CALL_HANDLER, R.OFFICER, R.SUPERVISOR, R.ANALYST, R.ADMIN}),
    "incidents.update": frozenset({R.CALL_HANDLER, R.OFFICER, R.SUPERVISOR}),
    "incidents.feed": frozenset({R.ADMIN}),  # the command-and-control feed's service account
    "incidents.import": frozenset({R.ANALYST, R.ADMIN}),
    "incidents.inbox": frozenset({R.OFFICER, R.SUPERVISOR}),  # see and acknowledge a team's inbox
    "incidents.supervise": frozenset({R.SUPERVISOR}),
    # place ASB incidents no team was told of (the force's triage inbox)
    "incidents.triage": frozenset({R.CALL_HANDLER, R.SUPERVISOR}),
    "incidents.crime_review": frozenset({R.SUPERVISOR, R.PERFORMANCE, R.ADMIN}),  # crime registrar
    "incidents.configure": frozenset({R.ADMIN}),  # screening questions, grading rules, reference lists
    # Risk assessment (personal data: every read is logged)
    "risk.assess": frozenset({R.OFFICER, R.SUPERVISOR}),  # complete an assessment
    "risk.view": frozenset({R.OFFICER, R.SUPERVISOR, R.ANALYST, R.ADMIN}),
    "risk.review": frozenset({R.SUPERVISOR}),  # agree or change an assessment's level
    "risk.configure": frozenset({R.ADMIN}),  # instruments: new versions, publish, settings
    # Case management (personal data: every read is logged)
    "cases.view": frozenset({R.OFFICER, R.SUPERVISOR, R.ANALYST, R.ADMIN}),
    "cases.manage": frozenset({R.OFFICER, R.SUPERVISOR}),  # open, edit, actions, contacts
    "cases.supervise": frozenset({R.SUPERVISOR}),  # reviews, closure sign-off, the supervisor's list
    "cases.configure": frozenset({R.ADMIN}),  # minimum standards and priority weights
    # Partnership: referrals, action groups, tools and powers, ASB case reviews (Community Trigger)
    "partnership.refer": frozenset({R.OFFICER, R.SUPERVISOR}),
    "partnership.meetings": frozenset({R.OFFICER, R.SUPERVISOR, R.ANALYST}),
    "partnership.powers": frozenset({R.OFFICER, R.SUPERVISOR}),
    "partnership.case_review": frozenset({R.SUPERVISOR, R.ANALYST}),
    "partnership.configure": frozenset({R.ADMIN}),
    "partnership.shared": frozenset({R.PARTNER}),  # a partner sees only what was shared with its agency
    # Performance: KPIs, targets, hot spots (aggregates); the records behind a figure are personal data
    "performance.view": frozenset(
        {R.OFFICER, R.SUPERVISOR, R.ANALYST, R.PERFORMANCE, R.CHIEF_OFFICER, R.ADMIN}
    ),
    "performance.records": frozenset({R.SUPERVISOR, R.ANALYST, R.PERFORMANCE, R.ADMIN}),
    "performance.comment": frozenset({R.ANALYST, R.PERFORMANCE, R.CHIEF_OFFICER}),
    "performance.manage": frozenset({R.PERFORMANCE, R.ADMIN}),  # definitions and targets
    "performance.analysis": frozenset({R.OFFICER, R.SUPERVISOR, R.ANALYST, R.PERFORMANCE, R.ADMIN}),
    "performance.evidence": frozenset({R.PERFORMANCE, R.ADMIN}),  # link KPIs to inspection findings
    # Retention and disposal (MoPI): the records manager's review queue
    "retention.review": frozenset({R.ADMIN}),
    # Administration
    "audit.view": frozenset({R.ADMIN}),
    "users.manage": frozenset({R.ADMIN}),
    # Everyone who can log in may manage their own API tokens.
    "tokens.own": frozenset(set(Role)),
}


def has_capability(role: str, capability: str) -> bool:
    try:
        return role in CAPABILITIES[capability]
    except KeyError as exc:  # a typo in a capability name must never grant access
        raise KeyError(f"unknown capability {capability!r}") from exc
