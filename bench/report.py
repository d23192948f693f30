"""What the benchmark reports: one row per measure, as a table for people and as JSON for tools."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PASS, FAIL, NO_TARGET = "pass", "FAIL", "-"


class BenchError(RuntimeError):
    """A benchmark could not be run as meant (a start that failed, a sync that left returns behind)."""


@dataclasses.dataclass(frozen=True)
class Measure:
    """One line of the report; ``passed`` is None for a figure that has no target."""

    key: str  # stable, for JSON readers and the quick test
    name: str
    result: str
    target: str
    passed: bool | None
    figures: dict[str, Any]

    @property
    def verdict(self) -> str:
        return NO_TARGET if self.passed is None else PASS if self.passed else FAIL


def table(measures: Sequence[Measure]) -> str:
    """A Markdown table (readable in a terminal, pasted as is into the README)."""
    rows = [("measure", "result", "target", "pass/fail")]
    rows += [(m.name, m.result, m.target, m.verdict) for m in measures]
    widths = [max(len(row[col]) for row in rows) for col in range(4)]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |"
             for row in rows]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def write_json(path: Path, measures: Sequence[Measure], context: dict[str, Any]) -> None:
    """The run and every measure, with its raw figures (seconds, bytes), as one JSON object."""
    document = {**context, "measures": [{**dataclasses.asdict(m), "verdict": m.verdict} for m in measures]}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def ms(seconds: float) -> str:
    """Milliseconds, to a tenth."""
    return f"{seconds * 1000:.1f} ms"
