"""Complete returns from examples/ and a way to record one as accepted, for the UI tests.

    from sample_returns import accept, care_home_values, summer_care_home_values, home_care_values
"""

from __future__ import annotations

import json
from pathlib import Path

from ct_desktop.models import AcceptedRevision
from ct_desktop.period import Period
from ct_desktop.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def care_home_values() -> dict:
    """A complete, valid September care home return (flu questions answered)."""
    return json.loads((EXAMPLES / "care_home-2026-09.json").read_text())["values"]


def summer_care_home_values() -> dict:
    """The same without the flu questions, as asked April to August."""
    return {k: v for k, v in care_home_values().items() if not k.startswith("flu_")}


def home_care_values() -> dict:
    """A complete, valid July home care return."""
    return json.loads((EXAMPLES / "home_care-2026-07.json").read_text())


def accept(store: Store, location_id: str, period: Period, values: dict, *, revision: int = 1, by: str = "AB",
           accepted_at: str = "2026-08-11T09:12:00+01:00") -> AcceptedRevision:
    """Enter, submit, 'send' and record the tracker's acceptance, as the sync engine would."""
    store.set_values(location_id, period, values, by)
    submission = store.submit(location_id, period, by, confirm_warnings=True)
    store.begin_attempt(submission.item.submission_id)
    return store.mark_accepted(submission.item.submission_id, revision, accepted_at,
                               f"CT-{location_id}-{period}-r{revision}-0000ABCD")
