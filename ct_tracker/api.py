"""The provider API's routes, under /api/v1: locations, and the returns of each location by month
(the question sets are in ct_tracker.question_sets).

Every route passes the same gate, in this order: maintenance (503), token (401), rate limit (429),
then for a location, whether it exists (404) and is the caller's (403). Request bodies are checked
by pydantic (422) and then by the form definitions (422 per field).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ct_desktop.forms.catalogue import FormCatalogue
from ct_desktop.location_id import LOCATION_ID_PATTERN
from ct_tracker.access import AuthFailureLimit, RateLimiter, digests_match, token_digest
from ct_tracker.database import (
    CONFLICT,
    CREATED,
    REPLAYED,
    REUSED,
    Acceptance,
    Provider,
    TrackedLocation,
    TrackerDatabase,
)
from ct_tracker.errors import ApiError, validation_failed
from ct_tracker.intake import shortened
from ct_tracker.schemas import (
    AcceptedReturn,
    ErrorBody,
    FieldError,
    Location,
    Receipt,
    ReturnSubmission,
    RevisionConflict,
    SubmissionIdReused,
    ValidationFailed,
)
from ct_tracker.submission import AcceptedRevision, Submission
from ct_tracker.validation import (
    PERIOD_PATTERN,
    Rejected,
    form_in_force,
    location_id_error,
    period_problem,
    returnable_period_of,
    submission_errors,
)

API_PREFIX = "/api/v1"
HISTORY_DEFAULT = 12
HISTORY_MAX = 120
# The pattern the desktop app, the tracker's CLI and the API all check location ids against, anchored as a
# JSON Schema pattern must be (it matches anywhere otherwise).
LOCATION_ID_PATH_PATTERN = f"^{LOCATION_ID_PATTERN}$"
# Path parameters that do not match their pattern, said in the API's own words rather than pydantic's.
PATH_PROBLEMS = {"period": period_problem, "location_id": location_id_error}

LocationId = Annotated[str, Path(pattern=LOCATION_ID_PATH_PATTERN, examples=["1-101"],
                                 description="the location's id (its CQC location id, e.g. 1-123456789)")]
PeriodText = Annotated[str, Path(pattern=PERIOD_PATTERN, examples=["2026-09"],
                                 description="the month of the return, YYYY-MM, from 2022-07 to the current month "
                                             "(London time)")]
IdempotencyKey = Annotated[UUID, Header(alias="Idempotency-Key", description="the body's submission_id")]


@dataclass
class TrackerContext:
    """What the routes work with, passed explicitly through app.state rather than held in globals.

    ``maintenance`` may be changed while the server runs: when it is a number of seconds, every API
    request is answered 503 with that Retry-After.
    """

    database: TrackerDatabase
    catalogue: FormCatalogue
    clock: Callable[[], dt.datetime]
    rate_limiter: RateLimiter | None = None
    maintenance: int | None = None
    auth_failures: AuthFailureLimit | None = None
    # The catalogue with the question sets published since the server started (ct_tracker.question_sets).
    question_sets: Callable[[], FormCatalogue] | None = None

    def current_catalogue(self) -> FormCatalogue:
        """The question sets the tracker accepts now: built in, and published."""
        return self.question_sets() if self.question_sets else self.catalogue


_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again",
                                "schema": {"type": "integer"}}}
_GATE: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "no token, or not a token of this tracker (code unauthorized)"},
    429: {"model": ErrorBody, "description": "too many requests for this token, or with wrong tokens from this "
                                             "address (code rate_limited)",
          "headers": _RETRY_AFTER},
    500: {"model": ErrorBody, "description": "the tracker failed to handle the request (code internal_error)"},
    503: {"model": ErrorBody, "description": "the tracker is down for maintenance (code unavailable)",
          "headers": _RETRY_AFTER},
}
_LOCATION_GATE: dict[int | str, dict[str, Any]] = {
    **_GATE,
    403: {"model": ErrorBody, "description": "the location belongs to another provider (code forbidden)"},
    404: {"model": ErrorBody, "description": "no such location (code location_not_found), or no accepted "
                                             "return for that month (code return_not_found)"},
    422: {"model": ValidationFailed, "description": "a malformed request, or a return that does not pass: "
                                                    "one entry per problem, per field"},
}

bearer = HTTPBearer(auto_error=False, description="the provider token printed by `ct-tracker add-provider`")


def tracker(request: Request) -> TrackerContext:
    """The context of the app serving this request."""
    return request.app.state.tracker


def available(ctx: Annotated[TrackerContext, Depends(tracker)]) -> None:
    """503 while the tracker is in maintenance."""
    if ctx.maintenance is not None:
        raise ApiError(503, "unavailable", "the tracker is down for maintenance: try again later",
                       headers={"Retry-After": str(ctx.maintenance)})


def current_provider(request: Request, ctx: Annotated[TrackerContext, Depends(tracker)],
                     credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Provider:
    """The provider whose token came with the request (401 otherwise, 429 after too many from the caller's
    address), within its rate limit (429)."""
    provider = None
    if credentials is not None:
        digest = token_digest(credentials.credentials)
        # The lookup by digest cannot be steered by timing (a caller cannot choose digests); the final
        # comparison is constant-time all the same.
        provider = ctx.database.provider_by_token(digest)
        if provider is not None and not digests_match(provider.token_sha256, digest):
            provider = None
    if provider is None and ctx.auth_failures is not None:
        address = request.client.host if request.client else ""
        verdict = ctx.auth_failures.fail(address)
        if not verdict.allowed:
            raise ApiError(429, "rate_limited", f"too many requests with a wrong or missing token from this "
                                                f"address: try again in {verdict.retry_after} seconds",
                           headers={"Retry-After": str(verdict.retry_after)})
    if provider is None:
        raise ApiError(401, "unauthorized", "missing or unknown token: send 'Authorization: Bearer <token>'",
                       headers={"WWW-Authenticate": "Bearer"})
    if ctx.rate_limiter is not None:
        verdict = ctx.rate_limiter.check(provider.id)
        if not verdict.allowed:
            raise ApiError(429, "rate_limited",
                           f"too many requests: try again in {verdict.retry_after} seconds",
                           headers={"Retry-After": str(verdict.retry_after)})
    return provider


def own_location(location_id: LocationId, provider: Annotated[Provider, Depends(current_provider)],
                 ctx: Annotated[TrackerContext, Depends(tracker)]) -> TrackedLocation:
    """The location of the path if it exists (404) and belongs to the caller (403)."""
    location = ctx.database.location(location_id)
    if location is None:
        raise ApiError(404, "location_not_found", f"the tracker has no location {shortened(location_id)}")
    if location.provider_id != provider.id:
        raise ApiError(403, "forbidden", f"location {location_id} is not one of this token's locations")
    return location


router = APIRouter(dependencies=[Depends(available)])
Context = Annotated[TrackerContext, Depends(tracker)]
OwnLocation = Annotated[TrackedLocation, Depends(own_location)]


@router.get("/locations", response_model=list[Location], responses=_GATE, summary="The token's locations")
def list_locations(provider: Annotated[Provider, Depends(current_provider)], ctx: Context) -> list[Location]:
    """The locations this token may update."""
    return [Location(id=loc.id, name=loc.name, service_type=loc.service_type,
                     local_authority=loc.local_authority, region=loc.region)
            for loc in ctx.database.locations_of(provider.id)]


@router.put(
    "/locations/{location_id}/returns/{period}",
    status_code=201,
    response_model=Receipt,
    summary="Send a revision of a month's return",
    responses={
        200: {"model": Receipt, "description": "an identical resend: the same body as when it was accepted"},
        201: {"model": Receipt, "description": "accepted as a new revision"},
        **_LOCATION_GATE,
        409: {"model": RevisionConflict | SubmissionIdReused,
              "description": "base_revision is not the latest (revision_conflict, with the current copy), or "
                             "the submission id was used for different content (submission_id_reused)"},
        413: {"model": ErrorBody, "description": "the body is over the tracker's limit, 256 KiB unless set "
                                                 "otherwise (code too_large)"},
    },
)
def put_return(period: PeriodText, body: ReturnSubmission, location: OwnLocation, ctx: Context,
               idempotency_key: IdempotencyKey) -> JSONResponse:
    """Accept a return as the next revision, replay an identical resend, or say why not."""
    if idempotency_key != body.submission_id:
        raise validation_failed([FieldError(
            field="Idempotency-Key", code="idempotency_key_mismatch",
            message=f"the Idempotency-Key header ({idempotency_key}) must equal submission_id "
                    f"({body.submission_id})")])
    try:
        month = returnable_period_of(period, ctx.clock())
        catalogue = ctx.current_catalogue()
        form = form_in_force(catalogue, location.service_type, month)
    except Rejected as exc:
        raise validation_failed(exc.errors) from exc
    submission = Submission(
        location_id=location.id, period=str(month), submission_id=str(body.submission_id),
        base_revision=body.base_revision, values=body.values, not_known=body.not_known,
        no_changes=body.no_changes, reviewed_by=body.reviewed_by, reviewed_at=body.reviewed_at.isoformat(),
        form_version=body.form_version,
    )
    previous = ctx.database.previous_return(location.id, str(month))
    problems = submission_errors(catalogue, form, month, body.form_version, body.values, body.not_known,
                                 previous)
    if problems:
        # A resend of something already accepted is answered as a resend, even if the forms changed since.
        stored = ctx.database.find_submission(submission.submission_id)
        if stored is None:
            raise validation_failed(problems)
        same = stored.content_sha256 == submission.content_sha256()
        return _answer(Acceptance(REPLAYED if same else REUSED, stored), submission)
    accepted_at = ctx.clock().astimezone(dt.UTC).isoformat(timespec="seconds")
    return _answer(ctx.database.accept(submission, accepted_at), submission)


@router.get("/locations/{location_id}/returns/{period}", response_model=AcceptedReturn,
            responses=_LOCATION_GATE, summary="The latest accepted revision of a month's return")
def get_return(period: PeriodText, location: OwnLocation, ctx: Context) -> AcceptedReturn:
    """The latest accepted revision, or 404 when the month has none."""
    try:
        month = returnable_period_of(period, ctx.clock())
    except Rejected as exc:
        raise validation_failed(exc.errors) from exc
    latest = ctx.database.latest(location.id, str(month))
    if latest is None:
        raise ApiError(404, "return_not_found", f"no return for {location.id} in {month.label} has been accepted")
    return accepted_return(latest)


@router.get("/locations/{location_id}/returns", response_model=list[AcceptedReturn],
            responses=_LOCATION_GATE, summary="Recent accepted returns, newest month first")
def list_returns(location: OwnLocation, ctx: Context,
                 last: Annotated[int, Query(ge=1, le=HISTORY_MAX, description="how many months")] = HISTORY_DEFAULT,
                 ) -> list[AcceptedReturn]:
    """The latest revision of each of the ``last`` most recent months that have an accepted return."""
    return [accepted_return(revision) for revision in ctx.database.history(location.id, last)]


def accepted_return(revision: AcceptedRevision) -> AcceptedReturn:
    """An accepted revision as the API shows it."""
    return AcceptedReturn(
        location_id=revision.location_id, period=revision.period, revision=revision.revision,
        values=revision.values, not_known=revision.not_known, no_changes=revision.no_changes,
        reviewed_by=revision.reviewed_by, reviewed_at=revision.reviewed_at, form_version=revision.form_version,
        accepted_at=revision.accepted_at, receipt=revision.receipt, submission_id=UUID(revision.submission_id),
    )


def _answer(acceptance: Acceptance, submission: Submission) -> JSONResponse:
    stored = acceptance.revision
    if acceptance.outcome in (CREATED, REPLAYED):
        assert stored is not None
        receipt = Receipt(revision=stored.revision, accepted_at=stored.accepted_at, receipt=stored.receipt)
        return JSONResponse(receipt.model_dump(mode="json"), status_code=201 if acceptance.outcome == CREATED else 200)
    if acceptance.outcome == REUSED:
        assert stored is not None
        # Where the id was used is said only for this location: another provider's returns are not ours to name.
        used = (f"as revision {stored.revision} of {stored.location_id} {stored.period}"
                if stored.location_id == submission.location_id else "for another return")
        raise ApiError(409, "submission_id_reused",
                       f"submission {submission.submission_id} was already accepted {used}, with different "
                       "content: a changed return needs a new submission id")
    assert acceptance.outcome == CONFLICT
    raise ApiError(409, "revision_conflict", _conflict_message(submission, stored),
                   extra={"current": accepted_return(stored).model_dump(mode="json") if stored else None})


def _conflict_message(submission: Submission, current: AcceptedRevision | None) -> str:
    where = f"{submission.location_id} {submission.period}"
    if current is None:
        return (f"base_revision {submission.base_revision} does not exist: the tracker has no revision of "
                f"{where} yet (send base_revision null)")
    base = "null" if submission.base_revision is None else submission.base_revision
    return (f"base_revision {base} is not the latest: the tracker has revision {current.revision} of {where}, "
            f"accepted {current.accepted_at}, reviewed by {current.reviewed_by}")

