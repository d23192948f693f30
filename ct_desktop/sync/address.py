"""The tracker's address as a user types it: checked, and turned into the API base. No HTTP, no keyring.

Kept apart from the client so that the settings and connect dialogs can check an address as it is
typed without loading requests and keyring, which only connecting and sending need.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

API_PREFIX = "/api/v1"


class TrackerUrlError(ValueError):
    """A tracker URL that cannot be used; the message says why."""


def api_base(tracker_url: str) -> str:
    """The API base from the tracker URL a user typed; refuses plain http except to this machine."""
    text = tracker_url.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise TrackerUrlError(f"'{tracker_url}' is not a web address: it should start with https://")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise TrackerUrlError(
            f"'{tracker_url}' uses plain http: the tracker must be reached over https "
            "(plain http is allowed only to this computer, for training)"
        )
    if parts.query or parts.fragment:
        raise TrackerUrlError(f"'{tracker_url}' should not contain '?' or '#'")
    return text if text.endswith(API_PREFIX) else text + API_PREFIX


def canonical_tracker_url(tracker_url: str) -> str:
    """The tracker's root address as kept in settings and as the keyring key (no trailing /api/v1)."""
    base = api_base(tracker_url)
    return base[: -len(API_PREFIX)]


def is_loopback(host: str) -> bool:
    """Whether a host name is this machine (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
