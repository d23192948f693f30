"""What one run of the outbox did: a plain value the app shows and the command line prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ct_desktop.collection_window import LONDON
from ct_desktop.forms.model import count_text
from ct_desktop.period import Period
from ct_desktop.store.codec import short_moment


@dataclass(frozen=True)
class SyncReport:
    """The outcome of one run of the outbox.

    ``accepted``: (location_id, period, revision, receipt) sent in this run; ``rejected`` and
    ``conflicts``: (location_id, period) the tracker refused or found changed in this run, now back with
    the user; ``set_aside``: (location_id, period, reason) for every item set aside in the outbox after
    the run (set aside now or earlier: each needs a person); ``still_queued``: items left to send;
    ``next_attempt_at``: the earliest moment one of them is due; ``offline``: the run stopped because
    the tracker could not be reached; ``unauthorized``: the token was refused (and forgotten).
    ``question_sets_added``: (service_type, version, first month) fetched from the tracker in this run;
    ``question_sets_refused``: (service_type, version, reason) that the tracker offered and that were
    not used (they failed their check). Periods are ``YYYY-MM`` text.
    """

    accepted: tuple[tuple[str, str, int, str], ...] = ()
    rejected: tuple[tuple[str, str], ...] = ()
    conflicts: tuple[tuple[str, str], ...] = ()
    set_aside: tuple[tuple[str, str, str], ...] = ()
    still_queued: int = 0
    offline: bool = False
    unauthorized: bool = False
    last_error: str | None = None
    finished_at: dt.datetime | None = None
    next_attempt_at: dt.datetime | None = None
    question_sets_added: tuple[tuple[str, str, str], ...] = ()
    question_sets_refused: tuple[tuple[str, str, str], ...] = ()

    @property
    def all_sent(self) -> bool:
        """True when nothing is left for the outbox or for a person: every return sent and accepted."""
        return not (self.still_queued or self.set_aside or self.rejected or self.conflicts or self.unauthorized)

    def summary(self) -> str:
        """One line for a person, e.g. "Sent 3 returns; 1 waiting: the tracker could not be reached"."""
        parts = [f"Sent {count_text(len(self.accepted), 'return')}" if self.accepted else "Nothing sent"]
        if self.rejected:
            parts.append(f"{len(self.rejected)} refused by the tracker: fix and submit again")
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} changed on the tracker since: compare both copies and choose")
        if self.set_aside:
            parts.append(f"{len(self.set_aside)} set aside: {self.set_aside[0][2]}")
        if self.unauthorized:
            parts.append("the tracker refused the token: connect again")
        if self.still_queued:
            parts.append(f"{self.still_queued} waiting: {self.waiting_reason()}")
        if len(parts) == 1 and not self.accepted:
            parts = ["Nothing to send: the outbox is empty"]
        return "; ".join(parts + self._question_set_parts())

    def _question_set_parts(self) -> list[str]:
        parts = []
        if self.question_sets_added:
            names = ", ".join(f"{kind} {version} (from {Period.parse(month).label})"
                              for kind, version, month in self.question_sets_added)
            plural = "s" if len(self.question_sets_added) > 1 else ""
            parts.append(f"new question set{plural} from the tracker: {names}")
        if self.question_sets_refused:
            count = len(self.question_sets_refused)
            parts.append(f"{count_text(count, 'question set')} from the tracker refused, not used: "
                         f"{'it fails its' if count == 1 else 'they fail their'} check")
        return parts

    def waiting_reason(self) -> str:
        """Why items are still queued, in a few words."""
        if self.unauthorized:
            return "until the tracker is connected again"
        next_try = f"next try at {_clock_time(self.next_attempt_at, self.finished_at)}" if self.next_attempt_at else ""
        if self.offline:
            return "the tracker could not be reached" + (f" ({next_try})" if next_try else "")
        reason = next_try or "to be sent"
        return f"{reason} ({self.last_error})" if self.last_error else reason

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (``ct-desktop sync --json``)."""
        return {
            "all_sent": self.all_sent,
            "summary": self.summary(),
            "accepted": [{"location": loc, "period": period, "revision": revision, "receipt": receipt}
                         for loc, period, revision, receipt in self.accepted],
            "rejected": [{"location": loc, "period": period} for loc, period in self.rejected],
            "conflicts": [{"location": loc, "period": period} for loc, period in self.conflicts],
            "set_aside": [{"location": loc, "period": period, "reason": reason}
                          for loc, period, reason in self.set_aside],
            "still_queued": self.still_queued,
            "next_attempt_at": _iso(self.next_attempt_at),
            "offline": self.offline,
            "unauthorized": self.unauthorized,
            "last_error": self.last_error,
            "finished_at": _iso(self.finished_at),
            "question_sets": {
                "added": [{"service_type": kind, "version": version, "effective_month": month}
                          for kind, version, month in self.question_sets_added],
                "refused": [{"service_type": kind, "version": version, "reason": reason}
                            for kind, version, reason in self.question_sets_refused],
            },
        }




def _clock_time(moment: dt.datetime, reference: dt.datetime | None) -> str:
    # HH:MM London time when it is the same day as the run; with the day otherwise.
    local = moment.astimezone(LONDON)
    today = (reference or dt.datetime.now(LONDON)).astimezone(LONDON).date()
    return f"{local:%H:%M}" if local.date() == today else short_moment(moment)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None
