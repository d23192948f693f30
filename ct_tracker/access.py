"""Who may call the API and how often: provider tokens and the optional per-token rate limit."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


def new_token() -> str:
    """A fresh provider token: 32 random bytes, URL-safe text (43 characters)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 of a token, as hex: the only form in which a token is stored.

    A fast hash is right here: the token is 256 random bits, so there is nothing to guess a word
    list against; slow password hashes protect low-entropy secrets, which these are not.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def digests_match(stored: str, presented: str) -> bool:
    """Constant-time comparison of two token digests."""
    return hmac.compare_digest(stored.encode("ascii"), presented.encode("ascii"))


def parse_rate_limit(text: str) -> tuple[int, float]:
    """``N/S`` (N requests per S seconds) as a pair; ValueError with a clear message otherwise."""
    count, slash, seconds = text.partition("/")
    try:
        limit = (int(count), float(seconds))
    except ValueError:
        limit = (0, 0.0)
    if not slash or limit[0] < 1 or not (0 < limit[1] < math.inf):
        raise ValueError(f"'{text}' is not a rate limit: write N/S, e.g. 60/60 for 60 requests a minute")
    return limit


@dataclass(frozen=True)
class Verdict:
    """Whether a request may go ahead, and if not, how many whole seconds to wait."""

    allowed: bool
    retry_after: int = 0


class RateLimiter:
    """At most ``requests`` per ``per_seconds`` for each caller, over a sliding window.

    A sliding window (a log of recent request times) rather than fixed minutes, so a client cannot
    double its rate by bursting either side of a boundary. Refused requests are not logged: a client
    that honours Retry-After gets through as soon as it is told it will.
    """

    def __init__(self, requests: int, per_seconds: float, now: Callable[[], float] = time.monotonic):
        if requests < 1 or per_seconds <= 0:
            raise ValueError("a rate limit needs at least 1 request per a positive number of seconds")
        self.requests = requests
        self.per_seconds = per_seconds
        self._now = now
        self._log: dict[object, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, caller: object) -> Verdict:
        """Record a request by ``caller`` if it is within the limit; otherwise say when to retry."""
        with self._lock:
            now = self._now()
            times = self._log.setdefault(caller, deque())
            while times and times[0] <= now - self.per_seconds:
                times.popleft()
            if len(times) < self.requests:
                times.append(now)
                return Verdict(allowed=True)
            wait = times[0] + self.per_seconds - now
            return Verdict(allowed=False, retry_after=max(1, math.ceil(wait)))


class AuthFailureLimit:
    """At most ``failures`` refused tokens per ``per_seconds`` from each client address, then 429.

    Only failures are counted, and a request with a good token is never refused by this limit (a care
    home sharing an address with a misconfigured computer keeps working); a caller that keeps guessing
    is answered 429 instead of 401 until its oldest failure leaves the window.
    """

    def __init__(self, failures: int, per_seconds: float = 60, now: Callable[[], float] = time.monotonic):
        if failures < 1 or per_seconds <= 0:
            raise ValueError("an authentication failure limit needs at least 1 failure per a positive time")
        self.failures = failures
        self.per_seconds = per_seconds
        self._now = now
        self._log: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def fail(self, address: str) -> Verdict:
        """Record a refused token from ``address``; not allowed once it is over the limit."""
        with self._lock:
            now = self._now()
            times = self._log.setdefault(address, deque())
            while times and times[0] <= now - self.per_seconds:
                times.popleft()
            if len(times) < self.failures:
                times.append(now)
                return Verdict(allowed=True)
            # Refused guesses are not logged: the address is let back in when its window has passed.
            wait = times[0] + self.per_seconds - now
            return Verdict(allowed=False, retry_after=max(1, math.ceil(wait)))
