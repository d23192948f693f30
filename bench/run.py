"""Benchmarks of ct-desktop on this machine, side by side with their targets, in one run.

    python bench/run.py [--quick] [--json FILE]

Measures: cold start of the app to its main window against a bare PySide6 window; a field edit
committed to disk (median and p99); "no changes" for 200 locations offline; opening the store of a
small and of a 64 MB file; one sync of 1,000 queued returns to the reference tracker on the loopback; the
tracker's PUTs per second and their p99 with 50 concurrent clients; the app's peak memory with 200
locations and with 2,000; a field saved in the app's form with 1 location and with 2,000; import-csv of
100,000 rows that all repeat one location and month (time and size of its report).
``--quick`` runs fewer repetitions and smaller batches (the sync figure is then projected to 1,000, the
import of repeated rows to 100,000),
to check that everything still runs; the README's figures come from a full run.

Everything happens in one temporary folder, removed at the end: the user's data folder, cache, settings and
keyring are never used. The code measured is this checkout's (its root goes ahead of site-packages on
the path of this process and of every process it starts), whatever ct-desktop may be installed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(1, str(REPO))  # [0] is bench/ itself, for the modules beside this one
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))

# The modules beside this one, and ct_desktop through them, are found through the path set just above.
import app_edit  # noqa: E402
import csv_bench  # noqa: E402
import entry_keys  # noqa: E402
import startup  # noqa: E402
import status_bench  # noqa: E402
import store_bench  # noqa: E402
import sync_bench  # noqa: E402
import tracker_load  # noqa: E402
from report import table, write_json  # noqa: E402
from seed import seed_app_folder  # noqa: E402
from targets import build_measures  # noqa: E402

from ct_desktop.store import open_store  # noqa: E402

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Plan:
    """How much of each benchmark to run."""

    start_runs: int  # timed starts of each program, after one warm-up start of each
    app_locations: int  # in the data folder of the start comparison
    memory_runs: int
    memory_locations: int
    edits: int
    no_changes_locations: int
    sync_locations: int  # x 10 months = returns to sync
    opens: int  # timed opens of the store, of each file
    large_file_mb: int
    csv_duplicate_rows: int  # rows of one location and month in the file given to import-csv
    status_locations: int  # the care group whose status is read, with ...
    status_queued: int  # ... this many returns waiting in the outbox
    group_locations: int  # "no changes" for this many in one review
    app_edits: int  # answers saved in the app's form, with 1 location and with ...
    app_edit_locations: int  # ... this many (their peak memory at start is measured on the same folder)
    load_clients: int  # concurrent clients sending to the tracker, each ...
    load_puts: int  # ... this many timed PUTs (after one warm-up PUT each)


FULL = Plan(start_runs=5, app_locations=20, memory_runs=3, memory_locations=200, edits=500,
            no_changes_locations=200, sync_locations=100, opens=50, large_file_mb=64, csv_duplicate_rows=100_000,
            status_locations=2000, status_queued=10_000, group_locations=2000, app_edits=200, app_edit_locations=2000,
            load_clients=50, load_puts=40)
QUICK = Plan(start_runs=2, app_locations=20, memory_runs=1, memory_locations=200, edits=100,
             no_changes_locations=50, sync_locations=10, opens=20, large_file_mb=16, csv_duplicate_rows=5_000,
             status_locations=200, status_queued=1000, group_locations=200, app_edits=50, app_edit_locations=200,
             load_clients=50, load_puts=4)


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark, print the table, write the JSON if asked; 0 when all ran (targets or not)."""
    parser = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, smaller batches")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ct-bench-") as tmp:
        work = Path(tmp)
        # A guard: anything that looked for the default data folder would find this empty one.
        os.environ["CT_DESKTOP_DATA_DIR"] = str(work / "default-data-folder-unused")
        # The bank holiday cache too: the warm-up start fills this one, the user's is left alone.
        os.environ["CT_DESKTOP_CACHE_DIR"] = str(work / "cache")
        # Bytecode as an installed app has it (pip compiles on install), for every process started here:
        # kept under ``work`` (written by the warm-up starts, nothing added to the checkout), even where
        # PYTHONDONTWRITEBYTECODE is set, which would otherwise make every start compile ct_desktop afresh.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        results = run_all(plan, work)
    measures = build_measures(plan, results)
    seconds = time.perf_counter() - began
    context = run_context(plan, args.quick, seconds)
    print(f"\nct-desktop benchmarks, {context['date']}, {context['machine']}"
          f"{' (--quick)' if args.quick else ''}, {seconds:.0f} s in all\n")
    print(table(measures))
    if args.json:
        write_json(args.json, measures, context)
    return 0


def run_all(plan: Plan, work: Path) -> dict[str, object]:
    """Each benchmark in turn, in its own folder under ``work``; their results by name."""
    def seeded(name: str, locations: int) -> Path:
        folder = work / name
        with open_store(folder) as store:
            seed_app_folder(folder, store, locations)
        return folder

    results: dict[str, object] = {}
    results["starts"] = step(f"cold start: app ({plan.app_locations} locations), its window in Qt alone and "
                             f"a bare window, {plan.start_runs} runs each after a warm-up",
                             lambda: startup.compare_starts(seeded("start", plan.app_locations), plan.start_runs,
                                                            plan.app_locations))
    results["memory"] = step(f"peak memory of the app with {plan.memory_locations} locations",
                             lambda: startup.peak_memory(seeded("memory", plan.memory_locations), plan.memory_runs))
    results["edits"] = step(f"{plan.edits} field edits",
                            lambda: store_bench.time_field_edits(work / "edits", plan.edits))
    results["no_changes"] = step(f"'no changes' for {plan.no_changes_locations} locations",
                                 lambda: store_bench.time_no_changes(work / "no-changes", plan.no_changes_locations))
    results["group_no_changes"] = step(f"'no changes' for {plan.group_locations:,} locations in one review",
                                       lambda: store_bench.time_group_no_changes(work / "group-no-changes",
                                                                                 plan.group_locations))
    results["opens_small"] = step(f"{plan.opens} opens of a small store",
                                  lambda: store_bench.time_store_opens(work / "open-small", 0, plan.opens))
    results["opens_large"] = step(f"{plan.opens} opens of a {plan.large_file_mb} MB store",
                                  lambda: store_bench.time_store_opens(work / "open-large", plan.large_file_mb,
                                                                       plan.opens))
    results["sync"] = step(f"sync of {plan.sync_locations * len(sync_bench.PERIODS)} returns",
                           lambda: sync_bench.time_sync(work / "sync", plan.sync_locations))
    results["tracker_load"] = step(f"{plan.load_clients} clients sending {plan.load_clients * plan.load_puts:,} "
                                   "returns to the tracker at once",
                                   lambda: tracker_load.time_tracker_load(work / "tracker-load", plan.load_clients,
                                                                          plan.load_puts))
    results["csv_duplicates"] = step(f"import-csv of {plan.csv_duplicate_rows:,} repeated rows",
                                     lambda: csv_bench.time_import_duplicates(work / "csv",
                                                                              plan.csv_duplicate_rows))
    results["status"] = step(f"status of {plan.status_locations:,} locations with {plan.status_queued:,} queued",
                             lambda: status_bench.time_status(work / "status", plan.status_locations,
                                                              plan.status_queued))
    results["app_edits_1"] = step(f"{plan.app_edits} answers saved in the app's form, 1 location",
                                  lambda: app_edit.time_app_edits(app_edit.seed_group(work / "app-edit-1", 1),
                                                                  plan.app_edits))
    group = step(f"a care group of {plan.app_edit_locations:,} locations",
                 lambda: app_edit.seed_group(work / "app-edit-group", plan.app_edit_locations))
    results["app_edits_group"] = step(f"{plan.app_edits} answers saved in the app's form, "
                                      f"{plan.app_edit_locations:,} locations",
                                      lambda: app_edit.time_app_edits(group, plan.app_edits))
    results["memory_group"] = step(f"peak memory of the app with {plan.app_edit_locations:,} locations",
                                   lambda: startup.peak_memory(group, 1))
    results["entry_keys"] = step("a whole care home return typed from the keyboard in the real form",
                                 lambda: entry_keys.count_entry_keys(work / "entry-keys"))
    return results


def step(what: str, run: Callable[[], T]) -> T:
    """Run one benchmark, saying on standard error what is running and how long it took (seeding included)."""
    print(f"bench: {what}...", file=sys.stderr, flush=True)
    began = time.perf_counter()
    result = run()
    print(f"bench:   done in {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)
    return result


def run_context(plan: Plan, quick: bool, seconds: float) -> dict[str, object]:
    """When and where the figures were taken."""
    import PySide6

    cores = os.cpu_count() or 0
    return {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.system()} {platform.machine()}, {cores} core{'s' if cores != 1 else ''}",
        "python": platform.python_version(),
        "pyside6": PySide6.__version__,
        "quick": quick,
        "plan": dataclasses.asdict(plan),
        "seconds": round(seconds, 1),
    }


if __name__ == "__main__":
    sys.exit(main())
