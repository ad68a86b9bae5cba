from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "beacon.cases"
    label = "cases"
    verbose_name = "Cases: management of repeat and vulnerable victims' cases"
