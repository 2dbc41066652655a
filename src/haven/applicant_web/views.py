"""The applicant's pages: start, the task list and its sections, check and submit, status.

Views parse input, call one selector or action, and render.
"""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from haven.accounts.access import AuthenticatedRequest, require_permission, require_signed_in
from haven.applicant_web.answer_forms import AnswerForm
from haven.applicant_web.forms import AboutYouForm, DeclarationForm, PassportForm
from haven.applicant_web.my_data import (
    personal_data_filename,
    personal_data_for_applicant,
    personal_data_pdf,
    personal_data_record_exported,
)
from haven.applicant_web.presentation import started_sections, status_label, task_list
from haven.applicant_web.status_page import open_request, status_page
from haven.cases.completeness import Section, missing_items, required_documents
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case
from haven.cases.selectors import access_case, case_list_for_applicant
from haven.cases.transitions import DRAFT, Action, allowed_actions
from haven.cases.vocabulary import document_help, document_label
from haven.casework import applicant_actions
from haven.casework.letters import (
    access_decision_letter,
    decision_letter_filename,
    decision_letter_pdf,
    decision_letter_record_viewed,
)
from haven.core.i18n import current_language
from haven.documents.actions import document_remove, document_upload
from haven.documents.forms import DocumentUploadForm
from haven.documents.selectors import document_list_for_case, uploaded_kinds
from haven.documents.validation import UploadRefused
from haven.issuance.selectors import issued_list_for_case
from haven.people.models import Passport, Person
from haven.rules.display import show_value
from haven.rules.evaluate import Facts, evaluate
from haven.rules.parameters import ParameterType
from haven.rules.programme import Programme
from haven.rules.selectors import ProgrammeNotFound, programme_get
from haven.rules.vocabulary import authority_name

APPLY = "accounts.apply_to_programmes"


def _parts(case: Case) -> tuple[Person, Passport]:
    person = Person.objects.select_related("passport").get(case=case, role=Person.Role.APPLICANT)
    return person, person.passport


def _uploaded_kinds(case: Case) -> set[str]:
    return uploaded_kinds(case)


def _draft(request: AuthenticatedRequest, public_id: uuid.UUID) -> Case:
    case = access_case(request.user, public_id)
    if case.status != DRAFT:
        raise Http404
    return case


@require_permission(APPLY)
def application_list(request: AuthenticatedRequest) -> HttpResponse:
    language = current_language()
    rows = []
    for case in case_list_for_applicant(request.user):
        programme = programme_get(case.programme)
        rows.append(
            {
                "case": case,
                "programme": programme.localised(programme.title, language),
                "status": status_label(programme, case, language),
            }
        )
    return render(request, "applicant_web/list.html", {"rows": rows})


def _duration_text(programme: Programme, value: Any) -> str:
    if value is None:
        return ""

    return show_value(programme, ParameterType.DURATION, value.value, current_language()).text


@require_permission(APPLY)
def application_start(request: AuthenticatedRequest, programme_id: str) -> HttpResponse:
    try:
        programme = programme_get(programme_id)
    except ProgrammeNotFound:
        raise Http404 from None
    language = current_language()
    error = None
    if request.method == "POST":
        try:
            case = applicant_actions.case_start(applicant=request.user, programme_id=programme.id)
        except CaseError as failure:
            error = failure.message
        else:
            return redirect("cases:detail", case.public_id)
    today = timezone.localdate()
    return render(
        request,
        "applicant_web/start.html",
        {
            "programme": programme,
            "title": programme.localised(programme.title, language),
            "open": applicant_actions.can_start(programme, today),
            "passport_validity": _duration_text(
                programme, programme.optional_value("passport_minimum_validity", today)
            ),
            "documents": [
                (document_label(kind), document_help(kind))
                for kind in required_documents(programme, programme.stages[0].id, today)
            ],
            "error": error,
        },
        status=400 if error else 200,
    )


@require_permission(APPLY)
def application_detail(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    case = access_case(request.user, public_id)
    if case.status != DRAFT:
        return redirect("cases:status", case.public_id)
    programme = programme_get(case.programme)
    person, passport = _parts(case)
    missing = missing_items(
        case, programme, person, passport, _uploaded_kinds(case), timezone.localdate()
    )
    language = current_language()
    return render(
        request,
        "applicant_web/task_list.html",
        {
            "case": case,
            "title": programme.localised(programme.title, language),
            "stage": programme.localised(programme.stage(case.stage).title, language),
            "tasks": task_list(missing, started_sections(person, passport, case)),
            "complete": not missing,
        },
    )


@require_permission(APPLY)
def application_about_you(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _draft(request, public_id)
    person, _passport = _parts(case)
    form = AboutYouForm(
        request.POST or None, initial=AboutYouForm.initial_from(person), language=current_language()
    )
    if request.method == "POST" and form.is_valid():
        applicant_actions.case_update_person(actor=request.user, case=case, data=form.values())
        return redirect("cases:passport", case.public_id)
    return render(request, "applicant_web/about_you.html", {"case": case, "form": form})


@require_permission(APPLY)
def application_passport(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _draft(request, public_id)
    person, passport = _parts(case)
    fill = request.POST.get("action") == "fill"
    initial = {name: getattr(passport, name) for name in applicant_actions.PASSPORT_FIELDS}
    form = PassportForm(
        request.POST or None, initial=initial, language=current_language(), person=person, fill=fill
    )
    if request.method == "POST" and form.is_valid():
        if fill:
            # Show what the zone says, for the applicant to check before saving.
            form = PassportForm(
                initial=form.cleaned_data, language=current_language(), person=person
            )
            messages.success(
                request,
                _(
                    "We filled in the passport details from the machine-readable zone. Check them and save."
                ),
            )
        else:
            applicant_actions.case_update_passport(
                actor=request.user, case=case, data=form.cleaned_data
            )
            return redirect("cases:declaration", case.public_id)
    return render(request, "applicant_web/passport.html", {"case": case, "form": form})


@require_permission(APPLY)
def application_declaration(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _draft(request, public_id)
    person, _passport = _parts(case)
    programme = programme_get(case.programme)
    text = programme.value("declaration_text", timezone.localdate())
    if text is None:
        raise Http404
    language = current_language()
    signed = getattr(case, "declaration", None)
    initial = {"full_name": signed.full_name, "statement": signed.statement} if signed else {}
    form = DeclarationForm(request.POST or None, initial=initial, person=person)
    if request.method == "POST" and form.is_valid():
        applicant_actions.case_sign_declaration(
            actor=request.user,
            case=case,
            full_name=form.cleaned_data["full_name"],
            statement=form.cleaned_data["statement"],
            language=language,
        )
        return redirect("cases:documents", case.public_id)
    return render(
        request,
        "applicant_web/declaration.html",
        {
            "case": case,
            "form": form,
            "text": text.value.get(language) or text.value["en"],
            "binding_text": text.value["ru"],
            "show_binding": language != "ru",
            "reference": text.reference,
        },
    )


@require_permission(APPLY)
def application_documents(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Upload each document the programme's checklist names; receipts stay visible."""

    case = _draft(request, public_id)
    programme = programme_get(case.programme)
    kinds = required_documents(programme, case.stage, timezone.localdate())
    failed_kind, failed_form = None, None
    if request.method == "POST":
        if "remove" in request.POST:
            document = next(
                (
                    d
                    for d in document_list_for_case(case)
                    if str(d.public_id) == request.POST["remove"]
                ),
                None,
            )
            if document is None:
                raise Http404
            document_remove(actor=request.user, document=document)
            return redirect("cases:documents", case.public_id)
        kind = request.POST.get("kind", "")
        if kind not in kinds:
            raise Http404
        form = DocumentUploadForm(request.POST, request.FILES, prefix=kind)
        if form.is_valid():
            try:
                document_upload(
                    actor=request.user,
                    case=case,
                    kind=kind,
                    uploaded_file=form.cleaned_data["file"],
                    allowed_kinds=kinds,
                )
            except UploadRefused as refusal:
                form.add_error("file", refusal.message)
            else:
                messages.success(request, _("We received your file. Its receipt is below."))
                return redirect("cases:documents", case.public_id)
        failed_kind, failed_form = kind, form
    documents = document_list_for_case(case)
    sections = [
        {
            "kind": kind,
            "label": document_label(kind),
            "help": document_help(kind),
            "documents": [d for d in documents if d.kind == kind],
            "form": failed_form if kind == failed_kind else DocumentUploadForm(prefix=kind),
        }
        for kind in kinds
    ]
    return render(
        request,
        "applicant_web/documents.html",
        {"case": case, "sections": sections, "has_errors": failed_form is not None},
        status=400 if failed_form is not None else 200,
    )


@require_permission(APPLY)
def application_check(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    case = access_case(request.user, public_id)
    if case.status != DRAFT:
        return redirect("cases:submitted", case.public_id)
    programme = programme_get(case.programme)
    person, passport = _parts(case)
    today = timezone.localdate()
    error = None
    if request.method == "POST":
        try:
            submitted = applicant_actions.case_submit(actor=request.user, case=case)
        except CaseError as failure:
            error = failure.message if failure.code != CaseErrorCode.INCOMPLETE else None
        else:
            return redirect("cases:submitted", submitted.public_id)
    missing = missing_items(case, programme, person, passport, _uploaded_kinds(case), today)

    language = current_language()
    advice = None
    if person.citizenships:
        result = evaluate(
            programme,
            Facts.from_codes(person.citizenships, person.residence or None),
            today,
            case.stage,
        )
        advice = {
            "outcome": result.outcome.value,
            "reasons": [r.message(language) for r in result.reasons],
        }
    return render(
        request,
        "applicant_web/check.html",
        {
            "case": case,
            "person": person,
            "passport": passport,
            "missing": missing,
            "advice": advice,
            "error": error,
            "declaration": getattr(case, "declaration", None),
            "documents": _documents(case),
        },
        status=400 if request.method == "POST" else 200,
    )


def _documents(case: Case) -> list[Any]:
    return list(document_list_for_case(case))


@require_permission(APPLY)
def application_submitted(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    case = access_case(request.user, public_id)
    if case.status == DRAFT:
        return redirect("cases:detail", case.public_id)
    programme = programme_get(case.programme)
    stage = programme.stage(case.stage)
    return render(
        request,
        "applicant_web/submitted.html",
        {
            "case": case,
            "authority": authority_name(stage.authority),
            "email": request.user.email,
        },
    )


@require_permission(APPLY)
def application_status(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Status, stage and authority, deadline and expected date, open request, timeline, letters."""
    case = access_case(request.user, public_id)
    if case.status == DRAFT:
        return redirect("cases:detail", case.public_id)
    programme = programme_get(case.programme)
    today = timezone.localdate()
    return render(
        request,
        "applicant_web/status.html",
        {
            **status_page(case, programme, today, current_language()),
            "issued": issued_list_for_case(request.user, case, today),
        },
    )


@require_permission(APPLY)
def application_answer(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Answer the official's open request for information, with files if asked for."""

    case = access_case(request.user, public_id)
    information = open_request(case)
    if information is None:
        return redirect("cases:status", case.public_id)
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            applicant_actions.case_answer_information(
                applicant=request.user,
                case=case,
                answer=form.cleaned_data["answer"],
                files=form.cleaned_data["attachments"],
            )
        except UploadRefused as refusal:
            form.add_error(
                "attachments",
                _("%(file)s: %(problem)s")
                % {"file": refusal.file_name, "problem": refusal.message},
            )
        except CaseError as failure:
            form.add_error(None, failure.message)
        else:
            messages.success(
                request,
                _("We sent your answer to the official. Your application is back in review."),
            )
            return redirect("cases:status", case.public_id)
    return render(
        request,
        "applicant_web/answer.html",
        {
            "case": case,
            "request_for_information": information,
            "form": form,
            "files_lost": bool(request.method == "POST" and request.FILES),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@require_signed_in
def decision_letter(
    request: AuthenticatedRequest, public_id: uuid.UUID, decision_id: uuid.UUID
) -> FileResponse:
    """The decision letter as PDF, for the applicant or an official who handles the case.

    Every download is recorded in the audit trail, the applicant's own too.
    """
    decision = access_decision_letter(request.user, public_id, decision_id)
    content = decision_letter_pdf(decision)
    decision_letter_record_viewed(actor=request.user, decision=decision)
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=decision_letter_filename(decision),
        content_type="application/pdf",
    )
    # A PDF is never shown as a page of this site (see haven.documents.views).
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, no_store=True, private=True)
    return response


@require_permission(APPLY)
def application_withdraw(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    case = access_case(request.user, public_id)
    programme = programme_get(case.programme)
    if Action.WITHDRAW not in allowed_actions(programme, case.status):
        raise Http404
    if request.method == "POST":
        try:
            applicant_actions.case_withdraw(actor=request.user, case=case)
        except CaseError as failure:
            messages.error(request, failure.message)
        else:
            messages.success(request, _("Your application has been withdrawn."))
        return redirect("cases:status", case.public_id)
    return render(request, "applicant_web/withdraw.html", {"case": case})


@require_GET
@require_permission(APPLY)
def my_data(request: AuthenticatedRequest) -> HttpResponse:
    """The page that offers the applicant all their data, as JSON and as PDF."""
    return render(request, "applicant_web/my_data.html")


def _download(content: bytes, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type
    )
    # A download is never shown as a page of this site (see haven.documents.views).
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, no_store=True, private=True)
    return response


@require_GET
@require_permission(APPLY)
def my_data_json(request: AuthenticatedRequest) -> FileResponse:
    """All the applicant's data as JSON; every download is recorded in the audit trail."""
    data = personal_data_for_applicant(request.user, current_language())
    content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
    personal_data_record_exported(actor=request.user, export_format="json", data=data)
    return _download(content, personal_data_filename("json"), "application/json")


@require_GET
@require_permission(APPLY)
def my_data_pdf(request: AuthenticatedRequest) -> FileResponse:
    """All the applicant's data as a readable PDF in their language; audited as the JSON is."""
    data = personal_data_for_applicant(request.user, current_language())
    content = personal_data_pdf(data)
    personal_data_record_exported(actor=request.user, export_format="pdf", data=data)
    return _download(content, personal_data_filename("pdf"), "application/pdf")


SECTION_VIEWS = {
    Section.ABOUT_YOU: "cases:about_you",
    Section.PASSPORT: "cases:passport",
    Section.DECLARATION: "cases:declaration",
    Section.DOCUMENTS: "cases:documents",
}
