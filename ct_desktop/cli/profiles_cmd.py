"""``ct-desktop profiles [list | add NAME] [--json]``: the named data folders, and a new one.

Live is the data folder itself; each other profile is a folder under its ``profiles/`` (see
ct_desktop/profiles.py). Every other command takes ``--profile NAME`` to work in one.
"""

from __future__ import annotations

import argparse

from ct_desktop.cli.common import CliError, print_json
from ct_desktop.profiles import Profile, ProfileError, add_profile, base_folder, last_used, list_profiles
from ct_desktop.safe_text import printable
from ct_desktop.settings import SettingsError, load_settings

ACTIONS = ("list", "add")


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "profiles",
        parents=[parent],
        help="list the profiles (Live, Training...), or add one",
        description="list: each profile with its data folder and the tracker it is connected to. add NAME: "
        "make a new, empty profile (letters, digits, spaces, '-' and '_'); connect it with "
        "ct-desktop --profile NAME connect --url URL. Live is the data folder itself.",
    )
    parser.add_argument("action", nargs="?", default="list", choices=ACTIONS, metavar="list|add",
                        help="what to do (default: list)")
    parser.add_argument("name", nargs="?", metavar="NAME", help="the new profile's name, for add")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(run=run, uses_data_folder=False)


def run(args: argparse.Namespace) -> int:
    """List the profiles, or add one."""
    if getattr(args, "data_dir", None) is not None or getattr(args, "profile", None) is not None:
        raise CliError("ct-desktop profiles works on the usual data folder and takes neither --data-dir nor "
                       "--profile (set CT_DESKTOP_DATA_DIR to use another)")
    base = base_folder()
    if args.action == "add":
        if args.name is None:
            raise CliError("give the new profile's name: ct-desktop profiles add NAME (e.g. Training)")
        try:
            profile = add_profile(base, args.name)
        except ProfileError as exc:
            raise CliError(str(exc)) from exc
        if args.json:
            print_json(_row(profile, None))
        else:
            print(f"Added the profile {profile.name}: {profile.folder}")
            print(f"Connect it to its tracker: ct-desktop --profile {_quoted(profile.name)} connect --url URL")
        return 0
    if args.name is not None:
        raise CliError(f"'profiles list' takes no name (given: {printable(args.name)}); to add one: "
                       "ct-desktop profiles add NAME")
    chosen = last_used(base)
    rows = [_row(profile, chosen) for profile in list_profiles(base)]
    if args.json:
        print_json(rows)
        return 0
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        tracker = row["tracker_url"] or row["problem"] or "not connected"
        last = "  (opened last in the app)" if row["last_used"] else ""
        print(f"{row['name']:<{width}}  {tracker}  {row['folder']}{last}")
    return 0


def _row(profile: Profile, chosen: str | None) -> dict:
    tracker, problem = None, None
    try:
        tracker = load_settings(profile.folder).tracker_url
    except SettingsError:
        problem = "settings cannot be read"
    return {"name": profile.name, "folder": str(profile.folder), "tracker_url": tracker,
            "last_used": profile.name == chosen, "problem": problem}


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name else name
