"""A public id for issued documents, for download links that reveal nothing.

Three steps, so rows issued before this migration each get their own id: add
the column without a unique constraint, give every row a fresh uuid4, then make
it unique and required.
"""

import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    IssuedDocument = apps.get_model("issuance", "IssuedDocument")
    for document in IssuedDocument.objects.filter(public_id__isnull=True).only("pk"):
        document.public_id = uuid.uuid4()
        document.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("issuance", "0001_issued_documents_and_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="issueddocument",
            name="public_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="issueddocument",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
