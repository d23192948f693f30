"""Our answers beside the tracker's copy after a conflict. No Qt here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ct_desktop.forms.model import Field, FormDefinition
from ct_desktop.models import NOT_KNOWN, ReturnDraft, same_answer


def tracker_answer(server_copy: Mapping[str, Any], key: str) -> Any:
    """The tracker's answer to a question: a value, NOT_KNOWN or None (blank)."""
    if key in (server_copy.get("not_known") or ()):
        return NOT_KNOWN
    values = server_copy.get("values") or {}
    return values.get(key)


@dataclass(frozen=True)
class Comparison:
    """One question: our saved answer and the tracker's."""

    item: Field
    ours: Any
    theirs: Any

    @property
    def differs(self) -> bool:
        """Whether the two answers differ."""
        return not same_answer(self.ours, self.theirs)


def compare(form: FormDefinition, draft: ReturnDraft) -> list[Comparison]:
    """Every question of the form with both answers, in form order."""
    copy = draft.server_copy or {}
    return [Comparison(item, draft.answer(item.key), tracker_answer(copy, item.key)) for item in form.fields]
