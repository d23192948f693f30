"""What a location's card says while its month is not yet with the tracker, and what to do about it.

No Qt: the words only (``ct_desktop.compliance`` decides whether the month is at risk); the card shows
them in a box of the warning tone, of the error tone in the last days.
"""

from __future__ import annotations

from ct_desktop.compliance import NOT_STARTED, DeadlineStatus
from ct_desktop.models import ReturnState

# If the tracker cannot be reached in time, its own web page still takes the return.
PAPER = ("if the tracker cannot be reached in time, type the answers into the tracker's web page "
         "(ct-desktop draft show {id} {period} --print lists them in its order)")


def deadline_text(deadline: DeadlineStatus | None, location_id: str) -> str | None:
    """The warning and the next step, e.g. 'Not yet with the tracker: the window closes at the end of
    Monday 14 December (in 6 hours). Connect to the tracker and Send now (F5); …'. None when not at risk."""
    if deadline is None or not deadline.at_risk or not deadline.words:
        return None
    words = deadline.words[:1].upper() + deadline.words[1:]
    return f"{'URGENT: ' if deadline.urgent else ''}{words}. {_next_step(deadline, location_id)}"


def _next_step(deadline: DeadlineStatus, location_id: str) -> str:
    paper = PAPER.format(id=location_id, period=deadline.period)
    state = deadline.state
    if state == str(ReturnState.QUEUED):
        return f"Connect to the tracker and Send now (F5); {paper}."
    if state == NOT_STARTED:
        return "Start the return, or use No changes — save page if nothing changed since the last one."
    if state == str(ReturnState.REJECTED):
        return "Open it, change what the tracker refused, and submit it again."
    if state == str(ReturnState.CONFLICT):
        return "Compare both copies, choose, and send."
    return "Finish it and submit it; it is sent when the network allows."
