"""Two more starter KPIs (attendance within the response grade's target; supervisory reviews of
cases held on time): `install` adds only the codes not yet taken, so a force's own KPIs stay."""

from django.db import migrations

from beacon.performance.examples import install


class Migration(migrations.Migration):
    dependencies = [("performance", "0002_starter_kpis")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
