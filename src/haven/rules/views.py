"""Programme pages: public start pages, the eligibility pre-check, parameter histories,
and the policy administrator's programmes with the amendments recorded to them."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from haven.accounts.access import AuthenticatedRequest, require_permission
from haven.casework.applicant_actions import can_start
from haven.core.i18n import current_language
from haven.rules.actions import amendment_record
from haven.rules.amendments import AmendmentError, Operation
from haven.rules.display import check_result, programme_header
from haven.rules.eligibility import EligibilityInputError, evaluate_request
from haven.rules.forms import AmendmentForm, EligibilityCheckForm
from haven.rules.nationality import country_name
from haven.rules.programme import Programme
from haven.rules.selectors import (
    MANAGE_PROGRAMMES,
    ParameterNotFound,
    ProgrammeNotFound,
    amendment_preview,
    parameter_history,
    programme_get,
    programme_start,
    programme_summaries,
    programme_work_get,
    programme_work_list,
)
from haven.rules.vocabulary import parameter_label


def _programme(programme_id: str) -> Programme:
    try:
        return programme_get(programme_id)
    except ProgrammeNotFound:
        raise Http404(programme_id) from None


@require_http_methods(["GET", "HEAD"])
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = programme_summaries(language=current_language())
    return render(request, "rules/programme_list.html", {"programmes": programmes})


@require_http_methods(["GET", "HEAD"])
def programme_detail(request: HttpRequest, programme_id: str) -> HttpResponse:
    try:
        page = programme_start(
            programme_id, on_date=timezone.localdate(), language=current_language()
        )
    except ProgrammeNotFound:
        raise Http404(programme_id) from None
    return render(request, "rules/programme_detail.html", {"page": page})


@require_http_methods(["GET", "HEAD"])
def programme_check(request: HttpRequest, programme_id: str) -> HttpResponse:
    """The pre-check: a GET form, so a result can be bookmarked and re-read in any language."""
    language = current_language()
    programme = _programme(programme_id)
    # Answered once any of the form's fields is in the address; other parameters
    # (a campaign tag, say) leave the form blank rather than full of errors.
    answered = any(name in request.GET for name in EligibilityCheckForm.base_fields)
    form = EligibilityCheckForm(
        request.GET if answered else None,
        programme=programme,
        language=language,
        today=timezone.localdate(),
    )
    result = None
    if form.is_valid():
        try:
            evaluation = evaluate_request(
                programme,
                nationalities=form.nationalities(),
                residence=form.cleaned_data["residence"] or None,
                on_date=form.cleaned_data["date"],
                stage=form.cleaned_data["stage"],
            )
        except EligibilityInputError as error:
            form.add_input_error(error)
        else:
            result = check_result(programme, evaluation, language)

    return render(
        request,
        "rules/programme_check.html",
        {
            "programme": programme_header(programme, language),
            "form": form,
            "result": result,
            "can_apply": can_start(programme, timezone.localdate()),
        },
    )


@require_http_methods(["GET", "HEAD"])
def parameter_detail(request: HttpRequest, programme_id: str, name: str) -> HttpResponse:
    try:
        history = parameter_history(
            request.user,
            programme_id,
            name,
            on_date=timezone.localdate(),
            language=current_language(),
        )
    except (ProgrammeNotFound, ParameterNotFound):
        raise Http404(f"{programme_id}/{name}") from None
    return render(request, "rules/parameter_history.html", {"history": history})


@require_permission(MANAGE_PROGRAMMES)
@require_http_methods(["GET", "HEAD"])
def work_programmes(request: AuthenticatedRequest) -> HttpResponse:
    overview = programme_work_list(on_date=timezone.localdate(), language=current_language())
    return render(request, "rules/work_programmes.html", {"overview": overview})


@require_permission(MANAGE_PROGRAMMES)
@require_http_methods(["GET", "HEAD"])
def work_programme(request: AuthenticatedRequest, programme_id: str) -> HttpResponse:
    try:
        work = programme_work_get(
            programme_id, on_date=timezone.localdate(), language=current_language()
        )
    except ProgrammeNotFound:
        raise Http404(programme_id) from None
    return render(request, "rules/work_programme.html", {"work": work})


@require_permission(MANAGE_PROGRAMMES)
@require_http_methods(["GET", "HEAD", "POST"])
def amendment_new(request: AuthenticatedRequest, programme_id: str) -> HttpResponse:
    """Record an amendment in two steps: the form, then a confirm page, then the record.

    The first POST only checks and shows what will happen; the POST from the
    confirm page (``confirm``) records. ``change`` goes back to the form.
    """
    language = current_language()
    programme = _programme(programme_id)
    if request.method != "POST":
        form = AmendmentForm(programme=programme, language=language)
        return _amendment_form(request, programme, form)
    form = AmendmentForm(request.POST, programme=programme, language=language)
    if "change" in request.POST or not form.is_valid():
        return _amendment_form(request, programme, form)
    spec = form.spec()
    if "confirm" not in request.POST:
        try:
            preview = amendment_preview(programme_id, spec, language=language)
        except AmendmentError as error:
            form.add_amendment_error(error)
            return _amendment_form(request, programme, form)
        return render(request, "rules/amendment_confirm.html", {"form": form, "preview": preview})
    try:
        amendment_record(
            actor=request.user,
            programme_id=programme_id,
            parameter=spec.parameter,
            operation=spec.operation,
            country=spec.country or "",
            effective_from=spec.effective_from,
            act=spec.reference.act,
            act_date=spec.reference.date,
            article=spec.reference.article or "",
            url=spec.reference.url or "",
        )
    except AmendmentError as error:
        form.add_amendment_error(error)
        return _amendment_form(request, programme, form)
    values = {
        "state": country_name(spec.country or "", language),
        "list": parameter_label(spec.parameter, programme.parameter(spec.parameter).description),
        "date": formats.date_format(spec.effective_from, "DATE_FORMAT"),
    }
    if spec.operation == Operation.ADD_COUNTRY:
        text = _("Recorded: from %(date)s, %(state)s is added to “%(list)s”.")
    else:
        text = _("Recorded: from %(date)s, %(state)s is removed from “%(list)s”.")
    messages.success(request, text % values)
    return redirect("rules:work_programme", programme_id=programme_id)


def _amendment_form(
    request: HttpRequest, programme: Programme, form: AmendmentForm
) -> HttpResponse:
    return render(
        request,
        "rules/amendment_form.html",
        {
            "form": form,
            "programme_id": programme.id,
            "programme_title": programme.localised(programme.title, current_language()),
        },
    )
