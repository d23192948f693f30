"""Test isolation: no display, no real data folder, no user settings.

Qt runs on the offscreen platform so the suite needs no display (CI has none).
"""

from __future__ import annotations

import os

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch):
    """Every test gets its own data folder; the developer's own is never touched."""
    folder = tmp_path / "data"
    monkeypatch.setenv("CT_DESKTOP_DATA_DIR", str(folder))
    return folder
