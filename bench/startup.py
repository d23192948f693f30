"""Starting a program to its first window, in a fresh process each time: how long, and how much memory.

Each start is timed from just before the process is created until the line that says the window is on
screen arrives on its standard output: interpreter start, imports, opening the store, building and
laying out the window, everything a person waits through. Memory is measured in separate starts,
through peak_memory.py (see there why the benchmark cannot read it directly), so that the launcher
adds nothing to the timed starts.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from bare_window import STARTED_LINE as BARE_STARTED_LINE
from peak_memory import PEAK_LINE
from qt_window import STARTED_LINE as QT_WINDOW_STARTED_LINE
from report import BenchError

from ct_desktop.ui.app import EXIT_AFTER_START_ENV, STARTED_LINE

BENCH = Path(__file__).resolve().parent
BARE_WINDOW = BENCH / "bare_window.py"
QT_WINDOW = BENCH / "qt_window.py"
PEAK_LAUNCHER = BENCH / "peak_memory.py"
START_TIMEOUT_S = 120.0


def gui_env(data_dir: Path) -> dict[str, str]:
    """The environment of a started program: no display needed, quit once shown, nothing of the user's.

    The data folder is given on the command line too; the variable is a second guard. The null keyring
    backend means that even a start that looked for a token could not reach the user's keyring.
    """
    env = dict(os.environ)
    env.update({
        "QT_QPA_PLATFORM": "offscreen",
        EXIT_AFTER_START_ENV: "1",
        "CT_DESKTOP_DATA_DIR": str(data_dir),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    })
    return env


def app_command(data_dir: Path) -> list[str]:
    """The app, as `ct-desktop --data-dir DIR` starts it."""
    return [sys.executable, "-m", "ct_desktop", "--data-dir", str(data_dir)]


def bare_command() -> list[str]:
    """The bare PySide6 window."""
    return [sys.executable, str(BARE_WINDOW)]


def qt_window_command(locations: int) -> list[str]:
    """The app's main window with ``locations`` cards, in PySide6 alone."""
    return [sys.executable, str(QT_WINDOW), str(locations)]


def run_to_window(command: Sequence[str], started_line: str, env: Mapping[str, str]) -> tuple[float, list[str]]:
    """Run ``command`` to its end; the seconds until ``started_line`` was printed, and the lines after it."""
    posix = os.name == "posix"
    with tempfile.TemporaryFile(mode="w+") as errors:
        began = time.perf_counter()
        # A session of its own, so that a start that hangs can be killed with all it started.
        process = subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=errors, env=dict(env), text=True,
                                   start_new_session=posix)
        kill = (lambda: os.killpg(process.pid, signal.SIGKILL)) if posix else process.kill
        watchdog = threading.Timer(START_TIMEOUT_S, kill)
        watchdog.start()
        try:
            seconds = _seconds_until(process, started_line, began)
            rest = process.stdout.readlines()  # type: ignore[union-attr]
            process.wait()
        finally:
            watchdog.cancel()
            process.stdout.close()  # type: ignore[union-attr]
        if seconds is None or process.returncode != 0:
            errors.seek(0)
            raise BenchError(f"{' '.join(command)} exited {process.returncode} (killed after {START_TIMEOUT_S:.0f} s "
                             f"if negative) without printing {started_line!r}:\n{errors.read()[-2000:]}")
    return seconds, rest


def _seconds_until(process: subprocess.Popen[str], started_line: str, began: float) -> float | None:
    for line in process.stdout:  # type: ignore[union-attr]
        if line.startswith(started_line):
            return time.perf_counter() - began
    return None


def peak_rss(command: Sequence[str], started_line: str, env: Mapping[str, str]) -> int | None:
    """The peak resident memory (bytes) of one start of ``command``; None where it cannot be read (Windows)."""
    if not hasattr(os, "wait4"):
        return None
    _, rest = run_to_window([sys.executable, str(PEAK_LAUNCHER), *command], started_line, env)
    reported = [line for line in rest if line.startswith(PEAK_LINE)]
    if not reported:
        raise BenchError(f"{PEAK_LAUNCHER.name} did not report the peak memory of {' '.join(command)}")
    return int(reported[-1][len(PEAK_LINE):])


@dataclasses.dataclass(frozen=True)
class StartComparison:
    """Seconds to the window of the app, of the same window in Qt alone and of the bare window."""

    app: list[float]
    qt_window: list[float]
    bare: list[float]

    @property
    def app_median(self) -> float:
        return statistics.median(self.app)

    @property
    def qt_window_median(self) -> float:
        return statistics.median(self.qt_window)

    @property
    def bare_median(self) -> float:
        return statistics.median(self.bare)

    @property
    def ratio(self) -> float:
        return self.app_median / self.bare_median

    @property
    def qt_window_ratio(self) -> float:
        return self.qt_window_median / self.bare_median


def compare_starts(data_dir: Path, runs: int, locations: int) -> StartComparison:
    """Start the app on ``data_dir``, its window in Qt alone and the bare window in turns, ``runs`` times each.

    One warm-up start of each comes first and is not counted: it fills the operating system's file
    cache and writes the bytecode caches and the bank holiday cache, as any start after the first finds
    them. Taking them in turns means that a machine getting busier or quieter during the run affects
    all three alike.
    """
    env = gui_env(data_dir)
    programs = ((app_command(data_dir), STARTED_LINE), (qt_window_command(locations), QT_WINDOW_STARTED_LINE),
                (bare_command(), BARE_STARTED_LINE))
    for command, started_line in programs:
        run_to_window(command, started_line, env)
    seconds: list[list[float]] = [[] for _ in programs]
    for _ in range(runs):
        for times, (command, started_line) in zip(seconds, programs, strict=True):
            times.append(run_to_window(command, started_line, env)[0])
    return StartComparison(*seconds)


@dataclasses.dataclass(frozen=True)
class PeakMemory:
    """The highest peak RSS (bytes) over some starts of the app and of the bare window; None if unknown."""

    app: int | None
    bare: int | None


def peak_memory(data_dir: Path, runs: int) -> PeakMemory:
    """Start the app on ``data_dir`` and the bare window ``runs`` times each; the highest peak of each."""
    env = gui_env(data_dir)
    app = [peak_rss(app_command(data_dir), STARTED_LINE, env) for _ in range(runs)]
    bare = [peak_rss(bare_command(), BARE_STARTED_LINE, env) for _ in range(runs)]
    return PeakMemory(_highest(app), _highest(bare))


def _highest(peaks: list[int | None]) -> int | None:
    known = [peak for peak in peaks if peak is not None]
    return max(known) if known else None
