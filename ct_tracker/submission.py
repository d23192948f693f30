"""A submitted return and an accepted revision, as the tracker keeps them; content hashes and receipts."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Submission:
    """One PUT of a return, checked for shape: what the database is asked to accept.

    ``reviewed_at`` is the ISO 8601 text with its offset, as normalised by the API layer, so that a
    resend in a different spelling of the same moment counts as the same content.
    """

    location_id: str
    period: str
    submission_id: str
    base_revision: int | None
    values: dict[str, Any]
    not_known: list[str]
    no_changes: bool
    reviewed_by: str
    reviewed_at: str
    form_version: str

    def content_sha256(self) -> str:
        """SHA-256 of the canonical JSON of every field, that is everything submitted and where it was sent.

        Location and period are part of it: the same submission id sent to another return is a
        different submission, not a resend.
        """
        # The fields as they are (asdict would deep-copy every answer first): the same JSON, so the same hash.
        fields = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AcceptedRevision:
    """One revision of a return that the tracker accepted, exactly as stored."""

    location_id: str
    period: str
    revision: int
    submission_id: str
    content_sha256: str
    base_revision: int | None
    values: dict[str, Any]
    not_known: list[str]
    no_changes: bool
    reviewed_by: str
    reviewed_at: str
    form_version: str
    accepted_at: str
    receipt: str


def canonical_json(data: Any) -> str:
    """One text per JSON value: sorted keys, no spaces, Unicode kept as is."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def make_receipt(location_id: str, period: str, revision: int, content_sha256: str) -> str:
    """A reference a person can quote on the phone, e.g. ``CT-1-101-2026-09-r2-3FA85F64``.

    The last part comes from the content hash, so a receipt also identifies exactly what was accepted.
    """
    return f"CT-{location_id}-{period}-r{revision}-{content_sha256[:8].upper()}"
