"""Downloads of visas and permits, the public verification page, annual notifications.

Views parse input, call one selector or action, and render.
"""

from __future__ import annotations

import io
import math
import uuid
from typing import TypeVar

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from haven.accounts.access import AuthenticatedRequest, require_signed_in
from haven.cases.errors import CaseError, CaseErrorCode
from haven.issuance import actions
from haven.issuance.forms import NotificationRecordForm, VerificationForm
from haven.issuance.pdf import document_pdf
from haven.issuance.selectors import (
    ScheduledNotification,
    access_issued_document,
    access_permit_notification,
    notification_state,
)
from haven.issuance.throttling import VerificationThrottle

# A PDF is never shown as a page of this site (see haven.documents.views).
DOWNLOAD_CSP = "sandbox; default-src 'none'"


Response = TypeVar("Response", bound=HttpResponseBase)


def _private(response: Response) -> Response:
    patch_cache_control(response, no_store=True, private=True)
    return response


# Downloads ---------------------------------------------------------------------------------


@require_GET
@require_signed_in
def issued_pdf(request: AuthenticatedRequest, public_id: uuid.UUID) -> FileResponse:
    """The visa notice or permit as PDF, for its holder or an official who handles it.

    Every download is recorded in the audit trail, the holder's own too.
    """
    document = access_issued_document(request.user, public_id)
    content = document_pdf(document)
    actions.issued_document_record_viewed(actor=request.user, document=document)
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"{document.kind.replace('_', '-')}-{document.number}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return _private(response)


# Annual notifications ----------------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@require_signed_in
@require_http_methods(["GET", "POST"])
def notification_record(
    request: AuthenticatedRequest, public_id: uuid.UUID, year: int
) -> HttpResponse:
    """An official records the day the permit's holder made a year's notification."""
    notification = access_permit_notification(request.user, public_id, year)
    next_url = _next_url(request)
    today = timezone.localdate()
    form = NotificationRecordForm(request.POST or None, initial={"made_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            actions.permit_notification_record(
                officer=request.user,
                notification=notification,
                made_on=form.cleaned_data["made_on"],
            )
        except CaseError as failure:
            field = (
                None if failure.code == CaseErrorCode.NOTIFICATION_ALREADY_RECORDED else "made_on"
            )
            form.add_error(field, failure.message)
        else:
            messages.success(request, _("The notification has been recorded."))
            return redirect(next_url or request.path)
    notification.refresh_from_db()
    return render(
        request,
        "issuance/notification_record.html",
        {
            "notification": ScheduledNotification(
                notification, notification_state(notification, today)
            ),
            "document": notification.document,
            "form": form,
            "next": next_url,
        },
        status=400 if request.method == "POST" else 200,
    )


# Public verification -----------------------------------------------------------------------


def _lookup(request: HttpRequest, number: str, token: str) -> HttpResponse:
    throttle = VerificationThrottle()
    if not throttle.allow_request(request):
        response = render(request, "issuance/verify_throttled.html", status=429)
        response["Retry-After"] = str(max(1, math.ceil(throttle.wait() or throttle.duration or 60)))
        return _private(response)
    result = actions.document_verify(number=number, token=token, today=timezone.localdate())
    response = render(
        request,
        "issuance/verify.html",
        {"form": VerificationForm(), "looked_up": True, "result": result},
    )
    return _private(response)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The public form: a document's number and verification code give its validity."""
    if request.method == "POST":
        form = VerificationForm(request.POST)
        if form.is_valid():
            return _lookup(request, form.cleaned_data["number"], form.cleaned_data["token"])
        return _private(
            render(request, "issuance/verify.html", {"form": form, "looked_up": False}, status=400)
        )
    return render(request, "issuance/verify.html", {"form": VerificationForm(), "looked_up": False})


@require_GET
def verify_link(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """The address in the document's QR code: the answer at once, with no form to fill in."""
    response = _lookup(request, number, token)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
