# Replaces PyInstaller's hook for PySide6.QtNetwork (hooks given in the spec's hookspath come first): the
# same files, less the Qt plugins ct-desktop does not use; see installer/freeze_contents.py.
# Unlike PyInstaller's hook, no OpenSSL for Qt: ct-desktop speaks HTTPS through requests (Python's own
# ssl module, collected with Python); QtNetwork is used only to ask whether the computer is online.
from freeze_contents import trimmed_qt_hook

hiddenimports, binaries, datas = trimmed_qt_hook(__file__)
