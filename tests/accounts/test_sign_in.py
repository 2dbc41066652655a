"""Signing up, in and out: roles, landing pages, email verification, lockout and audit."""

from __future__ import annotations

import re

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from haven.accounts.models import User
from haven.accounts.receivers import SESSION_SEEN_AT, SESSION_STARTED_AT
from haven.accounts.roles import ROLE_PERMISSIONS, Role
from haven.audit.models import AuditEvent, EventType
from tests.conftest import PASSWORD, current_code, sign_in, sign_in_through_forms

pytestmark = pytest.mark.django_db

LANDING = {
    Role.APPLICANT: "/applications/",
    Role.CONSULAR_OFFICER: "/work/visas/",
    Role.MIGRATION_OFFICER: "/work/permits/",
    Role.COMMISSION_MEMBER: "/work/commission/",
    Role.COMMISSION_SECRETARY: "/work/commission/",
    Role.POLICY_ADMIN: "/work/programmes/",
    Role.ANALYST: "/work/statistics/",
    Role.AUDITOR: "/audit/",
}


def event_types() -> list[str]:
    return list(AuditEvent.objects.order_by("sequence").values_list("event_type", flat=True))


def test_each_role_is_a_group_with_exactly_its_permissions() -> None:
    for role, permissions in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == set(permissions), role


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_page(role: Role, signed_in_through_forms) -> None:
    client, _user = signed_in_through_forms(role)
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"] == LANDING[role]
    page = client.get(LANDING[role])
    assert page.status_code == 200
    assert page.content.decode().count("<h1") == 1


def test_sign_up_makes_an_applicant_who_must_verify_the_email() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    response = client.post(
        "/accounts/signup/",
        {"email": "Marie@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="marie@example.org")
    assert list(user.groups.values_list("name", flat=True)) == ["applicant"]
    assert user.preferred_language == "fr"
    assert EventType.ACCOUNT_CREATED in event_types()
    # Not verified yet: signing in sends the visitor back to verification.
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    # The link in the email verifies the address; then sign-in works.
    (link,) = re.findall(
        r"https?://testserver(/accounts/confirm-email/[^/\s]+/)", str(mail.outbox[-1].body)
    )
    assert client.post(link).status_code == 302
    sign_in_through_forms(client, user)
    assert client.get("/home/")["Location"] == "/applications/"
    assert EventType.EMAIL_VERIFIED in event_types()


def test_a_short_password_at_sign_up_is_refused_in_the_users_language() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    response = client.post(
        "/accounts/signup/",
        {"email": "kurz@example.org", "password1": "zu kurz", "password2": "zu kurz"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'value="kurz@example.org"' in html
    assert not User.objects.filter(email="kurz@example.org").exists()


def test_sign_in_and_out_are_audited_and_logout_ends_the_session_on_the_server(
    make_user,
) -> None:
    user = make_user(Role.APPLICANT)
    client = Client()
    sign_in_through_forms(client, user)
    session_key = client.session.session_key
    assert session_key
    assert Session.objects.filter(session_key=session_key).exists()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    # Replaying the old cookie gives nothing.
    replay = Client()
    replay.cookies["sessionid"] = session_key
    assert replay.get("/applications/")["Location"].startswith("/accounts/login/")
    types = event_types()
    assert types[-2:] == [EventType.LOGIN_SUCCEEDED, EventType.LOGGED_OUT]


def test_a_failed_sign_in_is_audited_without_what_was_typed(make_user) -> None:
    user = make_user(Role.APPLICANT)
    Client().post("/accounts/login/", {"login": user.email, "password": "not the password!"})
    event = AuditEvent.objects.get(event_type=EventType.LOGIN_FAILED)
    assert event.subject_id == str(user.pk)
    assert event.details == {"known_account": True}
    assert event.request_id
    assert event.ip_address == "127.0.0.1"


def test_repeated_failures_lock_the_account_and_are_audited(make_user, settings) -> None:
    user = make_user(Role.APPLICANT)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong password!!"})
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Retry-After" in response
    assert AuditEvent.objects.filter(event_type=EventType.ACCOUNT_LOCKED_OUT).exists()


def test_an_officials_sign_in_asks_for_the_second_factor(make_user) -> None:
    officer = make_user(Role.MIGRATION_OFFICER)
    client = Client()
    response = client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert client.get("/work/permits/")["Location"].startswith("/accounts/login/")
    rejected = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert rejected.status_code == 200
    assert EventType.MFA_CODE_REJECTED in event_types()
    client.post("/accounts/2fa/authenticate/", {"code": current_code(officer)})
    assert client.get("/work/permits/").status_code == 200
    assert EventType.MFA_CODE_ACCEPTED in event_types()


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.MIGRATION_OFFICER])
def test_the_tests_sign_in_leaves_the_session_the_forms_leave(make_user, role: Role) -> None:
    """Most tests sign in with ``sign_in``, without the forms: the same session, the same events."""
    user = make_user(role)

    def outcome(sign_in_with) -> tuple[dict, list[str]]:
        client = Client()
        before = len(event_types())
        sign_in_with(client, user)
        session = dict(client.session.items())
        # The forms also leave "Successfully signed in as ..." for the next page to show.
        session.pop("_messages", None)
        started, seen = session.pop(SESSION_STARTED_AT), session.pop(SESSION_SEEN_AT)
        assert started == seen
        for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
            assert started - 5 < record.pop("at") <= started
        return session, event_types()[before:]

    through_forms = outcome(sign_in_through_forms)
    assert outcome(sign_in) == through_forms
    session, events = through_forms
    methods = [record["method"] for record in session[AUTHENTICATION_METHODS_SESSION_KEY]]
    if role == Role.APPLICANT:
        assert (methods, events) == (["password"], [EventType.LOGIN_SUCCEEDED])
    else:
        assert methods == ["password", "mfa"]
        assert events == [EventType.MFA_CODE_ACCEPTED, EventType.LOGIN_SUCCEEDED]


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.MIGRATION_OFFICER])
def test_messages_are_kept_on_the_server_not_in_a_cookie(make_user, role: Role) -> None:
    """A ``messages`` cookie would carry "Successfully signed in as <email>" in clear."""
    user = make_user(role)
    client = Client()
    responses = [client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})]
    if responses[-1]["Location"].startswith("/accounts/2fa/authenticate/"):
        responses.append(client.post("/accounts/2fa/authenticate/", {"code": current_code(user)}))
    landing = client.get(responses[-1]["Location"], follow=True)
    again = client.get(landing.redirect_chain[-1][0])
    responses += [landing, again]
    signed_in_as = f"Successfully signed in as {user.email}."
    assert signed_in_as in landing.content.decode()
    assert signed_in_as not in again.content.decode()  # shown once
    for response in responses:
        assert "messages" not in response.cookies
    assert "messages" not in client.cookies
