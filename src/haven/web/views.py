from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from haven.accounts.access import AuthenticatedRequest, require_permission
from haven.cases.figures import case_figures_for_analyst
from haven.core.i18n import current_language


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_permission("accounts.review_commission_cases")
def work_commission(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "web/work_commission.html")


@require_permission("accounts.view_statistics")
def work_statistics(request: AuthenticatedRequest) -> HttpResponse:
    language = current_language()
    figures = case_figures_for_analyst(request.user, language=language)
    return render(
        request, "web/work_statistics.html", {"figures": figures, "as_of": timezone.now()}
    )
