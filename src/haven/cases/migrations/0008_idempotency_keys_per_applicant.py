import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def keys_from_cases(apps, schema_editor):
    """Each submitted case's key becomes a completed key of its applicant.

    ``Case.submission_key`` already held the digest the new table keeps (of
    the applicant's id and the client's key), so a client repeating a
    submission made before this migration still gets the same answer. The
    key counts from the submission, as it did.
    """
    Case = apps.get_model("cases", "Case")
    IdempotencyKey = apps.get_model("cases", "IdempotencyKey")
    submitted = (
        Case.objects.exclude(submission_key=None)
        .order_by("pk")
        .values_list("pk", "applicant_id", "submission_key", "submitted_at", "updated_at")
    )
    IdempotencyKey.objects.bulk_create(
        [
            IdempotencyKey(
                applicant_id=applicant_id,
                key=key,
                case_id=case_id,
                created_at=submitted_at or updated_at,
                completed_at=submitted_at or updated_at,
            )
            for case_id, applicant_id, key, submitted_at, updated_at in submitted.iterator()
        ],
        batch_size=1000,
    )


def keys_to_cases(apps, schema_editor):
    """Back: each case keeps the first completed key that named it."""
    Case = apps.get_model("cases", "Case")
    IdempotencyKey = apps.get_model("cases", "IdempotencyKey")
    seen: set[int] = set()
    completed = IdempotencyKey.objects.exclude(completed_at=None).order_by("created_at", "pk")
    for case_id, key in completed.values_list("case_id", "key").iterator():
        if case_id not in seen:
            seen.add(case_id)
            Case.objects.filter(pk=case_id).update(submission_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_case_state_beside_stage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="IdempotencyKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField()),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "applicant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.case",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["created_at"], name="idempotency_key_created_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("applicant", "key"), name="idempotency_key_once_per_applicant"
                    )
                ],
            },
        ),
        migrations.RunPython(keys_from_cases, keys_to_cases, elidable=False),
        migrations.RemoveField(model_name="case", name="submission_key"),
    ]
