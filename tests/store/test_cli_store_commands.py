"""The commands over the local store: locations, draft set/show, submit, no-changes, status."""

from __future__ import annotations

import json
import re

import pytest

from ct_desktop.cli import main, no_changes_cmd
from ct_desktop.collection_window import now_london
from ct_desktop.models import NOT_KNOWN, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import open_store
from ct_desktop.store.database import DB_FILENAME

HOME = "1-101"
SEPTEMBER = Period(2026, 9)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assignments(values: dict) -> list[str]:
    def text(value):
        return ";".join(value) if isinstance(value, list) else str(value)

    return [f"{key}={text(value)}" for key, value in values.items()]


def one_line_each(err: str) -> bool:
    return "Traceback" not in err and all(line.startswith("ct-desktop: ") for line in err.splitlines())


# locations -------------------------------------------------------------------------------------


def test_locations_are_added_and_listed(capsys):
    code, out, _ = run(capsys, "locations")
    assert code == 0 and "No locations yet" in out
    code, out, _ = run(capsys, "locations", "add", "1-101", "--name", "Sunny Care", "--service-type", "care_home",
                       "--local-authority", "Leeds")
    assert (code, out.strip()) == (0, "Added 1-101 Sunny Care (care_home)")
    code, out, _ = run(capsys, "locations")
    assert out.strip() == "1-101  Sunny Care  (care_home)  Leeds"
    code, out, _ = run(capsys, "locations", "--json")
    assert json.loads(out) == [{"id": "1-101", "name": "Sunny Care", "service_type": "care_home",
                                "local_authority": "Leeds", "region": None}]


def test_adding_a_location_twice_or_of_an_unknown_type_is_refused(capsys, store):
    code, _, err = run(capsys, "locations", "add", "1-101", "--name", "Again", "--service-type", "care_home")
    assert code == 2 and "already added, as 'Sunny Care'" in err and one_line_each(err)
    code, _, err = run(capsys, "locations", "add", "1-303", "--name", "Hospice", "--service-type", "hospice")
    assert code == 2 and "unknown service type 'hospice'" in err


def test_every_store_command_takes_data_dir(capsys, tmp_path):
    other = tmp_path / "elsewhere"
    run(capsys, "locations", "add", "1-9", "--name", "Elsewhere", "--service-type", "home_care",
        "--data-dir", str(other))
    assert (other / DB_FILENAME).exists()
    code, out, _ = run(capsys, "locations", "--data-dir", str(other), "--json")
    assert code == 0 and [loc["id"] for loc in json.loads(out)] == ["1-9"]


# draft set -------------------------------------------------------------------------------------


def test_draft_set_saves_values_not_known_and_clears(capsys, store):
    code, out, err = run(capsys, "draft", "set", HOME, "2026-09", "beds_max_capacity=40", "staff_agency_nurses=?",
                         "beds_unavailable_reasons=staffing;other", "--by", "AB")
    assert (code, err) == (0, "")
    assert "Saved for Sunny Care (1-101), September 2026, by AB:" in out
    assert "  staff_agency_nurses: blank -> not known" in out
    assert re.search(r"Now: \d+ errors, 0 warnings", out)
    code, out, _ = run(capsys, "draft", "set", HOME, "2026-09", "beds_max_capacity=", "--by", "AB")
    assert "beds_max_capacity: 40 -> blank" in out
    draft = store.get_return(HOME, SEPTEMBER)
    assert draft.values == {"beds_unavailable_reasons": ["staffing", "other"]}
    assert draft.answer("staff_agency_nurses") is NOT_KNOWN


def test_draft_set_refuses_every_bad_value_and_saves_none(capsys, store):
    run(capsys, "draft", "set", HOME, "2026-09", "beds_max_capacity=40", "--by", "AB")
    code, out, err = run(capsys, "draft", "set", HOME, "2026-09", "beds_max_capacity=41", "beds_occupied=lots",
                         "staff_direct_care=-2", "sponsor_licence=maybe", "beds_ocupied=3", "hours_agency",
                         "--by", "AB")
    assert (code, out) == (2, "")
    assert one_line_each(err)
    assert "Beds occupied (beds_occupied): 'lots' is not a number" in err
    assert "staff_direct_care" in err and "negative (-2)" in err
    assert "sponsor_licence" in err and "'maybe' is not yes or no" in err
    assert "'beds_ocupied' is not a question of the care_home return: did you mean beds_occupied?" in err
    assert "'hours_agency' is not KEY=VALUE" in err
    assert "nothing was saved: 5 values refused" in err
    assert store.get_return(HOME, SEPTEMBER).values == {"beds_max_capacity": 40}


def test_draft_set_says_when_it_took_a_queued_return_back(capsys, store, care_home_values):
    store.set_values(HOME, SEPTEMBER, care_home_values, "AB")
    store.submit(HOME, SEPTEMBER, "AB")
    code, out, _ = run(capsys, "draft", "set", HOME, "2026-09", "beds_occupied=34", "--by", "CD")
    assert code == 0 and "Note: withdrawn from the outbox" in out
    assert store.get_return(HOME, SEPTEMBER).state is ReturnState.DRAFT


def test_draft_set_of_an_unknown_location_or_a_bad_month(capsys, store):
    code, _, err = run(capsys, "draft", "set", "1-999", "2026-09", "beds_occupied=1", "--by", "AB")
    assert code == 2 and "no location '1-999'" in err and one_line_each(err)
    code, _, err = run(capsys, "draft", "set", HOME, "2026-13", "beds_occupied=1", "--by", "AB")
    assert code == 2 and "month must be 01 to 12" in err


def test_who_is_working_comes_from_by_then_the_environment_then_the_login(capsys, store, monkeypatch):
    monkeypatch.setenv("CT_DESKTOP_USER", "Night Manager")
    run(capsys, "draft", "set", HOME, "2026-09", "beds_occupied=1")
    monkeypatch.delenv("CT_DESKTOP_USER")
    monkeypatch.setattr("getpass.getuser", lambda: "kim")
    run(capsys, "draft", "set", HOME, "2026-09", "beds_occupied=2")
    run(capsys, "draft", "set", HOME, "2026-09", "beds_occupied=3", "--by", "AB")
    assert [h.by for h in store.history(HOME, SEPTEMBER)] == ["Night Manager", "kim", "AB"]


def test_nobody_to_record_is_refused(capsys, store, monkeypatch):
    monkeypatch.delenv("CT_DESKTOP_USER", raising=False)

    def no_login():
        raise OSError("no login name")

    monkeypatch.setattr("getpass.getuser", no_login)
    code, _, err = run(capsys, "draft", "set", HOME, "2026-09", "beds_occupied=1")
    assert code == 2 and "say who is working" in err and "--by NAME" in err
    assert store.get_return(HOME, SEPTEMBER) is None


# draft show ------------------------------------------------------------------------------------


def test_draft_show_lists_answers_findings_and_who_changed_what(capsys, store):
    run(capsys, "draft", "set", HOME, "2026-09", "beds_max_capacity=40", "beds_occupied=?", "--by", "AB")
    run(capsys, "draft", "set", HOME, "2026-09", "beds_max_capacity=41", "--by", "Chris D")
    code, out, _ = run(capsys, "draft", "show", HOME, "2026-09")
    assert code == 0
    assert out.startswith("Sunny Care (1-101), care_home, September 2026 (form 2024.06)\nState: draft")
    assert "\nBeds\n  Maximum bed capacity (beds_max_capacity): 41\n" in out
    assert "  Beds occupied (beds_occupied): not known\n" in out
    assert "  Vacant beds reserved (beds_vacant_reserved): blank, required\n" in out
    assert "  Reasons beds are not available (beds_unavailable_reasons): blank\n" in out
    assert re.search(r"Findings: \d+ errors, 0 warnings", out)
    history = out[out.index("History (newest last):"):].splitlines()
    assert history[1].endswith("AB  beds_max_capacity: blank -> 40")
    assert history[3].endswith("Chris D  beds_max_capacity: 40 -> 41")
    assert re.fullmatch(r"Last edit: beds_max_capacity by Chris D at \d\d:\d\d on \d{1,2} [A-Z][a-z]{2}", history[-1])


def test_draft_show_of_a_month_not_started(capsys, store):
    code, out, _ = run(capsys, "draft", "show", HOME, "2026-10")
    assert code == 0 and "State: not started" in out and "History: nothing saved yet" in out


def test_draft_show_json(capsys, store, care_home_values):
    store.set_values(HOME, SEPTEMBER, care_home_values, "AB")
    store.submit(HOME, SEPTEMBER, "AB")
    code, out, _ = run(capsys, "draft", "show", HOME, "2026-09", "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["location"], data["period"], data["state"]) == (HOME, "2026-09", "queued")
    assert data["values"] == care_home_values and data["findings"] == []
    assert [h["action"] for h in data["history"]][-1] == "submitted"
    assert data["last_edit"]["by"] == "AB"
    assert data["outbox"][0]["submission_id"] == data["submission_id"]


def test_draft_show_puts_the_trackers_answer_beside_ours(capsys, store, care_home_values):
    store.set_values(HOME, SEPTEMBER, care_home_values, "AB")
    first = store.submit(HOME, SEPTEMBER, "AB").item
    store.mark_rejected(first.submission_id, {"beds_occupied": "more than the registered beds"})
    _, out, _ = run(capsys, "draft", "show", HOME, "2026-09")
    assert "State: rejected" in out
    assert "The tracker refused it:\n  beds_occupied: more than the registered beds" in out
    second = store.submit(HOME, SEPTEMBER, "AB").item
    store.mark_conflict(second.submission_id, {"revision": 6, "values": dict(care_home_values, beds_occupied=20),
                                               "not_known": []})
    _, out, _ = run(capsys, "draft", "show", HOME, "2026-09")
    assert "State: conflict (builds on accepted revision 6)" in out
    assert "The tracker's copy changed (revision 6); where it differs from this one:\n" \
           "  beds_occupied: here 35, tracker 20" in out


# submit ----------------------------------------------------------------------------------------


def test_submit_refuses_with_the_list_of_errors(capsys, store):
    run(capsys, "draft", "set", HOME, "2026-09", "beds_max_capacity=40", "--by", "AB")
    code, out, err = run(capsys, "submit", HOME, "2026-09", "--by", "AB")
    assert (code, out) == (1, "")
    assert one_line_each(err)
    assert re.search(r"cannot be sent: \d+ errors to fix", err)
    assert "error beds_occupied: Beds occupied is required" in err
    assert "fix them with ct-desktop draft set 1-101 2026-09" in err
    assert store.outbox_items() == []


def test_submit_asks_for_warnings_to_be_confirmed(capsys, store, care_home_values):
    run(capsys, "draft", "set", HOME, "2026-09", *assignments(care_home_values), "--by", "AB")
    run(capsys, "draft", "set", HOME, "2026-09", "beds_occupied=30", "--by", "AB")
    code, _, err = run(capsys, "submit", HOME, "2026-09", "--by", "AB")
    assert code == 1 and "1 warning to look at" in err and "warning beds_occupied" in err
    assert "--confirm-warnings" in err
    code, out, _ = run(capsys, "submit", HOME, "2026-09", "--by", "AB", "--confirm-warnings")
    assert code == 0 and "Queued Sunny Care (1-101), September 2026, to send, reviewed by AB." in out
    assert store.outbox_items()[0].submission_id[:8] not in out  # the id is for --json and the log
    assert "With 1 warning confirmed." in out
    assert store.get_return(HOME, SEPTEMBER).state is ReturnState.QUEUED


def test_submit_of_a_month_not_started(capsys, store):
    code, _, err = run(capsys, "submit", HOME, "2026-10", "--by", "AB")
    assert code == 1 and "no return for October 2026 has been started" in err


# no-changes ------------------------------------------------------------------------------------


def test_no_changes_queues_last_months_return(capsys, store, accept, care_home_values):
    accept(store, HOME, SEPTEMBER, care_home_values, revision=2)
    code, out, err = run(capsys, "no-changes", HOME, "2026-10", "--by", "AB")
    assert (code, err) == (0, "")
    assert "unchanged from September 2026 (revision 2), reviewed by AB at 2026-" in out
    draft = store.get_return(HOME, Period(2026, 10))
    assert draft.state is ReturnState.QUEUED and draft.no_changes


def test_no_changes_defaults_to_this_month(capsys, store, accept, home_care_values, monkeypatch):
    accept(store, "1-202", Period(2026, 7), home_care_values)
    monkeypatch.setattr(no_changes_cmd, "this_month", lambda: Period(2026, 8))
    code, out, _ = run(capsys, "no-changes", "1-202", "--by", "AB")
    assert code == 0 and "August 2026, unchanged from July 2026" in out


def test_no_changes_without_an_accepted_return(capsys, store):
    code, _, err = run(capsys, "no-changes", HOME, "2026-10", "--by", "AB")
    assert code == 1 and one_line_each(err)
    assert "no accepted return before October 2026 for Sunny Care" in err
    assert "ct-desktop draft set 1-101 2026-10" in err


def test_no_changes_in_september_names_the_flu_questions(capsys, store, accept, summer_care_home_values):
    accept(store, HOME, Period(2026, 8), summer_care_home_values)
    code, _, err = run(capsys, "no-changes", HOME, "2026-09", "--by", "AB")
    assert code == 1 and one_line_each(err)
    assert "September 2026 asks for answers the return accepted for August 2026 does not have" in err
    assert "(flu_vacc_direct)" in err and "(flu_vacc_residents)" in err
    assert store.get_return(HOME, SEPTEMBER) is None


def test_no_changes_over_a_draft_says_who_edited_it(capsys, store, accept, care_home_values):
    accept(store, HOME, SEPTEMBER, care_home_values)
    run(capsys, "draft", "set", HOME, "2026-10", "beds_occupied=33", "--by", "AB")
    code, _, err = run(capsys, "no-changes", HOME, "2026-10", "--by", "CD")
    assert code == 1
    assert re.search(r"last edit: beds_occupied by AB at \d\d:\d\d on \d{1,2} \w{3}", err)
    assert "ct-desktop submit 1-101 2026-10" in err


# status ----------------------------------------------------------------------------------------


def test_status_lists_each_location_this_month_and_the_queue(capsys, store, care_home_values, monkeypatch):
    this_month = Period.of(now_london().date())
    code, out, _ = run(capsys, "status")
    assert code == 0
    assert f"{this_month.label}: due by the end of " in out.splitlines()[0]
    assert "  1-101  Sunny Care (care_home): not started; last accepted: none; outbox: 0" in out
    assert "Outbox: empty" in out
    store.set_value(HOME, this_month, "beds_occupied", 3, "AB")
    code, out, _ = run(capsys, "status", "--json")
    data = json.loads(out)
    assert data["period"] == str(this_month) and data["window"]["due"]
    rows = {row["id"]: row for row in data["locations"]}
    assert rows[HOME]["state"] == "draft" and rows["1-202"]["state"] == "not_started"
    assert rows[HOME]["due"] == data["window"]["due"] and rows[HOME]["days_left"] == data["window"]["days_left"]
    assert data["outbox"] == 0


def test_status_counts_the_outbox_and_names_the_last_accepted_month(capsys, store, accept, care_home_values,
                                                                    summer_care_home_values):
    accept(store, HOME, Period(2026, 8), summer_care_home_values)
    store.set_values(HOME, SEPTEMBER, care_home_values, "AB")
    item = store.submit(HOME, SEPTEMBER, "AB").item
    store.set_aside(item.submission_id, "form version unknown")
    code, out, _ = run(capsys, "status")
    assert code == 0 and "last accepted: August 2026; outbox: 1 (1 set aside)" in out
    assert "Outbox: 1 submission waiting to be sent" in out


# an unreadable store ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["status"], ["locations"], ["draft", "show", HOME, "2026-09"],
                                     ["draft", "set", HOME, "2026-09", "beds_occupied=1", "--by", "AB"]])
def test_an_unreadable_database_is_one_line_and_exit_2(capsys, isolated_data_dir, command):
    isolated_data_dir.mkdir()
    (isolated_data_dir / DB_FILENAME).write_bytes(b"not a database" * 100)
    code, out, err = run(capsys, *command)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and one_line_each(err)
    assert "cannot be read" in err and ".unreadable-" in err


def test_the_store_is_closed_after_each_command(capsys, isolated_data_dir):
    run(capsys, "locations", "add", "1-9", "--name", "X", "--service-type", "home_care")
    with open_store(isolated_data_dir) as store:
        assert [loc.id for loc in store.locations()] == ["1-9"]
