from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "beacon.people"
    label = "people"
    verbose_name = "People: person index, matching and flags"

    def ready(self) -> None:
        from beacon.people import retention

        retention.register()  # retention and disposal (beacon.retention)
