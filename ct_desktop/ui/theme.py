"""The application's look: one readable style on every platform, a legible font, small shared widgets.

Fusion looks the same on Windows, macOS and Linux, so what the screenshots and the help show is
what users see. Sizes are in points and layouts, never pixels, so 150% scaling stays proportionate.

The small coloured boxes used everywhere (messages, state badges, the collection window line) are
painted by ``BoxedLabel`` rather than given a style sheet each: a widget with a style sheet of its own
is styled through Qt's style sheet engine, which made a home view of a few dozen locations, each with
a badge and a message, several times slower to build and lay out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QLabel, QStyleFactory, QWidget

from ct_desktop import __version__
from ct_desktop.ui.presentation import look_of

APP_NAME = "ct-desktop"
APP_DISPLAY_NAME = "Capacity Tracker return"
MIN_POINT_SIZE = 10.0


@dataclass(frozen=True)
class BoxColours:
    """The text, background and border colours of a BoxedLabel."""

    text: str
    background: str
    border: str


ERROR_COLOURS = BoxColours("#8a1111", "#fdecec", "#f3b4b4")
OK_COLOURS = BoxColours("#14532d", "#e7f6ec", "#a7dcb8")


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


class BoxedLabel(QLabel):
    """Text in a rounded box with a 1-pixel border, painted (see the module's docstring for why)."""

    def __init__(self, colours: BoxColours, *, radius: float = 4, padding: tuple[int, int] = (6, 6),
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._radius = radius
        horizontal, vertical = padding
        self.setContentsMargins(horizontal + 1, vertical + 1, horizontal + 1, vertical + 1)  # + the border
        self.set_colours(colours)

    def set_colours(self, colours: BoxColours) -> None:
        """Change the colours (the text's through the palette, so that it is also what is read out)."""
        self.colours = colours
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(colours.text))
        palette.setColor(QPalette.ColorRole.Text, QColor(colours.text))
        self.setPalette(palette)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The box, then the text as any label draws it."""
        paint_box(self, self.colours.background, self.colours.border, self._radius)
        super().paintEvent(event)


def paint_box(widget: QWidget, background: str, border: str, radius: float, border_width: float = 1) -> None:
    """Paint a rounded box over the whole widget, its border just inside the edges (from a paintEvent)."""
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(border), border_width))
    painter.setBrush(QColor(background))
    inset = border_width / 2
    painter.drawRoundedRect(QRectF(widget.rect()).adjusted(inset, inset, -inset, -inset), radius, radius)
    painter.end()


def error_label(parent: QWidget | None = None) -> BoxedLabel:
    """An inline message for refusals and errors: dark red on pale red, wrapped, hidden while empty."""
    label = BoxedLabel(ERROR_COLOURS, parent=parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


def show_message(label: BoxedLabel, text: str | None, ok: bool = False) -> None:
    """Put a message in an error_label (green when ``ok``); an empty text hides it."""
    label.set_colours(OK_COLOURS if ok else ERROR_COLOURS)
    label.setText(text or "")
    label.setAccessibleDescription(text or "")
    label.setVisible(bool(text))
    if text:
        grow_dialog_to_fit(label)


DialogT = TypeVar("DialogT", bound=QDialog)


def open_dialog(dialog: DialogT) -> DialogT:
    """Open a dialog over its window without waiting for it (``open()``); it deletes itself once closed."""
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


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


class StateBadge(BoxedLabel):
    """A lifecycle state as a rounded badge: words and colour together."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(BoxColours("#1f2937", "#ffffff", "#1f2937"), radius=9, padding=(10, 2), parent=parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.font())
        font.setBold(True)
        self.setFont(font)
        self.state = ""

    def set_state(self, state: str) -> None:
        """Show a state (``not_started``, ``draft``, ``queued``...)."""
        self.state = state
        look = look_of(state)
        self.setText(look.words)
        self.setToolTip(look.explanation)
        self.setAccessibleName(f"State: {look.words}")
        self.setAccessibleDescription(look.explanation)
        self.set_colours(BoxColours(look.foreground, look.background, look.foreground))


def separator(parent: QWidget | None = None) -> QFrame:
    """A thin horizontal line between groups."""
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
