"""What the frozen build keeps and drops (installer/freeze_contents.py), for the paths of every system.

The build test runs on one system only; these paths are how PyInstaller lays out PySide6 on
Windows, macOS and Linux, so a Windows-only mistake in the rules shows up here too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "installer"))
import freeze_contents as contents  # installer/ is not a package: put on sys.path just above


@pytest.mark.parametrize("path", [
    "PySide6/plugins/platforms/qwindows.dll",
    "PySide6/plugins/styles/qmodernwindowsstyle.dll",
    "PySide6/plugins/networkinformation/qnetworklistmanager.dll",
    "PySide6/plugins/imageformats/qico.dll",
    "PySide6/Qt6Widgets.dll",
    "PySide6/QtNetwork.pyd",
    "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
    "PySide6/Qt/lib/QtGui.framework/Versions/A/QtGui",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
    "PySide6/Qt/lib/libQt6XcbQpa.so.6",
    "libQt6Core.so.6",
    "ct_desktop/forms/definitions/care_home-2025.toml",
    "keyring-25.7.0.dist-info/entry_points.txt",
])
def test_kept(path):
    assert contents.keep_in_build(path)


@pytest.mark.parametrize("path", [
    "PySide6/plugins/tls/qschannelbackend.dll",
    "PySide6/plugins/platforms/qdirect2d.dll",
    "PySide6/plugins/imageformats/qjpeg.dll",
    "PySide6/plugins/printsupport/windowsprintersupport.dll",
    "PySide6/Qt6Quick.dll",
    "PySide6/Qt6Pdf.dll",
    "opengl32sw.dll",
    "PySide6\\translations\\qtbase_de.qm",
    "PySide6/Qt/lib/QtQml.framework/Versions/A/QtQml",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/translations/qt_fr.qm",
    "libQt6WaylandClient.so.6",
    "PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6",
])
def test_dropped(path):
    assert not contents.keep_in_build(path)


@pytest.mark.parametrize(("path", "module"), [
    ("PySide6/QtCore.pyd", "QtCore"),
    ("PySide6/QtWidgets.abi3.so", "QtWidgets"),
    ("PySide6/Qt/lib/libQt6Core.so.6", None),
    ("shiboken6/Shiboken.pyd", None),
])
def test_pyside_extension_modules(path, module):
    assert contents.pyside_extension_module(path) == module


@pytest.mark.parametrize(("version", "numbers"), [
    ("0.1.0", (0, 1, 0, 0)),
    ("1.2rc1", (1, 2, 0, 0)),
    ("0.1.0.dev3+g1a2b", (0, 1, 0, 0)),
    ("2", (2, 0, 0, 0)),
    ("1.2.3.4.5", (1, 2, 3, 4)),
])
def test_version_numbers_for_windows(version, numbers):
    assert contents.version_tuple(version) == numbers


def test_the_qt_modules_used_are_those_the_ui_imports():
    ui = Path(__file__).resolve().parents[1] / "ct_desktop" / "ui"
    # Imports inside functions count too (QtNetwork is imported when the sync controller needs it).
    imported = {line.split()[1].split(".")[1] for path in ui.rglob("*.py")
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.lstrip().startswith("from PySide6.Qt")}
    assert imported == set(contents.QT_MODULES_USED)
    assert not imported & set(contents.QT_MODULES_EXCLUDED)
