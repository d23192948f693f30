"""Error answers: every one is ``application/problem+json`` (RFC 9457), whoever raised it (us, FastAPI or
Starlette): ``{type, title, status, detail, instance, code, message, ...}``, where ``message`` repeats
``detail`` for the clients that read it by that name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from ct_tracker.intake import renderable, shortened
from ct_tracker.problems import PROBLEM_MEDIA_TYPE, problem_title, problem_type_uri
from ct_tracker.schemas import FieldError

# Where FastAPI says a bad value came from; the field name alone is what a client needs.
_SOURCES = ("body", "query", "path", "header", "cookie")
_CODES_BY_STATUS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                    405: "method_not_allowed", 413: "too_large"}
# The request path is the problem's ``instance`` only while it is as short as the API's own paths: an
# answer never quotes more than a little of what a request brought.
INSTANCE_LIMIT = 160
_PATH_SAFE = "/-._~!$&'()*+,;=:@"


class ProblemResponse(JSONResponse):
    """A JSON body sent as ``application/problem+json``."""

    media_type = PROBLEM_MEDIA_TYPE


class ApiError(Exception):
    """An error answer: status, code, message, any extra body fields and headers."""

    def __init__(self, status: int, code: str, message: str, *, extra: Mapping[str, Any] | None = None,
                 headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        """The body of this error's answer, for the request at ``instance`` (a path) if given."""
        body: dict[str, Any] = {"type": problem_type_uri(self.code), "title": problem_title(self.code, self.status),
                                "status": self.status, "detail": self.message}
        if instance is not None:
            body["instance"] = instance
        return {**body, "code": self.code, "message": self.message, **self.extra}

    def response(self, scope: Scope | None = None) -> JSONResponse:
        """The problem+json response for this error, to the request of ``scope`` if given."""
        instance = instance_of(scope) if scope is not None else None
        return ProblemResponse(renderable(self.problem(instance)), status_code=self.status, headers=self.headers)


def instance_of(scope: Scope) -> str | None:
    """The request's path as the problem's ``instance`` (a URI reference), or None when it is long."""
    # The path as sent (still percent-encoded, so that an encoded '/' stays one), re-quoted where it was not.
    raw = scope.get("raw_path")
    sent = raw.decode("latin-1") if isinstance(raw, bytes) else str(scope.get("path", ""))
    path = quote(sent, safe=f"{_PATH_SAFE}%")
    return path if path and len(path) <= INSTANCE_LIMIT else None


def validation_failed(errors: list[FieldError], message: str | None = None) -> ApiError:
    """422 with per-field errors."""
    summary = message or _summary(errors)
    return ApiError(422, "validation_failed", summary,
                    extra={"errors": [error.model_dump() for error in errors]})


PathProblems = Mapping[str, Callable[[str], FieldError]]


def install_error_handlers(app: FastAPI, path_problems: PathProblems | None = None) -> None:
    """Make every error answer, ours and the framework's, the same JSON shape.

    ``path_problems`` says, for a path parameter by name, why a value that does not match its declared
    pattern is refused (the API's code and sentence instead of pydantic's).
    """
    problems = dict(path_problems or {})

    async def request_invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [_field_error(error, problems) for error in exc.errors()]
        return validation_failed(errors).response(request.scope)

    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, request_invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return exc.response(request.scope)


def _field_error(error: Mapping[str, Any], path_problems: PathProblems) -> FieldError:
    location = tuple(error.get("loc", ()))
    if (len(location) == 2 and location[0] == "path" and location[1] in path_problems
            and error.get("type") == "string_pattern_mismatch" and isinstance(error.get("input"), str)):
        return path_problems[location[1]](error["input"])
    return FieldError(field=_field_name(error), code=str(error.get("type", "invalid")),
                      message=str(error.get("msg", "invalid value")))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODES_BY_STATUS.get(exc.status_code, f"http_{exc.status_code}")
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and message == HTTPStatus.NOT_FOUND.phrase:
        message = f"nothing at {shortened(request.url.path)}: the provider API is under /api/v1"
    elif exc.status_code == 405 and message == HTTPStatus.METHOD_NOT_ALLOWED.phrase:
        message = f"{shortened(request.method)} is not allowed on {shortened(request.url.path)}"
    return ApiError(exc.status_code, code, message, headers=exc.headers).response(request.scope)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Still a problem in JSON, so a client never mistakes an error page for an answer; the traceback goes to
    # the log.
    error = ApiError(500, "internal_error", "the tracker failed to handle this request")
    return error.response(request.scope)


def _field_name(error: Mapping[str, Any]) -> str:
    # Unparseable JSON is located by character offset (("body", 17)); the whole body is what is wrong.
    if error.get("type") == "json_invalid":
        return "body"
    # A field name can be a key the client made up (an extra field): only its start is quoted back.
    parts = [shortened(part) for part in error.get("loc", ())]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _summary(errors: list[FieldError]) -> str:
    if not errors:
        return "the request was not accepted"
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"not accepted: {first.field}: {first.message}{more}"
