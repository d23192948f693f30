"""The token lives in the keyring only; a machine without one gets told what to install."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import keyring
import pytest
from keyring.backends import fail

from ct_desktop.credentials import CredentialsUnavailable, clear_token, load_token, save_token, what_to_install

URL = "http://127.0.0.1:8765"


def test_a_token_is_kept_per_tracker_url_and_can_be_forgotten():
    save_token(URL, "  secret-token \n")
    save_token("http://127.0.0.1:9999", "training-token")
    assert load_token(URL) == "secret-token"
    assert load_token("http://127.0.0.1:9999") == "training-token"
    clear_token(URL)
    assert load_token(URL) is None
    clear_token(URL)  # forgetting twice is harmless


def test_the_test_keyring_is_the_one_in_use(test_keyring):
    assert keyring.get_keyring() is test_keyring


def test_an_empty_token_is_refused():
    with pytest.raises(ValueError, match="the token is empty"):
        save_token(URL, "   ")


def test_no_keyring_backend_gives_a_clear_message_naming_what_to_install():
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(CredentialsUnavailable,
                       match=re.escape(f"no keyring to keep the tracker token safely: {what_to_install()}")):
        save_token(URL, "secret")
    assert load_token(URL) is None
    clear_token(URL)


def test_a_keyring_that_fails_says_what_to_do_in_plain_words_not_the_librarys(monkeypatch):
    from keyring.errors import KeyringError, NoKeyringError

    def locked(*_args):
        raise KeyringError("org.freedesktop.DBus.Error.ServiceUnknown: The name is not activatable")

    def absent(*_args):
        raise NoKeyringError("No recommended backend was available. Install a recommended 3rd party backend")

    monkeypatch.setattr(keyring, "set_password", locked)
    with pytest.raises(CredentialsUnavailable) as refused:
        save_token(URL, "secret")
    assert "DBus" not in str(refused.value) and "it may be locked" in str(refused.value)
    monkeypatch.setattr(keyring, "set_password", absent)
    with pytest.raises(CredentialsUnavailable) as missing:
        save_token(URL, "secret")
    assert "recommended backend" not in str(missing.value)
    assert str(missing.value).startswith("no keyring to keep the tracker token safely: ")


@pytest.mark.parametrize(("platform", "advice"), [
    ("win32", "Windows Credential Manager is not available to this user; sign in with a normal Windows account"),
    ("darwin", "the macOS Keychain is not available; unlock it in Keychain Access"),
    ("linux", "install and unlock a Secret Service keyring, such as GNOME Keyring (package gnome-keyring) or KWallet, "
              "and start it in your desktop session"),
])
def test_the_advice_for_a_missing_keyring_is_the_systems_own(monkeypatch, platform, advice):
    monkeypatch.setattr(sys, "platform", platform)
    assert what_to_install() == advice


@pytest.mark.skipif(sys.platform != "win32", reason="Windows Credential Manager")
def test_on_windows_the_token_is_kept_by_the_credential_manager():
    # The keyring the app finds on its own (no test keyring named): Credential Manager, not a file.
    env = {name: value for name, value in os.environ.items()
           if name not in ("PYTHON_KEYRING_BACKEND", "CT_TEST_KEYRING_FILE")}
    doctor = subprocess.run([sys.executable, "-m", "ct_desktop", "doctor", "--json"], env=env, capture_output=True,
                            text=True, timeout=120)
    report = json.loads(doctor.stdout)
    assert report["keyring"]["backend"] == "keyring.backends.Windows.WinVaultKeyring", doctor.stderr
    assert report["keyring"]["problem"] is None
    from keyring.backends.Windows import WinVaultKeyring

    keyring.set_keyring(WinVaultKeyring())  # the test_keyring fixture puts the previous one back
    url = f"http://127.0.0.1:{os.getpid()}"  # an entry of this test's own
    save_token(url, "a token for Windows")
    assert load_token(url) == "a token for Windows"
    clear_token(url)
    assert load_token(url) is None
