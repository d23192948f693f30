"""No changes for a whole care group in one review: each location queued or refused on its own, in one go."""

from __future__ import annotations

import pytest
from sample_returns import as_asked, home_care_return

from ct_desktop.cli import main
from ct_desktop.models import HistoryAction, Location, ReturnState, Submission
from ct_desktop.period import Period
from ct_desktop.store import LifecycleError, lifecycle

MARCH, AUGUST, SEPTEMBER = Period(2026, 3), Period(2026, 8), Period(2026, 9)
HOME, AGENCY = "1-101", "1-202"
WILLOW, OAK, ELM = "1-303", "1-404", "1-505"


@pytest.fixture
def group(store, accept, care_home_values, summer_care_home_values):
    """Five locations for September 2026: three can go unchanged, one has a draft, one has nothing to copy;
    and one with August accepted only, which September's flu questions stop."""
    for location_id, name in ((WILLOW, "Willow Lodge"), (OAK, "Oak House"), (ELM, "Elm Court")):
        store.add_location(Location(location_id, name, "care_home"))
    accept(store, HOME, AUGUST, summer_care_home_values)  # September asks flu questions August did not
    accept(store, AGENCY, MARCH, as_asked("home_care", MARCH, home_care_return()))
    # March and September ask the same questions (the flu season's, no COVID-19 campaign).
    accept(store, WILLOW, MARCH, as_asked("care_home", MARCH, care_home_values))
    accept(store, OAK, MARCH, as_asked("care_home", MARCH, care_home_values))
    store.set_values(OAK, SEPTEMBER, {"beds_occupied": 12}, "CD")  # started: not copied over
    return store


def test_a_group_is_queued_in_one_review_and_each_refusal_leaves_its_location_as_it_was(group):
    history_before = group.history(OAK, SEPTEMBER)
    results = dict((location.id, result) for location, result in
                   group.no_changes_for_group([HOME, AGENCY, WILLOW, OAK, ELM], SEPTEMBER, "Amy Brown"))

    assert {key for key, result in results.items() if isinstance(result, Submission)} == {AGENCY, WILLOW}
    reasons = {key: result.reason for key, result in results.items() if isinstance(result, LifecycleError)}
    assert reasons == {HOME: lifecycle.FORM_NEEDS_MORE, OAK: lifecycle.DRAFT_IN_PROGRESS,
                       ELM: lifecycle.NO_PREVIOUS}
    for key in (AGENCY, WILLOW):
        draft = group.get_return(key, SEPTEMBER)
        assert (draft.state, draft.no_changes, draft.reviewed_by) == (ReturnState.QUEUED, True, "Amy Brown")
        [queued] = [entry for entry in group.history(key, SEPTEMBER) if entry.action is HistoryAction.NO_CHANGES]
        assert queued.by == "Amy Brown" and "reviewed the return accepted for" in queued.detail
    # Refused: nothing of them was written, the draft in progress is as it was.
    assert group.get_return(HOME, SEPTEMBER) is None and group.get_return(ELM, SEPTEMBER) is None
    assert group.get_return(OAK, SEPTEMBER).values == {"beds_occupied": 12}
    assert group.history(OAK, SEPTEMBER) == history_before
    assert len(group.outbox_items()) == 2


def test_a_month_that_cannot_be_sent_refuses_the_whole_group_at_once(group):
    with pytest.raises(LifecycleError) as refused:
        group.no_changes_for_group([WILLOW, AGENCY], Period(2099, 1), "AB")
    assert refused.value.reason == lifecycle.MONTH_NOT_SENDABLE
    assert group.outbox_items() == []


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_all_queues_every_location_that_can_go_and_lists_the_others_with_their_reasons(capsys, group):
    code, out, err = run(capsys, "no-changes", "--all", "2026-09", "--by", "Amy Brown")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == ("Queued 2 locations unchanged for September 2026, reviewed by Amy Brown: they "
                                   "are sent when the network allows (ct-desktop sync).")
    assert sum(line.startswith("Not queued: ") for line in out.splitlines()) == 3
    assert "Not queued: Oak House (1-404): " in out and "Not queued: Elm Court (1-505): " in out
    # Again: the two queued are now already sent, and said in one line, not one each.
    code, out, _ = run(capsys, "no-changes", "--all", "2026-09", "--by", "Amy Brown")
    assert code == 0 and out.startswith("Queued 0 locations unchanged for September 2026")
    assert "Left as they are: 2 locations already queued or accepted for September 2026." in out


def test_locations_named_are_queued_and_a_refusal_among_them_exits_1(capsys, group):
    code, out, _ = run(capsys, "no-changes", "--locations", f"{WILLOW}, {ELM}", "2026-09", "--by", "AB")
    assert code == 1
    assert out.startswith("Queued 1 location unchanged for September 2026")
    assert "Not queued: Elm Court (1-505): no accepted return before September 2026" in out
    assert group.get_return(WILLOW, SEPTEMBER).state is ReturnState.QUEUED


@pytest.mark.parametrize("args, said", [
    (["--locations", " , "], "--locations needs at least one location id"),
    (["--all", "2026-09", "1-101"], "give only the month"),
    ([], "name the location"),
    (["--locations", "1-999", "2026-09"], "1-999"),
])
def test_group_input_that_cannot_be_used_is_refused_in_one_line(capsys, group, args, said):
    code, out, err = run(capsys, "no-changes", *args, "--by", "AB")
    assert code == 2 and out == "" and said in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert group.outbox_items() == []
