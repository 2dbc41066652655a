"""``POST /api/v1/eligibility``: the CLI's JSON contract over HTTP, public and rate-limited."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.throttling import AnonRateThrottle
from pydantic import ConfigDict, field_validator

from haven.rules.eligibility import EligibilityInputError
from haven.rules.selectors import eligibility_evaluate

router = Router(tags=["eligibility"])

Language = Literal["en", "ru", "de", "fr", "it", "es"]
# A code as the CLI reads it: 2 or 3 letters (ICAO's D for Germany: 1), then < fillers.
COUNTRY_CODE = "^[A-Za-z]{1,3}<*$"


class EligibilityThrottle(AnonRateThrottle):
    """Requests per client address, at ``settings.HAVEN_API_ELIGIBILITY_RATE``.

    The rate is read on every request, so a changed setting applies at once.
    Counts live in Django's cache (the database cache), shared by all processes.
    """

    scope = "eligibility"

    def __init__(self) -> None:
        super().__init__(rate=settings.HAVEN_API_ELIGIBILITY_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.HAVEN_API_ELIGIBILITY_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class EligibilityIn(Schema):
    """The question. ``json_schema_extra`` declares what ``eligibility_evaluate`` checks
    (with its own refusals: ``unknown_programme``, ``unknown_nationality``...)."""

    model_config = ConfigDict(extra="forbid")

    programme: str = Field(
        description="The programme's id.",
        examples=["shared-values"],
        json_schema_extra={"minLength": 1, "maxLength": 64},
    )
    stage: str | None = Field(
        None,
        description="One of the programme's stages; its first stage when left out.",
        json_schema_extra={"minLength": 1, "maxLength": 64},
    )
    nationalities: list[str] = Field(
        max_length=10,
        description=(
            "Citizenships as ISO 3166 alpha-2/alpha-3 or ICAO 9303 codes (D, GBD, XXA, XXB, "
            "XXC, XXX...), trailing < fillers allowed; an empty list gives the outcome "
            "'undetermined'."
        ),
        examples=[["DE"]],
        json_schema_extra={"items": {"type": "string", "pattern": COUNTRY_CODE}},
    )
    residence: str | None = Field(
        None,
        description="State of permanent residence: an ISO 3166 or ICAO 9303 code of a state.",
        json_schema_extra={"pattern": COUNTRY_CODE},
    )
    date: str = Field(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="The date whose rules apply, YYYY-MM-DD.",
        examples=["2024-10-01"],
    )
    language: Language = Field("en", description="Language of the reasons' messages.")

    @field_validator("date")
    @classmethod
    def _real_date(cls, value: str) -> str:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                _("%(value)s is not a date in the calendar.") % {"value": value}
            ) from None
        return value


class ReasonOut(Schema):
    code: str
    message: str
    legal_reference: str | None


class ParameterUseOut(Schema):
    value: Any
    valid_from: str
    legal_reference: str


class EvaluationOut(Schema):
    programme: str
    stage: str
    date: str
    outcome: Literal["eligible", "ineligible", "undetermined"]
    reasons: list[ReasonOut]
    parameters: dict[str, ParameterUseOut]


class ErrorItem(Schema):
    model_config = ConfigDict(extra="allow")

    type: str = Field(description="What is wrong, e.g. unknown_programme, missing, throttled.")
    loc: list[str | int] = Field(description='Where: e.g. ["body", "payload", "stage"].')
    msg: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


# What an operation that reads a body (JSON, or multipart for uploads) may also answer: a
# body that cannot be read (400), is too large (413), of another media type (415) or not
# valid (422). Any status not listed comes in the same shape (the schema's ``default``).
BODY_ERRORS: dict[int, Any] = {400: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut}


@router.post(
    "/eligibility",
    response={200: EvaluationOut, **BODY_ERRORS, 429: ErrorOut},
    throttle=[EligibilityThrottle()],
    url_name="eligibility",
    operation_id="eligibility_evaluate",
    summary="Evaluate eligibility for a programme on a date",
)
def eligibility(request: HttpRequest, payload: EligibilityIn) -> Status[dict[str, Any]]:
    """The same answer as ``haven eligibility --format json``: an outcome that advises, never
    decides, with reasons and the law each rests on, and the parameters used."""
    try:
        evaluation = eligibility_evaluate(
            programme_id=payload.programme,
            nationalities=payload.nationalities,
            residence=payload.residence or None,
            on_date=dt.date.fromisoformat(payload.date),
            stage=payload.stage,
        )
    except EligibilityInputError as error:
        loc: list[str | int] = ["body", "payload", error.field]
        if error.index is not None:
            loc.append(error.index)
        return Status(
            422, {"detail": [{"type": error.code.lower(), "loc": loc, "msg": str(error)}]}
        )
    return Status(200, evaluation.as_dict(payload.language))
