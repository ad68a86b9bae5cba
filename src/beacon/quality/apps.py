from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "beacon.quality"
    label = "quality"
    verbose_name = "Quality: dip-sample audits of incidents and cases"

    def ready(self) -> None:
        from beacon.quality import measures

        measures.register()  # audit outcomes as KPI sources (beacon.core.measures)
