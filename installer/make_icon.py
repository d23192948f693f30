"""Draw the ct-desktop icon with Qt: ``python installer/make_icon.py OUTPUT_DIR``.

Writes ct-desktop.png, ct-desktop.ico (Windows executables) and ct-desktop.icns (macOS), 256 pixels
square: a blue tile with a white page and a green tick, "the return is done". Drawn at build time so
that the repository holds no binary image made by hand; the spec runs it and carries on without an
icon if it fails. Shapes only (no text), so it needs no fonts and looks the same on every machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZE = 256
BLUE = "#005eb8"
GREEN = "#009639"


def draw(size: int = SIZE):
    """The icon as a QImage."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    unit = size / 16
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(BLUE))
    painter.drawRoundedRect(QRectF(0.5 * unit, 0.5 * unit, 15 * unit, 15 * unit), 3 * unit, 3 * unit)
    painter.setBrush(QColor("white"))
    painter.drawRoundedRect(QRectF(3.5 * unit, 2.5 * unit, 9 * unit, 11 * unit), unit, unit)
    lines = QPen(QColor(BLUE), 0.7 * unit, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    painter.setPen(lines)
    for row in (4.5, 6.5):
        painter.drawLine(QPointF(5.3 * unit, row * unit), QPointF(10.7 * unit, row * unit))
    tick = QPainterPath(QPointF(5.5 * unit, 9.6 * unit))
    tick.lineTo(7.3 * unit, 11.3 * unit)
    tick.lineTo(10.8 * unit, 7.9 * unit)
    painter.setPen(QPen(QColor(GREEN), 1.3 * unit, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(tick)
    painter.end()
    return image


def main(argv: list[str]) -> int:
    """Write the icon files into the folder given; exit 1 when none could be written."""
    if len(argv) != 1:
        print("usage: python installer/make_icon.py OUTPUT_DIR", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no window is shown; works without a display
    from PySide6.QtGui import QGuiApplication, QImageWriter

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 (image plugins need it)
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    image = draw()
    written = []
    for suffix in ("png", "ico", "icns"):
        writer = QImageWriter(str(folder / f"ct-desktop.{suffix}"), suffix.encode())
        if writer.write(image):
            written.append(writer.fileName())
        else:
            print(f"make_icon: cannot write {suffix}: {writer.errorString()}", file=sys.stderr)
    print("make_icon: wrote " + ", ".join(written))
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
