"""The auditor's view of the trail: filters, paging, a pinned number of queries, its own record."""

from __future__ import annotations

import pytest

from haven.accounts.roles import Role
from haven.audit.actions import audit_record
from haven.audit.models import AuditEvent, EventType

pytestmark = pytest.mark.django_db


def test_reading_the_trail_is_itself_recorded(signed_in) -> None:
    client, auditor = signed_in(Role.AUDITOR)
    response = client.get("/audit/")
    assert response.status_code == 200
    viewed = AuditEvent.objects.get(event_type=EventType.AUDIT_TRAIL_VIEWED)
    assert viewed.actor_id == auditor.pk
    assert viewed.actor_role == "auditor"


def test_filters_narrow_the_list(signed_in) -> None:
    client, auditor = signed_in(Role.AUDITOR)
    audit_record(event_type=EventType.ROLE_REVOKED, details={"role": "analyst"})
    html = client.get("/audit/", {"event_type": "ROLE_REVOKED"}).content.decode()
    assert "Role revoked" in html
    assert "1 event<" in html
    html = client.get("/audit/", {"actor_email": auditor.email}).content.decode()
    assert auditor.email in html


def test_bad_filter_input_is_explained(signed_in) -> None:
    client, _auditor = signed_in(Role.AUDITOR)
    response = client.get("/audit/", {"date_from": "2026-02-30", "actor_email": "not-an-email"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'aria-invalid="true"' in html


def trail_page_queries() -> int:
    """Session, user, roles, user and group permissions (5); the count (1); the record
    of this read: savepoint, last link, insert, release, and on PostgreSQL the chain's
    lock (4 or 5); one page of events with their actors (1). The session is not written:
    its last-seen time changes at most once a minute."""
    from django.db import connection

    return 11 + (connection.vendor == "postgresql")


def test_the_number_of_queries_is_pinned_and_does_not_grow(
    signed_in, django_assert_num_queries
) -> None:
    client, _auditor = signed_in(Role.AUDITOR)
    for _ in range(120):
        audit_record(event_type=EventType.LOGIN_FAILED)
    for page in (1, 3):
        with django_assert_num_queries(trail_page_queries()):
            assert client.get("/audit/", {"page": page}).status_code == 200
