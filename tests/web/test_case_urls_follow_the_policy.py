"""The pages about one case answer as the policy table says, for every role.

The URL matrix (test_url_authorization.py) asks with a case nobody has. Here
each page about a real case, in several statuses, is asked for by the
applicant who owns it, another applicant and an official of every role: it
answers 200 exactly when ``policy.may`` lets that person take the page's
action now, and otherwise sends them away (not found, forbidden, or back to
the case) with nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case, CaseEvent
from haven.cases.policy import may
from haven.cases.transitions import Action
from haven.casework import official_actions
from tests.cases.applicant_helpers import approve, reload, request_information, submitted_case
from tests.cases.helpers import complete_draft
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

# Each page about one case, the action it leads to, and whose door it is.
OFFICIALS = "officials"
APPLICANTS = "applicants"
CASE_PAGES: dict[str, tuple[Action, str]] = {
    "work:case": (Action.VIEW, OFFICIALS),
    "work:case_start_review": (Action.START_REVIEW, OFFICIALS),
    "work:case_request_information": (Action.REQUEST_INFORMATION, OFFICIALS),
    "work:case_approve": (Action.APPROVE, OFFICIALS),
    "work:case_refuse": (Action.REFUSE, OFFICIALS),
    "work:case_record_entry": (Action.RECORD_ENTRY, OFFICIALS),
    "cases:about_you": (Action.EDIT_DRAFT, APPLICANTS),
    "cases:passport": (Action.EDIT_DRAFT, APPLICANTS),
    "cases:declaration": (Action.EDIT_DRAFT, APPLICANTS),
    "cases:documents": (Action.EDIT_DRAFT, APPLICANTS),
    "cases:withdraw": (Action.WITHDRAW, APPLICANTS),
    "cases:answer": (Action.ANSWER_INFORMATION, APPLICANTS),
}


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "owner": make_user(Role.APPLICANT),
        "another applicant": make_user(Role.APPLICANT),
        **{role.value: make_user(role) for role in Role if role != Role.APPLICANT},
    }


def _cases(people: dict[str, User]) -> dict[str, Case]:
    owner = people["owner"]
    consul = people[Role.CONSULAR_OFFICER.value]
    in_review = submitted_case(owner)
    official_actions.case_start_review(officer=consul, case=in_review)
    asked = submitted_case(owner)
    request_information(asked, consul)
    granted = submitted_case(owner)
    approve(granted, consul)
    return {
        "draft": complete_draft(owner),
        "visa_submitted": submitted_case(owner),
        "visa_in_review": reload(in_review),
        "visa_info_requested": reload(asked),
        "visa_granted": reload(granted),
    }


def _door(name: str, user: User, owner: User) -> bool:
    serves = CASE_PAGES[name][1]
    return (
        user == owner
        if serves == APPLICANTS
        else user.has_perm("accounts.work_consular_queue")
        or user.has_perm("accounts.work_migration_queue")
    )


def test_each_case_page_answers_200_exactly_when_the_policy_allows(people: dict[str, User]) -> None:
    cases = _cases(people)
    clients = {name: signed_in_client(user) for name, user in people.items()}
    mismatches = []
    answered: dict[bool, int] = {True: 0, False: 0}
    for status, case in cases.items():
        for url_name, (action, _serves) in CASE_PAGES.items():
            url = reverse(url_name, args=[case.public_id])
            for name, user in people.items():
                expected = _door(url_name, user, people["owner"]) and may(user, action, case)
                before = (reload(case).version, CaseEvent.objects.filter(case=case).count())
                status_code = clients[name].get(url).status_code
                answered[expected] += 1
                if (status_code == 200) != expected:
                    mismatches.append(
                        f"{url_name} on {status} as {name}: "
                        f"{'allowed' if expected else 'not allowed'}, answered {status_code}"
                    )
                assert (reload(case).version, CaseEvent.objects.filter(case=case).count()) == before
    assert not mismatches, "\n".join(mismatches)
    assert answered[True] >= 15, answered  # pages the policy opens, and
    assert answered[False] >= 400, answered  # pages it keeps shut, were both asked for
