"""England & Wales bank holidays: worked out by the maintained ``holidays`` calendar, kept in a small cache.

Loading ``holidays`` imports the calendar of every country it knows, some 250 modules, and that was
the largest part of the app's start, which needs the bank holidays of one or two years to show this
month's due date. So the dates are worked out with the package (never from a list kept here), a few
years at a time, and kept in ``bank-holidays.json`` in the user's cache folder; a later start reads
them from there.

The cache belongs to one installed copy of ``holidays``: its key is made of the size and time of the
package's files for the United Kingdom (or, in the frozen app, of the app itself), so a newer release
of the package, with a newly announced bank holiday, is never hidden by dates worked out by an older
one. The cache is only ever a copy: a file that is missing, damaged, from another copy of the package
or impossible to write just means the dates are worked out afresh.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import json
import os
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import platformdirs

from ct_desktop import file_replace

CACHE_DIR_ENV = "CT_DESKTOP_CACHE_DIR"
CACHE_FILENAME = "bank-holidays.json"
CACHE_FORMAT = 1
# On a year not yet known, this many years either side are worked out too, so the cache covers the
# months a person moves between (last year's history, next year's returns) in one go.
YEARS_AROUND = 1
# The package's files whose change means the dates may have changed (any release rewrites all of them).
_PACKAGE_FILES = ("__init__.py", "countries/united_kingdom.py")


def england_bank_holidays(year: int) -> Mapping[dt.date, str]:
    """The bank holidays of England & Wales in ``year`` (they share them), with their names; read-only."""
    global _calendar
    with _lock:
        if _calendar is None:
            _calendar = _Calendar()
        return _calendar.year(year)


class _Calendar:
    """The dates this process knows: read from the cache when first asked for, worked out when not there."""

    def __init__(self) -> None:
        self.key = package_key()
        self.path = cache_path()
        self.known = _read_cache(self.path, self.key) if self.key is not None else {}

    def year(self, year: int) -> MappingProxyType[dt.date, str]:
        if year not in self.known:
            years = range(year - YEARS_AROUND, year + YEARS_AROUND + 1)
            self.known.update({each: _from_package(each) for each in years if each not in self.known})
            if self.key is not None:
                _write_cache(self.path, self.key, self.known)
        return self.known[year]


_lock = threading.Lock()
_calendar: _Calendar | None = None


def cache_path() -> Path:
    """Where the cache is kept: ``CT_DESKTOP_CACHE_DIR`` if set, else the user's cache folder."""
    folder = os.environ.get(CACHE_DIR_ENV) or platformdirs.user_cache_dir("ct-desktop", appauthor=False)
    return Path(folder) / CACHE_FILENAME


def package_key() -> str | None:
    """What identifies the installed ``holidays`` package without loading it; None when it cannot be told."""
    if getattr(sys, "frozen", False):
        # Inside the frozen app the package is in an archive: the app's own file stands for it.
        files = [Path(sys.executable)]
    else:
        spec = importlib.util.find_spec("holidays")  # finds the package without running it
        if spec is None or not spec.submodule_search_locations:
            return None
        package = Path(next(iter(spec.submodule_search_locations)))
        files = [package / name for name in _PACKAGE_FILES]
    try:
        stats = [(str(file), file.stat()) for file in files]
    except OSError:
        return None
    return ";".join(f"{name}:{stat.st_size}:{stat.st_mtime_ns}" for name, stat in stats)


def forget() -> None:
    """Forget the dates known to this process (tests; the cache file is left as it is)."""
    global _calendar
    with _lock:
        _calendar = None


def _from_package(year: int) -> MappingProxyType[dt.date, str]:
    import holidays  # costly: see the module's docstring

    # Copied into a plain read-only mapping: a HolidayBase grows itself when asked about another year.
    return MappingProxyType(dict(holidays.country_holidays("GB", subdiv="ENG", years=year)))


def _read_cache(path: Path, key: str) -> dict[int, MappingProxyType[dt.date, str]]:
    """The years kept in the cache for this copy of the package; nothing if the file is absent or unusable."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        if content.get("format") != CACHE_FORMAT or content.get("package") != key:
            return {}
        return {
            int(year): MappingProxyType({dt.date.fromisoformat(day): str(name) for day, name in days.items()})
            for year, days in content["years"].items()
        }
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return {}


def _write_cache(path: Path, key: str, known: Mapping[int, Mapping[dt.date, str]]) -> None:
    """Replace the cache file in one step (a reader sees the old file or the new one); failures are ignored."""
    content = {
        "format": CACHE_FORMAT,
        "package": key,
        "years": {str(year): {day.isoformat(): name for day, name in sorted(days.items())}
                  for year, days in sorted(known.items())},
    }
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=CACHE_FILENAME, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as writer:
                json.dump(content, writer, indent=1)
            file_replace.replace(temporary, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
