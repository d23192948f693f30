"""Revisions of the built-in care home question set, as a tracker would publish them.

    from question_set_files import NEW_QUESTION, care_home_revision, write_definition

``care_home_revision()`` is the text of care home version 2026.09, in force from September 2026: the
2024.06 questions and one new mandatory question (NEW_QUESTION), so that a return checked against it
is visibly checked against its own questions.
"""

from __future__ import annotations

from pathlib import Path

from ct_desktop.forms.catalogue import DEFINITIONS_DIR

BUILT_IN = DEFINITIONS_DIR / "care_home-2024-06.toml"
NEW_QUESTION = "beds_discharge_to_assess"
_NEW_FIELD = f"""  [[sections.fields]]
  key = "{NEW_QUESTION}"
  label = "Beds used for discharge to assess"
  type = "count"
  unit = "beds"
  mandatory = true
  max = 10000
  guidance = "Occupied beds used by people discharged from hospital while their needs are assessed."

"""
_BEFORE = '  [[sections.fields]]\n  key = "beds_vacant_unavailable"\n'


def care_home_revision(version: str = "2026.09", effective_from: str = "2026-09-01", *,
                       new_question: bool = True) -> str:
    """The text of a care home revision: 2024.06 under another version and date, with NEW_QUESTION."""
    text = BUILT_IN.read_text(encoding="utf-8")
    for old, new in (('version = "2024.06"', f'version = "{version}"'),
                     ("effective_from = 2024-06-01", f"effective_from = {effective_from}"),
                     ('replaces = ["2025.1"]\n', ""),
                     (_BEFORE, (_NEW_FIELD if new_question else "") + _BEFORE)):
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def broken_revision(version: str = "2026.10") -> str:
    """A revision whose rule names a field the form does not have: it fails the catalogue's check."""
    text = care_home_revision(version)
    assert 'left = ["visa_direct_nurses"]' in text
    return text.replace('left = ["visa_direct_nurses"]', 'left = ["visa_direct_nurse"]', 1)


def write_definition(folder: Path, text: str, name: str = "care_home-revision.toml") -> Path:
    """The text as a definition file in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
