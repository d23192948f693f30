"""Learning what the tracker already holds: its recent accepted revisions of each location.

A new installation (or a second computer of the same provider) then has a previous return for "no
changes" and for trends, and edits of an accepted month build on the tracker's latest revision.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from ct_desktop.models import AcceptedRevision
from ct_desktop.period import Period, PeriodError
from ct_desktop.store import Store, StoreError
from ct_desktop.store.tracker_copies import check_copy
from ct_desktop.sync.client import Forbidden, NotFound, TrackerClient

HISTORY_MONTHS = 12
log = logging.getLogger(__name__)


def pull_history(store: Store, client: TrackerClient, location_ids: Iterable[str] | None = None,
                 last: int = HISTORY_MONTHS) -> list[AcceptedRevision]:
    """Record the tracker's recent accepted revisions that the store does not have yet; the ones recorded.

    Locations the tracker does not know or does not let this token see (added here by hand) are
    skipped. Unauthorized and TransientError pass through: the caller decides what they mean.
    """
    ids = list(location_ids) if location_ids is not None else [location.id for location in store.locations()]
    recorded: list[AcceptedRevision] = []
    for location_id in ids:
        try:
            copies = client.recent_returns(location_id, last)
        except (Forbidden, NotFound) as exc:
            log.info("no history for %s from the tracker: %s", location_id, exc)
            continue
        known = {(str(r.period), r.revision) for r in store.accepted_revisions(location_id)}
        for copy in copies:
            period = _usable(copy)
            if period is None or (str(period), copy["revision"]) in known:
                continue
            revision = store.record_tracker_revision(location_id, period, copy)
            if revision is not None:
                recorded.append(revision)
    return recorded


def _usable(copy: Any) -> Period | None:
    # A malformed entry is skipped rather than failing the rest: it can be learnt on a later pull.
    if not isinstance(copy, dict):
        return None
    try:
        check_copy(copy)
        return Period.parse(str(copy.get("period")))
    except (StoreError, PeriodError):
        log.warning("skipped an entry of the tracker's history that is not a usable revision")
        return None
