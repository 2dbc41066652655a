from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from haven.accounts.navigation import home_url_name
from haven.accounts.roles import roles_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page where their work starts."""
    return redirect(home_url_name(roles_of(request.user)))
