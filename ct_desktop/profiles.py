"""Profiles: named data folders, so that a training tracker is used beside the live one.

A data folder belongs to one tracker (ct_desktop/sync/binding.py), so training and live returns are
kept in folders of their own. The base data folder (``--data-dir``, else ``CT_DESKTOP_DATA_DIR``, else
the operating system's) *is* the profile "Live", exactly as before profiles existed: nothing moves and
nothing is copied. Each other profile is a folder under it, ``<base>/profiles/<Name>/``, holding what a
data folder holds (database, settings, backups, lock). ``<base>/profiles/profiles.json`` remembers the
profile the app opened last, for its chooser.

A profile name is letters, digits, spaces, '-' and '_', starting and ending with a letter or digit, at
most 40 characters, and unique ignoring case ("training" is the profile "Training"): it is a folder
name on every system, so no path separators, dots, control characters or names Windows reserves.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ct_desktop.paths import ensure_data_dir, resolve_data_dir
from ct_desktop.safe_text import printable

DEFAULT_PROFILE = "Live"
PROFILES_DIRNAME = "profiles"
CHOICE_FILENAME = "profiles.json"
MAX_NAME = 40
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 _-]*[A-Za-z0-9])?", re.ASCII)
_NAME_FORMAT = (f"letters, digits, spaces, '-' and '_', starting and ending with a letter or digit, "
                f"at most {MAX_NAME} characters")
# Names Windows keeps for devices: a folder cannot be called so there.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}


class ProfileError(ValueError):
    """A profile name that cannot be used, or a profile that is not there; the message says why, in one line."""


@dataclass(frozen=True)
class Profile:
    """A named data folder. ``named`` is False for a folder given by hand (``--data-dir``) that is no profile."""

    name: str
    folder: Path
    named: bool = True


def check_name(text: str) -> str:
    """The profile name, stripped of surrounding spaces; ProfileError (one line) when it cannot be one."""
    name = text.strip() if isinstance(text, str) else ""
    shown = printable(name) if len(name) <= MAX_NAME else f"{printable(name[:MAX_NAME - 3])}..."
    if not name:
        raise ProfileError("a profile needs a name, such as Training")
    if len(name) > MAX_NAME or not _NAME.fullmatch(name):
        raise ProfileError(f"'{shown}' cannot be a profile name: use {_NAME_FORMAT}")
    if name.lower() in _RESERVED:
        raise ProfileError(f"'{shown}' cannot be a profile name: Windows keeps it for a device; choose another")
    return name


def base_folder(option: str | os.PathLike[str] | None = None) -> Path:
    """The base data folder: the Live profile's, under which the other profiles are."""
    return resolve_data_dir(option)


def profiles_folder(base: Path) -> Path:
    """Where the profiles other than Live are kept."""
    return Path(base) / PROFILES_DIRNAME


def list_profiles(base: Path) -> list[Profile]:
    """Live first, then every other profile in alphabetical order (ignoring case)."""
    found: list[Profile] = []
    with contextlib.suppress(OSError):  # no profiles folder (yet), or one that cannot be read: Live alone
        for entry in profiles_folder(base).iterdir():
            if entry.is_dir() and _is_name(entry.name) and entry.name.lower() != DEFAULT_PROFILE.lower():
                found.append(Profile(entry.name, entry))
    found.sort(key=lambda profile: profile.name.lower())
    return [Profile(DEFAULT_PROFILE, Path(base)), *found]


def find_profile(base: Path, name: str) -> Profile:
    """The profile of that name (ignoring case); ProfileError naming the profiles there are when there is none."""
    wanted = check_name(name).lower()
    profiles = list_profiles(base)
    for profile in profiles:
        if profile.name.lower() == wanted:
            return profile
    names = ", ".join(profile.name for profile in profiles)
    raise ProfileError(f"there is no profile '{check_name(name)}' (the profiles are: {names}); make it with "
                       f"ct-desktop profiles add {check_name(name)}, or File > New profile… in the app")


def add_profile(base: Path, name: str) -> Profile:
    """Make a new, empty profile; ProfileError when the name cannot be used or is taken (ignoring case)."""
    name = check_name(name)
    for profile in list_profiles(base):
        if profile.name.lower() == name.lower():
            raise ProfileError(f"there is already a profile '{profile.name}': choose another name")
    folder = profiles_folder(base) / name
    try:
        ensure_data_dir(profiles_folder(base))
        folder.mkdir(mode=0o700)
    except FileExistsError as exc:  # a file (not a folder) of that name, or another spelling on Windows or macOS
        raise ProfileError(f"cannot make the profile '{name}': {folder} is already there") from exc
    except OSError as exc:
        raise ProfileError(f"cannot make the profile '{name}' in {profiles_folder(base)}: "
                           f"{exc.strerror or exc}") from exc
    return Profile(name, folder)


def profile_of_folder(folder: Path, base: Path | None = None) -> Profile:
    """The profile a data folder is: Live for the base, a named one under ``profiles/``, else a folder of its own."""
    folder = Path(folder).expanduser().resolve()
    base = Path(base if base is not None else base_folder()).resolve()
    if folder == base:
        return Profile(DEFAULT_PROFILE, folder)
    if folder.parent == profiles_folder(base) and _is_name(folder.name):
        return Profile(folder.name, folder)
    return Profile(str(folder), folder, named=False)


def last_used(base: Path) -> str | None:
    """The name of the profile the app opened last, if it is still there."""
    try:
        raw = json.loads((profiles_folder(base) / CHOICE_FILENAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    name = raw.get("last_used") if isinstance(raw, dict) else None
    if not isinstance(name, str):
        return None
    try:
        return find_profile(base, name).name
    except ProfileError:
        return None


def remember(base: Path, profile: Profile) -> None:
    """Keep the profile as the one to offer first next time (only once there is more than one)."""
    if not profile.named or (profile.name == DEFAULT_PROFILE and not profiles_folder(base).is_dir()):
        return
    folder = profiles_folder(base)
    with contextlib.suppress(OSError):  # only a convenience: a start never fails for it
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".profiles-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"last_used": profile.name}, stream)
            os.replace(temporary, folder / CHOICE_FILENAME)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            raise


def choose_folder(data_dir: str | None, profile: str | None) -> Path:
    """The data folder a command uses: ``--profile`` within the base data folder, or ``--data-dir`` as it is.

    ``--data-dir`` and ``--profile`` together are refused: --data-dir names one folder exactly, and a
    profile is a folder ct-desktop keeps under the usual one.
    """
    if data_dir is not None and profile is not None:
        raise ProfileError("give --profile or --data-dir, not both: --data-dir names the data folder itself, "
                           "--profile one of the profiles kept under the usual data folder")
    if profile is not None:
        return find_profile(base_folder(), profile).folder
    return resolve_data_dir(data_dir)


def _is_name(text: str) -> bool:
    return len(text) <= MAX_NAME and _NAME.fullmatch(text) is not None and text.lower() not in _RESERVED
