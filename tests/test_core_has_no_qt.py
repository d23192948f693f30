"""The core (everything outside ct_desktop/ui) must not import Qt: widgets render, the core decides."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE_PACKAGES = [ROOT / "ct_desktop", ROOT / "ct_tracker"]
UI_DIR = ROOT / "ct_desktop" / "ui"


def _core_files() -> list[Path]:
    files = []
    for package in CORE_PACKAGES:
        files += [p for p in package.rglob("*.py") if UI_DIR not in p.parents]
    return files


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_core_module_imports_qt():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _core_files()
        for name in _imported_modules(path)
        if name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"} or name.startswith("ct_desktop.ui")
    ]
    assert offenders == []


def test_running_the_command_line_loads_no_qt():
    code = (
        "import sys, ct_desktop.cli, ct_desktop.forms.validate, ct_desktop.collection_window;"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
