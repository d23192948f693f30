"""`ct-desktop validate`: findings as JSON, exit 0/1/2, one-line messages for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ct_desktop.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CARE_HOME = EXAMPLES / "care_home-2026-09.json"
HOME_CARE = EXAMPLES / "home_care-2026-07.json"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, content: str | bytes, name: str = "return.json") -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def care_home_values() -> dict:
    return json.loads(CARE_HOME.read_text())["values"]


def test_the_example_care_home_return_is_clean(capsys):
    code, out, err = run(capsys, "--service-type", "care_home", "--period", "2026-09", str(CARE_HOME))
    assert (code, err) == (0, "")
    assert json.loads(out) == []


def test_the_example_home_care_return_is_clean_in_july_without_flu(capsys):
    code, out, _ = run(capsys, "--service-type", "home_care", "--period", "2026-07", str(HOME_CARE))
    assert code == 0
    assert json.loads(out) == []


def test_errors_exit_1_and_are_listed_as_json_with_the_four_keys(capsys, tmp_path):
    values = care_home_values()
    values["beds_occupied"] = 50  # 50 + 1 + 2 + 2 = 55 > 40
    code, out, _ = run(capsys, "--service-type", "care_home", "--period", "2026-09",
                       write(tmp_path, json.dumps(values)))
    findings = json.loads(out)
    assert code == 1
    over = [f for f in findings if f["code"] == "beds_over_capacity"]
    assert over and set(over[0]) == {"field", "severity", "code", "message"}
    assert over[0]["severity"] == "error"
    assert "55" in over[0]["message"] and "40" in over[0]["message"]


def test_warnings_alone_exit_0(capsys, tmp_path):
    values = care_home_values()
    values["beds_occupied"] = 30  # 30 + 1 + 2 + 2 = 35 < 40: beds unaccounted for
    code, out, _ = run(capsys, "--service-type", "care_home", "--period", "2026-09",
                       write(tmp_path, json.dumps(values)))
    assert code == 0
    assert [f["code"] for f in json.loads(out)] == ["beds_unaccounted"]


def test_a_missing_flu_answer_in_september_is_an_error_but_not_known_is_an_answer(capsys, tmp_path):
    values = care_home_values()
    del values["flu_vacc_agency"]
    code, out, _ = run(capsys, "--service-type", "care_home", "--period", "2026-09",
                       write(tmp_path, json.dumps(values)))
    assert code == 1
    assert [(f["field"], f["code"]) for f in json.loads(out)] == [("flu_vacc_agency", "required")]
    document = {"values": values, "not_known": ["flu_vacc_agency"]}
    code, out, _ = run(capsys, "--service-type", "care_home", "--period", "2026-09",
                       write(tmp_path, json.dumps(document), "with-not-known.json"))
    assert (code, json.loads(out)) == (0, [])


def test_previous_return_gives_month_on_month_warnings(capsys, tmp_path):
    values = care_home_values()
    previous = dict(values, staff_direct_care=20)
    document = {"values": values, "previous": {"period": "2026-08", "values": previous}}
    code, out, _ = run(capsys, "--service-type", "care_home", "--period", "2026-09",
                       write(tmp_path, json.dumps(document)))
    assert code == 0
    changes = [f for f in json.loads(out) if f["code"] == "large_change"]
    assert [f["field"] for f in changes] == ["staff_direct_care"]
    assert "20" in changes[0]["message"] and "38" in changes[0]["message"]


def test_standard_input_is_read_with_a_dash(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(HOME_CARE.read_text()))
    code, out, _ = run(capsys, "--service-type", "home_care", "--period", "2026-07", "-")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"beds_max_capacity": 40,', "is not valid JSON: Expecting property name enclosed in double quotes "
                                      "at line 1, column 26"),
        ("[1, 2]", "must hold a JSON object of field values, not a list"),
        ('"forty"', "must hold a JSON object of field values, not a string"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        ('{"values": [], "not_known": []}', "'values' must be a JSON object, not a list"),
        ('{"values": {}, "not_known": "beds_occupied"}', "'not_known' must be a list of field keys, not a string"),
        ('{"values": {}, "notes": "x"}', "only 'not_known' and 'previous' may appear, not notes"),
        ('{"values": {}, "previous": {"values": {}}}', "'previous' needs a 'period' (YYYY-MM)"),
    ],
)
def test_unreadable_input_gets_one_line_and_exit_2(capsys, tmp_path, content, expected):
    code, out, err = run(capsys, "--service-type", "care_home", "--period", "2026-09", write(tmp_path, content))
    assert code == 2
    assert out == ""
    assert expected in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_keys_and_wrong_types_each_get_a_line(capsys, tmp_path):
    values = care_home_values()
    values["bed_max_capacity"] = 40
    values["beds_occupied"] = "thirty-five"
    code, out, err = run(capsys, "--service-type", "care_home", "--period", "2026-09",
                         write(tmp_path, json.dumps(values)))
    lines = err.strip().splitlines()
    assert code == 2 and out == ""
    assert len(lines) == 2
    assert any("bed_max_capacity" in line and "beds_max_capacity" in line for line in lines)
    assert any("beds_occupied" in line and "thirty-five" in line for line in lines)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--service-type", "hospital", "--period", "2026-09"], "unknown service type 'hospital'"),
        (["--service-type", "care_home", "--period", "2026-13"], "month must be 01 to 12"),
        (["--service-type", "care_home", "--period", "Sept"], "'Sept' is not a month"),
        (["--service-type", "care_home", "--period", "2020-01"], "no care_home question set is in force for 2020-01"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_line(capsys, args, expected):
    code, out, err = run(capsys, *args, str(CARE_HOME))
    assert code == 2 and out == ""
    assert expected in err


def test_a_missing_file_is_named(capsys, tmp_path):
    code, _, err = run(capsys, "--service-type", "care_home", "--period", "2026-09", str(tmp_path / "nope.json"))
    assert code == 2
    assert err.strip() == f"ct-desktop: cannot read {tmp_path / 'nope.json'}: no such file"


def test_the_installed_command_never_prints_a_traceback(tmp_path):
    junk = write(tmp_path, '{"values": {"beds_occupied": {"deep": [1e999, NaN]}}}')
    result = subprocess.run(
        [sys.executable, "-m", "ct_desktop", "validate", "--service-type", "care_home", "--period", "2026-09", junk],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "beds_occupied" in result.stderr
