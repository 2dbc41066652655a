"""Where each role works: its home page and its place in the navigation."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.accounts.roles import Role


@dataclass(frozen=True)
class Area:
    url_name: str
    label: str | Promise


AREAS: dict[Role, Area] = {
    Role.APPLICANT: Area("cases:list", _("My applications")),
    Role.CONSULAR_OFFICER: Area("work:visas", _("Visa applications")),
    Role.MIGRATION_OFFICER: Area("work:permits", _("Residence permit applications")),
    Role.COMMISSION_MEMBER: Area("web:work_commission", _("Commission")),
    Role.COMMISSION_SECRETARY: Area("web:work_commission", _("Commission")),
    Role.POLICY_ADMIN: Area("rules:work_programmes", _("Programmes")),
    Role.ANALYST: Area("web:work_statistics", _("Statistics")),
    Role.AUDITOR: Area("audit:trail", _("Audit trail")),
}


def home_url_name(roles: list[Role]) -> str:
    """The first role's area; an account without a role sees the public home page."""
    return AREAS[roles[0]].url_name if roles else "web:home"


def areas_for(roles: list[Role]) -> list[Area]:
    seen: dict[str, Area] = {}
    for role in roles:
        area = AREAS[role]
        seen.setdefault(area.url_name, area)
    return list(seen.values())
