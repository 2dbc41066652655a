"""The public verification page: valid, not yet valid, expired, used; one answer for a miss."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.casework import official_actions
from haven.issuance.actions import document_verify
from haven.issuance.models import IssuedDocument
from haven.issuance.selectors import Validity
from tests.issuance.conftest import reload

pytestmark = pytest.mark.django_db

NO_MATCH = "No valid document matches this number and verification code."


def link(document: IssuedDocument, token: str | None = None, number: str | None = None) -> str:
    return reverse(
        "issuance:verify_link",
        kwargs={
            "number": number or document.number,
            "token": token or document.verification_token,
        },
    )


def verified_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type="DOCUMENT_VERIFIED").order_by("sequence"))


# Behaviour ---------------------------------------------------------------------------------


def test_a_visa_is_valid_from_its_first_to_its_last_day(visa: IssuedDocument) -> None:
    def validity_on(day):
        result = document_verify(number=visa.number, token=visa.verification_token, today=day)
        assert result is not None
        return result.validity

    assert validity_on(visa.valid_from - timedelta(days=1)) == Validity.NOT_YET_VALID
    assert validity_on(visa.valid_from) == Validity.VALID
    assert validity_on(visa.valid_until) == Validity.VALID
    assert validity_on(visa.valid_until + timedelta(days=1)) == Validity.EXPIRED


def test_the_answer_holds_only_kind_dates_and_initials(visa: IssuedDocument) -> None:
    result = document_verify(
        number=f" {visa.number.lower()} ",
        token=visa.verification_token,
        today=timezone.localdate(),
    )
    assert result is not None
    assert (result.kind, result.valid_from, result.valid_until, result.holder_initials) == (
        "visa",
        visa.valid_from,
        visa.valid_until,
        "A.M.S.",
    )


def test_a_used_single_entry_visa_is_used_not_valid(visa: IssuedDocument, consul: User) -> None:
    today = timezone.localdate()
    official_actions.case_record_entry(
        actor=consul, case=visa.case, entered_on=today, source="officer"
    )
    result = document_verify(number=visa.number, token=visa.verification_token, today=today)
    assert result is not None
    assert result.validity == Validity.USED


def test_an_unused_visa_past_its_last_day_is_expired(visa: IssuedDocument) -> None:
    day_after = visa.valid_until + timedelta(days=1)
    official_actions.case_expire_visa(case=visa.case, today=day_after)
    result = document_verify(number=visa.number, token=visa.verification_token, today=day_after)
    assert result is not None
    assert result.validity == Validity.EXPIRED


def test_a_visa_valid_from_a_later_day_is_not_yet_valid(submitted: Case, consul: User) -> None:
    official_actions.case_start_review(officer=consul, case=submitted)
    case = reload(submitted)
    later = timezone.localdate() + timedelta(days=10)
    official_actions.case_approve(officer=consul, case=case, version=case.version, valid_from=later)
    visa = IssuedDocument.objects.get(case=case)
    response = Client().get(link(visa))
    assert 'data-validity="not_yet_valid"' in response.content.decode()


def test_a_wrong_token_or_number_finds_nothing(visa: IssuedDocument) -> None:
    today = timezone.localdate()
    assert document_verify(number=visa.number, token="x" * 32, today=today) is None
    assert document_verify(number="V99999999", token=visa.verification_token, today=today) is None
    assert document_verify(number="", token="", today=today) is None


# Over HTTP ---------------------------------------------------------------------------------


def test_the_qr_address_shows_the_answer_at_once(visa: IssuedDocument) -> None:
    response = Client().get(link(visa))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-validity="valid"' in html
    assert '<strong class="tag tag--validity-valid">Valid</strong>' in html
    assert "<title>Visa: Valid – Check a visa or permit – Haven</title>" in html
    assert "A.M.S." in html
    assert "Schmidt" not in html  # initials only, never the name
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_form_gives_the_same_answer(visa: IssuedDocument) -> None:
    client = Client()
    assert client.get(reverse("issuance:verify")).status_code == 200
    response = client.post(
        reverse("issuance:verify"),
        {"number": visa.number, "token": visa.verification_token},
    )
    assert response.status_code == 200
    assert 'data-validity="valid"' in response.content.decode()


def test_the_form_asks_for_both_fields(visa: IssuedDocument) -> None:
    response = Client().post(reverse("issuance:verify"), {"number": "", "token": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "error-summary" in html
    assert "Enter the document number." in html
    assert "Enter the verification code." in html
    assert verified_events() == []  # not a lookup


def test_a_used_visa_reads_used_over_http(visa: IssuedDocument, consul: User) -> None:
    official_actions.case_record_entry(
        actor=consul, case=visa.case, entered_on=timezone.localdate(), source="officer"
    )
    html = Client().get(link(visa)).content.decode()
    assert 'data-validity="used"' in html
    assert "has been used to enter" in html


def _answer(response) -> str:
    """The page's result section, as a visitor reads it."""
    html = response.content.decode()
    start = html.index('<section class="result')
    return html[start : html.index("</section>", start)]


def test_a_wrong_token_and_a_wrong_number_get_the_one_same_answer(visa: IssuedDocument) -> None:
    client = Client()
    wrong_token = client.get(link(visa, token="A" * 32))
    wrong_number = client.get(link(visa, number="V26999999"))
    # A number that exists with someone else's token says nothing more than one that does not.
    assert wrong_token.status_code == wrong_number.status_code == 200
    assert _answer(wrong_token) == _answer(wrong_number)
    assert NO_MATCH in _answer(wrong_token)


def test_every_lookup_is_audited_without_the_token(visa: IssuedDocument) -> None:
    client = Client()
    client.get(link(visa))
    client.get(link(visa, token="B" * 32))
    found, missed = verified_events()
    assert (found.details, found.subject_id, found.actor) == (
        {"found": True, "kind": "visa"},
        str(visa.pk),
        None,
    )
    assert (missed.details, missed.subject_id) == ({"found": False, "kind": None}, "")
    for event in (found, missed):
        assert visa.verification_token not in str(event.details)
        assert "B" * 32 not in str(event.details)


def test_over_the_rate_limit_the_page_answers_429(visa: IssuedDocument, settings) -> None:
    settings.HAVEN_VERIFY_RATE = "3/min"
    client = Client()
    assert [client.get(link(visa)).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(link(visa))
    assert response.status_code == 429
    assert "Too many checks" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 60
    # The form counts against the same allowance.
    posted = client.post(
        reverse("issuance:verify"), {"number": visa.number, "token": visa.verification_token}
    )
    assert posted.status_code == 429
    assert len(verified_events()) == 3  # refused lookups are not lookups
    # Another address has its own allowance.
    assert client.get(link(visa), REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_page_is_linked_from_every_pages_footer() -> None:
    html = Client().get(reverse("web:home")).content.decode()
    assert f'href="{reverse("issuance:verify")}"' in html
