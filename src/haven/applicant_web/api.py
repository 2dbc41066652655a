"""``/api/v1/applications``: the applicant's own journey as JSON, from draft to decision.

The same steps as the pages in ``haven.applicant_web.views``, with the same rules:
the section endpoints bind the pages' own forms (``AboutYouForm``,
``PassportForm``, ``DeclarationForm``, ``AnswerForm``), so the API accepts
exactly what the pages accept and explains a refusal with the same
translated message. After submission the application also carries the
officials' requests for information (answered with ``POST .../answer``),
the expected decision date and the decision letters' addresses.

Who: a signed-in user with ``accounts.apply_to_programmes``, on their own
applications only. Authentication is Django's session (ninja's
``SessionAuth``, the class of ``django_auth``), so unsafe methods need the
CSRF token in ``X-CSRFToken``. Anonymous callers get 401, signed-in users
without the permission 403, and an application that is not the caller's
answers 404, exactly as one that does not exist.

Errors keep the API's one shape, ``{"detail": [{"type", "loc", "msg"}]}``:

- 422: a form refused a value (``loc`` = ``["body", <field>]``, ``type`` the
  form's error code, ``msg`` its message in the request's language); a file
  refused (``loc`` = ``["file", "file"]``, ``type`` the lower-cased
  ``RefusalCode``); a programme that is unknown or closed, or under which the
  applicant already has ``HAVEN_MAX_DRAFTS_PER_PROGRAMME`` drafts
  (``too_many_drafts``, nothing started), a kind of document the programme
  does not ask for, an ``Idempotency-Key`` that is malformed or already names
  another application; a body of the wrong JSON shape (ninja's own
  ``["body", "payload", <field>]``, as for ``/eligibility``).
- 409: the application's status does not allow the step (``not_a_draft``,
  ``action_not_allowed``, ``conflict``), or it is not complete on submission
  (one ``incomplete`` item per missing answer, ``loc`` =
  ``["application", <section>, <field>]``), or the first request with the
  same ``Idempotency-Key`` is still in flight.
- 400: a body that cannot be read (not JSON; multipart without its boundary,
  which the CSRF check reads on any POST); 413 and 415: a body too large, or
  of another media type than the operation reads (``haven.api``).

Views parse, call one action or selector, and render; they never write.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Any, Literal, cast

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, FileEx, Form, P, Router, Schema, Status, UploadedFile
from ninja.errors import AuthorizationError, HttpError
from ninja.params import HeaderEx
from ninja.security import SessionAuth
from pydantic import ConfigDict, GetJsonSchemaHandler, WithJsonSchema
from pydantic.config import JsonDict
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from haven.accounts.models import User
from haven.applicant_web.answer_forms import ANSWER_MAX_LENGTH, AnswerForm
from haven.applicant_web.forms import AboutYouForm, DeclarationForm, PassportForm
from haven.applicant_web.presentation import started_sections, status_label, task_list
from haven.applicant_web.status_page import estimate_explanation, letters, timeline
from haven.cases.completeness import Missing, missing_items, required_documents
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.estimates import expected_decision
from haven.cases.models import Case
from haven.cases.selectors import access_case, case_list_for_applicant
from haven.cases.transitions import DRAFT, Action, allowed_actions
from haven.casework import applicant_actions
from haven.core.i18n import current_language
from haven.documents.actions import document_remove, document_upload
from haven.documents.models import Document
from haven.documents.selectors import document_list_for_case, uploaded_kinds
from haven.documents.validation import UploadRefused
from haven.people.models import Passport, Person, Sex
from haven.rules.api import BODY_ERRORS, ErrorOut
from haven.rules.programme import Programme
from haven.rules.selectors import ProgrammeNotFound, programme_get, programme_list

APPLY = "accounts.apply_to_programmes"
# The Idempotency-Key: 1-64 visible ASCII characters but " and \, bare or as a
# Structured Field string (RFC 8941), as the IETF draft writes it.
IDEMPOTENCY_KEY_PATTERN = r'^(?:[!#-\[\]-~]{1,64}|"[!#-\[\]-~]{1,64}")$'
# Documents the pattern without enforcing it: the view refuses a malformed key itself,
# with its own message in the request's language.
IdempotencyKeyHeader = Annotated[
    str,
    WithJsonSchema(
        {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN, "minLength": 1, "maxLength": 66}
    ),
]
KEY_LOC: tuple[str, ...] = ("header", "Idempotency-Key")
# The errors of the key, with their status; the others of CaseError are a 409.
KEY_ERRORS: dict[CaseErrorCode, int] = {
    CaseErrorCode.IDEMPOTENCY_KEY_REUSED: 422,
    CaseErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT: 409,
}
CITIZENSHIP_FIELDS = ("citizenship", "citizenship_2", "citizenship_3")


class CsrfFailed(AuthorizationError):
    """A signed-in caller's unsafe request without a valid CSRF token."""


class ApplicantAuth(SessionAuth):
    """``django_auth`` (the session cookie, CSRF checked on unsafe methods) plus the permission.

    Without a session there is nothing to forge, so an anonymous caller gets
    401 at once rather than a complaint about CSRF.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        try:
            return super()._get_key(request)
        except HttpError as error:
            raise CsrfFailed(
                message=_(
                    "The CSRF token is missing or wrong: send the csrftoken cookie's value "
                    "in the X-CSRFToken header."
                )
            ) from error

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not user.has_perm(APPLY):
            raise AuthorizationError(message=_("This account cannot apply to programmes."))
        return user


router = Router(tags=["applications"], auth=ApplicantAuth())

# Every operation can answer these; each adds its own.
DENIALS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut}
NOT_FOUND: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}  # 422: a malformed id
# A POST without a body still has its body read for the CSRF token: a form body that
# cannot be taken apart is a 400.
UNREADABLE: dict[int, Any] = {400: ErrorOut}


# Input: field names are the pages' form fields.
#
# ``json_schema_extra`` declares in the schema what the pages' forms check (required and
# non-empty, lengths, codes, choices). The forms enforce it, not pydantic, so a refusal
# keeps the form's code and message and every mistake is listed at once.
STATE_CODE: JsonDict = {"pattern": "^[A-Z]{2}$"}  # ISO 3166 alpha-2, as the forms' lists of states
NATIONALITY_CODE: JsonDict = {"pattern": "^[A-Z]{2,3}$"}  # a state's alpha-2, or XXA, XXB, XXC, XXX
DATE: JsonDict = {"format": "date"}
EMPTY_OR_DATE: JsonDict = {"pattern": r"^(\d{4}-\d{2}-\d{2})?$"}


class DraftDocumentKinds:
    """Annotates a document kind with the kinds a draft may ask for, in any programme.

    Read from the programmes (amendments included) each time the schema is made;
    which of them one application needs is its ``missing`` list. The handler
    checks the kind against that list, with its own refusal (``unknown_kind``).
    """

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["description"] = (
            "One of the documents the programme asks of a draft; the application's "
            "`missing` list names those it still needs."
        )
        schema["enum"] = sorted(
            {
                code
                for programme in programme_list()
                if (parameter := programme.parameters.get(programme.stages[0].documents_parameter))
                for value in parameter.values
                for code in value.value
            }
        )
        return schema


def _text(most: int, *, required: bool = True) -> JsonDict:
    return {"minLength": 1, "maxLength": most} if required else {"maxLength": most}


class StartIn(Schema):
    model_config = ConfigDict(extra="forbid")

    programme: str = Field(
        description="The programme's id.",
        examples=["shared-values"],
        json_schema_extra=_text(64),
    )


class AboutYouIn(Schema):
    """'About you'. PUT replaces the section: an optional field left out is stored empty."""

    model_config = ConfigDict(extra="forbid")

    surname: str = Field(
        description="In Latin letters, exactly as in the passport.",
        json_schema_extra=_text(100),
    )
    given_names: str = Field(
        description="In Latin letters, exactly as in the passport.",
        json_schema_extra=_text(100),
    )
    native_surname: str | None = Field(None, json_schema_extra=_text(100, required=False))
    native_given_names: str | None = Field(None, json_schema_extra=_text(100, required=False))
    birth_date: str = Field(
        description="YYYY-MM-DD.", examples=["1985-03-21"], json_schema_extra=DATE
    )
    birth_place: str = Field(json_schema_extra=_text(200))
    sex: str = Field(
        description="As in the passport: F, M or X.",
        examples=["F"],
        json_schema_extra={"enum": [choice.value for choice in Sex]},
    )
    citizenships: list[str] = Field(
        max_length=3,
        description=(
            "Up to three citizenships, the first being the main one: a state's ISO 3166 "
            "alpha-2 code, or XXA (stateless), XXB or XXC (refugee), XXX (unspecified)."
        ),
        examples=[["DE"]],
        json_schema_extra={"minItems": 1, "items": {"type": "string", **NATIONALITY_CODE}},
    )
    residence: str = Field(
        description="Country of permanent residence: its ISO 3166 alpha-2 code.",
        json_schema_extra=STATE_CODE,
    )
    address: str = Field(json_schema_extra=_text(1000))
    phone: str = Field(
        description="With the country code: digits, spaces, ( ) and -, 6 to 24 characters.",
        examples=["+49 30 1234567"],
        json_schema_extra=_text(24),
    )
    email: str = Field(json_schema_extra={"format": "email", "minLength": 1})


class PassportIn(Schema):
    """The passport. Every field may be left empty while a draft; PUT replaces the section.

    When both lines of the machine-readable zone are given, their check digits
    are verified and they must match the passport number, the expiry date and
    the answers under 'About you'.
    """

    model_config = ConfigDict(extra="forbid")

    mrz_line1: str | None = Field(None, json_schema_extra=_text(60, required=False))
    mrz_line2: str | None = Field(None, json_schema_extra=_text(60, required=False))
    number: str | None = Field(None, json_schema_extra=_text(20, required=False))
    issuing_state: str | None = Field(
        None,
        description="The state's ISO 3166 alpha-2 code, or empty.",
        examples=["DE"],
        json_schema_extra={"pattern": "^([A-Z]{2})?$"},
    )
    issue_date: str | None = Field(
        None, description="YYYY-MM-DD, or empty.", json_schema_extra=EMPTY_OR_DATE
    )
    expiry_date: str | None = Field(
        None, description="YYYY-MM-DD, or empty.", json_schema_extra=EMPTY_OR_DATE
    )


class AnswerIn(Schema):
    """The answer to the open request for information (files: on the answer page)."""

    model_config = ConfigDict(extra="forbid")

    answer: str = Field(
        description="The applicant's answer, in words.",
        json_schema_extra=_text(ANSWER_MAX_LENGTH),
    )


class DeclarationIn(Schema):
    """Signing the declaration shown in the application (``declaration.text``)."""

    model_config = ConfigDict(extra="forbid")

    agree: bool = Field(
        description="The applicant has read the declaration and agrees: must be true.",
        json_schema_extra={"const": True},
    )
    full_name: str = Field(
        description="The full name as given under 'About you': the signature.",
        json_schema_extra=_text(200),
    )
    statement: str | None = Field(
        None,
        description="A personal statement, if the applicant wishes.",
        json_schema_extra=_text(5000, required=False),
    )


# Output.


class StatusOut(Schema):
    code: str = Field(description="draft, withdrawn, or <stage>_<state>.")
    label: str = Field(description="In the request's language.")


class SectionOut(Schema):
    section: str
    title: str
    state: Literal["not_started", "in_progress", "completed"]
    state_label: str


class MissingOut(Schema):
    section: str
    field: str
    message: str


class AboutYouOut(Schema):
    surname: str
    given_names: str
    native_surname: str
    native_given_names: str
    birth_date: dt.date | None
    birth_place: str
    sex: str
    citizenships: list[str]
    residence: str
    address: str
    phone: str
    email: str


class PassportOut(Schema):
    mrz_line1: str
    mrz_line2: str
    number: str
    issuing_state: str
    issue_date: dt.date | None
    expiry_date: dt.date | None


class DeclarationOut(Schema):
    text: str = Field(description="The declaration: as signed, or as it would be signed now.")
    binding_text: str = Field(description="The binding Russian text.")
    signed_at: dt.datetime | None
    full_name: str = Field(description="The name typed as the signature; empty until signed.")
    statement: str


class DocumentOut(Schema):
    """The receipt for one stored file."""

    public_id: uuid.UUID
    kind: str
    original_name: str
    size: int = Field(description="Bytes, as stored (images are re-encoded).")
    sha256: str = Field(description="Fingerprint of the stored file.")
    received_at: dt.datetime


class EventOut(Schema):
    type: str
    label: str
    detail: str = Field(description="What the entry is about, in words ('' when nothing more).")
    occurred_at: dt.datetime


class InformationRequestOut(Schema):
    """An official's request for information and, once given, the applicant's answer."""

    public_id: uuid.UUID
    stage: str
    message: str = Field(description="What the official asks for.")
    due_on: dt.date = Field(description="The answer is due by this day.")
    requested_at: dt.datetime
    open: bool = Field(description="True until answered: POST .../answer answers it.")
    answer: str
    answered_at: dt.datetime | None


class LetterOut(Schema):
    """A decision and the address of its letter (a PDF in the application's language)."""

    public_id: uuid.UUID
    stage: str
    stage_title: str
    outcome: Literal["approved", "refused"]
    outcome_label: str
    decided_at: dt.datetime
    letter_url: str = Field(description="GET with the same session: the letter as PDF.")


class ExpectedDecisionOut(Schema):
    """An estimate from the queue and the recent pace, not a promise (the deadline is the law)."""

    position: int = Field(description="The application's place in its stage's queue (1: first).")
    decisions_last_28_days: int = Field(description="Decisions at this stage in the last 28 days.")
    expected_on: dt.date | None = Field(
        description="Null when there were no decisions in the last 28 days: no estimate."
    )
    after_deadline: bool = Field(description="The estimate is later than the statutory deadline.")
    explanation: str = Field(description="One line, in the request's language.")


class ApplicationSummaryOut(Schema):
    public_id: uuid.UUID
    programme: str
    programme_title: str
    stage: str
    status: StatusOut
    reference: str | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None


class ApplicationOut(ApplicationSummaryOut):
    stage_title: str
    deadline: dt.date | None = Field(description="The statutory deadline for the decision.")
    can_withdraw: bool
    sections: list[SectionOut] | None = Field(
        description="Each section's completeness while a draft; null afterwards."
    )
    missing: list[MissingOut] | None = Field(
        description="What is still needed before submission while a draft; null afterwards."
    )
    about_you: AboutYouOut
    passport: PassportOut
    declaration: DeclarationOut | None
    documents: list[DocumentOut]
    timeline: list[EventOut] = Field(description="What happened, newest first.")
    requests: list[InformationRequestOut] = Field(
        description="Officials' requests for information, newest first."
    )
    expected_decision: ExpectedDecisionOut | None = Field(
        description="While the application waits for a decision; null otherwise."
    )
    letters: list[LetterOut] = Field(description="Decision letters, oldest first.")
    evaluation: dict[str, Any] | None = Field(
        description="The rules' evaluation stored at submission (advice; officials decide)."
    )


# Helpers: reading for rendering, and the error shape.


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # ApplicantAuth has let only signed-in users through


def _parts(case: Case) -> tuple[Person, Passport]:
    person = Person.objects.select_related("passport").get(case=case, role=Person.Role.APPLICANT)
    return person, person.passport


def _errors(status: int, *items: dict[str, Any]) -> Status[dict[str, Any]]:
    return Status(status, {"detail": list(items)})


def _case_error(failure: CaseError) -> Status[dict[str, Any]]:
    if failure.code == CaseErrorCode.INCOMPLETE:
        missing = cast(list[Missing], failure.detail or [])
        return _errors(
            409,
            *(
                {
                    "type": "incomplete",
                    "loc": ["application", str(item.section), item.field],
                    "msg": item.message,
                }
                for item in missing
            ),
        )
    if failure.code in KEY_ERRORS:
        return _errors(
            KEY_ERRORS[failure.code],
            {"type": failure.code.lower(), "loc": list(KEY_LOC), "msg": failure.message},
        )
    return _errors(409, {"type": failure.code.lower(), "loc": [], "msg": failure.message})


def idempotency_key_parse(value: str) -> str | None:
    """The key in an ``Idempotency-Key`` header, without its quotes; None when malformed."""
    if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, value):
        return None
    return value[1:-1] if value.startswith('"') else value


def _form_errors(
    form: forms.Form, locations: dict[str, list[str | int]] | None = None
) -> Status[dict[str, Any]]:
    items = []
    for name, errors in form.errors.get_json_data(escape_html=False).items():
        loc: list[str | int] = (
            ["body"] if name == NON_FIELD_ERRORS else (locations or {}).get(name, ["body", name])
        )
        for error in errors:
            items.append({"type": error["code"] or "invalid", "loc": loc, "msg": error["message"]})
    return _errors(422, *items)


def _document(document: Document) -> dict[str, Any]:
    return {
        "public_id": document.public_id,
        "kind": document.kind,
        "original_name": document.original_name,
        "size": document.size,
        "sha256": document.sha256,
        "received_at": document.received_at,
    }


def _summary(programme: Programme, case: Case, language: str) -> dict[str, Any]:
    return {
        "public_id": case.public_id,
        "programme": case.programme,
        "programme_title": programme.localised(programme.title, language),
        "stage": case.stage,
        "status": {"code": case.status, "label": status_label(programme, case, language)},
        "reference": case.reference,
        "created_at": case.created_at,
        "submitted_at": case.submitted_at,
    }


def _declaration(programme: Programme, case: Case, language: str) -> dict[str, Any] | None:
    signed = getattr(case, "declaration", None)
    if signed is not None:
        return {
            "text": signed.text,
            "binding_text": signed.binding_text,
            "signed_at": signed.signed_at,
            "full_name": signed.full_name,
            "statement": signed.statement,
        }
    text = programme.value("declaration_text", timezone.localdate())
    if case.status != DRAFT or text is None:
        return None
    return {
        "text": text.value.get(language) or text.value["en"],
        "binding_text": text.value["ru"],
        "signed_at": None,
        "full_name": "",
        "statement": "",
    }


def _application(case: Case) -> dict[str, Any]:
    """Everything the applicant may see of their application, in the request's language."""
    programme = programme_get(case.programme)
    language = current_language()
    person, passport = _parts(case)
    sections = missing = None
    if case.status == DRAFT:
        open_items = missing_items(
            case, programme, person, passport, uploaded_kinds(case), timezone.localdate()
        )
        missing = [
            {"section": str(item.section), "field": item.field, "message": item.message}
            for item in open_items
        ]
        sections = [
            {
                "section": str(task.section),
                "title": task.title,
                "state": task.state,
                "state_label": task.state_label,
            }
            for task in task_list(open_items, started_sections(person, passport, case))
        ]
    return {
        **_summary(programme, case, language),
        "stage_title": programme.localised(programme.stage(case.stage).title, language),
        "deadline": case.deadline,
        "can_withdraw": Action.WITHDRAW in allowed_actions(programme, case.status),
        "sections": sections,
        "missing": missing,
        "about_you": {name: getattr(person, name) for name in AboutYouOut.model_fields},
        "passport": {name: getattr(passport, name) for name in PassportOut.model_fields},
        "declaration": _declaration(programme, case, language),
        "documents": [_document(document) for document in document_list_for_case(case)],
        "timeline": [
            {
                "type": entry.type,
                "label": entry.label,
                "detail": entry.detail,
                "occurred_at": entry.occurred_at,
            }
            for entry in timeline(case, programme, language)
        ],
        "requests": [
            {
                "public_id": request.public_id,
                "stage": request.stage,
                "message": request.message,
                "due_on": request.due_on,
                "requested_at": request.requested_at,
                "open": request.answered_at is None,
                "answer": request.answer,
                "answered_at": request.answered_at,
            }
            for request in case.information_requests.order_by("-requested_at", "-pk")
        ],
        "expected_decision": _expected(case, language),
        "letters": [
            {
                "public_id": letter.decision.public_id,
                "stage": letter.decision.stage,
                "stage_title": letter.stage_title,
                "outcome": letter.decision.outcome,
                "outcome_label": letter.outcome_label,
                "decided_at": letter.decision.decided_at,
                "letter_url": letter.url,
            }
            for letter in letters(case, programme, language)
        ],
        "evaluation": case.evaluation,
    }


def _expected(case: Case, language: str) -> dict[str, Any] | None:
    estimate = expected_decision(case, timezone.localdate())
    if estimate is None:
        return None
    return {
        "position": estimate.position,
        "decisions_last_28_days": estimate.decisions,
        "expected_on": estimate.expected_on,
        "after_deadline": estimate.after_deadline,
        "explanation": estimate_explanation(estimate, language),
    }


# Endpoints.


@router.post(
    "",
    response={201: ApplicationOut, **BODY_ERRORS, **DENIALS},
    url_name="application_start",
    operation_id="application_start",
    summary="Start a draft application",
)
def application_start(request: HttpRequest, payload: StartIn) -> Status[dict[str, Any]]:
    """Start a draft under a programme that accepts applications today.

    A programme that is unknown or closed, or under which the applicant already has
    as many drafts as one may (``too_many_drafts``), is a 422 on ``programme``.
    """
    loc: list[str | int] = ["body", "programme"]
    try:
        programme = programme_get(payload.programme)
    except ProgrammeNotFound:
        return _errors(
            422,
            {"type": "unknown_programme", "loc": loc, "msg": _("There is no such programme.")},
        )
    try:
        case = applicant_actions.case_start(applicant=_user(request), programme_id=programme.id)
    except CaseError as failure:
        return _errors(422, {"type": failure.code.lower(), "loc": loc, "msg": failure.message})
    return Status(201, _application(access_case(_user(request), case.public_id)))


@router.get(
    "",
    response={200: list[ApplicationSummaryOut], **DENIALS},
    url_name="application_list",
    operation_id="application_list",
    summary="The applicant's own applications, newest first",
)
def application_list(request: HttpRequest) -> Status[list[dict[str, Any]]]:
    language = current_language()
    cases = list(case_list_for_applicant(_user(request)))
    # Each programme read once (reading one applies its amendments: a query each time).
    programmes = {
        programme_id: programme_get(programme_id) for programme_id in {c.programme for c in cases}
    }
    return Status(200, [_summary(programmes[case.programme], case, language) for case in cases])


@router.get(
    "/{public_id}",
    response={200: ApplicationOut, **DENIALS, **NOT_FOUND},
    url_name="application_detail",
    operation_id="application_detail",
    summary="One of the applicant's applications",
)
def application_detail(request: HttpRequest, public_id: uuid.UUID) -> Status[dict[str, Any]]:
    return Status(200, _application(access_case(_user(request), public_id)))


SECTION_RESPONSES: dict[int, Any] = {
    200: ApplicationOut,
    409: ErrorOut,
    **BODY_ERRORS,
    **DENIALS,
    **NOT_FOUND,
}


@router.put(
    "/{public_id}/about-you",
    response=SECTION_RESPONSES,
    url_name="application_about_you",
    operation_id="application_about_you",
    summary="Save 'About you' (a draft only)",
)
def application_about_you(
    request: HttpRequest, public_id: uuid.UUID, payload: AboutYouIn
) -> Status[dict[str, Any]]:
    case = access_case(_user(request), public_id)
    data: dict[str, Any] = payload.model_dump(exclude={"citizenships"})
    data = {name: value or "" for name, value in data.items()}
    codes = payload.citizenships
    for index, name in enumerate(CITIZENSHIP_FIELDS):
        data[name] = codes[index] if index < len(codes) else ""
    form = AboutYouForm(data, language=current_language())
    if not form.is_valid():
        locations: dict[str, list[str | int]] = {
            name: ["body", "citizenships", index] for index, name in enumerate(CITIZENSHIP_FIELDS)
        }
        if not codes:
            locations["citizenship"] = ["body", "citizenships"]
        return _form_errors(form, locations)
    try:
        applicant_actions.case_update_person(actor=_user(request), case=case, data=form.values())
    except CaseError as failure:
        return _case_error(failure)
    return Status(200, _application(access_case(_user(request), public_id)))


@router.put(
    "/{public_id}/passport",
    response=SECTION_RESPONSES,
    url_name="application_passport",
    operation_id="application_passport",
    summary="Save the passport (a draft only)",
)
def application_passport(
    request: HttpRequest, public_id: uuid.UUID, payload: PassportIn
) -> Status[dict[str, Any]]:
    case = access_case(_user(request), public_id)
    person, _passport = _parts(case)
    data = {name: value or "" for name, value in payload.model_dump().items()}
    form = PassportForm(data, language=current_language(), person=person)
    if not form.is_valid():
        return _form_errors(form)
    try:
        applicant_actions.case_update_passport(
            actor=_user(request), case=case, data=form.cleaned_data
        )
    except CaseError as failure:
        return _case_error(failure)
    return Status(200, _application(access_case(_user(request), public_id)))


@router.put(
    "/{public_id}/declaration",
    response=SECTION_RESPONSES,
    url_name="application_declaration",
    operation_id="application_declaration",
    summary="Sign the declaration (a draft only)",
)
def application_declaration(
    request: HttpRequest, public_id: uuid.UUID, payload: DeclarationIn
) -> Status[dict[str, Any]]:
    """Signs the declaration's text in the request's language, beside the binding Russian text."""
    case = access_case(_user(request), public_id)
    person, _passport = _parts(case)
    data = {name: value or "" for name, value in payload.model_dump().items()}
    data["agree"] = payload.agree
    form = DeclarationForm(data, person=person)
    if not form.is_valid():
        return _form_errors(form)
    try:
        applicant_actions.case_sign_declaration(
            actor=_user(request),
            case=case,
            full_name=form.cleaned_data["full_name"],
            statement=form.cleaned_data["statement"],
            language=current_language(),
        )
    except CaseError as failure:
        return _case_error(failure)
    return Status(200, _application(access_case(_user(request), public_id)))


@router.post(
    "/{public_id}/documents",
    response={201: DocumentOut, 409: ErrorOut, **BODY_ERRORS, **DENIALS, **NOT_FOUND},
    url_name="application_document_upload",
    operation_id="application_document_upload",
    summary="Upload a document (a draft only); answers with its receipt",
)
def application_document_upload(
    request: HttpRequest,
    public_id: uuid.UUID,
    kind: Form[Annotated[str, DraftDocumentKinds()]],
    file: FileEx[UploadedFile, P(description="A JPEG, PNG or PDF file.")],
) -> Status[dict[str, Any]]:
    """``kind`` is one of the programme's documents (``missing`` names those still needed).

    The file is checked by its content; a refusal is a 422 whose ``type`` is the
    refusal's code (``type_not_allowed``, ``too_large``, ``pdf_active_content``...)
    and nothing is stored.
    """
    case = access_case(_user(request), public_id)
    programme = programme_get(case.programme)
    kinds = required_documents(programme, case.stage, timezone.localdate())
    if kind not in kinds:
        return _errors(
            422,
            {
                "type": "unknown_kind",
                "loc": ["form", "kind"],
                "msg": _("This application does not ask for this kind of document."),
            },
        )
    try:
        document = document_upload(
            actor=_user(request), case=case, kind=kind, uploaded_file=file, allowed_kinds=kinds
        )
    except UploadRefused as refusal:
        return _errors(
            422,
            {"type": refusal.code.lower(), "loc": ["file", "file"], "msg": str(refusal.message)},
        )
    except CaseError as failure:
        return _case_error(failure)
    return Status(201, _document(document))


@router.delete(
    "/{public_id}/documents/{document_public_id}",
    response={204: None, 409: ErrorOut, **DENIALS, **NOT_FOUND},
    url_name="application_document_remove",
    operation_id="application_document_remove",
    summary="Remove a document (a draft only)",
)
def application_document_remove(
    request: HttpRequest, public_id: uuid.UUID, document_public_id: uuid.UUID
) -> Status[None]:
    case = access_case(_user(request), public_id)
    document = document_list_for_case(case).filter(public_id=document_public_id).first()
    if document is None:
        raise Http404
    try:
        document_remove(actor=_user(request), document=document)
    except CaseError as failure:
        return cast(Status[None], _case_error(failure))
    return Status(204, None)


@router.post(
    "/{public_id}/submit",
    response={200: ApplicationOut, 409: ErrorOut, **UNREADABLE, **DENIALS, **NOT_FOUND},
    url_name="application_submit",
    operation_id="application_submit",
    summary="Submit a complete draft, exactly once",
)
def application_submit(
    request: HttpRequest,
    public_id: uuid.UUID,
    idempotency_key: HeaderEx[
        IdempotencyKeyHeader | None,
        P(
            alias="Idempotency-Key",
            description=(
                "Optional, new for each application: 1-64 visible ASCII characters but "
                '" and \\, bare or as a quoted string (`"8e03978e"` and `8e03978e` are one '
                "key), e.g. a UUID. The key is the applicant's own and names one submission "
                f"for {settings.HAVEN_IDEMPOTENCY_KEY_HOURS} hours; after that it may be used "
                "again."
            ),
        ),
    ] = None,
) -> Status[dict[str, Any]]:
    """Submit, or answer with the application as submitted if it already was.

    Repeating the call changes nothing and returns the same application with
    the same reference: with the same ``Idempotency-Key``, with another one
    or with none. The key names one submission (the IETF draft "The
    Idempotency-Key HTTP Header Field"): sent again for the same application
    it gets the application as submitted; sent for another of the
    applicant's applications it is a 422 (``idempotency_key_reused``), and
    while the first request with it is still in flight a 409
    (``idempotency_key_in_flight``: send it again in a moment). A malformed
    key is a 422 (``invalid_idempotency_key``). An incomplete draft is a 409
    listing what is missing, and leaves the key unused.
    """
    key = ""
    if idempotency_key is not None:
        parsed = idempotency_key_parse(idempotency_key)
        if parsed is None:
            return _errors(
                422,
                {
                    "type": "invalid_idempotency_key",
                    "loc": list(KEY_LOC),
                    "msg": _(
                        "The Idempotency-Key must be 1 to 64 visible ASCII characters, "
                        "without quotation marks or backslashes inside."
                    ),
                },
            )
        key = parsed
    user = _user(request)
    case = access_case(user, public_id)
    try:
        applicant_actions.case_submit(actor=user, case=case, key=key)
    except CaseError as failure:
        return _case_error(failure)
    return Status(200, _application(access_case(user, public_id)))


@router.post(
    "/{public_id}/withdraw",
    response={200: ApplicationOut, 409: ErrorOut, **UNREADABLE, **DENIALS, **NOT_FOUND},
    url_name="application_withdraw",
    operation_id="application_withdraw",
    summary="Withdraw a submitted application",
)
def application_withdraw(request: HttpRequest, public_id: uuid.UUID) -> Status[dict[str, Any]]:
    """Allowed while the application is open (see ``can_withdraw``); a draft cannot be withdrawn."""
    case = access_case(_user(request), public_id)
    try:
        applicant_actions.case_withdraw(actor=_user(request), case=case)
    except CaseError as failure:
        return _case_error(failure)
    return Status(200, _application(access_case(_user(request), public_id)))


@router.post(
    "/{public_id}/answer",
    response={200: ApplicationOut, 409: ErrorOut, **BODY_ERRORS, **DENIALS, **NOT_FOUND},
    url_name="application_answer",
    operation_id="application_answer",
    summary="Answer the open request for information",
)
def application_answer(
    request: HttpRequest, public_id: uuid.UUID, payload: AnswerIn
) -> Status[dict[str, Any]]:
    """Answers the request listed with ``open: true``; the application goes back to review.

    An empty or too long answer is a 422 (``loc`` ``["body", "answer"]``); no
    open request, or a status that does not allow answering, is a 409
    (``no_open_request``, ``action_not_allowed``).
    """
    case = access_case(_user(request), public_id)
    form = AnswerForm({"answer": payload.answer})
    if not form.is_valid():
        return _form_errors(form)
    try:
        applicant_actions.case_answer_information(
            applicant=_user(request), case=case, answer=form.cleaned_data["answer"]
        )
    except CaseError as failure:
        return _case_error(failure)
    return Status(200, _application(access_case(_user(request), public_id)))
