"""How values and moments are written in the database, and how they are shown in history."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ct_desktop.collection_window import LONDON
from ct_desktop.forms.model import Field
from ct_desktop.models import NOT_KNOWN, NOT_KNOWN_TEXT
from ct_desktop.period import MONTH_NAMES


def utc_text(moment: dt.datetime) -> str:
    """An aware moment as ISO 8601 in UTC with a fixed width, so that text order is time order in SQL."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} needs a time zone")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_time(text: str | None) -> dt.datetime | None:
    """The inverse of utc_text (None stays None)."""
    return dt.datetime.fromisoformat(text) if text else None


def to_json(data: Any) -> str:
    """Compact JSON text for a value or payload; the same data always gives the same text."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def from_json(text: str | None) -> Any:
    """The inverse of to_json (None stays None)."""
    return None if text is None else json.loads(text)


def shown(item: Field | None, answer: Any) -> str:
    """An answer as history shows it: the value as typed, "not known", or "" for blank."""
    if answer is NOT_KNOWN:
        return NOT_KNOWN_TEXT
    if answer is None:
        return ""
    if item is None:
        return answer if isinstance(answer, str) else to_json(answer)
    return item.format_text(answer)


def short_moment(moment: dt.datetime) -> str:
    """E.g. '14:02 on 26 Nov', London time, in English whatever the locale."""
    local = moment.astimezone(LONDON)
    return f"{local:%H:%M} on {local.day} {MONTH_NAMES[local.month - 1][:3]}"
