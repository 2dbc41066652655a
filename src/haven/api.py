"""Haven's JSON API, version 1, mounted at ``/api/v1/``. Each app adds its router here.

Errors have one shape everywhere: ``{"detail": [{"type", "loc", "msg"}]}``
(``ErrorOut``), with status 400 for a body that is not JSON, 401 without a
session (for ``/movements``: without a valid bearer token), 403 without the permission (or without the CSRF token), 404 for
what is not there or not the caller's, 409 for a step the application's
status does not allow, 422 for input that is not valid, 429 over the rate
limit. The interactive documentation
page is off: ninja's loads Swagger UI from a CDN, which Haven's
Content-Security-Policy forbids; the schema is at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled

from haven.applicant_web.api import CsrfFailed
from haven.applicant_web.api import router as cases_router
from haven.movements.api import TokenRejected
from haven.movements.api import router as movements_router
from haven.rules.api import router as rules_router

api = NinjaAPI(
    title="Haven API",
    version="1",
    description=(
        "Public, read-only answers from the rules of Haven's residence programmes, and "
        "the signed-in applicant's own applications (`/applications`: Django session, "
        "CSRF token in `X-CSRFToken` for unsafe methods), and border crossings reported by "
        "border control (`/movements`: `Authorization: Bearer <token>`). "
        'Errors: `{"detail": [{"type": ..., "loc": [...], "msg": ...}]}` with '
        "status 400 (the body is not JSON), 401 (not signed in), 403 (no permission, "
        "or no CSRF token), 404 (not found, or not yours), 409 (not allowed in the "
        "application's status), 422 (invalid input) or 429 (rate limit; see `Retry-After`)."
    ),
    urls_namespace="api",
    docs_url=None,
)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own errors (unparsable body, throttling, authentication) in the one error shape."""
    message = exc.message
    kind = "throttled" if isinstance(exc, Throttled) else "http_error"
    if exc.status_code == 400:
        kind = "invalid_json"
    if isinstance(exc, AuthenticationError):
        kind, message = "not_authenticated", _("Sign in first.")
    elif isinstance(exc, CsrfFailed):
        kind = "csrf_failed"
    elif isinstance(exc, AuthorizationError):
        kind = "permission_denied"
    return api.create_response(
        request,
        {
            "detail": [
                {
                    "type": kind,
                    "loc": ["body"] if kind == "invalid_json" else [],
                    "msg": message,
                }
            ]
        },
        status=exc.status_code,
    )


@api.exception_handler(TokenRejected)
def token_rejected(request: HttpRequest, exc: TokenRejected) -> HttpResponse:
    """Border control's systems authenticate with a token, not a session: say which."""
    response = api.create_response(
        request,
        {
            "detail": [
                {"type": "invalid_token", "loc": ["header", "Authorization"], "msg": exc.message}
            ]
        },
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="haven"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """Missing and not the caller's answer alike, so nobody learns what exists."""
    return api.create_response(
        request,
        {"detail": [{"type": "not_found", "loc": [], "msg": _("Not found.")}]},
        status=404,
    )


api.add_router("", rules_router)
api.add_router("/applications", cases_router)
api.add_router("/movements", movements_router)
