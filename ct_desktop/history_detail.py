"""A history step's detail in two parts: what a person reads, and the references kept for the record.

A lifecycle step is stored as one text: the plain words first, then, when there are any, the
references a person does not need to read (the submission id, the codes of the rules confirmed)
after ``REFERENCE_MARK``. The app and the command line show the plain words and keep the
references for a details area; ``--json`` and the log keep the whole text. Steps recorded before
this split named the submission and the rule codes inline; ``split_detail`` reads those too.
"""

from __future__ import annotations

import re

REFERENCE_MARK = " [for reference: "
_OLD_QUEUED = re.compile(r"; queued as submission ([0-9a-f]{8})$")
_OLD_SUBMISSION = re.compile(r"\bsubmission ([0-9a-f]{8}) ")
_OLD_CODES = re.compile(r"; warnings confirmed: ([a-z0-9_]+(?:, [a-z0-9_]+)*)")


def with_reference(plain: str, *references: str) -> str:
    """The stored detail: the plain words, then the non-empty references, if any."""
    kept = [reference for reference in references if reference]
    return f"{plain}{REFERENCE_MARK}{'; '.join(kept)}]" if kept else plain


def submission_reference(submission_id: str) -> str:
    """How a submission is named in the references: its first eight characters."""
    return f"submission {submission_id[:8]}"


def split_detail(detail: str) -> tuple[str, str]:
    """(what a person reads, the references): '' when there are none."""
    at = detail.rfind(REFERENCE_MARK)
    if at >= 0 and detail.endswith("]"):
        return detail[:at], detail[at + len(REFERENCE_MARK):-1]
    return _split_old(detail)


def plain_detail(detail: str) -> str:
    """The words of a detail a person reads, without ids or codes."""
    return split_detail(detail)[0]


def _split_old(detail: str) -> tuple[str, str]:
    references: list[str] = []
    codes = _OLD_CODES.search(detail)
    if codes:
        references.append("rules " + codes.group(1))
        detail = detail[:codes.start()] + "; warnings confirmed" + detail[codes.end():]
    queued = _OLD_QUEUED.search(detail)
    if queued:
        references.insert(0, submission_reference(queued.group(1)))
        detail = detail[:queued.start()] + "; queued to send"
    named = _OLD_SUBMISSION.search(detail)
    if named:
        references.insert(0, submission_reference(named.group(1)))
        detail = detail[:named.start()] + "the submission " + detail[named.end():]
        detail = detail[:1].upper() + detail[1:] if named.start() == 0 else detail
    return detail, "; ".join(references)
