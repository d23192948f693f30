"""The look of the return views: one style sheet, by object name and property, so widgets set no colours.

The sheet is made from the palette in use (light, dark or high contrast) and made again when it
changes (see ui.theme.follow_palette). Sizes are in points or em-relative spacing so that they follow
150% scaling; every text colour keeps at least 4.5:1 contrast with what it is painted on, and every
coloured message also says what it is in words.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget

from ct_desktop.ui.theme import (
    ERROR_TONE,
    INFO_TONE,
    OK_TONE,
    WARNING_TONE,
    edge,
    follow_palette,
    ink,
    is_dark,
    mix,
    muted_colour,
    readable,
    text_goal,
    tint,
)

Role = QPalette.ColorRole


def return_view_style(palette: QPalette) -> str:
    """The style sheet of the form and conflict views under ``palette``."""
    window, base, text = palette.color(Role.Window), palette.color(Role.Base), palette.color(Role.Text)
    # The form's page is a shade off the window colour, the sections are boxes of the base colour on it.
    page = mix(window, text, 0.04) if is_dark(palette) else mix(window, base, 0.6)
    goal = text_goal(palette)
    backgrounds = [window, base, page]
    error = readable(ink(ERROR_TONE, palette), backgrounds, goal).name()
    warning = readable(ink(WARNING_TONE, palette), backgrounds, goal).name()
    saved = readable(ink(OK_TONE, palette), backgrounds, goal).name()
    muted = readable(muted_colour(palette), backgrounds, goal).name()
    strong = readable(text, backgrounds, goal).name()
    line = mix(base, text, 0.25).name()
    rule = mix(base, text, 0.15).name()
    focus = edge("accent", palette).name() if is_dark(palette) else "#1a5fb4"
    disabled_back = mix(base, text, 0.08)
    # A question not asked this month is greyed out, and still read: its text keeps the goal too.
    disabled = readable(mix(text, base, 0.45), [disabled_back], goal).name()
    boxes = [base, tint(ERROR_TONE, palette, 0.06), tint(WARNING_TONE, palette, 0.06)]
    placeholder = readable(mix(text, base, 0.5), boxes, goal).name()  # "blank": an answer too, so read
    banners = {kind: (tint(tone, palette), edge(tone, palette)) for kind, tone in
               (("info", INFO_TONE), ("warning", WARNING_TONE), ("error", ERROR_TONE), ("success", OK_TONE))}
    banner_text = {kind: readable(text, [back], goal).name() for kind, (back, _edge) in banners.items()}
    return f"""
QLabel#viewTitle {{ font-size: 13pt; font-weight: bold; }}
QLabel#viewDetails {{ color: {muted}; }}
QLabel#saveMark {{ color: {saved}; font-weight: bold; padding: 2px 6px; }}
QLabel#saveMark[state="failed"] {{ color: {error}; }}
QLabel#saveMark[state="idle"] {{ color: {muted}; font-weight: normal; }}

QFrame#banner {{ border: 1px solid {banners["info"][1].name()}; border-radius: 4px;
                 background: {banners["info"][0].name()}; }}
QFrame#banner[kind="warning"] {{ border-color: {banners["warning"][1].name()};
                                 background: {banners["warning"][0].name()}; }}
QFrame#banner[kind="error"] {{ border-color: {banners["error"][1].name()}; background: {banners["error"][0].name()}; }}
QFrame#banner[kind="success"] {{ border-color: {banners["success"][1].name()};
                                 background: {banners["success"][0].name()}; }}
QFrame#banner QLabel {{ background: transparent; color: {banner_text["info"]}; }}
QFrame#banner[kind="warning"] QLabel {{ color: {banner_text["warning"]}; }}
QFrame#banner[kind="error"] QLabel {{ color: {banner_text["error"]}; }}
QFrame#banner[kind="success"] QLabel {{ color: {banner_text["success"]}; }}

QGroupBox#section {{ font-weight: bold; font-size: 11pt; border: 1px solid {line}; border-radius: 4px;
                     margin-top: 1.4em; padding: 0.6em 0.8em 0.4em 0.8em; background: {base.name()}; }}
QGroupBox#section::title {{ subcontrol-origin: margin; left: 0.6em; padding: 0 0.3em; color: {strong}; }}
QGroupBox#section QLabel, QGroupBox#section QCheckBox, QGroupBox#section QRadioButton,
QGroupBox#section QPushButton {{ font-weight: normal; font-size: 10pt; }}
QLabel#sectionGuidance {{ color: {muted}; font-style: italic; }}
QGroupBox#section QLabel#fieldLabel {{ color: {strong}; font-weight: bold; }}
QLabel#requirement {{ color: {muted}; font-size: 9pt; }}
QLabel#guidance {{ color: {muted}; }}
QLabel#unit {{ color: {muted}; }}
QLabel#lastMonth {{ color: {muted}; padding-left: 1em; }}
QLabel#lastMonthBelow {{ color: {muted}; }}
QGroupBox#section QLabel#total {{ font-weight: bold; border-top: 1px solid {rule}; padding-top: 4px;
                                 margin-top: 2px; }}
QLabel#message_error, QLabel#message_not_saved, QLabel#message_tracker {{ color: {error}; }}
QLabel#message_warning {{ color: {warning}; }}
QLabel#message_related_error {{ color: {error}; font-size: 9pt; }}
QLabel#message_related_warning {{ color: {warning}; font-size: 9pt; }}

QLineEdit {{ border: 1px solid {mix(base, text, 0.45).name()}; border-radius: 3px; padding: 3px 5px;
             background: {base.name()}; color: {text.name()}; placeholder-text-color: {placeholder}; }}
QLineEdit:focus {{ border: 2px solid {focus}; padding: 2px 4px; }}
QLineEdit:disabled {{ background: {disabled_back.name()}; color: {disabled}; placeholder-text-color: {disabled}; }}
QLineEdit[problem="error"] {{ border: 2px solid {error}; padding: 2px 4px;
                              background: {tint(ERROR_TONE, palette, 0.06).name()}; }}
QLineEdit[problem="warning"] {{ border: 2px solid {warning}; padding: 2px 4px;
                                background: {tint(WARNING_TONE, palette, 0.06).name()}; }}

QLabel#panelHeading, QLabel#navHeading {{ font-weight: bold; font-size: 11pt; }}
QLabel#panelSummary, QLabel#confirmNote {{ color: {muted}; }}
QCheckBox#confirmWarnings {{ font-weight: bold; }}
QLabel#sendStatus {{ color: {muted}; }}
QLabel#legend {{ color: {muted}; padding: 4px 2px; }}
QPushButton#sendButton {{ font-weight: bold; padding: 6px 16px; }}
QScrollArea#formScroll {{ border: none; background: {page.name()}; }}
QWidget#formContent {{ background: {page.name()}; }}
"""


def conflict_view_style(palette: QPalette) -> str:
    """The return views' style sheet with the comparison grid's rules, under ``palette``."""
    window, base, text = palette.color(Role.Window), palette.color(Role.Base), palette.color(Role.Text)
    goal = text_goal(palette)
    muted = readable(muted_colour(palette), [window, base], goal).name()
    warning = readable(ink(WARNING_TONE, palette), [window, base], goal).name()
    return return_view_style(palette) + f"""
QLabel#gridHeading {{ font-weight: bold; border-bottom: 1px solid {mix(base, text, 0.25).name()};
                      padding-bottom: 3px; }}
QLabel[differs="true"] {{ font-weight: bold; }}
QLabel#sameAnswer {{ color: {muted}; }}
QWidget#comparisonGrid {{ background: {base.name()}; }}
QLabel#beforeSending {{ color: {warning}; }}
QFrame#rowLine {{ color: {mix(base, text, 0.15).name()}; }}
"""


def style_return_view(view: QWidget) -> None:
    """Give a form view its style sheet, following palette changes."""
    follow_palette(view, return_view_style)


def style_conflict_view(view: QWidget) -> None:
    """Give a conflict view its style sheet, following palette changes."""
    follow_palette(view, conflict_view_style)
