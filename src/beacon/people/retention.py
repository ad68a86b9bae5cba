"""Disposal in the person index: the contact records a disposal covers lose their details as given
and their normalised forms (as an erasure does), and a person left with no record that still holds
details loses the reasons on their flags, which end. Confirmations of a person's details made from
a disposed record go (see `selectors.known_as`)."""

from __future__ import annotations

from django.utils import timezone

from beacon.core import retention
from beacon.core.retention import DisposalScope
from beacon.people.models import FEATURES, ConfirmedDetail, ContactRecord, PersonFlag

RECORD = "people.contactrecord"


def dispose(scope: DisposalScope) -> dict[str, int]:
    ids = scope.get(RECORD)
    if not ids:
        return {}
    now = timezone.now()
    values: dict[str, object] = {
        f.name: "" for f in ContactRecord._meta.concrete_fields if f.name.startswith("given_")
    }
    values.update({name: None for name in (*FEATURES, "house_no")})
    person_ids = set(ContactRecord.objects.filter(pk__in=ids).values_list("person_id", flat=True))
    records = ContactRecord.objects.filter(pk__in=ids)
    # Records erased before keep their erasure's time and reason; their audit entries are scrubbed too.
    retention.scrub_audit(ContactRecord, list(ids), values)
    n = retention.wipe(
        records.filter(erased_at__isnull=True),
        {
            **values,
            "erased_at": now,
            "erased_reason": f"Disposed of under the retention schedule ({scope.record_type})",
        },
    )
    # A disposed record confirms nothing any more (its note may say how the details were checked).
    ConfirmedDetail.objects.filter(record_id__in=list(ids)).delete()
    emptied = person_ids - set(
        ContactRecord.objects.filter(person_id__in=person_ids, erased_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    flags = PersonFlag.objects.filter(person_id__in=emptied)
    n_flags = flags.filter(ended_on__isnull=True).update(ended_on=timezone.localdate())
    retention.wipe(flags, {"reason": ""})
    return {"contact_records": n, "persons_emptied": len(emptied), "flags_ended": n_flags}


def register() -> None:
    retention.register_disposer("people", dispose)
