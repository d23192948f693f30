"""export-csv / import-csv: the bulk template for care groups that keep their figures in spreadsheets.

Run through ct_desktop.cli.main, as a person would; the store is opened directly only to set up and
to look at what was saved.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sample_returns import care_home_values, home_care_values

from ct_desktop.bulk_csv.cells import parse_period_cell
from ct_desktop.bulk_csv.layout import column_letter, protected, unprotected
from ct_desktop.cli import main
from ct_desktop.models import NOT_KNOWN, Location, ReturnState
from ct_desktop.period import Period, PeriodError
from ct_desktop.store import open_store

HOME = Location("1-101", "Sunny Care", "care_home", "Leeds")
AWAY = Location("1-102", "Sea View", "care_home", "Leeds")
AGENCY = Location("1-202", "Home Help", "home_care", "York")
SEPTEMBER = Period(2026, 9)
JULY = Period(2026, 7)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_each(err: str) -> bool:
    return "Traceback" not in err and all(line.startswith("ct-desktop: ") for line in err.splitlines())


@pytest.fixture
def data(isolated_data_dir):
    """Three locations of two service types; a full September care home return, part of another, and
    a home care return for September (with a not-known answer)."""
    with open_store(isolated_data_dir) as store:
        for location in (HOME, AWAY, AGENCY):
            store.add_location(location)
        store.set_values(HOME.id, SEPTEMBER, care_home_values(), "AB")
        store.set_values(AWAY.id, SEPTEMBER, {"beds_max_capacity": 20, "staff_agency_nurses": NOT_KNOWN,
                                              "beds_vacant_unavailable": 1,
                                              "beds_unavailable_reasons": ["staffing", "other"]}, "AB")
        values = {**home_care_values(), "spare_capacity_hours": NOT_KNOWN, "flu_vacc_staff": 7}
        store.set_values(AGENCY.id, SEPTEMBER, values, "AB")
    return isolated_data_dir


def snapshot(folder) -> dict:
    """Everything an import could change: each return, its history and the outbox."""
    with open_store(folder) as store:
        seen = {}
        for location in store.locations():
            for period in (JULY, Period(2026, 8), SEPTEMBER):
                draft = store.get_return(location.id, period)
                seen[(location.id, str(period))] = (
                    draft.as_dict() if draft else None,
                    [entry.as_dict() for entry in store.history(location.id, period)],
                )
        seen["outbox"] = [item.as_dict() for item in store.outbox_items()]
    return seen


def read_rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""), delimiter=delimiter))


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> Path:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    return path


# Export ----------------------------------------------------------------------------------------


def test_export_writes_one_row_per_saved_return_with_keys_as_columns(capsys, data, tmp_path):
    target = tmp_path / "september.csv"
    code, out, _ = run(capsys, "export-csv", str(target), "--period", "2026-09")
    assert code == 0 and out.strip() == f"Wrote 3 rows (September 2026) to {target}"
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # as Excel's "CSV UTF-8" has it
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[:5] == ["location_id", "location_name", "service_type", "period", "beds_max_capacity"]
    # Care home questions first, in form order; then the home care questions care homes are not asked.
    assert header.index("visits_out_of_location") < header.index("people_supported")
    assert header.count("staff_direct_care") == 1 and "flu_vacc_staff" in header
    rows = {row["location_id"]: row for row in read_rows(target)}
    home = rows["1-101"]
    assert home["hours_direct_total"] == "7420.5" and home["beds_unavailable_reasons"] == "refurbishment"
    assert rows["1-102"]["staff_agency_nurses"] == "?" and rows["1-102"]["beds_unavailable_reasons"] == "staffing;other"
    assert rows["1-102"]["beds_occupied"] == ""  # blank stays blank, distinct from "?" and 0
    assert rows["1-202"]["people_supported"] == "120" and rows["1-202"]["beds_max_capacity"] == ""
    assert rows["1-202"]["spare_capacity_hours"] == "?" and rows["1-202"]["service_type"] == "home_care"


def test_template_has_a_blank_row_for_every_location_and_no_out_of_season_columns(capsys, data):
    code, out, _ = run(capsys, "export-csv", "-", "--period", "2026-07", "--template")
    assert code == 0
    assert not out.startswith("\ufeff")  # standard output is for other programs: no byte-order mark
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["location_id"], row["period"]) for row in rows] == [
        ("1-202", "2026-07"), ("1-102", "2026-07"), ("1-101", "2026-07")]  # locations by name
    assert all(value == "" for row in rows for key, value in row.items()
               if key not in ("location_id", "location_name", "service_type", "period"))
    assert not any(key.startswith("flu_") for key in rows[0])  # not asked in July


def test_export_of_one_location_and_of_an_empty_month(capsys, data, tmp_path):
    code, out, _ = run(capsys, "export-csv", "-", "--period", "2026-09", "--location", "1-202")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [row["location_id"] for row in rows] == ["1-202"] and "beds_occupied" not in rows[0]
    code, out, _ = run(capsys, "export-csv", str(tmp_path / "june.csv"), "--period", "2026-06")
    assert code == 0 and "no return is saved for June 2026; --template writes a row" in out
    code, _, err = run(capsys, "export-csv", "-", "--location", "1-999")
    assert code == 2 and "no location '1-999'" in err and one_line_each(err)


def test_location_names_that_a_spreadsheet_would_run_are_written_as_text(capsys, isolated_data_dir, tmp_path):
    with open_store(isolated_data_dir) as store:
        store.add_location(Location("1-303", "=HYPERLINK(\"http://x\")", "care_home"))
        store.add_location(Location("1-304", "@Home", "home_care"))
    target = tmp_path / "template.csv"
    assert run(capsys, "export-csv", str(target), "--period", "2026-09", "--template")[0] == 0
    names = [row["location_name"] for row in read_rows(target)]
    assert names == ["'=HYPERLINK(\"http://x\")", "'@Home"]
    # And the file reads back: the quote is ours, not part of the name.
    code, out, _ = run(capsys, "import-csv", str(target), "--by", "AB")
    assert code == 0 and "Imported 2 rows: 0 answers saved" in out
    assert protected("-5") == "'-5" and unprotected("'-5") == "-5" and unprotected("'Tis") == "'Tis"


# Import: the round trip and what is saved ------------------------------------------------------


def test_export_then_import_changes_nothing(capsys, data, tmp_path):
    with open_store(data) as store:
        store.submit(AGENCY.id, SEPTEMBER, "AB", confirm_warnings=True)  # a queued return must stay queued
    before = snapshot(data)
    target = tmp_path / "all.csv"
    assert run(capsys, "export-csv", str(target), "--period", "2026-09")[0] == 0
    code, out, err = run(capsys, "import-csv", str(target), "--by", "CD")
    assert (code, err) == (0, "")
    assert "Imported 3 rows: 0 answers saved, 3 rows already up to date." in out
    assert snapshot(data) == before


def test_an_import_saves_values_not_known_and_lists_by_service_type(capsys, data, tmp_path):
    source = write_csv(tmp_path / "mix.csv", [
        ["location_id", "location_name", "service_type", "period", "beds_occupied", "beds_unavailable_reasons",
         "staff_agency_nurses", "people_supported", "sponsor_licence", "hours_agency"],
        ["1-102", "Sea View", "care_home", "2026-09", "17", "infection_control; staffing", "3", "", "No", "1,234.5"],
        ["1-202", "home help", "", "2026-09", "", "", "", "?", "yes", "12.25"],
    ])
    code, out, err = run(capsys, "import-csv", str(source), "--by", "CD")
    assert code == 0 and err == ""
    assert "row 2: Sea View (1-102), September 2026: 5 answers saved" in out
    assert "row 3: Home Help (1-202), September 2026: 3 answers saved" in out
    with open_store(data) as store:
        away = store.get_return(AWAY.id, SEPTEMBER)
        agency = store.get_return(AGENCY.id, SEPTEMBER)
        history = store.history(AWAY.id, SEPTEMBER)
    assert away.values["beds_occupied"] == 17 and away.values["beds_unavailable_reasons"] == ["infection_control",
                                                                                             "staffing"]
    assert away.values["staff_agency_nurses"] == 3 and away.answer("staff_agency_nurses") == 3
    assert away.values["sponsor_licence"] == "no" and away.values["hours_agency"] == 1234.5
    assert away.values["beds_max_capacity"] == 20  # an empty cell is not a column of the file here: left alone
    assert agency.answer("people_supported") is NOT_KNOWN and agency.values["hours_agency"] == 12.25
    assert history[-1].by == "CD" and {entry.key for entry in history if entry.by == "CD"} == {
        "beds_occupied", "beds_unavailable_reasons", "staff_agency_nurses", "sponsor_licence", "hours_agency"}


def test_empty_cells_leave_answers_a_dash_clears_and_blank_clears_clears(capsys, data, tmp_path):
    header = ["location_id", "period", "beds_max_capacity", "beds_occupied", "staff_agency_nurses"]
    source = write_csv(tmp_path / "a.csv", [header, ["1-101", "2026-09", "", "-", ""]])
    code, out, _ = run(capsys, "import-csv", str(source), "--by", "CD")
    assert code == 0 and "1 answer saved" in out
    with open_store(data) as store:
        saved = store.get_return(HOME.id, SEPTEMBER)
    assert saved.answer("beds_occupied") is None and saved.values["beds_max_capacity"] == 40
    code, out, _ = run(capsys, "import-csv", str(source), "--by", "CD", "--blank-clears")
    assert code == 0 and "2 answers saved" in out
    with open_store(data) as store:
        saved = store.get_return(HOME.id, SEPTEMBER)
    assert saved.answer("beds_max_capacity") is None and saved.answer("staff_agency_nurses") is None
    assert saved.values["staff_direct_care"] == 38  # not a column of the file: never touched


def test_validation_errors_are_reported_but_do_not_refuse_a_row(capsys, data, tmp_path):
    source = write_csv(tmp_path / "over.csv", [
        ["location_id", "period", "beds_max_capacity", "beds_occupied"],
        ["1-101", "2026-09", "40", "45"],
    ])
    code, out, err = run(capsys, "import-csv", str(source), "--by", "CD")
    assert code == 0 and err == ""
    assert "row 2: Sunny Care (1-101), September 2026: 1 answer saved; now 1 error, 0 warnings" in out
    assert "row 2, column beds_occupied (D): error: " in out and "[beds_over_capacity]" in out
    assert "Errors and warnings do not stop an import" in out
    with open_store(data) as store:
        assert store.get_return(HOME.id, SEPTEMBER).values["beds_occupied"] == 45


def test_editing_an_accepted_month_starts_a_new_revision_and_says_so(capsys, data, tmp_path):
    with open_store(data) as store:
        submission = store.submit(HOME.id, SEPTEMBER, "AB", confirm_warnings=True)
        store.mark_accepted(submission.item.submission_id, 1, "2026-09-10T12:00:00+00:00", "R-1")
    source = write_csv(tmp_path / "a.csv", [["location_id", "period", "beds_occupied"], ["1-101", "2026-09", "34"]])
    code, out, _ = run(capsys, "import-csv", str(source), "--by", "CD", "--dry-run")
    assert code == 0 and "would save 1 answer" in out and "was accepted: that revision is kept" in out
    code, out, _ = run(capsys, "import-csv", str(source), "--by", "CD")
    assert code == 0 and "note: September 2026 was accepted as revision 1" in out
    with open_store(data) as store:
        draft = store.get_return(HOME.id, SEPTEMBER)
        accepted = store.accepted_revisions(HOME.id, SEPTEMBER)
    assert draft.state is ReturnState.DRAFT and draft.base_revision == 1 and draft.values["beds_occupied"] == 34
    assert [revision.payload["values"]["beds_occupied"] for revision in accepted] == [35]


def test_a_stray_answer_out_of_season_is_exported_and_can_be_cleared_with_a_dash(capsys, data, tmp_path):
    with open_store(data) as store:
        store.set_values(HOME.id, JULY, {"beds_max_capacity": 40, "flu_vacc_direct": 5}, "AB")
    target = tmp_path / "july.csv"
    assert run(capsys, "export-csv", str(target), "--period", "2026-07", "--location", "1-101")[0] == 0
    [row] = read_rows(target)
    assert row["flu_vacc_direct"] == "5" and "flu_vacc_agency" not in row  # shown, not hidden
    code, _, err = run(capsys, "import-csv", str(target), "--by", "CD")
    assert code == 1 and ("is asked September to March only: leave it empty for July 2026 (or - to clear the "
                          "saved answer)") in err
    source = write_csv(tmp_path / "fix.csv", [["location_id", "period", "flu_vacc_direct"], ["1-101", "2026-07", "-"]])
    code, out, _ = run(capsys, "import-csv", str(source), "--by", "CD")
    assert code == 0 and "1 answer saved" in out
    with open_store(data) as store:
        assert "flu_vacc_direct" not in store.get_return(HOME.id, JULY).values


# Import: problems --------------------------------------------------------------------------------

PROBLEM_ROWS = [
    ["location_id", "location_name", "service_type", "period", "beds_max_capacity", "beds_occupied",
     "people_supported", "flu_vacc_staff", "beds_unavailable_reasons", "hours_agency"],
    ["1-101", "Sunny Care", "care_home", "2026-09", "41", "abc", "", "", "", ""],        # 2: not a number
    ["1-999", "", "", "2026-09", "1", "", "", "", "", ""],                               # 3: unknown location
    ["1-202", "Home Help", "home_care", "2026-07", "", "", "50", "4", "", "1.234"],      # 4: out of season, decimals
    ["1-101", "Rose House", "home_care", "2026-13", "", "", "", "", "", ""],             # 5: name, type, month
    ["1-102", "Sea View", "care_home", "2026-09", "21", "", "12", "", "nope", ""],       # 6: not asked, bad choice
    ["", "", "", "", "", "", "", "", "", ""],                                            # 7: empty: ignored
    ["1-102", "", "", "2026-09", "-3", "", "", "", "", ""],                              # 8: duplicate, negative
    ["1-202", "", "", "2026-08", "", "", "60", "", "", "3"],                             # 9: fine
]


def test_every_problem_is_listed_with_row_and_column_and_nothing_is_saved(capsys, data, tmp_path):
    before = snapshot(data)
    source = write_csv(tmp_path / "problems.csv", PROBLEM_ROWS)
    code, out, err = run(capsys, "import-csv", str(source), "--by", "CD")
    assert code == 1 and out == "" and one_line_each(err)
    expected = [
        "row 2, column beds_occupied (F): Beds occupied (beds_occupied): 'abc' is not a number",
        "row 3, column location_id (A): no location '1-999' here",
        "row 4, column flu_vacc_staff (H): Staff with this season's flu vaccination is asked September to March "
        "only: leave it empty for July 2026",
        "row 4, column hours_agency (J): Hours worked by agency or bank staff (hours_agency) takes at most 2 "
        "decimal places, not 1.234",
        "row 4, column beds_max_capacity",  # must not appear: empty cells of other types are fine
        "row 5, column location_name (B): 'Rose House', but location 1-101 is 'Sunny Care'",
        "row 5, column service_type (C): 'home_care', but location 1-101 is a care_home",
        "row 5, column period (D): '2026-13' is not a month",
        "row 6, column location_id (A): location 1-102, 2026-09 is repeated on row 8: give each location and month "
        "once",
        "row 6, column people_supported (G): a care_home return does not ask people_supported: leave it empty",
        "row 6, column beds_unavailable_reasons (I): Reasons beds are not available (beds_unavailable_reasons): "
        "'nope' is not a choice",
        "row 8, column location_id (A): repeats row 6 (location 1-102, 2026-09): give each location and month once",
        "row 8, column beds_max_capacity (E): Maximum bed capacity (beds_max_capacity) cannot be negative (-3)",
    ]
    lines = err.splitlines()
    for text in expected:
        found = [line for line in lines if line.startswith(f"ct-desktop: {text}")]
        assert bool(found) == (text != "row 4, column beds_max_capacity"), text
    assert len(lines) == len(expected) - 1 + 1  # every problem once, and the summary
    assert lines[-1] == ("ct-desktop: nothing was imported: 12 problems in 6 rows; fix them and import again, "
                         "or import the 1 valid row alone with --valid-rows-only")
    assert [line.split(",")[0] for line in lines[:-1]] == sorted((line.split(",")[0] for line in lines[:-1]),
                                                                  key=lambda t: int(t.split()[-1]))
    assert snapshot(data) == before


def test_valid_rows_only_imports_the_others_and_records_who(capsys, data, tmp_path):
    before = snapshot(data)
    source = write_csv(tmp_path / "problems.csv", PROBLEM_ROWS)
    code, out, err = run(capsys, "import-csv", str(source), "--valid-rows-only", "--by", "Carla D")
    assert code == 1  # something in the file was not imported
    assert f"Imported {source} by Carla D:" in out
    assert "row 9: Home Help (1-202), August 2026: 2 answers saved" in out
    assert "Skipped 6 rows with problems (listed above): 2, 3, 4, 5, 6, 8" in out
    assert "row 2, column beds_occupied (F)" in err and "nothing was imported" not in err
    after = snapshot(data)
    assert {key: value for key, value in after.items() if key != ("1-202", "2026-08")} == {
        key: value for key, value in before.items() if key != ("1-202", "2026-08")}
    draft, history = after[("1-202", "2026-08")]
    assert draft["values"] == {"people_supported": 60, "hours_agency": 3}
    assert {entry["by"] for entry in history} == {"Carla D"}


def test_header_problems_stop_the_whole_file_even_with_valid_rows_only(capsys, data, tmp_path):
    before = snapshot(data)
    source = write_csv(tmp_path / "header.csv", [
        ["location_id", "location_name", "beds_ocupied", "Beds_Max_Capacity", "beds_occupied", "beds_occupied"],
        ["1-101", "", "1", "2", "3", "4"],
    ])
    code, out, err = run(capsys, "import-csv", str(source), "--valid-rows-only", "--by", "CD")
    assert code == 1 and out == "" and one_line_each(err)
    assert "row 1, column beds_ocupied (C): not a column of the bulk template (did you mean beds_occupied?)" in err
    assert "row 1, column Beds_Max_Capacity (D): not a column of the bulk template (did you mean beds_max_capacity?)" \
        in err
    assert "row 1, column beds_occupied (F): the column is there twice (E and F): keep one" in err
    assert "row 1, column period: missing: every file needs location_id and period columns" in err
    assert "while a column is in doubt no row is imported, even with --valid-rows-only" in err
    assert snapshot(data) == before


def test_a_value_in_a_column_with_no_name_is_a_problem_of_its_row(capsys, data, tmp_path):
    source = write_csv(tmp_path / "extra.csv", [
        ["location_id", "period", "beds_occupied", ""],
        ["1-101", "2026-09", "30", ""],
        ["1-102", "2026-09", "12", "note", "more"],
    ])
    code, out, err = run(capsys, "import-csv", str(source), "--valid-rows-only", "--by", "CD")
    assert code == 1 and "row 2: Sunny Care (1-101), September 2026: 1 answer saved" in out
    assert "row 3, column (no name) (D): 'note' is in a column with no name in row 1" in err
    assert "row 3, column (no name) (E): 'more'" in err


def test_dry_run_saves_nothing(capsys, data, tmp_path):
    before = snapshot(data)
    source = write_csv(tmp_path / "a.csv", [["location_id", "period", "beds_occupied"], ["1-101", "2026-09", "30"]])
    code, out, err = run(capsys, "import-csv", str(source), "--dry-run")
    assert (code, err) == (0, "") and "nothing saved (--dry-run)" in out and "would save 1 answer" in out
    assert snapshot(data) == before


# Reading the file --------------------------------------------------------------------------------


def test_excel_files_with_a_byte_order_mark_and_semicolons_are_read(capsys, data, tmp_path):
    source = write_csv(tmp_path / "excel.csv", [
        ["location_id", "location_name", "period", "beds_occupied", "beds_unavailable_reasons", "hours_agency"],
        ["1-102", "Sea View", "Sep-26", "12", "staffing;other", "12.5"],
        ["1-101", "Sunny Care", "01/09/2026", "", "", "7"],
    ], delimiter=";", bom=True)
    code, out, err = run(capsys, "import-csv", str(source), "--by", "CD")
    assert code == 0 and err == "" and "Imported 2 rows: 3 answers saved." in out
    with open_store(data) as store:
        assert store.get_return(AWAY.id, SEPTEMBER).values["beds_occupied"] == 12
        assert store.get_return(AWAY.id, SEPTEMBER).values["hours_agency"] == 12.5
        assert store.get_return(HOME.id, SEPTEMBER).values["hours_agency"] == 7
    target = tmp_path / "semi.csv"
    assert run(capsys, "export-csv", str(target), "--period", "2026-09", "--delimiter", ";")[0] == 0
    assert read_rows(target, ";")[0]["location_id"] == "1-202"
    code, out, _ = run(capsys, "import-csv", str(target), "--by", "CD")
    assert code == 0 and "0 answers saved" in out


def test_a_file_from_standard_input(capsys, data, monkeypatch):
    text = "location_id,period,beds_occupied\r\n1-101,2026-09,33\r\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code, out, _ = run(capsys, "import-csv", "-", "--by", "CD")
    assert code == 0 and "1 answer saved" in out


@pytest.mark.parametrize(("content", "says"), [
    (None, "cannot read {name}: no such file"),
    (b"", "{name} is empty: it needs a header row"),
    ("location_id,period\r\n1-101,Zoë\r\n".encode("latin-1"), "{name} is not UTF-8 text (line 2 has a character"),
    (b"PK\x03\x04rest of a workbook", "{name} is an Excel workbook (.xlsx), not a CSV file"),
    (b"\xff\xfel\x00o\x00", "{name} is UTF-16 text"),
    (b"location_id\tperiod\r\n", "{name} is separated by tabs"),
    (b"location_id,period\r\n1-101,\"2026-09\r\n1-102,2026-09\r\n", "{name} is not a readable CSV file: line 3"),
    (b"location_id,x;period\r\n", "cannot tell whether {name} is separated by commas or semicolons"),
])
def test_an_unreadable_file_is_refused_in_one_line_with_exit_2(capsys, data, tmp_path, content, says):
    source = tmp_path / "in.csv"
    if content is not None:
        source.write_bytes(content)
    before = snapshot(data)
    code, out, err = run(capsys, "import-csv", str(source), "--by", "CD")
    assert (code, out) == (2, "")
    assert err.startswith(f"ct-desktop: {says.format(name=source)}") and len(err.splitlines()) == 1
    assert snapshot(data) == before


def test_delimiter_option(capsys, data, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"location_id,period;beds_occupied\r\n1-101,2026-09;5\r\n")
    code, _, err = run(capsys, "import-csv", str(source), "--by", "CD", "--delimiter", "|")
    assert code == 2 and "--delimiter must be ',' or ';'" in err
    code, _, err = run(capsys, "import-csv", str(source), "--by", "CD", "--delimiter", "comma")
    assert code == 1 and "row 1, column period;beds_occupied (B): not a column" in err


def test_a_header_without_rows_imports_nothing(capsys, data, tmp_path):
    source = write_csv(tmp_path / "empty.csv", [["location_id", "period"], ["", ""]])
    code, _, err = run(capsys, "import-csv", str(source), "--by", "CD")
    assert code == 1 and "row 1: the file has a header but no rows to import" in err


# Small parts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "period"), [
    ("2026-09", SEPTEMBER), ("Sep-26", SEPTEMBER), ("Sept 2026", SEPTEMBER), ("September 2026", SEPTEMBER),
    ("2026-09-01", SEPTEMBER), ("01/09/2026", SEPTEMBER), ("1/9/2026", SEPTEMBER),
])
def test_months_as_excel_rewrites_them_are_read(text, period):
    assert parse_period_cell(text) == period


@pytest.mark.parametrize("text", ["2026-09-15", "15/09/2026", "Sep", "2026/09", "Sep-26-27", "Smarch 2026"])
def test_other_dates_are_not_months(text):
    with pytest.raises(PeriodError, match="is not a month"):
        parse_period_cell(text)


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
