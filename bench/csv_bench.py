"""import-csv of a file in which one location and month is repeated on every row, as the installed command.

A care group's sheet pasted twice, or a row filled down to the bottom of the sheet: every row after the
first repeats it. Each repeat is reported in one line naming the first row, so time and output grow with
the rows (they used to grow with their square: 8,000 rows wrote 376 MB). Run as `ct-desktop import-csv`
in its own process, on a temporary data folder, its report written to a file and measured there.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from pathlib import Path

from report import BenchError
from seed import BY, add_care_homes

from ct_desktop.store import open_store

PERIOD = "2026-09"


@dataclasses.dataclass(frozen=True)
class DuplicatesImport:
    """``rows`` rows of one return: how long the import took to refuse them and how much it wrote."""

    rows: int
    seconds: float
    output_bytes: int

    @property
    def bytes_per_row(self) -> float:
        return self.output_bytes / self.rows


def time_import_duplicates(folder: Path, rows: int) -> DuplicatesImport:
    """Write a CSV of ``rows`` identical rows and time `ct-desktop import-csv` on it (exit 1, nothing saved)."""
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    with open_store(data) as store:
        location = add_care_homes(store, 1)[0]
    source = folder / "repeated.csv"
    with source.open("w", encoding="utf-8", newline="") as out:
        out.write("location_id,period,beds_max_capacity,beds_occupied\r\n")
        out.writelines(f"{location},{PERIOD},40,35\r\n" for _ in range(rows))
    report = folder / "report.txt"
    began = time.perf_counter()
    with report.open("wb") as stderr:
        done = subprocess.run([sys.executable, "-m", "ct_desktop", "import-csv", str(source), "--by", BY,
                               "--data-dir", str(data)], stdout=subprocess.DEVNULL, stderr=stderr, timeout=1800)
    seconds = time.perf_counter() - began
    size = report.stat().st_size
    lines = report.read_bytes().count(b"\n")
    if done.returncode != 1 or lines != rows + 1:
        raise BenchError(f"import-csv of {rows:,} repeated rows: exit {done.returncode}, {lines:,} lines of report "
                         f"(expected exit 1 and {rows + 1:,})")
    return DuplicatesImport(rows, seconds, size)
