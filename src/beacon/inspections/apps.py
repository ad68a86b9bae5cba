from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "beacon.inspections"
    label = "inspections"
    verbose_name = "Inspections and improvement plans"
