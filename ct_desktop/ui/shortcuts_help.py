"""The main window's keyboard shortcuts, in one place: the actions use them and F1 lists them.

Each screen declares its own keys next to it (``SCREEN_NAME``, ``SCREEN_KEYS``); F1 lists those of the
screen shown, then the window's. A dialog with keys of its own lists them on F1 too (``add_keys_help``).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QMessageBox

# Action name -> key sequences (the first is the one shown in menus and tooltips). Portable text
# sequences: Qt shows Ctrl as Cmd on macOS.
SHORTCUTS: dict[str, tuple[str, ...]] = {
    "open": ("Ctrl+O",),
    "no_changes": ("Ctrl+Shift+N",),
    "history": ("Ctrl+H",),
    "send_now": ("F5",),
    "settings": ("Ctrl+,",),
    "home": ("Esc", "Alt+Left"),
    "add_location": ("Ctrl+L",),
    "person": ("Ctrl+Shift+P",),
    "previous_month": ("Ctrl+PgUp",),
    "next_month": ("Ctrl+PgDown",),
    "problems": ("Ctrl+Shift+E",),
    "quit": ("Ctrl+Q",),
    "shortcuts": ("F1",),
}

DESCRIPTIONS: tuple[tuple[str, str], ...] = (
    ("open", "Open the selected location's return for the month shown"),
    ("no_changes", "No changes — save page, for the selected location"),
    ("history", "History and trend of the selected location"),
    ("send_now", "Send everything queued now"),
    ("home", "Back to all locations"),
    ("previous_month", "Previous month"),
    ("next_month", "Next month"),
    ("settings", "Settings"),
    ("add_location", "Add a location by hand"),
    ("person", "Change who is working"),
    ("problems", "Show sync problems"),
    ("shortcuts", "This list"),
    ("quit", "Quit"),
)

OTHER_KEYS: tuple[tuple[str, str], ...] = (
    ("Tab / Shift+Tab", "Move between buttons and fields"),
    ("Alt + underlined letter", "Press that button or open that menu"),
)

Keys = tuple[tuple[str, str], ...]  # (keys as shown, what they do), declared by each screen next to it


def keys_table(rows: Keys) -> str:
    """Rows of keys and what they do, as an HTML table."""
    cells = "".join(f"<tr><td style='padding-right:16px'><b>{escape(keys, quote=False)}</b></td>"
                    f"<td>{escape(text, quote=False)}</td></tr>" for keys, text in rows)
    return f"<table>{cells}</table>"


def window_keys() -> Keys:
    """The main window's own shortcuts, which work on every screen of it."""
    return tuple((" or ".join(SHORTCUTS[name]), text) for name, text in DESCRIPTIONS) + OTHER_KEYS


def shortcuts_html(screen: str = "", keys: Keys = (), *, with_window_keys: bool = True) -> str:
    """The F1 box: the keys of the screen shown first, then (in the main window) those that work everywhere."""
    parts = []
    if keys:
        parts += [f"<p><b>On this screen ({escape(screen, quote=False)})</b></p>" if screen else "", keys_table(keys)]
    if with_window_keys:
        listed = {part for shown, _ in keys for part in _parts(shown)}
        rest = tuple(row for row in window_keys() if not _parts(row[0]) <= listed)  # each key said once
        parts += ["<p><b>Everywhere in the window</b></p>", keys_table(rest)]
    return "".join(parts)


def _parts(keys: str) -> set[str]:
    return {part.strip() for part in keys.replace(" or ", " / ").split(" / ")}


def screen_keys(screen: object) -> tuple[str, Keys]:
    """(name, keys) a screen declares as SCREEN_NAME and SCREEN_KEYS; ('', ()) when it declares none."""
    return str(getattr(screen, "SCREEN_NAME", "")), tuple(getattr(screen, "SCREEN_KEYS", ()))


def add_keys_help(dialog: QDialog, title: str, keys: Keys) -> None:
    """F1 in a dialog lists the dialog's own keys (the main window's shortcuts do not reach into it)."""
    def show() -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, f"Keyboard shortcuts — {title}",
                          shortcuts_html(title, keys, with_window_keys=False), parent=dialog)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.finished.connect(lambda _r: box.deleteLater())
        box.open()
        dialog.keys_box = box  # type: ignore[attr-defined]  # what tests read

    shortcut = QShortcut(QKeySequence("F1"), dialog)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(show)
