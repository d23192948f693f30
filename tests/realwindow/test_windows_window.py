"""The real ct-desktop window on Windows: Qt's own "windows" platform plugin, up to the main window and back.

The Windows counterpart of test_typing_in_a_real_window.py (which needs the X11 desktop of Linux). It catches
what the offscreen tests cannot on Windows: a platform plugin or a system library that does not load, a
window that never shows. ``ci/windows.sh`` runs it under Wine, drawing on an X display.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from ct_desktop.settings import Settings, save_settings

pytestmark = pytest.mark.skipif(sys.platform != "win32", reason="Windows' own window: on Linux, the X11 window "
                                "is typed into by test_typing_in_a_real_window.py")

STARTED_LINE = "ct-desktop: main window shown: "  # ct_desktop.ui.app.STARTED_LINE, not imported: no Qt here


def test_the_app_opens_its_main_window_with_the_windows_platform_plugin(tmp_path: Path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    save_settings(data_dir, Settings(person="AB", first_run_done=True))
    env = {**os.environ, "CT_DESKTOP_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "windows"}
    subprocess.run([sys.executable, "-m", "ct_desktop", "locations", "add", "1-101", "--name", "Rose House",
                    "--service-type", "care_home"], env=env, check=True, capture_output=True, timeout=120)

    started = subprocess.run([sys.executable, "-m", "ct_desktop"], env={**env, "CT_DESKTOP_EXIT_AFTER_START": "1"},
                             capture_output=True, text=True, timeout=180)

    assert started.returncode == 0, started.stderr[-3000:]
    # The title names the profile, "Live — Capacity Tracker return"; the dash is left out of the check, as
    # a Windows console's code page may not carry it.
    shown = started.stdout + started.stderr[-3000:]
    assert STARTED_LINE + "Live " in started.stdout and " Capacity Tracker return" in started.stdout, shown
    assert "Could not load the Qt platform plugin" not in started.stderr


def test_the_entry_point_without_a_console_starts_the_app_too(tmp_path: Path):
    # ct-desktop-app.exe, which pip makes from the gui-script: what a shortcut opens, with no console window
    # (and so no standard output: the main window is known by the database it opened).
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    save_settings(data_dir, Settings(person="AB", first_run_done=True))
    launcher = Path(sysconfig.get_path("scripts")) / "ct-desktop-app.exe"
    assert launcher.is_file(), f"pip made no {launcher.name}: is the project installed (pip install -e .)?"
    env = {**os.environ, "CT_DESKTOP_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "windows",
           "CT_DESKTOP_EXIT_AFTER_START": "1"}

    started = subprocess.run([str(launcher)], env=env, capture_output=True, text=True, timeout=180)

    assert started.returncode == 0, started.stderr[-3000:]
    assert (data_dir / "ct-desktop.db").is_file()
