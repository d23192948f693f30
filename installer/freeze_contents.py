"""What belongs in the frozen build of ct-desktop, and what must stay out.

Read by the PyInstaller spec and hooks (to build) and by installer/build.py (to check the built
folder), so they can never disagree. Only trimmed_qt_hook() imports PyInstaller: build.py uses the
rest without it.
"""

from __future__ import annotations

import os
import re

# keyring loads its backends from entry points (see the spec); the modules behind them are named here
# too, because PyInstaller's analysis cannot follow an entry point. Each one only becomes the keyring
# in use on its own operating system; on the others it stays, unused, as a few kilobytes of bytecode.
KEYRING_BACKENDS = [
    "keyring.backends.Windows",  # Windows Credential Manager (through win32ctypes)
    "keyring.backends.macOS",  # macOS Keychain
    "keyring.backends.SecretService",  # GNOME Keyring / KeePassXC and others, through D-Bus (jeepney)
    "keyring.backends.kwallet",  # KDE Wallet (needs dbus-python, when installed)
    "keyring.backends.libsecret",  # libsecret through gi (PyGObject, when installed)
    "keyring.backends.chainer",  # the backend that tries the others in turn
    "keyring.backends.fail",  # what keyring falls back to: "no recommended backend"
    "keyring.backends.null",  # the documented way to switch the keyring off
]

# Modules imported by name at run time, invisible to the analysis.
LAZY_IMPORTS = [
    # holidays loads each country's calendar on first use (importlib); ct-desktop asks only for the
    # United Kingdom (England & Wales bank holidays decide the due date).
    "holidays.countries.united_kingdom",
]
# The same, when installed: zoneinfo reads time zones from the tzdata package by name where the
# system has no time zone database (Windows, where tzdata is a dependency of ct-desktop). Without
# it, Europe/London, and with it every due date, would be unknown.
OPTIONAL_LAZY_IMPORTS = ["tzdata"]

# The Qt modules ct-desktop uses: grep "from PySide6" ct_desktop/ui. QtNetwork is there only for
# QNetworkInformation (is the computer online?); HTTP goes through requests.
QT_MODULES_USED = ("QtCore", "QtGui", "QtWidgets", "QtNetwork")

# The other PySide6 modules, excluded by name so that nothing (a hook, a stray import) brings them in.
QT_MODULES_EXCLUDED = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender", "QtAxContainer",
    "QtBluetooth", "QtCanvasPainter", "QtCharts", "QtConcurrent", "QtDBus", "QtDataVisualization",
    "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLocation", "QtMultimedia",
    "QtMultimediaWidgets", "QtNetworkAuth", "QtNfc", "QtOpenGL", "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets",
    "QtPositioning", "QtPrintSupport", "QtQml", "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest",
    "QtQuickWidgets", "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort",
    "QtSpatialAudio", "QtSql", "QtStateMachine", "QtSvg", "QtSvgWidgets", "QtTest", "QtTextToSpeech",
    "QtUiTools", "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets",
    "QtWebSockets", "QtWebView", "QtXml",
)

# Python packages that are installed beside ct-desktop but are not part of the app: the test tools,
# the reference tracker server (ct_tracker with FastAPI and its docs page's files, uvicorn, starlette, pydantic) and Tk.
PACKAGES_EXCLUDED = (
    "ct_tracker", "fastapi", "fastapi_offline", "uvicorn", "starlette", "pydantic", "pydantic_core", "anyio",
    "pytest", "_pytest", "pytestqt", "hypothesis", "ruff", "PyInstaller",
    "tkinter", "_tkinter", "unittest", "pydoc_data", "lib2to3", "idlelib", "ensurepip", "venv",
    "setuptools", "pkg_resources", "pip",
)

EXCLUDED_MODULES = [*PACKAGES_EXCLUDED, *(f"PySide6.{name}" for name in QT_MODULES_EXCLUDED)]

# Qt plugins kept, per plugin folder (file names without "lib", extension or debug suffix); a folder
# not listed is left out whole. Everything else a Qt hook collects is for Qt Quick, OpenGL, printing,
# SQL, embedded Linux (eglfs, linuxfb, evdev), Wayland or TLS inside Qt, none of which the app uses.
QT_PLUGINS_KEPT = {
    # windows, cocoa, xcb: the desktops; offscreen, minimal: tests and diagnosis without a display.
    # Wayland sessions run the app through XWayland (xcb), which every Wayland desktop provides.
    "platforms": {"qwindows", "qcocoa", "qxcb", "qoffscreen", "qminimal"},
    "platforms/darwin": "*",
    "xcbglintegrations": "*",  # xcb looks for them on start
    # Native file dialogs and colours on Linux desktops through the XDG portal (D-Bus only). Not the
    # GTK 3 theme: it would bundle the build machine's GTK, Pango and Cairo, which then clash with
    # the user's own GTK.
    "platformthemes": {"qxdgdesktopportal"},
    # Typing accents and other characters through the system's input method on Linux (not the
    # Qt Quick virtual keyboard, which would bring all of Qt Quick along).
    "platforminputcontexts": {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"},
    "styles": "*",  # the native look: windows11 / windowsvista on Windows, macos on macOS
    # .ico and .svg: window and theme icons. PNG, BMP and XPM are built into QtGui; the app shows no
    # photos, so JPEG, GIF, TIFF, WebP, TGA, WBMP, ICNS and PDF readers are left out.
    "imageformats": {"qico", "qsvg"},
    "iconengines": {"qsvgicon"},
    "networkinformation": "*",  # is the computer online? (Windows, macOS, NetworkManager, glib, connman)
}

# Qt libraries that only the dropped plugins or modules need. Matched against the start of the Qt
# library name (Qt6Quick.dll, libQt6QuickControls2Basic.so.6, QtQuick.framework).
QT_LIBRARIES_EXCLUDED = (
    "3D", "Bluetooth", "CanvasPainter", "Charts", "Concurrent", "DataVisualization", "Designer", "EglFS",
    "EglFsKms", "Graphs", "Help", "HttpServer", "Labs", "Location", "Lottie", "Multimedia", "NetworkAuth",
    "Nfc", "OpenGLWidgets", "Pdf", "Positioning", "PrintSupport", "Qml", "Quick", "RemoteObjects", "Scxml",
    "Sensors", "SerialBus", "SerialPort", "ShaderTools", "SpatialAudio", "Sql", "StateMachine", "Test",
    "TextToSpeech", "UiTools", "VirtualKeyboard", "Wayland", "Wl", "WebChannel", "WebEngine", "WebSockets",
    "WebView", "Xml",
)

# Windows only: Qt's software OpenGL renderer (about 20 MB), a fallback for OpenGL and Qt Quick on
# machines without graphics drivers; a widgets app draws without OpenGL.
OTHER_FILES_EXCLUDED = ("opengl32sw.dll",)

_PLUGIN = re.compile(r"(?:^|/)plugins/(?P<folder>.+)/(?P<file>[^/]+)$")
_QT_LIBRARY = re.compile(r"(?:^|/)(?:lib)?Qt6(?P<so>[A-Za-z0-9]+)\.(?:so|dll|dylib)|(?:^|/)Qt(?P<fw>[A-Za-z0-9]+)"
                         r"\.framework(?:/|$)")
_QT_TRANSLATION = re.compile(r"(?:^|/)PySide6/(?:Qt/)?translations/")
_PYSIDE_EXTENSION = re.compile(r"(?:^|/)PySide6/(?P<module>Qt[A-Za-z0-9]+)\.(?:abi3\.so|pyd|so)$")


def plugin_stem(file_name: str) -> str:
    """A Qt plugin's name without "lib", extension or debug suffix: libqxcb.so and qxcb.dll are qxcb."""
    stem = file_name.split(".", 1)[0]
    return stem.removeprefix("lib")


def qt_library_name(path: str) -> str | None:
    """The Qt module of a Qt library path ("Quick" for .../libQt6Quick.so.6), or None for other files."""
    match = _QT_LIBRARY.search(path.replace("\\", "/"))
    if match is None:
        return None
    return match.group("so") or match.group("fw")


def keep_in_build(path: str) -> bool:
    """Whether a file collected by PyInstaller (its path inside the build) belongs in ct-desktop."""
    path = path.replace("\\", "/")
    if path.rsplit("/", 1)[-1].lower() in OTHER_FILES_EXCLUDED:
        return False
    # Qt's own translations: the app is in English only, so Qt's buttons stay in English too
    # rather than half of a dialog following the computer's language.
    if _QT_TRANSLATION.search(path):
        return False
    plugin = _PLUGIN.search(path)
    if plugin and "PySide6/" in path:
        kept = QT_PLUGINS_KEPT.get(plugin.group("folder"))
        return kept == "*" or (kept is not None and plugin_stem(plugin.group("file")) in kept)
    # Qt libraries sit in PySide6/ and, on Linux and macOS, are also linked from the top of the
    # folder: both the library and its link must go.
    library = qt_library_name(path)
    if library:
        return not library.startswith(QT_LIBRARIES_EXCLUDED)
    return True


def pyside_extension_module(path: str) -> str | None:
    """The PySide6 module of an extension file in the build ("QtCore" for PySide6/QtCore.pyd), or None."""
    match = _PYSIDE_EXTENSION.search(path.replace("\\", "/"))
    return match.group("module") if match else None


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """Four numbers for the Windows version resource: "0.1.0" is (0, 1, 0, 0); "1.2rc1" is (1, 2, 0, 0)."""
    release = re.match(r"\d+(?:\.\d+)*", version)  # a pre-release or local suffix has no place there
    numbers = [int(part) for part in release.group().split(".")[:4]] if release else []
    numbers += [0] * (4 - len(numbers))
    return (numbers[0], numbers[1], numbers[2], numbers[3])


def trimmed_qt_hook(hook_file: str) -> tuple[list, list, list]:
    """What PyInstaller's own hook for a PySide6 module collects, less the Qt plugins not kept.

    Used by installer/hooks/: a plugin dropped here is never analysed, so the libraries it alone
    needs (Qt Quick for the virtual keyboard, GTK for the GTK theme, Wayland...) never come in.
    """
    from PyInstaller.utils.hooks.qt import add_qt6_dependencies

    hiddenimports, binaries, datas = add_qt6_dependencies(hook_file)
    binaries = [(source, folder) for source, folder in binaries
                if keep_in_build(f"{folder}/{os.path.basename(source)}")]
    return hiddenimports, binaries, datas
