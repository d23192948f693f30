"""A finished file put in place of another: on Windows, a target another program holds open is waited for."""

from __future__ import annotations

import os
import threading

import pytest

from ct_desktop import file_replace


def files(tmp_path):
    target, new = tmp_path / "settings.json", tmp_path / ".settings-new.json"
    target.write_text("old", encoding="utf-8")
    new.write_text("new", encoding="utf-8")
    return target, new


def test_a_target_held_open_for_a_moment_is_replaced_once_it_is_let_go(tmp_path):
    target, new = files(tmp_path)
    reader = open(target, "rb")  # noqa: SIM115 (closed by the timer, as another program would)
    threading.Timer(0.3, reader.close).start()
    file_replace.replace(new, target)
    assert target.read_text(encoding="utf-8") == "new"
    assert not new.exists()


def test_a_target_held_open_for_longer_than_the_wait(tmp_path, monkeypatch):
    monkeypatch.setattr(file_replace, "WINDOWS_RETRY_S", 0.2)
    target, new = files(tmp_path)
    with open(target, "rb"):
        if os.name == "nt":  # Windows refuses to replace a file that is open: the error comes after the wait
            with pytest.raises(PermissionError):
                file_replace.replace(new, target)
            assert new.read_text(encoding="utf-8") == "new"
        else:  # POSIX replaces it at once; the reader keeps the old file
            file_replace.replace(new, target)
    assert target.read_text(encoding="utf-8") == ("old" if os.name == "nt" else "new")
