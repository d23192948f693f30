"""The tracker token, kept only in the operating system's keyring.

Stored under the service ``ct-desktop`` with the tracker URL as the user name, so that two trackers
(a training one and the real one) keep separate tokens. Never written to SQLite, settings or logs.
"""

from __future__ import annotations

import logging
import sys

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

log = logging.getLogger(__name__)

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


# Backends that would not keep the token safely: keyring's null and fail backends keep nothing, and
# keyrings.alt's PlaintextKeyring (which keyring picks on its own once it is installed) keeps it base64
# encoded in a file anyone who can read the user's files can decode.
KEEPS_NOTHING = frozenset({"keyring.backends.null.Keyring", "keyring.backends.fail.Keyring"})
PLAIN_FILE = frozenset({"keyrings.alt.file.PlaintextKeyring"})


def _class_path(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _writing_backend(backend: object) -> object | None:
    # The chainer keeps a password with its first backend (the highest priority); None when it has none.
    if type(backend).__name__ == "ChainerBackend":
        backends = list(getattr(backend, "backends", []))
        return backends[0] if backends else None
    return backend


def keyring_problem(backend: object | None = None) -> str | None:
    """Why the keyring in use (or ``backend``) must not keep the token, in words with what to do; None if it may."""
    ring = _writing_backend(backend if backend is not None else keyring.get_keyring())
    name = _class_path(ring) if ring is not None else "keyring.backends.chainer.ChainerBackend"
    if ring is None or name in KEEPS_NOTHING:
        return f"no keyring to keep the tracker token safely: {what_to_install()} (the keyring found keeps nothing)"
    if name in PLAIN_FILE:
        return (f"the keyring found ({name}) keeps passwords in a plain file, where the tracker token would not be "
                f"safe: uninstall the keyrings.alt package, or {what_to_install()}")
    return None


def _unavailable(exc: Exception) -> CredentialsUnavailable:
    log.warning("no keyring: %s", exc)  # the library's own words go to the log, not to the person
    return CredentialsUnavailable(f"no keyring to keep the tracker token safely: {what_to_install()}")


def _refused(what: str, exc: Exception) -> CredentialsUnavailable:
    log.warning("keyring error (%s): %s: %s", what, type(exc).__name__, exc)
    return CredentialsUnavailable(f"the keyring {what} (it may be locked: unlock it and try again)")


def save_token(tracker_url: str, token: str) -> None:
    """Keep the token for a tracker; raises CredentialsUnavailable when there is no keyring."""
    if not token.strip():
        raise ValueError("the token is empty")
    problem = keyring_problem()
    if problem:
        raise CredentialsUnavailable(problem)
    try:
        keyring.set_password(SERVICE, tracker_url, token.strip())
    except NoKeyringError as exc:
        raise _unavailable(exc) from exc
    except KeyringError as exc:
        raise _refused("refused to keep the token", exc) from exc


def load_token(tracker_url: str) -> str | None:
    """The token for a tracker, or None when there is none (or no keyring to hold one).

    CredentialsUnavailable when the keyring keeps passwords in a plain file: the token is not taken from it.
    """
    ring = _writing_backend(keyring.get_keyring())
    if ring is not None and _class_path(ring) in PLAIN_FILE:
        raise CredentialsUnavailable(str(keyring_problem(ring)))
    try:
        return keyring.get_password(SERVICE, tracker_url)
    except NoKeyringError:
        return None
    except KeyringError as exc:
        raise _refused("could not be read", exc) from exc


def clear_token(tracker_url: str) -> None:
    """Forget the token (after a 401, or on disconnect); nothing happens when there is none."""
    try:
        keyring.delete_password(SERVICE, tracker_url)
    except (PasswordDeleteError, NoKeyringError):
        pass
    except KeyringError as exc:
        raise _refused("could not forget the token", exc) from exc
