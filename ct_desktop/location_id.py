"""What a location id and a location name may be: one format, checked wherever one comes in.

A location id names a return on the tracker (``/locations/{id}/returns/YYYY-MM``), a row of a CSV and a
key of the local store, so it is checked alike when a person adds a location, when a CSV names one and
when the tracker lists one: letters, digits, '.', '_' and '-', beginning with a letter or digit, at most
64 characters, as the CQC writes its location ids (1-123456789). The reference tracker uses the same
pattern (LOCATION_ID_PATTERN) for the ids it accepts.
"""

from __future__ import annotations

import re

from ct_desktop.safe_text import has_control_characters, printable

LOCATION_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
MAX_LOCATION_NAME = 200
_LOCATION_ID = re.compile(LOCATION_ID_PATTERN, re.ASCII)
_ID_FORMAT = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters"


def is_location_id(text: str) -> bool:
    """Whether the text is a location id exactly (no trailing newline, no path, no control character)."""
    return isinstance(text, str) and _LOCATION_ID.fullmatch(text) is not None


def location_id_problem(text: str) -> str | None:
    """Why a text is not a location id, in one line; None when it is one."""
    if is_location_id(text):
        return None
    return f"{shown(text)} is not a location id: use the CQC location id, e.g. 1-123456789 ({_ID_FORMAT})"


def location_name_problem(name: str) -> str | None:
    """Why a text cannot be a location's name (blank, control characters, too long); None when it can."""
    if not name.strip():
        return "the location needs a name"
    if has_control_characters(name):
        return f"the name {shown(name)} holds control characters (such as ESC or a line break): type it plainly"
    if len(name) > MAX_LOCATION_NAME:
        return f"the name is {len(name):,} characters long: at most {MAX_LOCATION_NAME}"
    return None


def shown(text: str, limit: int = 40) -> str:
    """A text quoted for a message: control characters replaced, cut short when long."""
    text = printable(str(text))
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit - 3]}...' ({len(text):,} characters)"
