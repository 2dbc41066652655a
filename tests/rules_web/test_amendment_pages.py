"""The policy administrator's programmes and the "Record an amendment" flow."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.rules.actions import amendment_record
from haven.rules.amendments import Operation
from haven.rules.evaluate import Facts, evaluate
from haven.rules.models import Amendment
from haven.rules.selectors import programme_get
from tests.rules_web.helpers import check_page, page_answer

pytestmark = pytest.mark.django_db

NEW = "/work/programmes/shared-values/amendments/new/"
HUNGARY_FROM_JUNE = {
    "parameter": "designated_states",
    "operation": "add_country",
    "country": "HU",
    "effective_from": "2025-06-01",
    "act": "Government Order No. 1234-r of 20 May 2025",
    "act_date": "2025-05-20",
    "article": "para. 1",
    "url": "https://example.org/1234-r",
}
OTHER_ROLES = [role for role in Role if role != Role.POLICY_ADMIN]


def nothing_recorded() -> bool:
    return (
        not Amendment.objects.exists()
        and not AuditEvent.objects.filter(event_type=EventType.AMENDMENT_RECORDED).exists()
    )


def test_the_form_offers_the_programmes_lists_and_the_states_by_name(signed_in) -> None:
    client, _admin = signed_in(Role.POLICY_ADMIN)
    response = client.get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'name="parameter" value="designated_states"' in html
    assert 'name="parameter" value="excluded_citizenships"' in html
    assert 'name="parameter" value="visa_validity"' not in html  # not a list of states
    assert '<option value="HU">Hungary</option>' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_first_post_only_shows_what_will_happen(signed_in) -> None:
    client, _admin = signed_in(Role.POLICY_ADMIN)
    response = client.post(NEW, HUNGARY_FROM_JUNE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check the amendment before recording it" in html
    assert (
        "From June 1, 2025, Hungary will be added to “List of designated states and territories”."
        in html
    )
    assert "The list will then have 48 states and territories (it has 47 on that date now)." in html
    assert "Evaluations for earlier dates do not change" in html
    assert 'type="hidden" name="country" value="HU"' in html
    assert 'name="confirm"' in html
    assert nothing_recorded()


def test_change_goes_back_to_the_form_with_the_answers_kept(signed_in) -> None:
    client, _admin = signed_in(Role.POLICY_ADMIN)
    html = client.post(NEW, HUNGARY_FROM_JUNE | {"change": "1"}).content.decode()
    assert "<h1>Record an amendment</h1>" in html
    assert '<option value="HU" selected>Hungary</option>' in html
    assert 'value="Government Order No. 1234-r of 20 May 2025"' in html
    assert nothing_recorded()


def test_confirming_records_the_amendment_audits_it_and_goes_back(signed_in) -> None:
    client, admin = signed_in(Role.POLICY_ADMIN)
    response = client.post(NEW, HUNGARY_FROM_JUNE | {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/work/programmes/shared-values/"
    amendment = Amendment.objects.get()
    assert (amendment.programme, amendment.parameter, amendment.operation) == (
        "shared-values",
        "designated_states",
        "add_country",
    )
    assert (amendment.country, amendment.effective_from) == ("HU", date(2025, 6, 1))
    assert (amendment.act, amendment.act_date, amendment.article, amendment.url) == (
        "Government Order No. 1234-r of 20 May 2025",
        date(2025, 5, 20),
        "para. 1",
        "https://example.org/1234-r",
    )
    assert amendment.recorded_by == admin
    event = AuditEvent.objects.get(event_type=EventType.AMENDMENT_RECORDED)
    assert event.actor_id == admin.pk
    assert event.subject_id == str(amendment.pk)
    assert event.details["country"] == "HU"
    assert event.details["list_size_after"] == 48

    page = client.get(response["Location"]).content.decode()
    assert "Recorded: from June 1, 2025, Hungary is added to" in page
    assert "Add Hungary" in page
    assert admin.email in page


def test_the_amendment_applies_from_its_date_and_leaves_earlier_answers_alone(signed_in) -> None:
    programme = programme_get("shared-values")
    hungarian = Facts.from_codes(["HU"])
    day_before = evaluate(programme, hungarian, date(2025, 5, 31)).to_record()
    stored = json.loads(json.dumps(evaluate(programme, hungarian, date(2025, 6, 1)).to_record()))
    assert stored["outcome"] == "ineligible"

    client, _admin = signed_in(Role.POLICY_ADMIN)
    assert client.post(NEW, HUNGARY_FROM_JUNE | {"confirm": "1"}).status_code == 302

    public = Client()
    before = check_page(public, stage="visa", nationality="HU", date="2025-05-31")
    after = check_page(public, stage="visa", nationality="HU", date="2025-06-01")
    assert page_answer(before) == ("ineligible", ["NATIONALITY_NOT_LISTED"])
    assert page_answer(after) == ("eligible", ["NATIONALITY_LISTED"])
    assert "Government Order No. 1234-r of 20 May 2025" in after

    amended = programme_get("shared-values")
    assert evaluate(amended, hungarian, date(2025, 5, 31)).to_record() == day_before
    # A record kept from before the amendment still says what was answered then.
    assert stored["outcome"] == "ineligible"
    assert stored["parameters"]["designated_states"]["reference"]["act"] == (
        "Government Order No. 2560-r of 17 September 2024"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"country": "DE"},
            "Germany is already on this list on June 1, 2025, so it cannot be added.",
        ),
        (
            {"country": "HU", "operation": "remove_country"},
            "Hungary is not on this list on June 1, 2025, so it cannot be removed.",
        ),
    ],
)
def test_an_amendment_that_cannot_apply_is_explained_and_nothing_is_written(
    signed_in, change: dict[str, str], message: str
) -> None:
    client, _admin = signed_in(Role.POLICY_ADMIN)
    for step in ({}, {"confirm": "1"}):
        response = client.post(NEW, HUNGARY_FROM_JUNE | change | step)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="error-summary"' in html
        assert message in html
        assert 'href="#id_country"' in html
        assert nothing_recorded()


def test_an_amendment_that_would_break_a_later_one_is_refused(signed_in) -> None:
    client, admin = signed_in(Role.POLICY_ADMIN)
    amendment_record(
        actor=admin,
        programme_id="shared-values",
        parameter="designated_states",
        operation=Operation.ADD_COUNTRY,
        country="HU",
        effective_from=date(2025, 9, 1),
        act="Order of September",
    )
    html = client.post(NEW, HUNGARY_FROM_JUNE | {"confirm": "1"}).content.decode()
    assert 'class="error-summary"' in html
    assert "An amendment recorded for a later date would no longer apply" in html
    assert Amendment.objects.count() == 1
    assert programme_get("shared-values").value("designated_states", date(2025, 10, 1))


def test_missing_answers_are_explained_field_by_field(signed_in) -> None:
    client, _admin = signed_in(Role.POLICY_ADMIN)
    html = client.post(NEW, {"url": "not a web address"}).content.decode()
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    for anchor in ("id_parameter_0", "id_operation_0", "id_country", "id_effective_from", "id_act"):
        assert f'href="#{anchor}"' in summary
    assert "Enter the legal act that makes the change." in summary
    assert 'href="#id_url"' in summary
    assert nothing_recorded()


@pytest.mark.parametrize("role", OTHER_ROLES, ids=[role.value for role in OTHER_ROLES])
def test_only_policy_administrators_may_amend(signed_in, role: Role) -> None:
    client, _user = signed_in(role)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, HUNGARY_FROM_JUNE | {"confirm": "1"}).status_code == 403
    assert client.get("/work/programmes/").status_code == 403
    assert client.get("/work/programmes/shared-values/").status_code == 403
    assert nothing_recorded()


def test_an_anonymous_post_goes_to_sign_in_and_changes_nothing() -> None:
    response = Client().post(NEW, HUNGARY_FROM_JUNE | {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert nothing_recorded()


def test_a_post_without_the_csrf_token_is_refused(signed_in) -> None:
    client, _admin = signed_in(Role.POLICY_ADMIN)
    client.handler.enforce_csrf_checks = True
    response = client.post(NEW, HUNGARY_FROM_JUNE | {"confirm": "1"})
    assert response.status_code == 403
    assert nothing_recorded()


def test_the_work_area_lists_each_programme_with_its_lists_and_amendments(signed_in) -> None:
    client, admin = signed_in(Role.POLICY_ADMIN)
    for country, when in (("HU", date(2025, 6, 1)), ("SK", date(2025, 7, 1))):
        amendment_record(
            actor=admin,
            programme_id="shared-values",
            parameter="designated_states",
            operation=Operation.ADD_COUNTRY,
            country=country,
            effective_from=when,
            act=f"Order {country}",
        )
    html = client.get("/work/programmes/").content.decode()
    assert html.count("<h1") == 1
    assert 'List of designated states and territories: <span class="count">49</span>' in html
    assert html.index("Add Slovakia") < html.index("Add Hungary")  # newest first
    assert 'href="/work/programmes/shared-values/"' in html

    page = client.get("/work/programmes/shared-values/").content.decode()
    assert 'href="/work/programmes/shared-values/amendments/new/"' in page
    assert page.index("Add Slovakia") < page.index("Add Hungary")
    assert '<td class="count">49</td>' in page


def test_the_navigation_leads_policy_administrators_to_their_programmes(signed_in) -> None:
    client, _admin = signed_in(Role.POLICY_ADMIN)
    assert client.get("/home/")["Location"] == "/work/programmes/"
    html = client.get("/work/programmes/").content.decode()
    assert '<a href="/work/programmes/" aria-current="page">Programmes</a>' in html


def work_page_queries() -> int:
    """Session, user, roles, user and group permissions (5); the amendments with who
    recorded them (1). The session is not written: its last-seen time changes at most
    once a minute."""
    return 6


@pytest.mark.parametrize("path", ["/work/programmes/", "/work/programmes/shared-values/"])
def test_the_work_pages_queries_are_pinned_and_do_not_grow(
    signed_in, django_assert_num_queries, path: str
) -> None:
    client, admin = signed_in(Role.POLICY_ADMIN)
    with django_assert_num_queries(work_page_queries()):
        assert client.get(path).status_code == 200
    for index, country in enumerate(["HU", "SK", "TR", "GE", "MD"]):
        amendment_record(
            actor=admin,
            programme_id="shared-values",
            parameter="designated_states",
            operation=Operation.ADD_COUNTRY,
            country=country,
            effective_from=date(2025, 6, 1 + index),
            act=f"Order {country}",
        )
    with django_assert_num_queries(work_page_queries()):
        assert client.get(path).status_code == 200
