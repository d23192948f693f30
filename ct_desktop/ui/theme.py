"""The application's look: one readable style on every platform, a legible font, small shared widgets.

Fusion looks the same on Windows, macOS and Linux, so what the screenshots and the help show is
what users see. Sizes are in points and layouts, never pixels, so 150% scaling stays proportionate.

The small coloured boxes used everywhere (messages, state badges, the collection window line) are
painted by ``BoxedLabel`` rather than given a style sheet each: a widget with a style sheet of its own
is styled through Qt's style sheet engine, which made a home view of a few dozen locations, each with
a badge and a message, several times slower to build and lay out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QLabel, QStyleFactory, QWidget

from ct_desktop import __version__
from ct_desktop.ui.presentation import look_of

APP_NAME = "ct-desktop"
APP_DISPLAY_NAME = "Capacity Tracker return"
MIN_POINT_SIZE = 10.0


@dataclass(frozen=True)
class BoxColours:
    """The text, background and border colours of a BoxedLabel (#rrggbb)."""

    text: str
    background: str
    border: str


# Each colour of meaning is a tone: its hue is fixed, its lightness is derived from the palette in use
# (dark text on a pale tint under a light palette, light text on a deep tint under a dark one), and
# every text colour is then checked against what it is painted on, so it keeps WCAG AA contrast.
TONES = {
    "neutral": "#3c4043",
    "amber": "#7a4d00",  # drafts and warnings
    "blue": "#0b4f8a",  # ready, queued, information
    "green": "#14532d",  # accepted, saved
    "red": "#8a1111",  # refused, errors
    "purple": "#6b1a7a",  # conflicts
    "accent": "#1a5fb4",  # selection and focus
}
ERROR_TONE, WARNING_TONE, OK_TONE, INFO_TONE = "red", "amber", "green", "blue"
TEXT_CONTRAST = 4.5  # WCAG AA for body text
HIGH_CONTRAST_TEXT = 7.0  # WCAG AAA, kept when the palette itself is a high-contrast one
MARGIN = 0.6  # over the goal: antialiased glyphs never reach quite their full colour


def relative_luminance(colour: QColor) -> float:
    """The WCAG 2 relative luminance of an opaque colour, 0 (black) to 1 (white)."""
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def contrast_ratio(one: QColor, other: QColor) -> float:
    """The WCAG 2 contrast ratio of two colours, 1 to 21."""
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def current_palette() -> QPalette:
    """The application's palette (the system's, or the one set while running)."""
    return QGuiApplication.palette()


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the window background is darker than its text (a dark system palette)."""
    palette = palette or current_palette()
    role = QPalette.ColorRole
    return relative_luminance(palette.color(role.Window)) < relative_luminance(palette.color(role.WindowText))


def is_high_contrast(palette: QPalette | None = None) -> bool:
    """True for a high-contrast palette: its text and window differ by 15:1 or more."""
    palette = palette or current_palette()
    role = QPalette.ColorRole
    return contrast_ratio(palette.color(role.Window), palette.color(role.WindowText)) >= 15


def text_goal(palette: QPalette | None = None) -> float:
    """The contrast every text colour keeps with its background: AA, or AAA under a high-contrast palette."""
    return (HIGH_CONTRAST_TEXT if is_high_contrast(palette) else TEXT_CONTRAST) + MARGIN


def mix(one: QColor, other: QColor, amount: float) -> QColor:
    """``amount`` (0 to 1) of ``other`` over ``one``."""
    return QColor.fromRgbF(*(a + (b - a) * amount for a, b in
                             zip((one.redF(), one.greenF(), one.blueF()),
                                 (other.redF(), other.greenF(), other.blueF()), strict=True)))


def readable(colour: QColor, backgrounds: list[QColor], goal: float) -> QColor:
    """``colour``, made lighter or darker (same hue) until it contrasts ``goal``:1 with every background."""
    if all(contrast_ratio(colour, back) >= goal for back in backgrounds):
        return colour
    darkest = min(relative_luminance(back) for back in backgrounds)
    lightest = max(relative_luminance(back) for back in backgrounds)
    towards = QColor("#000000") if (lightest + 0.05) / 0.05 >= 1.05 / (darkest + 0.05) else QColor("#ffffff")
    for step in range(1, 21):
        candidate = mix(colour, towards, step / 20)
        if all(contrast_ratio(candidate, back) >= goal for back in backgrounds):
            return candidate
    return towards


def _hue(tone: str, palette: QPalette) -> QColor:
    """The tone's colour at a lightness that suits the palette: deep on light, pale on dark."""
    colour = QColor(TONES.get(tone, TONES["neutral"]))
    if is_dark(palette):
        hue, saturation = colour.hslHueF(), colour.hslSaturationF()
        colour = QColor.fromHslF(max(hue, 0.0), min(saturation, 0.75), 0.72)
    return colour


def _role(palette: QPalette, role: QPalette.ColorRole) -> QColor:
    return palette.color(QPalette.ColorGroup.Active, role)


def ink(tone: str, palette: QPalette | None = None) -> QColor:
    """Text in a tone, on the palette's window and base (plain coloured text: errors, warnings, saved)."""
    palette = palette or current_palette()
    role = QPalette.ColorRole
    return readable(_hue(tone, palette), [_role(palette, role.Window), _role(palette, role.Base)], text_goal(palette))


def muted_colour(palette: QPalette | None = None) -> QColor:
    """Secondary text: between the text and window colours, still readable on window and base."""
    palette = palette or current_palette()
    role = QPalette.ColorRole
    window, base = _role(palette, role.Window), _role(palette, role.Base)
    return readable(mix(_role(palette, role.WindowText), window, 0.3), [window, base], text_goal(palette))


def tint(tone: str, palette: QPalette | None = None, amount: float | None = None) -> QColor:
    """A background in a tone: the palette's base with a little of the tone in it."""
    palette = palette or current_palette()
    if amount is None:
        amount = 0.1 if is_high_contrast(palette) else 0.3 if is_dark(palette) else 0.16
    toned = QColor(TONES.get(tone, TONES["neutral"]))
    hue, saturation = toned.hslHueF(), toned.hslSaturationF()
    return mix(_role(palette, QPalette.ColorRole.Base), QColor.fromHslF(max(hue, 0.0), saturation, 0.5), amount)


def edge(tone: str, palette: QPalette | None = None) -> QColor:
    """A border in a tone, visible on the palette's base."""
    palette = palette or current_palette()
    return mix(_role(palette, QPalette.ColorRole.Base), _hue(tone, palette), 0.55)


def box_colours(tone: str, palette: QPalette | None = None) -> BoxColours:
    """The colours of a box in a tone (messages, badges), for the palette in use."""
    palette = palette or current_palette()
    key = (tone, palette.cacheKey())
    if key not in _boxes:
        background = tint(tone, palette)
        text = readable(_hue(tone, palette), [background], text_goal(palette))
        if len(_boxes) > 256:
            _boxes.clear()
        _boxes[key] = BoxColours(text.name(), background.name(), edge(tone, palette).name())
    return _boxes[key]


_boxes: dict[tuple[str, int], BoxColours] = {}  # painted often: a home view repaints dozens of badges


def readable_palette(palette: QPalette) -> QPalette:
    """``palette`` with the texts that systems leave faint made readable (AA, or AAA in high contrast).

    Disabled text (a question not asked this month, a button that cannot be used yet) is still
    read, so it keeps the goal too, only nearer the window colour than enabled text. Placeholders
    ("blank" in an empty box) and the text of a selected row are made readable the same way; a
    selection's colour is deepened (or lightened) rather than its text changed.
    """
    fixed = QPalette(palette)
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    goal = text_goal(palette)
    for active in (group.Active, group.Inactive):
        selected = palette.color(active, role.HighlightedText)
        highlight = _opaque(palette.color(active, role.Highlight), palette.color(active, role.Base))
        fixed.setColor(active, role.Highlight, readable(highlight, [selected], goal))
    for each in (group.Active, group.Inactive, group.Disabled):
        base = palette.color(each, role.Base)
        placeholder = _opaque(palette.color(each, role.PlaceholderText), base)
        fixed.setColor(each, role.PlaceholderText, readable(placeholder, [base], goal))
    window, text = palette.color(group.Active, role.Window), palette.color(group.Active, role.WindowText)
    grey = mix(text, window, 0.45)
    backgrounds = [palette.color(group.Disabled, back) for back in (role.Window, role.Base, role.Button)]
    disabled = readable(grey, backgrounds, goal)
    for text_role in (role.WindowText, role.Text, role.ButtonText):
        if contrast_ratio(palette.color(group.Disabled, text_role), disabled) > 1.01 or \
                palette.color(group.Disabled, text_role).alpha() < 255:
            fixed.setColor(group.Disabled, text_role, disabled)
    return fixed


def _opaque(colour: QColor, over: QColor) -> QColor:
    """What a translucent colour looks like painted over ``over``."""
    return mix(over, QColor(colour.red(), colour.green(), colour.blue()), colour.alphaF())


class _ReadablePalette(QObject):
    """Keeps the application's palette readable (``readable_palette``), also when the system changes it."""

    def __init__(self, app: QGuiApplication):
        super().__init__(app)
        self._app = app
        app.paletteChanged.connect(self.apply)
        self.apply()

    def apply(self, _palette: QPalette | None = None) -> None:
        """Make the palette in use readable; a palette that already is stays as it is (no change is sent)."""
        palette = QGuiApplication.palette()
        fixed = readable_palette(palette)
        if fixed != palette:
            QGuiApplication.setPalette(fixed)

    def remove(self) -> None:
        """Stop following the palette (the palette stays as it is)."""
        self._app.paletteChanged.disconnect(self.apply)
        self.setParent(None)
        self.deleteLater()


def keep_palette_readable(app: QGuiApplication) -> _ReadablePalette:
    """Make the application's palette readable now and whenever it changes; ``.remove()`` undoes the following."""
    existing = app.findChild(_ReadablePalette)
    return existing if existing is not None else _ReadablePalette(app)


PaletteStyle = Callable[[QPalette], str]


class _PaletteFollower(QObject):
    """Lives on one widget and gives it its style sheet again when the palette changes."""

    def __init__(self, widget: QWidget, style: PaletteStyle):
        super().__init__(widget)
        self.style = style
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in PALETTE_EVENTS and isinstance(watched, QWidget):
            _set_style(watched, self.style(current_palette()))
        return False


PALETTE_EVENTS = (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange)


def _set_style(widget: QWidget, sheet: str) -> None:
    if widget.styleSheet() != sheet:  # the same sheet again would only re-polish, and change the palette again
        widget.setStyleSheet(sheet)


def follow_palette(widget: QWidget, style: PaletteStyle) -> None:
    """Give a widget the style sheet ``style(palette)`` now, and again whenever the palette changes."""
    follower = widget.findChild(_PaletteFollower, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if follower is None:
        _PaletteFollower(widget, style)
    else:
        follower.style = style
    _set_style(widget, style(current_palette()))


def prepare_high_dpi() -> None:
    """Call before the QApplication exists: keep fractional scale factors (150% stays 1.5, not 2)."""
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)


def apply_theme(app: QApplication) -> None:
    """Name the application, give it the Fusion style, a font of at least 10 points and a readable palette."""
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
    keep_palette_readable(app)


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
    follow_palette(label, lambda palette: f"color: {muted_colour(palette).name()};")
    return label


class BoxedLabel(QLabel):
    """Text in a rounded box in a tone, with a 1-pixel border, painted (see the module's docstring for why).

    The colours are derived from the palette at paint time, so a palette change shows at once.
    """

    def __init__(self, tone: str, *, radius: float = 4, padding: tuple[int, int] = (6, 6),
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._radius = radius
        horizontal, vertical = padding
        self.setContentsMargins(horizontal + 1, vertical + 1, horizontal + 1, vertical + 1)  # + the border
        self.set_tone(tone)

    @property
    def colours(self) -> BoxColours:
        """The colours of the box under the palette in use."""
        return box_colours(self.tone)

    def set_tone(self, tone: str) -> None:
        """Change the tone (the text's colour goes through the palette, so that it is also what is read out)."""
        self.tone = tone
        self._apply_text_colour()
        self.update()

    def _apply_text_colour(self) -> None:
        text = QColor(self.colours.text)
        palette = self.palette()
        if palette.color(QPalette.ColorRole.WindowText) == text and palette.color(QPalette.ColorRole.Text) == text:
            return  # unchanged: setting it again would send another palette change
        palette.setColor(QPalette.ColorRole.WindowText, text)
        palette.setColor(QPalette.ColorRole.Text, text)
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        """Follow a change of the application's palette (a switch to dark mode while running)."""
        if event.type() in PALETTE_EVENTS:
            self._apply_text_colour()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The box, then the text as any label draws it."""
        colours = self.colours
        paint_box(self, colours.background, colours.border, self._radius)
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
    """An inline message for refusals and errors: red text on a red tint, wrapped, hidden while empty."""
    label = BoxedLabel(ERROR_TONE, parent=parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


def show_message(label: BoxedLabel, text: str | None, ok: bool = False) -> None:
    """Put a message in an error_label (green when ``ok``); an empty text hides it."""
    label.set_tone(OK_TONE if ok else ERROR_TONE)
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
        super().__init__("neutral", radius=9, padding=(10, 2), parent=parent)
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
        self.set_tone(look.tone)


def separator(parent: QWidget | None = None) -> QFrame:
    """A thin horizontal line between groups."""
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
