"""What validation hands back: findings, and the previous return that month-on-month rules compare with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ct_desktop.period import Period

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem with a return: errors block "ready to send"; warnings ask for a look.

    ``field`` is the key the finding belongs to (where the UI shows it); ``related`` names the
    other fields involved, so that every field a finding depends on can be highlighted.
    """

    field: str
    severity: str
    code: str
    message: str
    related: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str]:
        """The finding as JSON: field, severity, code and message."""
        return {"field": self.field, "severity": self.severity, "code": self.code, "message": self.message}

    def mentions(self, key: str) -> bool:
        """Whether the finding is about this field, directly or as a related one."""
        return key == self.field or key in self.related


@dataclass(frozen=True)
class PreviousReturn:
    """A previously accepted return, for the month-on-month rules."""

    period: Period
    values: Mapping[str, Any]
    not_known: frozenset[str] = field(default_factory=frozenset)


def errors(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that block sending."""
    return [finding for finding in findings if finding.severity == ERROR]


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that ask for a look but may be confirmed."""
    return [finding for finding in findings if finding.severity == WARNING]


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding blocks sending."""
    return any(finding.severity == ERROR for finding in findings)
