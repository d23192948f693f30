"""export-csv onto a full disk: a real, tiny tmpfs (64 KB), as a USB stick or a nearly full laptop is.

The export exits non-zero with one line, never leaves a truncated CSV where an older good one was, and
says so when its standard output (``> file``) could not be written. Mounting needs root, as CI has.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ct_desktop.models import Location
from ct_desktop.store import open_store

LOCATIONS = 400  # with long names: a template of about 100 KB, more than the disk holds


@pytest.fixture
def tiny_disk(tmp_path) -> Path:
    """A 64 KB tmpfs mounted for the test, unmounted afterwards; skipped where mounting is not permitted."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)],
                                 capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("no mount command here: the full-disk tests need to mount a 64 KB tmpfs (run as root)")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a 64 KB tmpfs here (needs root, as CI has): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], capture_output=True, timeout=30)


@pytest.fixture
def many_locations(isolated_data_dir):
    with open_store(isolated_data_dir) as store:
        for number in range(LOCATIONS):
            store.add_location(Location(f"1-{100000 + number}", f"Care home number {number} " + "x" * 150,
                                        "care_home", "Leeds"))
    return isolated_data_dir


def ct(*args: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ct_desktop", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=120)


def single_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr[-2000:]
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ct-desktop: "), stderr[-2000:]
    return lines[0]


def test_export_to_a_file_on_a_full_disk_fails_and_leaves_no_file(many_locations, tiny_disk):
    target = tiny_disk / "returns.csv"
    done = ct("export-csv", str(target), "--template", "--period", "2026-09")
    assert done.returncode == 2
    assert f"cannot write {target}: No space left on device" in single_line(done.stderr)
    assert list(tiny_disk.iterdir()) == []  # no truncated CSV, no temporary file left behind


def test_export_over_an_older_file_on_a_full_disk_keeps_the_older_file(many_locations, tiny_disk):
    target = tiny_disk / "returns.csv"
    older = b"location_id,period\r\n1-100000,2026-08\r\n"
    target.write_bytes(older)
    done = ct("export-csv", str(target), "--template", "--period", "2026-09")
    assert done.returncode == 2
    assert "an older file there is left as it was" in single_line(done.stderr)
    assert target.read_bytes() == older
    assert [path.name for path in tiny_disk.iterdir()] == ["returns.csv"]


def test_export_to_standard_output_redirected_onto_a_full_disk_exits_non_zero(many_locations, tiny_disk):
    target = tiny_disk / "returns.csv"
    with target.open("w", encoding="utf-8") as redirected:  # ct-desktop export-csv - > returns.csv
        done = ct("export-csv", "-", "--template", "--period", "2026-09", stdout=redirected)
    assert done.returncode == 2
    line = single_line(done.stderr)
    assert "cannot write the CSV to standard output: No space left on device" in line
    assert "incomplete" in line


def test_the_same_export_fits_where_there_is_room(many_locations, tmp_path):
    target = tmp_path / "returns.csv"
    done = ct("export-csv", str(target), "--template", "--period", "2026-09")
    assert done.returncode == 0, done.stderr
    assert target.stat().st_size > 64 * 1024  # so the tiny disk is really too small for it
    assert len(target.read_text(encoding="utf-8-sig").splitlines()) == LOCATIONS + 1
