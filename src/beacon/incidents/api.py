"""The incidents API (being built: see the intake issue)."""

from ninja import Router

router = Router(tags=["Incidents"])
