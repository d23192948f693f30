"""Build the ct-desktop folder with PyInstaller and check it.

    python installer/build.py [--dist DIR] [--work DIR] [--clean]

Runs PyInstaller on installer/ct-desktop.spec with the Python running this script (so the virtual
environment's packages are what gets frozen), then looks inside the result: both executables, the
question sets, keyring's metadata, only the Qt modules, plugins and libraries the app uses, none of
the excluded packages. Prints what it found and the size. Exit 0 when the build is usable, 1 when
the check found a problem, 2 when PyInstaller is missing or failed.

The same on Windows, macOS and Linux; each builds for its own system only (PyInstaller does not
cross-compile). Default folders: dist/ and build/ at the top of the repository.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

INSTALLER = Path(__file__).resolve().parent
ROOT = INSTALLER.parent
SPEC = INSTALLER / "ct-desktop.spec"
APP_FOLDER = "ct-desktop"  # the COLLECT name in the spec

sys.path.insert(0, str(INSTALLER))
import check_build  # noqa: E402  (installer/, put on sys.path just above)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line of the build."""
    parser = argparse.ArgumentParser(prog="build.py", description="Build and check the ct-desktop folder.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where dist/ct-desktop/ is made")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's working folder")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first (slower)")
    return parser.parse_args(argv)


def run_pyinstaller(args: argparse.Namespace) -> int:
    """PyInstaller's exit code; its log goes to this console."""
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(args.dist.resolve()), "--workpath", str(args.work.resolve())]
    if args.clean:
        command.append("--clean")
    print("build.py: " + " ".join([*command, str(SPEC)]), flush=True)
    return subprocess.call([*command, str(SPEC)], cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    """Build, check, report; the exit code says whether the folder can be shipped."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if importlib.util.find_spec("PyInstaller") is None:
        print(f"build.py: PyInstaller is not installed for {sys.executable}: "
              "pip install -e \".[test]\" (or pip install pyinstaller)", file=sys.stderr)
        return 2
    started = time.monotonic()
    if run_pyinstaller(args) != 0:
        print("build.py: PyInstaller failed (its messages are above)", file=sys.stderr)
        return 2
    folder = args.dist.resolve() / APP_FOLDER
    found = check_build.inspect(folder)
    print(f"build.py: built {folder} in {time.monotonic() - started:.0f} s")
    print(found.summary())
    if found.problems:
        print("build.py: the build is not usable:", file=sys.stderr)
        for problem in found.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print("build.py: checked: both executables, the question sets, keyring's backends, only the Qt parts in use")
    return 0


if __name__ == "__main__":
    sys.exit(main())
