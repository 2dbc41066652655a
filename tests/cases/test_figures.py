"""The analyst's statistics page: applications counted by programme, status and citizenship."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.figures import case_figures_for_analyst
from haven.cases.selectors import case_summary
from haven.casework import applicant_actions
from tests.cases.test_queues import refuse, submit
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]


def some_cases(make_user: MakeUser, consul: User) -> None:
    submit(make_user, citizenships=("DE",))
    submit(make_user, citizenships=("DE", "AT"))
    refuse(submit(make_user, citizenships=("FR",)), consul)
    applicant_actions.case_start(applicant=make_user(Role.APPLICANT), programme_id="shared-values")


def test_every_case_counts_by_status_and_first_citizenship(make_user: MakeUser) -> None:
    consul = make_user(Role.CONSULAR_OFFICER)
    some_cases(make_user, consul)
    figures = case_figures_for_analyst(make_user(Role.ANALYST), language="en")
    assert figures.total == 4
    (programme,) = figures.programmes
    assert programme.title == "Shared values"
    assert programme.total == 4
    assert [(f.label, f.count) for f in programme.by_status] == [
        ("Draft", 1),
        ("Entry visa: Submitted", 2),
        ("Entry visa: Refused", 1),
    ]
    assert [(f.label, f.count, f.share) for f in figures.by_nationality] == [
        ("Germany", 2, 0.5),
        ("France", 1, 0.25),
        ("Nationality not stated on the document (XXX)", 1, 0.25),  # the draft: none given yet
    ]
    # The same figures as `haven cases summary`.
    assert figures.total == case_summary().total


def test_names_are_in_the_readers_language(make_user: MakeUser) -> None:
    submit(make_user, citizenships=("DE",))
    figures = case_figures_for_analyst(make_user(Role.ANALYST), language="de")
    assert figures.programmes[0].title == "Gemeinsame Werte"
    assert figures.by_nationality[0].label == "Deutschland"


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.CONSULAR_OFFICER, Role.AUDITOR])
def test_only_analysts_get_the_figures(make_user: MakeUser, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        case_figures_for_analyst(make_user(role), language="en")


def test_the_page_shows_the_tables(make_user: MakeUser) -> None:
    consul = make_user(Role.CONSULAR_OFFICER)
    some_cases(make_user, consul)
    page = signed_in_client(make_user(Role.ANALYST)).get("/work/statistics/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "4 applications in Haven" in html
    assert '<th scope="row">Entry visa: Submitted</th><td class="numeric">2</td>' in html
    assert (
        '<th scope="row">Germany</th><td class="numeric">2</td><td class="numeric">50 %</td>'
        in html
    )
    assert "Schmidt" not in html  # counts, never a person
    assert "no-store" in page["Cache-Control"]


def test_an_empty_database_says_so(make_user: MakeUser) -> None:
    html = signed_in_client(make_user(Role.ANALYST)).get("/work/statistics/").content.decode()
    assert "There are no applications to count yet." in html


def test_the_page_costs_the_same_queries_however_many_cases(make_user: MakeUser) -> None:
    consul = make_user(Role.CONSULAR_OFFICER)
    client: Client = signed_in_client(make_user(Role.ANALYST))
    submit(make_user)
    with CaptureQueriesContext(connection) as few:
        client.get("/work/statistics/")
    some_cases(make_user, consul)
    with CaptureQueriesContext(connection) as more:
        client.get("/work/statistics/")
    assert len(more) == len(few)
