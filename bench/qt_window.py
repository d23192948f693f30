"""A second yardstick for the app's start: the same main window, built from PySide6 alone.

Everything the app's window is made of, on the same style and font, with placeholder words and no
ct-desktop code at all: no store, no question sets, no models, nothing read or worked out. The menus
with their shortcuts, the toolbar, the status bar, the month picker and the collection window line,
and one card per location (the name and details, the state, the last accepted month, a hidden notice,
three buttons, in the same grid) in a scroll area. Its start minus the bare window's is what Qt itself
needs for this window; the app's start minus this one is what ct-desktop's own Python adds.

Kept in step with ct_desktop.ui.main_window, home_view and location_card by hand: it is a yardstick,
so it must not import them.
"""

from __future__ import annotations

import sys

from bare_window import run_until_shown
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QStyleFactory,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

STARTED_LINE = "qt window shown"
MENUS = {
    "&File": [("&Add a location…", ("Ctrl+L",)), ("&Change who is working…", ("Ctrl+Shift+P",)),
              ("&Settings…", ("Ctrl+,",)), ("&Quit", ("Ctrl+Q",))],
    "&Return": [("&Open return", ("Ctrl+O",)), ("&No changes — save page", ("Ctrl+Shift+N",)),
                ("&History", ("Ctrl+H",)), ("&Previous month", ("Ctrl+PgUp",)), ("Ne&xt month", ("Ctrl+PgDown",))],
    "S&ync": [("&Send now", ("F5",)), ("Show sync &problems…", ("Ctrl+Shift+E",)), ("&Connect to the tracker…", ())],
    "&View": [("&All locations (home)", ("Esc", "Alt+Left"))],
    "&Help": [("&Keyboard shortcuts", ("F1",)), ("&About ct-desktop", ())],
}


def card(number: int) -> QFrame:
    """One location: the location card's widgets and grid."""
    frame = QFrame()
    frame.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    title = QLabel(f"<span style='font-size:11.5pt; font-weight:bold'>Care home {number}</span>&nbsp;&nbsp; "
                   f"<span style='color:#4b5563'>1-{number:09d} · Care home · Local authority</span>")
    title.setWordWrap(True)
    title.setTextFormat(Qt.TextFormat.RichText)
    badge = QLabel("Queued to send")
    last = QLabel("Last accepted: October 2026, on 12 Oct 2026")
    detail = QLabel("Queued by AB at 09:12; sent when the network allows.")
    detail.setWordWrap(True)
    notice = QLabel()
    notice.setWordWrap(True)
    notice.hide()
    buttons_box = QWidget()
    buttons = QHBoxLayout(buttons_box)
    buttons.setContentsMargins(0, 0, 0, 0)
    buttons.setSpacing(8)
    for text in ("View return", "No changes — save page", "History"):
        buttons.addWidget(QPushButton(text))
    grid = QGridLayout(frame)
    grid.setContentsMargins(14, 8, 14, 8)
    grid.setHorizontalSpacing(16)
    grid.setVerticalSpacing(2)
    grid.addWidget(title, 0, 0)
    grid.addWidget(badge, 0, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    grid.addWidget(last, 1, 0)
    grid.addWidget(detail, 2, 0)
    grid.addWidget(notice, 3, 0, 1, 2)
    grid.addWidget(buttons_box, 1, 1, 2, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    grid.setColumnStretch(0, 1)
    return frame


def home(locations: int) -> QWidget:
    """The month picker, the collection window line and the cards."""
    page = QWidget()
    layout = QVBoxLayout(page)
    picker = QHBoxLayout()
    for widget in (QPushButton("◀  &Previous"), QLabel("November 2026"), QPushButton("Ne&xt  ▶"),
                   QPushButton("&This month")):
        picker.addWidget(widget)
    layout.addLayout(picker)
    window_line = QLabel("Collection window open: due by the end of Monday 14 December 2026.")
    window_line.setWordWrap(True)
    layout.addWidget(window_line)
    cards_box = QWidget()
    cards = QVBoxLayout(cards_box)
    cards.setSpacing(10)
    for number in range(1, locations + 1):
        cards.addWidget(card(number))
    cards.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(cards_box)
    layout.addWidget(scroll, 1)
    return page


def main_window(locations: int) -> QMainWindow:
    """Menus, toolbar, status bar and the home page in a stack, as the app's main window."""
    window = QMainWindow()
    window.setWindowTitle("Capacity Tracker return")
    window.setMinimumSize(640, 400)
    stack = QStackedWidget()
    stack.addWidget(home(locations))
    window.setCentralWidget(stack)
    actions = []
    for title, entries in MENUS.items():
        menu = window.menuBar().addMenu(title)
        for text, keys in entries:
            action = QAction(text, window)
            if keys:
                action.setShortcuts([QKeySequence(key) for key in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(action)
            menu.addAction(action)
            actions.append(action)
    toolbar = QToolBar("Main actions")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for action in actions[12:13] + actions[4:7] + actions[9:10] + actions[2:3]:
        toolbar.addAction(action)
    window.addToolBar(toolbar)
    status = QWidget()
    status_layout = QHBoxLayout(status)
    status_layout.setContentsMargins(0, 0, 0, 0)
    status_layout.addWidget(QLabel("Not connected · 7 queued"))
    status_layout.addWidget(QPushButton("Send now"))
    window.statusBar().addPermanentWidget(status)
    person = QPushButton("Working: AB")
    person.setFlat(True)
    window.statusBar().addPermanentWidget(person)
    return window


def main() -> int:
    """Show the window as the app does (Fusion, at least 10 points, sized), report it from the event loop, quit."""
    locations = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(sys.argv[:1])
    app.setStyle(QStyleFactory.create("Fusion"))
    font = QFont(app.font())
    font.setPointSizeF(max(10.0, font.pointSizeF()))
    app.setFont(font)
    window = main_window(locations)
    available = app.primaryScreen().availableGeometry()
    if available.width() <= 1400 or available.height() <= 800:
        window.showMaximized()
    else:
        window.resize(min(1280, int(available.width() * 0.9)), min(860, int(available.height() * 0.9)))
        window.show()
    return run_until_shown(app, window, STARTED_LINE)


if __name__ == "__main__":
    sys.exit(main())
