"""The authorities that work cases: one registry, read by every part of Haven.

A programme's stage names its authority (``authority: consulate`` in the
programme YAML). Each authority here says which permission makes an official
one of its officers and where its queue is; its names, in headings and inside
sentences, come from ``haven.rules.vocabulary`` (the public programme pages
name authorities too). An authority without a ``permission`` has no officers in Haven yet
(the operator, the police and the commission are worked by later features):
nobody can act on its stages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.rules.programme import Programme
from haven.rules.vocabulary import authority_label, authority_name


@dataclass(frozen=True)
class Authority:
    code: str
    # The permission (``app_label.codename``) that makes an official one of its officers.
    permission: str = ""
    # Its queue: the page, the page's title and the "take next case" endpoint (URL names).
    queue_url_name: str = ""
    queue_title: Promise | None = None
    take_next_url_name: str = ""

    @property
    def title(self) -> str:
        """Its name as a heading or label ("The migration authority (...)")."""
        return authority_label(self.code)

    @property
    def in_a_sentence(self) -> str:
        """Its name inside a sentence ("the migration authority of ...")."""
        return authority_name(self.code)

    @property
    def has_officers(self) -> bool:
        return bool(self.permission)


AUTHORITIES: dict[str, Authority] = {
    authority.code: authority
    for authority in (
        Authority(
            code="consulate",
            permission="accounts.work_consular_queue",
            queue_url_name="work:visas",
            queue_title=_("Visa applications"),
            take_next_url_name="work:visas_take_next",
        ),
        Authority(
            code="migration",
            permission="accounts.work_migration_queue",
            queue_url_name="work:permits",
            queue_title=_("Residence permit applications"),
            take_next_url_name="work:permits_take_next",
        ),
        # Worked by later features: no officers in Haven yet.
        Authority(code="commission"),
        Authority(code="operator"),
        Authority(code="police"),
    )
}
WORKED_AUTHORITIES: tuple[Authority, ...] = tuple(
    authority for authority in AUTHORITIES.values() if authority.has_officers
)


def authority_get(code: str) -> Authority:
    """The registered authority; a code the registry lacks has no officers and names itself."""
    return AUTHORITIES.get(code) or Authority(code=code)


def officer_authorities(user: User | object) -> frozenset[str]:
    """The authorities whose cases the user works (none for applicants and other staff)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return frozenset()
    return frozenset(
        authority.code for authority in WORKED_AUTHORITIES if user.has_perm(authority.permission)
    )


def stage_authority(programme: Programme, stage_id: str) -> str:
    return programme.stage(stage_id).authority


def can_work_stage(user: User | object, programme: Programme, stage_id: str) -> bool:
    return stage_authority(programme, stage_id) in officer_authorities(user)
