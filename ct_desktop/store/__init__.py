"""The local store: the only part of ct-desktop that writes SQL.

``open_store()`` gives a Store over the database in the data folder; the app, the command line and
the sync engine all go through it. See ``schema.py`` for the tables and ``database.py`` for how the
file is opened, kept durable and protected from damage.
"""

from ct_desktop.store import backups
from ct_desktop.store.errors import (
    LifecycleError,
    OutboxItemGone,
    StoreError,
    StoreUnreadable,
    UnknownLocation,
    ValuesRefused,
    WrongTracker,
)
from ct_desktop.store.locations import LocationUpsert
from ct_desktop.store.store import Store, open_store, who

__all__ = [
    "LifecycleError",
    "LocationUpsert",
    "OutboxItemGone",
    "Store",
    "StoreError",
    "StoreUnreadable",
    "UnknownLocation",
    "ValuesRefused",
    "WrongTracker",
    "backups",
    "open_store",
    "who",
]
