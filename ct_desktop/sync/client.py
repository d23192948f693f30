"""The tracker's provider API, spoken over one requests.Session. No Qt, no SQL.

Every call has a timeout; TLS is always verified; plain http is allowed only to this machine. Only
the documented success answers with the expected JSON count as success: a captive Wi-Fi page that
answers 200 with HTML means the network is not really there, and is treated as a transient failure.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from ct_desktop import __version__
from ct_desktop.sync.address import TrackerUrlError, api_base, is_loopback  # noqa: F401  (TrackerUrlError, still offered here)

# (connect, read) seconds: a care home's Wi-Fi can be slow, but a hung request must not hold the queue.
DEFAULT_TIMEOUT = (10.0, 30.0)
USER_AGENT = f"ct-desktop/{__version__} python-requests/{requests.__version__}"

log = logging.getLogger(__name__)


class SyncError(Exception):
    """A request that did not succeed; subclasses say whether to try again."""

    transient = False


class TransientError(SyncError):
    """Worth trying again later: no network, a timeout, 429, 5xx, or an answer that is not the tracker's."""

    transient = True

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class Unreachable(TransientError):
    """The tracker itself did not answer: no network, a dropped or timed-out connection, TLS that could not
    be set up, or an answer from something else on the way (a Wi-Fi login page, a redirect).

    The sync engine stops its run on this rather than trying every other item into the same void, and
    never gives up on an item because of it.
    """


class Unauthorized(SyncError):
    """401: the token is wrong, expired or withdrawn."""


class Forbidden(SyncError):
    """403: this token may not update that location."""


class NotFound(SyncError):
    """404: no such location, or no accepted return for that month."""


class Conflict(SyncError):
    """409: ``revision_conflict`` (with the tracker's current copy) or ``submission_id_reused``."""

    def __init__(self, message: str, code: str, current: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.current = current


class Rejected(SyncError):
    """422: the tracker's validation failed; ``errors`` lists {field, code, message}."""

    def __init__(self, message: str, errors: list[dict[str, Any]]):
        super().__init__(message)
        self.errors = errors


class UnexpectedAnswer(SyncError):
    """Another 4xx: a mistake that retrying will not mend."""


@dataclass(frozen=True)
class Acceptance:
    """The tracker's answer to an accepted return."""

    revision: int
    accepted_at: str
    receipt: str
    replayed: bool = False  # True when the tracker had it already (200 to an identical resend)


@dataclass
class TrackerClient:
    """One tracker, one token, one session."""

    tracker_url: str
    token: str
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    progress: Callable[[str], None] | None = None
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.base = api_base(self.tracker_url)
        self.session.verify = True
        if is_loopback(urlsplit(self.base).hostname or ""):
            # This computer is reached directly: a proxy from HTTP_PROXY or the system settings would see
            # the token in the clear (plain http is allowed only here).
            self.session.trust_env = False
            self.session.proxies.clear()
        self.session.headers.update({
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Authorization": f"Bearer {self.token}",
        })

    def close(self) -> None:
        """Release the connections."""
        self.session.close()

    def locations(self) -> list[dict[str, Any]]:
        """The locations this token may update."""
        body = self._call("GET", "/locations", expect=(200,))[1]
        if not isinstance(body, list) or not all(isinstance(item, dict) and "id" in item for item in body):
            raise TransientError("the tracker's answer was not a list of locations")
        return body

    def put_return(self, location_id: str, period: str, payload: Mapping[str, Any]) -> Acceptance:
        """Send one frozen submission; the submission id doubles as the idempotency key."""
        status, body = self._call(
            "PUT", self._return_path(location_id, period), expect=(200, 201), json_body=payload,
            headers={"Idempotency-Key": str(payload["submission_id"])},
        )
        try:
            return Acceptance(revision=int(body["revision"]), accepted_at=str(body["accepted_at"]),
                              receipt=str(body["receipt"]), replayed=status == 200)
        except (KeyError, TypeError, ValueError) as exc:
            raise TransientError("the tracker's answer did not carry a revision and receipt") from exc

    def get_return(self, location_id: str, period: str) -> dict[str, Any] | None:
        """The latest accepted revision of a month, or None when the tracker has none."""
        try:
            return self._call("GET", self._return_path(location_id, period), expect=(200,))[1]
        except NotFound:
            return None

    def recent_returns(self, location_id: str, last: int = 12) -> list[dict[str, Any]]:
        """The latest accepted revision of each of the most recent months, newest first."""
        path = f"/locations/{quote(location_id, safe='')}/returns"
        body = self._call("GET", path, expect=(200,), params={"last": last})[1]
        if not isinstance(body, list):
            raise TransientError("the tracker's answer was not a list of returns")
        return body

    def question_sets(self) -> list[dict[str, Any]]:
        """The question sets the tracker accepts: service type, version, effective date, content SHA-256."""
        body = self._call("GET", "/question-sets", expect=(200,))[1]
        if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
            raise TransientError("the tracker's answer was not a list of question sets")
        return body

    def question_set(self, service_type: str, version: str) -> dict[str, Any]:
        """One question set with its definition (``text``, a definition file's TOML) and ``content_sha256``."""
        path = f"/question-sets/{quote(service_type, safe='')}/{quote(version, safe='')}"
        body = self._call("GET", path, expect=(200,))[1]
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            raise TransientError("the tracker's answer did not carry a question set's definition")
        return body

    @staticmethod
    def _return_path(location_id: str, period: str) -> str:
        return f"/locations/{quote(location_id, safe='')}/returns/{quote(period, safe='')}"

    def _call(self, method: str, path: str, *, expect: tuple[int, ...], json_body: Any = None,
              headers: Mapping[str, str] | None = None, params: Mapping[str, Any] | None = None) -> tuple[int, Any]:
        if self.progress:
            self.progress(f"{method} {path}")
        try:
            response = self.session.request(method, self.base + path, json=json_body, headers=headers,
                                            params=params, timeout=self.timeout, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            log.info("%s %s: %s: %s", method, path, type(exc).__name__, exc)
            raise Unreachable("the tracker's certificate could not be verified: check the tracker's address "
                              "and the computer's date and time") from exc
        except requests.exceptions.Timeout as exc:
            log.info("%s %s: %s: %s", method, path, type(exc).__name__, exc)
            raise Unreachable("the tracker did not answer in time") from exc
        except requests.exceptions.RequestException as exc:
            # The person reads what to do; the library's own account of it is for the log.
            log.info("%s %s: %s: %s", method, path, type(exc).__name__, exc)
            raise Unreachable("the tracker could not be reached: check the network connection") from exc
        return classify(response, expect)


def classify(response: requests.Response, expect: tuple[int, ...]) -> tuple[int, Any]:
    """(status, JSON body) for an expected success; otherwise the SyncError that says what happened."""
    status = response.status_code
    body = _json_body(response)
    if status in expect:
        if body is _NO_JSON:
            raise Unreachable(f"the answer ({status}) was not the tracker's: no JSON body (a Wi-Fi login page?)")
        return status, body
    details = body if isinstance(body, dict) else {}
    message = str(details.get("message") or f"the tracker answered {status}")
    if (status == 429 or status >= 500) and not _trackers_error(details):
        # A gateway or proxy on the way answered for it (an HTML 502 or 504 page): the tracker was not reached.
        raise Unreachable(f"the tracker was not reached: something on the way answered {status} "
                          f"({_content_type(response)}), not the tracker")
    if status == 429 or status >= 500:
        raise TransientError(f"the tracker is busy ({status}): {message}", _retry_after(response))
    if status == 401:
        raise Unauthorized("the tracker did not accept the token: connect again with a new one")
    if status == 403:
        raise Forbidden(message)
    if status == 404:
        raise NotFound(message)
    if status == 409:
        raise Conflict(message, str(details.get("code", "")), details.get("current"))
    if status == 422:
        errors = details.get("errors")
        raise Rejected(message, errors if isinstance(errors, list) else [])
    if 300 <= status < 400 or 200 <= status < 300:
        raise Unreachable(f"unexpected answer {status} from the tracker address (is it the right URL?)")
    raise UnexpectedAnswer(f"the tracker answered {status}: {message}")


_NO_JSON = object()


def _trackers_error(details: Mapping[str, Any]) -> bool:
    # The tracker's errors are JSON objects {"code": ..., "message": ...}.
    return isinstance(details.get("code"), str) and isinstance(details.get("message"), str)


def _content_type(response: requests.Response) -> str:
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return f"a {kind} page" if kind else "no content type"


def _json_body(response: requests.Response) -> Any:
    if "json" not in response.headers.get("Content-Type", "").lower():
        return _NO_JSON
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return _NO_JSON


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP date is allowed too, but the tracker sends seconds; fall back to our backoff
    return max(0.0, min(seconds, 3600.0))
