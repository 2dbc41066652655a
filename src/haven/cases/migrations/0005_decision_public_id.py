"""A public id for decisions, for decision-letter links that reveal nothing.

Three steps, so decisions taken before this migration each get their own id:
add the column without a unique constraint, give every row a fresh uuid4,
then make it unique and required.
"""

import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    Decision = apps.get_model("cases", "Decision")
    for decision in Decision.objects.filter(public_id__isnull=True).only("pk"):
        decision.public_id = uuid.uuid4()
        decision.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_reminders_sent_and_deadline_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="public_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="decision",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
