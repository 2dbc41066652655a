"""Authentication events, raised by Django, allauth and axes, recorded in the audit chain.

These events belong to libraries, so their signals are the only place to
observe them. Receivers only record; they change no state of their own.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from haven.accounts.lockout import username_from_request
from haven.audit.actions import audit_record
from haven.audit.models import EventType

SESSION_STARTED_AT = "haven_session_started_at"
SESSION_SEEN_AT = "haven_session_seen_at"


def _user_by_login(login: str) -> Any:
    if not login:
        return None
    return get_user_model().objects.filter(email__iexact=login.strip()).first()


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    now = time.time()
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_AT] = now
        request.session[SESSION_SEEN_AT] = now
    audit_record(event_type=EventType.LOGIN_SUCCEEDED, actor=user, subject=user)


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(event_type=EventType.LOGGED_OUT, actor=user, subject=user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    # What was typed is never recorded: people type passwords into the wrong field.

    login = username_from_request(request, credentials) if request is not None else ""
    user = _user_by_login(login)
    audit_record(
        event_type=EventType.LOGIN_FAILED,
        subject=user,
        details={"known_account": user is not None},
    )


def on_locked_out(sender: Any, request: Any, username: str, **kwargs: Any) -> None:
    user = _user_by_login(username)
    audit_record(
        event_type=EventType.ACCOUNT_LOCKED_OUT,
        subject=user,
        details={"known_account": user is not None},
    )


def on_email_confirmed(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    user = email_address.user
    audit_record(event_type=EventType.EMAIL_VERIFIED, actor=user, subject=user)


def on_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(event_type=EventType.PASSWORD_CHANGED, actor=user, subject=user)


def on_password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(event_type=EventType.PASSWORD_RESET, actor=user, subject=user)


def _authenticator_details(authenticator: Any) -> dict[str, Any]:
    return {"authenticator": authenticator.type, "authenticator_id": authenticator.pk}


def on_authenticator_added(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    audit_record(
        event_type=EventType.MFA_ENROLLED,
        actor=user,
        subject=user,
        details=_authenticator_details(authenticator),
    )


def on_authenticator_removed(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    audit_record(
        event_type=EventType.MFA_REMOVED,
        actor=user,
        subject=user,
        details=_authenticator_details(authenticator),
    )


def on_authenticator_reset(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    audit_record(
        event_type=EventType.MFA_RECOVERY_CODES_REGENERATED,
        actor=user,
        subject=user,
        details=_authenticator_details(authenticator),
    )


def on_authenticator_used(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    audit_record(
        event_type=EventType.MFA_CODE_ACCEPTED,
        actor=user,
        subject=user,
        details=_authenticator_details(authenticator),
    )


def on_mfa_failed(
    sender: Any, request: Any, user: Any, authenticator: Any = None, **kwargs: Any
) -> None:
    audit_record(
        event_type=EventType.MFA_CODE_REJECTED,
        subject=user,
        details=_authenticator_details(authenticator) if authenticator else {},
    )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="haven_logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="haven_logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="haven_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="haven_locked_out")
    account_signals.email_confirmed.connect(on_email_confirmed, dispatch_uid="haven_email_ok")
    account_signals.password_changed.connect(on_password_changed, dispatch_uid="haven_pw_chg")
    account_signals.password_reset.connect(on_password_reset, dispatch_uid="haven_pw_reset")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="haven_mfa_add")
    mfa_signals.authenticator_removed.connect(
        on_authenticator_removed, dispatch_uid="haven_mfa_remove"
    )
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="haven_mfa_reset")
    mfa_signals.authenticator_used.connect(on_authenticator_used, dispatch_uid="haven_mfa_used")
    mfa_signals.authentication_failed.connect(on_mfa_failed, dispatch_uid="haven_mfa_failed")
