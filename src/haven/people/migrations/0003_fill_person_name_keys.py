"""Fill Person.name_key and native_name_key for the persons saved before they existed."""

from django.db import migrations

BATCH = 500


def fill_name_keys(apps, schema_editor):
    from haven.people.duplicates import name_key

    Person = apps.get_model("people", "Person")
    batch = []
    for person in Person.objects.only(
        "surname", "given_names", "native_surname", "native_given_names"
    ).iterator(chunk_size=BATCH):
        person.name_key = name_key(person.surname, person.given_names)
        person.native_name_key = name_key(person.native_surname, person.native_given_names)
        batch.append(person)
        if len(batch) == BATCH:
            Person.objects.bulk_update(batch, ["name_key", "native_name_key"])
            batch = []
    Person.objects.bulk_update(batch, ["name_key", "native_name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_person_name_keys"),
    ]

    operations = [
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop, elidable=True),
    ]
