"""Keyrings that would not keep the token safely are refused: keyrings.alt's PlaintextKeyring (a file anyone
who reads the user's files can decode), and keyring's null and fail backends (they keep nothing). Each backend
is chosen explicitly (PYTHON_KEYRING_BACKEND) for the installed command, run as a subprocess against the
real reference tracker; the tests' own keyring keeps working."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"
NULL = "keyring.backends.null.Keyring"
FAIL = "keyring.backends.fail.Keyring"
# Not in the test extra (the installer's test compares the build's keyring backends with Python's, and the
# build leaves keyrings.alt out): pip install -e '.[test,keyring-tests]', and build the installer elsewhere.
NEEDS_KEYRINGS_ALT = "the plaintext keyring tests need keyrings.alt: pip install -e '.[keyring-tests]'"
# The advice for the system the tests run on (the texts of ct_desktop.credentials.what_to_install).
WHAT_TO_INSTALL = {
    "win32": "Windows Credential Manager is not available to this user; sign in with a normal Windows account",
    "darwin": "the macOS Keychain is not available; unlock it in Keychain Access",
}.get(sys.platform, "install and unlock a Secret Service keyring, such as GNOME Keyring (package gnome-keyring) or "
                    "KWallet, and start it in your desktop session")


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    """Where keyrings.alt keeps its file (XDG_DATA_HOME/python_keyring), inside the test's folder."""
    folder = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


def ct_desktop(backend: str | None, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if backend:
        env["PYTHON_KEYRING_BACKEND"] = backend
    return subprocess.run([sys.executable, "-m", "ct_desktop", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, env=env)


def one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ct-desktop: ") and "Traceback" not in stderr, stderr
    return lines[0]


def everything_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def test_connect_refuses_a_plaintext_keyring_and_writes_nothing_in_its_file(tracker, data_home, isolated_data_dir):
    pytest.importorskip("keyrings.alt.file", reason=NEEDS_KEYRINGS_ALT)
    done = ct_desktop(PLAINTEXT, "connect", "--url", tracker.url, stdin=tracker.token + "\n")
    assert done.returncode == 2 and done.stdout == ""
    message = one_line(done.stderr)
    assert message == (f"ct-desktop: the keyring found ({PLAINTEXT}) keeps passwords in a plain file, where the "
                       f"tracker token would not be safe: uninstall the keyrings.alt package, or "
                       f"{WHAT_TO_INSTALL}")
    assert tracker.token not in done.stderr
    assert everything_in(data_home) == []  # no keyring_pass.cfg, nor anything else
    assert not (isolated_data_dir / "settings.json").exists()


def test_a_token_already_in_a_plaintext_keyring_is_not_used_to_send(tracker, data_home, isolated_data_dir):
    pytest.importorskip("keyrings.alt.file", reason=NEEDS_KEYRINGS_ALT)
    connected = ct_desktop(None, "connect", "--url", tracker.url, stdin=tracker.token + "\n")
    assert connected.returncode == 0, connected.stderr
    # As if another program had put the token in the plain file: it is not taken from there.
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        keyring.set_password("ct-desktop", tracker.url, tracker.token)
    finally:
        keyring.set_keyring(previous)
    done = ct_desktop(PLAINTEXT, "sync")
    assert done.returncode == 2 and "keeps passwords in a plain file" in one_line(done.stderr)


@pytest.mark.parametrize("backend", [NULL, FAIL])
def test_connect_refuses_a_keyring_that_keeps_nothing(tracker, isolated_data_dir, backend):
    done = ct_desktop(backend, "connect", "--url", tracker.url, stdin=tracker.token + "\n")
    assert done.returncode == 2 and done.stdout == ""
    assert one_line(done.stderr) == (f"ct-desktop: no keyring to keep the tracker token safely: {WHAT_TO_INSTALL} "
                                     "(the keyring found keeps nothing)")
    assert not (isolated_data_dir / "settings.json").exists()


@pytest.mark.parametrize(("backend", "problem"), [
    (PLAINTEXT, f"the keyring found ({PLAINTEXT}) keeps passwords in a plain file, where the tracker token would "
                "not be safe: uninstall the keyrings.alt package, or " + WHAT_TO_INSTALL),
    (NULL, "no keyring to keep the tracker token safely: " + WHAT_TO_INSTALL),
    (FAIL, "no keyring to keep the tracker token: " + WHAT_TO_INSTALL),
])
def test_doctor_reports_a_refused_keyring_as_a_problem(data_home, backend, problem):
    if backend == PLAINTEXT:
        pytest.importorskip("keyrings.alt.file", reason=NEEDS_KEYRINGS_ALT)
    done = ct_desktop(backend, "doctor", "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["keyring"]["backend"] == backend
    keyring_problems = [line for line in report["problems"] if "keyring" in line]
    assert len(keyring_problems) == 1 and keyring_problems[0].startswith(problem)
    text = ct_desktop(backend, "doctor")
    assert text.returncode == 1 and f"  - {keyring_problems[0]}" in text.stdout.splitlines()
    assert everything_in(data_home) == []


def test_the_tests_own_keyring_keeps_the_token_and_doctor_finds_no_keyring_problem(tracker, tmp_path):
    done = ct_desktop(None, "connect", "--url", tracker.url, stdin=tracker.token + "\n")
    assert done.returncode == 0, done.stderr
    kept = json.loads((tmp_path / "keyring.json").read_text(encoding="utf-8"))
    assert kept == {f"ct-desktop\n{tracker.url}": tracker.token}
    report = json.loads(ct_desktop(None, "doctor", "--json").stdout)
    assert report["keyring"]["backend"] == "keyring_backend.FileTestKeyring"
    assert report["keyring"]["problem"] is None
