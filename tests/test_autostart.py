"""Start with the computer: the Linux autostart entry in a temporary XDG_CONFIG_HOME, and what the Windows Run
key is told to do."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ct_desktop.autostart import (
    autostart_file,
    desktop_exec,
    run_value_change,
    set_xdg_autostart,
    start_command,
    windows_command_line,
)


def test_the_entry_starts_the_data_folder_in_the_tray_and_goes_when_turned_off(tmp_path):
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    command = start_command(tmp_path / "my data")
    # This Python, windowless where there is one (pythonw on Windows), running the package.
    assert Path(command[0]).parent == Path(sys.executable).parent and command[1:3] == ["-m", "ct_desktop"]
    assert Path(command[0]).name == ("pythonw.exe" if sys.platform == "win32" else Path(sys.executable).name)
    assert command[3:] == ["--minimised", "--data-dir", str(tmp_path / "my data")]

    path = set_xdg_autostart(True, command, environ)
    assert path == tmp_path / "config" / "autostart" / "ct-desktop.desktop"
    text = path.read_text(encoding="utf-8")
    assert "[Desktop Entry]" in text and "Type=Application" in text
    assert f"Exec={desktop_exec(command)}\n" in text
    if os.name == "posix":  # the entry is for Linux desktops: its line there, as a person reads it
        assert f'Exec={command[0]} -m ct_desktop --minimised --data-dir "{tmp_path}/my data"' in text

    set_xdg_autostart(False, command, environ)
    assert not path.exists()


def test_turning_it_off_in_another_data_folder_leaves_the_entry_of_the_one_that_set_it(tmp_path):
    environ = {"XDG_CONFIG_HOME": str(tmp_path)}
    set_xdg_autostart(True, start_command(tmp_path / "live"), environ)
    set_xdg_autostart(False, start_command(tmp_path / "training"), environ)
    assert "live" in autostart_file(environ).read_text(encoding="utf-8")


def test_without_xdg_config_home_the_entry_is_under_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))  # the home folder on Windows
    assert autostart_file({}) == tmp_path / ".config" / "autostart" / "ct-desktop.desktop"


def test_the_run_key_is_set_once_and_only_our_own_value_is_removed():
    ours = windows_command_line([r"C:\Program Files\ct-desktop\ct-desktop.exe", "--minimised", "--data-dir",
                                 r"C:\Users\amy\AppData\Local\ct-desktop"])
    assert ours == (r'"C:\Program Files\ct-desktop\ct-desktop.exe" --minimised --data-dir '
                    r"C:\Users\amy\AppData\Local\ct-desktop")
    assert run_value_change(None, ours, enabled=True) == "set"
    assert run_value_change("old command", ours, enabled=True) == "set"
    assert run_value_change(ours, ours, enabled=True) is None  # already there
    assert run_value_change(ours, ours, enabled=False) == "remove"
    assert run_value_change("another folder's", ours, enabled=False) is None
    assert run_value_change(None, ours, enabled=False) is None


def test_exec_lines_quote_what_the_desktop_would_split_or_expand():
    assert desktop_exec(["/opt/ct desktop/ct-desktop", "--data-dir", "/home/a/$data"]) == (
        '"/opt/ct desktop/ct-desktop" --data-dir "/home/a/\\\\$data"')
