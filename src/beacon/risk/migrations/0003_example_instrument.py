from django.db import migrations


def load(apps, schema_editor):
    from beacon.risk.examples import load_example_instrument

    load_example_instrument(apps)


class Migration(migrations.Migration):
    dependencies = [("risk", "0002_versions_and_settings")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
