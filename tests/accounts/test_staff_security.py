"""Officials: second factor before any staff page, no way to switch it off, short sessions."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.sessions.models import Session
from django.test import Client

from haven.accounts.receivers import SESSION_SEEN_AT, SESSION_STARTED_AT
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from tests.conftest import PASSWORD, sign_in_through_forms

pytestmark = pytest.mark.django_db


def reauthenticate(client: Client) -> None:
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def test_an_official_without_totp_is_sent_to_set_it_up_first(
    make_user, django_capture_on_commit_callbacks
) -> None:
    officer = make_user(Role.CONSULAR_OFFICER, mfa=False)
    client = Client()
    sign_in_through_forms(client, officer)
    for path in ("/work/visas/", "/home/", "/audit/", "/accounts/email/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/totp/activate/", path
    reauthenticate(client)
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=officer, type="totp").exists()
    assert client.get("/work/visas/").status_code == 200
    assert AuditEvent.objects.filter(event_type=EventType.MFA_ENROLLED).exists()


def test_an_official_cannot_switch_the_second_factor_off(signed_in_through_forms) -> None:
    client, officer = signed_in_through_forms(Role.AUDITOR)
    reauthenticate(client)
    client.post("/accounts/2fa/totp/deactivate/", {})
    assert Authenticator.objects.filter(user=officer, type="totp").exists()
    assert not AuditEvent.objects.filter(event_type=EventType.MFA_REMOVED).exists()


def test_an_applicant_may_switch_the_second_factor_off(
    make_user, django_capture_on_commit_callbacks
) -> None:
    applicant = make_user(Role.APPLICANT, mfa=True)
    client = Client()
    sign_in_through_forms(client, applicant)
    reauthenticate(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/deactivate/", {})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=applicant, type="totp").exists()
    assert AuditEvent.objects.filter(event_type=EventType.MFA_REMOVED).exists()


def age_session(client: Client, *, idle_minutes: float, total_minutes: float) -> str:
    session = client.session
    now = time.time()
    session[SESSION_SEEN_AT] = now - idle_minutes * 60
    session[SESSION_STARTED_AT] = now - total_minutes * 60
    session.save()
    assert session.session_key
    return session.session_key


def test_an_official_idle_for_30_minutes_is_signed_out_on_the_server(
    signed_in_through_forms,
) -> None:
    client, officer = signed_in_through_forms(Role.MIGRATION_OFFICER)
    age_session(client, idle_minutes=29, total_minutes=29)
    assert client.get("/work/permits/").status_code == 200
    key = age_session(client, idle_minutes=31, total_minutes=60)
    response = client.get("/work/permits/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/work/permits/"
    assert not Session.objects.filter(session_key=key).exists()
    event = AuditEvent.objects.get(event_type=EventType.SESSION_EXPIRED)
    assert event.details == {"reason": "idle"}
    assert event.actor_id == officer.pk


def test_an_officials_session_ends_after_12_hours_however_active(signed_in_through_forms) -> None:
    client, _officer = signed_in_through_forms(Role.ANALYST)
    age_session(client, idle_minutes=1, total_minutes=12 * 60 + 1)
    response = client.get("/work/statistics/")
    assert response["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.get(event_type=EventType.SESSION_EXPIRED).details == {
        "reason": "absolute"
    }


def test_an_applicant_may_pause_longer_than_an_official(signed_in_through_forms) -> None:
    client, _applicant = signed_in_through_forms(Role.APPLICANT)
    age_session(client, idle_minutes=45, total_minutes=60)
    assert client.get("/applications/").status_code == 200


def test_an_official_whose_session_skipped_the_second_factor_must_sign_in_again(
    make_user,
) -> None:
    officer = make_user(Role.POLICY_ADMIN)
    client = Client()
    client.force_login(officer)  # a session that never passed the TOTP step
    response = client.get("/work/programmes/")
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def _code(officer, steps_back: int) -> str:
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=officer, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 - steps_back))


@pytest.mark.parametrize(("steps_back", "accepted"), [(1, True), (3, False)])
def test_a_code_of_the_step_just_ended_is_taken_an_older_one_is_not(
    make_user, steps_back: int, accepted: bool
) -> None:
    officer = make_user(Role.CONSULAR_OFFICER)
    client = Client()
    response = client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    response = client.post("/accounts/2fa/authenticate/", {"code": _code(officer, steps_back)})
    assert (response.status_code == 302) is accepted
    assert (client.get("/work/visas/").status_code == 200) is accepted


def test_pages_within_a_minute_leave_the_session_unwritten(signed_in_through_forms) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, _officer = signed_in_through_forms(Role.MIGRATION_OFFICER)
    client.get("/work/permits/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/work/permits/").status_code == 200
    assert not [q for q in queries if q["sql"].startswith('UPDATE "django_session"')]


def test_an_official_active_every_twenty_minutes_stays_signed_in(signed_in_through_forms) -> None:
    client, _officer = signed_in_through_forms(Role.MIGRATION_OFFICER)
    key = age_session(client, idle_minutes=20, total_minutes=20)
    assert client.get("/work/permits/").status_code == 200
    seen = Session.objects.get(session_key=key).get_decoded()[SESSION_SEEN_AT]
    assert time.time() - seen < 5  # renewed: the next 30 minutes count from now


def test_an_expired_session_gets_the_api_s_401_not_a_redirect(signed_in) -> None:
    client, applicant = signed_in(Role.APPLICANT)
    assert client.get("/api/v1/applications").status_code == 200
    key = age_session(client, idle_minutes=3 * 60, total_minutes=4 * 60)
    response = client.get("/api/v1/applications")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert [error["type"] for error in response.json()["detail"]]
    assert not Session.objects.filter(session_key=key).exists()
    event = AuditEvent.objects.get(event_type=EventType.SESSION_EXPIRED)
    assert (event.actor_id, event.details) == (applicant.pk, {"reason": "idle"})
