from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "beacon.retention"
    label = "retention"
    verbose_name = "Retention: review and disposal of police information (MoPI)"
