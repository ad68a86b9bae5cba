from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "beacon.geography"
    label = "geography"
    verbose_name = "Geography: neighbourhoods, teams and local priorities"

    def ready(self) -> None:
        from beacon.geography import signals  # noqa: F401 - connects the receivers
