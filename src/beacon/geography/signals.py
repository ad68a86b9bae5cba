"""Keep the in-process neighbourhood index in step with any save or delete in this process
(the services invalidate it too, and after bulk writes, which send no signals)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from beacon.geography.models import Neighbourhood


@receiver(post_save, sender=Neighbourhood, dispatch_uid="geography_neighbourhood_saved")
@receiver(post_delete, sender=Neighbourhood, dispatch_uid="geography_neighbourhood_deleted")
def _neighbourhood_changed(**_: Any) -> None:
    from beacon.geography.selectors import invalidate_cache

    invalidate_cache()
