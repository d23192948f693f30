"""Question sets kept in the store: checked before they are kept, used at once by every store of the folder,
and never half-used."""

from __future__ import annotations

import pytest
from question_set_files import NEW_QUESTION, broken_revision, care_home_revision

from ct_desktop.forms.catalogue import DefinitionError, content_hash
from ct_desktop.period import Period
from ct_desktop.store import open_store

SEPTEMBER = Period(2026, 9)
TRACKER = "http://127.0.0.1:8765"


def keep(store, text: str, version: str = "2026.09", digest: str | None = None):
    return store.keep_question_set(text, service_type="care_home", version=version,
                                   content_sha256=digest or content_hash(text), tracker_url=TRACKER)


def test_a_kept_question_set_is_used_for_its_months_by_every_store_of_the_folder(store, isolated_data_dir, clock):
    # The app's own store (the window's) and the one the sync opened on its worker thread.
    with open_store(isolated_data_dir, clock=clock) as other:
        assert store.form_for(store.location("1-101"), SEPTEMBER).version == "2024.06"
        keep(other, care_home_revision())
    assert store.form_for(store.location("1-101"), SEPTEMBER).version == "2026.09"
    assert store.form_for(store.location("1-101"), Period(2026, 8)).version == "2024.06"
    with open_store(isolated_data_dir) as reopened:
        [kept] = reopened.question_sets()
        assert (kept.version, kept.effective_from, kept.tracker_url) == ("2026.09", "2026-09-01", TRACKER)


@pytest.mark.parametrize(("text", "version", "digest", "problem"), [
    (broken_revision("2026.09"), "2026.09", None,
     "care_home question set 2026.09 from the tracker: rule visa_over_headcount: 'visa_direct_nurse' is not a field"),
    (care_home_revision(), "2026.10", None,
     "care_home question set 2026.10 from the tracker: the definition inside is 'care_home' '2026.09', not the "
     "service type and version the tracker listed"),
    (care_home_revision(), "2026.09", "0" * 64,
     "care_home question set 2026.09 from the tracker: its text is not the content its SHA-256 names"),
])
def test_a_definition_that_fails_a_check_is_not_kept(store, text, version, digest, problem):
    with pytest.raises(DefinitionError) as refused:
        keep(store, text, version, digest)
    assert str(refused.value).startswith(problem)
    assert store.question_sets() == []
    assert store.form_for(store.location("1-101"), SEPTEMBER).version == "2024.06"


def test_a_kept_copy_that_no_longer_passes_the_check_is_left_out_whole(store, caplog):
    keep(store, care_home_revision("2026.09", "2026-09-01"))
    keep(store, care_home_revision("2026.11", "2026-11-01", new_question=False), "2026.11")
    # As if a later ct-desktop checked more than the one that kept it: written as it stands in the file.
    broken = broken_revision("2026.09")
    store._db.execute("UPDATE question_sets SET text = ?, content_sha256 = ? WHERE version = '2026.09'",
                      [broken, content_hash(broken)])
    location = store.location("1-101")
    assert store.form_for(location, SEPTEMBER).version == "2024.06"
    assert store.form_for(location, Period(2026, 11)).version == "2026.11"
    assert not store.form_for(location, Period(2026, 11)).has_field(NEW_QUESTION)
    assert "question set left out: care_home question set 2026.09 from the tracker: rule visa_over_headcount" in \
        caplog.text
