from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "beacon.performance"
    label = "performance"
    verbose_name = "Performance: KPIs, targets, statistics, hot spots, packs, evidence for findings"

    def ready(self) -> None:
        # The finding page shows the KPIs linked to it; the board papers print what they show.
        from beacon.core import evidence
        from beacon.core.panels import register
        from beacon.performance.evidence import finding_panel, provider

        register("finding", "performance/_finding_panel.html", finding_panel)
        evidence.register(provider)
