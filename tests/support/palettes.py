"""The palettes the app is checked under: a plain light one, what Windows 11 gives Fusion in dark mode,
and a high-contrast black one.

    from palettes import PALETTES, make_palette
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

PALETTES = ["light", "dark", "high-contrast"]


def make_palette(name: str) -> QPalette:
    """One of PALETTES, as the system would give it to the application.

    The dark one greys out disabled text as Windows does (a mid grey), which is not readable on its
    dark window: the app has to make it so.
    """
    if name == "light":
        return QApplication.style().standardPalette()
    window, text, base = {"dark": ("#202020", "#ffffff", "#2b2b2b"),
                          "high-contrast": ("#000000", "#ffffff", "#000000")}[name]
    palette = QPalette(QColor(window))
    for role, colour in ((QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
                         (QPalette.ColorRole.Base, base), (QPalette.ColorRole.Text, text),
                         (QPalette.ColorRole.Button, window), (QPalette.ColorRole.ButtonText, text)):
        palette.setColor(role, QColor(colour))
    if name == "dark":
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
            palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#5d5d5d"))
    return palette
