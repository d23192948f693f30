"""A month's question set corrected after its draft was started: what is no longer asked, what is new,
and that nothing typed is lost (the store and the history keep it; only the questions asked are sent)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from question_sets import RESPITE_PLACES, ROOMS_CLOSED, day_centre, definitions_folder

from ct_desktop.cli import main
from ct_desktop.models import HistoryAction, Location
from ct_desktop.period import Period
from ct_desktop.store import LifecycleError, ValuesRefused, lifecycle, open_store

CENTRE = Location(id="1-505", name="Oak Day Centre", service_type="day_centre", local_authority="Leeds")
SEPTEMBER = Period(2026, 9)
FIRST = {"day_centre-2026-01.toml": day_centre("2026.01", "2026-01-01", ROOMS_CLOSED)}
# The correction: from September 2026 the rooms are no longer asked, respite places are.
CORRECTED = {"day_centre-2026-09.toml": day_centre("2026.09", "2026-09-01", RESPITE_PLACES)}


@pytest.fixture
def definitions(tmp_path, use_definitions):
    """install(files): the bundled question sets and these, as if installed (the store opened after sees them)."""
    folder = tmp_path / "definitions"

    def install(*files: dict[str, str]) -> None:
        definitions_folder(folder, {name: text for group in files for name, text in group.items()})
        use_definitions(folder)

    return install


@pytest.fixture
def started(isolated_data_dir, clock, definitions):
    """A September draft of the day centre, started by AB under 2026.01 (rooms closed asked)."""
    definitions(FIRST)
    with open_store(isolated_data_dir, clock=clock) as store:
        store.add_location(CENTRE)
        store.set_values(CENTRE.id, SEPTEMBER, {"places_total": 20, "places_used": 15, "rooms_closed": 2}, "AB")
        assert store.question_set_change(CENTRE.id, SEPTEMBER) is None
    clock.advance(hours=3)


def test_a_new_version_for_the_month_shows_what_is_no_longer_asked_and_what_is_new(
        started, definitions, isolated_data_dir, clock):
    definitions(FIRST, CORRECTED)
    with open_store(isolated_data_dir, clock=clock) as store:
        change = store.question_set_change(CENTRE.id, SEPTEMBER)
        assert change.corrected and (change.seen_version, change.current_version) == ("2026.01", "2026.09")
        [kept] = change.no_longer_asked
        assert (kept.key, kept.label, kept.shown, kept.by) == ("rooms_closed", "Rooms closed for repairs", "2", "AB")
        assert kept.at == clock() - dt.timedelta(hours=3)  # when AB typed it
        assert change.new_questions == (("places_respite", "Places kept for respite"),)
        assert change.is_new("places_respite") and not change.is_new("places_used")
        # The figure is still stored, though the question set in force does not ask it.
        assert store.get_return(CENTRE.id, SEPTEMBER).values["rooms_closed"] == 2


def test_the_draft_cannot_be_sent_until_someone_has_seen_the_change(started, definitions, isolated_data_dir, clock):
    definitions(FIRST, CORRECTED)
    with open_store(isolated_data_dir, clock=clock) as store:
        store.set_value(CENTRE.id, SEPTEMBER, "places_respite", 1, "AB")
        with pytest.raises(LifecycleError, match=r"changed after this return was started \(2026.01 -> 2026.09\)") \
                as refused:
            store.submit(CENTRE.id, SEPTEMBER, "AB")
        assert refused.value.reason == lifecycle.QUESTIONS_CHANGED and store.outbox_items() == []
        # Editing is not seeing: the change is still there to be acknowledged.
        assert store.question_set_change(CENTRE.id, SEPTEMBER).corrected


def test_acknowledging_records_every_kept_figure_in_the_history_and_only_asked_questions_are_sent(
        started, definitions, isolated_data_dir, clock):
    definitions(FIRST, CORRECTED)
    with open_store(isolated_data_dir, clock=clock) as store:
        store.set_value(CENTRE.id, SEPTEMBER, "places_respite", 1, "AB")
        seen = store.acknowledge_question_set(CENTRE.id, SEPTEMBER, "CD")
        assert seen is not None and seen.corrected
        step = store.history(CENTRE.id, SEPTEMBER)[-1]
        assert (step.action, step.by) == (HistoryAction.QUESTIONS_SEEN, "CD")
        assert step.detail == ("question set 2026.01 -> 2026.09; CD has seen the changes; no longer asked (kept, "
                               "not sent): Rooms closed for repairs (rooms_closed) = 2; new: Places kept for "
                               "respite (places_respite)")
        # Seen once is enough; the kept answer stays listed, read only.
        after = store.question_set_change(CENTRE.id, SEPTEMBER)
        assert not after.corrected and [k.key for k in after.kept_answers] == ["rooms_closed"]
        assert not after.is_new("places_respite")
        assert store.acknowledge_question_set(CENTRE.id, SEPTEMBER, "CD") is None
        with pytest.raises(ValuesRefused, match="'rooms_closed' is not a question"):
            store.set_value(CENTRE.id, SEPTEMBER, "rooms_closed", 3, "CD")
        submission = store.submit(CENTRE.id, SEPTEMBER, "CD")
        assert submission.item.payload["form_version"] == "2026.09"
        assert submission.item.payload["values"] == {"places_total": 20, "places_used": 15, "places_respite": 1}
        assert store.get_return(CENTRE.id, SEPTEMBER).values["rooms_closed"] == 2
        typed = [e for e in store.history(CENTRE.id, SEPTEMBER) if e.key == "rooms_closed"]
        assert [(e.by, e.old, e.new) for e in typed] == [("AB", "", "2")]


def test_corrected_content_under_the_same_version_number_is_a_change_too(
        started, definitions, isolated_data_dir, clock):
    relabelled = day_centre("2026.01", "2026-01-01", ROOMS_CLOSED.replace("Rooms closed for repairs",
                                                                          "Rooms closed today"))
    definitions({"day_centre-2026-01.toml": relabelled})
    with open_store(isolated_data_dir, clock=clock) as store:
        change = store.question_set_change(CENTRE.id, SEPTEMBER)
        assert change.corrected and change.content_only
        assert (change.no_longer_asked, change.new_questions) == ((), ())
        assert change.versions_text() == "2026.01, corrected"
        assert "The same questions are asked" in change.summary()


def test_a_version_for_a_later_month_or_the_same_content_again_changes_nothing(
        started, definitions, isolated_data_dir, clock):
    later = {"day_centre-2026-10.toml": day_centre("2026.10", "2026-10-01", RESPITE_PLACES)}
    definitions(FIRST, later)
    with open_store(isolated_data_dir, clock=clock) as store:
        assert store.question_set_change(CENTRE.id, SEPTEMBER) is None
        submission = store.submit(CENTRE.id, SEPTEMBER, "AB")
        assert submission.item.payload["values"] == {"places_total": 20, "places_used": 15, "rooms_closed": 2}


def test_a_queued_return_is_not_compared_until_it_is_edited_again(started, definitions, isolated_data_dir, clock):
    with open_store(isolated_data_dir, clock=clock) as store:
        store.submit(CENTRE.id, SEPTEMBER, "AB")
    definitions(FIRST, CORRECTED)
    with open_store(isolated_data_dir, clock=clock) as store:
        # Its content is frozen as it was checked; the kept answer is still listed.
        queued = store.question_set_change(CENTRE.id, SEPTEMBER)
        assert not queued.corrected and [k.key for k in queued.kept_answers] == ["rooms_closed"]
        store.set_value(CENTRE.id, SEPTEMBER, "places_used", 16, "AB")
        assert store.question_set_change(CENTRE.id, SEPTEMBER).corrected


# The command line ----------------------------------------------------------------------------


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_draft_show_lists_the_change_until_it_is_acknowledged_and_the_kept_figure_after(capsys, definitions):
    definitions(FIRST)
    assert run(capsys, "locations", "add", CENTRE.id, "--name", CENTRE.name, "--service-type", "day_centre")[0] == 0
    code, _, err = run(capsys, "draft", "set", CENTRE.id, "2026-09", "places_total=20", "places_used=15",
                       "rooms_closed=2", "--by", "AB")
    assert code == 0, err
    definitions(FIRST, CORRECTED)
    code, out, _ = run(capsys, "draft", "show", CENTRE.id, "2026-09")
    assert code == 0
    assert "Oak Day Centre (1-505), day_centre, September 2026 (form 2026.09)" in out
    assert "The question set changed after this return was started (2026.01 -> 2026.09); not acknowledged yet:" in out
    assert re.search(r"No longer asked \(kept here and in the history, not sent\):\n"
                     r"    Rooms closed for repairs \(rooms_closed\): 2, typed by AB at \d\d:\d\d on \d+ \w{3}\n", out)
    assert "  Places kept for respite (places_respite): blank, required [new]" in out
    assert "ct-desktop draft acknowledge 1-505 2026-09" in out
    shown = json.loads(run(capsys, "draft", "show", CENTRE.id, "2026-09", "--json")[1])
    assert shown["question_set_change"]["corrected"] is True
    assert shown["question_set_change"]["no_longer_asked"][0]["answer"] == "2"
    assert shown["values"]["rooms_closed"] == 2  # kept in the store

    run(capsys, "draft", "set", CENTRE.id, "2026-09", "places_respite=1", "--by", "AB")
    code, _, err = run(capsys, "submit", CENTRE.id, "2026-09", "--by", "AB")
    assert code == 1 and "changed after this return was started (2026.01 -> 2026.09)" in err
    assert "ct-desktop draft acknowledge 1-505 2026-09" in err and "Traceback" not in err

    code, out, _ = run(capsys, "draft", "acknowledge", CENTRE.id, "2026-09", "--by", "CD")
    assert code == 0 and "Acknowledged by CD" in out
    assert "Kept, not sent: Rooms closed for repairs (rooms_closed) = 2" in out
    code, out, _ = run(capsys, "draft", "show", CENTRE.id, "2026-09")
    assert "not acknowledged" not in out and "[new]" not in out
    assert "    Rooms closed for repairs (rooms_closed): 2, typed by AB" in out  # still shown, read only
    assert "CD  question set 2026.01 -> 2026.09; CD has seen the changes" in out  # in the history
    code, out, err = run(capsys, "submit", CENTRE.id, "2026-09", "--by", "CD")
    assert code == 0, err
    code, out, _ = run(capsys, "draft", "acknowledge", CENTRE.id, "2026-09", "--by", "CD")
    assert code == 0 and "Nothing to acknowledge" in out
