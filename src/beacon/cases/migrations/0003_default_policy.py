"""The default minimum standards and priority weights (version 1): configurable defaults that a
force replaces by publishing a new version at /cases/standards/."""

from django.db import migrations

LEVELS = {
    "standard": {
        "first_contact_days": 7,
        "update_days": 28,
        "reviews": {}
    },
    "medium": {
        "first_contact_days": 3,
        "update_days": 14,
        "reviews": {
            "sergeant": 28,
            "inspector": 56
        }
    },
    "high": {
        "first_contact_days": 1,
        "update_days": 7,
        "reviews": {
            "sergeant": 14,
            "inspector": 28,
            "chief_inspector": 56
        }
    }
}

WEIGHTS = {
    "risk": {
        "standard": 10,
        "medium": 30,
        "high": 60
    },
    "repeat": 15,
    "vulnerable": 20,
    "per_day_overdue": 5,
    "due_soon_days": 3,
    "red_at": 100,
    "amber_at": 50,
    "incident": {
        "base": 5,
        "flags": {
            "repeat_victim": 15,
            "vulnerable_victim": 20,
            "hate_related": 20,
            "local_priority": 5
        },
        "grade": {
            "immediate": 30,
            "urgent": 15
        },
        "per_day_unacknowledged": 5,
        "per_day_unassessed": 5
    }
}


def forwards(apps, schema_editor):
    StandardsPolicy = apps.get_model("cases", "StandardsPolicy")
    if not StandardsPolicy.objects.exists():
        StandardsPolicy.objects.create(version=1, levels=LEVELS, weights=WEIGHTS)


def backwards(apps, schema_editor):
    apps.get_model("cases", "StandardsPolicy").objects.filter(version=1, created_by=None).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
