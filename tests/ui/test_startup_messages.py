"""Start-up problems are said in a message box, not only on a terminal nobody reads (an icon or the Start menu)."""

from __future__ import annotations

import argparse

import pytest

from ct_desktop.cli import start_cmd
from ct_desktop.cli.common import CliError
from ct_desktop.ui import app as app_module


def test_a_data_folder_that_cannot_be_made_is_said_in_a_box_with_the_folder_and_what_to_do(monkeypatch, tmp_path):
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("not a folder")  # refuses even root: a folder cannot be made inside a file
    folder = in_the_way / "data"
    reported = []
    monkeypatch.setattr(app_module, "show_startup_error", lambda *parts: reported.append(parts))
    with pytest.raises(CliError) as refused:  # and the same line for a terminal, exit 2
        start_cmd.run(argparse.Namespace(data_dir=folder))
    [(title, text, detail)] = reported
    assert title == "Cannot use the data folder"
    assert str(folder) in text and "has not started" in text
    assert "--data-dir" in detail and "Nothing has been changed" in detail
    assert str(folder) in str(refused.value)
    assert in_the_way.read_text() == "not a folder"


def test_the_apps_own_start_says_the_same_when_the_folder_goes_between_checks(monkeypatch, tmp_path):
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("")
    reported = []
    monkeypatch.setattr(app_module, "show_startup_error", lambda *parts: reported.append(parts))
    assert app_module.open_context(in_the_way / "data") is None
    [(title, text, detail)] = reported
    assert title == "Cannot use the data folder" and str(in_the_way / "data") in text
    assert "--data-dir" in detail
