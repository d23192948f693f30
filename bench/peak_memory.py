"""Run a command and print its peak resident memory: `python bench/peak_memory.py COMMAND...`.

The benchmark cannot read a child's peak from its own process: Linux starts children with vfork, and a
child's ru_maxrss then starts at the RSS of the process that spawned it (here, the benchmark, with
PySide6 and ct_desktop loaded), which would hide the true peak of a smaller program. This launcher is
a near-empty interpreter, far smaller than any Qt program, so the peak it reads (the maximum of its
own size and the command's) is the command's. The command's output passes through; the last line is
PEAK_LINE and the peak in bytes. POSIX only (os.wait4); the exit code is the command's.
"""

from __future__ import annotations

import os
import subprocess
import sys

PEAK_LINE = "bench: peak rss bytes:"


def main(command: list[str]) -> int:
    """Run ``command`` to its end, print its peak RSS, return its exit code."""
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    print(f"{PEAK_LINE} {peak}", flush=True)
    return child.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
