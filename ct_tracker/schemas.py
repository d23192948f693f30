"""The API's request and response bodies (pydantic); they also make the OpenAPI document.

Field values are passed through untouched (any JSON value) so that the form's own checks judge them
and answer per field, rather than pydantic coercing ``true`` to 1 or ``"3"`` to 3 on the way in.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictStr
from pydantic.json_schema import WithJsonSchema
from pydantic_core import PydanticCustomError

from ct_tracker.intake import first_non_text_in_answers, is_text, not_text_message, quoted, too_many_message

NOT_TEXT = "not_text"
TOO_MANY = "too_many"

FieldValue = Annotated[
    Any,
    WithJsonSchema({
        "anyOf": [{"type": "number"}, {"type": "string"}, {"type": "array", "items": {"type": "string"}},
                  {"type": "null"}],
        "description": "a number for counts and hours, 'yes'/'no', a list of choice keys, or null for blank",
    }),
]
DateTimeText = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


def _text_only(value: Any) -> Any:
    # pydantic would also read a number as a Unix time; the API promises ISO 8601 text with an offset.
    if not isinstance(value, str):
        raise ValueError("must be ISO 8601 text with a UTC offset, e.g. 2026-09-10T09:30:00+01:00")
    return value


def _not_blank(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise ValueError("must name the person who reviewed the return")
    return value


def _real_text(value: Any) -> Any:
    # Before pydantic's own check, whose words for this ("unable to parse raw data") say nothing to people.
    if isinstance(value, str) and not is_text(value):
        raise PydanticCustomError(NOT_TEXT, not_text_message(value))
    return value


def _answers_fit(value: Any) -> Any:
    if isinstance(value, dict):
        # Counted before any entry is looked at, so that the per-answer work is bounded.
        too_many = too_many_message(len(value), "answers")
        if too_many is not None:
            raise PydanticCustomError(TOO_MANY, too_many)
        problem = first_non_text_in_answers(value)
        if problem is not None:
            raise PydanticCustomError(NOT_TEXT, problem)
    return value


def _keys_fit(value: Any) -> Any:
    if isinstance(value, list):
        too_many = too_many_message(len(value), "not-known keys")
        if too_many is not None:
            raise PydanticCustomError(TOO_MANY, too_many)
        for item in value:
            if isinstance(item, str) and not is_text(item):
                raise PydanticCustomError(NOT_TEXT, not_text_message(item, f"the key {quoted(item)}"))
    return value


ReviewedAt = Annotated[AwareDatetime, BeforeValidator(_text_only)]
Text = Annotated[StrictStr, BeforeValidator(_real_text)]
Revision = Annotated[int, Field(ge=1, strict=True)]


class Location(BaseModel):
    """A location the token may update."""

    id: str = Field(examples=["1-101"])
    name: str
    service_type: str = Field(examples=["care_home", "home_care"])
    local_authority: str | None = None
    region: str | None = None


class ReturnSubmission(BaseModel):
    """The body of PUT .../returns/{period}. Every field is required; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    submission_id: UUID = Field(description="chosen by the client; also sent as the Idempotency-Key header")
    base_revision: Revision | None = Field(
        description="the latest revision the client has seen; null for the first revision of the return")
    values: Annotated[dict[str, FieldValue], BeforeValidator(_answers_fit)] = Field(
        description="answers by field key; absent or null is blank")
    not_known: Annotated[list[StrictStr], BeforeValidator(_keys_fit)] = Field(
        description="keys answered 'not known / not applicable'")
    no_changes: StrictBool = Field(description="true when made with 'No changes - save page'")
    reviewed_by: Annotated[Text, Field(min_length=1, max_length=200), BeforeValidator(_not_blank)]
    reviewed_at: ReviewedAt = Field(description="when the data was reviewed, ISO 8601 with a UTC offset")
    form_version: Annotated[Text, Field(min_length=1, max_length=50)] = Field(
        description="the version of the question set the client used, e.g. 2025.1")


class Receipt(BaseModel):
    """The answer to an accepted PUT (201), and to an identical resend (200)."""

    revision: int
    accepted_at: DateTimeText
    receipt: str = Field(examples=["CT-1-101-2026-09-r1-3FA85F64"])


class AcceptedReturn(BaseModel):
    """One accepted revision of a return, as stored."""

    location_id: str
    period: str = Field(examples=["2026-09"])
    revision: int
    values: dict[str, FieldValue]
    not_known: list[str]
    no_changes: bool
    reviewed_by: str
    reviewed_at: DateTimeText
    form_version: str
    accepted_at: DateTimeText
    receipt: str
    submission_id: UUID


class ErrorBody(BaseModel):
    """Every error, as application/problem+json (RFC 9457), with a stable code for programs."""

    type: str = Field(description="the kind of error: a page under /api/v1/problems describing it, or about:blank",
                      examples=["/api/v1/problems/unauthorized"])
    title: str = Field(description="the kind's short summary, the same for every error of the kind")
    status: int = Field(description="the HTTP status of the answer")
    detail: str = Field(description="what went wrong with this request, in one sentence")
    instance: str | None = Field(None, description="the path of the request (left out when it is long)")
    code: str = Field(description="the kind of error as a name, e.g. revision_conflict: what programs test")
    message: str = Field(description="the same sentence as detail")


class FieldError(BaseModel):
    """One reason a request was refused: the field (a form key or a body field), a code, a sentence."""

    field: str
    code: str
    message: str


class ValidationFailed(ErrorBody):
    """422: the request or the return does not pass; one entry per problem, per field."""

    code: Literal["validation_failed"]
    errors: list[FieldError]


class RevisionConflict(ErrorBody):
    """409: base_revision is not the latest; ``current`` is the tracker's latest (null if none)."""

    code: Literal["revision_conflict"]
    current: AcceptedReturn | None


class SubmissionIdReused(ErrorBody):
    """409: this submission id was already used for different content."""

    code: Literal["submission_id_reused"]

