"""Connecting this installation to a tracker: check the address and token, keep them, learn the locations.

The token goes to the operating system's keyring only (ct_desktop.credentials); the settings keep the
tracker's address. Nothing is saved until the tracker has accepted the token.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ct_desktop.credentials import clear_token, load_token, save_token
from ct_desktop.models import Location, OutboxItem
from ct_desktop.paths import resolve_data_dir
from ct_desktop.period import Period
from ct_desktop.safe_text import printable
from ct_desktop.settings import load_settings, save_settings
from ct_desktop.store import Store, StoreError, open_store
from ct_desktop.sync.address import TrackerUrlError, canonical_tracker_url
from ct_desktop.sync.binding import APP_ADVICE, CLI_ADVICE, returns_for_another_tracker, waiting_text
from ct_desktop.sync.client import SyncError, TrackerClient, TransientError, Unauthorized
from ct_desktop.sync.history import pull_history
from ct_desktop.sync.question_sets import fetch_question_sets

CONNECT_HINT = "ct-desktop connect --url URL"
log = logging.getLogger(__name__)


class ConnectError(Exception):
    """Connecting did not work; the message says why in one line, and nothing was saved."""


class OtherTrackerWaiting(ConnectError):
    """Returns of this data folder wait for (or were set aside by) another tracker: connecting is refused.

    ``tracker_url`` is the tracker they are for, ``items`` the outbox items. ``str()`` gives the
    command line's advice, ``app_text()`` the app's.
    """

    def __init__(self, tracker_url: str, new_url: str, items: list[OutboxItem]):
        self.tracker_url = tracker_url
        self.new_url = new_url
        self.items = items
        super().__init__(waiting_text(items, tracker_url, new_url, CLI_ADVICE))

    def app_text(self) -> str:
        """The same refusal with what to do in the app."""
        return waiting_text(self.items, self.tracker_url, self.new_url, APP_ADVICE)


class NotConnected(Exception):
    """No tracker address or no token: the user has to connect (again) before sending."""


def connect(data_dir: str | os.PathLike[str] | None, tracker_url: str, token: str, *,
            notes: Callable[[str], None] | None = None) -> list[Location]:
    """Check the token against the tracker, keep it, and bring the tracker's locations into the store.

    Returns the locations the tracker lists for the token. ConnectError (nothing saved) when the
    address is not usable, the tracker cannot be reached, or it refuses the token;
    CredentialsUnavailable (nothing saved) when there is no keyring to keep the token. Then the
    tracker's question sets new here are fetched and its recent accepted returns recorded (best
    effort). ``notes`` receives one line for each thing worth telling the user (a location not added,
    a service type that differs, a question set refused, history not fetched).
    """
    tell = notes or (lambda line: log.info("%s", line))
    folder = resolve_data_dir(data_dir)
    try:
        url = canonical_tracker_url(tracker_url)
    except TrackerUrlError as exc:
        raise ConnectError(str(exc)) from exc
    token = token.strip()
    if not token or not token.isprintable():
        raise ConnectError("no usable token was given: paste the token the tracker gave you, on one line")
    settings = load_settings(folder)
    with open_store(folder) as store:
        waiting = returns_for_another_tracker(store, settings.tracker_url, url)
        if waiting:
            raise OtherTrackerWaiting(waiting[0].tracker_url or str(settings.tracker_url), url, waiting)
        client = TrackerClient(url, token)
        try:
            found = _fetch_locations(client, url)
            save_token(url, token)
            save_settings(folder, settings.with_changes(tracker_url=url))
            # First: a location of a service type that only the tracker has a question set for can then be added.
            _fetch_question_sets_quietly(store, client, tell)
            stored = _bring_in_locations(store, found, tell)
            _pull_history_quietly(store, client, stored, tell)
        finally:
            client.close()
    return found


def disconnect(data_dir: str | os.PathLike[str] | None) -> None:
    """Forget the token of the connected tracker (its address stays in the settings, for connecting again)."""
    settings = load_settings(resolve_data_dir(data_dir))
    if settings.tracker_url:
        clear_token(settings.tracker_url)


def saved_connection(data_dir: Path) -> tuple[str, str]:
    """The tracker address and token kept for a data folder; NotConnected when either is missing."""
    url = load_settings(data_dir).tracker_url
    if not url:
        raise NotConnected(f"not connected to a tracker: run {CONNECT_HINT}")
    token = load_token(url)
    if not token:
        raise NotConnected(f"no token for the tracker at {url} (the tracker refused it, or it was forgotten): "
                           f"connect again with ct-desktop connect --url {url}")
    return url, token


def _fetch_locations(client: TrackerClient, url: str) -> list[Location]:
    try:
        listed = client.locations()
    except Unauthorized as exc:
        raise ConnectError(f"the tracker at {url} did not accept the token: check it and try again "
                           "(nothing was saved)") from exc
    except TransientError as exc:
        raise ConnectError(f"cannot connect to the tracker at {url}: {exc} (nothing was saved)") from exc
    except SyncError as exc:
        raise ConnectError(f"the tracker at {url} answered unexpectedly: {exc} (nothing was saved)") from exc
    return [_location(entry) for entry in listed]


def _location(entry: dict[str, Any]) -> Location:
    def text(key: str) -> str | None:
        value = entry.get(key)
        if value is None:
            return None
        # Shown in the terminal and the app: a tracker's text never carries control characters there.
        return printable(str(value)).strip() or None

    return Location(id=str(entry["id"]).strip(), name=text("name") or str(entry["id"]),
                    service_type=text("service_type") or "", local_authority=text("local_authority"),
                    region=text("region"))


def _bring_in_locations(store: Store, found: list[Location], tell: Callable[[str], None]) -> list[str]:
    stored = []
    for location in found:
        try:
            result = store.upsert_location(location)
        except StoreError as exc:
            tell(f"{printable(location.id)} {location.name} not added: {exc}")
            continue
        stored.append(location.id)
        if result.service_type_kept:
            tell(f"{location.id} {location.name}: the tracker has it as {result.service_type_kept}, here it is "
                 f"{result.location.service_type} with returns already started; kept as "
                 f"{result.location.service_type} (the tracker will refuse returns of the wrong type)")
    return stored


def _fetch_question_sets_quietly(store: Store, client: TrackerClient, tell: Callable[[str], None]) -> None:
    # Connected already; each sync fetches them again.
    try:
        update = fetch_question_sets(store, client)
    except SyncError as exc:
        tell(f"question sets not fetched from the tracker yet: {exc}; the next sync tries again")
        return
    for service_type, version, month in update.added:
        tell(f"question set {service_type} {version} (in force from {Period.parse(month).label}) fetched from the "
             "tracker")
    for _, _, reason in update.refused:
        tell(f"question set refused, not used: {reason}")


def _pull_history_quietly(store: Store, client: TrackerClient, location_ids: list[str],
                          tell: Callable[[str], None]) -> None:
    # Connected already; the history is a convenience that the next sync fetches again.
    try:
        pull_history(store, client, location_ids)
    except SyncError as exc:
        tell(f"recent returns not fetched from the tracker yet: {exc}; the next sync tries again")
