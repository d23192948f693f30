"""``ct-desktop connect [--url URL]``: give this installation the tracker's address and a token;
``ct-desktop disconnect``: forget the token again.

The token is read from standard input when it is not a terminal (``echo $TOKEN | ct-desktop connect
...``), else asked for without echo. It is kept in the operating system's keyring only. The sync
modules (requests, keyring) are imported when the command runs: every start of ct-desktop, the app
included, builds the parser that registers this command.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from ct_desktop.cli.common import CliError
from ct_desktop.paths import resolve_data_dir
from ct_desktop.safe_text import printable
from ct_desktop.settings import SettingsError, load_settings
from ct_desktop.store import StoreError


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "connect",
        parents=[parent],
        help="connect to the tracker with a token, and fetch your locations",
        description="Check the token with the tracker, keep it in the system keyring (never in a file), and "
        "bring in the tracker's locations and recent returns. The token is read from standard input, or "
        "asked for. Exit 0: connected; 2: not connected (the reason is given; nothing was saved).",
    )
    parser.add_argument("--url", metavar="URL",
                        help="the tracker's address, e.g. https://tracker (default: the one connected "
                        "before, to connect again with a new token)")
    parser.set_defaults(run=run)
    leave = subparsers.add_parser(
        "disconnect",
        parents=[parent],
        help="forget the tracker's token on this computer",
        description="Remove the token from the system keyring. Returns stay saved here and queued ones stay "
        "queued: they are sent after ct-desktop connect. The address is kept for connecting again. "
        "Exit 0: no token is kept now; 2: the keyring or the settings cannot be used.",
    )
    leave.set_defaults(run=run_disconnect)


def run_disconnect(args: argparse.Namespace) -> int:
    """Forget the token; say what stays and how to connect again."""
    from ct_desktop.cli.store_session import opened_store
    from ct_desktop.credentials import CredentialsUnavailable, load_token
    from ct_desktop.forms.model import count_text
    from ct_desktop.sync.connection import disconnect

    folder = resolve_data_dir(getattr(args, "data_dir", None))
    try:
        url = load_settings(folder).tracker_url
        if not url:
            print("Not connected to a tracker: no token to forget.")
            return 0
        had_token = load_token(url) is not None
        disconnect(folder)
    except CredentialsUnavailable as exc:
        raise CliError(f"{exc}; the token is still kept: unlock the keyring and run ct-desktop disconnect "
                       "again") from exc
    except SettingsError as exc:
        raise CliError(str(exc)) from exc
    if had_token:
        print(f"Disconnected from {url}: its token is no longer kept on this computer.")
    else:
        print(f"No token for {url} was kept on this computer: nothing to forget.")
    try:
        with opened_store(args) as store:  # the token is forgotten whether or not the store can be read
            queued = sum(1 for item in store.outbox_items() if not item.set_aside_reason)
    except CliError as exc:
        print(f"ct-desktop: the queued returns could not be counted: {exc}", file=sys.stderr)
        return 0
    if queued:
        print(f"{count_text(queued, 'queued return')} {'stays' if queued == 1 else 'stay'} queued: "
              f"sent after ct-desktop connect --url {url}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Connect and list the locations found."""
    from ct_desktop.credentials import CredentialsUnavailable
    from ct_desktop.sync.connection import ConnectError, connect

    folder = resolve_data_dir(getattr(args, "data_dir", None))
    url = args.url or _previous_url(folder)
    token = read_token(url)
    notes: list[str] = []
    try:
        found = connect(folder, url, token, notes=notes.append)
    except (ConnectError, CredentialsUnavailable, SettingsError, StoreError) as exc:
        raise CliError(str(exc)) from exc
    print(f"Connected to {url}: {len(found)} location{'s' if len(found) != 1 else ''} for this token.")
    for location in found:
        where = f"  {location.local_authority}" if location.local_authority else ""
        print(f"  {printable(location.id)}  {location.name}  ({location.service_type}){where}")
    for note in notes:
        print(f"Note: {note}")
    return 0


def read_token(url: str) -> str:
    """The token: standard input when it is piped in, else a prompt that does not echo."""
    try:
        if sys.stdin is None or not sys.stdin.isatty():
            text = sys.stdin.read() if sys.stdin is not None else ""
            token = next((line.strip() for line in text.splitlines() if line.strip()), "")
        else:
            token = getpass.getpass(f"Token for {url}: ").strip()
    except EOFError:
        token = ""
    if not token:
        raise CliError("no token given: pipe it in (echo TOKEN | ct-desktop connect --url URL) or type it "
                       "when asked")
    return token


def _previous_url(folder) -> str:
    try:
        url = load_settings(folder).tracker_url
    except SettingsError as exc:
        raise CliError(str(exc)) from exc
    if not url:
        raise CliError("give the tracker's address: ct-desktop connect --url URL")
    return url
