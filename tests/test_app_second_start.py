"""Two starts of the app on one data folder: the second brings the first window forward and exits 0.

Real processes on the offscreen platform. With CT_DESKTOP_ANNOUNCE set the app prints a line when its
window is shown and when a second start has brought it forward (after raising and activating it).
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time

import pytest

from ct_desktop.settings import Settings, save_settings
from ct_desktop.store import backups, health, open_store
from ct_desktop.store.database import DB_FILENAME

SHOWN = "ct-desktop: main window shown"
RAISED = "ct-desktop: brought forward by a second start"


class App:
    """`ct-desktop --data-dir DIR` running, its standard output read line by line."""

    def __init__(self, folder) -> None:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CT_DESKTOP_ANNOUNCE": "1"}
        env.pop("CT_DESKTOP_EXIT_AFTER_START", None)
        self.process = subprocess.Popen([sys.executable, "-m", "ct_desktop", "--data-dir", str(folder)], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, start: str, seconds: float = 60) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            if line.startswith(start):
                return line
        raise AssertionError(f"no '{start}' line; exit {self.process.poll()}: {self.process.stderr.read()[-2000:]}")

    def kill(self) -> None:
        self.process.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up
        self.process.wait(timeout=30)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def second_start(folder) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CT_DESKTOP_ANNOUNCE": "1"}
    return subprocess.run([sys.executable, "-m", "ct_desktop", "--data-dir", str(folder)], env=env,
                          capture_output=True, text=True, timeout=60)


def cli(folder, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ct_desktop", *args, "--data-dir", str(folder)],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def folder(tmp_path):
    """A data folder past its first run, with a store."""
    data = tmp_path / "data"
    data.mkdir()
    save_settings(data, Settings(person="AB", first_run_done=True))
    open_store(data).close()
    return data


@pytest.mark.slow
def test_a_second_start_brings_the_first_window_forward_and_exits(folder):
    first = App(folder)
    try:
        first.wait_for(SHOWN)
        second = second_start(folder)
        assert second.returncode == 0, second.stderr
        assert SHOWN not in second.stdout and second.stderr == ""  # no window of its own, not a word
        first.wait_for(RAISED)
        assert first.process.poll() is None
        # The command line works beside the app...
        assert cli(folder, "locations").returncode == 0
        made = cli(folder, "backup")
        assert made.returncode == 0, made.stderr
        # ... except restore, which would replace the database under the app's feet.
        before = (folder / DB_FILENAME).read_bytes()
        refused = cli(folder, "restore", made.stdout.strip())
        assert refused.returncode == 2
        [line] = refused.stderr.splitlines()
        assert f"ct-desktop is open on the data folder {folder} (process {first.process.pid})" in line
        assert (folder / DB_FILENAME).read_bytes() == before
    finally:
        first.kill()


@pytest.mark.slow
def test_the_lock_of_a_killed_app_is_taken_over_and_its_file_checked_in_full(folder):
    first = App(folder)
    first.wait_for(SHOWN)
    first.kill()
    assert (folder / "ct-desktop.lock").exists()  # left behind by the kill
    assert backups.list_backups(folder) == []
    taker = App(folder)
    try:
        taker.wait_for(SHOWN)
        record = health.read_record(folder / DB_FILENAME)
        assert record is not None and record.unclean_shutdown  # the full check is due whatever its date
        again = second_start(folder)
        assert again.returncode == 0 and SHOWN not in again.stdout
        taker.wait_for(RAISED)
        # The upkeep, a few seconds after the start: the full check, and the first backup.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not backups.list_backups(folder):
            time.sleep(0.2)
        assert len(backups.list_backups(folder)) == 1
        record = health.read_record(folder / DB_FILENAME)
        assert record is not None and record.ok and not record.unclean_shutdown
    finally:
        taker.kill()
