"""On PostgreSQL: a GIN index on the citizenships, for the queues' nationality filter.

The filter asks ``citizenships @> '["DE"]'``, which ``jsonb_path_ops`` serves.
SQLite has no such index: there the migration does nothing (as 0004).
"""

from django.db import migrations

NAME = "person_citizenships_gin"


def create_citizenships_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("people", "Person")._meta.db_table)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(NAME)} "
        f"ON {table} USING gin (citizenships jsonb_path_ops)"
    )


def drop_citizenships_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(NAME)}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_person_name_trigram_index"),
    ]

    operations = [
        migrations.RunPython(create_citizenships_index, drop_citizenships_index),
    ]
