from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from haven.accounts.navigation import areas_for
from haven.accounts.roles import is_staff_member, roles_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    roles = roles_of(user)
    return {
        "nav_areas": areas_for(roles),
        "is_official": is_staff_member(user),
    }
