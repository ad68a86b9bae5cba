from django.db import migrations

from beacon.performance.examples import install


class Migration(migrations.Migration):
    dependencies = [("performance", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
