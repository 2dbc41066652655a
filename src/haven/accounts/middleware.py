"""Session limits and the second-factor gate for officials."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haven.accounts.receivers import SESSION_SEEN_AT, SESSION_STARTED_AT
from haven.accounts.roles import is_staff_member
from haven.audit.actions import audit_record
from haven.audit.models import EventType

Handler = Callable[[HttpRequest], HttpResponse]

# Pages an official may reach before the second factor is in place.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "set_language",
    }
)


def _limits(request: HttpRequest) -> tuple[timedelta, timedelta]:
    if is_staff_member(request.user):
        return settings.HAVEN_STAFF_IDLE_TIMEOUT, settings.HAVEN_STAFF_ABSOLUTE_TIMEOUT
    return settings.HAVEN_APPLICANT_IDLE_TIMEOUT, settings.HAVEN_APPLICANT_ABSOLUTE_TIMEOUT


SEEN_RESOLUTION_SECONDS = 60
# The JSON API's paths (haven/urls.py): its callers get its own 401 in its error shape,
# never a redirect to the sign-in page.
API_PATH_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PATH_PREFIX)


class StaffSessionMiddleware:
    """End a session that was idle too long or has lasted too long, on the server.

    Officials: 30 minutes idle, 12 hours in all; applicants: longer limits,
    both from settings.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            idle, absolute = _limits(request)
            started = request.session.get(SESSION_STARTED_AT, now)
            seen = request.session.get(SESSION_SEEN_AT, now)
            reason = None
            if now - started > absolute.total_seconds():
                reason = "absolute"
            elif now - seen > idle.total_seconds():
                reason = "idle"
            if reason:
                return self._expire(request, reason, idle)
            if SESSION_STARTED_AT not in request.session:
                request.session[SESSION_STARTED_AT] = started
            # Written at most once a minute: saving the session on every page would cost a
            # database write per request. The idle limit can then end a session up to a
            # minute early, never late.
            if SESSION_SEEN_AT not in request.session or now - seen >= SEEN_RESOLUTION_SECONDS:
                request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest, reason: str, idle: timedelta) -> HttpResponse:
        user = request.user
        audit_record(
            event_type=EventType.SESSION_EXPIRED,
            actor=user,
            subject=user,  # type: ignore[arg-type]
            details={"reason": reason},
        )
        request.session.flush()
        request.user = AnonymousUser()
        if _is_api(request):
            return self.get_response(request)  # answered as an anonymous caller: 401
        if reason == "idle":
            minutes = int(idle.total_seconds() // 60)
            text = ngettext(
                "You were signed out after %(minutes)d minute without activity. "
                "Please sign in again.",
                "You were signed out after %(minutes)d minutes without activity. "
                "Please sign in again.",
                minutes,
            ) % {"minutes": minutes}
        else:
            text = _("Your session reached its time limit. Please sign in again.")
        messages.info(request, text)
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))


def _second_factor_used(request: HttpRequest) -> bool:
    """The session passed the TOTP step at sign-in, or set TOTP up after signing in."""

    records = get_authentication_records(request, request.user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    started = request.session.get(SESSION_STARTED_AT)
    return started is not None and (
        Authenticator.objects.filter(
            user_id=request.user.pk,
            type=Authenticator.Type.TOTP,
            created_at__gte=datetime.fromtimestamp(started, tz=UTC),
        ).exists()
    )


class StaffMfaMiddleware:
    """Officials reach nothing but the set-up pages until their second factor is in place.

    An official without TOTP is sent to set it up. One whose session did not
    pass the second factor (which the sign-in flow always asks for once TOTP is
    set up) is signed out and asked to sign in again.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated or not is_staff_member(request.user):
            return self.get_response(request)
        if request.path.startswith(settings.STATIC_URL) or _second_factor_used(request):
            return self.get_response(request)
        try:
            url_name = resolve(request.path_info).url_name
        except Resolver404:
            url_name = None

        if is_mfa_enabled(request.user):
            auth_logout(request)
            if _is_api(request):
                return self.get_response(request)  # answered as an anonymous caller: 401
            messages.info(request, _("Please sign in again with your second factor."))
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        if _is_api(request):
            request.user = AnonymousUser()  # not signed in for the API until TOTP is set up
            return self.get_response(request)
        if url_name in MFA_SETUP_URL_NAMES:
            return self.get_response(request)
        messages.info(
            request,
            _(
                "Officials must use two-factor authentication. Set up an authenticator "
                "app to continue."
            ),
        )
        return redirect("mfa_activate_totp")
