"""Three example KPIs on the quality measures (satisfaction with the whole experience; incidents
correctly classified; the repeat question asked): only codes not yet taken, so a force's own stay."""

from django.db import migrations

from beacon.quality.example_kpis import install


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0004_example_questionnaire"),
        ("performance", "0003_more_starter_kpis"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
