"""The expected decision date: place in the queue over the last four weeks' pace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.applicant_web.status_page import estimate_explanation
from haven.cases.estimates import Estimate, expected_decision
from haven.cases.models import Case
from haven.casework import applicant_actions, official_actions
from tests.cases.applicant_helpers import (
    approve,
    in_review,
    refuse,
    reload,
    request_information,
    submitted_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_case(make_user: Callable[..., User]) -> Callable[[], Case]:
    return lambda: submitted_case(make_user(Role.APPLICANT))


def test_without_decisions_in_four_weeks_there_is_no_estimate(
    new_case: Callable[[], Case],
) -> None:
    first, second = new_case(), new_case()
    today = timezone.localdate()
    estimate = expected_decision(reload(second), today)
    assert estimate == Estimate(
        position=2, decisions=0, window_days=28, expected_on=None, deadline=second.deadline
    )
    assert not estimate.after_deadline
    with translation.override("en"):
        assert estimate_explanation(estimate, "en") == (
            "We cannot estimate yet: no decisions in the last four weeks."
        )
    assert expected_decision(reload(first), today).position == 1  # type: ignore[union-attr]


def test_position_over_pace_gives_the_date_and_says_when_it_is_past_the_deadline(
    new_case: Callable[[], Case], consul: User
) -> None:
    first, second, third = new_case(), new_case(), new_case()
    refuse(new_case(), consul)
    approve(new_case(), consul)  # two decisions in the window: one every 14 days
    today = timezone.localdate()

    soon = expected_decision(reload(first), today)
    assert soon is not None
    assert (soon.position, soon.decisions) == (1, 2)
    assert soon.expected_on == today + timedelta(days=14)  # 1 / (2 / 28 a day)
    assert first.deadline is not None
    assert soon.expected_on <= first.deadline
    assert not soon.after_deadline

    late = expected_decision(reload(third), today)
    assert late is not None
    assert late.position == 3
    assert late.expected_on == today + timedelta(days=42)  # 3 / (2 / 28 a day)
    assert late.deadline == third.deadline
    assert late.after_deadline  # the visa's deadline is 20 days: said, not hidden
    with translation.override("en"):
        assert estimate_explanation(late, "en") == (
            "You are number 3 in the queue. In the last four weeks the authority decided "
            "about one application every 14 days."
        )
    assert expected_decision(reload(second), today).position == 2  # type: ignore[union-attr]


def test_cases_in_review_or_waiting_for_an_answer_stay_in_the_queue_decided_ones_leave(
    new_case: Callable[[], Case], consul: User
) -> None:
    reviewed, asked, decided, withdrawn = new_case(), new_case(), new_case(), new_case()
    in_review(reviewed, consul)
    request_information(asked, consul)
    refuse(decided, consul)
    applicant_actions.case_withdraw(actor=withdrawn.applicant, case=reload(withdrawn))
    last = new_case()
    estimate = expected_decision(reload(last), timezone.localdate())
    assert estimate is not None
    assert (estimate.position, estimate.decisions) == (3, 1)
    assert expected_decision(reload(asked), timezone.localdate()) is not None


def test_only_decided_and_withdrawn_cases_have_no_estimate_at_all(
    new_case: Callable[[], Case], consul: User
) -> None:
    decided, withdrawn = new_case(), new_case()
    refuse(decided, consul)
    applicant_actions.case_withdraw(actor=withdrawn.applicant, case=reload(withdrawn))
    today = timezone.localdate()
    assert expected_decision(reload(decided), today) is None
    assert expected_decision(reload(withdrawn), today) is None


def test_the_window_is_the_last_28_days_today_included(
    new_case: Callable[[], Case], consul: User
) -> None:
    waiting = reload(new_case())
    refuse(new_case(), consul)  # decided today
    today = timezone.localdate()
    assert expected_decision(waiting, today + timedelta(days=27)).decisions == 1  # type: ignore[union-attr]
    later = expected_decision(waiting, today + timedelta(days=28))
    assert later is not None
    assert (later.decisions, later.expected_on) == (0, None)


def test_decisions_of_another_stage_do_not_set_the_pace(
    new_case: Callable[[], Case], consul: User
) -> None:
    case = new_case()
    approve(case, consul)  # a visa decision
    entered = official_actions.case_record_entry(
        actor=consul, case=reload(case), entered_on=timezone.localdate(), source="officer"
    )
    assert entered.status == "trp_submitted"
    estimate = expected_decision(entered, timezone.localdate())
    assert estimate is not None
    assert (estimate.position, estimate.decisions, estimate.expected_on) == (1, 0, None)


def test_two_queries_however_long_the_queue(
    new_case: Callable[[], Case], consul: User, django_assert_num_queries
) -> None:
    for _ in range(3):
        new_case()
    refuse(new_case(), consul)
    last = reload(new_case())
    with django_assert_num_queries(2):
        estimate = expected_decision(last, timezone.localdate())
    assert estimate is not None
    assert estimate.position == 4


@pytest.mark.parametrize(
    ("language", "decisions", "words"),
    [
        (
            "en",
            42,
            "You are number 12 in the queue. In the last four weeks the authority "
            "decided about 1.5 applications a day.",
        ),
        ("de", 42, "1,5"),
        ("en", 336, "about 12 applications a day"),
        ("en", 14, "about 0.5 applications a day"),
        ("en", 3, "about one application every 9 days"),
    ],
)
def test_the_pace_reads_in_the_readers_language(language: str, decisions: int, words: str) -> None:
    estimate = Estimate(
        position=12,
        decisions=decisions,
        window_days=28,
        expected_on=timezone.localdate(),
        deadline=None,
    )
    with translation.override(language):
        assert words in estimate_explanation(estimate, language)
