"""The installed Qt binding must not drop references to None on void calls.

PySide6 6.12 on Python 3.11 does, and after enough calls (a few minutes of typing in the form) the
interpreter aborts with "none_dealloc"; pyproject.toml keeps PySide6 below 6.12 on Python 3.11. This
test catches an environment where that defect is back.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

# A child process: if the defect is there, the interpreter aborts and must not take the suite with it.
SCRIPT = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication([])
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(before + 1000):  # more void calls than None has references
        label.setText("x")
    print("lost", before - sys.getrefcount(None), flush=True)
""")


def test_many_void_qt_calls_lose_no_reference_to_none():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    lost = int(result.stdout.split()[-1])
    assert abs(lost) < 50  # a handful may move with the interpreter's own bookkeeping, not one per call
