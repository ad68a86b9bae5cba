from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "beacon.partnership"
    label = "partnership"
    verbose_name = "Partnership: referrals, action groups, tools and powers, case reviews"

    def ready(self) -> None:
        # A person meeting the ASB case review threshold says so wherever the person index shows a
        # person summary (the call-taking lookup, the victim's record).
        from beacon.partnership.selectors import person_summary
        from beacon.people.selectors import SUMMARY_PROVIDERS

        if person_summary not in SUMMARY_PROVIDERS:
            SUMMARY_PROVIDERS.append(person_summary)

        # The case page shows the case's referrals, tools and powers, action groups and reviews.
        from beacon.core.panels import register
        from beacon.partnership.selectors import case_panel

        register("case", "partnership/_case_panel.html", case_panel)
        # The supervisor's list says when a victim or place meets the case review threshold.
        register("supervisor", "partnership/_supervisor_panel.html")

        from beacon.partnership import retention

        retention.register()  # retention and disposal (beacon.retention)

        from beacon.partnership import measures

        measures.register()  # what this domain counts for the KPIs (beacon.core.measures)
