from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic demo data across every domain; may import any app (it is the last one)."""

    name = "beacon.demo"
    label = "demo"
