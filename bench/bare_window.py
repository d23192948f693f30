"""The yardstick for the app's start: the least a PySide6 program can do to put a window on screen.

QApplication, a QMainWindow holding one label, shown; from the event loop (so the window has really
been laid out, as the app's own EXIT_AFTER_START does) one line is printed and the program quits.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

STARTED_LINE = "bare window shown"


def main() -> int:
    """Show the window, report it from the event loop, quit."""
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Bare window")
    window.setCentralWidget(QLabel("Hello"))
    window.show()
    return run_until_shown(app, window, STARTED_LINE)


def run_until_shown(app: QApplication, window: QMainWindow, started_line: str) -> int:
    """Run the event loop just long enough to print ``started_line`` from it, then close and quit."""

    def report_and_quit() -> None:
        print(started_line, flush=True)
        window.close()
        app.quit()

    QTimer.singleShot(0, report_and_quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
