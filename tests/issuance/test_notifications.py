"""Annual notifications of a permit: the schedule's states, recording one, and who may."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import CaseEvent
from haven.issuance.actions import permit_notification_record
from haven.issuance.models import IssuedDocument, PermitNotification
from haven.issuance.selectors import (
    NotificationState,
    issued_list_for_case,
    notification_schedule,
)
from haven.rules.durations import add_duration
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def travel(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Make ``timezone.localdate()`` answer another day (times stay real)."""
    real = timezone.localdate

    def to(day: date) -> None:
        def localdate(value=None, timezone=None):
            return day if value is None else real(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    return to


def first(permit: IssuedDocument) -> PermitNotification:
    return PermitNotification.objects.get(document=permit, year=1)


def states(permit: IssuedDocument, today: date) -> list[NotificationState]:
    return [row.state for row in notification_schedule(permit, today)]


def record_counts() -> tuple[int, int]:
    return (
        AuditEvent.objects.filter(event_type="NOTIFICATION_RECORDED").count(),
        CaseEvent.objects.filter(type="NOTIFICATION_RECORDED").count(),
    )


# The schedule ------------------------------------------------------------------------------


def test_the_schedule_moves_from_upcoming_to_open_to_missed(permit: IssuedDocument) -> None:
    notification = first(permit)
    upcoming, due, missed = (
        NotificationState.UPCOMING,
        NotificationState.OPEN,
        NotificationState.MISSED,
    )
    assert states(permit, permit.valid_from) == [upcoming, upcoming]
    assert states(permit, notification.window_opens - timedelta(days=1)) == [upcoming, upcoming]
    assert states(permit, notification.window_opens) == [due, upcoming]
    assert states(permit, notification.window_closes) == [due, upcoming]
    assert states(permit, notification.window_closes + timedelta(days=1)) == [missed, upcoming]


def test_the_window_is_two_months_after_each_anniversary(permit: IssuedDocument) -> None:
    rows = notification_schedule(permit, permit.valid_from)
    assert [row.year for row in rows] == [1, 2]
    for row in rows:
        anniversary = add_duration(permit.valid_from, {"years": row.year})
        assert (row.window_opens, row.window_closes) == (
            anniversary,
            add_duration(anniversary, {"months": 2}),
        )


def test_recorded_in_the_window_is_made_after_it_made_late(
    permit: IssuedDocument, migration: User, travel: Callable[[date], None]
) -> None:
    notification = first(permit)
    travel(notification.window_closes + timedelta(days=30))
    permit_notification_record(
        officer=migration, notification=notification, made_on=notification.window_opens
    )
    second = PermitNotification.objects.get(document=permit, year=2)
    travel(second.window_closes + timedelta(days=30))
    permit_notification_record(
        officer=migration, notification=second, made_on=second.window_closes + timedelta(days=1)
    )
    rows = notification_schedule(permit, timezone.localdate())
    assert [(row.state, row.made_on) for row in rows] == [
        (NotificationState.MADE, notification.window_opens),
        (NotificationState.MADE_LATE, second.window_closes + timedelta(days=1)),
    ]


def test_a_visa_has_no_notifications(permit: IssuedDocument) -> None:
    visa = IssuedDocument.objects.get(case=permit.case, kind="visa")
    assert notification_schedule(visa, timezone.localdate()) == []


# Recording ---------------------------------------------------------------------------------


def test_recording_saves_the_day_shows_it_on_the_timeline_and_audits_it(
    permit: IssuedDocument, migration: User, travel: Callable[[date], None]
) -> None:
    notification = first(permit)
    travel(notification.window_opens + timedelta(days=5))
    made_on = notification.window_opens + timedelta(days=3)
    permit_notification_record(officer=migration, notification=notification, made_on=made_on)
    notification.refresh_from_db()
    assert (notification.made_on, notification.recorded_by) == (made_on, migration)
    assert notification.recorded_at is not None
    details = {"number": permit.number, "year": 1, "made_on": made_on.isoformat(), "late": False}
    event = CaseEvent.objects.get(case=permit.case, type="NOTIFICATION_RECORDED")
    assert (event.visible_to_applicant, event.actor, event.details) == (True, migration, details)
    audit = AuditEvent.objects.get(event_type="NOTIFICATION_RECORDED")
    assert (audit.actor, audit.subject_id, audit.details) == (
        migration,
        str(permit.case.pk),
        details,
    )


@pytest.mark.parametrize("offset", [-1, 6], ids=["before the window", "in the future"])
def test_the_day_lies_between_the_window_opening_and_today(
    permit: IssuedDocument, migration: User, travel: Callable[[date], None], offset: int
) -> None:
    notification = first(permit)
    travel(notification.window_opens + timedelta(days=5))
    with pytest.raises(CaseError) as error:
        permit_notification_record(
            officer=migration,
            notification=notification,
            made_on=notification.window_opens + timedelta(days=offset),
        )
    assert error.value.code == CaseErrorCode.NOTIFICATION_DATE_OUT_OF_RANGE
    assert first(permit).made_on is None
    assert record_counts() == (0, 0)


def test_nothing_is_recorded_before_the_window_opens(
    permit: IssuedDocument, migration: User
) -> None:
    with pytest.raises(CaseError) as error:
        permit_notification_record(
            officer=migration, notification=first(permit), made_on=timezone.localdate()
        )
    assert error.value.code == CaseErrorCode.NOTIFICATION_DATE_OUT_OF_RANGE
    assert record_counts() == (0, 0)


def test_a_notification_is_recorded_once(
    permit: IssuedDocument, migration: User, travel: Callable[[date], None]
) -> None:
    notification = first(permit)
    travel(notification.window_opens + timedelta(days=5))
    permit_notification_record(
        officer=migration, notification=notification, made_on=notification.window_opens
    )
    with pytest.raises(CaseError) as error:
        permit_notification_record(
            officer=migration,
            notification=notification,
            made_on=notification.window_opens + timedelta(days=1),
        )
    assert error.value.code == CaseErrorCode.NOTIFICATION_ALREADY_RECORDED
    assert first(permit).made_on == notification.window_opens
    assert record_counts() == (1, 1)


@pytest.mark.parametrize("role", [Role.CONSULAR_OFFICER, Role.APPLICANT, Role.AUDITOR])
def test_only_the_migration_authority_records(
    permit: IssuedDocument,
    make_user: Callable[..., User],
    travel: Callable[[date], None],
    role: Role,
) -> None:
    notification = first(permit)
    travel(notification.window_opens + timedelta(days=5))
    with pytest.raises(CaseError) as error:
        permit_notification_record(
            officer=make_user(role), notification=notification, made_on=notification.window_opens
        )
    assert error.value.code == CaseErrorCode.NOT_PERMITTED
    assert first(permit).made_on is None
    assert record_counts() == (0, 0)


# Over HTTP ---------------------------------------------------------------------------------


def record_url(permit: IssuedDocument, year: int = 1) -> str:
    return reverse("issuance:notification_record", args=[permit.public_id, year])


def test_an_officer_records_through_the_form_and_goes_back(
    permit: IssuedDocument, migration: User, applicant: User, travel: Callable[[date], None]
) -> None:
    notification = first(permit)
    travel(notification.window_opens + timedelta(days=5))
    client = Client()
    sign_in(client, migration)
    page = client.get(record_url(permit))
    assert page.status_code == 200
    assert 'name="made_on"' in page.content.decode()
    back = "/work/permits/"
    response = client.post(
        record_url(permit), {"made_on": notification.window_opens.isoformat(), "next": back}
    )
    assert response.status_code == 302
    assert response["Location"] == back
    assert first(permit).made_on == notification.window_opens
    # The holder sees it on the status page: the schedule and the timeline.
    holder = Client()
    sign_in(holder, applicant)
    html = holder.get(reverse("cases:status", args=[permit.case.public_id])).content.decode()
    assert 'data-state="made"' in html
    assert "Annual notification recorded" in html


def test_the_form_shows_the_error_and_an_unsafe_next_is_ignored(
    permit: IssuedDocument, migration: User, travel: Callable[[date], None]
) -> None:
    notification = first(permit)
    travel(notification.window_opens + timedelta(days=5))
    client = Client()
    sign_in(client, migration)
    early = (notification.window_opens - timedelta(days=1)).isoformat()
    response = client.post(record_url(permit), {"made_on": early, "next": "https://evil.example/"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "error-summary" in html
    assert "Enter a date from the day the notification window opened up to today." in html
    assert "evil.example" not in html
    response = client.post(
        record_url(permit),
        {"made_on": notification.window_opens.isoformat(), "next": "https://evil.example/"},
    )
    assert response["Location"] == record_url(permit)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.CONSULAR_OFFICER])
def test_others_get_404_and_change_nothing(
    permit: IssuedDocument,
    make_user: Callable[..., User],
    travel: Callable[[date], None],
    role: Role,
) -> None:
    notification = first(permit)
    travel(notification.window_opens + timedelta(days=5))
    client = Client()
    sign_in(client, make_user(role))
    assert client.get(record_url(permit)).status_code == 404
    response = client.post(record_url(permit), {"made_on": notification.window_opens.isoformat()})
    assert response.status_code == 404
    assert first(permit).made_on is None
    assert record_counts() == (0, 0)


def test_the_holder_cannot_record_their_own(
    permit: IssuedDocument, applicant: User, travel: Callable[[date], None]
) -> None:
    notification = first(permit)
    travel(notification.window_opens + timedelta(days=5))
    client = Client()
    sign_in(client, applicant)
    response = client.post(record_url(permit), {"made_on": notification.window_opens.isoformat()})
    assert response.status_code == 404
    assert record_counts() == (0, 0)


# The includes ------------------------------------------------------------------------------


def _issued_html(user: User, permit: IssuedDocument) -> str:
    request = RequestFactory().get("/work/cases/x/")
    request.user = user
    return render_to_string(
        "issuance/_issued_documents.html",
        {"issued": issued_list_for_case(user, permit.case, first(permit).window_opens)},
        request=request,
    )


def test_officers_of_the_permit_see_the_record_form_and_the_holder_does_not(
    permit: IssuedDocument, migration: User, applicant: User
) -> None:
    officer_html = _issued_html(migration, permit)
    assert f'action="{record_url(permit)}"' in officer_html
    assert 'name="next" value="/work/cases/x/"' in officer_html
    holder_html = _issued_html(applicant, permit)
    assert 'data-state="open"' in holder_html
    assert "<form" not in holder_html
    assert holder_html.count('data-kind="') == 2  # the visa and the permit


def test_the_case_page_shows_the_schedule_and_the_migration_officer_records_from_it(
    permit: IssuedDocument,
    migration: User,
    consul: User,
    travel: Callable[[date], None],
) -> None:
    notification = first(permit)
    travel(notification.window_opens + timedelta(days=5))
    case_url = reverse("work:case", args=[permit.case.public_id])
    client = Client()
    sign_in(client, migration)
    html = client.get(case_url).content.decode()
    assert f'data-number="{permit.number}"' in html
    assert 'data-state="open"' in html
    assert f'action="{record_url(permit)}"' in html
    assert f'name="next" value="{case_url}"' in html
    response = client.post(
        record_url(permit), {"made_on": notification.window_opens.isoformat(), "next": case_url}
    )
    assert response["Location"] == case_url
    assert 'data-state="made"' in client.get(case_url).content.decode()
    # The consulate decided the visa stage: it may read the case and the schedule, not record.
    reader = Client()
    sign_in(reader, consul)
    html = reader.get(case_url).content.decode()
    assert 'data-state="made"' in html
    assert "notifications/1/" not in html
