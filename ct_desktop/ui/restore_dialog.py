"""File > Restore from backup…: choose a backup in the data folder's backups/, confirm naming its time.

The restore itself is the app's (ct_desktop/ui/session.py): it closes the window and its store, puts the
backup in place (ct_desktop/store/backups.py checks it first) and opens the window again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ct_desktop.store import backups


def choose_backup(parent: QWidget, data_dir: Path) -> Path | None:
    """A file dialog on the backups folder; the file chosen, or None."""
    folder = backups.backups_folder(data_dir)
    start = folder if folder.is_dir() else Path(data_dir)
    chosen, _ = QFileDialog.getOpenFileName(parent, "Restore from backup", str(start),
                                            "ct-desktop backups (*.db);;All files (*)")
    return Path(chosen) if chosen else None


def confirmation_text(backup: backups.Backup) -> str:
    """What the person is asked before a restore."""
    return (f"Restore the backup of {backup.label}?\n\nThe saved returns go back to how they were then. "
            "Changes made since stay only in the current database, which is kept aside in the data folder "
            "(ct-desktop.db.before-restore-…). The backup is checked before anything is replaced.")


def confirm_restore(parent: QWidget, backup: backups.Backup) -> bool:
    """Ask before restoring; True to go on."""
    answer = QMessageBox.question(parent, "Restore from backup", confirmation_text(backup),
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes
