"""`ct-desktop doctor`: the version, data folder, keyring and Qt as this computer offers them."""

from __future__ import annotations

import importlib
import json
import sys

import pytest
from keyring.backends import fail

from ct_desktop import __version__
from ct_desktop.cli import doctor_cmd, main

KEYRING_OWN_BACKENDS = {"Windows", "macOS", "SecretService", "KWallet", "libsecret", "chainer"}


def doctor_json(capsys, *options: str) -> tuple[int, dict]:
    code = main(["doctor", "--json", *options])
    return code, json.loads(capsys.readouterr().out)


def test_the_report_names_version_data_folder_keyring_and_qt(capsys, isolated_data_dir):
    pytest.importorskip("PySide6")
    code, report = doctor_json(capsys)
    assert code == 0, report["problems"]
    assert report["version"] == __version__
    assert report["frozen"] is False
    assert report["data_dir"] == {"path": str(isolated_data_dir), "exists": False, "writable": False,
                                  "database": False, "problem": None}
    assert report["keyring"]["backend"] == "keyring_backend.FileTestKeyring"  # the tests' own (conftest)
    found = {entry["name"]: entry["error"] for entry in report["keyring"]["found"]}
    assert set(found) >= KEYRING_OWN_BACKENDS
    assert all(error is None for error in found.values())
    assert "offscreen" in report["qt"]["platforms"]
    assert report["qt"]["needed"] == ["offscreen"]  # QT_QPA_PLATFORM, set by conftest
    assert report["problems"] == []


def test_it_looks_at_the_data_folder_without_creating_it(capsys, tmp_path):
    chosen = tmp_path / "not-yet"
    doctor_json(capsys, "--data-dir", str(chosen))
    assert not chosen.exists()


def test_no_keyring_is_a_problem_with_advice(capsys, test_keyring):
    import keyring

    keyring.set_keyring(fail.Keyring())  # the conftest fixture puts the previous one back
    code, report = doctor_json(capsys)
    assert code == 1
    assert report["keyring"]["backend"] == doctor_cmd.NO_KEYRING
    assert report["problems"][0].startswith("no keyring to keep the tracker token:")


def test_a_keyring_that_cannot_be_loaded_is_a_problem(capsys, monkeypatch):
    def broken():
        raise ModuleNotFoundError("No module named 'gone'")

    import keyring

    monkeypatch.setattr(keyring, "get_keyring", broken)
    code, report = doctor_json(capsys)
    assert code == 1
    assert report["keyring"]["backend"] is None
    assert report["problems"] == ["the keyring cannot be used: ModuleNotFoundError: No module named 'gone'"]


def test_without_qt_the_window_cannot_open(capsys, monkeypatch):
    real_import = importlib.import_module

    def no_qt(name, package=None):
        if name.startswith(("PySide6", "shiboken6")):
            raise ImportError(f"No module named '{name}'")
        return real_import(name, package)

    # importlib is shared: everything but Qt must still load (the command line imports its commands).
    monkeypatch.setattr(doctor_cmd.importlib, "import_module", no_qt)
    code, report = doctor_json(capsys)
    assert code == 1
    assert report["qt"]["version"] is None
    assert report["problems"] == ["Qt (PySide6) cannot be loaded, so the window cannot open: "
                                  "No module named 'PySide6'"]


@pytest.mark.parametrize(("variable", "platform", "expected"), [
    ("", "win32", ("windows",)),
    ("", "darwin", ("cocoa",)),
    ("", "linux", ("xcb", "wayland")),
    ("offscreen", "linux", ("offscreen",)),
    ("windows:darkmode=2", "win32", ("windows",)),
    ("wayland;xcb", "linux", ("wayland",)),
])
def test_the_platform_plugin_needed(monkeypatch, variable, platform, expected):
    monkeypatch.setenv("QT_QPA_PLATFORM", variable)
    monkeypatch.setattr(sys, "platform", platform)
    assert doctor_cmd._platforms_needed() == expected


def test_the_text_report(capsys, isolated_data_dir):
    pytest.importorskip("PySide6")
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"ct-desktop {__version__} (Python ")
    assert out[1] == f"Data folder: {isolated_data_dir} (not created yet; database not yet made)"
    assert out[2] == "Keyring: keyring_backend.FileTestKeyring"
    assert out[3].startswith("  backends found: ") and "SecretService" in out[3]
    assert out[5].startswith("Qt: ")
    assert out[-1] == "No problems found."


def test_the_platform_plugin_that_qt_would_load_loads(capsys, isolated_data_dir):
    pytest.importorskip("PySide6")
    _, report = doctor_json(capsys)
    assert report["qt"]["loads"] == {"offscreen": True}
    assert report["qt"]["missing_libraries"] == {}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds an ELF plugin with the C compiler")
def test_a_plugin_missing_a_system_library_is_named_with_its_package(tmp_path, monkeypatch):
    import shutil
    import subprocess

    if not shutil.which("cc"):
        pytest.skip("no C compiler to build a stand-in plugin")
    # A stand-in platform plugin that needs a library which is then taken away, as libqxcb.so needs
    # libxcb-icccm.so.4 on a computer without the libxcb-icccm4 package.
    (tmp_path / "dep.c").write_text("int ct_dep(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text("int ct_dep(void);\nint ct_plugin(void) { return ct_dep(); }\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", tmp_path / "libxcb-ctgone.so.4", tmp_path / "dep.c",
                    "-Wl,-soname,libxcb-ctgone.so.4"], check=True)
    plugin = tmp_path / "libqxcb.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", plugin, tmp_path / "plugin.c", tmp_path / "libxcb-ctgone.so.4"],
                   check=True)
    (tmp_path / "libxcb-ctgone.so.4").unlink()

    assert doctor_cmd.plugin_missing_libraries(plugin) == ["libxcb-ctgone.so.4"]
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    problem = doctor_cmd._plugin_problem({"xcb": ["libxcb-ctgone.so.4"], "wayland": []})
    assert problem == ("the Qt platform plugin xcb cannot load, so the window cannot open: missing "
                       "libxcb-ctgone.so.4; on Debian or Ubuntu: sudo apt install libxcb-ctgone4")


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-icccm.so.4", "libxcb-icccm4"), ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"), ("libEGL.so.1", "libegl1"),
    ("libdbus-1.so.3", "libdbus-1-3"), ("libglib-2.0.so.0", "libglib2.0-0"),
])
def test_the_package_named_for_a_missing_library(soname, package):
    assert doctor_cmd.debian_package(soname) == package
