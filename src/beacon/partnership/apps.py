from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "beacon.partnership"
    label = "partnership"
    verbose_name = "Partnership: referrals, action groups, tools and powers, case reviews"
