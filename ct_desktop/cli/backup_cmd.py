"""``ct-desktop backup`` and ``ct-desktop restore FILE``: a backup now, and putting one back.

Backups are also made on their own (daily by the app, before every migration); see
ct_desktop/store/backups.py. ``restore`` checks the backup first and keeps the current file aside; it
is refused while the app has the data folder open (the app has File > Restore from backup… for that).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ct_desktop.cli.common import CliError
from ct_desktop.cli.store_session import opened_store
from ct_desktop.paths import DataDirError, ensure_data_dir, resolve_data_dir
from ct_desktop.store import StoreError, backups, open_store


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the two commands to the parser."""
    backup = subparsers.add_parser(
        "backup",
        parents=[parent],
        help="make a backup of the saved returns now",
        description=f"Copy the database into the data folder's {backups.BACKUP_FOLDER}/ folder now and print "
        f"the backup's path. Backups are also made daily by the app and before every upgrade of the "
        f"database; the newest {backups.KEEP} are kept.",
    )
    backup.set_defaults(run=run_backup)
    restore = subparsers.add_parser(
        "restore",
        parents=[parent],
        help="put a backup back in place of the saved returns",
        description="Check the backup (integrity, and that it is ct-desktop's), keep the current database "
        "aside as ct-desktop.db.before-restore-TIME, and put the backup in its place. Refused while the app "
        "has the data folder open.",
    )
    restore.add_argument("file", metavar="FILE", type=Path, help="the backup, e.g. backups/ct-desktop-….db")
    restore.set_defaults(run=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    """Open the store (which checks it), make a backup, print its path."""
    with opened_store(args) as store:
        folder = store.path.parent
    try:
        made = backups.make_backup(folder)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    print(made.path)
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """Restore the backup; say where the replaced file was kept."""
    try:
        folder = ensure_data_dir(resolve_data_dir(getattr(args, "data_dir", None)))
    except DataDirError as exc:
        raise CliError(str(exc)) from exc
    if not args.file.is_file():
        raise CliError(f"there is no backup file {args.file}")
    try:
        restored = backups.restore_backup(folder, args.file)
        open_store(folder).close()  # brought up to this version's schema if the backup is older
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    print(f"Restored the backup of {restored.backup.label} from {args.file}.")
    if restored.kept_aside:
        print(f"The database it replaced was kept as {restored.kept_aside}.")
    return 0
