"""``ct-desktop doctor [--json]``: what this copy of ct-desktop finds on this computer.

The version, the data folder, the keyring that will keep the tracker token (and every keyring
backend ct-desktop can find), and whether Qt can open a window here. The first thing to ask for when
something does not work on a care home's computer, and how the installer's test checks that the
frozen build still finds the operating system's keyring: PyInstaller drops package metadata, and
keyring finds its backends through it. Qt and keyring are imported only while the command runs.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ct_desktop import __version__
from ct_desktop.cli.common import print_json
from ct_desktop.paths import resolve_data_dir
from ct_desktop.store.database import DB_FILENAME

KEYRING_ENTRY_POINTS = "keyring.backends"
NO_KEYRING = "keyring.backends.fail.Keyring"  # what keyring falls back to when it finds no backend
# The Qt platform plugin each operating system's desktop needs (Linux: X11, or Wayland through XWayland).
DESKTOP_PLATFORMS = {"win32": ("windows",), "darwin": ("cocoa",)}
LINUX_PLATFORMS = ("xcb", "wayland")
# Sonames whose Debian/Ubuntu package is not the soname's stem and major version run together.
DEBIAN_PACKAGE_EXCEPTIONS = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
                             "libgobject-2.0.so.0": "libglib2.0-0"}
LDD_MISSING = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "doctor",
        parents=[parent],
        help="check this computer: version, data folder, keyring, Qt",
        description="Print what ct-desktop finds here: its version, the data folder, the keyring that keeps "
        "the tracker token and the keyring backends found, and whether Qt can show the window. "
        "Exit 0 when nothing needs attention, 1 when something does (each listed).",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the report; exit 1 when a problem was found."""
    report = examine(getattr(args, "data_dir", None))
    if args.json:
        print_json(report)
    else:
        print(describe(report))
    return 1 if report["problems"] else 0


def examine(data_dir: str | None) -> dict[str, Any]:
    """Every check, as one JSON-ready dict; ``problems`` lists what needs attention."""
    report: dict[str, Any] = {
        "version": __version__,
        "python": platform.python_version(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "executable": sys.executable,
        "data_dir": data_folder(data_dir),
        "keyring": keyring_report(),
        "qt": qt_report(),
    }
    report["problems"] = [part["problem"] for part in (report["data_dir"], report["keyring"], report["qt"])
                          if part["problem"]]
    return report


def data_folder(option: str | None) -> dict[str, Any]:
    """Where the data is kept; looked at, never created (the first real command creates it)."""
    path = resolve_data_dir(option)
    exists = path.is_dir()
    writable = exists and os.access(path, os.W_OK)
    problem = f"the data folder {path} is not writable" if exists and not writable else None
    return {"path": str(path), "exists": exists, "writable": writable,
            "database": (path / DB_FILENAME).is_file(), "problem": problem}


def keyring_report() -> dict[str, Any]:
    """The keyring in use, the backends registered by entry point, and those usable on this computer."""
    from importlib import metadata

    import keyring
    from keyring.backend import get_all_keyring

    from ct_desktop.credentials import keyring_problem, what_to_install

    found = []
    for entry in sorted(metadata.entry_points(group=KEYRING_ENTRY_POINTS), key=lambda e: e.name.lower()):
        try:
            entry.load()
            error = None
        except Exception as exc:  # a backend that cannot even be imported is reported, not fatal
            error = f"{type(exc).__name__}: {exc}"
        found.append({"name": entry.name, "module": entry.value, "error": error})
    try:
        backend = keyring.get_keyring()
        in_use = _class_path(backend)
        # Priority above 0, as keyring's chainer counts them: "fail" and an empty chainer keep nothing.
        usable = sorted({_class_path(ring) for ring in get_all_keyring() if ring.priority > 0})
        problem = (f"no keyring to keep the tracker token: {what_to_install()}" if in_use == NO_KEYRING
                   else keyring_problem(backend))
    except Exception as exc:  # e.g. PYTHON_KEYRING_BACKEND naming a backend that does not exist
        in_use, usable, problem = None, [], f"the keyring cannot be used: {type(exc).__name__}: {exc}"
    return {"backend": in_use, "found": found, "usable": usable, "problem": problem}


def qt_report() -> dict[str, Any]:
    """The Qt version and the platform plugins present, without starting Qt (no window, no display)."""
    try:
        pyside = importlib.import_module("PySide6")
        qt_core = importlib.import_module("PySide6.QtCore")
    except ImportError as exc:
        return {"version": None, "pyside6": None, "plugin_paths": [], "platforms": [], "needed": [],
                "loads": {}, "missing_libraries": {},
                "problem": f"Qt (PySide6) cannot be loaded, so the window cannot open: {exc}"}
    paths = [str(Path(p)) for p in qt_core.QCoreApplication.libraryPaths()]
    platforms = sorted({_platform_name(f.name) for p in paths if (Path(p) / "platforms").is_dir()
                        for f in (Path(p) / "platforms").iterdir() if f.is_file()})
    needed = _platforms_needed()
    problem = None
    loads = {name: plugin_missing_libraries(file) for name, file in _plugin_files(paths, needed).items()}
    if not set(needed) & set(platforms):
        problem = f"no Qt platform plugin {' or '.join(needed)} in {', '.join(paths) or 'any plugin folder'}"
    else:
        problem = _plugin_problem(loads)
    return {"version": qt_core.qVersion(), "pyside6": pyside.__version__, "plugin_paths": paths,
            "platforms": platforms, "needed": list(needed),
            "loads": {name: not missing for name, missing in loads.items()},
            "missing_libraries": {name: missing for name, missing in loads.items() if missing},
            "problem": problem}


def plugin_missing_libraries(plugin: Path) -> list[str]:
    """The system libraries a Qt platform plugin needs and cannot find here (empty: it loads).

    Qt itself only says "could not load the Qt platform plugin" and may name the wrong library. On
    Linux ``ldd`` lists every library that is not found, transitively; elsewhere (or without ldd) the
    plugin is loaded for real and the loader's own message names what is missing.
    """
    ldd = shutil.which("ldd") if sys.platform.startswith("linux") else None
    if ldd:
        try:
            listing = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            listing = ""
        else:
            return sorted(set(LDD_MISSING.findall(listing)))
    import ctypes

    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        return [str(exc).split(":", 1)[0].strip() or plugin.name]
    return []


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that usually holds a library: libxcb-icccm.so.4 -> libxcb-icccm4."""
    if soname in DEBIAN_PACKAGE_EXCEPTIONS:
        return DEBIAN_PACKAGE_EXCEPTIONS[soname]
    stem, _, version = soname.partition(".so")
    version = version.lstrip(".").split(".", 1)[0]
    stem = stem.lower()
    return f"{stem}-{version}" if stem[-1:].isdigit() and version else f"{stem}{version}"


def _plugin_files(paths: list[str], needed: tuple[str, ...]) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for folder in paths:
        platforms = Path(folder) / "platforms"
        if platforms.is_dir():
            for file in sorted(platforms.iterdir()):
                name = _platform_name(file.name)
                if file.is_file() and name in needed:
                    files.setdefault(name, file)
    return files


def _plugin_problem(loads: dict[str, list[str]]) -> str | None:
    # On Linux both xcb and wayland are listed as needed, but an X11 session (no WAYLAND_DISPLAY) uses xcb
    # alone: a wayland plugin that loads is no help there.
    session_plugins = [name for name in loads if name != "wayland" or os.environ.get("WAYLAND_DISPLAY")]
    failing = {name: missing for name, missing in loads.items() if missing and name in session_plugins}
    if not failing or any(not loads[name] for name in session_plugins):
        return None
    name, missing = next(iter(failing.items()))
    packages = sorted({debian_package(lib) for lib in missing})
    advice = (f"; on Debian or Ubuntu: sudo apt install {' '.join(packages)}"
              if sys.platform.startswith("linux") else "; reinstall ct-desktop")
    return f"the Qt platform plugin {name} cannot load, so the window cannot open: missing {_and(missing)}{advice}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe(report: dict[str, Any]) -> str:
    """The report as text for a person."""
    build = f"frozen build: {report['executable']}" if report["frozen"] else f"Python at {report['executable']}"
    folder = report["data_dir"]
    state = ("writable" if folder["writable"] else "not writable") if folder["exists"] else "not created yet"
    ring, qt = report["keyring"], report["qt"]
    lines = [
        f"ct-desktop {report['version']} (Python {report['python']}, {build})",
        f"Data folder: {folder['path']} ({state}; database {'present' if folder['database'] else 'not yet made'})",
        f"Keyring: {ring['backend'] or 'none'}",
        "  backends found: " + (", ".join(_found_text(entry) for entry in ring["found"]) or "none"),
        "  usable here: " + (", ".join(ring["usable"]) or "none"),
        f"Qt: {qt['version'] or 'not available'}" + (f" (PySide6 {qt['pyside6']})" if qt["pyside6"] else ""),
        "  platform plugins: " + (", ".join(qt["platforms"]) or "none") + f"; this computer needs: "
        f"{' or '.join(qt['needed']) or '-'}",
        *(f"  {name} cannot load: missing {_and(missing)}" for name, missing in qt["missing_libraries"].items()),
    ]
    lines += ["Problems:", *(f"  - {problem}" for problem in report["problems"])] if report["problems"] else [
        "No problems found."]
    return "\n".join(lines)


def _found_text(entry: dict[str, Any]) -> str:
    return entry["name"] if entry["error"] is None else f"{entry['name']} (cannot load: {entry['error']})"


def _class_path(obj: object) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def _platform_name(file_name: str) -> str:
    # libqxcb.so, qwindows.dll, libqcocoa.dylib -> xcb, windows, cocoa (the QT_QPA_PLATFORM names)
    return file_name.split(".", 1)[0].removeprefix("lib").removeprefix("q")


def _platforms_needed() -> tuple[str, ...]:
    chosen = os.environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return (chosen,)
    return DESKTOP_PLATFORMS.get(sys.platform, LINUX_PLATFORMS)
