"""Fixtures for border movements: a case with a granted visa, a client and its token."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case
from haven.casework import applicant_actions, official_actions
from haven.issuance.models import IssuedDocument
from haven.movements.actions import integration_client_create
from haven.movements.models import IntegrationClient
from tests.cases.helpers import complete_draft


def granted_visa_case(make_user: Callable[..., User]) -> Case:
    """A case whose visa the consulate granted today, through the real actions."""
    applicant = make_user(Role.APPLICANT)
    consul = make_user(Role.CONSULAR_OFFICER)
    case = applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant))
    official_actions.case_start_review(officer=consul, case=case)
    case = Case.objects.get(pk=case.pk)
    official_actions.case_approve(officer=consul, case=case, version=case.version)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def granted(make_user: Callable[..., User]) -> Case:
    return granted_visa_case(make_user)


@pytest.fixture
def visa(granted: Case) -> IssuedDocument:
    return IssuedDocument.objects.get(case=granted, kind=IssuedDocument.Kind.VISA)


@pytest.fixture
def border(db: None) -> tuple[IntegrationClient, str]:
    return integration_client_create(name="border-svetogorsk")
