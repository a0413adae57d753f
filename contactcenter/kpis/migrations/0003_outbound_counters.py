# Outbound contacts' counters beside the inbound ones (docs/kpis.md)

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('kpis', '0002_channel_units_and_cost'),
    ]

    operations = [
        migrations.AddField(
            model_name='dailyfact',
            name='outbound_started',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailyfact',
            name='outbound_handled',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailyfact',
            name='outbound_handle_ms',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailyfact',
            name='outbound_wrapped',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailyfact',
            name='outbound_wrap_ms',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='intervalfact',
            name='outbound_started',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='intervalfact',
            name='outbound_handled',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='intervalfact',
            name='outbound_handle_ms',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='intervalfact',
            name='outbound_wrapped',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='intervalfact',
            name='outbound_wrap_ms',
            field=models.BigIntegerField(default=0),
        ),
    ]
