"""The bulk CSV layout: which columns, in what order, and how an answer is written in a cell.

One row per location and month. The first columns say which return a row is (``location_id`` and
``period`` are needed; ``location_name`` and ``service_type`` are there for people and are checked,
not used); then one column per field key. Cells hold answers as ``Field.format_text`` writes them,
``?`` for "not known", and nothing for blank.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ct_desktop.forms.model import Field, FormDefinition
from ct_desktop.models import NOT_KNOWN
from ct_desktop.period import Period

LOCATION_ID = "location_id"
LOCATION_NAME = "location_name"
SERVICE_TYPE = "service_type"
PERIOD = "period"
ROW_COLUMNS = (LOCATION_ID, LOCATION_NAME, SERVICE_TYPE, PERIOD)
REQUIRED_COLUMNS = (LOCATION_ID, PERIOD)

NOT_KNOWN_CELL = "?"
# An empty cell leaves the saved answer as it is (a spreadsheet has many empty cells that mean
# "not filled in here", not "delete"); clearing an answer takes this explicit mark.
CLEAR_CELL = "-"

# Care homes are the common case, so their questions come first; other service types follow by name.
FIRST_SERVICE_TYPE = "care_home"

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection). Answers we
# write are numbers, keys and yes/no, never starting so; location ids and names are typed by people.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def cell_text(item: Field, answer: Any) -> str:
    """An answer as a cell: the value as typed, ``?`` for not known, empty for blank."""
    if answer is NOT_KNOWN:
        return NOT_KNOWN_CELL
    return item.format_text(answer)


def protected(text: str) -> str:
    """Text a spreadsheet shows as text: a leading quote before anything it would run as a formula."""
    return TEXT_MARK + text if text.startswith(FORMULA_STARTS) else text


def unprotected(text: str) -> str:
    """The inverse of protected(), for cells read back (Excel keeps the quote when it saves a CSV)."""
    if text.startswith(TEXT_MARK) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def service_type_order(service_types: Iterable[str]) -> list[str]:
    """Care homes first, then the others by name."""
    unique = set(service_types)
    return sorted(unique, key=lambda name: (name != FIRST_SERVICE_TYPE, name))


def answer_columns(rows: Sequence[tuple[FormDefinition, Period, Iterable[str]]]) -> list[str]:
    """The field columns for rows given as (form, month, keys with a saved answer).

    The union of the questions each row's month asks, in form order, care homes first; a saved
    answer to a question its month does not ask (flu figures in July) gets a column too, so an
    export never hides what is stored.
    """
    columns: dict[str, None] = {}
    for service_type in service_type_order(form.service_type for form, _, _ in rows):
        for form, period, saved in sorted((r for r in rows if r[0].service_type == service_type),
                                          key=lambda r: r[1]):
            stored = set(saved)
            for item in form.fields:
                if form.is_asked(item, period) or item.key in stored:
                    columns.setdefault(item.key, None)
    return list(columns)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column: A, B, ..., Z, AA, AB..."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
