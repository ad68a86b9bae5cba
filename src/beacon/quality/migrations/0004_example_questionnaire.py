from django.db import migrations


def load(apps, schema_editor):
    from beacon.quality.questionnaires import install

    install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("quality", "0003_surveys")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
