"""Haven's JSON API, version 1, mounted at ``/api/v1/``. Each app adds its router here.

Every answer under ``/api/v1/`` that is an error has one shape,
``{"detail": [{"type", "loc", "msg"}]}`` (``ErrorOut``), with ``msg`` in the
request's language (``Accept-Language``): also the answers ninja and Django
would give themselves, in HTML or as plain text. The statuses:

- 400: a body that cannot be read (not JSON, multipart without its boundary,
  too many fields);
- 401: no session (for ``/movements``: no valid bearer token);
- 403: no permission, or no CSRF token;
- 404: a path that is not the API's, or what is not there or not the caller's;
- 405: a method the path does not take (with ``Allow``);
- 409: a step the application's status does not allow;
- 413: a body larger than Django accepts (``DATA_UPLOAD_MAX_MEMORY_SIZE``);
- 415: a body of another media type than the operation reads (JSON, or
  ``multipart/form-data`` for uploads);
- 422: input that is not valid;
- 429: over the rate limit (with ``Retry-After``);
- 500: a fault of Haven's (logged with the request id).

The OpenAPI schema lists each operation's own error statuses and, as
``default``, the shape of any other. The interactive documentation page is
off: ninja's loads Swagger UI from a CDN, which Haven's
Content-Security-Policy forbids; the schema is at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver, re_path
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    Throttled,
    ValidationError,
)
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.types import DictStrAny

from haven.applicant_web.api import CsrfFailed
from haven.applicant_web.api import router as cases_router
from haven.movements.api import TokenRejected
from haven.movements.api import router as movements_router
from haven.rules.api import router as rules_router

JSON_TYPES = ("application/json",)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class UnsupportedMediaType(Exception):
    """The body is of another media type than the operation reads."""

    def __init__(self, media_type: str) -> None:
        super().__init__(media_type)
        self.media_type = media_type


def validation_message(error: DictStrAny) -> str:
    """pydantic's message for one refused value, in the request's language.

    The kinds of refusal Haven's schemas make are translated; any other keeps
    pydantic's English. A field validator's own message (``value_error``) is
    already translated where it is raised.
    """
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "value_error" and "error" in context:
        return str(context["error"])
    if kind in ("string_too_short", "too_short"):
        count = int(context.get("min_length", 1))
        if kind == "string_too_short" and count == 1:
            return _("This may not be empty.")
        template = (
            ngettext(
                "Use at least %(count)d character.", "Use at least %(count)d characters.", count
            )
            if kind == "string_too_short"
            else ngettext("Give at least %(count)d item.", "Give at least %(count)d items.", count)
        )
        return template % {"count": count}
    if kind in ("string_too_long", "too_long"):
        count = int(context.get("max_length", 0))
        template = (
            ngettext("Use at most %(count)d character.", "Use at most %(count)d characters.", count)
            if kind == "string_too_long"
            else ngettext("Give at most %(count)d item.", "Give at most %(count)d items.", count)
        )
        return template % {"count": count}
    if kind == "literal_error":
        return _("Give one of: %(expected)s.") % {"expected": context.get("expected", "")}
    message = VALIDATION_MESSAGES.get(kind)
    return str(message) if message is not None else str(error["msg"])


# The other kinds of refusal, by pydantic's type.
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("This field is not one of the operation's."),
    "string_type": gettext_lazy("Give text here."),
    "string_pattern_mismatch": gettext_lazy("This is not in the expected form."),
    "list_type": gettext_lazy("Give a list here."),
    "bool_type": gettext_lazy("Give true or false here."),
    "bool_parsing": gettext_lazy("Give true or false here."),
    "uuid_type": gettext_lazy("This is not a valid id."),
    "uuid_parsing": gettext_lazy("This is not a valid id."),
    "model_attributes_type": gettext_lazy("Send a JSON object here."),
    "dict_type": gettext_lazy("Send a JSON object here."),
    "model_type": gettext_lazy("Send a JSON object here."),
    "datetime_type": gettext_lazy("Give a date and time in ISO 8601, with its offset from UTC."),
    "datetime_parsing": gettext_lazy("Give a date and time in ISO 8601, with its offset from UTC."),
    "datetime_from_date_parsing": gettext_lazy(
        "Give a date and time in ISO 8601, with its offset from UTC."
    ),
    "timezone_aware": gettext_lazy("Give the time with its offset from UTC, e.g. +03:00."),
}


class HavenParser(Parser):
    """ninja's JSON parser, refusing a body that says it is of another media type.

    A request without ``Content-Type`` is read as JSON all the same.
    """

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        media_type = request.content_type or ""
        if media_type and media_type not in JSON_TYPES and not media_type.endswith("+json"):
            raise UnsupportedMediaType("application/json")
        return super().parse_body(request)

    def parse_querydict(
        self, data: Any, list_fields: list[str], request: HttpRequest
    ) -> DictStrAny:
        # Form fields and files come from a form's body; query strings have no media type.
        if data is not request.GET:
            accepted = ("multipart/form-data",) if data is request.FILES else FORM_TYPES
            if request.content_type not in accepted:
                raise UnsupportedMediaType("multipart/form-data")
        return super().parse_querydict(data, list_fields, request)


class HavenAPI(NinjaAPI):
    """ninja's API whose every error, its own and Django's included, comes in the one shape."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        shaped: list[URLResolver | URLPattern] = []
        for pattern in patterns:
            if not isinstance(pattern, URLPattern):  # ninja makes none; kept as they are
                shaped.append(pattern)
                continue
            view = pattern.callback
            if pattern.name == "openapi-json":
                view = require_safe(view)
            shaped.append(
                URLPattern(pattern.pattern, _in_one_shape(view), pattern.default_args, pattern.name)
            )
        # Last: any other path under /api/v1/ is a 404 in the shape, not the site's page.
        shaped.append(re_path(r"^", unknown_path, name="unknown"))
        return shaped, app_name, namespace

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: DictStrAny | None = None
    ) -> OpenAPISchema:
        """Each operation also says that any other error status comes in the one shape."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        other = {
            "description": ("Any other error (405 with Allow, 500...), in the one error shape."),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault("default", other)
        return schema


api = HavenAPI(
    title="Haven API",
    version="1",
    description=(
        "Public, read-only answers from the rules of Haven's residence programmes, and "
        "the signed-in applicant's own applications (`/applications`: Django session, "
        "CSRF token in `X-CSRFToken` for unsafe methods), and border crossings reported by "
        "border control (`/movements`: `Authorization: Bearer <token>`). "
        'Every error, on every path under /api/v1/: `{"detail": [{"type": ..., "loc": [...], '
        '"msg": ...}]}`, `msg` in the language of `Accept-Language`, with status 400 (the body '
        "cannot be read: not JSON, or multipart without its boundary), 401 (not signed in), "
        "403 (no permission, or no CSRF token), 404 (not found, or not yours; also an unknown "
        "path), 405 (a method the path does not take; see `Allow`), 409 (not allowed in the "
        "application's status), 413 (the body is too large), 415 (the body is not JSON, or "
        "not multipart/form-data for an upload), 422 (invalid input), 429 (rate limit; see "
        "`Retry-After`) or 500 (Haven's fault; quote `X-Request-ID`)."
    ),
    urls_namespace="api",
    docs_url=None,
    parser=HavenParser(),
)


def error_response(
    request: HttpRequest, status: int, kind: str, message: str, loc: list[str | int] | None = None
) -> HttpResponse:
    """One error in the API's one shape."""
    return api.create_response(
        request, {"detail": [{"type": kind, "loc": loc or [], "msg": message}]}, status=status
    )


def _in_one_shape(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view, with the answers Django or ninja would give in plain text or HTML in the shape."""

    @functools.wraps(view)
    def shaped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404 as missing:  # ninja's view of the bare /api/v1/
            return not_found(request, missing)
        if isinstance(response, HttpResponseNotAllowed):
            return method_not_allowed(request, response["Allow"])
        return response

    return shaped


def method_not_allowed(request: HttpRequest, allow: str) -> HttpResponse:
    methods = sorted({method.strip() for method in allow.split(",") if method.strip()})
    response = error_response(
        request,
        405,
        "method_not_allowed",
        _("This address does not take this method; it takes %(methods)s.")
        % {"methods": ", ".join(methods)},
    )
    response["Allow"] = ", ".join(methods)
    return response


@csrf_exempt  # it changes nothing, and a refusal here would be the site's HTML page
def unknown_path(request: HttpRequest) -> HttpResponse:
    """Any path under /api/v1/ that is none of the API's."""
    return not_found(request, Http404())


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own errors (unparsable body, throttling, authentication) in the one error shape."""
    if isinstance(exc.__cause__, UnsupportedMediaType):  # the parser refused the body's type
        return unsupported_media_type(request, exc.__cause__)
    loc: list[str | int] = []
    if isinstance(exc, Throttled):
        kind, message = "throttled", _("Too many requests.")
    elif isinstance(exc, AuthenticationError):
        kind, message = "not_authenticated", _("Sign in first.")
    elif isinstance(exc, CsrfFailed):
        kind, message = "csrf_failed", exc.message
    elif isinstance(exc, AuthorizationError):
        kind, message = "permission_denied", exc.message
    elif exc.status_code == 400:  # ninja's only own 400: a body that is not JSON
        kind, message, loc = "invalid_json", _("The body is not valid JSON."), ["body"]
    else:
        kind, message = "http_error", exc.message
    return error_response(request, exc.status_code, kind, message, loc)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """pydantic's refusals, with their messages in the request's language."""
    items = [{**error, "msg": validation_message(error)} for error in exc.errors]
    return api.create_response(request, {"detail": items}, status=422)


@api.exception_handler(UnsupportedMediaType)
def unsupported_media_type(request: HttpRequest, exc: UnsupportedMediaType) -> HttpResponse:
    return error_response(
        request,
        415,
        "unsupported_media_type",
        _("Send the body as %(media_type)s, with that Content-Type.")
        % {"media_type": exc.media_type},
        ["header", "Content-Type"],
    )


@api.exception_handler(MultiPartParserError)
def unreadable_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """A multipart body Django cannot take apart (no boundary, cut short...)."""
    response = error_response(
        request,
        400,
        "invalid_multipart",
        _("The body cannot be read as multipart/form-data (is its boundary given?)."),
        ["body"],
    )
    log_response(
        "Bad request (Unable to parse request body): %s",
        request.path,
        response=response,
        request=request,
        exception=exc,
    )
    return response


@api.exception_handler(SuspiciousOperation)
def refused_body(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """A body over Django's limits: too large (413), too many fields or files (400)."""
    if isinstance(exc, RequestDataTooBig):
        response = error_response(
            request, 413, "body_too_large", _("The body is too large."), ["body"]
        )
    else:
        response = error_response(
            request, 400, "bad_request", _("The request cannot be read."), ["body"]
        )
    # As Django logs it: to django.security, with the limit that was passed.
    log_response(
        str(exc),
        exception=exc,
        request=request,
        response=response,
        level="error",
        logger=logging.getLogger(f"django.security.{exc.__class__.__name__}"),
    )
    return response


@api.exception_handler(TokenRejected)
def token_rejected(request: HttpRequest, exc: TokenRejected) -> HttpResponse:
    """Border control's systems authenticate with a token, not a session: say which."""
    response = error_response(
        request, 401, "invalid_token", exc.message, ["header", "Authorization"]
    )
    response["WWW-Authenticate"] = 'Bearer realm="haven"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """Missing and not the caller's answer alike, so nobody learns what exists."""
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A fault of Haven's: logged as Django logs it, answered in the shape without details."""
    if settings.DEBUG:
        raise exc  # Django's technical page, for whoever develops
    signals.got_request_exception.send(sender=None, request=request)
    response = error_response(
        request,
        500,
        "server_error",
        _(
            "Something went wrong on Haven's side. Try again later; if it happens again, "
            "quote the X-Request-ID of this answer."
        ),
    )
    log_response(
        "%s: %s",
        response.reason_phrase,
        request.path,
        response=response,
        request=request,
        exception=exc,
    )
    return response


api.add_router("", rules_router)
api.add_router("/applications", cases_router)
api.add_router("/movements", movements_router)
