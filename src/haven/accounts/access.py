"""Authorisation for views: sign-in first, then the role's permission, else 403.

A view behind ``require_permission``, ``require_user`` or ``require_signed_in`` receives an
``AuthenticatedRequest``: its ``user`` is Haven's ``User``, signed in, so the
view passes it to actions and selectors as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from haven.accounts.models import User

P = ParamSpec("P")


class AuthenticatedRequest(HttpRequest):
    """A request from a signed-in user (the decorators below have checked it)."""

    user: User


SignedInView = Callable[Concatenate[AuthenticatedRequest, P], HttpResponseBase]
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def require_user(
    allowed: Callable[[User], bool],
) -> Callable[[SignedInView[P]], View[P]]:
    """Anonymous visitors go to sign-in; signed-in users for whom ``allowed`` is false get 403."""

    def decorator(view: SignedInView[P]) -> View[P]:
        def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            signed_in = cast(AuthenticatedRequest, request)
            if not allowed(signed_in.user):
                raise PermissionDenied
            return view(signed_in, *args, **kwargs)

        update_wrapper(wrapped, view)
        return wrapped

    return decorator


def require_permission(permission: str) -> Callable[[SignedInView[P]], View[P]]:
    """Anonymous visitors go to sign-in; signed-in users without ``permission`` get 403."""
    return require_user(lambda user: user.has_perm(permission))


def _anyone(_user: User) -> bool:
    return True


def require_signed_in(view: SignedInView[P]) -> View[P]:
    """Anonymous visitors go to sign-in; every signed-in user passes."""
    return require_user(_anyone)(view)
