"""Reminders that work offline: what to tell the person, and when, about this month's window.

No Qt: the app's tray icon asks ``reminders_due`` every minute (and after the computer wakes) and
shows what it returns; this module decides.

Three stages of a month's window, each told once per location:

- ``opens``: the window is open (from the 8th) and the location's month is not with the tracker;
- ``two_days``: two days before the due date (or the day before, for a start on that day);
- ``due_day``: the due day itself.

Only the stage the moment is in is told (an app started on the due day does not tell the first two
as well), and only about the locations whose month is not yet with the tracker: what counts is what
the tracker accepted inside the window (``ct_desktop.compliance``). A location temporarily closed
today is left out. The stages told are kept in ``reminders.json`` in the data folder, so a restart
does not tell them again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ct_desktop.collection_window import CollectionWindow, collection_window, current_period
from ct_desktop.compliance import DeadlineStatus, closing_words, deadline_for, time_left_words
from ct_desktop.models import Location
from ct_desktop.period import Period

if TYPE_CHECKING:
    from ct_desktop.store import Store

REMINDERS_FILE = "reminders.json"
OPENS, TWO_DAYS, DUE_DAY = "opens", "two_days", "due_day"
# Names shown in one notification before "and N more".
NAMES_SHOWN = 3


@dataclasses.dataclass(frozen=True)
class LocationDeadline:
    """One location and where its month stands against the window."""

    location: Location
    status: DeadlineStatus


@dataclasses.dataclass(frozen=True)
class Reminder:
    """One notification: a title, the text, and the keys (stage and location) it tells."""

    title: str
    text: str
    keys: frozenset[str]


def stage_of(window: CollectionWindow, moment: dt.datetime) -> str | None:
    """The reminder stage ``moment`` is in for the window; None when it is not open."""
    days_left = window.days_left(moment)
    if days_left is None or window.days_until_open(moment) is not None:
        return None
    if days_left == 0:
        return DUE_DAY
    if days_left <= 2:
        return TWO_DAYS
    return OPENS


def reminder_key(period: Period, stage: str, location_id: str) -> str:
    """The key remembered once a stage was told for a location: '2026-12/due_day/1-101'."""
    return f"{period}/{stage}/{location_id}"


def reminders_due(moment: dt.datetime, deadlines: Sequence[LocationDeadline], told: Iterable[str]) -> list[Reminder]:
    """What to tell at ``moment``: at most one notification, about the locations whose month is not yet
    with the tracker and that were not told of this stage yet (``told``: the keys already told)."""
    period = current_period(moment)
    window = collection_window(period)
    stage = stage_of(window, moment)
    if stage is None:
        return []
    already = set(told)
    waiting = [d for d in deadlines if d.status.period == period and d.status.at_risk]
    untold = [d for d in waiting if reminder_key(period, stage, d.location.id) not in already]
    if not untold:
        return []
    keys = frozenset(reminder_key(period, stage, d.location.id) for d in untold)
    return [Reminder(_title(stage, period), _text(window, moment, untold), keys)]


def _title(stage: str, period: Period) -> str:
    return {
        OPENS: f"The {period.label} window is open",
        TWO_DAYS: f"{period.label} return due soon",
        DUE_DAY: f"{period.label} return due today",
    }[stage]


def _text(window: CollectionWindow, moment: dt.datetime, untold: Sequence[LocationDeadline]) -> str:
    names = [d.location.name for d in untold[:NAMES_SHOWN]]
    more = len(untold) - len(names)
    who = ", ".join(names) + (f" and {more} more" if more else "")
    left = time_left_words(window.closes_at - moment)
    return (f"Not yet with the tracker: {who}. {closing_words(window)[:1].upper()}{closing_words(window)[1:]} "
            f"({left}). Open ct-desktop to send it, or connect so that what is queued goes.")


def group_words(deadlines: Sequence[LocationDeadline], moment: dt.datetime) -> str | None:
    """The status bar's line for the group while any month is not yet with the tracker, e.g.
    '2 locations not yet with the tracker — window closes in 6 hours'; None when none is at risk."""
    waiting = [d for d in deadlines if d.status.at_risk and d.status.time_left is not None]
    if not waiting:
        return None
    count = f"{len(waiting)} location{'s' if len(waiting) != 1 else ''}"
    left = min(d.status.time_left for d in waiting if d.status.time_left is not None)
    return f"{count} not yet with the tracker — window closes {time_left_words(left)}"


def deadlines_now(store: Store, moment: dt.datetime) -> list[LocationDeadline]:
    """Every location of the store against this month's window, those temporarily closed today left out."""
    period = current_period(moment)
    today = moment.date()
    found = []
    for location in store.locations():
        if any(closure.covers(today) for closure in store.closures(location.id)):
            continue
        found.append(LocationDeadline(location, deadline_for(store, location.id, period, moment)))
    return found


# What was told ----------------------------------------------------------------------------------


def reminders_path(data_dir: Path) -> Path:
    """Where the keys of the reminders told are kept."""
    return Path(data_dir) / REMINDERS_FILE


def load_told(data_dir: Path) -> set[str]:
    """The keys told so far; an unreadable file counts as none told (a reminder too many, never one lost)."""
    try:
        raw = json.loads(reminders_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return set()
    told = raw.get("told") if isinstance(raw, dict) else None
    return {key for key in told if isinstance(key, str)} if isinstance(told, list) else set()


def save_told(data_dir: Path, told: Iterable[str], moment: dt.datetime) -> None:
    """Keep the keys told, those of this month and the last only (older windows are long closed)."""
    keep = {str(current_period(moment)), str(current_period(moment).previous())}
    kept = sorted(key for key in told if key.split("/", 1)[0] in keep)
    path = reminders_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".reminders-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({"told": kept}, stream, indent=2)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
