"""Partnership: referrals to partner agencies, multi-agency action groups, tools and powers, and
ASB case reviews (the Community Trigger)."""

from __future__ import annotations
