"""Test isolation: no display, no real data or cache folder, no user settings.

Qt runs on the offscreen platform so the suite needs no display (CI has none).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import keyring
import pytest

SUPPORT = Path(__file__).with_name("support")
sys.path.insert(0, str(SUPPORT))
os.environ["QT_QPA_PLATFORM"] = "offscreen"

from keyring_backend import FileTestKeyring  # noqa: E402  (found through SUPPORT, added just above)
from local_store import Clock, open_with_sample_locations  # noqa: E402

from ct_desktop.store import Store  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch):
    """Every test gets its own data folder; the developer's own is never touched."""
    folder = tmp_path / "data"
    monkeypatch.setenv("CT_DESKTOP_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def isolated_cache_dir(tmp_path, monkeypatch):
    """Every test gets its own cache folder (the bank holiday dates); the developer's own is never touched."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CT_DESKTOP_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def test_keyring(tmp_path, monkeypatch):
    """An explicit test keyring, in this process and in any subprocess a test starts."""
    monkeypatch.setenv("CT_TEST_KEYRING_FILE", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring_backend.FileTestKeyring")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(SUPPORT), os.environ.get("PYTHONPATH")])))
    previous = keyring.get_keyring()
    backend = FileTestKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def clock() -> Clock:
    """'Now' for the code under test, moved by hand: 10:00 on 9 September 2026 to begin with."""
    return Clock()


@pytest.fixture
def store(isolated_data_dir, clock) -> Store:
    """The store of the test's data folder, on the test's clock, with the two sample locations."""
    opened = open_with_sample_locations(isolated_data_dir, clock)
    yield opened
    opened.close()


@pytest.fixture
def use_definitions():
    """use_definitions(folder): question sets are loaded from that folder (again after each call) until the
    test ends; then the bundled ones are loaded again."""
    import question_sets

    from ct_desktop.forms import catalogue

    bundled = catalogue.DEFINITIONS_DIR
    yield question_sets.load_from
    catalogue.DEFINITIONS_DIR = bundled
    question_sets.clear_caches()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's reference tracker keeps its database."""
    return tmp_path / "tracker.db"


@pytest.fixture
def token(db_path: Path) -> str:
    """The token of a provider on that tracker with one care home, 1-101."""
    from tracker_server import add_provider  # the tracker's modules only for the tests that use one

    return add_provider(db_path, "Rose Care", {"1-101": "care_home"})
