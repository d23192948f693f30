"""One data folder, one tracker: which queued returns are for another tracker, and how to say so.

No HTTP and no keyring, so that the settings dialog can check an address change without loading them.
"""

from __future__ import annotations

from ct_desktop.models import OutboxItem
from ct_desktop.safe_text import printable
from ct_desktop.store import Store

CLI_ADVICE = ("send them first (ct-desktop sync), or dismiss them unsent (ct-desktop outbox dismiss ID --waiting, "
              "the numbers as ct-desktop outbox lists them; each return stays saved, as a draft), or keep the "
              "other tracker in a profile of its own (ct-desktop profiles add NAME, then ct-desktop --profile NAME "
              "connect --url URL)")
APP_ADVICE = ("send them first (Send now), or dismiss them unsent (Dismiss… on the location's card; the return "
              "stays saved, as a draft), or keep the other tracker in a profile of its own (File → New profile…)")


def returns_for_another_tracker(store: Store, connected_url: str | None, new_url: str) -> list[OutboxItem]:
    """The outbox items (set aside or not) that are for another tracker than ``new_url``.

    An item not bound to a tracker yet is for the one the folder is connected to, if any.
    """
    return [item for item in store.outbox_items()
            if (item.tracker_url or connected_url) not in (None, new_url)]


def waiting_text(items: list[OutboxItem], tracker_url: str, new_url: str, what_to_do: str) -> str:
    """One line: how many returns wait for which tracker (which locations and months), and what to do."""
    count = len(items)
    which = ", ".join(f"{printable(item.location_id)} {item.period.label}" for item in items[:5])
    more = f" and {count - 5} more" if count > 5 else ""
    return (f"{count} return{'s' if count != 1 else ''} of this data folder {'wait' if count != 1 else 'waits'} "
            f"for the tracker at {tracker_url} ({which}{more}); a data folder sends to one tracker only, so it "
            f"was not connected to {new_url}: {what_to_do}; nothing was saved")
