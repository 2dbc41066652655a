"""The migration that gave a case its state column kept every case's status."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

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
