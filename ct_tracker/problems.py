"""The kinds of error the API answers with, as RFC 9457 problem types: one per ``code``.

Every error answer is ``application/problem+json``: ``type`` is the URI of its kind (a page under
/api/v1/problems that describes it), ``title`` the kind's fixed summary, ``status`` and ``detail`` this
occurrence's, and ``code`` the same name programs have always read. A code not listed here (a status the
framework produced on its own) has the type ``about:blank`` and the HTTP status phrase as its title.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

PROBLEM_MEDIA_TYPE = "application/problem+json"
# Under the API's prefix (ct_tracker.api.API_PREFIX), where the pages describing each kind are served.
PROBLEMS_PATH = "/api/v1/problems"


@dataclass(frozen=True)
class ProblemType:
    """One kind of error: its status, a fixed title and what it means for the caller."""

    status: int
    title: str
    meaning: str


PROBLEM_TYPES: dict[str, ProblemType] = {
    "bad_request": ProblemType(400, "Bad request", "The request could not be read as HTTP the tracker understands."),
    "unauthorized": ProblemType(
        401, "Missing or unknown token",
        "No token came with the request, or it is not a token of this tracker: send "
        "'Authorization: Bearer <token>' with the token `ct-tracker add-provider` printed."),
    "forbidden": ProblemType(403, "Not one of this token's locations",
                             "The location belongs to another provider."),
    "location_not_found": ProblemType(404, "No such location", "The tracker has no location with that id."),
    "return_not_found": ProblemType(404, "No accepted return for that month",
                                    "The location has no accepted return for that month yet."),
    "not_found": ProblemType(404, "Nothing at this address", "The provider API is under /api/v1."),
    "method_not_allowed": ProblemType(405, "Method not allowed", "The address does not take that method."),
    "revision_conflict": ProblemType(
        409, "Not the latest revision",
        "base_revision is not the latest revision of the return: someone else sent one since. `current` holds "
        "the tracker's latest revision (null when there is none); send again on top of it."),
    "submission_id_reused": ProblemType(
        409, "Submission id already used",
        "The submission id was already accepted with different content: a changed return needs a new id."),
    "too_large": ProblemType(413, "Request body too large",
                             "The request body is over the tracker's limit (256 KiB unless set otherwise)."),
    "validation_failed": ProblemType(
        422, "Not accepted as sent",
        "The request or the return does not pass the tracker's checks: `errors` lists each problem as "
        "{field, code, message}, by form key or request field."),
    "rate_limited": ProblemType(
        429, "Too many requests",
        "Too many requests with this token, or with wrong tokens from this address: wait the seconds "
        "Retry-After says."),
    "internal_error": ProblemType(500, "Internal error",
                                  "The tracker failed to handle the request; it is in the tracker's log."),
    "unavailable": ProblemType(503, "Down for maintenance",
                               "The tracker is down for maintenance: wait the seconds Retry-After says."),
}


def problem_type_uri(code: str) -> str:
    """The ``type`` of an error with this code: its page, or ``about:blank`` for a code not listed."""
    return f"{PROBLEMS_PATH}/{code}" if code in PROBLEM_TYPES else "about:blank"


def problem_title(code: str, status: int) -> str:
    """The ``title`` of an error with this code: the kind's own, or the HTTP status phrase."""
    kind = PROBLEM_TYPES.get(code)
    if kind is not None:
        return kind.title
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
