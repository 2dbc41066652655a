"""Sign-in lockout hooks: which address and account an attempt is from and for, and the
page a locked-out person sees."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str:
    """The address a sign-in comes from, for axes' lockout and allauth's rate limits.

    ``REMOTE_ADDR``; behind a TLS-terminating proxy (``HAVEN_BEHIND_PROXY``), the
    last address in ``X-Forwarded-For``, the one the proxy added: whatever a client
    writes there itself comes before it. Without this every sign-in would seem to
    come from the proxy, and locking an account out for one address would lock it
    out for all.
    """
    if settings.HAVEN_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return ipaddress.ip_address(forwarded).compressed
        except ValueError:
            pass  # no proxy in front after all: the connection's own address
    return str(request.META.get("REMOTE_ADDR", ""))


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    credentials = credentials or {}
    value = (
        credentials.get("email")
        or credentials.get("username")
        or credentials.get("login")
        or request.POST.get("login", "")
    )
    return str(value).strip().lower()


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
