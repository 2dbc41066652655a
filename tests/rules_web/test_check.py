"""The eligibility pre-check page: a form anyone can fill in, an answer that advises."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.rules_web.helpers import check_page, page_answer

pytestmark = pytest.mark.django_db


def checked_stage(html: str) -> str | None:
    found = re.findall(r'<input type="radio" name="stage" value="([a-z_]+)"[^>]*\bchecked\b', html)
    assert len(found) <= 1
    return found[0] if found else None


def test_the_form_starts_with_the_first_stage_and_todays_date() -> None:
    from django.utils import timezone

    response = Client().get("/programmes/shared-values/check/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<title>Check whether you can apply: Shared values – Haven</title>" in html
    assert 'class="error-summary"' not in html
    assert page_answer(html) == (None, [])
    assert checked_stage(html) == "visa"
    assert f'value="{timezone.localdate().isoformat()}"' in html
    # Citizenships as a list to choose from, with the codes of people without one.
    assert '<option value="XXA">Stateless (XXA)</option>' in html
    assert '<option value="XXB">' in html
    assert '<option value="XXC">' in html
    assert '<option value="DE">Germany</option>' in html


def test_the_choices_are_named_in_the_readers_language() -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE="fr").get("/programmes/shared-values/check/")
    page = html.content.decode()
    assert '<option value="DE">Allemagne</option>' in page
    assert "Permis de séjour temporaire" in page  # a stage's own title


def test_a_listed_citizen_can_apply_and_is_told_an_official_decides() -> None:
    html = check_page(Client(), stage="visa", nationality="DE", date="2024-10-01")
    assert page_answer(html) == ("eligible", ["NATIONALITY_LISTED"])
    assert '<strong class="tag tag--eligible">You can apply</strong>' in html
    assert "Citizenship of a designated state: Germany." in html
    assert "Government Order No. 2560-r of 17 September 2024" in html
    assert "nothing is decided automatically" in html
    assert (
        "<title>You can apply – Check whether you can apply: Shared values – Haven</title>" in html
    )


def test_an_unlisted_citizen_is_advised_not_refused() -> None:
    html = check_page(Client(), stage="visa", nationality="HU", date="2024-10-01")
    assert page_answer(html) == ("ineligible", ["NATIONALITY_NOT_LISTED"])
    assert "You cannot apply under this programme" in html
    assert "This is advice, not a decision" in html
    assert "refus" not in html.split('class="result', 1)[1].split("</section>", 1)[0].lower()


def test_a_stateless_person_qualifies_through_residence_at_the_permit_stage() -> None:
    html = check_page(Client(), stage="trp", nationality="XXA", residence="FR", date="2024-10-01")
    assert page_answer(html) == ("eligible", ["RESIDENCE_LISTED"])
    assert "France" in html
    assert "Haven’s reading of unclear law:" in html


def test_before_the_list_existed_the_answer_is_undetermined() -> None:
    html = check_page(Client(), stage="visa", nationality="DE", date="2024-09-10")
    assert page_answer(html) == ("undetermined", ["COUNTRY_LIST_NOT_IN_FORCE"])
    assert "We cannot tell yet" in html


def test_several_citizenships_count_together() -> None:
    html = check_page(
        Client(), stage="visa", nationality="HU", nationality_2="DE", date="2024-10-01"
    )
    assert page_answer(html) == ("eligible", ["NATIONALITY_LISTED", "DUAL_NATIONALITY_ACCEPTED"])


def test_the_draft_programme_says_it_cannot_decide_anything() -> None:
    html = check_page(
        Client(), "people-in-spirit", stage="commission", nationality="DE", date="2024-10-01"
    )
    assert page_answer(html) == ("ineligible", ["PROGRAMME_NOT_IN_FORCE"])
    assert "This is a bill, not law." in html


def test_the_answer_speaks_the_readers_language() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    html = check_page(client, stage="visa", nationality="DE", date="2024-10-01")
    assert '<html lang="de">' in html
    assert page_answer(html) == ("eligible", ["NATIONALITY_LISTED"])
    assert "Deutschland" in html


def test_bad_input_is_explained_and_what_was_chosen_is_kept() -> None:
    html = check_page(
        Client(), stage="trp", nationality="", nationality_2="FR", residence="IT", date="2024-02-30"
    )
    assert page_answer(html) == (None, [])
    assert 'class="error-summary"' in html
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_nationality"' in summary
    assert 'href="#id_date"' in summary
    assert "Choose your citizenship, or “Stateless” if you have none." in summary
    assert "Enter a real date, for example 2024-10-01." in summary
    assert 'aria-invalid="true"' in html
    assert html.count("field--error") == 2
    assert '<option value="FR" selected>' in html
    assert '<option value="IT" selected>' in html
    assert checked_stage(html) == "trp"
    assert "<title>Error: Check whether you can apply" in html


def test_a_choice_that_is_not_on_the_form_is_an_error_not_a_guess() -> None:
    html = check_page(Client(), stage="nonsense", nationality="ZZ", date="2024-10-01")
    assert page_answer(html) == (None, [])
    assert 'class="error-summary"' in html
    assert html.count("field--error") == 2


def test_other_parameters_in_the_address_leave_the_form_blank() -> None:
    html = Client().get("/programmes/shared-values/check/", {"utm_source": "news"}).content.decode()
    assert 'class="error-summary"' not in html
    assert page_answer(html) == (None, [])
