"""The public programme pages: anyone may read them, in their own language."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from haven.accounts.roles import Role
from haven.rules.actions import amendment_record
from haven.rules.amendments import Operation

pytestmark = pytest.mark.django_db


def html_of(path: str, language: str = "en") -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(path)
    assert response.status_code == 200, path
    assert response["Content-Language"] == language
    return response.content.decode()


def state_list(html: str) -> list[str]:
    block = re.search(r'<ul class="state-list"[^>]*>(.*?)</ul>', html, re.S)
    assert block, "no list of states on the page"
    return re.findall(r"<li>(.*?)</li>", block.group(1))


def test_the_list_of_programmes_shows_each_with_its_status_in_words() -> None:
    html = html_of("/programmes/")
    assert html.count("<h1") == 1
    assert "<title>Residence programmes – Haven</title>" in html
    for title in ("Shared values", "Our people in spirit (draft law)", "Persons of interest"):
        assert title in html
    assert '<strong class="tag tag--in_force">In force</strong>' in html
    assert '<strong class="tag tag--draft">Draft law</strong>' in html
    assert 'href="/programmes/shared-values/"' in html


def test_the_list_of_programmes_speaks_the_readers_language() -> None:
    html = html_of("/programmes/", "de")
    assert '<html lang="de">' in html
    assert "Gemeinsame Werte" in html
    assert "Shared values" not in html


def test_the_start_page_says_who_can_apply_with_the_list_in_force_today() -> None:
    html = html_of("/programmes/shared-values/")
    assert html.count("<h1") == 1
    assert "<title>Who can apply: Shared values – Haven</title>" in html
    states = state_list(html)
    assert len(states) == 47
    assert states == sorted(states)
    assert states[:3] == ["Albania", "Andorra", "Australia"]
    assert "Hungary" not in states
    assert "Government Order No. 2560-r of 17 September 2024" in html
    assert 'class="button button--start" href="/programmes/shared-values/check/"' in html
    assert "Check whether you can apply" in html


def test_the_start_page_says_what_is_waived_what_it_costs_and_how_long_it_takes() -> None:
    html = html_of("/programmes/shared-values/")
    assert "The yearly quota for temporary residence permits" in html
    assert "The certificate of Russian language, history and law" in html
    assert "1,600 Russian rubles" in html
    assert "Tax Code of the Russian Federation, Part Two, art. 333.28" in html
    assert "3 months" in html
    assert "3 years" in html
    assert "4 months" in html
    assert "Handled by: An embassy or consulate of the Russian Federation" in html
    assert "Haven’s reading of unclear law:" in html
    # Each rule links to its history.
    assert 'href="/programmes/shared-values/parameters/trp_state_fee/"' in html
    assert 'href="/programmes/shared-values/parameters/designated_states/"' in html


def test_the_start_page_names_and_sorts_the_states_in_the_readers_language() -> None:
    html = html_of("/programmes/shared-values/", "de")
    assert '<html lang="de">' in html
    assert html.count("<h1") == 1
    assert "<h1>Gemeinsame Werte</h1>" in html
    states = state_list(html)
    assert "Deutschland" in states
    assert "Germany" not in states
    assert states.index("Norwegen") < states.index("Österreich") < states.index("Polen")
    assert "1.600 Russische Rubel" in html


def test_a_draft_programme_says_no_application_can_be_decided() -> None:
    html = html_of("/programmes/people-in-spirit/")
    assert '<strong class="tag tag--draft">Draft law</strong>' in html
    assert "This is a bill, not law." in html
    assert "No application can be decided under it" in html
    assert "No state has been named yet." in html


def test_the_change_history_shows_what_each_amendment_added_and_removed(make_user) -> None:
    admin = make_user(Role.POLICY_ADMIN)
    from datetime import date

    for operation, country, when in (
        (Operation.ADD_COUNTRY, "HU", date(2025, 6, 1)),
        (Operation.REMOVE_COUNTRY, "US", date(2025, 7, 1)),
    ):
        amendment_record(
            actor=admin,
            programme_id="shared-values",
            parameter="designated_states",
            operation=operation,
            country=country,
            effective_from=when,
            act=f"Government Order No. {country} of 2025",
            act_date=date(2025, 5, 1),
        )
    html = html_of("/programmes/shared-values/")
    changes = html.split("<h2>Changes to the list</h2>", 1)[1].split("</ol>", 1)[0]
    assert changes.index("July 1, 2025") < changes.index("June 1, 2025") < changes.index("Sept. 20")
    assert "<strong>Added:</strong> Hungary" in changes
    assert "<strong>Removed:</strong> United States" in changes
    assert "Government Order No. HU of 2025" in changes
    assert "The first list: 47 states and territories." in changes
    states = state_list(html)
    assert "Hungary" in states
    assert "United States" not in states


def test_a_parameters_history_shows_every_value_with_its_reference() -> None:
    html = html_of("/programmes/shared-values/parameters/trp_state_fee/")
    assert html.count("<h1") == 1
    assert "<h1>State fee for the temporary residence permit</h1>" in html
    assert "1,600 Russian rubles" in html
    assert "Tax Code of the Russian Federation, Part Two" in html
    assert "art. 333.28" in html
    assert "Haven’s reading of unclear law" in html
    assert "In force today" in html


def test_a_lists_history_names_the_states_in_the_readers_language() -> None:
    html = html_of("/programmes/shared-values/parameters/designated_states/", "es")
    assert '<html lang="es">' in html
    assert "Alemania" in html
    assert "Germany" not in html


def test_amendments_are_marked_and_only_policy_admins_see_who_recorded_them(
    make_user, signed_in
) -> None:
    from datetime import date

    admin = make_user(Role.POLICY_ADMIN, email="olga@example.org")
    amendment_record(
        actor=admin,
        programme_id="shared-values",
        parameter="designated_states",
        operation=Operation.ADD_COUNTRY,
        country="HU",
        effective_from=date(2025, 6, 1),
        act="Government Order No. 99-r of 1 May 2025",
        url="https://example.org/99-r",
    )
    path = "/programmes/shared-values/parameters/designated_states/"
    public = html_of(path)
    assert "Amendment recorded in Haven" in public
    assert "Hungary added; recorded on" in public
    assert "https://example.org/99-r" in public
    assert "olga@example.org" not in public
    for role in (Role.APPLICANT, Role.MIGRATION_OFFICER):
        client, _user = signed_in(role)
        assert "olga@example.org" not in client.get(path).content.decode()
    client, _user = signed_in(Role.POLICY_ADMIN)
    assert "by olga@example.org" in client.get(path).content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/programmes/no-such-programme/",
        "/programmes/no-such-programme/check/",
        "/programmes/shared-values/parameters/no_such_rule/",
        "/programmes/no-such-programme/parameters/designated_states/",
    ],
)
def test_unknown_programmes_and_rules_are_not_found(path: str) -> None:
    assert Client().get(path).status_code == 404


def test_the_public_pages_refuse_other_methods() -> None:
    assert Client().post("/programmes/shared-values/").status_code == 405
    assert Client().post("/programmes/shared-values/check/").status_code == 405


def record_amendments(make_user, count: int) -> None:
    from datetime import date, timedelta

    admin = make_user(Role.POLICY_ADMIN)
    codes = ["HU", "SK", "TR", "GE", "MD", "AM", "AZ", "KZ"][:count]
    for index, code in enumerate(codes):
        amendment_record(
            actor=admin,
            programme_id="shared-values",
            parameter="designated_states",
            operation=Operation.ADD_COUNTRY,
            country=code,
            effective_from=date(2025, 1, 1) + timedelta(days=index),
            act=f"Order {code}",
        )


@pytest.mark.parametrize(
    "path",
    [
        "/programmes/",
        "/programmes/shared-values/",
        "/programmes/shared-values/parameters/designated_states/",
        "/programmes/shared-values/check/?stage=visa&nationality=DE&date=2024-10-01",
    ],
)
def test_the_public_pages_read_the_database_once(
    path: str, make_user, django_assert_num_queries
) -> None:
    """The recorded amendments, in one query however many there are; an anonymous
    visitor has no session to load."""
    client = Client()
    with django_assert_num_queries(1):
        assert client.get(path).status_code == 200
    record_amendments(make_user, 6)
    with django_assert_num_queries(1):
        assert client.get(path).status_code == 200
