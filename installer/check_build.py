"""Looking inside a built dist/ct-desktop/ folder: is everything there, and nothing that should not be?

Used by installer/build.py after PyInstaller has run. It reads the folder itself and the Python
modules frozen into the executable, so it checks what would ship, not what the spec meant to do.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import freeze_contents as contents

EXECUTABLES = ("ct-desktop", "ct-desktop-cli")
DEFINITIONS = "ct_desktop/forms/definitions"
KEYRING_METADATA = "entry_points.txt"


@dataclass
class BuildContents:
    """What a look at the folder found, and the problems that make the build unusable."""

    size_bytes: int = 0
    qt_modules: list[str] = field(default_factory=list)
    qt_libraries: list[str] = field(default_factory=list)
    qt_plugins: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Several lines for the person running the build."""
        return "\n".join([
            f"  size: {self.size_bytes / 1_000_000:.0f} MB",
            f"  Qt Python modules: {', '.join(self.qt_modules) or 'none'}",
            f"  Qt libraries: {', '.join(self.qt_libraries) or 'none'}",
            f"  Qt plugins: {', '.join(self.qt_plugins) or 'none'}",
            f"  question sets: {', '.join(self.definitions) or 'none'}",
        ])


def executable_path(folder: Path, name: str) -> Path:
    """An executable of the build: ct-desktop.exe on Windows, ct-desktop elsewhere."""
    return folder / (f"{name}.exe" if sys.platform == "win32" else name)


def inspect(folder: Path) -> BuildContents:
    """Everything build.py reports about a built folder."""
    found = BuildContents()
    if not folder.is_dir():
        found.problems.append(f"{folder} was not created")
        return found
    # Links (Linux and macOS put one at the top for each Qt library) are not files of their own.
    files = [path for path in folder.rglob("*") if path.is_file() and not path.is_symlink()]
    found.size_bytes = sum(path.stat().st_size for path in files)
    relative = [path.relative_to(folder).as_posix() for path in files]
    found.problems += [f"{executable_path(folder, name).name} is missing" for name in EXECUTABLES
                       if not executable_path(folder, name).is_file()]
    _check_qt(found, relative)
    _check_data(found, relative)
    if executable_path(folder, "ct-desktop-cli").is_file():
        _check_frozen_modules(found, executable_path(folder, "ct-desktop-cli"))
    return found


def _check_qt(found: BuildContents, relative: list[str]) -> None:
    found.qt_modules = sorted({m for path in relative if (m := contents.pyside_extension_module(path))})
    found.qt_libraries = sorted({lib for path in relative if (lib := contents.qt_library_name(path))})
    found.qt_plugins = sorted({path.split("/plugins/", 1)[1] for path in relative
                               if "PySide6/" in path and "/plugins/" in path})
    extra_modules = sorted(set(found.qt_modules) - set(contents.QT_MODULES_USED))
    if extra_modules:
        found.problems.append(f"Qt modules the app does not use: {', '.join(extra_modules)}")
    missing_modules = sorted(set(contents.QT_MODULES_USED) - set(found.qt_modules))
    if missing_modules:
        found.problems.append(f"Qt modules missing: {', '.join(missing_modules)}")
    unwanted = [path for path in relative if not contents.keep_in_build(path)]
    if unwanted:
        found.problems.append(f"files that should have been left out: {', '.join(unwanted[:10])}"
                              + (f" and {len(unwanted) - 10} more" if len(unwanted) > 10 else ""))
    platforms = {contents.plugin_stem(Path(p).name) for p in found.qt_plugins if p.startswith("platforms/")}
    if not platforms & {"qwindows", "qcocoa", "qxcb"} or "qoffscreen" not in platforms:
        found.problems.append(f"Qt platform plugins missing: found only {', '.join(sorted(platforms)) or 'none'}")


def _check_data(found: BuildContents, relative: list[str]) -> None:
    found.definitions = sorted(Path(p).name for p in relative if p.rsplit("/", 1)[0].endswith(DEFINITIONS))
    if not any(name.endswith(".toml") and name != "seasons.toml" for name in found.definitions):
        found.problems.append(f"no question sets in {DEFINITIONS}: the app could not show or check a return")
    if not any("keyring-" in p and p.endswith(f".dist-info/{KEYRING_METADATA}") for p in relative):
        found.problems.append("keyring's metadata (entry points) is missing: the app would find no keyring")
    if sys.platform == "win32" and not any(p.endswith("tzdata/zoneinfo/Europe/London") for p in relative):
        found.problems.append("the time zone data (tzdata) is missing: no due date could be worked out")
    excluded = [p for p in relative if _excluded_package(p)]
    if excluded:
        found.problems.append(f"excluded packages came in as files: {', '.join(sorted(set(excluded))[:10])}")


def _excluded_package(path: str) -> bool:
    # A package dir or its metadata anywhere in the folder: fastapi/..., fastapi-0.110.dist-info/...
    parts = path.split("/")
    names = {part.split("-")[0].lower() for part in parts[:-1]}
    return any(package.lower() in names for package in contents.PACKAGES_EXCLUDED)


def _check_frozen_modules(found: BuildContents, executable: Path) -> None:
    # The Python modules frozen into the executable's archive (PyInstaller is installed: it just ran).
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(executable))
    pyz_names = [name for name in archive.toc if name.endswith(".pyz")]  # the name has changed between releases
    if not pyz_names:
        found.problems.append(f"{executable.name} holds no Python modules")
        return
    modules = set(archive.open_embedded_archive(pyz_names[0]).toc)
    excluded = sorted({name.split(".")[0] for name in modules} & set(contents.PACKAGES_EXCLUDED))
    if excluded:
        found.problems.append(f"excluded Python modules were frozen in: {', '.join(excluded)}")
    missing = [name for name in ("ct_desktop.ui.app", "ct_desktop.ui.main_window", *contents.KEYRING_BACKENDS,
                                 *contents.LAZY_IMPORTS) if name not in modules]
    if missing:
        found.problems.append(f"modules missing from the executable: {', '.join(missing)}")
