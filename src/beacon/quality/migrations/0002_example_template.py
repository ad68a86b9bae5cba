from django.db import migrations


def load(apps, schema_editor):
    from beacon.quality.examples import install

    install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
