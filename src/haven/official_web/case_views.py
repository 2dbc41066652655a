"""The official's case page and its actions, each behind a page that confirms it.

Views parse input, call one selector or action, and render or redirect. A
confirm page's GET says what will happen and who will see it; its POST acts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from haven.accounts.access import AuthenticatedRequest
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case
from haven.cases.policy import may_act_as
from haven.cases.selectors import access_case_for_officer
from haven.cases.transitions import Action
from haven.casework import official_actions
from haven.core.i18n import current_language
from haven.issuance.regions import region_choices
from haven.official_web.case_page import case_checklist, case_page_for_officer, officer_actions
from haven.official_web.forms import (
    ApproveForm,
    ChecklistForm,
    NoteForm,
    RecordEntryForm,
    RefuseForm,
    RequestInformationForm,
    StartReviewForm,
    VersionForm,
    refusal_ground_choices,
)
from haven.official_web.queue_views import officer_required
from haven.rules.programme import Programme
from haven.rules.selectors import programme_get
from haven.rules.vocabulary import authority_label

# Shown on the case page when the case changed between opening a form and sending it.
CONFLICT_MESSAGE = gettext_lazy(
    "Someone else changed this case at the same time. Nothing was changed: "
    "look at the case again before you act."
)
# How far ahead a request for information is due, unless the official says otherwise.
DEFAULT_DUE_DAYS = 14


def _case_url(case: Case, anchor: str = "") -> str:
    url = reverse("work:case", args=[case.public_id])
    return f"{url}#{anchor}" if anchor else url


def _render_case(
    request: AuthenticatedRequest,
    case: Case,
    *,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = case_page_for_officer(
        request.user,
        case,
        language=current_language(),
        today=timezone.localdate(),
    )
    official_actions.case_record_viewed(officer=request.user, case=case)
    return render(
        request,
        "official_web/case.html",
        {"page": page, "case": case, "note_form": note_form or NoteForm()},
        status=status,
    )


def _may_not_act(
    request: AuthenticatedRequest, case: Case, programme: Programme, action: Action
) -> HttpResponse | None:
    """Back to the case page when the policy does not count the official among the action's
    parties (another authority handles its stage now); nothing changes."""
    if may_act_as(request.user, action, case, programme):
        return None
    messages.error(request, CaseError(CaseErrorCode.NOT_PERMITTED).message)
    return redirect(_case_url(case))


@require_http_methods(["GET", "HEAD"])
@officer_required
def case_detail(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """The case page: every section, the actions allowed now. Each view is audited."""
    case = access_case_for_officer(request.user, public_id)
    return _render_case(request, case)


@require_POST
@officer_required
def case_note_add(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Add an internal note; the applicant never sees it."""
    case = access_case_for_officer(request.user, public_id)
    refusal = _may_not_act(request, case, programme_get(case.programme), Action.ADD_NOTE)
    if refusal is not None:
        return refusal
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            official_actions.case_note_add(
                officer=request.user,
                case=case,
                text=form.cleaned_data["text"],
            )
        except CaseError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("Your note has been added."))
            return redirect(_case_url(case, "notes"))
    return _render_case(request, case, note_form=form, status=400)


@require_POST
@officer_required
def case_check_document(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Tick or untick a document of the permit stage's checklist."""
    case = access_case_for_officer(request.user, public_id)
    refusal = _may_not_act(request, case, programme_get(case.programme), Action.CHECK_DOCUMENT)
    if refusal is not None:
        return refusal
    form = ChecklistForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(CaseError(CaseErrorCode.UNKNOWN_CHECKLIST_ITEM).message))
        return redirect(_case_url(case, "checklist"))
    try:
        official_actions.case_check_document(
            officer=request.user,
            case=case,
            code=form.cleaned_data["code"],
            checked=form.cleaned_data["checked"],
        )
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Marked as seen and accepted.")
            if form.cleaned_data["checked"]
            else _("The tick has been removed."),
        )
    return redirect(_case_url(case, "checklist"))


# Confirm pages -----------------------------------------------------------------------------


Perform = Callable[[AuthenticatedRequest, Case, dict[str, Any]], object]


def _confirm(
    request: AuthenticatedRequest,
    public_id: uuid.UUID,
    *,
    action: Action,
    template: str,
    make_form: Callable[[Case, Programme, dict[str, Any] | None], VersionForm],
    perform: Perform,
    done: str,
    more_context: Callable[[Case, Programme], dict[str, Any]] | None = None,
) -> HttpResponse:
    """GET: what will happen and to whom it will be shown. POST: do it, once.

    A case changed since the page was opened (another version) is a conflict:
    nothing changes and the case page says so. Any other refusal of the action
    is shown in the form's error summary.
    """
    case = access_case_for_officer(request.user, public_id)
    programme = programme_get(case.programme)
    refusal = _may_not_act(request, case, programme, action)
    if refusal is not None:
        return refusal
    # A POST goes to the action even when the status moved on meanwhile: it tells a
    # conflict (another version) apart from an action the status does not allow.
    if request.method != "POST" and action not in officer_actions(request.user, programme, case):
        messages.error(request, CaseError(CaseErrorCode.ACTION_NOT_ALLOWED).message)
        return redirect(_case_url(case))
    form = make_form(case, programme, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            perform(request, case, form.cleaned_data)
        except CaseError as error:
            if error.code == CaseErrorCode.CONFLICT:
                messages.error(request, str(CONFLICT_MESSAGE))
                return redirect(_case_url(case))
            form.add_case_error(error.code, error.message)
        else:
            messages.success(request, done)
            return redirect(_case_url(case))
    return render(
        request,
        template,
        {
            "case": case,
            "form": form,
            "programme_title": programme.localised(programme.title, current_language()),
            "stage_title": programme.localised(
                programme.stage(case.stage).title, current_language()
            ),
            "case_url": _case_url(case),
            **(more_context(case, programme) if more_context else {}),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@officer_required
def case_start_review(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    def make_form(case: Case, programme: Programme, data: dict[str, Any] | None) -> VersionForm:
        return StartReviewForm(data, initial={"version": case.version})

    def perform(request: AuthenticatedRequest, case: Case, values: dict[str, Any]) -> object:
        return official_actions.case_start_review(
            officer=request.user,
            case=case,
            version=values["version"],
        )

    return _confirm(
        request,
        public_id,
        action=Action.START_REVIEW,
        template="official_web/confirm_start_review.html",
        make_form=make_form,
        perform=perform,
        done=_("Review started. The applicant can see that an official is working on it."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@officer_required
def case_request_information(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    def make_form(case: Case, programme: Programme, data: dict[str, Any] | None) -> VersionForm:
        due = timezone.localdate() + timedelta(days=DEFAULT_DUE_DAYS)
        return RequestInformationForm(data, initial={"version": case.version, "due_on": due})

    def perform(request: AuthenticatedRequest, case: Case, values: dict[str, Any]) -> object:
        return official_actions.case_request_information(
            officer=request.user,
            case=case,
            version=values["version"],
            message=values["message"],
            due_on=values["due_on"],
        )

    return _confirm(
        request,
        public_id,
        action=Action.REQUEST_INFORMATION,
        template="official_web/confirm_request_information.html",
        make_form=make_form,
        perform=perform,
        done=_("The request has been sent to the applicant."),
    )


def _approve_extra(case: Case, programme: Programme) -> dict[str, Any]:
    stage = programme.stage(case.stage)
    return {
        "issues": stage.issues,
        "checklist": case_checklist(case, programme, timezone.localdate()),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@officer_required
def case_approve(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    def make_form(case: Case, programme: Programme, data: dict[str, Any] | None) -> VersionForm:
        return ApproveForm(
            data,
            initial={"version": case.version, "valid_from": timezone.localdate()},
            issues=programme.stage(case.stage).issues,
            regions=region_choices(),
        )

    def perform(request: AuthenticatedRequest, case: Case, values: dict[str, Any]) -> object:
        return official_actions.case_approve(
            officer=request.user,
            case=case,
            version=values["version"],
            valid_from=values.get("valid_from"),
            region=values.get("region", ""),
            explanation=values.get("explanation", ""),
        )

    return _confirm(
        request,
        public_id,
        action=Action.APPROVE,
        template="official_web/confirm_approve.html",
        make_form=make_form,
        perform=perform,
        done=_("Approved. The applicant has been told and can read the decision."),
        more_context=_approve_extra,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@officer_required
def case_refuse(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    def make_form(case: Case, programme: Programme, data: dict[str, Any] | None) -> VersionForm:
        choices = refusal_ground_choices(
            programme, case.stage, timezone.localdate(), current_language()
        )
        return RefuseForm(data, initial={"version": case.version}, choices=choices)

    def perform(request: AuthenticatedRequest, case: Case, values: dict[str, Any]) -> object:
        return official_actions.case_refuse(
            officer=request.user,
            case=case,
            version=values["version"],
            grounds=values["grounds"],
            explanation=values["explanation"],
        )

    return _confirm(
        request,
        public_id,
        action=Action.REFUSE,
        template="official_web/confirm_refuse.html",
        make_form=make_form,
        perform=perform,
        done=_("Refused. The applicant has been told and can read the decision."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@officer_required
def case_record_entry(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    def make_form(case: Case, programme: Programme, data: dict[str, Any] | None) -> VersionForm:
        return RecordEntryForm(
            data, initial={"version": case.version, "entered_on": timezone.localdate()}
        )

    def perform(request: AuthenticatedRequest, case: Case, values: dict[str, Any]) -> object:
        return official_actions.case_record_entry(
            actor=request.user,
            case=case,
            entered_on=values["entered_on"],
            source="officer",
            version=values["version"],
        )

    def extra(case: Case, programme: Programme) -> dict[str, Any]:
        ids = [stage.id for stage in programme.stages]
        index = ids.index(case.stage) + 1
        following = programme.stages[index] if index < len(ids) else None
        if following is None:
            return {}
        return {
            "next_stage_title": programme.localised(following.title, current_language()),
            "next_authority": authority_label(following.authority),
        }

    return _confirm(
        request,
        public_id,
        action=Action.RECORD_ENTRY,
        template="official_web/confirm_record_entry.html",
        make_form=make_form,
        perform=perform,
        done=_("Entry recorded. The case has moved to its next stage."),
        more_context=extra,
    )
