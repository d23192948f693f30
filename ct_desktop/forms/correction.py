"""What changed in a month's question set since a draft was started under it. Pure; no Qt.

A question set can be corrected after someone has started a month's return: a new version taking
effect from that month or earlier (so it is now the one in force), or the same version with corrected
content. The return remembers the version, a fingerprint of its content and the questions it asked
when it was started (or when the person last acknowledged a correction); comparing them with the
question set in force now says which questions are no longer asked and which are new. Answers to
questions no longer asked are kept (never sent, never silently dropped).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ct_desktop.forms.model import FormDefinition
from ct_desktop.period import Period


def fingerprint(form: FormDefinition) -> str:
    """A SHA-256 of everything a question set asks and checks (not its comments or layout in the file).

    Two copies of a version with the same questions, guidance, conditions and rules have the same
    fingerprint; a corrected copy under the same version number has another.
    """
    content = {
        "service_type": form.service_type,
        "version": form.version,
        "effective_from": form.effective_from.isoformat(),
        "sections": [dataclasses.asdict(section) for section in form.sections],
        "rules": [dataclasses.asdict(rule) for rule in form.rules],
    }
    text = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def asked_questions(form: FormDefinition, period: Period) -> dict[str, str]:
    """The questions a form asks in a month, key -> label, in form order."""
    return {item.key: item.label for item in form.asked_fields(period)}


@dataclass(frozen=True)
class SeenQuestionSet:
    """The question set a return was started under, or that the person last acknowledged."""

    version: str
    fingerprint: str | None  # None: not recorded (a return started before fingerprints were kept)
    questions: Mapping[str, str]  # key -> label, as asked that month

    @classmethod
    def of(cls, form: FormDefinition, period: Period) -> SeenQuestionSet:
        """What a person sees of this form in this month."""
        return cls(form.version, fingerprint(form), asked_questions(form, period))


@dataclass(frozen=True)
class KeptAnswer:
    """An answer to a question the current question set no longer asks: kept, shown, never sent."""

    key: str
    label: str
    shown: str  # as typed ("3", "not known"), or "" when it was never answered
    by: str | None = None  # who typed it (None when it was copied from an accepted return)
    at: dt.datetime | None = None

    @property
    def answered(self) -> bool:
        """Whether anything had been typed for it."""
        return bool(self.shown)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"key": self.key, "label": self.label, "answer": self.shown or None, "by": self.by,
                "at": self.at.isoformat() if self.at else None}


@dataclass(frozen=True)
class QuestionSetChange:
    """How the question set in force for a return's month differs from the one it was started under.

    ``corrected`` is True while a correction has not been acknowledged; ``no_longer_asked`` also lists,
    after that, the answers still kept for questions the question set does not have.
    """

    seen_version: str
    current_version: str
    corrected: bool
    no_longer_asked: tuple[KeptAnswer, ...] = ()
    new_questions: tuple[tuple[str, str], ...] = ()  # (key, label), unanswered until typed
    content_only: bool = False  # the same version number with corrected content

    @property
    def kept_answers(self) -> tuple[KeptAnswer, ...]:
        """The questions no longer asked that had an answer."""
        return tuple(kept for kept in self.no_longer_asked if kept.answered)

    def is_new(self, key: str) -> bool:
        """Whether a question is new since the return was started (until the change is acknowledged)."""
        return self.corrected and any(key == new for new, _ in self.new_questions)

    def versions_text(self) -> str:
        """E.g. '2024.06 -> 2024.07', or '2024.06, corrected' for corrected content under the same number."""
        if self.content_only:
            return f"{self.current_version}, corrected"
        return f"{self.seen_version} -> {self.current_version}"

    def summary(self) -> str:
        """One sentence: what happened to the question set, e.g. for the form's banner."""
        if not self.corrected:
            return ("Answers to questions the question set no longer asks are kept here and in the history; "
                    "they are not sent.")
        if self.content_only:
            what = f"Question set {self.current_version} was corrected after this return was started."
        else:
            what = (f"The question set for this month is now version {self.current_version}; this return was "
                    f"started under {self.seen_version}.")
        parts = [what]
        if self.no_longer_asked:
            parts.append(f"No longer asked: {len(self.no_longer_asked)} (answers kept, not sent).")
        if self.new_questions:
            parts.append(f"New: {len(self.new_questions)} (marked “New”).")
        if not self.no_longer_asked and not self.new_questions:
            parts.append("The same questions are asked; their wording, guidance or checks may have changed.")
        return " ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "seen_version": self.seen_version,
            "current_version": self.current_version,
            "corrected": self.corrected,
            "content_only": self.content_only,
            "no_longer_asked": [kept.as_dict() for kept in self.no_longer_asked],
            "new_questions": [{"key": key, "label": label} for key, label in self.new_questions],
        }


def compare(
    seen: SeenQuestionSet,
    form: FormDefinition,
    period: Period,
    answered: Mapping[str, str],
    typed: Mapping[str, tuple[str, dt.datetime]] | None = None,
    labels: Mapping[str, str] | None = None,
) -> QuestionSetChange | None:
    """How ``form`` (in force now) differs from ``seen``; None when it does not and nothing is kept.

    ``answered`` holds each saved answer as shown (key -> "3" / "not known"); ``typed`` who typed each
    and when (from the history); ``labels`` the words of questions no version seen asks any more (from
    the other versions known). A saved answer to a key the form does not have is always listed.
    """
    typed = typed or {}
    same_version = seen.version == form.version or seen.version in form.replaces
    same_content = seen.fingerprint is None or seen.fingerprint == fingerprint(form)
    corrected = not (same_version and same_content)
    now = asked_questions(form, period)
    gone = [key for key in seen.questions if key not in now] if corrected else []
    gone += [key for key in answered if not form.has_field(key) and key not in gone]
    labels = {**(labels or {}), **seen.questions}
    kept = tuple(KeptAnswer(key, labels.get(key, key), answered.get(key, ""), *typed.get(key, (None, None)))
                 for key in gone)
    new = tuple((key, label) for key, label in now.items() if key not in seen.questions) if corrected else ()
    if not corrected and not kept:
        return None
    return QuestionSetChange(seen_version=seen.version, current_version=form.version, corrected=corrected,
                             no_longer_asked=kept, new_questions=new, content_only=corrected and same_version)


def acknowledgement_text(change: QuestionSetChange, by: str) -> str:
    """What the history records when a person acknowledges a correction: every figure kept, every new question."""
    if change.content_only:
        text = f"question set {change.current_version} corrected; {by} has seen the changes"
    else:
        text = f"question set {change.seen_version} -> {change.current_version}; {by} has seen the changes"
    if change.no_longer_asked:
        text += "; no longer asked (kept, not sent): " + ", ".join(_kept_text(k) for k in change.no_longer_asked)
    if change.new_questions:
        text += "; new: " + ", ".join(f"{label} ({key})" for key, label in change.new_questions)
    return text


def _kept_text(kept: KeptAnswer) -> str:
    return f"{kept.label} ({kept.key}) = {kept.shown if kept.answered else 'not answered'}"
