"""The officials' queues: the visa queue (consulates) and the permit queue (migration).

Views parse input, call one selector or action, and render or redirect.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import (
    AuthenticatedRequest,
    P,
    SignedInView,
    View,
    require_permission,
    require_user,
)
from haven.accounts.models import User
from haven.cases.authorities import AUTHORITIES, Authority, officer_authorities
from haven.cases.errors import CaseError
from haven.cases.queues import QueuePage, Sort, queue_for_officer, queue_scope
from haven.cases.selectors import access_case_for_officer
from haven.casework import official_actions
from haven.core.i18n import current_language
from haven.official_web.queue_forms import QueueFilterForm

# Each queue page belongs to one authority of the registry (its permission, title and URLs).
VISAS = AUTHORITIES["consulate"]
PERMITS = AUTHORITIES["migration"]


def _query(params: QueryDict, **changes: str) -> str:
    """The current query string with ``changes``, back on the first page."""
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def _sort_links(params: QueryDict, current: Sort) -> dict[str, dict[str, str]]:
    """Each sortable column's link (the other direction when it is the current sort)."""
    links = {}
    for column, ascending, descending in (
        ("deadline", Sort.DEADLINE, Sort.DEADLINE_LATEST),
        ("submitted", Sort.SUBMITTED, Sort.SUBMITTED_LATEST),
    ):
        if current == ascending:
            links[column] = {"sort": "ascending", "query": _query(params, sort=descending)}
        elif current == descending:
            links[column] = {"sort": "descending", "query": _query(params, sort=ascending)}
        else:
            links[column] = {"sort": "", "query": _query(params, sort=ascending)}
    return links


def _queue_page(request: AuthenticatedRequest, queue: Authority) -> HttpResponse:
    language = current_language()
    scope = queue_scope(request.user, queue.code, language=language)
    form = QueueFilterForm(request.GET, scope=scope, language=language)
    filters = form.filters(page=request.GET.get("page") or 1)
    result: QueuePage = queue_for_officer(request.user, filters, language=language, scope=scope)
    official_actions.queue_record_viewed(officer=request.user, queue=result)
    status_links = [
        {
            "label": count.label,
            "count": count.count,
            "query": _query(request.GET, status=count.status),
            "current": count.status == filters.status,
        }
        for count in result.counts
    ]
    return render(
        request,
        "official_web/queue.html",
        {
            "queue": queue,
            "title": str(queue.queue_title),
            "form": form,
            "result": result,
            "page": result.page,
            "status_links": status_links,
            "sort_links": _sort_links(request.GET, filters.sort),
            "query": _query(request.GET),
            "filtered": bool(_query(request.GET)),
        },
    )


@require_permission(VISAS.permission)
def visa_queue(request: AuthenticatedRequest) -> HttpResponse:
    return _queue_page(request, VISAS)


@require_permission(PERMITS.permission)
def permit_queue(request: AuthenticatedRequest) -> HttpResponse:
    return _queue_page(request, PERMITS)


def _take_next(request: AuthenticatedRequest, queue: Authority) -> HttpResponse:
    scope = queue_scope(request.user, queue.code, language=current_language())
    try:
        case = official_actions.case_take_next(officer=request.user, stages=scope.pairs)
    except CaseError as error:
        messages.error(request, error.message)
        return redirect(queue.queue_url_name)
    if case is None:
        messages.info(request, _("No unassigned application is waiting. Nothing was assigned."))
        return redirect(queue.queue_url_name)
    messages.success(
        request,
        _("Application %(reference)s is now assigned to you.") % {"reference": case.reference},
    )
    return redirect("work:case", public_id=case.public_id)


@require_POST
@require_permission(VISAS.permission)
def visa_take_next(request: AuthenticatedRequest) -> HttpResponse:
    return _take_next(request, VISAS)


@require_POST
@require_permission(PERMITS.permission)
def permit_take_next(request: AuthenticatedRequest) -> HttpResponse:
    return _take_next(request, PERMITS)


def _works_a_queue(user: User) -> bool:
    return bool(officer_authorities(user))


def officer_required(view: SignedInView[P]) -> View[P]:
    """Anonymous visitors go to sign-in; anyone who works no authority's queue gets 403."""
    return require_user(_works_a_queue)(view)


def _back(request: HttpRequest) -> str:
    """Where the form came from (the queue with its filters, or the case page)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and target.startswith("/work/"):
        return target
    return reverse("accounts:home")


def _seen_version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@require_POST
@officer_required
def case_assign_to_me(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Assign the case to the official who asks (also from a colleague)."""
    case = access_case_for_officer(request.user, public_id)
    try:
        official_actions.case_assign(
            officer=request.user,
            case=case,
            assignee=request.user,
            version=_seen_version(request),
        )
    except CaseError as error:
        messages.error(request, f"{case.reference}: {error.message}")
    else:
        messages.success(
            request,
            _("Application %(reference)s is now assigned to you.") % {"reference": case.reference},
        )
    return redirect(_back(request))


@require_POST
@officer_required
def case_unassign(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Put the case back in the queue with nobody assigned."""
    case = access_case_for_officer(request.user, public_id)
    try:
        official_actions.case_unassign(
            officer=request.user,
            case=case,
            version=_seen_version(request),
        )
    except CaseError as error:
        messages.error(request, f"{case.reference}: {error.message}")
    else:
        messages.success(
            request,
            _("Application %(reference)s is back in the queue with nobody assigned.")
            % {"reference": case.reference},
        )
    return redirect(_back(request))
