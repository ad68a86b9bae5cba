"""Whether the demo's victims agreed to a quality call-back (a satisfaction survey), so that call
lists can be drawn from the first start: of the victims and callers on the demo's incidents, about
seven in ten agreed when asked, one in ten refused and two in ten were never asked (seeded, so every
demo is the same). Loading twice changes nothing."""

from __future__ import annotations

import numpy as np
from django.db import transaction

from beacon.incidents.models import IncidentPerson

SEED = 2026
SHARES = ((True, 0.7), (False, 0.1), (None, 0.2))  # agreed, refused, not asked


@transaction.atomic
def set_survey_consent(seed: int = SEED) -> int:
    """Set the answer for every victim and caller not yet asked; nothing if any answer is set
    already (the demo was loaded before). Returns how many were given an answer."""
    roles = IncidentPerson.objects.filter(role__in=(IncidentPerson.Role.VICTIM, IncidentPerson.Role.CALLER))
    if roles.filter(survey_consent__isnull=False).exists():
        return 0
    ids = list(roles.order_by("pk").values_list("pk", flat=True))
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(SHARES), size=len(ids), p=[share for _v, share in SHARES])
    for i, (value, _share) in enumerate(SHARES):
        chosen = [pk for pk, pick in zip(ids, picks, strict=True) if pick == i]
        if value is not None and chosen:
            IncidentPerson.objects.filter(pk__in=chosen).update(survey_consent=value)
    return sum(1 for pick in picks if SHARES[int(pick)][0] is not None)
