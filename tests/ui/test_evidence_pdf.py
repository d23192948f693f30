"""The evidence of a month: the figures as sent in the question set's order, the receipt and accepted time, the
content hash, who reviewed it, and the log of attempts; written as one PDF page by ``ct-desktop evidence``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from sample_returns import care_home_values

from ct_desktop.cli import main
from ct_desktop.collection_window import LONDON
from ct_desktop.evidence import gather_evidence
from ct_desktop.period import Period
from ct_desktop.ui.evidence_pdf import evidence_html

HOME = "1-101"
SEPTEMBER = Period(2026, 9)


def sent_late_after_two_failures(store, clock):
    clock.moment = dt.datetime(2026, 9, 13, 21, 0, tzinfo=LONDON)
    store.set_values(HOME, SEPTEMBER, care_home_values(), "Amy Brown")
    item = store.submit(HOME, SEPTEMBER, "Amy Brown", confirm_warnings=True).item
    for _ in range(2):
        store.begin_attempt(item.submission_id)
        store.record_attempt_failure(item.submission_id, "cannot reach the tracker: ConnectionError",
                                     clock.moment + dt.timedelta(minutes=10))
        clock.advance(hours=1)
    clock.moment = dt.datetime(2026, 9, 16, 9, 30, tzinfo=LONDON)
    store.begin_attempt(item.submission_id)
    store.mark_accepted(item.submission_id, 1, "2026-09-16T08:30:00+00:00", "CT-1-101-2026-09-r1-ABCD1234")
    return item


def test_the_evidence_holds_what_was_sent_its_hash_the_review_and_every_attempt(store, clock):
    item = sent_late_after_two_failures(store, clock)
    evidence = gather_evidence(store, HOME, SEPTEMBER, dt.datetime(2026, 10, 1, 9, 0, tzinfo=LONDON))

    assert evidence.payload == item.payload
    canonical = json.dumps(item.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert evidence.content_sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    form = store.form_for(store.location(HOME), SEPTEMBER)
    asked = [field.key for field in form.asked_fields(SEPTEMBER) if field.key in care_home_values()]
    assert [figure.key for figure in evidence.figures] == asked
    assert evidence.figures[0].label == form.field(asked[0]).label
    assert str(evidence.record.outcome) == "late"
    assert [str(a.outcome) for a in evidence.attempts] == ["failed", "failed", "accepted"]

    page = evidence_html(evidence)
    for text in ("CT-1-101-2026-09-r1-ABCD1234", evidence.content_sha256, "by Amy Brown at 21:00:00 on Sunday 13 "
                 "September 2026", "not delivered", "cannot reach the tracker", "LATE: accepted at 09:30 on Wednesday "
                 "16 September 2026", "13 Sep 2026 22:00:00", "The figures as sent"):
        assert text in page


def test_a_month_waiting_in_the_outbox_says_it_is_not_with_the_tracker(store, clock):
    store.set_values(HOME, SEPTEMBER, care_home_values(), "AB")
    store.submit(HOME, SEPTEMBER, "AB", confirm_warnings=True)
    evidence = gather_evidence(store, HOME, SEPTEMBER, clock())
    page = evidence_html(evidence)
    assert evidence.waiting and "none yet: the return is waiting in the outbox" in page
    assert "The figures waiting to be sent" in page and "No attempt to send was made from here." in page


def test_ct_desktop_evidence_writes_one_pdf_page(store, clock, tmp_path, monkeypatch, capsys):
    sent_late_after_two_failures(store, clock)
    store.close()
    monkeypatch.setattr("ct_desktop.cli.evidence_cmd.now_london", lambda: dt.datetime(2026, 10, 1, tzinfo=LONDON))
    target = tmp_path / "september.pdf"

    assert main(["evidence", HOME, "2026-09", "--pdf", str(target)]) == 0
    assert f"to {target}" in capsys.readouterr().out
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1

    assert main(["evidence", HOME, "2026-09", "--pdf", str(tmp_path / "no-such-folder" / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert "does not exist: create it or choose another file" in err and "Traceback" not in err
    assert main(["evidence", HOME, "2026-09"]) == 2
    assert "--pdf FILE" in capsys.readouterr().err
