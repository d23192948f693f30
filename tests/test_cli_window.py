"""`ct-desktop window YYYY-MM [--json]` and `ct-desktop` with no command."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from ct_desktop.cli import main, start_cmd, window_cmd

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def clock(monkeypatch):
    """Set 'now' for the commands."""

    def set_now(*args: int) -> None:
        moment = dt.datetime(*args, tzinfo=LONDON)
        monkeypatch.setattr(window_cmd, "now_london", lambda: moment)
        monkeypatch.setattr(start_cmd, "now_london", lambda: moment)

    return set_now


def test_april_2028_json_shows_the_due_date_moved_by_easter(capsys, clock):
    clock(2028, 4, 10, 9, 0)
    assert main(["window", "2028-04", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["opens"] == "2028-04-08"
    assert data["due"] == "2028-04-18"
    assert data["flu_season"] is False
    assert data["state"] == "open"
    assert data["days_left"] == 8
    assert data["closes_at"] == "2028-04-19T00:00:00+01:00"
    assert data["due_moved_because"][0] == "Friday 14 April 2028: Good Friday"


def test_text_output_names_the_days_and_the_flu_question(capsys, clock):
    clock(2026, 9, 14, 16, 30)
    assert main(["window", "2026-09"]) == 0
    out = capsys.readouterr().out
    assert "Collection window for September 2026" in out
    assert "Opens:   Tuesday 8 September 2026" in out
    assert "Due by:  end of Monday 14 September 2026 (Europe/London time)" in out
    assert "Flu questions: asked (flu season runs September to March)" in out
    assert "Now:     open, due today" in out


def test_text_output_before_and_after_the_window(capsys, clock):
    clock(2026, 7, 1, 8, 0)
    main(["window", "2026-07"])
    assert "not open yet: opens in 7 days" in capsys.readouterr().out
    clock(2026, 7, 15, 0, 0)
    main(["window", "2026-07"])
    out = capsys.readouterr().out
    assert "Now:     closed" in out
    assert "Flu questions: not asked" in out


def test_a_bad_month_is_refused_with_exit_2(capsys):
    assert main(["window", "2026-9"]) == 2
    assert "'2026-9' is not a month: write it as YYYY-MM" in capsys.readouterr().err


def test_no_command_prints_the_status_and_creates_the_data_folder(capsys, clock, isolated_data_dir, monkeypatch):
    monkeypatch.setattr(start_cmd, "display_available", lambda: False)  # with a display it starts the app
    clock(2026, 11, 26, 10, 0)
    assert main([]) == 0
    out = capsys.readouterr().out
    assert f"Data folder: {isolated_data_dir}" in out
    assert "This month's return (November 2026): due by the end of Monday 16 November 2026; closed" in out
    assert isolated_data_dir.is_dir()


def test_data_dir_option_wins_over_the_environment(capsys, clock, tmp_path, monkeypatch):
    monkeypatch.setattr(start_cmd, "display_available", lambda: False)
    clock(2026, 11, 26, 10, 0)
    chosen = tmp_path / "elsewhere"
    assert main(["--data-dir", str(chosen)]) == 0
    assert f"Data folder: {chosen}" in capsys.readouterr().out


def test_the_window_names_the_covid_campaign_or_says_there_is_none(capsys, clock):
    clock(2026, 9, 14, 16, 30)
    assert main(["window", "2025-11"]) == 0
    out = capsys.readouterr().out
    assert ("COVID-19 questions: asked (vaccination campaign autumn 2025 (1 October 2025 to 31 January 2026))"
            in out)
    assert main(["window", "2025-08"]) == 0
    assert "COVID-19 questions: not asked: no vaccination campaign in August 2025" in capsys.readouterr().out
    assert main(["window", "2026-09"]) == 0
    assert ("COVID-19 questions: not asked: no vaccination campaign is known yet for September 2026"
            in capsys.readouterr().out)
    assert main(["window", "2025-11", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["covid_campaign"] == {"name": "autumn 2025", "first_day": "2025-10-01", "last_day": "2026-01-31"}
    assert data["covid_campaign_known"] is True
    assert main(["window", "2026-09", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["covid_campaign"], data["covid_campaign_known"]) == (None, False)
