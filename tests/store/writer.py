"""A separate process that writes edits through the store, for the crash and concurrency tests.

    python writer.py DATA_DIR LOCATION FIRST COUNT [START_AT]

Writes COUNT edits (0: until killed) to LOCATION's July 2026 return: edit n sets packages_returned_self and
spare_capacity_hours to n in one transaction, and prints "saved n" (flushed) once the call has
returned, i.e. once the edit is committed. Every tenth edit it also submits the return (the next
edit withdraws it again) and prints "queued n". START_AT (a time.time() value) makes several
writers start together.
"""

from __future__ import annotations

import sys
import time

from ct_desktop.period import Period
from ct_desktop.store import open_store

JULY = Period(2026, 7)


def main(data_dir: str, location: str, first: int, count: int, start_at: float | None) -> None:
    if start_at is not None:
        time.sleep(max(0.0, start_at - time.time()))
    store = open_store(data_dir)
    print("opened", flush=True)
    n = first
    while count == 0 or n < first + count:
        store.set_values(location, JULY, {"packages_returned_self": n, "spare_capacity_hours": n}, f"writer {location}")
        print(f"saved {n}", flush=True)
        if n % 10 == 0:
            store.submit(location, JULY, f"writer {location}", confirm_warnings=True)
            print(f"queued {n}", flush=True)
        n += 1
    store.close()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(arguments[0], arguments[1], int(arguments[2]), int(arguments[3]),
         float(arguments[4]) if len(arguments) > 4 else None)
