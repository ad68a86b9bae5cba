from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "beacon.risk"
    label = "risk"
    verbose_name = "Risk: assessment instruments and assessments"

    def ready(self) -> None:
        # The person lookup (and the call-taking live check) shows each person's latest risk level.
        from beacon.people.selectors import SUMMARY_PROVIDERS
        from beacon.risk.selectors import risk_summaries

        if risk_summaries not in SUMMARY_PROVIDERS:
            SUMMARY_PROVIDERS.append(risk_summaries)

        from beacon.risk import retention

        retention.register()  # retention and disposal (beacon.retention)

        from beacon.risk import measures

        measures.register()  # what this domain counts for the KPIs (beacon.core.measures)
