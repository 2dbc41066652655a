"""Migrations that move data keep it: each case's status, each submission's key."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from haven.casework.idempotency import idempotency_key_digest

BEFORE = [("cases", "0006_queue_indexes_by_programme_and_deadline")]
AFTER = [("cases", "0007_case_state_beside_stage")]
STATUSES = {
    ("visa", "draft"): "draft",
    ("visa", "visa_in_review"): "in_review",
    ("visa", "visa_granted"): "granted",
    ("trp", "trp_info_requested"): "info_requested",
    ("trp", "trp_submitted"): "submitted",
    ("trp", "withdrawn"): "withdrawn",
}


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_every_existing_case_gets_the_state_of_its_status() -> None:
    executor = _migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        user = old.get_model("accounts", "User").objects.create(email="kept@example.org")
        Case = old.get_model("cases", "Case")
        for stage, status in STATUSES:
            Case.objects.create(
                programme="shared-values", stage=stage, status=status, applicant=user, language="en"
            )
        executor = _migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("cases", "Case")
        found = {(case.stage, case.status): case.state for case in new.objects.all()}
        assert found == STATUSES
    finally:
        _migrate(executor.loader.graph.leaf_nodes())


KEYS_BEFORE = [("cases", "0007_case_state_beside_stage")]
KEYS_AFTER = [("cases", "0008_idempotency_keys_per_applicant")]


@pytest.mark.django_db(transaction=True)
def test_each_submissions_key_becomes_its_applicants_key() -> None:
    executor = _migrate(KEYS_BEFORE)
    try:
        old = executor.loader.project_state(KEYS_BEFORE).apps
        User = old.get_model("accounts", "User")
        Case = old.get_model("cases", "Case")
        one = User.objects.create(email="one@example.org")
        other = User.objects.create(email="other@example.org")
        submitted_at = timezone.now() - timedelta(hours=3)
        keyed = Case.objects.create(
            programme="shared-values",
            stage="visa",
            status="visa_submitted",
            state="submitted",
            applicant=one,
            language="en",
            submitted_at=submitted_at,
            submission_key=hashlib.sha256(f"{one.pk}:retry-me".encode()).hexdigest(),
        )
        Case.objects.create(programme="shared-values", stage="visa", applicant=other, language="en")
        executor = _migrate(KEYS_AFTER)
        new = executor.loader.project_state(KEYS_AFTER).apps
        kept = list(new.get_model("cases", "IdempotencyKey").objects.all())
        assert [(k.applicant_id, k.case_id) for k in kept] == [(one.pk, keyed.pk)]
        assert kept[0].created_at == kept[0].completed_at == submitted_at
        # The digest is the one the code computes, so the client's retry still matches.
        assert kept[0].key == idempotency_key_digest(one, "retry-me")
        assert not hasattr(
            new.get_model("cases", "Case").objects.get(pk=keyed.pk), "submission_key"
        )
        executor = _migrate(KEYS_BEFORE)
        back = executor.loader.project_state(KEYS_BEFORE).apps.get_model("cases", "Case")
        assert back.objects.get(pk=keyed.pk).submission_key == kept[0].key
    finally:
        _migrate(executor.loader.graph.leaf_nodes())
