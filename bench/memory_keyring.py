"""A keyring backend that keeps secrets in this process's memory only, for the sync benchmark.

The sync benchmark connects and syncs in this process, through the same functions as
`ct-desktop connect` and `ct-desktop sync` (which keep and read the token with the keyring module).
Installing this backend with keyring.set_keyring() before they run means the bench token never
reaches the user's real keyring, and is gone when the benchmark ends.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Secrets in a dict: nothing written anywhere."""

    priority = 1  # never chosen by keyring's own discovery: only when installed explicitly

    def __init__(self) -> None:
        super().__init__()
        self._secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._secrets.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")
