"""Every URL of the project is in the authorisation matrix, and the matrix holds.

A new URL fails ``test_every_url_is_in_the_matrix`` until its expected answer
for anonymous visitors and for each role is written down here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from haven.accounts.models import User
from haven.accounts.roles import Role
from tests.conftest import sign_in

OK = "ok"  # 2xx
LOGIN = "login"  # redirect to the sign-in page
DENIED = "denied"  # 403 or 404
REDIRECT = "redirect"  # any other redirect
METHOD_NOT_ALLOWED = "405"  # a POST-only endpoint answering the matrix's GET
UNAUTHORIZED = "status 401"  # the API answers anonymous callers 401, never with a redirect
ANONYMOUS = "anonymous"
ACTORS = [ANONYMOUS, *(role.value for role in Role)]
STAFF = [role.value for role in Role if role != Role.APPLICANT]


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ACTORS, outcome)


def signed_in(outcome: str, anonymous: str = LOGIN) -> dict[str, str]:
    return {**everyone(outcome), ANONYMOUS: anonymous}


def only(*roles: Role) -> dict[str, str]:
    allowed = {role.value for role in roles}
    return {
        ANONYMOUS: LOGIN,
        **{actor: OK if actor in allowed else DENIED for actor in ACTORS[1:]},
    }


MATRIX: dict[str, dict[str, str]] = {
    # Public pages.
    "web:home": everyone(OK),
    "web:health": everyone(OK),
    "set_language": everyone(REDIRECT),  # GET changes nothing and goes back
    # Programmes: the law is public.
    "rules:programme_list": everyone(OK),
    "rules:programme_detail": everyone(OK),
    "rules:programme_check": everyone(OK),
    "rules:parameter_history": everyone(OK),
    # The JSON API (django-ninja): public and read-only, no session needed.
    "api:openapi-json": everyone(OK),
    "api:eligibility": everyone(METHOD_NOT_ALLOWED),  # POST only
    "api:api-root": everyone(DENIED),  # ninja's placeholder: 404, the docs page is off
    "api:unknown": everyone(DENIED),  # any other path under /api/v1/: a 404 in the API's shape
    # Border control's crossings: POST only, with a client's bearer token, never a session
    # (tests/movements/test_api.py: 401 without a token, even signed in).
    "api:movement_record": everyone(METHOD_NOT_ALLOWED),
    # The applicant's journey as JSON (tests/cases_api/ checks owners, CSRF and every method).
    # GET and POST /applications share a path, so both names answer the list.
    **{
        f"api:application_{name}": {**only(Role.APPLICANT), ANONYMOUS: UNAUTHORIZED}
        for name in ("list", "start")
    },
    # Someone else's application: 404 for applicants, 403 for officials.
    "api:application_detail": {**only(), ANONYMOUS: UNAUTHORIZED},
    **{
        f"api:application_{name}": everyone(METHOD_NOT_ALLOWED)  # PUT, POST or DELETE only
        for name in (
            "about_you",
            "passport",
            "declaration",
            "document_upload",
            "document_remove",
            "submit",
            "withdraw",
            "answer",
        )
    },
    # Each role's own area.
    # The applicant's journey. A case id that is not the visitor's own answers 404,
    # exactly as one that does not exist (tests/cases/test_permissions.py checks owners).
    # A document id that is nobody's answers 404 to everyone signed in
    # (tests/documents/test_permissions.py checks owners and officials).
    "documents:download": signed_in(DENIED),
    # Visas and permits: an id that is nobody's answers 404 to everyone signed in
    # (tests/issuance/test_downloads.py and test_notifications.py check holders and officials).
    "issuance:pdf": signed_in(DENIED),
    "issuance:notification_record": signed_in(DENIED),
    # Anyone may check a document; a wrong number or code gets the one generic answer.
    "issuance:verify": everyone(OK),
    "issuance:verify_link": everyone(OK),
    "cases:list": only(Role.APPLICANT),
    # The applicant's own data: a page and its two downloads, only ever the visitor's own
    # (tests/cases/test_my_data.py checks what the files hold and that officials get none).
    "cases:my_data": only(Role.APPLICANT),
    "cases:my_data_json": only(Role.APPLICANT),
    "cases:my_data_pdf": only(Role.APPLICANT),
    "cases:start": only(Role.APPLICANT),
    **{
        f"cases:{name}": {**only(Role.APPLICANT), Role.APPLICANT.value: DENIED}
        for name in (
            "detail",
            "about_you",
            "passport",
            "declaration",
            "documents",
            "check",
            "submitted",
            "status",
            "withdraw",
            "answer",
        )
    },
    # A decision letter: its applicant and the officials handling the case; a decision id
    # that is nobody's answers 404 to everyone signed in (tests/cases/test_letters.py).
    "cases:decision_letter": signed_in(DENIED),
    # The officials' queues (tests/cases/test_queues.py checks filters, actions and authorities).
    "work:visas": only(Role.CONSULAR_OFFICER),
    "work:permits": only(Role.MIGRATION_OFFICER),
    **{
        f"work:{name}": everyone(METHOD_NOT_ALLOWED)  # POST only
        for name in ("visas_take_next", "permits_take_next", "assign", "unassign")
    },
    # The case page and its confirm pages: a case nobody has answers 404 to officials
    # and 403 to everyone else (tests/cases/test_officer_views.py checks real cases).
    **{
        f"work:{name}": signed_in(DENIED)
        for name in (
            "case",
            "case_start_review",
            "case_request_information",
            "case_approve",
            "case_refuse",
            "case_record_entry",
        )
    },
    "work:case_note_add": everyone(METHOD_NOT_ALLOWED),  # POST only
    "work:case_check_document": everyone(METHOD_NOT_ALLOWED),  # POST only
    "web:work_commission": only(Role.COMMISSION_MEMBER, Role.COMMISSION_SECRETARY),
    "rules:work_programmes": only(Role.POLICY_ADMIN),
    "rules:work_programme": only(Role.POLICY_ADMIN),
    "rules:amendment_new": only(Role.POLICY_ADMIN),
    "web:work_statistics": only(Role.ANALYST),
    "audit:trail": only(Role.AUDITOR),
    "accounts:home": signed_in(REDIRECT),
    # Accounts (allauth).
    "account_login": signed_in(REDIRECT, anonymous=OK),
    "account_signup": signed_in(REDIRECT, anonymous=OK),
    "account_logout": signed_in(OK, anonymous=REDIRECT),
    "account_inactive": everyone(OK),
    "account_reauthenticate": signed_in(OK),
    "account_email": signed_in(OK),
    "account_email_verification_sent": everyone(OK),
    "account_change_password": signed_in(OK),
    "account_set_password": signed_in(REDIRECT),
    "account_reset_password": everyone(OK),
    "account_reset_password_done": everyone(OK),
    "account_reset_password_from_key": everyone(OK),  # an unknown key shows "link invalid"
    "account_reset_password_from_key_done": everyone(OK),
    "account_confirm_email": everyone(OK),  # an unknown key shows "link invalid"
    "account_confirm_login_code": signed_in(REDIRECT),  # sign-in by code is not offered
    # Re-authentication takes the password or the second factor, never an emailed code.
    "account_request_reauthentication_code": signed_in(DENIED),
    "account_confirm_reauthentication_code": signed_in(DENIED),
    # Two-factor authentication (allauth.mfa).
    "mfa_index": signed_in(OK),
    # Changing authenticators asks for the password again first (a redirect), and
    # officials' TOTP cannot be removed (tested in tests/accounts/test_staff_security.py).
    "mfa_authenticate": signed_in(REDIRECT),  # only in the middle of a sign-in
    "mfa_reauthenticate": {**signed_in(OK), Role.APPLICANT.value: REDIRECT},
    "mfa_activate_totp": signed_in(REDIRECT),
    "mfa_deactivate_totp": {**signed_in(REDIRECT), Role.APPLICANT.value: DENIED},
    "mfa_generate_recovery_codes": signed_in(REDIRECT),
    # Nobody in this test has recovery codes yet, so there is nothing to show.
    "mfa_view_recovery_codes": signed_in(DENIED),
    "mfa_download_recovery_codes": signed_in(DENIED),
}

SOMEONE_ELSES_CASE = {"public_id": "5f0c6b8e-2d7a-4c1e-9b3f-0a1b2c3d4e5f"}
SAMPLE_KWARGS: dict[str, dict[str, str]] = {
    "cases:start": {"programme_id": "shared-values"},
    "documents:download": {"public_id": "6f1c3c0e-5b7a-4c55-9d7e-000000000000"},
    "issuance:pdf": {"public_id": "6f1c3c0e-5b7a-4c55-9d7e-000000000001"},
    "issuance:notification_record": {
        "public_id": "6f1c3c0e-5b7a-4c55-9d7e-000000000001",
        "year": "1",
    },
    "issuance:verify_link": {"number": "V26000001", "token": "not-the-token"},
    **{
        f"cases:{name}": SOMEONE_ELSES_CASE
        for name in (
            "detail",
            "about_you",
            "passport",
            "declaration",
            "documents",
            "check",
            "submitted",
            "status",
            "withdraw",
            "answer",
        )
    },
    "cases:decision_letter": {
        **SOMEONE_ELSES_CASE,
        "decision_id": "6f1c3c0e-5b7a-4c55-9d7e-000000000002",
    },
    **{
        f"api:application_{name}": SOMEONE_ELSES_CASE
        for name in (
            "detail",
            "about_you",
            "passport",
            "declaration",
            "document_upload",
            "submit",
            "withdraw",
            "answer",
        )
    },
    "api:application_document_remove": {
        **SOMEONE_ELSES_CASE,
        "document_public_id": "6f1c3c0e-5b7a-4c55-9d7e-000000000000",
    },
    "account_confirm_email": {"key": "MQ:1t0000:unknownkey"},
    "account_reset_password_from_key": {"uidb36": "zz", "key": "set-password"},
    "rules:programme_detail": {"programme_id": "shared-values"},
    "rules:programme_check": {"programme_id": "shared-values"},
    "rules:parameter_history": {"programme_id": "shared-values", "name": "designated_states"},
    "rules:work_programme": {"programme_id": "shared-values"},
    "rules:amendment_new": {"programme_id": "shared-values"},
    "work:assign": SOMEONE_ELSES_CASE,
    "work:unassign": SOMEONE_ELSES_CASE,
    **{
        f"work:{name}": SOMEONE_ELSES_CASE
        for name in (
            "case",
            "case_note_add",
            "case_check_document",
            "case_start_review",
            "case_request_information",
            "case_approve",
            "case_refuse",
            "case_record_entry",
        )
    },
}


def _walk(patterns: list, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from _walk(pattern.url_patterns, full)
        else:
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield (f"{namespace}:{name}" if namespace else name), pattern


def project_url_names() -> list[str]:
    return sorted({name for name, _pattern in _walk(get_resolver().url_patterns)})


def url_for(name: str) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=SAMPLE_KWARGS.get(name))


def outcome_of(response) -> str:
    if 200 <= response.status_code < 300:
        return OK
    if response.status_code in (301, 302, 303, 307, 308):
        if response["Location"].startswith("/accounts/login/"):
            return LOGIN
        return REDIRECT
    if response.status_code in (403, 404):
        return DENIED
    if response.status_code == 405:
        return METHOD_NOT_ALLOWED
    return f"status {response.status_code}"


def test_every_url_is_in_the_matrix() -> None:
    missing = [name for name in project_url_names() if name not in MATRIX]
    assert not missing, f"URLs without an authorisation rule in MATRIX: {missing}"
    stale = [name for name in MATRIX if name not in project_url_names()]
    assert not stale, f"MATRIX names URLs that no longer exist: {stale}"


def test_every_rule_names_every_actor() -> None:
    incomplete = {name: sorted(set(ACTORS) - set(rule)) for name, rule in MATRIX.items()}
    assert not {name: gap for name, gap in incomplete.items() if gap}


@pytest.fixture
def clients(make_user: Callable[..., User]) -> dict[str, Client]:
    clients = {ANONYMOUS: Client()}
    for role in Role:
        client = Client()
        sign_in(client, make_user(role))
        clients[role.value] = client
    return clients


def test_the_running_app_answers_as_the_matrix_says(clients: dict[str, Client]) -> None:
    mismatches = []
    for name in project_url_names():
        url = url_for(name)
        for actor, expected in MATRIX[name].items():
            actual = outcome_of(clients[actor].get(url))
            if actual != expected:
                mismatches.append(f"{name} ({url}) as {actor}: expected {expected}, got {actual}")
    assert not mismatches, "\n".join(mismatches)
