"""``haven demo load --cases N``: demo applications in every status, made by the real actions."""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from haven.accounts.models import User
from haven.audit.chain import verify_chain
from haven.audit.models import AuditEvent
from haven.cases.models import Case, CaseEvent, Decision, InformationRequest
from haven.demo.accounts import DEMO_PASSWORD
from haven.demo.cases import STATUSES, Officers, _case_plan, applicant_email, make_profile
from haven.issuance.actions import validity_end
from haven.issuance.models import IssuedDocument
from haven.people.duplicates import duplicate_candidates_for
from haven.people.models import Person
from haven.people.mrz import check_mrz
from haven.rules.durations import add_duration
from haven.rules.selectors import programme_get, programme_shipped

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def demo(settings) -> None:
    settings.DEMO = True


def load(count: int) -> str:
    out = io.StringIO()
    call_command("demo", "load", "--cases", str(count), stdout=out)
    return out.getvalue()


def test_every_status_appears_the_chain_holds_and_a_second_load_adds_nothing(demo) -> None:
    output = load(40)
    assert "Demo cases (shared-values): 40 created, 0 kept" in output
    assert DEMO_PASSWORD in output  # the credentials are printed as before
    assert "consular.officer.2@demo.haven.example" in output
    demo_cases = Case.objects.filter(applicant__email__startswith="applicant.")
    statuses = Counter(demo_cases.values_list("status", flat=True))
    assert set(STATUSES) <= set(statuses), set(STATUSES) - set(statuses)
    assert demo_cases.count() == 40
    assert verify_chain().first_break is None
    counts = (Case.objects.count(), AuditEvent.objects.count(), User.objects.count())

    output = load(40)
    assert "Demo cases (shared-values): 0 created, 40 kept" in output
    assert (Case.objects.count(), AuditEvent.objects.count(), User.objects.count()) == counts
    assert verify_chain().first_break is None


def test_the_history_is_spread_over_past_months_and_holds_together(demo) -> None:
    load(21)
    now = timezone.now()
    today = timezone.localdate()
    programme = programme_get("shared-values")
    cases = Case.objects.filter(applicant__email__startswith="applicant.")
    submitted = [case.submitted_at for case in cases if case.submitted_at]
    assert min(submitted) < now - timedelta(days=120)
    assert max(submitted) <= now
    assert not CaseEvent.objects.filter(occurred_at__gt=now).exists()
    for case in cases.exclude(status="draft"):
        times = list(case.events.order_by("pk").values_list("occurred_at", flat=True))
        assert times == sorted(times), case.status  # in the order the actions ran
        assert case.submitted_at is not None
        assert case.created_at <= case.submitted_at
    # Decisions happened after the submission and were taken by the demo officials.
    for decision in Decision.objects.select_related("case", "decided_by"):
        assert decision.case.submitted_at is not None
        assert decision.case.submitted_at < decision.decided_at <= now
        assert decision.decided_by.email.endswith("@demo.haven.example")
    for visa in IssuedDocument.objects.filter(kind="visa"):
        assert visa.valid_until == validity_end(visa.valid_from, {"months": 3})
        result = check_mrz(visa.mrz_line1, visa.mrz_line2)
        assert result.valid
        assert result.fields.expiry_date == visa.valid_until.isoformat()
        if visa.case.status == "visa_granted":
            assert visa.valid_until >= today  # still usable
        if visa.case.status == "visa_expired":
            assert visa.expired_unused_on == visa.valid_until + timedelta(days=1)
    permit = IssuedDocument.objects.get(kind="trp", case__applicant__email=applicant_email(11))
    first = permit.notifications.get(year=1)
    assert first.window_opens == add_duration(permit.valid_from, {"years": 1})
    entered = Case.objects.get(applicant__email=applicant_email(8))  # trp_submitted
    assert entered.stage_started_on is not None
    assert entered.stage_started_on == entered.issued_documents.get(kind="visa").used_on
    deadline = programme.value("trp_decision_deadline", entered.stage_started_on)
    assert deadline is not None
    assert entered.deadline == add_duration(entered.stage_started_on, deadline.value)
    # Requests are due some days after they were made; one is still open.
    for request in InformationRequest.objects.all():
        assert request.due_on == timezone.localdate(request.requested_at) + timedelta(days=14)
    assert InformationRequest.objects.filter(
        answered_at__isnull=True, case__status="visa_info_requested"
    ).exists()


def test_the_applicants_and_officials_can_sign_in(demo) -> None:
    load(2)
    applicant = User.objects.get(email=applicant_email(2))
    assert applicant.check_password(DEMO_PASSWORD)
    assert applicant.has_perm("accounts.apply_to_programmes")
    colleague = User.objects.get(email="migration.officer.3@demo.haven.example")
    assert colleague.check_password(DEMO_PASSWORD)
    assert colleague.has_perm("accounts.work_migration_queue")
    assert Authenticator.objects.filter(user=colleague, type=Authenticator.Type.TOTP).exists()


def test_the_main_demo_applicant_gets_one_case_waiting_for_her_answer(demo) -> None:
    load(1)
    anna = User.objects.get(email="applicant@demo.haven.example")
    (case,) = Case.objects.filter(applicant=anna)
    assert case.status == "visa_info_requested"
    assert case.information_requests.get().answered_at is None
    load(1)
    assert Case.objects.filter(applicant=anna).count() == 1


def test_a_person_who_applied_twice_is_found_as_a_possible_duplicate(demo) -> None:
    load(21)
    again = Person.objects.get(case__applicant__email=applicant_email(21))
    assert again.surname == "Kowalenko"
    assert again.native_surname == "Коваленко"
    candidates = duplicate_candidates_for(again)
    assert [c.person.case.applicant.email for c in candidates] == [applicant_email(20)]


def test_a_count_that_is_not_a_number_is_refused(demo) -> None:
    with pytest.raises(CommandError, match="invalid number of cases"):
        call_command("demo", "load", "--cases", "many")
    assert not Case.objects.exists()


def test_the_plan_covers_every_listed_state_and_many_scripts() -> None:
    """Without the database: the 500 default cases as planned."""
    designated = programme_shipped("shared-values").value("designated_states", timezone.localdate())
    assert designated is not None
    listed = sorted(designated.value)
    people = (User(email=f"o{n}@example.org") for n in range(6))
    officers = Officers(
        consular=(next(people), next(people), next(people)),
        migration=(next(people), next(people), next(people)),
        checklist=("application_form", "photos"),
    )
    now = timezone.now()
    nationalities: set[str] = set()
    statuses: Counter[str] = Counter()
    scripts: set[str] = set()
    for number in range(1, 501):
        status, rng, special, _steps = _case_plan(number, listed, officers, now)
        statuses[status] += 1
        profile = make_profile(
            rng, applicant_email(number), special.citizenships, special.residence, special
        )
        nationalities.update(profile.person["citizenships"])
        for letter in profile.person["native_surname"] + profile.person["native_given_names"]:
            if letter.isalpha():
                scripts.add(unicodedata.name(letter).split()[0])
        assert profile.person["surname"].isascii()
    assert set(listed) <= nationalities
    assert {"XXA", "TR", "HU"} <= nationalities  # a stateless resident and dual nationals
    assert set(statuses) == set(STATUSES)
    assert {"CYRILLIC", "GREEK", "HANGUL", "CJK", "HIRAGANA", "LATIN"} <= scripts


def test_loading_is_for_the_demo_only() -> None:
    with pytest.raises(CommandError, match="only with HAVEN_ENV=demo"):
        call_command("demo", "load", "--cases", "3")
    assert not Case.objects.exists()
