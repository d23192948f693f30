"""Bank holidays: always the holidays package's dates, read back from the cache on a later start."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import holidays
import pytest

from ct_desktop import bank_holidays
from ct_desktop.bank_holidays import england_bank_holidays
from ct_desktop.collection_window import collection_window
from ct_desktop.period import Period


@pytest.fixture(autouse=True)
def fresh_process_memory():
    """Each test starts as a new process would: nothing known in memory (the cache folder is the test's own)."""
    bank_holidays.forget()
    yield
    bank_holidays.forget()


def package_dates(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def cache_file(cache_dir: Path) -> Path:
    return cache_dir / bank_holidays.CACHE_FILENAME


def test_dates_are_the_packages(isolated_cache_dir) -> None:
    for year in (2025, 2026, 2028, 2040):
        assert dict(england_bank_holidays(year)) == package_dates(year)
    assert england_bank_holidays(2028)[dt.date(2028, 4, 14)] == "Good Friday"


def test_dates_cannot_be_changed_by_a_caller() -> None:
    with pytest.raises(TypeError):
        england_bank_holidays(2026)[dt.date(2026, 6, 1)] = "A day off"  # type: ignore[index]


def test_the_years_around_are_kept_in_the_cache(isolated_cache_dir) -> None:
    england_bank_holidays(2026)
    kept = json.loads(cache_file(isolated_cache_dir).read_text(encoding="utf-8"))
    assert kept["package"] == bank_holidays.package_key()
    assert sorted(kept["years"]) == ["2025", "2026", "2027"]
    assert kept["years"]["2026"]["2026-12-25"] == "Christmas Day"


def test_a_later_process_reads_the_cache_without_loading_the_calendar(isolated_cache_dir) -> None:
    expected = {day.isoformat(): name for day, name in package_dates(2026).items()}
    england_bank_holidays(2026)
    script = ("import json, sys\n"
              "from ct_desktop.bank_holidays import england_bank_holidays\n"
              "days = {d.isoformat(): n for d, n in england_bank_holidays(2026).items()}\n"
              "print(json.dumps({'days': days, 'calendar_loaded': 'holidays' in sys.modules}))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    answer = json.loads(result.stdout)
    assert answer == {"days": expected, "calendar_loaded": False}


def test_a_cache_from_another_copy_of_the_package_is_not_trusted(isolated_cache_dir) -> None:
    # As if written by an older release that did not know of a bank holiday announced since.
    cache_file(isolated_cache_dir).parent.mkdir(parents=True)
    cache_file(isolated_cache_dir).write_text(json.dumps({
        "format": bank_holidays.CACHE_FORMAT, "package": "an older copy",
        "years": {"2026": {"2026-01-01": "New Year's Day"}},
    }), encoding="utf-8")
    assert dict(england_bank_holidays(2026)) == package_dates(2026)
    kept = json.loads(cache_file(isolated_cache_dir).read_text(encoding="utf-8"))
    assert kept["package"] == bank_holidays.package_key()


@pytest.mark.parametrize("damage", ["", "{not json", "[]", '{"format": 1, "package": "KEY", "years": {"2026": 5}}',
                                    '{"format": 1, "package": "KEY", "years": {"2026": {"13th": "x"}}}'])
def test_a_damaged_cache_is_worked_out_afresh_and_replaced(isolated_cache_dir, damage: str) -> None:
    cache_file(isolated_cache_dir).parent.mkdir(parents=True)
    damage = damage.replace("KEY", bank_holidays.package_key() or "")
    cache_file(isolated_cache_dir).write_text(damage, encoding="utf-8")
    assert dict(england_bank_holidays(2026)) == package_dates(2026)
    assert "2026" in json.loads(cache_file(isolated_cache_dir).read_text(encoding="utf-8"))["years"]


def test_a_cache_folder_that_cannot_be_written_changes_nothing(isolated_cache_dir, monkeypatch, tmp_path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(bank_holidays.CACHE_DIR_ENV, str(blocked / "cache"))
    assert dict(england_bank_holidays(2026)) == package_dates(2026)
    assert collection_window(Period(2028, 4)).due == dt.date(2028, 4, 18)


def test_the_due_date_is_the_same_from_the_cache(isolated_cache_dir) -> None:
    # Good Friday 14 April 2028 and Easter Monday: due on Tuesday the 18th, computed and then read back.
    assert collection_window(Period(2028, 4)).due == dt.date(2028, 4, 18)
    bank_holidays.forget()
    assert collection_window(Period(2028, 4)).due == dt.date(2028, 4, 18)
    assert collection_window(Period(2027, 12)).due == dt.date(2027, 12, 14)
