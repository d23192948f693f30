"""Question sets from the tracker, over real HTTP: a revision published on the tracker reaches the app when it
syncs, is checked as a built-in one is, and is used for the months it is in force; one that fails its
check, or whose text is not what its hash names, is refused and never used."""

from __future__ import annotations

import hashlib
import io
import json
import sys

import pytest
from fault_proxy import FaultPlan, FaultProxy
from question_set_files import NEW_QUESTION, care_home_revision, write_definition
from sample_returns import care_home_values, summer_care_home_values
from sync_support import SEPTEMBER, make_engine, queue, quick_client
from tracker_server import add_provider, running_tracker

from ct_desktop.cli import main
from ct_desktop.forms.catalogue import DEFINITIONS_DIR, content_hash, default_catalogue, load_catalogue
from ct_desktop.models import ReturnState
from ct_desktop.period import Period
from ct_desktop.store import open_store
from ct_desktop.sync.question_sets import fetch_question_sets
from ct_tracker import cli as tracker_cli

AUGUST = Period(2026, 8)


def run(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def publish(capsys, tracker, folder, text: str) -> str:
    """``ct-tracker publish-question-set`` on the running tracker's database; the file's SHA-256."""
    path = write_definition(folder, text)
    assert tracker_cli.main(["publish-question-set", "--db", str(tracker.db_path), str(path)]) == 0
    capsys.readouterr()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def findings_of(capsys, monkeypatch, tmp_path, period: str, values: dict) -> tuple[int, list[tuple[str, str]]]:
    path = tmp_path / f"return-{period}.json"
    path.write_text(json.dumps(values))
    code, out, err = run(capsys, monkeypatch, "validate", "--service-type", "care_home", "--period", period, str(path))
    assert err == ""
    return code, [(finding["field"], finding["code"]) for finding in json.loads(out) if finding["severity"] == "error"]


@pytest.fixture
def connected(capsys, monkeypatch, tracker):
    code, _, err = run(capsys, monkeypatch, "connect", "--url", tracker.url, stdin=tracker.token + "\n")
    assert code == 0, err
    return tracker


def test_a_revision_published_on_the_tracker_is_used_for_its_months_after_the_next_sync(
        capsys, monkeypatch, tmp_path, connected):
    # Before: September is checked against 2024.06, which does not ask the new question.
    assert findings_of(capsys, monkeypatch, tmp_path, "2026-09", care_home_values()) == (0, [])
    digest = publish(capsys, connected, tmp_path / "published", care_home_revision())
    code, out, err = run(capsys, monkeypatch, "sync")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Nothing to send: the outbox is empty; new question set from the tracker: care_home 2026.09 (from September "
        "2026)",
        "  new question set: care_home 2026.09, in force from September 2026 (ct-desktop question-sets)",
    ]
    # September onwards asks the new question; August keeps the questions of 2024.06.
    refused = findings_of(capsys, monkeypatch, tmp_path, "2026-09", care_home_values())
    assert refused == (1, [(NEW_QUESTION, "required")])
    assert findings_of(capsys, monkeypatch, tmp_path, "2026-09", {**care_home_values(), NEW_QUESTION: 3}) == (0, [])
    assert findings_of(capsys, monkeypatch, tmp_path, "2026-08", summer_care_home_values()) == (0, [])
    code, out, _ = run(capsys, monkeypatch, "question-sets")
    care_home = out.split("home_care")[0].splitlines()
    assert care_home[:3] == ["care_home", "  2023.07  from July 2023  built in", "  2024.06  from June 2024  built in"]
    assert care_home[3].startswith(f"  2026.09  from September 2026  from the tracker {connected.url}, fetched ")
    assert care_home[3].endswith("; in force this month")
    code, out, _ = run(capsys, monkeypatch, "question-sets", "--json")
    [entry] = [row for row in json.loads(out) if row["version"] == "2026.09"]
    assert (entry["source"], entry["content_sha256"], entry["effective_month"]) == ("tracker", digest, "2026-09")
    # The next sync has nothing new to fetch.
    code, out, _ = run(capsys, monkeypatch, "sync")
    assert (code, out) == (0, "Nothing to send: the outbox is empty\n")


def test_a_revision_published_while_a_draft_is_open_applies_to_it_and_its_answers_and_history_are_kept(
        capsys, monkeypatch, tmp_path, connected, isolated_data_dir):
    with open_store(isolated_data_dir) as store:
        store.set_values("1-101", SEPTEMBER, care_home_values(), "AB")
        # Another home's September return was queued before the revision: it keeps its version, 2024.06.
        queued = queue(store, "1-303", SEPTEMBER, care_home_values())
    code, out, _ = run(capsys, monkeypatch, "draft", "show", "1-101", "2026-09")
    assert "September 2026 (form 2024.06)" in out.splitlines()[0] and "\nFindings: none\n" in out
    publish(capsys, connected, tmp_path / "published", care_home_revision())

    code, out, err = run(capsys, monkeypatch, "sync")
    assert code == 0, out + err
    assert "accepted: 1-303 September 2026, revision 1" in out
    assert connected.latest("1-303", SEPTEMBER)["form_version"] == "2024.06"
    assert connected.latest("1-303", SEPTEMBER)["submission_id"] == queued.submission_id

    code, out, _ = run(capsys, monkeypatch, "draft", "show", "1-101", "2026-09")
    assert "September 2026 (form 2026.09)" in out.splitlines()[0]
    # The draft says what the new version asks that the one it was started under did not.
    assert f"  Beds used for discharge to assess ({NEW_QUESTION}): blank, required [new]" in out.splitlines()
    code, out, _ = run(capsys, monkeypatch, "draft", "show", "1-101", "2026-09", "--json")
    shown = json.loads(out)
    assert shown["state"] == "draft" and shown["values"] == care_home_values()
    assert [(f["field"], f["code"]) for f in shown["findings"] if f["severity"] == "error"] == [
        (NEW_QUESTION, "required")]
    edits = [(entry["by"], entry["key"]) for entry in shown["history"] if entry["action"] == "edit"]
    assert edits == [("AB", key) for key in care_home_values()]

    # Not sent until someone has seen what changed; then the new question must be answered.
    code, _, err = run(capsys, monkeypatch, "submit", "1-101", "2026-09", "--by", "CD", "--confirm-warnings")
    assert code == 1 and "the question set for September 2026 changed after this return was started" in err
    assert run(capsys, monkeypatch, "draft", "acknowledge", "1-101", "2026-09", "--by", "CD")[0] == 0
    code, _, err = run(capsys, monkeypatch, "submit", "1-101", "2026-09", "--by", "CD", "--confirm-warnings")
    assert code == 1 and f"error {NEW_QUESTION}: Beds used for discharge to assess is required" in err
    assert run(capsys, monkeypatch, "draft", "set", "1-101", "2026-09", f"{NEW_QUESTION}=3", "--by", "CD")[0] == 0
    assert run(capsys, monkeypatch, "submit", "1-101", "2026-09", "--by", "CD", "--confirm-warnings")[0] == 0
    code, out, _ = run(capsys, monkeypatch, "sync")
    assert code == 0 and "accepted: 1-101 September 2026, revision 1" in out
    accepted = connected.latest("1-101", SEPTEMBER)
    assert (accepted["form_version"], accepted["values"][NEW_QUESTION]) == ("2026.09", 3)
    with open_store(isolated_data_dir) as store:
        assert store.get_return("1-101", SEPTEMBER).form_version == "2026.09"
        assert store.question_set_use()[("care_home", "2026.09")] == 1


def test_a_definition_that_fails_the_check_here_is_refused_and_reported_and_never_used(
        capsys, monkeypatch, tmp_path, tracker, isolated_data_dir):
    # A tracker that knows a season this installation does not (a newer ct-tracker, say) serves a question
    # set asking about it: the app cannot use it, and says so at each sync until it can.
    definitions = tmp_path / "newer"
    definitions.mkdir()
    for path in DEFINITIONS_DIR.glob("*.toml"):
        (definitions / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with (definitions / "seasons.toml").open("a", encoding="utf-8") as seasons:
        seasons.write('\n[rsv]\nlabel = "RSV vaccination"\nwindows = [[9, 3]]\n')
    revision = care_home_revision().replace(f'key = "{NEW_QUESTION}"', f'key = "{NEW_QUESTION}"\n  season = "rsv"', 1)
    write_definition(definitions, revision, "care_home-2026-09.toml")
    reason = (f"care_home question set 2026.09 from the tracker: field {NEW_QUESTION}: season 'rsv' is not defined "
              "in seasons.toml")
    with running_tracker(tracker.db_path, catalogue=load_catalogue(definitions)) as newer:
        code, out, err = run(capsys, monkeypatch, "connect", "--url", newer, stdin=tracker.token)
        assert (code, err) == (0, "")
        assert f"Note: question set refused, not used: {reason}" in out.splitlines()
        code, out, err = run(capsys, monkeypatch, "sync")
        assert (code, err) == (0, "")
        assert out.splitlines() == [
            "Nothing to send: the outbox is empty; 1 question set from the tracker refused, not used: it fails its "
            "check",
            f"  question set refused, not used: {reason}",
        ]
        code, out, _ = run(capsys, monkeypatch, "sync", "--json")
        assert json.loads(out)["question_sets"] == {
            "added": [], "refused": [{"service_type": "care_home", "version": "2026.09", "reason": reason}]}
    # Nothing of it is used: September is checked against 2024.06 as before.
    assert findings_of(capsys, monkeypatch, tmp_path, "2026-09", care_home_values()) == (0, [])
    code, out, _ = run(capsys, monkeypatch, "question-sets", "--json")
    assert "2026.09" not in [row["version"] for row in json.loads(out)]
    with open_store(isolated_data_dir) as store:
        assert store.question_sets() == []


def test_a_definition_changed_on_the_way_is_refused(tmp_path, store, tracker, capsys):
    publish(capsys, tracker, tmp_path / "published", care_home_revision())
    with FaultProxy(tracker.url, FaultPlan(["pass", "tamper"])) as proxy:
        client = quick_client(proxy.url, tracker.token)
        try:
            update = fetch_question_sets(store, client)
            assert update.added == ()
            [(_, _, reason)] = update.refused
            assert reason.startswith("care_home question set 2026.09 from the tracker: its text is not the content its "
                                     "SHA-256 names (")
            assert reason.endswith("): it was changed or cut on the way")
            assert store.question_sets() == []
            assert store.catalogue.form_for("care_home", SEPTEMBER).version == "2024.06"
            # Asked for again at the next sync: this time it arrives whole.
            update = fetch_question_sets(store, client)
        finally:
            client.close()
    assert [entry[:2] for entry in update.added] == [("care_home", "2026.09")] and update.refused == ()
    assert store.catalogue.form_for("care_home", SEPTEMBER).version == "2026.09"
    assert store.catalogue.form_for("care_home", AUGUST).version == "2024.06"


def test_the_trackers_copy_of_a_version_is_preferred_to_the_built_in_one(tmp_path, store, client, tracker):
    # The tracker's 2024.06 differs from the one built in here (a correction this installer does not have).
    definitions = tmp_path / "tracker_definitions"
    definitions.mkdir()
    for path in DEFINITIONS_DIR.glob("*.toml"):
        (definitions / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    corrected = care_home_revision("2024.06", "2024-06-01").replace("# Care home monthly return.", "# Corrected.", 1)
    (definitions / "care_home-2024-06.toml").write_text(corrected, encoding="utf-8")
    with running_tracker(tracker.db_path, catalogue=load_catalogue(definitions)) as url:
        other = quick_client(url, tracker.token)
        try:
            update = fetch_question_sets(store, other)
            again = fetch_question_sets(store, other)
        finally:
            other.close()
    assert update.added == (("care_home", "2024.06", "2024-06"),) and again.added == ()
    form = store.catalogue.form_for("care_home", SEPTEMBER)
    assert (form.version, form.content_sha256) == ("2024.06", content_hash(corrected))
    assert form.has_field(NEW_QUESTION)
    # Identical content (everything else it lists) is nothing to fetch.
    assert len(store.question_sets()) == 1
    # The versions a return names keep opening: a return saved under the earlier number 2025.1 too.
    assert store.catalogue.form_version("care_home", "2025.1").version == "2024.06"
    assert default_catalogue().form_version("care_home", "2024.06").content_sha256 != content_hash(corrected)


def test_a_return_naming_a_version_the_tracker_does_not_know_is_refused_with_its_reason(tmp_path, store, clock):
    # A tracker that knows only a care home question set numbered 2026.1 (and not this installation's 2024.06).
    definitions = tmp_path / "definitions"
    definitions.mkdir()
    for path in DEFINITIONS_DIR.glob("*.toml"):
        if not path.name.startswith("care_home-2024"):
            (definitions / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    write_definition(definitions, care_home_revision("2026.1", "2024-06-01", new_question=False), "care_home.toml")
    db_path = tmp_path / "old_tracker.db"
    token = add_provider(db_path, "Rose Care", {"1-101": "care_home"})
    item = queue(store, "1-101", SEPTEMBER, care_home_values())
    with running_tracker(db_path, catalogue=load_catalogue(definitions)) as url:
        client = quick_client(url, token)
        try:
            report = make_engine(store, client, clock).run_once()
        finally:
            client.close()
    assert report.rejected == (("1-101", "2026-09"),)
    draft = store.get_return("1-101", SEPTEMBER)
    assert draft.state is ReturnState.REJECTED
    [message] = draft.tracker_messages["form_version"]
    assert message == ("form version '2024.06' is not a care_home question set this tracker knows (known: 2023.07, "
                       "2026.1; in force for this month: 2026.1)")
    assert item.payload["form_version"] == "2024.06"
