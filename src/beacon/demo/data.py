"""Synthetic demo data: a fictional force, its people (all invented), portfolios and two
inspections whose plans are in mixed states (on track, overdue, stale, due soon, complete, N/A,
transferred, supporting, no owner). Dates are relative to today so the flags always show."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from beacon.core import audit
from beacon.core.models import Area, Force, User
from beacon.core.roles import Role
from beacon.inspections import services as plan_services
from beacon.inspections.importer import import_rows
from beacon.inspections.models import Inspection

DEMO_PASSWORD = "beacon-demo"  # noqa: S105 - demo accounts only, printed on start

FORCE = ("Wessex Constabulary", "WX")
AREAS = [("Northern Area", "N"), ("Southern Area", "S"), ("Eastern Area", "E"), ("Western Area", "W")]

# username, role, first, last, job title, partner agency
USERS = [
    ("handler", Role.CALL_HANDLER, "Alex", "Carter", "Call Handler", ""),
    ("officer", Role.OFFICER, "Sam", "Okafor", "Supt Neighbourhoods", ""),
    ("sergeant", Role.SUPERVISOR, "Priya", "Nolan", "Sergeant, Northern Area", ""),
    ("inspector", Role.SUPERVISOR, "Chris", "Mensah", "Inspector, Northern Area", ""),
    ("analyst", Role.ANALYST, "Jordan", "Reeve", "Crime Analyst", ""),
    ("performance", Role.PERFORMANCE, "Morgan", "Hale", "Head of Performance", ""),
    ("chief", Role.CHIEF_OFFICER, "Robin", "Ashby", "ACC Local Policing", ""),
    ("partner", Role.PARTNER, "Casey", "Lund", "ASB Coordinator", "council"),
    ("admin", Role.ADMIN, "Taylor", "Quinn", "System Administrator", ""),
]

RANKS = {"sergeant": "sergeant", "inspector": "inspector"}  # police ranks where they matter

# fmt: off
HEADER = [
    "inspection", "ref", "kind", "parent_ref", "category", "text", "pages", "portfolio",
    "portfolio_holder", "plan_owner", "role", "action_owner", "due_date", "status", "update_date",
    "update", "transferred_to", "transferred_on",
]
# fmt: on

ASB = "Wessex Constabulary ASB Thematic Inspection (demo)"
CDI = "Wessex Constabulary Force Inspection (demo)"

PORTFOLIOS = {
    "Contact Management": ("Director of Contact", "Head of Contact Centre"),
    "Local Policing": ("ACC Local Policing", "Ch Supt Neighbourhoods"),
    "Crime": ("ACC Crime", "Det Ch Supt Crime"),
    "Performance & Insight": ("Deputy Chief Constable", "Head of Performance"),
}


def _rows(today: date) -> list[list[str]]:
    def d(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    rows: list[list[str]] = []

    # The plan rows are laid out by hand, one call per row: keep the formatter out of them.
    # fmt: off
    def add(insp: str, ref: str, kind: str, parent: str, cat: str, text: str, page: str, portfolio: str,
            role: str, owner: str, due: str, status: str, upd: str, note: str,
            to: str = "", on: str = "") -> None:
        holder, plan_owner = PORTFOLIOS[portfolio]
        rows.append([insp, ref, kind, parent, cat, text, page, portfolio, holder, plan_owner, role, owner,
                     due, status, upd, note, to, on])

    cc1 = "Callers reporting ASB are not asked about risk, so those most at risk may be missed."
    add(ASB, "CC.1", "cause_of_concern", "", "Vulnerability", cc1, "5", "Contact Management", "lead",
        "Head of Contact Centre", d(60), "AMBER", d(-90), "Draft screening questions agreed.")
    add(ASB, "CC.1", "cause_of_concern", "", "Vulnerability", cc1, "5", "Contact Management", "lead",
        "Head of Contact Centre", d(60), "GREEN", d(-20), "Screening live; first dip sample done.")
    r1 = "Introduce screening at first contact that identifies repeat and vulnerable victims."
    add(ASB, "R.1", "recommendation", "CC.1", "Vulnerability", r1, "5, 14", "Contact Management", "lead",
        "Head of Contact Centre", d(10), "GREEN", d(-15), "On track for go-live.")
    add(ASB, "AFI.1", "area_for_improvement", "R.1", "Systems",
        "Call handlers cannot see whether a caller has reported before.", "14", "Contact Management", "lead",
        "Contact Systems Manager", d(-30), "RED", d(-60), "Supplier change needed; options paper due.")
    add(ASB, "AFI.2", "area_for_improvement", "R.1", "Case management",
        "Risk assessment of ASB victims differs between areas.", "15", "Local Policing", "lead",
        "Supt Neighbourhoods", d(30), "AMBER", d(-70), "Common matrix piloted in two areas.")
    add(ASB, "AFI.3", "area_for_improvement", "", "Problem solving",
        "Problem-solving plans cannot be searched across the force.", "16", "Local Policing", "lead",
        "Supt Neighbourhoods", d(-40), "COMPLETE", d(-45), "Force-wide library launched.")
    add(ASB, "AFI.4", "area_for_improvement", "", "Crime recording",
        "Crimes disclosed during ASB reports are not always recorded.", "17", "Crime", "lead",
        "Force Crime Registrar", d(20), "", d(-100), "Moved to Performance & Insight, which runs audits.",
        "Performance & Insight", d(-100))
    add(ASB, "AFI.4", "area_for_improvement", "", "Crime recording",
        "Crimes disclosed during ASB reports are not always recorded.", "17", "Performance & Insight", "lead",
        "Head of Audit", d(20), "AMBER", d(-10), "Monthly audit of 100 logs; last month 81% correct.")
    add(ASB, "AFI.5", "area_for_improvement", "", "Performance",
        "Performance meetings do not report repeat and vulnerable victims.", "18", "Performance & Insight",
        "lead", "Head of Performance", d(5), "GREEN", d(-12), "Measures added to the monthly pack.")
    add(ASB, "AFI.5", "area_for_improvement", "", "Performance",
        "Performance meetings do not report repeat and vulnerable victims.", "18", "Local Policing",
        "supporting", "Area Commanders", d(5), "", d(-12), "Areas supply commentary.")
    add(ASB, "AFI.6", "area_for_improvement", "", "Victim contact",
        "Victims are not always told what action was taken.", "19", "Local Policing", "lead",
        "Supt Neighbourhoods", d(-120), "N/A", d(-130), "Superseded by the national victim contact standard.")
    add(ASB, "AFI.7", "area_for_improvement", "", "Neighbourhoods",
        "Neighbourhood officers are often taken away to cover response duties.", "20", "Local Policing",
        "lead", "", d(45), "", "", "")

    r = "Publish neighbourhood priorities and report back on them at every public meeting."
    add(CDI, "R.1", "recommendation", "", "Neighbourhood policing", r, "8", "Local Policing", "lead",
        "Supt Neighbourhoods", d(-5), "RED", d(-50), "Template drafted; not yet used in all areas.")
    add(CDI, "R.2", "recommendation", "", "Call handling",
        "Answer 101 calls within the force's published standard.", "11", "Contact Management", "lead",
        "Head of Contact Centre", d(90), "AMBER", d(-30), "Recruitment of 20 call handlers under way.")
    add(CDI, "AFI.1", "area_for_improvement", "R.2", "Call handling",
        "Call-back times for non-emergency calls are not monitored.", "12", "Contact Management", "lead",
        "Head of Contact Centre", d(12), "GREEN", d(-8), "Dashboard live.")
    add(CDI, "AFI.2", "area_for_improvement", "", "Supervision",
        "Supervisors rarely review incident logs.", "13", "Performance & Insight", "lead",
        "Head of Audit", d(60), "RED", d(-80), "Audit tool being procured.")
    # fmt: on
    return rows


@transaction.atomic
def load(today: date | None = None) -> bool:
    """Load the demo data unless it is already there. Returns True when it loaded."""
    if Inspection.objects.filter(title=ASB).exists():
        return False
    today = today or date.today()
    force, _ = Force.objects.get_or_create(name=FORCE[0], code=FORCE[1])
    areas = [Area.objects.get_or_create(force=force, code=c, defaults={"name": n})[0] for n, c in AREAS]
    for username, role, first, last, title, agency in USERS:
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first,
                "last_name": last,
                "job_title": title,
                "partner_agency": agency,
                "rank": RANKS.get(username, ""),
                "email": f"{username}@wessex.police.example",
                "all_areas": role
                in (Role.CALL_HANDLER, Role.ANALYST, Role.PERFORMANCE, Role.CHIEF_OFFICER, Role.ADMIN),
            },
        )
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.areas.set(areas[:1] if not user.all_areas else [])
            audit.record_create(None, user, reason="demo data")
    import_rows(HEADER, [list(r) for r in _rows(today)], actor=None, source_name="demo")
    admin = User.objects.get(username="admin")
    performance = User.objects.get(username="performance")
    del admin
    plan_services.save_board(
        performance,
        name="Programme Board",
        chair="Deputy Chief Constable",
        inspections=list(Inspection.objects.all()),
        meeting_dates=[today + timedelta(days=14)],
    )
    plan_services.save_board(
        performance,
        name="Contact Handling Board",
        chair="Director of Contact",
        inspections=list(Inspection.objects.filter(title=ASB)),
        meeting_dates=[today + timedelta(days=21)],
    )
    Inspection.objects.filter(title=ASB).update(
        kind=Inspection.Kind.THEMATIC,
        published=today - timedelta(days=200),
        fieldwork_start=today - timedelta(days=320),
        fieldwork_end=today - timedelta(days=290),
        revisit_date=today + timedelta(days=160),
    )
    Inspection.objects.filter(title=CDI).update(
        kind=Inspection.Kind.FORCE,
        published=today - timedelta(days=120),
        revisit_date=today + timedelta(days=240),
    )
    return True
