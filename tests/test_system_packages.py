"""The Linux system libraries Qt needs are listed once for people (README) and installed by CI from the same list."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ci_packages() -> set[str]:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    listed = re.search(r'QT_LINUX_PACKAGES="([^"]*)"', script)
    assert listed, ".ci/run names QT_LINUX_PACKAGES"
    return set(listed.group(1).split())


def readme_packages() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### System libraries on Linux", 1)[1].split("\n#", 1)[0]
    command = re.search(r"sudo apt install ([^\n`]+)", section)
    assert command, "the README's 'System libraries on Linux' section gives the apt command"
    return set(command.group(1).split())


def test_ci_installs_exactly_the_libraries_the_readme_lists():
    assert ci_packages() == readme_packages()


def test_the_list_covers_the_libraries_that_were_found_missing():
    # Qt 6 aborted naming the wrong library when these two were missing on a fresh Debian machine.
    assert {"libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0"} <= readme_packages()
