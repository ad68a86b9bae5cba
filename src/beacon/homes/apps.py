from __future__ import annotations

from django.apps import AppConfig


class HomesConfig(AppConfig):
    """Each role's home page, built from every domain's selectors: the top of the app stack (it
    reads them all; none reads it), registered with core's home page hook."""

    name = "beacon.homes"
    label = "homes"

    def ready(self) -> None:
        from beacon.core import homes
        from beacon.homes.builders import home_for

        homes.register(home_for)
