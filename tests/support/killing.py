"""A process ended at once, as a crash or a power cut would end it: no clean-up, no atexit, no flush.

``Popen.kill()`` does it on every system: SIGKILL on POSIX, TerminateProcess on Windows.
"""

from __future__ import annotations

import signal
import sys

# The exit status Popen reports for a process ended by kill(): -SIGKILL on POSIX; on Windows the exit
# code TerminateProcess is given, 1.
KILLED = 1 if sys.platform == "win32" else -signal.SIGKILL
