"""Question sets written for a test into a folder of their own, and a way to make that folder the app's.

``definitions_folder(tmp_path, {name: text})`` gives a folder with the bundled seasons and these files;
the ``use_definitions`` fixture (tests/conftest.py) makes it the folder the store, the command line and
the app load their question sets from (as if those files had been installed), until the test ends.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ct_desktop.forms import catalogue

BUNDLED = catalogue.DEFINITIONS_DIR  # as installed, before any test points DEFINITIONS_DIR elsewhere

# A small service type of its own, so a correction is tried on nothing the bundled files ask.
DAY_CENTRE = """
service_type = "day_centre"
title = "Day centre"
version = "{version}"
effective_from = {effective}

[[sections]]
key = "places"
title = "Places"

  [[sections.fields]]
  key = "places_total"
  label = "Places the centre can offer a day"
  type = "count"
  unit = "places"
  mandatory = true

  [[sections.fields]]
  key = "places_used"
  label = "Places used today"
  type = "count"
  unit = "places"
  mandatory = true
{extra}
[[rules]]
kind = "at_most"
code = "places_over_total"
left = "places_used"
right = "places_total"
message = "{{left}} places used but only {{right}} places."
"""

ROOMS_CLOSED = """
  [[sections.fields]]
  key = "rooms_closed"
  label = "Rooms closed for repairs"
  type = "count"
  unit = "rooms"
  mandatory = true
"""

RESPITE_PLACES = """
  [[sections.fields]]
  key = "places_respite"
  label = "Places kept for respite"
  type = "count"
  unit = "places"
  mandatory = true
"""


def day_centre(version: str, effective: str, *extra: str) -> str:
    """The day centre question set, with extra questions (ROOMS_CLOSED, RESPITE_PLACES) in its section."""
    return DAY_CENTRE.format(version=version, effective=effective, extra="".join(extra))


def definitions_folder(folder: Path, files: dict[str, str], bundled: bool = True) -> Path:
    """A definitions folder: the bundled seasons (and, with ``bundled``, question sets) plus ``files``."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.toml"):
        old.unlink()
    shutil.copy(BUNDLED / catalogue.SEASONS_FILE, folder / catalogue.SEASONS_FILE)
    if bundled:
        for path in BUNDLED.glob("*.toml"):
            shutil.copy(path, folder / path.name)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load_from(folder: Path) -> None:
    """Load question sets from ``folder`` from now on (call again after changing its files).

    The ``use_definitions`` fixture of tests/conftest.py calls this and loads the bundled ones again after.
    """
    catalogue.DEFINITIONS_DIR = folder
    clear_caches()


def clear_caches() -> None:
    """Forget the question sets loaded so far: the next use loads them from DEFINITIONS_DIR."""
    catalogue.default_catalogue.cache_clear()
    catalogue.default_seasons.cache_clear()
