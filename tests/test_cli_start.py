"""`ct-desktop` with no command: the window when there is a display, the status and a note otherwise."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys

import pytest

from ct_desktop.cli import main, main_windowed, start_cmd
from ct_desktop.settings import Settings, save_settings


@pytest.fixture
def no_display(monkeypatch):
    """A Linux session without X11, Wayland or a chosen Qt platform.

    Said by display_available (tested on its own below), not by faking sys.platform: on Windows that would
    send platformdirs and the standard library down their Unix paths (os.getuid).
    """
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(start_cmd, "display_available", lambda: False)


def test_without_a_display_it_prints_the_status_and_says_why_no_window(capsys, no_display, isolated_data_dir):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert f"Data folder: {isolated_data_dir}" in out
    assert "This month's return (" in out
    assert "The ct-desktop window needs a display" in out


@pytest.mark.parametrize(("variables", "platform", "expected"), [
    ({}, "linux", False),
    ({"DISPLAY": ":0"}, "linux", True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
    ({}, "win32", True),
    ({}, "darwin", True),
])
def test_display_detection(monkeypatch, variables, platform, expected):
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert start_cmd.display_available() is expected


def test_with_a_display_it_starts_the_app_in_the_data_folder(monkeypatch, tmp_path):
    app = pytest.importorskip("ct_desktop.ui.app")
    started = []
    monkeypatch.setattr(start_cmd, "display_available", lambda: True)
    monkeypatch.setattr(app, "run_app", lambda folder: started.append(folder) or 0)
    chosen = tmp_path / "chosen"
    assert main(["--data-dir", str(chosen)]) == 0
    assert started == [chosen.resolve()]


def started_folder(tmp_path):
    """A data folder past its first run, so that the app goes straight to its main window."""
    folder = tmp_path / "data"
    folder.mkdir()
    save_settings(folder, Settings(person="AB", first_run_done=True))
    return folder


def window_env() -> dict[str, str]:
    """Offscreen, and quit as soon as the main window is shown."""
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CT_DESKTOP_EXIT_AFTER_START": "1"}


def start_and_list_modules(folder, picked: str, *, headless: bool = False) -> str:
    """`ct-desktop --data-dir FOLDER` in a fresh process; "<exit code> <sorted modules m where picked>".

    ``headless``: a Linux session without a display, where the status is printed instead of a window.
    """
    setup = ("import os, sys; [os.environ.pop(n, None) for n in ('QT_QPA_PLATFORM', 'DISPLAY', 'WAYLAND_DISPLAY')];"
             "from ct_desktop.cli import start_cmd; start_cmd.display_available = lambda: False; "
             ) if headless else "import sys; "
    code = (setup + "from ct_desktop.cli import main; rc = main(['--data-dir', sys.argv[1]]);"
            f"print(rc, sorted(m for m in sys.modules if {picked}))")
    result = subprocess.run([sys.executable, "-c", code, str(folder)], env=window_env(), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_headless_start_never_loads_qt(tmp_path):
    loaded = start_and_list_modules(tmp_path / "d", "m.startswith(('PySide6', 'shiboken6'))", headless=True)
    assert loaded == "0 []"


def test_the_real_app_reaches_its_main_window_and_quits_when_asked(tmp_path):
    folder = started_folder(tmp_path)
    result = subprocess.run([sys.executable, "-m", "ct_desktop", "--data-dir", str(folder)], env=window_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "ct-desktop: main window shown" in result.stdout
    assert (folder / "ct-desktop.db").exists()


def test_a_later_start_loads_neither_the_calendar_nor_sqlite_utils(tmp_path):
    # What makes the window come up sooner: the bank holidays are read from the cache the first start
    # wrote, and showing the returns only reads, so neither package is loaded (the first start creates
    # the database, and an edit writes, with sqlite-utils).
    folder = started_folder(tmp_path)
    picked = "m in ('holidays', 'sqlite_utils')"
    assert start_and_list_modules(folder, picked) == "0 ['holidays', 'sqlite_utils']"
    assert start_and_list_modules(folder, picked) == "0 []"


def test_starting_the_app_loads_no_command_module(tmp_path):
    picked = "m.endswith('_cmd') and m != 'ct_desktop.cli.start_cmd'"
    assert start_and_list_modules(tmp_path / "d", picked, headless=True) == "0 []"
    assert start_and_list_modules(started_folder(tmp_path), picked) == "0 []"


def test_help_and_mistakes_without_a_command_get_the_whole_parser(capsys):
    with pytest.raises(SystemExit) as exit_help:
        main(["--help"])
    assert exit_help.value.code == 0
    shown = capsys.readouterr().out
    assert all(command in shown for command in ("window", "draft", "no-changes", "import-csv", "profiles", "doctor"))
    for mistake in (["--data-dir"], ["--profile"], ["--bogus"], ["--data-dir", "x", "nonsense"]):
        with pytest.raises(SystemExit) as exit_mistake:
            main(mistake)
        assert exit_mistake.value.code == 2
        usage = " ".join(capsys.readouterr().err.split())
        assert "usage: ct-desktop [-h] [--data-dir DIR] [--profile NAME] [--version] [--minimised] COMMAND ..." in usage


def test_the_window_does_not_wait_for_the_network_watch(tmp_path):
    # QtNetwork and its reachability backend load a moment after the window is up (ui.sync_controller);
    # this start quits as soon as the window is shown, before that moment.
    assert start_and_list_modules(started_folder(tmp_path), "m == 'PySide6.QtNetwork'") == "0 []"


def test_minimised_starts_the_app_in_the_tray(monkeypatch, tmp_path):
    app = pytest.importorskip("ct_desktop.ui.app")
    started = []
    monkeypatch.setattr(start_cmd, "display_available", lambda: True)
    monkeypatch.setattr(app, "run_app", lambda folder, minimised=False: started.append((folder, minimised)) or 0)
    assert main(["--minimised", "--data-dir", str(tmp_path / "chosen")]) == 0
    assert started == [((tmp_path / "chosen").resolve(), True)]
def test_the_app_has_an_entry_point_without_a_console_and_the_commands_keep_theirs():
    def ours(group: str) -> dict[str, str]:
        return {point.name: point.value for point in importlib.metadata.entry_points(group=group)
                if point.name.startswith("ct-desktop")}

    assert ours("console_scripts") == {"ct-desktop": "ct_desktop.cli:main"}
    assert ours("gui_scripts") == {"ct-desktop-app": "ct_desktop.cli:main_windowed"}


def test_the_entry_point_without_a_console_works_with_no_standard_streams(monkeypatch):
    # How a gui-script starts on Windows: sys.stdout and sys.stderr are None.
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    try:
        assert main_windowed(["window", "2028-04"]) == 0
        assert main_windowed(["window", "April"]) == 2  # the message goes nowhere, and nothing crashes
    finally:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.close()
