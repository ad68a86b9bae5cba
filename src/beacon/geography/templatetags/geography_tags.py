"""Template tags for geography: what the map picker draws beneath the neighbourhoods."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tiles() -> dict[str, str]:
    """The tile layer the map picker draws beneath the neighbourhood polygons: none by default
    (Beacon fetches nothing from another host). A force with its own tile server sets
    BEACON_MAP_TILES to a Leaflet URL template ({z}/{x}/{y}), BEACON_MAP_TILES_ATTRIBUTION to
    what its licence asks be shown, and allows the server's host in img-src (BEACON_CSP)."""
    url = str(getattr(settings, "BEACON_MAP_TILES", "") or "").strip()
    attribution = str(getattr(settings, "BEACON_MAP_TILES_ATTRIBUTION", "") or "").strip()
    return {"url": url, "attribution": attribution if url else ""}
