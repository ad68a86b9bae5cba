"""The person-index API: look a caller up, a person's records and flags, who they are known as (and
an officer confirming it), the analysts' review queue, subject access and erasure.

Handlers are thin: reads go through `selectors`, writes through `services` (which validate and
audit). Every read of personal data is logged with its purpose: the lookup's `purpose`, a person's
optional `purpose` (else "viewing person record"), a subject access request's `reason`. Every
endpoint names the capability it needs with `require`. Unknown ids in the URL answer 404; service
errors become JSON by the handlers in beacon.api (422 naming the field, 403, 409).

No `from __future__ import annotations` here: django-ninja reads the handlers' annotations through
the `require` wrapper, whose module globals would not resolve string annotations.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja import Status as WithStatus  # an HTTP status with a body
from ninja.errors import HttpError

from beacon.core import audit
from beacon.core.api_auth import api_user, get_or_404, require
from beacon.core.errors import ValidationFailed
from beacon.people import selectors, services
from beacon.people.models import ContactRecord, Person, PersonFlag, ReviewPair
from beacon.people.schemas import (
    ConfirmIn,
    EraseIn,
    FlagIn,
    KnownAsOut,
    LookupOut,
    PairDecisionIn,
    PersonFlagOut,
    PersonOut,
    RecordOut,
    ReviewPairOut,
    ReviewQueueOut,
    SubjectAccessOut,
)

router = Router(tags=["People"])

DEFAULT_PURPOSE = "viewing person record"  # as the person page
LOOKUP_MAX = 50
QUEUE_MAX = 500


def _required(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationFailed.one(message, field)
    return value


# ---------------------------------------------------------------------------------------------
# Shaping records for responses


def _record_out(r: ContactRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "person_id": r.person_id,
        "source": r.source,
        "source_ref": r.source_ref,
        "contacted_at": r.contacted_at,
        "as_given": None
        if r.erased_at
        else {
            "forename": r.given_forename,
            "surname": r.given_surname,
            "dob": r.given_dob,
            "phone": r.given_phone,
            "email": r.given_email,
            "address": r.given_address,
            "postcode": r.given_postcode,
        },
        "erased_at": r.erased_at,
        "erased_reason": r.erased_reason,
    }


def _flag_out(f: PersonFlag) -> dict[str, Any]:
    return {
        "id": f.pk,
        "kind": f.kind.code,
        "label": f.kind.label,
        "reason": f.reason,
        "source": f.source,
        "recorded_on": f.recorded_on,
        "review_on": f.review_on,
        "ended_on": f.ended_on,
    }


def _pair_out(p: ReviewPair) -> dict[str, Any]:
    return {
        "id": p.pk,
        "version": p.version,
        "probability": p.probability,
        "model_version": p.model_version,
        "decision": p.decision,
        "note": p.note,
        "decided_by": p.decided_by.get_username() if p.decided_by else None,
        "decided_at": p.decided_at,
        "record_a": _record_out(p.record_a),
        "record_b": _record_out(p.record_b),
    }


# ---------------------------------------------------------------------------------------------
# Lookup (declared before "{person_id}" routes)


@router.get(
    "lookup",
    response=LookupOut,
    summary="Look a caller up: persons who may match, best first, with why and their flags",
)
@require("people.lookup")
def people_lookup(
    request: HttpRequest,
    purpose: str = Query(..., min_length=1, pattern=r"\S", description="Why you are looking."),
    forename: str = "",
    surname: str = "",
    dob: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    postcode: str = "",
    limit: int = 10,
) -> dict[str, Any]:
    """`purpose` (why you are looking, e.g. the incident reference) is written to the access log
    with each person found. At least one detail is needed; a date of birth that is not a date, a
    non-UK phone number, a malformed email or postcode answer 422 naming the field. 503 while no
    matching model has been trained. `limit` is at most 50."""
    reason = _required(purpose, "purpose", "Say why you are looking (for example, the incident reference).")
    raw = {
        "forename": forename,
        "surname": surname,
        "dob": dob,
        "phone": phone,
        "email": email,
        "address": address,
        "postcode": postcode,
    }
    try:
        found = selectors.lookup(
            raw, actor=api_user(request), reason=reason[:500], limit=max(1, min(limit, LOOKUP_MAX))
        )
    except LookupError as exc:
        raise HttpError(503, str(exc)) from exc
    return {"candidates": [c.as_dict() for c in found]}


# ---------------------------------------------------------------------------------------------
# Review queue


@router.get("review-queue", response=ReviewQueueOut, summary="Pairs of records awaiting an analyst")
@require("people.review")
def people_review_queue(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Most likely first. Reading the queue is logged (the records are personal data).
    `limit` is at most 500."""
    qs = selectors.review_queue()
    start = max(0, offset)
    pairs = list(qs.select_related("decided_by")[start : start + max(1, min(limit, QUEUE_MAX))])
    shown = [r for p in pairs for r in (p.record_a, p.record_b)]
    if shown:
        audit.record_reads(api_user(request), shown, reason="reviewing possible matches")
    return {"count": qs.count(), "pairs": [_pair_out(p) for p in pairs]}


@router.post(
    "review-queue/{int:pair_id}",
    response=ReviewPairOut,
    summary="Decide a pair: the same person or different people (binds later runs)",
)
@require("people.review")
def people_decide(request: HttpRequest, pair_id: int, payload: PairDecisionIn) -> dict[str, Any]:
    """Send the `version` you loaded: 409, with what changed, if someone decided it since."""
    pair = get_or_404(ReviewPair.objects.all(), pair_id, "review pair")
    pair = services.decide_pair(
        api_user(request), pair, same=payload.same, note=payload.note, expected_version=payload.version
    )
    pair = ReviewPair.objects.select_related("record_a", "record_b", "decided_by").get(pk=pair.pk)
    return _pair_out(pair)


# ---------------------------------------------------------------------------------------------
# Records


@router.post(
    "records/{int:record_id}/erase",
    response=RecordOut,
    summary="Erase a record's personal data, keeping a tombstone (administrators)",
)
@require("people.erase")
def people_erase_record(request: HttpRequest, record_id: int, payload: EraseIn) -> dict[str, Any]:
    record = get_or_404(ContactRecord.objects.all(), record_id, "record")
    return _record_out(services.erase_record(api_user(request), record, reason=payload.reason))


@router.post("flags/{int:flag_id}/end", response=PersonFlagOut, summary="End a flag set by hand (from today)")
@require("people.flag")
def people_end_flag(request: HttpRequest, flag_id: int) -> dict[str, Any]:
    flag = get_or_404(PersonFlag.objects.select_related("kind"), flag_id, "flag")
    if flag.kind.derived:
        raise ValidationFailed.one(
            f"The {flag.kind.label.lower()} flag is set and ended by its rule.", "kind"
        )
    if flag.ended_on is not None and flag.ended_on <= timezone.localdate():
        raise ValidationFailed.one("This flag has already ended.", "ended_on")
    return _flag_out(services.end_flag(api_user(request), flag))


# ---------------------------------------------------------------------------------------------
# Persons


@router.get(
    "{int:person_id}",
    response=PersonOut,
    summary="A person: who they are known as, their records as given and open flags",
)
@require("people.view")
def people_person(request: HttpRequest, person_id: int, purpose: str = "") -> dict[str, Any]:
    """The read is logged with `purpose` (else “viewing person record”). A merged person has no
    records of their own: follow `merged_into_id`."""
    person = get_or_404(Person.objects.all(), person_id, "person")
    audit.record_read(api_user(request), person, reason=purpose.strip()[:500] or DEFAULT_PURPOSE)
    flags = person.flags.select_related("kind").exclude(ended_on__lte=timezone.localdate())
    return {
        "id": person.pk,
        "merged_into_id": person.merged_into_id,
        "known_as": selectors.known_as([person.pk])[person.pk].as_dict(),
        "records": [_record_out(r) for r in selectors.person_records(person)],
        "flags": [_flag_out(f) for f in flags],
    }


@router.post(
    "{int:person_id}/known-as",
    response=KnownAsOut,
    summary="Confirm which record's name or details are the person's (or stop using a confirmation)",
)
@require("people.flag")
def people_confirm(request: HttpRequest, person_id: int, payload: ConfirmIn) -> dict[str, Any]:
    """With a `record_id`: the `details` (default the name) one of the person's records gives become
    what every page shows for them, whatever later calls say. With `record_id` null: stop using
    the confirmed `details` (they are the values given most often again). Audited; the answer, the
    person as known now, is written to the access log.

    Answers 200 with the person as known now; 400 when the body is not JSON; 401 without a valid
    token or session; 403 when your role may not confirm details (it needs `people.flag`); 404 when
    no person has `person_id`; 413 when the body is too large; 422 naming the field for an unknown
    detail, no detail, a record that does not exist, is not this person's, has been erased or does
    not give that detail, a note over 300 characters, or a field the schema does not name; 429
    while too many invalid tokens come from your address."""
    person = get_or_404(Person.objects.all(), person_id, "person")
    user = api_user(request)
    if payload.record_id is None:
        services.withdraw_confirmation(user, person, payload.details, reason=payload.note)
    else:
        record = ContactRecord.objects.filter(pk=payload.record_id).first()
        if record is None:
            raise ValidationFailed.one(f"No record has id {payload.record_id}.", "record_id")
        services.confirm_details(user, person, record, payload.details, note=payload.note)
    audit.record_read(user, person, reason="confirming who the person is")
    return selectors.known_as([person.pk])[person.pk].as_dict()


@router.post(
    "{int:person_id}/flags", response={201: PersonFlagOut}, summary="Flag a person (e.g. vulnerable)"
)
@require("people.flag")
def people_add_flag(request: HttpRequest, person_id: int, payload: FlagIn) -> WithStatus[dict[str, Any]]:
    """Kinds set by a rule (repeat victim) are refused; vulnerable needs a reason."""
    person = get_or_404(Person.objects.all(), person_id, "person")
    if payload.review_on is not None and payload.review_on < timezone.localdate():
        raise ValidationFailed.one("The review date must be today or later.", "review_on")
    flag = services.add_flag(
        api_user(request), person, kind=payload.kind, reason=payload.reason, review_on=payload.review_on
    )
    return WithStatus(201, _flag_out(flag))


@router.get(
    "{int:person_id}/subject-access",
    response=SubjectAccessOut,
    summary="Everything held about a person, for a subject access request (administrators)",
)
@require("people.subject_access")
def people_subject_access(
    request: HttpRequest,
    person_id: int,
    reason: str = Query(..., min_length=1, pattern=r"\S", description="The request's reference."),
) -> dict[str, Any]:
    """`reason` is the request's reference; the read is logged with it."""
    why = _required(reason, "reason", "Give the subject access request reference.")
    person = get_or_404(Person.objects.all(), person_id, "person")
    return selectors.subject_access(person, actor=api_user(request), reason=why)
