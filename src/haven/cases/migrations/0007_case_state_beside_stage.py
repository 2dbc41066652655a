from django.db import migrations, models


def fill_states(apps, schema_editor):
    """Each case's state from its status: the status without its stage's prefix."""
    Case = apps.get_model("cases", "Case")
    pairs = Case.objects.order_by().values_list("stage", "status").distinct()
    for stage, status in pairs:
        prefix = f"{stage}_"
        state = status[len(prefix) :] if status.startswith(prefix) else status
        Case.objects.filter(stage=stage, status=status).update(state=state)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_queue_indexes_by_programme_and_deadline")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="state",
            field=models.CharField(default="draft", max_length=32, verbose_name="state"),
        ),
        migrations.RunPython(fill_states, migrations.RunPython.noop, elidable=False),
    ]
