"""``POST /api/v1/movements``: border control reports a crossing.

Who: a system of border control holding an integration client's token
(``haven clients create``), sent as ``Authorization: Bearer <token>``. No
session and no CSRF token: nothing here rides on a browser's cookies. A
missing, unknown or revoked token answers 401.

Answers, in the API's one error shape for errors:

- 201: a new crossing, stored (``status`` ``recorded``). ``matched`` says
  whether a visa or permit issued by Haven has the number; ``case`` and
  ``case_status`` are then its case's reference and status;
  ``entry_recorded`` says whether this entry used the visa and opened the
  permit stage. A crossing with an unknown document is stored all the same.
- 200: the same event id with the same content again (``status``
  ``duplicate``): nothing changes.
- 409: the event id was used before for a different crossing.
- 422: invalid input (``loc`` names the field), or a time in the future.
- 429: over the client's rate limit.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle
from pydantic import AwareDatetime, ConfigDict, field_validator

from haven.movements import actions
from haven.movements.errors import MovementError, MovementErrorCode
from haven.movements.models import IntegrationClient, Movement
from haven.movements.selectors import integration_client_for_token
from haven.rules.api import BODY_ERRORS, ErrorOut


class TokenRejected(AuthenticationError):
    """No bearer token, or one that is not an active client's."""


class IntegrationTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` of an active integration client."""

    def __call__(self, request: HttpRequest) -> IntegrationClient:
        client: IntegrationClient | None = super().__call__(request)
        if client is None:
            raise TokenRejected(
                message=_("Send an active client's token as 'Authorization: Bearer <token>'.")
            )
        return client

    def authenticate(self, request: HttpRequest, token: str) -> IntegrationClient | None:
        return integration_client_for_token(token)


class MovementThrottle(SimpleRateThrottle):
    """Requests per client, at ``settings.HAVEN_API_MOVEMENTS_RATE``, counted in the cache.

    Runs after authentication, so each client has its own allowance whatever
    its address; the rate is read on every request.
    """

    scope = "movements"

    def __init__(self) -> None:
        super().__init__(rate=settings.HAVEN_API_MOVEMENTS_RATE)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        client = getattr(request, "auth", None)
        if not isinstance(client, IntegrationClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.HAVEN_API_MOVEMENTS_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


router = Router(tags=["movements"], auth=IntegrationTokenAuth())

# The offsets from UTC of the world's time zones, from Baker Island to Kiribati's Line Islands.
OFFSET_RANGE = (timedelta(hours=-12), timedelta(hours=14))


class MovementIn(Schema):
    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(
        pattern=r"^[A-Za-z0-9._:-]{1,64}$",
        description=(
            "The reporting system's own id for this crossing (1-64 of A-Z a-z 0-9 . _ : -). "
            "Sending it again with the same content changes nothing."
        ),
        examples=["svetogorsk-2026-000123"],
    )
    kind: Literal["entry", "exit"]
    occurred_at: AwareDatetime = Field(
        description="When the crossing happened: ISO 8601 with the offset from UTC.",
        examples=["2026-03-02T14:05:00+03:00"],
    )
    document_number: str = Field(
        pattern=r"^[A-Za-z0-9 -]{1,40}$",
        description="The visa's or permit's number as scanned; spaces and hyphens are ignored.",
        examples=["V26000123"],
    )
    border_point: str = Field(
        min_length=1, max_length=64, description="The border crossing point's code or name."
    )

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _text_only(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(_("Give the time as ISO 8601 text with its offset from UTC."))
        return value

    @field_validator("occurred_at")
    @classmethod
    def _real_offset(cls, value: datetime) -> datetime:
        # ISO 8601 allows offsets up to ±23:59; PostgreSQL refuses a timestamp beyond ±15:59
        # (a 500, found by schemathesis), and no clock on Earth is outside -12:00..+14:00.
        offset = value.utcoffset()
        if offset is None or not OFFSET_RANGE[0] <= offset <= OFFSET_RANGE[1]:
            raise ValueError(_("Give an offset from UTC between -12:00 and +14:00."))
        return value

    @field_validator("document_number")
    @classmethod
    def _number_length(cls, value: str) -> str:
        if not 1 <= len(actions.document_number_normalise(value)) <= 32:
            raise ValueError(_("A document number has 1 to 32 letters and digits."))
        return value

    @field_validator("border_point")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("Name the border crossing point."))
        # A NUL cannot be stored in PostgreSQL's text; no name holds control characters.
        if any(unicodedata.category(character) == "Cc" for character in value):
            raise ValueError(_("The border crossing point's name may not hold control characters."))
        return value


class MovementOut(Schema):
    event_id: str
    status: Literal["recorded", "duplicate"] = Field(
        description="recorded: stored now; duplicate: stored before with the same content."
    )
    matched: bool = Field(description="A visa or permit issued by Haven has this number.")
    case: str | None = Field(description="The matched document's case reference.")
    case_status: str | None = Field(description="The case's status now, e.g. trp_submitted.")
    entry_recorded: bool = Field(
        description="This entry used the visa and opened the case's permit stage."
    )


def _answer(movement: Movement, created: bool) -> dict[str, Any]:
    case = movement.case
    return {
        "event_id": movement.event_id,
        "status": "recorded" if created else "duplicate",
        "matched": movement.document_id is not None,
        "case": case.reference if case else None,
        "case_status": case.status if case else None,
        "entry_recorded": movement.entry_recorded,
    }


@router.post(
    "",
    response={
        200: MovementOut,
        201: MovementOut,
        **BODY_ERRORS,
        401: ErrorOut,
        409: ErrorOut,
        429: ErrorOut,
    },
    throttle=[MovementThrottle()],
    url_name="movement_record",
    operation_id="movement_record",
    summary="Record a border crossing",
)
def movement_record(request: HttpRequest, payload: MovementIn) -> Status[dict[str, Any]]:
    """Store an entry or exit reported by border control; an entry with a granted visa
    opens the case's permit stage."""
    occurred_at: datetime = payload.occurred_at
    try:
        movement, created = actions.movement_record(
            client=request.auth,  # type: ignore[attr-defined]
            event_id=payload.event_id,
            kind=payload.kind,
            occurred_at=occurred_at,
            document_number=payload.document_number,
            border_point=payload.border_point,
        )
    except MovementError as error:
        if error.code == MovementErrorCode.CONFLICT:
            status, field = 409, "event_id"
        else:
            status, field = 422, "occurred_at"
        return Status(
            status,
            {
                "detail": [
                    {
                        "type": error.code.lower(),
                        "loc": ["body", "payload", field],
                        "msg": error.message,
                    }
                ]
            },
        )
    return Status(201 if created else 200, _answer(movement, created))
