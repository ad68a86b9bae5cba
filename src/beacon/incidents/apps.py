from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "beacon.incidents"
    label = "incidents"
    verbose_name = "Incidents: intake at the first point of contact"
