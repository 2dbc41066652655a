"""On PostgreSQL: pg_trgm and trigram (GIN) indexes on both name keys.

Possible-duplicate search pre-filters with the ``%`` operator, which these
indexes serve. SQLite has no trigrams: there the migration does nothing.
Written as SQL rather than ``GinIndex`` in the model's Meta so that SQLite
databases and installs without psycopg migrate the same way.
"""

from django.db import migrations

INDEXES = {
    "person_name_key_trgm": "name_key",
    "person_native_name_key_trgm": "native_name_key",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    table = schema_editor.quote_name(apps.get_model("people", "Person")._meta.db_table)
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} "
            f"ON {table} USING gin ({schema_editor.quote_name(column)} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_fill_person_name_keys"),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
