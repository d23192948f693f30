"""The application's look: one readable style on every platform, a legible font, small shared widgets.

Fusion looks the same on Windows, macOS and Linux, so what the screenshots and the help show is
what users see. Sizes are in points and layouts, never pixels, so 150% scaling stays proportionate.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QLabel, QStyleFactory, QWidget

from ct_desktop import __version__
from ct_desktop.ui.presentation import look_of

APP_NAME = "ct-desktop"
APP_DISPLAY_NAME = "Capacity Tracker return"
MIN_POINT_SIZE = 10.0
ERROR_STYLE = ("QLabel { color: #8a1111; background: #fdecec; border: 1px solid #f3b4b4; border-radius: 4px;"
               " padding: 6px; }")
OK_STYLE = ("QLabel { color: #14532d; background: #e7f6ec; border: 1px solid #a7dcb8; border-radius: 4px;"
            " padding: 6px; }")


def prepare_high_dpi() -> None:
    """Call before the QApplication exists: keep fractional scale factors (150% stays 1.5, not 2)."""
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)


def apply_theme(app: QApplication) -> None:
    """Name the application and give it the Fusion style and a font of at least 10 points."""
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    font = QFont(app.font())
    if font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(MIN_POINT_SIZE)
    app.setFont(font)


def heading(text: str, scale: float = 1.3, parent: QWidget | None = None) -> QLabel:
    """A bold label a little larger than the body text, for titles of views and sections."""
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setPointSizeF(max(font.pointSizeF(), MIN_POINT_SIZE) * scale)
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(text)
    return label


def muted(text: str = "", parent: QWidget | None = None) -> QLabel:
    """Secondary text that wraps: explanations, hints, dates."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet("color: #4b5563;")
    return label


def error_label(parent: QWidget | None = None) -> QLabel:
    """An inline message for refusals and errors: dark red on pale red, wrapped, hidden while empty."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(ERROR_STYLE)
    label.setVisible(False)
    return label


def show_message(label: QLabel, text: str | None, ok: bool = False) -> None:
    """Put a message in an error_label (green when ``ok``); an empty text hides it."""
    label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
    label.setText(text or "")
    label.setAccessibleDescription(text or "")
    label.setVisible(bool(text))
    if text:
        grow_dialog_to_fit(label)


def grow_dialog_to_fit(widget: QWidget) -> None:
    """Make a dialog tall enough for wrapped text that just appeared (Qt does not grow it by itself)."""
    window = widget.window()
    layout = window.layout()
    if not isinstance(window, QDialog) or layout is None:
        return
    layout.activate()
    needed = layout.totalHeightForWidth(window.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
    if needed > window.height():
        window.resize(window.width(), needed)


class StateBadge(QLabel):
    """A lifecycle state as a rounded badge: words and colour together."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state = ""

    def set_state(self, state: str) -> None:
        """Show a state (``not_started``, ``draft``, ``queued``...)."""
        self.state = state
        look = look_of(state)
        self.setText(look.words)
        self.setToolTip(look.explanation)
        self.setAccessibleName(f"State: {look.words}")
        self.setAccessibleDescription(look.explanation)
        self.setStyleSheet(f"QLabel {{ color: {look.foreground}; background: {look.background};"
                           f" border: 1px solid {look.foreground}; border-radius: 9px; padding: 2px 10px;"
                           " font-weight: bold; }")


def separator(parent: QWidget | None = None) -> QFrame:
    """A thin horizontal line between groups."""
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
