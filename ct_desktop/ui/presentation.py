"""How states, months and moments are put into words on screen. Plain Python, no Qt.

Every state has words as well as a colour, so nothing is said by colour alone (colour-blind users,
screen readers, a washed-out laptop screen in a bright office).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ct_desktop.collection_window import LONDON, CollectionWindow, WindowState, status_text
from ct_desktop.models import ReturnDraft
from ct_desktop.period import MONTH_NAMES, Period, describe_day

NOT_STARTED = "not_started"
SET_ASIDE = "set_aside"  # shown for a queued return whose submission the sync engine set aside


@dataclass(frozen=True)
class StateLook:
    """The words and colour of one lifecycle state.

    ``tone`` names a colour of ui.theme (neutral, amber, blue, green, red, purple), from which the
    badge's text, background and border are derived for the palette in use, light or dark.
    """

    words: str
    explanation: str
    tone: str


STATE_LOOKS: dict[str, StateLook] = {
    NOT_STARTED: StateLook("Not started", "Nothing saved for this month yet.", "neutral"),
    "draft": StateLook("Draft", "Being filled in; every answer is saved as you type.", "amber"),
    "ready": StateLook("Ready", "Checked and about to be queued.", "blue"),
    "queued": StateLook("Queued to send", "Waiting in the outbox; sent when the network allows.",
                        "blue"),
    "accepted": StateLook("Accepted", "The tracker accepted this month's return.", "green"),
    "rejected": StateLook("Refused — needs changes", "The tracker refused it; open it to see why.",
                          "red"),
    SET_ASIDE: StateLook("Not sent — needs a look", "The tracker refused this submission; it will not be "
                         "tried again. Open it, check it and send it again.", "red"),
    "conflict": StateLook("Conflict — choose a copy", "The tracker's copy changed since; compare and choose.",
                          "purple"),
}


def state_key(draft: ReturnDraft | None) -> str:
    """The lifecycle state of a month's return, ``not_started`` when nothing is saved."""
    return str(draft.state) if draft is not None else NOT_STARTED


def look_of(state: str) -> StateLook:
    """The words and colour of a state (an unknown state is shown by its name, in neutral colours)."""
    return STATE_LOOKS.get(state, StateLook(state.replace("_", " ").capitalize(), "", "neutral"))


def day_text(moment: dt.datetime | dt.date) -> str:
    """E.g. '12 Aug 2026' (London date for a moment), in English whatever the locale."""
    day = moment.astimezone(LONDON).date() if isinstance(moment, dt.datetime) else moment
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]} {day.year}"


def time_text(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """'10:42' today, '10:42 on 12 Aug' another day (London time)."""
    local = moment.astimezone(LONDON)
    today = (now or dt.datetime.now(LONDON)).astimezone(LONDON).date()
    if local.date() == today:
        return f"{local:%H:%M}"
    return f"{local:%H:%M} on {local.day} {MONTH_NAMES[local.month - 1][:3]}"


def parse_moment(text: str | None) -> dt.datetime | None:
    """An ISO 8601 moment from the store or the tracker; None when missing or unreadable."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def window_text(window: CollectionWindow, moment: dt.datetime) -> str:
    """E.g. 'Open from Tuesday 8 September 2026; due by the end of Monday 14 September 2026 — 5 days left'."""
    state = window.state_at(moment)
    due = f"due by the end of {describe_day(window.due)}"
    if state is WindowState.CLOSED:
        return f"{window.period.label}: closed — was {due}. A late return can still be sent."
    return f"{window.period.label}: opens {describe_day(window.opens)}; {due} — {status_text(window, moment)}"


def window_is_urgent(window: CollectionWindow, moment: dt.datetime) -> bool:
    """True in the last three days of an open window, and once it is closed."""
    days = window.days_left(moment)
    return days is None or (window.state_at(moment) is WindowState.OPEN and days <= 3)


def month_of(moment: dt.datetime) -> Period:
    """The month a moment falls in, London time."""
    return Period.of(moment.astimezone(LONDON).date())
