"""Seed the example retention rules (marked as examples: a force edits them to its own policy)."""

from django.db import migrations

EXAMPLES = [
    ("high-risk-or-safeguarding", "Linked to a High-risk case or a safeguarding referral", 10,
     ["high_risk", "safeguarding_referral"], [], 10, 5),
    ("asb-no-crime-no-case", "ASB incident: no crime, no case, no vulnerable victim, no referral", 20,
     ["asb"], ["crime", "case", "vulnerable_victim", "referral", "high_risk", "safeguarding_referral"], 6, 2),
    ("other-incidents", "Every other incident (crime, case, vulnerable victim, referral, not ASB)", 90,
     [], [], 7, 3),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Rule = apps.get_model("retention", "RetentionRule")
    if Rule.objects.exists():
        return
    for code, label, order, when_any, when_none, after, every in EXAMPLES:
        Rule.objects.create(
            code=code,
            label=label,
            record_type="incident",
            order=order,
            when_any=when_any,
            when_none=when_none,
            review_after_years=after,
            review_every_years=every,
            is_example=True,
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
