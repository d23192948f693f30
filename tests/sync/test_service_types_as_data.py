"""A service type is data only: supported living (one definition file, no code of its own) and a fourth
type defined only in a folder of the test's, each used end to end as a person would: adding the
location, checking and entering a return (by hand and through the bulk CSV), sending it to the real
reference tracker and having it accepted."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from question_sets import ROOMS_CLOSED, day_centre, definitions_folder
from sync_support import Tracker
from tracker_server import add_provider, running_tracker

from ct_desktop.cli import main
from ct_desktop.forms.catalogue import load_catalogue
from ct_desktop.period import Period

EXAMPLES = Path(__file__).parents[2] / "examples"
SEPTEMBER = Period(2026, 9)
COURT = "1-606"


def run(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def fill_template(path: Path, values: dict) -> None:
    """Type the answers into the exported template's row, as a person does in a spreadsheet."""
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["service_type"] for row in rows] == ["supported_living"]
    for key, value in values.items():
        assert key in rows[0], f"the template has no column {key}"
        rows[0][key] = str(value)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_supported_living_from_adding_the_location_to_an_accepted_return(capsys, monkeypatch, tmp_path, db_path):
    values = json.loads((EXAMPLES / "supported_living-2026-09.json").read_text(encoding="utf-8"))
    token = add_provider(db_path, "Willow Care", {COURT: "supported_living"})
    code, out, err = run(capsys, monkeypatch, "locations", "add", COURT, "--name", "Willow Court",
                         "--service-type", "supported_living", "--local-authority", "York")
    assert (code, out.strip()) == (0, "Added 1-606 Willow Court (supported_living)"), err

    code, out, _ = run(capsys, monkeypatch, "validate", "--service-type", "supported_living", "--period", "2026-09",
                       str(EXAMPLES / "supported_living-2026-09.json"))
    assert (code, json.loads(out)) == (0, [])
    without_people = dict(values, people_supported=None)
    code, out, _ = run(capsys, monkeypatch, "validate", "--service-type", "supported_living", "--period", "2026-09",
                       "-", stdin=json.dumps(without_people))
    assert code == 1 and [(f["field"], f["code"]) for f in json.loads(out)] == [("people_supported", "required")]

    template = tmp_path / "september.csv"
    code, _, err = run(capsys, monkeypatch, "export-csv", "--template", "--period", "2026-09", str(template))
    assert code == 0, err
    fill_template(template, values)
    code, out, err = run(capsys, monkeypatch, "import-csv", str(template), "--by", "AB")
    assert code == 0, err
    assert "Willow Court (1-606), September 2026: 13 answers saved; now 0 errors, 0 warnings" in out
    code, out, _ = run(capsys, monkeypatch, "draft", "show", COURT, "2026-09")
    assert "Willow Court (1-606), supported_living, September 2026 (form 2024.06)" in out
    assert "People receiving regulated care from the service today (people_supported): 18" in out
    assert "Findings: none" in out

    code, _, err = run(capsys, monkeypatch, "submit", COURT, "2026-09", "--by", "AB")
    assert code == 0, err
    with running_tracker(db_path) as url:
        code, out, err = run(capsys, monkeypatch, "connect", "--url", url, stdin=token + "\n")
        assert code == 0, err
        code, out, err = run(capsys, monkeypatch, "sync")
        assert code == 0, (out, err)
        accepted = Tracker(db_path, url, token).latest(COURT, SEPTEMBER)
    assert accepted is not None and accepted["form_version"] == "2024.06"
    assert {key: value for key, value in accepted["values"].items() if value is not None} == values
    code, out, _ = run(capsys, monkeypatch, "draft", "show", COURT, "2026-09")
    assert "State: accepted" in out

    # The accepted figures come back out in the bulk CSV as they went in.
    exported = tmp_path / "back.csv"
    assert run(capsys, monkeypatch, "export-csv", "--period", "2026-09", str(exported))[0] == 0
    [row] = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert {key: row[key] for key in values} == {key: str(value) for key, value in values.items()}


@pytest.fixture
def day_centres(tmp_path, use_definitions):
    """A fourth service type, defined only in the test's own definitions folder: no code knows it."""
    folder = definitions_folder(tmp_path / "definitions",
                                {"day_centre-2026-01.toml": day_centre("2026.01", "2026-01-01", ROOMS_CLOSED)})
    use_definitions(folder)
    return folder


def test_a_fourth_service_type_defined_only_as_a_file_works_through_validate_the_cli_and_the_tracker(
        capsys, monkeypatch, tmp_path, db_path, day_centres):
    good = {"places_total": 20, "places_used": 15, "rooms_closed": 0}
    code, out, _ = run(capsys, monkeypatch, "validate", "--service-type", "day_centre", "--period", "2026-09", "-",
                       stdin=json.dumps(good))
    assert (code, json.loads(out)) == (0, [])
    code, out, _ = run(capsys, monkeypatch, "validate", "--service-type", "day_centre", "--period", "2026-09", "-",
                       stdin=json.dumps(dict(good, places_used=21)))
    assert code == 1 and json.loads(out)[0]["message"] == "21 places used but only 20 places."

    token = add_provider(db_path, "Oak Care", {"1-505": "day_centre"})
    code, out, err = run(capsys, monkeypatch, "locations", "add", "1-505", "--name", "Oak Day Centre",
                         "--service-type", "day_centre")
    assert (code, out.strip()) == (0, "Added 1-505 Oak Day Centre (day_centre)"), err
    code, out, err = run(capsys, monkeypatch, "draft", "set", "1-505", "2026-09", "places_total=20",
                         "places_used=15", "rooms_closed=0", "--by", "AB")
    assert code == 0 and "Now: 0 errors, 0 warnings" in out, err
    code, out, _ = run(capsys, monkeypatch, "draft", "show", "1-505", "2026-09")
    assert "Oak Day Centre (1-505), day_centre, September 2026 (form 2026.01)" in out
    assert "  Rooms closed for repairs (rooms_closed): 0" in out
    assert run(capsys, monkeypatch, "submit", "1-505", "2026-09", "--by", "AB")[0] == 0
    # The tracker knows the same question sets (it is given the same folder).
    with running_tracker(db_path, catalogue=load_catalogue(day_centres)) as url:
        assert run(capsys, monkeypatch, "connect", "--url", url, stdin=token + "\n")[0] == 0
        code, out, err = run(capsys, monkeypatch, "sync")
        assert code == 0, (out, err)
        accepted = Tracker(db_path, url, token).latest("1-505", SEPTEMBER)
    assert accepted["values"] == good and accepted["form_version"] == "2026.01"
