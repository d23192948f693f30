"""The tracker token, kept only in the operating system's keyring.

Stored under the service ``ct-desktop`` with the tracker URL as the user name, so that two trackers
(a training one and the real one) keep separate tokens. Never written to SQLite, settings or logs.
"""

from __future__ import annotations

import sys

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

SERVICE = "ct-desktop"


class CredentialsUnavailable(RuntimeError):
    """No usable keyring on this machine; the message says what to install."""


def what_to_install() -> str:
    """Advice, per operating system, for a machine with no usable keyring backend."""
    if sys.platform == "win32":
        return "Windows Credential Manager is not available to this user; sign in with a normal Windows account"
    if sys.platform == "darwin":
        return "the macOS Keychain is not available; unlock it in Keychain Access"
    return ("install and unlock a Secret Service keyring, such as GNOME Keyring (package gnome-keyring) "
            "or KWallet, and start it in your desktop session")


def _unavailable(exc: Exception) -> CredentialsUnavailable:
    return CredentialsUnavailable(f"no keyring to keep the tracker token safely: {what_to_install()} ({exc})")


def save_token(tracker_url: str, token: str) -> None:
    """Keep the token for a tracker; raises CredentialsUnavailable when there is no keyring."""
    if not token.strip():
        raise ValueError("the token is empty")
    try:
        keyring.set_password(SERVICE, tracker_url, token.strip())
    except NoKeyringError as exc:
        raise _unavailable(exc) from exc
    except KeyringError as exc:
        raise CredentialsUnavailable(f"the keyring refused to keep the token: {exc}") from exc


def load_token(tracker_url: str) -> str | None:
    """The token for a tracker, or None when there is none (or no keyring to hold one)."""
    try:
        return keyring.get_password(SERVICE, tracker_url)
    except NoKeyringError:
        return None
    except KeyringError as exc:
        raise CredentialsUnavailable(f"the keyring could not be read: {exc}") from exc


def clear_token(tracker_url: str) -> None:
    """Forget the token (after a 401, or on disconnect); nothing happens when there is none."""
    try:
        keyring.delete_password(SERVICE, tracker_url)
    except (PasswordDeleteError, NoKeyringError):
        pass
    except KeyringError as exc:
        raise CredentialsUnavailable(f"the keyring could not forget the token: {exc}") from exc
