"""Reading and writing the CSV text: encoding, delimiter, and never leaving a half-written file.

Excel writes "CSV UTF-8" with a byte-order mark, and in some regional settings separates cells with
semicolons; both are read. Other encodings are refused with what to do, never guessed: a guessed
encoding turns names into mojibake without anyone noticing.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from ct_desktop import file_replace
from ct_desktop.bulk_csv.layout import LOCATION_ID, PERIOD

DELIMITERS = {",": ",", ";": ";", "comma": ",", "semicolon": ";"}
STDIO = "-"
_SAVE_AS = "in Excel, use File > Save As > 'CSV UTF-8 (Comma delimited)'"


class CsvUnreadable(Exception):
    """The file cannot be read as a CSV at all; the message says why and what to do (one line)."""


@dataclass(frozen=True)
class CsvTable:
    """A CSV as read: the header cells and each later row with its number as a spreadsheet shows it."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    delimiter: str


def delimiter_from_option(text: str | None) -> str | None:
    """The delimiter a --delimiter option names (',' ';' 'comma' 'semicolon'), None for "detect"."""
    if text is None:
        return None
    try:
        return DELIMITERS[text.strip().lower()]
    except KeyError:
        raise CsvUnreadable(f"--delimiter must be ',' or ';' (comma or semicolon), not '{text}'") from None


def read_table(name: str, data: bytes, delimiter: str | None = None) -> CsvTable:
    """Parse the bytes of a CSV file called ``name``; CsvUnreadable when they are not a usable CSV."""
    text = decode(name, data)
    if not text.strip():
        raise CsvUnreadable(f"{name} is empty: it needs a header row (export one with ct-desktop export-csv)")
    delimiter = delimiter or detect_delimiter(name, text)
    # Strict, so that a quote left open is refused rather than swallowing the rows after it into one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise CsvUnreadable(f"{name} is not a readable CSV file: line {reader.line_num}: {exc}") from exc
    # Spreadsheet rows are records, not lines: a cell may hold a line break. The header is row 1.
    return CsvTable(header=records[0], rows=list(enumerate(records[1:], start=2)), delimiter=delimiter)


def decode(name: str, data: bytes) -> str:
    """UTF-8 text, with or without a byte-order mark; anything else is refused with what to do."""
    if data.startswith(b"PK\x03\x04"):
        raise CsvUnreadable(f"{name} is an Excel workbook (.xlsx), not a CSV file: {_SAVE_AS}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvUnreadable(f"{name} is UTF-16 text ('Unicode Text'), not UTF-8: {_SAVE_AS}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CsvUnreadable(f"{name} is not UTF-8 text (line {line} has a character that cannot be read): "
                            f"{_SAVE_AS}") from exc
    if "\x00" in text:
        raise CsvUnreadable(f"{name} is not a text file: {_SAVE_AS}")
    return text


def detect_delimiter(name: str, text: str) -> str:
    """Comma or semicolon, decided by the header row.

    The header holds known words (location_id, period, field keys) with no commas or semicolons in
    them, so it tells for certain; csv.Sniffer guesses from the data, where decimal points, lists
    (``staffing;other``) and names with commas make it unreliable.
    """
    first = text.splitlines()[0]
    present = [d for d in (",", ";") if d in first]
    if len(present) == 1:
        return present[0]
    if not present:
        if "\t" in first:
            raise CsvUnreadable(f"{name} is separated by tabs: save it as CSV, separated by commas or semicolons")
        return ","  # one column: the header check says which columns are missing
    naming = [d for d in present if {LOCATION_ID, PERIOD} & {cell.strip() for cell in _cells(first, d)}]
    if len(naming) == 1:
        return naming[0]
    raise CsvUnreadable(f"cannot tell whether {name} is separated by commas or semicolons: "
                        "pass --delimiter ',' or --delimiter ';'")


def _cells(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter))


def read_source(name: str, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of a file, or of standard input for ``-``; CsvUnreadable when it cannot be read."""
    if name == STDIO:
        return (stdin or sys.stdin.buffer).read()
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        raise CsvUnreadable(f"cannot read {name}: no such file") from None
    except OSError as exc:
        if Path(name).is_dir():  # IsADirectoryError on Linux, PermissionError on Windows
            raise CsvUnreadable(f"cannot read {name}: it is a folder, not a file") from None
        raise CsvUnreadable(f"cannot read {name}: {exc.strerror or exc}") from None


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]], delimiter: str = ",") -> str:
    """The rows as CSV text, lines ending CRLF as spreadsheets write them."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _write_stdout(text: str, out: TextIO) -> None:
    """Write all of the text to standard output in UTF-8, or raise OSError (a full disk behind ``> file``).

    Straight to the descriptor, every byte accounted for: on a short write (the disk filled up part way)
    Python's buffered stdout drops the rest without an error, and the export would end "successfully"
    with half a file.
    """
    try:
        descriptor = out.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        out.write(text)  # not a real file (a test's captured output)
        out.flush()
        return
    out.flush()
    data = memoryview(text.encode("utf-8"))
    while data:
        written = os.write(descriptor, data)
        data = data[written:]


def write_text(name: str, text: str, stdout: TextIO | None = None) -> None:
    """Write the CSV to a file (UTF-8 with a byte-order mark, so that Excel reads names right) or to
    standard output for ``-`` (no mark: it is for other programs).

    The file is written beside its destination and then moved over it, so an interrupted export
    never leaves half a file where the old one was. Like the database, it is readable by the user
    only (it holds staff and residents' figures). OSError says why it could not be written.
    """
    if name == STDIO:
        _write_stdout(text, stdout or sys.stdout)
        return
    target = Path(name)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())  # on disk before it replaces the old file: a full disk fails here
        file_replace.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise

