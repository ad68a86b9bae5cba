from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "beacon.cases"
    label = "cases"
    verbose_name = "Cases: management of repeat and vulnerable victims' cases"

    def ready(self) -> None:
        # Person lookups and the call-taking live check show each person's open cases.
        from beacon.cases.selectors import person_summary
        from beacon.people.selectors import SUMMARY_PROVIDERS

        if person_summary not in SUMMARY_PROVIDERS:
            SUMMARY_PROVIDERS.append(person_summary)

        # A victim's new or ended flag (vulnerable, repeat) changes their open cases' priority.
        from beacon.cases.services import refresh_cases_of
        from beacon.people.services import FLAG_LISTENERS

        if refresh_cases_of not in FLAG_LISTENERS:
            FLAG_LISTENERS.append(refresh_cases_of)

        # The incident page shows the cases that cover it, and closed cases it may reopen.
        from beacon.cases.selectors import incident_panel
        from beacon.core.panels import register

        register("incident", "cases/_incident_panel.html", incident_panel)

        from beacon.cases import retention

        retention.register()  # retention and disposal (beacon.retention)

        from beacon.cases import measures

        measures.register()  # what this domain counts for the KPIs (beacon.core.measures)
