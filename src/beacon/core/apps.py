from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "beacon.core"
    label = "core"
    verbose_name = "Core: users, roles, areas, audit"

    def ready(self) -> None:
        from beacon.core import lengths

        lengths.connect()
