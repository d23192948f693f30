"""When to try a failed submission again: exponential backoff with jitter, honouring Retry-After."""

from __future__ import annotations

import random
from dataclasses import dataclass

# 2**60 times any sensible base is already far beyond any cap; a larger exponent would only overflow.
_MAX_EXPONENT = 60


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait after the n-th failed attempt of an item.

    ``base_seconds`` * 2**(n-1), capped at ``max_seconds``, then spread by ±``jitter`` (a fraction) so
    that many computers that lost the network together do not all come back at the same second.
    After ``max_attempts`` failed attempts that the tracker answered, an item is set aside.
    """

    base_seconds: float = 30.0
    max_seconds: float = 3600.0
    jitter: float = 0.5
    max_attempts: int = 50

    def __post_init__(self) -> None:
        if self.base_seconds <= 0 or self.max_seconds < self.base_seconds:
            raise ValueError("the retry delays must be positive, and the cap at least the base")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter is a fraction from 0 up to (not including) 1")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def delay(self, attempts: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait after ``attempts`` failed attempts; never less than the tracker's Retry-After."""
        exponent = min(max(attempts, 1) - 1, _MAX_EXPONENT)
        backoff = min(self.max_seconds, self.base_seconds * 2.0**exponent)
        spread = (rng or random).uniform(-self.jitter, self.jitter)
        # Jitter may take a capped delay below the cap but never above it: the cap is a promise.
        waited = min(self.max_seconds, backoff * (1.0 + spread))
        return max(waited, float(retry_after or 0.0))
