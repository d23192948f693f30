# Replaces PyInstaller's hook for PySide6.QtCore (hooks given in the spec's hookspath come first): the
# same files, less the Qt plugins ct-desktop does not use; see installer/freeze_contents.py.
from freeze_contents import trimmed_qt_hook

hiddenimports, binaries, datas = trimmed_qt_hook(__file__)
