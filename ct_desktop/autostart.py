"""Start with the computer: the app starts, in the tray (``--minimised``), when the person logs in.

No Qt. On Linux (and other XDG desktops) an autostart entry, ``ct-desktop.desktop`` in
``$XDG_CONFIG_HOME/autostart`` (``~/.config/autostart``), is written or removed here. On Windows the
entry is a value named ``ct-desktop`` under the current user's Run key; the app writes it through Qt's
registry settings (ct_desktop/ui/autostart_entry.py) and asks ``run_value_change`` what to do.

One entry for the computer's user: it starts the data folder it was turned on for. Turning it off in
another data folder (a Training profile, say) leaves the entry of the one that set it alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

RUN_VALUE_NAME = "ct-desktop"
DESKTOP_FILE = "ct-desktop.desktop"
MINIMISED_OPTION = "--minimised"


def start_command(data_dir: Path) -> list[str]:
    """The command that starts the app on ``data_dir``, in the tray: the frozen app's own program, or this
    Python running the package (pythonw on Windows, so no console window opens)."""
    if getattr(sys, "frozen", False):
        program = [sys.executable]
    else:
        python = Path(sys.executable)
        windowless = python.with_name("pythonw.exe")
        if sys.platform.startswith("win") and windowless.exists():
            python = windowless
        program = [str(python), "-m", "ct_desktop"]
    return [*program, MINIMISED_OPTION, "--data-dir", str(data_dir)]


def windows_command_line(command: list[str]) -> str:
    """The command as the Run key holds it (Windows quoting)."""
    return subprocess.list2cmdline(command)


def run_value_change(current: str | None, ours: str, enabled: bool) -> str | None:
    """What to do to the Run key's value: 'set' (to ``ours``), 'remove', or None (leave it).

    On: set unless it already holds ours. Off: remove only our own (another data folder's stays)."""
    if enabled:
        return None if current == ours else "set"
    return "remove" if current == ours else None


# Linux and other XDG desktops ---------------------------------------------------------------------


def autostart_file(environ: Mapping[str, str] | None = None) -> Path:
    """Where the autostart entry goes: $XDG_CONFIG_HOME/autostart, ~/.config/autostart without it."""
    environ = os.environ if environ is None else environ
    config = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / DESKTOP_FILE


def desktop_exec(command: list[str]) -> str:
    """The command as a desktop entry's Exec line holds it (the XDG quoting rules)."""
    def quoted(argument: str) -> str:
        if argument and not any(c in argument for c in ' \t\n"\'\\><~|&;$*?#()`='):
            return argument
        inner = argument.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
        return f'"{inner}"'.replace("\\", "\\\\")  # the desktop file's own escaping, on top

    return " ".join(quoted(argument) for argument in command)


def desktop_entry(command: list[str]) -> str:
    """The autostart entry's text."""
    return ("[Desktop Entry]\n"
            "Type=Application\n"
            "Name=Capacity Tracker return\n"
            "Comment=ct-desktop in the tray: reminders of the monthly Capacity Tracker return\n"
            f"Exec={desktop_exec(command)}\n"
            "Terminal=false\n"
            "X-GNOME-Autostart-enabled=true\n")


def set_xdg_autostart(enabled: bool, command: list[str], environ: Mapping[str, str] | None = None) -> Path:
    """Write (on) or remove (off, when it is ours) the autostart entry; the file's path. OSError if it cannot."""
    path = autostart_file(environ)
    entry = desktop_entry(command)
    try:
        current: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = None
    change = run_value_change(_exec_line(current), _exec_line(entry) or entry, enabled)
    if change == "set":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry, encoding="utf-8")
    elif change == "remove":
        path.unlink(missing_ok=True)
    return path


def _exec_line(text: str | None) -> str | None:
    if text is None:
        return None
    return next((line for line in text.splitlines() if line.startswith("Exec=")), "")
