"""What a request may bring in: text that is really text, and how much of any input a message may quote.

JSON lets a string spell half of a UTF-16 surrogate pair on its own (``"\\ud800"``); Python reads it as
a string that cannot be written out as UTF-8 again, neither to the database's canonical JSON nor to an
answer. Such a string is refused on arrival, naming where it was, so nothing downstream meets it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

QUOTE_LIMIT = 40
# More answers or not-known keys than any question set has fields (tens) is refused before any is looked at.
MAX_ENTRIES = 1000


def is_text(value: str) -> bool:
    """Whether a string holds only characters (no lone surrogate), so that it can be written as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shortened(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A piece of input as a message may show it: escaped to printable text, at most ``limit`` characters
    of it (then "...")."""
    text = value if isinstance(value, str) else str(value)
    shown = "".join(char if char.isprintable() and is_text(char) else _escaped(char) for char in text[:limit])
    return f"{shown}..." if len(text) > limit else shown


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """shortened(), in quotes."""
    return f"'{shortened(value, limit)}'"


def too_many_message(count: int, what: str) -> str | None:
    """Why a list of ``count`` answers or keys is refused before it is read, or None when it is not."""
    if count <= MAX_ENTRIES:
        return None
    return f"{count} {what} is more than any question set has: at most {MAX_ENTRIES} can be sent"


def lone_surrogate(value: str) -> str:
    """The first character of ``value`` that is not text, escaped (``\\ud800``); empty when there is none."""
    for char in value:
        if not is_text(char):
            return _escaped(char)
    return ""


def not_text_message(value: str, what: str = "") -> str:
    """The one-line reason a string is refused; ``what`` names it when the field alone does not."""
    subject = f"{what} must" if what else "must"
    return (f"{subject} be text, but holds {lone_surrogate(value)}: half of a UTF-16 surrogate pair on its own, "
            "which is no character")


def first_non_text_in_answers(values: dict[Any, Any]) -> str | None:
    """Why the answers cannot be kept as text (a key or any string inside a value), or None when they can."""
    for key, value in values.items():
        if isinstance(key, str) and not is_text(key):
            return not_text_message(key, f"the answer key {quoted(key)}")
        for text in _strings_in(value):
            if not is_text(text):
                return not_text_message(text, f"the answer to {quoted(key)}")
    return None


def renderable(data: Any) -> Any:
    """``data`` with every string made writable as UTF-8 (a lone surrogate spelt out as ``\\ud800``).

    A safety net for answers: whatever a message ends up quoting, the answer itself can always be sent.
    """
    if isinstance(data, str):
        return data if is_text(data) else data.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(data, dict):
        return {renderable(key): renderable(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [renderable(item) for item in data]
    return data


def _strings_in(value: Any) -> Iterator[str]:
    # Iterative, not recursive: a deeply nested value must not exhaust the stack.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _escaped(char: str) -> str:
    return char.encode("unicode_escape").decode("ascii")
