from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "beacon.incidents"
    label = "incidents"
    verbose_name = "Incidents: intake at the first point of contact"

    def ready(self) -> None:
        from beacon.incidents import retention

        retention.register()  # retention and disposal (beacon.retention)

        from beacon.incidents import measures

        measures.register()  # what this domain counts for the KPIs (beacon.core.measures)
