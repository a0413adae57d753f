"""Customer.last_contact_at, filled from the log the way the projection fills it, so the live
rows of an existing installation equal what a rebuild would write."""

import json

from django.db import migrations, models


def fill_from_the_log(apps, schema_editor):
    Customer = apps.get_model("crm", "Customer")
    order = "txid, position" if schema_editor.connection.vendor == "postgresql" else "position"
    last: dict[str, object] = {}
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, data, occurred_at FROM event_log "
            f"WHERE type IN ('InteractionCreated', 'CustomerMerged') ORDER BY {order}"
        )
        for type_, data, occurred_at in cursor.fetchall():
            data = json.loads(data) if isinstance(data, str) else data
            if type_ == "InteractionCreated":
                last[data["customer_id"]] = occurred_at
            elif (loser := last.get(data["customer_id"])) is not None:
                survivor = last.get(data["into_customer_id"])
                last[data["into_customer_id"]] = max(loser, survivor) if survivor else loser
    for customer_id, at in last.items():
        Customer.objects.filter(pk=customer_id).update(last_contact_at=at)


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial"), ("events", "0003_versions_follow_the_head")]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="last_contact_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(fill_from_the_log, migrations.RunPython.noop),
    ]
