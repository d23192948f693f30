"""The frozen build: installer/build.py makes it, and the result starts and works without Python.

Builds once per run into a temporary folder (about half a minute to a few minutes), then starts the
windowed app offscreen up to its main window and back, runs commands with the console executable,
and checks that the build finds the same keyring backends as Python itself does on this computer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PyInstaller", reason="PyInstaller is in the test extra: pip install -e '.[test]'")

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = ROOT / "installer" / "build.py"
EXAMPLE = ROOT / "examples" / "care_home-2026-09.json"
STARTED_LINE = "ct-desktop: main window shown: "  # ct_desktop.ui.app.STARTED_LINE, not imported: no Qt here
SETTINGS = {"schema_version": 1, "person": "AB", "first_run_done": True}  # no first-run dialog
# What tests/conftest.py sets up for Python subprocesses; the frozen app has no tests/support to import
# the test keyring from, and must find keyring's backends on its own.
TEST_ONLY_VARIABLES = ("PYTHON_KEYRING_BACKEND", "CT_TEST_KEYRING_FILE", "PYTHONPATH")


@pytest.fixture(scope="module")
def frozen_app(tmp_path_factory) -> Path:
    """dist/ct-desktop/ built by installer/build.py, which has checked its contents."""
    base = tmp_path_factory.mktemp("installer")
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--dist", str(base / "dist"), "--work", str(base / "work")],
        capture_output=True, text=True, timeout=1800, env=clean_environment(base),
    )
    assert result.returncode == 0, f"build.py failed:\n{result.stdout}\n{result.stderr[-6000:]}"
    assert "build.py: checked:" in result.stdout
    return base / "dist" / "ct-desktop"


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A data folder where the first run is already done."""
    folder = tmp_path / "frozen-data"
    folder.mkdir()
    (folder / "settings.json").write_text(json.dumps(SETTINGS), encoding="utf-8")
    return folder


def clean_environment(base: Path, **extra: str) -> dict[str, str]:
    """This environment without the test keyring, with keyring's own settings kept out of the user's."""
    env = {name: value for name, value in os.environ.items() if name not in TEST_ONLY_VARIABLES}
    # keyringrc.cfg is looked up here on Linux: the developer's own keyring choice must not count.
    env.update(XDG_CONFIG_HOME=str(base / "config"), XDG_DATA_HOME=str(base / "share"))
    env.update(extra)
    return env


def executable(folder: Path, name: str) -> Path:
    return folder / (f"{name}.exe" if sys.platform == "win32" else name)


def run_frozen(folder: Path, name: str, *args: str, data_dir: Path, **extra: str) -> subprocess.CompletedProcess:
    env = clean_environment(data_dir.parent, CT_DESKTOP_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen",
                            **extra)
    return subprocess.run([str(executable(folder, name)), *args], capture_output=True, text=True,
                          timeout=120, env=env, cwd=data_dir)


def test_the_windowed_app_reaches_its_main_window_and_quits(frozen_app, data_dir):
    result = run_frozen(frozen_app, "ct-desktop", data_dir=data_dir, CT_DESKTOP_EXIT_AFTER_START="1")
    assert result.returncode == 0, result.stderr
    if sys.platform not in ("win32", "darwin"):  # elsewhere a windowed executable has no standard output
        # The profile in the title ("Live — Capacity Tracker return"; the dash left out of the check, as a
        # Windows console's code page may not carry it).
        assert STARTED_LINE + "Live " in result.stdout and " Capacity Tracker return" in result.stdout


def test_the_console_executable_starts_the_app_too(frozen_app, data_dir):
    result = run_frozen(frozen_app, "ct-desktop-cli", data_dir=data_dir, CT_DESKTOP_EXIT_AFTER_START="1")
    assert result.returncode == 0, result.stderr
    assert STARTED_LINE in result.stdout
    assert (data_dir / "ct-desktop.db").is_file()


def test_the_command_line_gives_a_collection_window(frozen_app, data_dir):
    result = run_frozen(frozen_app, "ct-desktop-cli", "window", "2028-04", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    window = json.loads(result.stdout)
    assert window["due"] == "2028-04-18"  # after Good Friday, the weekend and Easter Monday: holidays works
    assert window["due_moved_because"][0] == "Friday 14 April 2028: Good Friday"


def test_the_command_line_validates_with_the_question_sets_inside(frozen_app, data_dir):
    result = run_frozen(frozen_app, "ct-desktop-cli", "validate", "--service-type", "care_home",
                        "--period", "2026-09", str(EXAMPLE), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert [finding for finding in json.loads(result.stdout) if finding["severity"] == "error"] == []


def test_the_build_finds_the_same_keyring_backends_as_python(frozen_app, data_dir):
    # Which backends are usable is asked of each backend (is there a Secret Service on D-Bus?...);
    # no password is read or written.
    frozen = run_frozen(frozen_app, "ct-desktop-cli", "doctor", "--json", data_dir=data_dir)
    assert frozen.returncode in (0, 1), frozen.stderr  # 1: this computer has no keyring (a CI runner)
    env = clean_environment(data_dir.parent, CT_DESKTOP_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen")
    python = subprocess.run([sys.executable, "-m", "ct_desktop", "doctor", "--json"], capture_output=True,
                            text=True, timeout=120, env=env, cwd=ROOT, check=False)
    frozen_report, python_report = json.loads(frozen.stdout), json.loads(python.stdout)
    assert frozen_report["frozen"] is True
    found = {entry["name"] for entry in frozen_report["keyring"]["found"]}
    assert {"Windows", "macOS", "SecretService", "KWallet", "libsecret", "chainer"} <= found
    assert frozen_report["keyring"]["found"] == python_report["keyring"]["found"]
    assert frozen_report["keyring"]["backend"] == python_report["keyring"]["backend"]
    assert frozen_report["keyring"]["usable"] == python_report["keyring"]["usable"]


def test_the_build_carries_its_own_qt(frozen_app, data_dir):
    report = json.loads(run_frozen(frozen_app, "ct-desktop-cli", "doctor", "--json", data_dir=data_dir).stdout)
    assert report["version"] == run_frozen(frozen_app, "ct-desktop-cli", "--version",
                                           data_dir=data_dir).stdout.split()[-1]
    assert {"offscreen", "minimal"} <= set(report["qt"]["platforms"])
    assert report["qt"]["plugin_paths"]
    assert all(str(frozen_app) in path for path in report["qt"]["plugin_paths"])
