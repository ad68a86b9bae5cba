"""The live panel never contradicts the person's record: for a few dozen generated people (contacts
on incidents and from other sources at random ages, some erased, flags set by hand and raised by
their incidents), every figure and flag the panel shows for them is what their record says, read
here straight from the database."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone

from beacon.core.models import User
from beacon.core.roles import Role
from beacon.incidents import services
from beacon.incidents.models import Channel, IncidentPerson, IntakeSettings
from beacon.incidents.tests.factories import caller, report
from beacon.incidents.views_intake import PERSON_INCIDENT_FLAGS, Match, age_band, build_panel
from beacon.people import selectors as people_selectors
from beacon.people import services as people_services
from beacon.people.models import ContactRecord, Person, PersonFlag, RepeatVictimRule

pytestmark = pytest.mark.django_db

PEOPLE = 30
FORENAMES = ["Alice", "Bilal", "Chloe", "Dmitri", "Esther", "Farid", "Grace", "Hamza", "Isla", "Jonas"]
SURNAMES = ["Abernethy", "Bukowski", "Castellano", "Dunmore", "Eriksen", "Fairweather", "Gallagher"]


def _someone(i: int) -> dict[str, str]:
    return {
        "forename": FORENAMES[i % len(FORENAMES)],
        "surname": f"{SURNAMES[i % len(SURNAMES)]}{'xyzq'[i % 4]}{i}",
        "phone": f"07700 9{i:05d}",
        "dob": f"19{50 + i % 45}-0{1 + i % 9}-1{i % 10}",
    }


def _make(rng: random.Random, i: int, town: dict[str, Any], handler: User, admin: User) -> Person:
    details = _someone(i)
    lat, lon = town["inside"]
    now = timezone.now()
    person: Person | None = None
    for _ in range(rng.randint(1, 5)):
        when = now - dt.timedelta(days=rng.randint(0, 500), hours=rng.randint(0, 23))
        answers = {"household_disability": "yes"} if rng.random() < 0.3 else {}
        inc = services.create_incident(
            handler,
            report(
                lat=lat,
                lon=lon,
                received_at=when,
                answers=answers,
                people=[
                    caller(
                        details["forename"],
                        details["surname"],
                        role="victim",
                        phone=details["phone"],
                        dob=details["dob"],
                    )
                ],
            ),
        )
        record = IncidentPerson.objects.get(incident=inc).record
        if person is None:
            person = record.person
        elif record.person_id != person.pk:  # keep them one person whatever the matcher thought
            ContactRecord.objects.filter(pk=record.pk).update(person=person)
    assert person is not None
    for _ in range(rng.randint(0, 2)):  # contacts not given on an incident
        when = now - dt.timedelta(days=rng.randint(0, 500))
        people_services.add_contact(
            None, details, source="import", source_ref=f"IMP-{i}", contacted_at=when, person=person
        )
    if rng.random() < 0.2:
        chosen = ContactRecord.objects.filter(person=person).order_by("?").first()
        assert chosen is not None
        people_services.erase_record(admin, chosen, reason="test: erased")
    if rng.random() < 0.3:
        people_services.add_flag(handler, person, kind="vulnerable", reason="age")
    people_services.refresh_repeat_flag(person)
    return person


def _panel_for(handler: User, details: dict[str, str]) -> Any:
    from beacon.incidents.forms import IntakeForm

    data = {
        "p0_forename": details["forename"],
        "p0_surname": details["surname"],
        "p0_phone": details["phone"],
        "p0_role": "victim",
        "channel": "101",
        "screening_version": "1",
    }
    return build_panel(handler, IntakeForm(data, channels=list(Channel.choices), screening=None))


def _expected(person: Person) -> dict[str, Any]:
    now = timezone.now()
    window = IntakeSettings.current().history_window_days
    rule = RepeatVictimRule.current()
    live = ContactRecord.objects.filter(person=person, erased_at__isnull=True)
    shown = live.filter(contacted_at__gte=now - dt.timedelta(days=window))
    in_rule = live.filter(contacted_at__gte=now - dt.timedelta(days=rule.window_days)).count()
    today = timezone.localdate()
    flags = PersonFlag.objects.filter(person=person).exclude(ended_on__lte=today).select_related("kind")
    person_kinds = {f.kind.code.split("-")[0] for f in flags}
    raised = {
        f
        for ip in IncidentPerson.objects.filter(record__in=shown).select_related("incident")
        for f in ip.incident.flags
        if f in PERSON_INCIDENT_FLAGS and f.split("_")[0] not in person_kinds
    }
    last = live.order_by("-contacted_at").values_list("contacted_at", flat=True).first()
    repeat = any(f.kind.code == "repeat-victim" for f in flags)
    return {
        "records": set(shown.values_list("pk", flat=True)),
        "in_rule": in_rule,
        "flag_labels": {f.kind.label for f in flags},
        "raised": raised,
        "last": last,
        "would_repeat": not repeat and in_rule + 1 >= rule.min_contacts,
        "name": people_selectors.known_as([person.pk])[person.pk].name,
    }


def test_every_figure_and_flag_of_the_panel_is_the_persons_record(
    town: dict[str, Any], make_user: Any, active_model: Any
) -> None:
    rng = random.Random(20261207)
    handler = make_user(Role.CALL_HANDLER, username="handler", all_areas=True)
    admin = make_user(Role.ADMIN, username="admin", all_areas=True)
    people = [(_someone(i), _make(rng, i, town, handler, admin)) for i in range(PEOPLE)]
    checked = 0
    for details, person in people:
        panel = _panel_for(handler, details)
        match: Match | None = next((m for m in panel.matches if m.person_id == person.pk), None)
        if not ContactRecord.objects.filter(person=person, erased_at__isnull=True).exists():
            assert match is None
            continue
        assert match is not None, (details, [m.person_id for m in panel.matches])
        want = _expected(person)
        contact_ids = {c.record_id for c in match.contacts}
        assert contact_ids == want["records"], details
        assert match.contacts_in_rule_window == want["in_rule"], details
        assert bool(match.repeat_if_recorded) == want["would_repeat"], details
        labels = {str(f["label"]) for f in match.flags}
        assert want["flag_labels"] <= labels, details
        assert {str(f["kind"]) for f in match.flags if f["kind"] in PERSON_INCIDENT_FLAGS} == want["raised"]
        assert match.name == want["name"] and match.name
        assert match.age_band == age_band(details["dob"], timezone.localdate()) != ""
        assert match.last_contact == want["last"]
        checked += 1
    assert checked >= PEOPLE * 0.8
