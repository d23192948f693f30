"""The retry policy's arithmetic and the one-line summary of a run; no server needed."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from ct_desktop.collection_window import LONDON
from ct_desktop.sync.engine import RetryPolicy, SyncReport, field_messages

POLICY = RetryPolicy()


class Fixed:
    """A random source that always gives one end (or the middle) of the range."""

    def __init__(self, where: str) -> None:
        self.where = where

    def uniform(self, low: float, high: float) -> float:
        return {"low": low, "high": high, "middle": (low + high) / 2}[self.where]


def test_the_defaults_are_the_designed_ones():
    assert (POLICY.base_seconds, POLICY.max_seconds, POLICY.jitter, POLICY.max_attempts) == (30.0, 3600.0, 0.5, 50)


@pytest.mark.parametrize(("attempts", "seconds"), [(0, 30), (1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600),
                                                   (50, 3600), (5000, 3600)])
def test_the_delay_doubles_from_the_base_up_to_the_cap(attempts, seconds):
    assert POLICY.delay(attempts, None, Fixed("middle")) == seconds


def test_jitter_spreads_the_delay_by_half_either_way_but_never_above_the_cap():
    assert POLICY.delay(2, None, Fixed("low")) == 30.0
    assert POLICY.delay(2, None, Fixed("high")) == 90.0
    assert POLICY.delay(20, None, Fixed("high")) == 3600.0
    assert POLICY.delay(20, None, Fixed("low")) == 1800.0
    spread = {round(POLICY.delay(3, None, random.Random(seed)), 3) for seed in range(50)}
    assert len(spread) > 40 and all(60.0 <= s <= 180.0 for s in spread)


def test_retry_after_is_a_minimum():
    assert POLICY.delay(1, 600.0, Fixed("high")) == 600.0
    assert POLICY.delay(5, 1.0, Fixed("middle")) == 480.0


@pytest.mark.parametrize("options", [{"base_seconds": 0}, {"max_seconds": 1}, {"jitter": 1.0}, {"jitter": -0.1},
                                     {"max_attempts": 0}])
def test_a_policy_that_makes_no_sense_is_refused(options):
    with pytest.raises(ValueError):
        RetryPolicy(**options)


NOON = dt.datetime(2026, 9, 9, 12, 0, tzinfo=LONDON)


def test_the_summary_says_what_was_sent_and_why_the_rest_waits():
    sent = (("1-101", "2026-09", 1, "R1"), ("1-202", "2026-09", 2, "R2"), ("1-303", "2026-09", 1, "R3"))
    report = SyncReport(accepted=sent, still_queued=1, offline=True, finished_at=NOON)
    assert report.summary() == "Sent 3 returns; 1 waiting: the tracker could not be reached"
    assert not report.all_sent


def test_the_summary_names_the_next_try_and_the_last_error():
    report = SyncReport(still_queued=2, last_error="the tracker is busy (503)", finished_at=NOON,
                        next_attempt_at=NOON + dt.timedelta(minutes=5))
    assert report.summary() == "Nothing sent; 2 waiting: next try at 12:05 (the tracker is busy (503))"
    tomorrow = SyncReport(still_queued=1, finished_at=NOON, next_attempt_at=NOON + dt.timedelta(days=1))
    assert "next try at 12:00 on 10 Sep" in tomorrow.summary()


def test_the_summary_of_refusals_conflicts_set_aside_and_a_refused_token():
    report = SyncReport(rejected=(("1-101", "2026-09"),), conflicts=(("1-202", "2026-09"),),
                        set_aside=(("1-303", "2026-09", "the tracker does not know the location"),), unauthorized=True,
                        still_queued=1, finished_at=NOON)
    assert report.summary() == (
        "Nothing sent; 1 refused by the tracker: fix and submit again; 1 changed on the tracker since: compare both "
        "copies and choose; 1 set aside: the tracker does not know the location; the tracker refused the token: "
        "connect again; 1 waiting: until the tracker is connected again")
    assert not report.all_sent


def test_an_empty_outbox_is_all_sent():
    report = SyncReport(finished_at=NOON)
    assert report.all_sent and report.summary() == "Nothing to send: the outbox is empty"
    assert report.as_dict()["all_sent"] is True and report.as_dict()["finished_at"] == NOON.isoformat()


def test_the_trackers_field_errors_become_messages_per_field():
    errors = [{"field": "beds_occupied", "code": "out_of_range", "message": "too many"},
              {"field": "beds_occupied", "code": "beds_over_capacity", "message": "over capacity"},
              {"field": "form_version", "code": "unknown", "message": ""}, "not an error"]
    assert field_messages(errors, "refused") == {"beds_occupied": ["too many", "over capacity"],
                                                 "form_version": ["unknown"]}
    assert field_messages([], "the tracker refused it") == {"return": ["the tracker refused it"]}
