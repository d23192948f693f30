"""Fetching the tracker's question sets: a new version reaches this installation when it syncs.

Each version the tracker lists whose content this installation does not have (by SHA-256) is
fetched, its text checked against the hash the tracker named, then checked exactly as a built-in
definition is checked at load. Only a definition that passes everything is kept (in the store); one
that fails is refused whole, logged and reported, and asked for again at the next sync.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ct_desktop.forms.catalogue import DefinitionError, UnknownForm
from ct_desktop.location_id import shown
from ct_desktop.safe_text import printable
from ct_desktop.store import Store
from ct_desktop.sync.client import NotFound, TrackerClient

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QuestionSetUpdate:
    """What one fetch did: ``added`` (service type, version, first month YYYY-MM) kept now; ``refused``
    (service type, version, reason) not used."""

    added: tuple[tuple[str, str, str], ...] = ()
    refused: tuple[tuple[str, str, str], ...] = ()


def fetch_question_sets(store: Store, client: TrackerClient) -> QuestionSetUpdate:
    """Fetch and keep every version the tracker lists that is new here; SyncError when the tracker cannot
    be asked (the next sync tries again). A tracker that serves no question sets (404) changes nothing."""
    try:
        listed = client.question_sets()
    except NotFound:
        log.info("the tracker at %s serves no question sets", client.tracker_url)
        return QuestionSetUpdate()
    added: list[tuple[str, str, str]] = []
    refused: list[tuple[str, str, str]] = []
    for entry in listed:
        problem = _listing_problem(entry)
        service_type, version = str(entry.get("service_type", "?")), str(entry.get("version", "?"))
        if problem is None and _have(store, service_type, version, str(entry["content_sha256"])):
            continue
        if problem is None:
            problem = _fetch_one(store, client, service_type, version, str(entry["content_sha256"]), added)
        if problem is not None:
            log.warning("question set %s %s from the tracker refused: %s", service_type, version, problem)
            refused.append((printable(service_type)[:64], printable(version)[:64], problem))
    for service_type, version, month in added:
        log.info("question set %s %s (from %s) fetched from the tracker", service_type, version, month)
    return QuestionSetUpdate(added=tuple(added), refused=tuple(refused))


def _listing_problem(entry: Mapping[str, Any]) -> str | None:
    for key in ("service_type", "version"):
        if not isinstance(entry.get(key), str) or not _NAME_RE.match(entry[key]):
            return f"the tracker listed it without a usable {key}"
    digest = entry.get("content_sha256")
    if not isinstance(digest, str) or not _SHA256_RE.match(digest):
        return "the tracker listed it without a usable content_sha256 (64 hexadecimal digits)"
    return None


def _have(store: Store, service_type: str, version: str, digest: str) -> bool:
    # Identical content (built in, or fetched before) is nothing to do.
    try:
        form = store.catalogue.form_version(service_type, version)
    except UnknownForm:
        return False
    return form.version == version and form.content_sha256 == digest


def _fetch_one(store: Store, client: TrackerClient, service_type: str, version: str, digest: str,
               added: list[tuple[str, str, str]]) -> str | None:
    """Fetch, check and keep one version; why it was refused, or None when it was kept."""
    body = client.question_set(service_type, version)
    if body.get("content_sha256") != digest:
        return (f"the tracker listed it with SHA-256 {digest[:12]}... but served it with "
                f"{shown(str(body.get('content_sha256')), 16)}")
    try:
        form = store.keep_question_set(str(body["text"]), service_type=service_type, version=version,
                                       content_sha256=digest, tracker_url=client.tracker_url)
    except DefinitionError as exc:
        return str(exc)
    added.append((service_type, version, form.effective_from.strftime("%Y-%m")))
    return None
