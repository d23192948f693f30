"""Text from elsewhere made safe to show: a terminal or a label is never driven by control characters.

A name that came from a tracker, a CSV cell or a mistyped argument may hold ESC, a carriage return or a
bidirectional override; echoed raw, such a character can recolour, overwrite or reorder what a person
reads. Shown, each becomes a visible stand-in instead.
"""

from __future__ import annotations

import unicodedata

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"
# Cc: the C0 and C1 controls (ESC, CR, BEL, DEL...); Cs: lone surrogates. Of the format characters (Cf)
# only the bidirectional controls, which reorder what is shown; zero-width joiners belong to some names.
_UNSHOWABLE_CATEGORIES = {"Cc", "Cs"}
_BIDI_CONTROLS = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def is_control(ch: str) -> bool:
    """Whether one character is a control character (or a bidirectional control)."""
    return ch in _BIDI_CONTROLS or unicodedata.category(ch) in _UNSHOWABLE_CATEGORIES


def has_control_characters(text: str) -> bool:
    """Whether the text holds a character that must not reach a terminal or a stored name."""
    return any(is_control(ch) for ch in text)


def printable(text: str) -> str:
    """The text with each control character replaced by U+FFFD (tabs and line breaks by a space)."""
    if not has_control_characters(text):
        return text
    return "".join(" " if ch in "\t\n\r" else REPLACEMENT if is_control(ch) else ch for ch in text)
