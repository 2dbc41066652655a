"""Issued documents made through the real actions: a submitted case, approved, entered, permitted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case
from haven.casework import applicant_actions, official_actions
from haven.issuance.models import IssuedDocument
from haven.rules.selectors import programme_get
from tests.cases.helpers import complete_draft


def reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def granted_visa(case: Case, consul: User) -> IssuedDocument:
    official_actions.case_start_review(officer=consul, case=case)
    case = reload(case)
    official_actions.case_approve(officer=consul, case=case, version=case.version)
    return IssuedDocument.objects.get(case=case, kind="visa")


def granted_permit(case: Case, consul: User, migration: User) -> IssuedDocument:
    visa = granted_visa(case, consul)
    today = timezone.localdate()
    case = official_actions.case_record_entry(
        actor=consul, case=visa.case, entered_on=today, source="officer"
    )
    case = official_actions.case_start_review(officer=migration, case=case)
    for code in official_actions.checklist_codes(programme_get("shared-values"), "trp", today):
        case = official_actions.case_check_document(
            officer=migration, case=case, code=code, checked=True
        )
    official_actions.case_approve(
        officer=migration, case=case, version=case.version, region="RU-MOW"
    )
    return IssuedDocument.objects.get(case=case, kind="trp")


@pytest.fixture
def applicant(make_user: Callable[..., User]) -> User:
    return make_user(Role.APPLICANT)


@pytest.fixture
def submitted(applicant: User) -> Case:
    return applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant))


@pytest.fixture
def consul(make_user: Callable[..., User]) -> User:
    return make_user(Role.CONSULAR_OFFICER)


@pytest.fixture
def migration(make_user: Callable[..., User]) -> User:
    return make_user(Role.MIGRATION_OFFICER)


@pytest.fixture
def visa(submitted: Case, consul: User) -> IssuedDocument:
    return granted_visa(submitted, consul)


@pytest.fixture
def permit(submitted: Case, consul: User, migration: User) -> IssuedDocument:
    return granted_permit(submitted, consul, migration)


def shifted(day: date, years: int = 0, days: int = 0) -> date:
    """A day some years (and days) away, on the 28th at the latest so every year has it."""
    from datetime import timedelta

    return day.replace(year=day.year + years, day=min(day.day, 28)) + timedelta(days=days)
