"""Name keys in passport letters, for finding possible duplicate persons."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_create_person_and_passport"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="name_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=400),
        ),
        migrations.AddField(
            model_name="person",
            name="native_name_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=400),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["birth_date", "name_key"], name="person_birth_name_key_idx"),
        ),
    ]
