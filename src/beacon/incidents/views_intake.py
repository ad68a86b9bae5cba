"""Taking a report: the call-taking page, the front-counter and patrol page, and the live check that
runs beside them while the call is live (HTMX posts the form to `check` as the handler types).

Thin: the check is `selectors.live_check` (which logs the people it shows); the save is
`services.create_incident`. What the panel adds is a preview of what saving would do: where the
location is, the flags the answers, location and chosen person would raise, whether a crime seems
to be disclosed and the grade the rules would suggest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.forms import RadioSelect
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from beacon.core import audit
from beacon.core.errors import Problem, ValidationFailed
from beacon.core.formatting import key_label
from beacon.core.forms import GovukForm
from beacon.core.permissions import AuthedRequest, capability_required
from beacon.geography.selectors import LocationResult, active_priorities, resolve_location
from beacon.incidents import selectors, services
from beacon.incidents.forms import (
    CALL_CHANNELS,
    REPORT_CHANNELS,
    IntakeForm,
    crime_hints,
)
from beacon.incidents.models import (
    Channel,
    GradingRules,
    Incident,
    IncidentCategory,
    IncidentPerson,
    IntakeSettings,
    ResponseGrade,
    ScreeningSet,
    TypeHeading,
)
from beacon.incidents.screening import answer_flags, clean_answers, suggest_grade
from beacon.incidents.templatetags.incidents_tags import FLAG_LABELS
from beacon.people.normalise import DobError, parse_dob
from beacon.people.views import percent

LIVE_REASON = "live check while taking a report"
# Incident flags that say something about the person (not the place or the crime question).
PERSON_INCIDENT_FLAGS = ("vulnerable_victim", "hate_related")
VICTIM_ROLES = {IncidentPerson.Role.CALLER.value, IncidentPerson.Role.VICTIM.value}
# Keys of a LiveCheck person that the panel shows in its own way; any other key is something a
# later domain added (open cases, risk level …) and is shown as it comes.
KNOWN_PERSON_KEYS = {
    "person_id",
    "probability",
    "match_weight",
    "best_record_id",
    "records",
    "why",
    "contributions",
    "flags",
    "contacts",
    "known_as",
    "contacts_in_rule_window",
    "last_contact_at",
    "alerts",
}


# ---------------------------------------------------------------------------------------------
# The live panel


@dataclass
class Earlier:
    """An earlier incident as the panel lists it."""

    incident_id: int | None  # None: a contact not given on an incident (an import, a case contact)
    reference: str
    received_at: dt.datetime
    type: str
    flags: list[str]
    status: str
    role: str = ""
    why: str = ""
    record_id: int | None = None

    @classmethod
    def of(cls, d: dict[str, Any]) -> Earlier:
        return cls(
            incident_id=int(d["incident_id"]) if d.get("incident_id") is not None else None,
            reference=str(d["reference"]),
            received_at=dt.datetime.fromisoformat(str(d["received_at"])),
            type=str(d.get("type", "")),
            flags=[FLAG_LABELS.get(f, f) for f in d.get("flags", [])],
            status=str(d.get("status", "")),
            role=str(d.get("role", "")),
            why=str(d.get("why", "")),
            record_id=int(d["record_id"]) if d.get("record_id") is not None else None,
        )


@dataclass
class Match:
    person_id: int
    percent: str
    why: list[str]
    flags: list[dict[str, Any]]
    contacts: list[Earlier]
    repeat_if_recorded: str
    extra: list[tuple[str, str]]
    # Who they are, to ask "is that you?": the name and address by the person index's rule, the
    # other names they were given as, an age band, the last contact.
    name: str = ""
    also_given_as: list[str] = field(default_factory=list)
    age_band: str = ""
    address: str = ""
    last_contact: dt.datetime | None = None
    advice: str = ""
    likelihood: str = ""
    alerts: list[dict[str, Any]] = field(default_factory=list)
    contacts_in_rule_window: int = 0

    @property
    def label(self) -> str:
        return self.name or f"Person {self.person_id}"

    @property
    def serious(self) -> bool:
        """An alert a handler must rule in or out whatever the match's likelihood."""
        return bool(self.alerts)


def likelihood(probability: float) -> tuple[str, str]:
    """The match's likelihood in a handler's words, and what to ask before choosing them."""
    if probability >= 0.95:
        return "Very likely", "confirm one detail they have not given yet, such as date of birth"
    if probability >= 0.5:
        return "Likely", "ask for date of birth or phone number to confirm"
    if probability >= 0.05:
        return "Possible", "ask for date of birth or phone number before choosing"
    return "Unlikely on these details", "choose only if the caller confirms date of birth and address"


def age_band(dob: str, today: dt.date) -> str:
    """A band such as "35 to 44" from a date of birth as given ("" when not known or unreadable)."""
    try:
        born = parse_dob(dob or None, today=today)
    except DobError:
        return ""
    if born is None:
        return ""
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < 0:
        return ""
    if age < 18:
        return "under 18"
    for low, high in ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 74)):
        if age <= high:
            return f"{low} to {high}"
    return "75 or over"


@dataclass
class Panel:
    asked: bool = False
    matches: list[Match] = field(default_factory=list)
    nearby: list[Earlier] = field(default_factory=list)
    window_days: int = 365
    nearby_metres: int = 50
    place: LocationResult | None = None
    priorities: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unavailable: str = ""
    flags: dict[str, str] = field(default_factory=dict)
    crime_hints: list[str] = field(default_factory=list)
    grade: str = ""
    grade_because: str = ""
    chosen: str = ""

    rule_window_days: int = 365
    rule_min_contacts: int = 3

    @property
    def crime_disclosed(self) -> bool:
        return bool(self.crime_hints)

    @property
    def serious(self) -> list[Match]:
        """Candidates with an alert (an open High-risk case, a High-risk assessment …), whatever
        their likelihood: the handler rules each in or out."""
        return [m for m in self.matches if m.serious]

    @property
    def flag_list(self) -> list[tuple[str, str]]:
        return [(FLAG_LABELS.get(k, k), v) for k, v in self.flags.items()]


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value) or "None"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items()) or "None"
    return "None" if value in (None, "") else str(value)


def _repeat_if_recorded(n: int, min_contacts: int, window_days: int) -> str:
    """Whether recording this report would make a person not yet flagged a repeat victim under the
    current rule (their live contacts in the rule's window, plus this one)."""
    if n + 1 < min_contacts:
        return ""
    return (
        f"{n} earlier contact{'s' if n != 1 else ''} in {window_days} days; with this report "
        f"{n + 1} (the rule is {min_contacts} in {window_days} days)"
    )


def _ref_item(model: Any, code: str) -> Any:
    return model.objects.filter(code=code, active=True).first() if code else None


def build_panel(user: Any, form: IntakeForm) -> Panel:
    """What the live check shows for the form as typed so far (valid or not)."""
    panel = Panel(chosen=form.raw("caller_person"))
    details = form.person_details("p0")
    loc = {k: form.raw(k) for k in ("postcode", "address", "lat", "lon")}
    panel.asked = bool(details) or any(loc.values())
    now = timezone.now()
    lat = lon = None
    if any(loc.values()):
        panel.place = resolve_location(
            postcode=loc["postcode"] or None,
            address=loc["address"] or None,
            lat=loc["lat"] or None,
            lon=loc["lon"] or None,
        )
        lat, lon = panel.place.lat, panel.place.lon
        if lat is not None and lon is not None:
            panel.priorities = [p.name for p in active_priorities(lat, lon, now)]
        near_address, near_postcode = loc["address"], loc["postcode"]
    else:
        near_address, near_postcode = details.get("address", ""), details.get("postcode", "")
    try:
        check = selectors.live_check(
            user, details, lat=lat, lon=lon, address=near_address, postcode=near_postcode, now=now
        )
    except (ValidationFailed, LookupError) as exc:
        if isinstance(exc, ValidationFailed):
            panel.problems = [
                Problem(p.message, form.field_for(f"people[0].{p.field}".rstrip("."), ["p0"]) or "")
                for p in exc.problems
            ]
        else:
            panel.unavailable = str(exc)
        check = selectors.live_check(
            user, {}, lat=lat, lon=lon, address=near_address, postcode=near_postcode, now=now
        )
    panel.window_days = check.window_days
    panel.nearby_metres = IntakeSettings.current().nearby_metres
    panel.nearby = [Earlier.of(n) for n in check.nearby]
    panel.rule_window_days, panel.rule_min_contacts = check.rule_window_days, check.rule_min_contacts
    victim = (form.raw("p0_role") or IncidentPerson.Role.CALLER) in VICTIM_ROLES
    today = timezone.localdate()
    for p in check.people:
        panel.matches.append(_match(p, panel, victim=victim, today=today))
    listed = [*panel.nearby, *(c for m in panel.matches for c in m.contacts)]
    shown = {e.incident_id for e in listed if e.incident_id is not None}
    if shown:
        seen = Incident.objects.filter(pk__in=shown).only("id", "reference")
        audit.record_reads(user, seen, reason=LIVE_REASON)
    _preview_flags(form, panel, victim)
    return panel


def _match(p: dict[str, Any], panel: Panel, *, victim: bool, today: dt.date) -> Match:
    """One candidate as the panel shows them, every figure and flag from the live check's one read
    of their facts (their contact records, flags, and what later domains say)."""
    pid = int(p["person_id"])
    probability = float(p["probability"])
    known = p.get("known_as") or {}
    contacts = [Earlier.of(c) for c in p.get("contacts", [])]
    flags = list(p.get("flags", []))
    # Flags their own incidents raised in the window, once each, unless the person has them.
    has = {str(f.get("kind", "")).split("-")[0] for f in flags}  # "vulnerable", "repeat", …
    for c in p.get("contacts", []):
        for f in c.get("flags", []):
            if f in PERSON_INCIDENT_FLAGS and f.split("_")[0] not in has:
                has.add(f.split("_")[0])
                flags.append(
                    {"kind": f, "label": FLAG_LABELS.get(f, f), "reason": f"raised on {c['reference']}"}
                )
    already = any(f.get("kind") == "repeat-victim" for f in flags)
    n = int(p.get("contacts_in_rule_window", 0))
    word, advice = likelihood(probability)
    names = []
    for r in p.get("names_given", []):
        if r and r != known.get("name") and r not in names:
            names.append(r)
    last = p.get("last_contact_at")
    return Match(
        person_id=pid,
        percent=percent(probability),
        why=list(p.get("why", [])),
        flags=flags,
        contacts=contacts,
        repeat_if_recorded=""
        if already or not victim
        else _repeat_if_recorded(n, panel.rule_min_contacts, panel.rule_window_days),
        extra=[(key_label(k), _shown(v)) for k, v in p.items() if k not in KNOWN_PERSON_KEYS],
        name=str(known.get("name", "")),
        also_given_as=names,
        age_band=age_band(str(known.get("dob", "")), today),
        address=", ".join(x for x in (known.get("address", ""), known.get("postcode", "")) if x),
        last_contact=dt.datetime.fromisoformat(last) if last else None,
        advice=advice,
        likelihood=word,
        alerts=list(p.get("alerts", [])),
        contacts_in_rule_window=n,
    )


def _preview_flags(form: IntakeForm, panel: Panel, victim: bool) -> None:
    """The flags saving would raise, the crime question, and the grade the rules would suggest."""
    answers, _ = clean_answers(form.questions, form.raw_answers())
    flags = answer_flags(form.questions, answers)
    is_asb = form.raw("is_asb") != "no"
    heading = _ref_item(TypeHeading, form.raw("type_heading")) if is_asb else None
    category = None if is_asb else _ref_item(IncidentCategory, form.raw("other_category"))
    panel.crime_hints = crime_hints(
        form.questions, answers, is_asb=is_asb, type_heading=heading, other_category=category
    )
    if panel.crime_hints:
        flags.setdefault("crime_disclosed", panel.crime_hints[0])
    if panel.priorities:
        flags["local_priority"] = "inside " + "; ".join(panel.priorities)
    chosen = next((m for m in panel.matches if str(m.person_id) == panel.chosen), None)
    if chosen is not None and victim:
        for f in chosen.flags:
            if f["kind"] == "repeat-victim":
                flags.setdefault("repeat_victim", f"person {chosen.person_id}: {f['reason']}")
            elif str(f["kind"]).startswith("vulnerable"):
                flags.setdefault(
                    "vulnerable_victim", f"person {chosen.person_id}: {f['label']} ({f['reason']})"
                )
        if chosen.repeat_if_recorded:
            flags.setdefault("repeat_victim", f"person {chosen.person_id}: {chosen.repeat_if_recorded}")
    panel.flags = {k: flags[k] for k in FLAG_LABELS if k in flags}
    rules = GradingRules.objects.order_by("-version").first()
    if rules is not None:
        suggestion = suggest_grade(
            rules.rules,
            rules.default_grade,
            answers=answers,
            flags=list(flags),
            channel=form.raw("channel"),
        )
        grade = ResponseGrade.objects.filter(code=suggestion.grade).first()
        panel.grade = grade.label if grade else suggestion.grade
        panel.grade_because = suggestion.because


# ---------------------------------------------------------------------------------------------
# The pages


def _screening(version: str | None) -> ScreeningSet | None:
    qs = ScreeningSet.objects.order_by("-version")
    found = qs.filter(version=int(version)).first() if version and version.isdigit() else None
    return found or qs.first()


def form_problems(form: GovukForm) -> list[Problem]:
    """The form's problems for the error summary, each linking to its field (the first choice of a
    set of radios); a problem with the whole form names no field."""
    out = []
    for p in form.problems():
        name = "" if p.field == "__all__" else p.field
        radios = name in form.fields and isinstance(form.fields[name].widget, RadioSelect)
        if radios or name == "caller_person":
            name += "_0"
        out.append(Problem(p.message, name))
    return out


def _saved_message(incident: Incident) -> str:
    parts = [f"Report {incident.reference} saved."]
    flags = [FLAG_LABELS[f] for f in incident.flags]
    parts.append(f"Flags: {', '.join(flags)}." if flags else "No flags raised.")
    if incident.notified_team is not None:
        parts.append(f"{incident.notified_team.team_name} notified.")
    elif services.needs_triage(incident):
        why = incident.location_problem or "it could not be placed in a neighbourhood"
        parts.append(
            f"No neighbourhood team notified ({why.rstrip('.')}): it waits in the force's triage inbox."
        )
    elif incident.location_problem:
        parts.append(f"No neighbourhood team notified: {incident.location_problem}.")
    else:
        parts.append("No neighbourhood team notified (not ASB).")
    if incident.response_grade is not None:
        parts.append(f"Response grade: {incident.response_grade.label}.")
    return " ".join(parts)


def _crime_open(form: IntakeForm, panel: Panel) -> bool:
    """Whether the crime questions are shown: a crime seems disclosed, or they were answered."""
    if panel.crime_disclosed or form.raw("crime_recorded"):
        return True
    return form.is_bound and any(
        n in form.errors for n in ("crime_recorded", "crime_reference", "no_crime_reason")
    )


def _intake(request: AuthedRequest, *, channels: list[tuple[str, str]], page: str) -> HttpResponse:
    posted = request.method == "POST"
    screening = _screening(request.POST.get("screening_version") if posted else None)
    problems: list[Problem] = []
    panel = Panel()
    crime_open = False
    if posted:
        form = IntakeForm(request.POST, channels=channels, screening=screening)
        if request.POST.get("action") == "check":
            # Checking without JavaScript: the panel for what is typed; no errors on fields yet.
            panel = build_panel(request.user, form)
            crime_open = _crime_open(form, panel)
            form = IntakeForm(initial=request.POST.dict(), channels=channels, screening=screening)
        else:
            if form.is_valid():
                intake = form.to_intake()
                try:
                    incident = services.create_incident(request.user, intake.data)
                except ValidationFailed as exc:
                    form.add_service_problems(exc.problems, intake.person_prefixes)
                else:
                    messages.success(request, _saved_message(incident))
                    return redirect("incidents:detail", pk=incident.pk)
            problems = form_problems(form)
            panel = build_panel(request.user, form)
            crime_open = _crime_open(form, panel)
    else:
        form = IntakeForm(channels=channels, screening=screening)
    return render(
        request,
        "incidents/intake.html",
        {
            "form": form,
            "panel": panel,
            "problems": problems,
            "page": page,
            "crime_open": crime_open,
            "caller_errors": form.errors.get("caller_person", []) if problems else [],
            "screening": screening,
        },
    )


@capability_required("incidents.create")
def new_call(request: AuthedRequest) -> HttpResponse:
    return _intake(request, channels=CALL_CHANNELS, page="call")


@capability_required("incidents.create")
def new_report(request: AuthedRequest) -> HttpResponse:
    return _intake(request, channels=REPORT_CHANNELS, page="report")


@require_POST
@capability_required("incidents.create")
def live_check(request: AuthedRequest) -> HttpResponse:
    """The live panel for the form as typed so far (the HTMX partial)."""
    form = IntakeForm(
        request.POST,
        channels=list(Channel.choices),
        screening=_screening(request.POST.get("screening_version")),
    )
    panel = build_panel(request.user, form)
    return render(
        request,
        "incidents/_live_check.html",
        {"panel": panel, "form": form, "htmx": request.headers.get("HX-Request") == "true"},
    )
