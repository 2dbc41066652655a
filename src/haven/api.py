"""Haven's JSON API, version 1, mounted at ``/api/v1/``. Each app adds its router here.

Errors have one shape everywhere: ``{"detail": [{"type", "loc", "msg"}]}``
(``ErrorOut``), with status 400 for a body that is not JSON, 422 for input
that is not valid, 429 over the rate limit. The interactive documentation
page is off: ninja's loads Swagger UI from a CDN, which Haven's
Content-Security-Policy forbids; the schema is at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, Throttled

from haven.rules.api import router as rules_router

api = NinjaAPI(
    title="Haven API",
    version="1",
    description=(
        "Public, read-only answers from the rules of Haven's residence programmes. "
        'Errors: `{"detail": [{"type": ..., "loc": [...], "msg": ...}]}` with '
        "status 400 (the body is not JSON), 422 (invalid input) or 429 (rate limit; "
        "see `Retry-After`)."
    ),
    urls_namespace="api",
    docs_url=None,
)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own errors (unparsable body, throttling) in the API's one error shape."""
    kind = "throttled" if isinstance(exc, Throttled) else "http_error"
    if exc.status_code == 400:
        kind = "invalid_json"
    return api.create_response(
        request,
        {
            "detail": [
                {
                    "type": kind,
                    "loc": ["body"] if kind == "invalid_json" else [],
                    "msg": exc.message,
                }
            ]
        },
        status=exc.status_code,
    )


api.add_router("", rules_router)
