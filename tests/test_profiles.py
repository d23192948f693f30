"""Profiles: named data folders (Live, Training), their names, and `ct-desktop profiles` / `--profile NAME`."""

from __future__ import annotations

import io
import json
import sys

import pytest

from ct_desktop.cli import main
from ct_desktop.models import Location
from ct_desktop.profiles import (
    ProfileError,
    add_profile,
    check_name,
    last_used,
    list_profiles,
    profile_of_folder,
    remember,
)
from ct_desktop.store import open_store


def run(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", ["../etc", "a/b", "a\\b", "..", ".hidden", "Training\x1b[31m", "line\nbreak",
                                  " ", "", "x" * 41, "Tráining", "_under", "ends-", "CON", "nul", "Com1"])
def test_a_name_that_cannot_be_a_folder_name_is_refused_in_one_line(capsys, monkeypatch, isolated_data_dir, name):
    code, out, err = run(capsys, monkeypatch, "profiles", "add", name)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("ct-desktop: ") and "\x1b" not in err
    assert not (isolated_data_dir / "profiles").exists() or list((isolated_data_dir / "profiles").iterdir()) == []


@pytest.mark.parametrize("name", ["Training", "Live 2", "training_2026", "A", "Home-care demo"])
def test_usual_names_are_accepted(name):
    assert check_name(f" {name} ") == name


def test_names_are_unique_ignoring_case_and_live_is_always_there(capsys, monkeypatch, isolated_data_dir):
    assert run(capsys, monkeypatch, "profiles", "add", "Training")[0] == 0
    for taken in ("training", "TRAINING", "live", "Live"):
        code, _, err = run(capsys, monkeypatch, "profiles", "add", taken)
        assert code == 2 and "there is already a profile" in err, taken
    assert [p.name for p in list_profiles(isolated_data_dir)] == ["Live", "Training"]


def test_live_is_the_data_folder_itself_so_existing_data_stays_where_it_was(capsys, monkeypatch, isolated_data_dir):
    # A data folder of before profiles: its returns are the Live profile's, without a move or a copy.
    with open_store(isolated_data_dir) as store:
        store.add_location(Location("1-101", "Sunny Care", "care_home", "Leeds"))
    add_profile(isolated_data_dir, "Training")
    for args in ((), ("--profile", "Live"), ("--profile", "live")):
        code, out, _ = run(capsys, monkeypatch, *args, "locations")
        assert (code, out) == (0, "1-101  Sunny Care  (care_home)  Leeds\n"), args
    code, out, _ = run(capsys, monkeypatch, "--profile", "training", "locations")
    assert code == 0 and out.startswith("No locations yet")
    assert (isolated_data_dir / "ct-desktop.db").exists()
    assert (isolated_data_dir / "profiles" / "Training" / "ct-desktop.db").exists()


def test_every_command_takes_the_profile_before_or_after_its_name(capsys, monkeypatch, isolated_data_dir):
    add_profile(isolated_data_dir, "Training")
    assert run(capsys, monkeypatch, "locations", "add", "1-202", "--name", "Home Help", "--service-type",
               "home_care", "--profile", "Training")[0] == 0
    code, out, _ = run(capsys, monkeypatch, "--profile", "Training", "locations", "--json")
    assert code == 0 and [row["id"] for row in json.loads(out)] == ["1-202"]
    assert run(capsys, monkeypatch, "locations")[1].startswith("No locations yet")


def test_an_unknown_profile_is_refused_naming_those_there_are(capsys, monkeypatch, isolated_data_dir):
    add_profile(isolated_data_dir, "Training")
    code, out, err = run(capsys, monkeypatch, "--profile", "Trainig", "status")
    assert (code, out) == (2, "")
    assert err == ("ct-desktop: there is no profile 'Trainig' (the profiles are: Live, Training); make it with "
                   "ct-desktop profiles add Trainig, or File > New profile… in the app\n")
    assert not (isolated_data_dir / "profiles" / "Trainig").exists()


def test_profile_and_data_dir_together_are_refused(capsys, monkeypatch, isolated_data_dir, tmp_path):
    add_profile(isolated_data_dir, "Training")
    code, out, err = run(capsys, monkeypatch, "--profile", "Training", "--data-dir", str(tmp_path / "x"), "status")
    assert (code, out) == (2, "")
    assert err.startswith("ct-desktop: give --profile or --data-dir, not both") and err.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_profiles_lists_each_with_its_folder_and_tracker(capsys, monkeypatch, isolated_data_dir):
    training = isolated_data_dir / "profiles" / "Training"
    code, out, _ = run(capsys, monkeypatch, "profiles", "add", "Training")
    assert code == 0 and out.splitlines()[0] == f"Added the profile Training: {training}"
    code, out, _ = run(capsys, monkeypatch, "profiles")
    assert code == 0 and out.splitlines() == [f"Live      not connected  {isolated_data_dir}",
                                              f"Training  not connected  {training}"]
    code, out, _ = run(capsys, monkeypatch, "profiles", "list", "--json")
    assert [row["name"] for row in json.loads(out)] == ["Live", "Training"]


def test_the_profile_opened_last_is_remembered(isolated_data_dir):
    training = add_profile(isolated_data_dir, "Training")
    assert last_used(isolated_data_dir) is None
    remember(isolated_data_dir, training)
    assert last_used(isolated_data_dir) == "Training"


def test_a_folder_is_told_apart_as_live_a_named_profile_or_a_folder_of_its_own(isolated_data_dir, tmp_path):
    training = add_profile(isolated_data_dir, "Training")
    assert profile_of_folder(isolated_data_dir).name == "Live"
    assert profile_of_folder(training.folder).name == "Training"
    other = profile_of_folder(tmp_path / "elsewhere")
    assert (other.named, other.name) == (False, str((tmp_path / "elsewhere").resolve()))


def test_check_name_says_why_in_plain_words():
    with pytest.raises(ProfileError, match=r"^a profile needs a name"):
        check_name("  ")
    with pytest.raises(ProfileError, match="Windows keeps it for a device"):
        check_name("aux")
