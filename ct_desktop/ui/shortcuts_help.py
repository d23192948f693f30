"""The main window's keyboard shortcuts, in one place: the actions use them and F1 lists them."""

from __future__ import annotations

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
    ("Up / Down", "Move between locations on the home view"),
    ("Tab / Shift+Tab", "Move between buttons and fields"),
    ("Alt + underlined letter", "Press that button or open that menu"),
)


# In a return's form (ui/form_view.py, ui/field_editors.py), keys that work like a spreadsheet's.
FORM_KEYS: tuple[tuple[str, str], ...] = (
    ("Tab / Enter", "In a return: save the answer and go to the next box (Enter goes down a table)"),
    ("Shift+Tab / Shift+Enter", "In a return: save the answer and go back to the box before"),
    ("Alt+N", "In a return: tick or untick “Not known” for the question"),
    ("Ctrl+Z", "In a return: undo the last saved change (again for the one before)"),
    ("Y / N, arrow keys", "In a return: answer a Yes/No question"),
    ("1, 2, 3… / Up, Down, Space", "In a return: tick a choice"),
    ("F6 / Shift+F6", "In a return: move between the questions, the problems list and the sections"),
    ("Ctrl+S", "In a return: save what is typed"),
    ("Ctrl+Enter", "In a return: ready to send"),
)


def shortcuts_html() -> str:
    """A table of every shortcut, for the F1 box."""
    rows = [(" or ".join(SHORTCUTS[name]), text) for name, text in DESCRIPTIONS] + list(OTHER_KEYS)
    rows += list(FORM_KEYS)
    cells = "".join(f"<tr><td style='padding-right:16px'><b>{keys}</b></td><td>{text}</td></tr>" for keys, text in rows)
    return f"<table>{cells}</table>"
