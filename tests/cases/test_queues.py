"""The officials' queues: filters, sorting, pages, counts, take next, assignment, authorities."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.cases import queues
from haven.cases.authorities import officer_authorities
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case
from haven.cases.queues import (
    DeadlineWindow,
    QueueFilters,
    Sort,
    queue_for_officer,
    queue_scope,
)
from haven.casework import applicant_actions, official_actions
from haven.people.models import Person
from tests.cases.helpers import PERSON, complete_draft
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db(transaction=False)

MakeUser = Callable[..., User]


def submit(
    make_user: MakeUser,
    *,
    days_ago: int = 0,
    citizenships: tuple[str, ...] = ("DE",),
    surname: str = "Schmidt",
) -> Case:
    """A case submitted through the actions ``days_ago`` days ago (its deadline runs from then)."""
    applicant = make_user(Role.APPLICANT)
    case = complete_draft(applicant)
    data = {**PERSON, "surname": surname, "citizenships": list(citizenships)}
    applicant_actions.case_update_person(actor=applicant, case=case, data=data)
    on = timezone.localdate() - timedelta(days=days_ago)
    with mock.patch("django.utils.timezone.localdate", return_value=on):
        return applicant_actions.case_submit(actor=applicant, case=case)


def reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def refuse(case: Case, consul: User) -> Case:
    case = official_actions.case_start_review(officer=consul, case=case)
    official_actions.case_refuse(
        officer=consul,
        case=case,
        version=case.version,
        grounds=["documents_false"],
        explanation="The passport scan does not match the passport data.",
    )
    return reload(case)


def in_trp_stage(case: Case, consul: User) -> Case:
    """Visa granted and the holder entered: the case is now the migration authority's."""
    case = official_actions.case_start_review(officer=consul, case=case)
    official_actions.case_approve(officer=consul, case=case, version=case.version)
    return official_actions.case_record_entry(
        actor=consul, case=reload(case), entered_on=timezone.localdate(), source="officer"
    )


def references(html: str) -> list[str]:
    """The references in the queue's table, in its order."""
    return re.findall(r'<th scope="row">[^\n]*?(HVN-\d{4}-\d{6})', html)


def page(client: Client, query: str = "", path: str = "/work/visas/") -> str:
    response = client.get(f"{path}?{query}" if query else path)
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response: object) -> list[str]:
    """The messages the response leaves, after the one signing in left."""
    shown = [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]
    return [text for text in shown if not text.startswith("Successfully signed in")]


def visa_filters(**values: object) -> QueueFilters:
    return QueueFilters(authority="consulate", **values)  # type: ignore[arg-type]


# What the queue shows ----------------------------------------------------------------------


def test_the_visa_queue_shows_each_waiting_case_with_its_columns(
    make_user: MakeUser, consul_client: Client
) -> None:
    case = submit(make_user, days_ago=5, citizenships=("DE", "FR"))
    html = page(consul_client)
    assert references(html) == [case.reference]
    assert "Schmidt, Anna Maria" in html
    assert "Germany, France" in html
    assert "Shared values" in html
    assert "Entry visa" in html
    assert '<strong class="tag tag--submitted">Submitted</strong>' in html
    assert "15 days" in html  # 20 days to decide, submitted 5 days ago
    assert "Nobody" in html
    assert "<title>Visa applications – Haven</title>" in html
    assert html.count("<h1>") == 1


def test_names_of_states_and_programmes_read_in_the_readers_language(
    make_user: MakeUser, consul_client: Client
) -> None:
    submit(make_user, citizenships=("DE",))
    consul_client.post("/i18n/setlang/", {"language": "de", "next": "/work/visas/"})
    html = page(consul_client)
    assert "Deutschland" in html
    assert "Gemeinsame Werte" in html


def test_an_overdue_case_says_so_in_words_and_with_an_icon(
    make_user: MakeUser, consul_client: Client
) -> None:
    submit(make_user, days_ago=23)  # due 20 days after submission: 3 days ago
    html = page(consul_client)
    assert 'class="queue-row--overdue"' in html
    assert '<span class="icon-warning" aria-hidden="true">!</span> Overdue by 3 days' in html


def test_drafts_are_never_listed_and_decided_cases_only_when_asked_for(
    make_user: MakeUser, consul: User, consul_client: Client
) -> None:
    waiting = submit(make_user)
    complete_draft(make_user(Role.APPLICANT))
    refused = refuse(submit(make_user), consul)
    assert references(page(consul_client)) == [waiting.reference]
    assert references(page(consul_client, "status=refused")) == [refused.reference]
    assert set(references(page(consul_client, "status=all"))) == {
        waiting.reference,
        refused.reference,
    }
    assert Case.objects.filter(status="draft").count() == 1


def test_an_empty_queue_says_nothing_is_waiting(consul_client: Client) -> None:
    html = page(consul_client)
    assert "No applications are waiting for a decision." in html
    assert "No applications match these filters." in page(consul_client, "nationality=FR")


# Filters -----------------------------------------------------------------------------------


def test_status_filter(make_user: MakeUser, consul: User, consul_client: Client) -> None:
    submitted = submit(make_user)
    in_review = official_actions.case_start_review(officer=consul, case=submit(make_user))
    assert references(page(consul_client, "status=in_review")) == [in_review.reference]
    assert references(page(consul_client, "status=submitted")) == [submitted.reference]
    assert references(page(consul_client, "status=granted")) == []


def test_programme_filter(make_user: MakeUser, migration: User, consul: User) -> None:
    case = in_trp_stage(submit(make_user), consul)
    client = signed_in_client(migration)
    html = page(client, "programme=shared-values", path="/work/permits/")
    assert references(html) == [case.reference]
    assert references(page(client, "programme=persons-of-interest", path="/work/permits/")) == []
    # Every programme with a stage at the migration authority is a choice.
    assert '<option value="persons-of-interest">' in html
    assert '<option value="shared-values" selected>' in html


def test_nationality_filter_matches_any_of_the_applicants_citizenships(
    make_user: MakeUser, consul_client: Client
) -> None:
    german = submit(make_user, citizenships=("DE",))
    french = submit(make_user, citizenships=("FR",))
    both = submit(make_user, citizenships=("FR", "DE"))
    assert set(references(page(consul_client, "nationality=DE"))) == {
        german.reference,
        both.reference,
    }
    assert set(references(page(consul_client, "nationality=FR"))) == {
        french.reference,
        both.reference,
    }
    assert references(page(consul_client, "nationality=US")) == []


def test_deadline_windows(make_user: MakeUser, consul: User, consul_client: Client) -> None:
    overdue = submit(make_user, days_ago=25)  # due 5 days ago
    this_week = submit(make_user, days_ago=15)  # due in 5 days
    this_month = submit(make_user, days_ago=0)  # due in 20 days
    refuse(submit(make_user, days_ago=30), consul)  # decided: never overdue
    assert references(page(consul_client, "deadline=overdue&status=all")) == [overdue.reference]
    assert references(page(consul_client, "deadline=7-days")) == [this_week.reference]
    assert references(page(consul_client, "deadline=30-days")) == [
        this_week.reference,
        this_month.reference,
    ]
    assert len(references(page(consul_client, "deadline=any"))) == 3


def test_assignee_filter(make_user: MakeUser, consul: User, consul_client: Client) -> None:
    colleague = make_user(Role.CONSULAR_OFFICER, email="colleague@example.org")
    mine = official_actions.case_assign(officer=consul, case=submit(make_user), assignee=consul)
    theirs = official_actions.case_assign(
        officer=consul, case=submit(make_user), assignee=colleague
    )
    nobodys = submit(make_user)
    assert references(page(consul_client, "assignee=me")) == [mine.reference]
    assert references(page(consul_client, "assignee=unassigned")) == [nobodys.reference]
    assert references(page(consul_client, f"assignee={colleague.pk}")) == [theirs.reference]
    assert len(references(page(consul_client, "assignee=anyone"))) == 3
    html = page(consul_client)
    assert f'<option value="{colleague.pk}">colleague@example.org</option>' in html
    assert "<strong>You</strong>" in html


def test_a_value_that_is_not_a_choice_is_shown_as_an_error_and_ignored(
    make_user: MakeUser, migration: User, consul_client: Client
) -> None:
    case = submit(make_user)
    html = page(consul_client, f"assignee={migration.pk}&nationality=ZZ&status=nonsense")
    assert "There is a problem" in html
    assert references(html) == [case.reference]


# Sorting and pages -------------------------------------------------------------------------


def test_sorting_by_deadline_and_by_submission(make_user: MakeUser, consul_client: Client) -> None:
    late = submit(make_user, days_ago=0)
    early = submit(make_user, days_ago=10)
    middle = submit(make_user, days_ago=5)
    nearest_first = [early.reference, middle.reference, late.reference]
    assert references(page(consul_client)) == nearest_first
    assert references(page(consul_client, "sort=-deadline")) == nearest_first[::-1]
    # Submitted in the order the cases were made (the clock itself is not turned back).
    submission_order = [late.reference, early.reference, middle.reference]
    assert references(page(consul_client, "sort=submitted")) == submission_order
    assert references(page(consul_client, "sort=-submitted")) == submission_order[::-1]


def test_column_headers_link_to_the_other_direction(
    make_user: MakeUser, consul_client: Client
) -> None:
    submit(make_user)
    html = page(consul_client, "nationality=DE")
    assert (
        'aria-sort="ascending"><a class="sort-link" href="?nationality=DE&amp;sort=-deadline"'
        in html
    )
    assert 'href="?nationality=DE&amp;sort=submitted"' in html
    html = page(consul_client, "sort=-deadline")
    assert 'aria-sort="descending"><a class="sort-link" href="?sort=deadline"' in html


def test_pages_of_fifty(make_user: MakeUser, consul: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    cases = [submit(make_user, days_ago=days) for days in (9, 6, 3)]
    first = queue_for_officer(consul, visa_filters())
    second = queue_for_officer(consul, visa_filters(page=2))
    beyond = queue_for_officer(consul, visa_filters(page=99))  # the last page, as Django does
    assert [row.reference for row in first.rows] == [cases[0].reference, cases[1].reference]
    assert [row.reference for row in second.rows] == [cases[2].reference]
    assert beyond.page.number == 2
    assert first.total == 3


def test_the_page_links_keep_the_filters(
    make_user: MakeUser, consul_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queues, "PAGE_SIZE", 1)
    submit(make_user)
    submit(make_user)
    html = page(consul_client, "nationality=DE&page=1")
    assert 'href="?nationality=DE&amp;page=2"' in html
    assert "Page 1 of 2" in html


# Counts ------------------------------------------------------------------------------------


def test_counts_per_status_in_one_query_and_as_links(
    make_user: MakeUser, consul: User, consul_client: Client
) -> None:
    submit(make_user, citizenships=("DE",))
    submit(make_user, citizenships=("FR",))
    official_actions.case_start_review(officer=consul, case=submit(make_user, citizenships=("DE",)))
    refuse(submit(make_user, citizenships=("DE",)), consul)
    applicant_actions.case_withdraw(actor=(w := submit(make_user)).applicant, case=w)
    counts = {c.status: c.count for c in queue_for_officer(consul, visa_filters()).counts}
    assert counts == {
        "open": 3,
        "submitted": 2,
        "in_review": 1,
        "info_requested": 0,
        "granted": 0,
        "refused": 1,
        "expired": 0,
        "withdrawn": 1,
    }
    # Every filter but the status applies to the counts, so a count is what its link shows.
    german = queue_for_officer(consul, visa_filters(nationality="DE"))
    assert {c.status: c.count for c in german.counts}["submitted"] == 1
    html = page(consul_client, "nationality=DE&status=refused")
    assert (
        '<a href="?nationality=DE&amp;status=submitted">Submitted <span class="status-count">1</span></a>'
        in html
    )
    assert 'aria-current="true">Refused <span class="status-count">1</span>' in html


# Query counts ------------------------------------------------------------------------------

# The queue's own queries: the programmes (with their amendments), the authority's officials,
# the counts per status (which also give the number of cases matching) and the page's rows
# with their applicants.
SELECTOR_QUERIES = 4
# The record that the official saw the page's cases (QUEUE_VIEWED): a savepoint, the chain's
# last link, the insert and the release, and on PostgreSQL the chain's lock. A page that
# lists no case records nothing.
RECORD_QUERIES = 4 + (connection.vendor == "postgresql")
# The whole page: the session, the official, their roles and their two kinds of permissions,
# the queue's own queries and the record. The session is not written: its last-seen time
# changes at most once a minute.
PAGE_QUERIES = 5 + SELECTOR_QUERIES + RECORD_QUERIES
# A page that lists no case records nothing, and reads no rows: the counts say there are none.
EMPTY_PAGE_QUERIES = 5 + SELECTOR_QUERIES - 1


@pytest.fixture
def ten_thousand_cases(make_user: MakeUser, consul: User) -> None:
    # Written as rows with bulk_create, not through the actions: the actions take a
    # fraction of a second per case, far too slow for 10,000 of them. Only this volume
    # test may do so; every other test here makes its cases through the actions.
    applicant = make_user(Role.APPLICANT)
    colleague = make_user(Role.CONSULAR_OFFICER)
    statuses = [
        "visa_submitted",
        "visa_in_review",
        "visa_info_requested",
        "visa_granted",
        "visa_refused",
        "visa_expired",
        "trp_submitted",
        "trp_in_review",
        "trp_info_requested",
        "trp_granted",
        "trp_refused",
        "withdrawn",
        "draft",
    ]
    nationalities = [["DE"], ["FR"], ["US"], ["GB", "DE"], ["XXA"]]
    today = timezone.localdate()
    now = timezone.now()
    cases = []
    for number in range(10_000):
        status = statuses[number % len(statuses)]
        cases.append(
            Case(
                public_id=uuid.uuid4(),
                reference=None if status == "draft" else f"HVN-2020-{number:06d}",
                programme="shared-values",
                stage="trp" if status.startswith("trp") else "visa",
                status=status,
                state=status.split("_", 1)[1] if "_" in status else status,
                applicant=applicant,
                language="en",
                submitted_at=None if status == "draft" else now - timedelta(minutes=number),
                deadline=today + timedelta(days=number % 90 - 30),
                assignee=(consul, colleague, None, None)[number % 4],
            )
        )
    Case.objects.bulk_create(cases, batch_size=2000)
    ids = dict(Case.objects.filter(applicant=applicant).values_list("public_id", "pk"))
    Person.objects.bulk_create(
        [
            Person(
                case_id=ids[case.public_id],
                role=Person.Role.APPLICANT,
                surname=f"Surname{number}",
                given_names="Given",
                citizenships=nationalities[number % len(nationalities)],
            )
            for number, case in enumerate(cases)
        ],
        batch_size=2000,
    )
    # Rows loaded in bulk have no planner statistics until autovacuum comes by (a live
    # database has them); without, PostgreSQL plans for empty tables and loops.
    with connection.cursor() as cursor:
        for table in (Case._meta.db_table, Person._meta.db_table):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


QUERIES = [
    "",
    "page=2",
    "page=47",
    "status=all&page=3",
    "nationality=DE&deadline=overdue&sort=-submitted",
    "assignee=me&status=in_review&programme=shared-values",
    "assignee=unassigned&deadline=30-days&page=4",
]


def test_a_queue_page_costs_the_same_queries_at_10000_cases(
    ten_thousand_cases: None,
    consul: User,
    consul_client: Client,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    started = time.monotonic()
    officer_authorities(consul)  # the permission cache, as the view's check leaves it
    for number in (1, 2, 46):
        with django_assert_num_queries(SELECTOR_QUERIES):
            result = queue_for_officer(consul, visa_filters(page=number), language="en")
        assert len(result.rows) == 50
    assert result.total == 3 * 770  # visa_submitted, _in_review and _info_requested
    assert {c.status: c.count for c in result.counts}["withdrawn"] == 769

    for query in QUERIES:
        with django_assert_num_queries(PAGE_QUERIES):
            response = consul_client.get(f"/work/visas/?{query}")
        assert response.status_code == 200
        assert len(references(response.content.decode())) > 0, query
    views = queue_views()
    assert len(views) == len(QUERIES)
    assert len(views[0].details["cases"]) == 50
    assert time.monotonic() - started < 30


def test_the_page_costs_the_same_with_three_cases(
    make_user: MakeUser,
    consul: User,
    consul_client: Client,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    for days in (1, 2, 3):
        submit(make_user, days_ago=days)
    officer_authorities(consul)
    with django_assert_num_queries(SELECTOR_QUERIES):
        queue_for_officer(consul, visa_filters(nationality="DE"), language="en")
    with django_assert_num_queries(PAGE_QUERIES):
        assert len(references(page(consul_client, "nationality=DE"))) == 3
    with django_assert_num_queries(EMPTY_PAGE_QUERIES):
        assert references(page(consul_client, "nationality=FR")) == []


# The record of who saw which applicants ----------------------------------------------------


def queue_views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=EventType.QUEUE_VIEWED).order_by("sequence"))


DEFAULT_FILTERS = {
    "status": "open",
    "programme": "",
    "nationality": "",
    "deadline": "any",
    "assignee": "anyone",
    "sort": "deadline",
}


def test_each_queue_page_shown_is_recorded_with_the_cases_it_lists(
    make_user: MakeUser, consul: User, consul_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    cases = [submit(make_user, days_ago=days) for days in (9, 6, 3)]
    page(consul_client)
    page(consul_client, "page=2")
    page(consul_client)
    first, second, again = queue_views()
    assert (first.actor_id, first.subject_type, first.subject_id) == (consul.pk, "", "")
    assert first.details == {
        "authority": "consulate",
        "filters": DEFAULT_FILTERS,
        "page": 1,
        "cases": [cases[0].pk, cases[1].pk],
    }
    assert second.details == {**first.details, "page": 2, "cases": [cases[2].pk]}
    assert again.details == first.details


def test_a_filtered_page_records_its_filters_and_only_the_cases_it_lists(
    make_user: MakeUser, consul: User, consul_client: Client
) -> None:
    colleague = make_user(Role.CONSULAR_OFFICER)
    german = submit(make_user, citizenships=("FR", "DE"), days_ago=25)  # overdue
    french = submit(make_user, citizenships=("FR",), days_ago=25)
    for case in (german, french):
        official_actions.case_assign(officer=consul, case=case, assignee=colleague)
    submit(make_user, citizenships=("DE",), days_ago=25)  # nobody's
    submit(make_user, citizenships=("DE",), days_ago=0)  # not overdue
    query = (
        f"nationality=DE&deadline=overdue&assignee={colleague.pk}"
        "&status=all&programme=shared-values&sort=-submitted"
    )
    assert references(page(consul_client, query)) == [german.reference]
    [event] = queue_views()
    assert event.details == {
        "authority": "consulate",
        "filters": {
            "status": "all",
            "programme": "shared-values",
            "nationality": "DE",
            "deadline": "overdue",
            "assignee": str(colleague.pk),
            "sort": "-submitted",
        },
        "page": 1,
        "cases": [german.pk],
    }


def test_a_page_that_lists_no_case_records_nothing(
    make_user: MakeUser, consul_client: Client
) -> None:
    page(consul_client)  # an empty queue
    submit(make_user, citizenships=("DE",))
    page(consul_client, "nationality=FR")
    page(consul_client, "status=refused")
    assert queue_views() == []


def test_the_permit_queue_records_its_own_authority(
    make_user: MakeUser, consul: User, migration: User, migration_client: Client
) -> None:
    case = in_trp_stage(submit(make_user), consul)
    page(migration_client, path="/work/permits/")
    [event] = queue_views()
    assert event.actor_id == migration.pk
    assert (event.details["authority"], event.details["cases"]) == ("migration", [case.pk])


def test_queue_record_viewed_records_the_cases_of_the_page_it_is_given(
    make_user: MakeUser, consul: User
) -> None:
    case = submit(make_user)
    listed = queue_for_officer(consul, visa_filters())
    official_actions.queue_record_viewed(officer=consul, queue=listed)
    empty = queue_for_officer(consul, visa_filters(status="refused"))
    official_actions.queue_record_viewed(officer=consul, queue=empty)
    assert [(event.actor_id, event.details["cases"]) for event in queue_views()] == [
        (consul.pk, [case.pk])
    ]


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("en", "Queue viewed by an official"),
        ("ru", "Очередь просмотрена должностным лицом"),
        ("de", "Warteschlange von einer Amtsperson eingesehen"),
        ("fr", "File d'attente consultée par un agent"),
        ("it", "Coda consultata da un funzionario"),
        ("es", "Cola consultada por un funcionario"),
    ],
)
def test_the_auditor_reads_who_viewed_a_queue_in_their_language(
    language: str,
    label: str,
    make_user: MakeUser,
    consul: User,
    consul_client: Client,
    signed_in: Callable[..., tuple[Client, User]],
) -> None:
    submit(make_user)
    page(consul_client)
    auditor, _user = signed_in(Role.AUDITOR)
    response = auditor.get("/audit/", {"event_type": "QUEUE_VIEWED"}, HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response["Content-Language"] == language
    assert f"<td>{escape(label)}</td>" in html
    assert f"<td>{consul.email}</td>" in html
    assert ">QUEUE_VIEWED<" not in html


# Take next ---------------------------------------------------------------------------------


def test_take_next_assigns_the_nearest_deadline_and_opens_the_case(
    make_user: MakeUser, consul: User, consul_client: Client
) -> None:
    submit(make_user, days_ago=0)
    nearest = submit(make_user, days_ago=10)
    response = consul_client.post("/work/visas/take-next/")
    assert response.status_code == 302
    assert str(nearest.public_id) in response["Location"]
    nearest = reload(nearest)
    assert (nearest.assignee, nearest.status) == (consul, "visa_in_review")
    assert messages_of(response) == [f"Application {nearest.reference} is now assigned to you."]


def test_take_next_audits_both_the_assignment_and_the_start_of_the_review(
    make_user: MakeUser, consul: User, consul_client: Client
) -> None:
    case = submit(make_user)
    consul_client.post("/work/visas/take-next/")
    events = AuditEvent.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
    assert list(
        events.filter(actor=consul).order_by("sequence").values_list("event_type", "details")
    )[-2:] == [
        ("CASE_ASSIGNED", {"assignee": consul.pk, "taken_next": True}),
        ("CASE_REVIEW_STARTED", {"from_status": "visa_submitted"}),
    ]


def test_take_next_on_an_empty_queue_says_so(consul_client: Client) -> None:
    response = consul_client.post("/work/visas/take-next/")
    assert response["Location"] == "/work/visas/"
    assert messages_of(response) == ["No unassigned application is waiting. Nothing was assigned."]


def test_take_next_takes_only_from_the_officials_own_authority(
    make_user: MakeUser, consul: User, migration: User, migration_client: Client
) -> None:
    visa_case = submit(make_user)
    trp_case = in_trp_stage(submit(make_user), consul)
    response = migration_client.post("/work/permits/take-next/")
    assert str(trp_case.public_id) in response["Location"]
    assert reload(trp_case).assignee == migration
    assert reload(visa_case).assignee is None
    response = migration_client.post("/work/permits/take-next/")
    assert response["Location"] == "/work/permits/"
    assert reload(visa_case).assignee is None


def test_take_next_is_a_post_for_the_queues_officials_only(
    make_user: MakeUser, migration_client: Client, signed_in: Callable[..., tuple[Client, User]]
) -> None:
    case = submit(make_user)
    assert migration_client.post("/work/visas/take-next/").status_code == 403
    applicant, _user = signed_in(Role.APPLICANT)
    assert applicant.post("/work/visas/take-next/").status_code == 403
    assert Client().post("/work/visas/take-next/")["Location"].startswith("/accounts/login/")
    assert reload(case).assignee is None
    assert reload(case).status == "visa_submitted"


# Assignment --------------------------------------------------------------------------------


def test_assign_to_me_and_unassign_from_the_queue(
    make_user: MakeUser, consul: User, consul_client: Client
) -> None:
    case = submit(make_user)
    back = "/work/visas/?nationality=DE"
    response = consul_client.post(
        f"/work/case/{case.public_id}/assign/", {"version": case.version, "next": back}
    )
    assert response["Location"] == back
    assert reload(case).assignee == consul
    assert messages_of(response) == [f"Application {case.reference} is now assigned to you."]
    html = page(consul_client, "nationality=DE")
    assert "<strong>You</strong>" in html
    case = reload(case)
    response = consul_client.post(
        f"/work/case/{case.public_id}/unassign/", {"version": case.version, "next": back}
    )
    assert reload(case).assignee is None
    assert messages_of(response) == [
        f"Application {case.reference} is back in the queue with nobody assigned."
    ]
    assert AuditEvent.objects.filter(event_type="CASE_ASSIGNED").count() == 1
    assert AuditEvent.objects.filter(event_type="CASE_UNASSIGNED").count() == 1


def test_assigning_a_case_a_colleague_took_meanwhile_is_a_conflict(
    make_user: MakeUser, consul: User, consul_client: Client
) -> None:
    colleague = make_user(Role.CONSULAR_OFFICER)
    case = submit(make_user)
    seen = case.version
    official_actions.case_assign(officer=colleague, case=case, assignee=colleague)
    events = AuditEvent.objects.count()
    response = consul_client.post(
        f"/work/case/{case.public_id}/assign/", {"version": seen, "next": "/work/visas/"}
    )
    assert response["Location"] == "/work/visas/"
    assert reload(case).assignee == colleague
    assert AuditEvent.objects.count() == events
    assert messages_of(response) == [
        f"{case.reference}: Someone else changed this application at the same time. "
        "Nothing was changed; please look again."
    ]
    assert "Someone else changed this application" in page(consul_client)
    assert "Someone else changed this application" not in page(consul_client)  # shown once


def test_case_assign_with_a_stale_version_changes_nothing(
    make_user: MakeUser, consul: User
) -> None:
    case = submit(make_user)
    official_actions.case_start_review(officer=consul, case=case)
    with pytest.raises(CaseError) as error:
        official_actions.case_assign(
            officer=consul, case=case, assignee=consul, version=case.version
        )
    assert error.value.code == CaseErrorCode.CONFLICT
    with pytest.raises(CaseError):
        official_actions.case_unassign(officer=consul, case=case, version=case.version)
    assert reload(case).assignee == consul


def test_an_unsafe_next_address_is_not_followed(make_user: MakeUser, consul_client: Client) -> None:
    case = submit(make_user)
    response = consul_client.post(
        f"/work/case/{case.public_id}/assign/", {"next": "https://evil.example/work/"}
    )
    assert response["Location"] == "/home/"


def test_assignment_by_anyone_but_the_stages_officials_changes_nothing(
    make_user: MakeUser,
    migration_client: Client,
    signed_in: Callable[..., tuple[Client, User]],
) -> None:
    case = submit(make_user)
    applicant, _user = signed_in(Role.APPLICANT)
    auditor, _user = signed_in(Role.AUDITOR)
    consul_client = signed_in_client(make_user(Role.CONSULAR_OFFICER))
    events = AuditEvent.objects.count()
    for action in ("assign", "unassign"):
        url = f"/work/case/{case.public_id}/{action}/"
        assert migration_client.post(url).status_code == 404  # another authority's stage
        assert applicant.post(url).status_code == 403
        assert auditor.post(url).status_code == 403
        assert Client().post(url)["Location"].startswith("/accounts/login/")
        assert consul_client.post(f"/work/case/{uuid.uuid4()}/{action}/").status_code == 404
    assert reload(case).assignee is None
    assert AuditEvent.objects.count() == events


def test_a_draft_cannot_be_assigned(make_user: MakeUser, consul_client: Client) -> None:
    draft = complete_draft(make_user(Role.APPLICANT))
    assert consul_client.post(f"/work/case/{draft.public_id}/assign/").status_code == 404
    assert reload(draft).assignee is None


# Who sees which queue ----------------------------------------------------------------------


def test_each_authority_sees_only_the_cases_at_its_stage(
    make_user: MakeUser,
    consul: User,
    consul_client: Client,
    migration_client: Client,
) -> None:
    visa_case = submit(make_user)
    trp_case = in_trp_stage(submit(make_user), consul)
    assert references(page(consul_client, "status=all")) == [visa_case.reference]
    assert references(page(migration_client, "status=all", path="/work/permits/")) == [
        trp_case.reference
    ]
    html = page(migration_client, path="/work/permits/")
    assert "Temporary residence permit" in html
    assert "<title>Residence permit applications – Haven</title>" in html


def test_the_selector_refuses_anyone_outside_the_authority(
    make_user: MakeUser, migration: User
) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        queue_for_officer(migration, visa_filters())
    with pytest.raises(PermissionDenied):
        queue_scope(make_user(Role.APPLICANT), "consulate", language="en")


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.MIGRATION_OFFICER, Role.AUDITOR, Role.COMMISSION_MEMBER]
)
def test_the_visa_queue_is_forbidden_to_others(
    role: Role, make_user: MakeUser, signed_in: Callable[..., tuple[Client, User]]
) -> None:
    submit(make_user)
    client, _user = signed_in(role)
    response = client.get("/work/visas/")
    assert response.status_code == 403
    assert "HVN-" not in response.content.decode()
    assert queue_views() == []


def test_the_permit_queue_is_forbidden_to_consuls(consul_client: Client) -> None:
    assert consul_client.get("/work/permits/").status_code == 403


def test_each_official_lands_on_their_queue(
    consul_client: Client, migration_client: Client
) -> None:
    assert consul_client.get("/home/")["Location"] == "/work/visas/"
    assert migration_client.get("/home/")["Location"] == "/work/permits/"
    assert 'href="/work/visas/" aria-current="page"' in page(consul_client)


def test_the_deadline_window_values_are_stable() -> None:
    # They are in bookmarked addresses and the benchmark's.
    assert [w.value for w in DeadlineWindow] == ["any", "overdue", "7-days", "30-days"]
    assert [s.value for s in Sort] == ["deadline", "-deadline", "submitted", "-submitted"]
