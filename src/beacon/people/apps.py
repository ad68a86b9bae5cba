from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "beacon.people"
    label = "people"
    verbose_name = "People: person index, matching and flags"
