"""Hostile and mistyped input to the installed command, run as a real process: impossible months, figures
Python reads but a person never writes, numbers too long to convert, location ids that are paths, names
with terminal escapes, settings that are not addresses. Each gets one line and exit 2; nothing is saved.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ct_desktop.collection_window import now_london
from ct_desktop.period import Period
from ct_desktop.store import open_store

HOME = "1-101"
ESC = "\x1b"


def ct(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """ct-desktop as a person runs it, on the test's data folder (CT_DESKTOP_DATA_DIR)."""
    return subprocess.run([sys.executable, "-m", "ct_desktop", *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout)


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """The single line of standard error, after checking that there is one and no traceback."""
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith("ct-desktop: ")
    return lines[0]


def this_month() -> Period:
    return Period.of(now_london().date())


@pytest.fixture
def home(isolated_data_dir):
    """One care home, added with the command."""
    done = ct("locations", "add", HOME, "--name", "Sunny Care", "--service-type", "care_home")
    assert done.returncode == 0, done.stderr
    return HOME


def saved_return(folder: Path, period: Period):
    with open_store(folder) as store:
        return store.get_return(HOME, period)


# Months that cannot be sent -----------------------------------------------------------------------


@pytest.mark.parametrize("month", ["2099-01", "2022-06", "next month"])
def test_draft_set_refuses_a_month_after_this_one_or_before_the_mandate(home, isolated_data_dir, month):
    period = this_month().next() if month == "next month" else Period.parse(month)
    done = ct("draft", "set", HOME, str(period), "beds_max_capacity=40", "--by", "AB")
    line = one_line(done)
    assert done.returncode == 2
    assert f"only 2022-07 to {this_month()} can be entered or sent" in line
    assert saved_return(isolated_data_dir, period) is None


def test_this_month_is_accepted(home, isolated_data_dir):
    done = ct("draft", "set", HOME, str(this_month()), "beds_max_capacity=40", "--by", "AB")
    assert done.returncode == 0, done.stderr
    assert saved_return(isolated_data_dir, this_month()).values["beds_max_capacity"] == 40


def test_submit_and_no_changes_refuse_a_month_that_cannot_be_sent(home, isolated_data_dir):
    for command in (["submit", HOME, "2099-01", "--by", "AB"], ["no-changes", HOME, "2099-01", "--by", "AB"],
                    ["submit", HOME, "2022-06", "--by", "AB"]):
        done = ct(*command)
        line = one_line(done)
        assert done.returncode == 2, command
        assert "can be entered or sent" in line
    with open_store(isolated_data_dir) as store:
        assert store.outbox_items() == []


def test_import_csv_refuses_a_row_for_a_month_that_cannot_be_sent(home, isolated_data_dir, tmp_path):
    source = tmp_path / "returns.csv"
    source.write_text("location_id,period,beds_max_capacity\r\n1-101,2099-01,40\r\n", encoding="utf-8", newline="")
    done = ct("import-csv", str(source), "--by", "AB")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "row 2, column period (D)" not in done.stderr  # the column is B here
    assert "row 2, column period (B): no return for January 2099 (2099-01)" in done.stderr
    assert saved_return(isolated_data_dir, Period(2099, 1)) is None


# Figures -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1_000", "\uff11\uff12", "\u0663", "1e-400", "1e3", "-0", "-0.0", "12 ", " 0x10",
                                  "1.5e2", "+7"])
def test_draft_set_takes_ascii_digits_only(home, isolated_data_dir, text):
    key = "hours_agency" if "." in text else "beds_max_capacity"
    done = ct("draft", "set", HOME, "2026-09", f"{key}={text}", "--by", "AB")
    if text == "12 ":
        assert done.returncode == 0  # spaces around a figure are no problem
        return
    assert done.returncode == 2, done.stdout
    assert "Traceback" not in done.stderr and "nothing was saved" in done.stderr
    assert ("cannot be negative" if text.startswith("-") else "is not a number") in done.stderr
    assert saved_return(isolated_data_dir, Period(2026, 9)) is None


def test_a_figure_of_5000_digits_is_refused_by_draft_set_in_one_line(home, isolated_data_dir):
    done = ct("draft", "set", HOME, "2026-09", "beds_occupied=" + "9" * 5000, "--by", "AB")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "a figure of 5,000 digits is too long (at most 15)" in done.stderr
    assert len(done.stderr) < 400
    assert saved_return(isolated_data_dir, Period(2026, 9)) is None


@pytest.mark.parametrize("number", ["9" * 5000, "-" + "9" * 5000, "1e-400"])
def test_validate_refuses_a_number_too_long_or_too_small_in_one_line(tmp_path, number):
    document = tmp_path / "return.json"
    document.write_text('{"beds_occupied": ' + number + '}', encoding="utf-8")
    done = ct("validate", "--service-type", "care_home", "--period", "2026-09", str(document))
    line = one_line(done)
    assert done.returncode == 2
    assert ("too small" if "e" in number else "5,000 digits is too long") in line


@pytest.mark.parametrize("command", ["validate", "import-csv"])
def test_a_folder_given_for_the_file_is_called_a_folder(home, tmp_path, command):
    # Linux says "is a directory", Windows "permission denied": either way the person reads what it is.
    folder = tmp_path / "returns"
    folder.mkdir()
    args = ["--service-type", "care_home", "--period", "2026-09"] if command == "validate" else []
    done = ct(command, *args, str(folder))
    assert done.returncode == 2
    assert one_line(done).endswith(f"cannot read {folder}: it is a folder, not a file")


def test_import_csv_refuses_a_figure_of_5000_digits_without_a_traceback(home, isolated_data_dir, tmp_path):
    source = tmp_path / "returns.csv"
    source.write_text(f"location_id,period,beds_occupied\r\n1-101,2026-09,{'9' * 5000}\r\n", encoding="utf-8",
                      newline="")
    done = ct("import-csv", str(source), "--by", "AB")
    assert done.returncode == 1 and "Traceback" not in done.stderr  # 1: a cell with a problem, nothing saved
    assert "row 2, column beds_occupied (C): Beds occupied (beds_occupied): a figure of 5,000 digits" in done.stderr
    assert all(len(line) < 400 for line in done.stderr.splitlines())
    assert saved_return(isolated_data_dir, Period(2026, 9)) is None


# Location ids and names --------------------------------------------------------------------------


# A Windows command line holds at most 32,767 characters: there the long id is as long as one can be.
@pytest.mark.parametrize("location_id", ["../etc", "a/b", "..", f"1-1{ESC}[2J",
                                         "x" * (30_000 if sys.platform == "win32" else 100_000), "-1",
                                         "1 101", "\u0661-101"])
def test_locations_add_refuses_what_is_not_a_location_id(isolated_data_dir, location_id):
    done = ct("locations", "add", location_id, "--name", "Sunny Care", "--service-type", "care_home")
    line = one_line(done)
    assert done.returncode == 2
    assert "is not a location id" in line and ESC not in line and len(line) < 300
    assert ct("locations", "--json").stdout.strip() == "[]"


def test_a_location_id_of_the_tracker_format_is_added(isolated_data_dir):
    done = ct("locations", "add", "1-123456789", "--name", "Sunny Care", "--service-type", "care_home")
    assert done.returncode == 0 and done.stdout.strip() == "Added 1-123456789 Sunny Care (care_home)"


@pytest.mark.parametrize("name", [f"Sunny{ESC}]0;owned{chr(7)} Care", "Sunny\rCare", "Sunny\u202eCare"])
def test_locations_add_refuses_a_name_with_control_characters_and_never_echoes_them(isolated_data_dir, name):
    done = ct("locations", "add", HOME, "--name", name, "--service-type", "care_home")
    line = one_line(done)
    assert done.returncode == 2 and "control characters" in line
    assert not any(ch in line for ch in (ESC, "\r", chr(7), "\u202e"))
    assert ct("locations", "--json").stdout.strip() == "[]"


def test_an_unknown_location_id_is_never_echoed_raw(home):
    done = ct("draft", "show", f"{ESC}[31m" + "y" * 5000, "2026-09")
    line = one_line(done)
    assert done.returncode == 2 and ESC not in line and len(line) < 300


def test_import_csv_names_a_row_whose_location_id_is_not_an_id(home, tmp_path):
    source = tmp_path / "returns.csv"
    source.write_text("location_id,period,beds_max_capacity\r\n../etc,2026-09,40\r\n", encoding="utf-8", newline="")
    done = ct("import-csv", str(source), "--by", "AB")
    assert done.returncode == 1
    assert "row 2, column location_id (A): '../etc' is not a location id" in done.stderr


# import-csv: repeated rows -----------------------------------------------------------------------


def test_each_repeated_row_names_the_first_one_and_the_report_grows_with_the_rows(home, isolated_data_dir,
                                                                                  tmp_path):
    rows = 3000
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["location_id", "period", "beds_max_capacity"])
    writer.writerows([HOME, "2026-09", "40"] for _ in range(rows))
    source = tmp_path / "repeated.csv"
    source.write_text(out.getvalue(), encoding="utf-8", newline="")
    done = ct("import-csv", str(source), "--by", "AB")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == ("ct-desktop: row 2, column location_id (A): location 1-101, 2026-09 is repeated on row 3 "
                        "and 2,998 more rows: give each location and month once"
                        .replace("2,998 more rows", f"{rows - 2} more rows"))
    assert lines[1] == ("ct-desktop: row 3, column location_id (A): repeats row 2 (location 1-101, 2026-09): give "
                        "each location and month once")
    assert lines[rows - 1].startswith(f"ct-desktop: row {rows + 1}, column location_id (A): repeats row 2 ")
    assert len(lines) == rows + 1  # one line per row and the summary: not a list of every other row
    assert len(done.stderr) < rows * 160
    assert saved_return(isolated_data_dir, Period(2026, 9)) is None


# Output piped into head, and settings that are not an address ------------------------------------


def closed_pipe_run(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run with standard output a pipe whose reader has already gone, as `... | head -1` ends up."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run([sys.executable, "-m", "ct_desktop", *args], stdout=writer, stderr=subprocess.PIPE,
                              timeout=120)
    finally:
        os.close(writer)


@pytest.mark.parametrize("command", [["draft", "show", HOME, "2026-09"], ["export-csv", "-", "--template"],
                                     ["status"], ["locations"], ["locations", "--json"], ["window", "2026-09"]])
def test_output_into_a_closed_pipe_ends_quietly(home, command):
    done = closed_pipe_run(*command)
    assert done.stderr == b""
    assert done.returncode == 141  # 128 + SIGPIPE, as a shell shows for a Unix tool whose reader went away


def test_a_long_draft_show_into_head_prints_its_first_line_and_nothing_on_standard_error(home):
    ct("draft", "set", HOME, "2026-09", "beds_max_capacity=40", "--by", "AB")
    for number in range(60):  # a long history: far more than a pipe holds
        ct("draft", "set", HOME, "2026-09", f"beds_occupied={number}", "--by", "AB")
    # What `| head -1` does, without a POSIX shell: read the first line, then stop reading.
    shown = subprocess.Popen([sys.executable, "-m", "ct_desktop", "draft", "show", HOME, "2026-09"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert shown.stdout is not None and shown.stderr is not None
    first = shown.stdout.readline()
    shown.stdout.close()
    err = shown.stderr.read()
    shown.wait(timeout=120)
    assert first.strip()
    assert err == ""


@pytest.mark.parametrize("url", ["http://0.0.0.0:8765", 42, ["https://127.0.0.1"], {"url": "x"}])
def test_sync_with_a_tracker_address_that_is_not_one_says_which_file_to_correct(isolated_data_dir, test_keyring,
                                                                               url):
    isolated_data_dir.mkdir(parents=True, exist_ok=True)
    settings = isolated_data_dir / "settings.json"
    settings.write_text(json.dumps({"schema_version": 1, "tracker_url": url}), encoding="utf-8")
    test_keyring.set_password("ct-desktop", str(url), "a-token")
    done = ct("sync")
    line = one_line(done)
    assert done.returncode == 2
    assert f"cannot use the settings in {settings}: tracker_url" in line
    assert "correct it there, or delete the file and connect again" in line
