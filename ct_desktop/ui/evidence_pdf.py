"""The evidence of one location's month as a one-page PDF (Qt's QPdfWriter and QTextDocument).

The page is laid out from ``ct_desktop.evidence.MonthEvidence`` as HTML and drawn scaled to fit one A4
page, however many questions the month asks. A printed record: black on white, whatever the theme.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication

from ct_desktop import __version__
from ct_desktop.collection_window import LONDON
from ct_desktop.evidence import Figure, MonthEvidence
from ct_desktop.models import AttemptOutcome
from ct_desktop.period import MONTH_NAMES, WEEKDAY_NAMES

LAYOUT_WIDTH = 760.0  # the width the page is laid out at, in layout pixels, before it is scaled to the page
MARGIN_MM = 12.0
RESOLUTION = 300

_STYLE = """
body { font-family: sans-serif; font-size: 10pt; color: #000; }
h1 { font-size: 15pt; margin: 0 0 2px 0; }
h2 { font-size: 11pt; margin: 10px 0 3px 0; border-bottom: 1px solid #777; }
td, th { padding: 1px 5px 1px 0; vertical-align: top; }
th { text-align: left; font-weight: bold; }
.muted { color: #444; }
.section { font-weight: bold; padding-top: 4px; }
.answer { font-weight: bold; }
.mono { font-family: monospace; font-size: 9pt; }
"""


class EvidenceNotWritten(Exception):
    """The PDF could not be written; the message says where and why."""


def write_evidence_pdf_anywhere(evidence: MonthEvidence, path: Path) -> None:
    """write_evidence_pdf from the command line: with the app's QApplication if there is one, else one on
    the offscreen platform (no window is shown, so no display is needed: a server, an SSH session)."""
    app = QApplication.instance() or QApplication(["ct-desktop", "-platform", "offscreen"])
    try:
        write_evidence_pdf(evidence, path)
    finally:
        del app


def write_evidence_pdf(evidence: MonthEvidence, path: Path) -> None:
    """Write the evidence page to ``path`` (a QGuiApplication must exist). EvidenceNotWritten if it cannot."""
    document = QTextDocument()
    document.setDefaultFont(QFont("sans-serif", 10))
    document.setDefaultStyleSheet(_STYLE)
    document.setHtml(evidence_html(evidence))
    document.setTextWidth(LAYOUT_WIDTH)

    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setTitle(f"Evidence: {evidence.location.name} ({evidence.location.id}), {evidence.period.label}")
    writer.setCreator(f"ct-desktop {__version__}")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    painter = QPainter()
    if not painter.begin(writer):
        raise EvidenceNotWritten(f"the PDF could not be written to {path}: check the folder exists and can be "
                                 "written to, and that the file is not open in another program")
    try:
        area = writer.pageLayout().paintRectPixels(RESOLUTION)
        size: QSizeF = document.size()
        # One page always: as wide as the page, smaller still when the month asks more than fits.
        scale = min(area.width() / LAYOUT_WIDTH, area.height() / max(size.height(), 1.0))
        painter.scale(scale, scale)
        document.drawContents(painter)
    finally:
        painter.end()


def evidence_html(evidence: MonthEvidence) -> str:
    """The page as HTML (what the PDF shows)."""
    location, window = evidence.location, evidence.window
    where = ", ".join(part for part in (location.service_type.replace("_", " "), location.local_authority) if part)
    parts = [
        f"<h1>{_e(location.name)} ({_e(location.id)}): {_e(evidence.period.label)}</h1>",
        f"<div class='muted'>{_e(where)}. Evidence of the monthly Capacity Tracker return: what was sent, "
        "when, and every attempt to send it.</div>",
        "<h2>The collection window</h2>",
        _rows([
            ("Window", f"opens {_day(window.opens)}, due by the end of {_day(window.due)} (London time)"),
            ("Outcome", f"{str(evidence.record.outcome).upper()}: {evidence.record.detail()}"),
        ]),
        "<h2>The tracker's receipt</h2>",
        _receipt(evidence),
    ]
    if evidence.figures:
        title = "The figures waiting to be sent" if evidence.waiting else "The figures as sent"
        parts += [f"<h2>{title} (in the question set's order)</h2>", _figures(evidence.figures)]
    if len(evidence.revisions) > 1:
        parts += ["<h2>Every revision the tracker accepted for the month</h2>", _revisions(evidence)]
    parts += ["<h2>Queued here</h2>", _queued(evidence), "<h2>Attempts to send</h2>", _attempts(evidence)]
    parts.append(
        f"<p class='muted'>Made by ct-desktop {_e(__version__)} at {_e(_moment(evidence.made_at))} (London time) "
        "from the records kept in its data folder. The content hash is the SHA-256 of the submission's JSON "
        "exactly as sent: keys sorted, no spaces, UTF-8.</p>")
    return "<html><body>" + "".join(parts) + "</body></html>"


def _receipt(evidence: MonthEvidence) -> str:
    payload = evidence.payload or {}
    shown = evidence.shown
    if shown is not None:
        accepted = f"{_moment_text(shown.accepted_at)} (the tracker's time: {shown.accepted_at})"
        head = [("Receipt", f"<span class='mono'>{_e(shown.receipt)}</span>"),
                ("Accepted", _e(accepted)), ("Revision", str(shown.revision))]
    elif evidence.waiting:
        head = [("Receipt", "none yet: the return is waiting in the outbox, not yet with the tracker")]
    else:
        head = [("Receipt", "none: nothing was sent for this month from here")]
    rows = [(label, value) for label, value in head]
    if payload:
        rows += [
            ("Submission", f"<span class='mono'>{_e(str(payload.get('submission_id')))}</span>"),
            ("Content hash", f"<span class='mono'>SHA-256 {_e(evidence.content_sha256 or '')}</span>"),
            ("Reviewed", _e(f"by {payload.get('reviewed_by')} at {_moment_text(str(payload.get('reviewed_at')))}")
             + (" (no changes: last month's figures reviewed and saved)" if payload.get("no_changes") else "")),
            ("Question set", _e(str(payload.get("form_version")))),
        ]
    return _rows(rows, escape=False)


def _figures(figures: tuple[Figure, ...]) -> str:
    # Two columns, each read top to bottom, so that a whole care home return fits the page.
    half = (len(figures) + 1) // 2
    columns = [_figure_column(figures[:half]), _figure_column(figures[half:])]
    return ("<table width='100%' cellspacing='0'><tr>"
            + "".join(f"<td width='50%'>{column}</td>" for column in columns) + "</tr></table>")


def _figure_column(figures: tuple[Figure, ...]) -> str:
    rows, section = [], None
    for figure in figures:
        if figure.section != section:
            section = figure.section
            rows.append(f"<tr><td colspan='2' class='section'>{_e(section)}</td></tr>")
        rows.append(f"<tr><td>{_e(figure.label)}</td><td class='answer'>{_e(figure.answer)}</td></tr>")
    return "<table cellspacing='0'>" + "".join(rows) + "</table>"


def _revisions(evidence: MonthEvidence) -> str:
    rows = [f"<tr><td>revision {r.revision}</td><td>{_e(_moment_text(r.accepted_at))}</td>"
            f"<td class='mono'>{_e(r.receipt)}</td></tr>" for r in evidence.revisions]
    return "<table cellspacing='0'>" + "".join(rows) + "</table>"


def _queued(evidence: MonthEvidence) -> str:
    if not evidence.queued:
        return "<div>Nothing was queued for this month here.</div>"
    rows = [f"<tr><td>{_e(_short(step.at))}</td><td>{_e(step.by)}</td><td>{_e(step.detail)}</td></tr>"
            for step in evidence.queued]
    return "<table cellspacing='0'>" + "".join(rows) + "</table>"


_OUTCOME_WORDS = {
    AttemptOutcome.SENDING: "no answer recorded",
    AttemptOutcome.FAILED: "not delivered",
    AttemptOutcome.ACCEPTED: "accepted",
    AttemptOutcome.REFUSED: "refused by the tracker",
    AttemptOutcome.CONFLICT: "not taken (conflict)",
    AttemptOutcome.SET_ASIDE: "set aside",
}


def _attempts(evidence: MonthEvidence) -> str:
    if not evidence.attempts:
        return "<div>No attempt to send was made from here.</div>"
    rows = ["<tr><th>Began (London)</th><th>Ended</th><th>Outcome</th><th>What happened</th></tr>"]
    for attempt in evidence.attempts:
        ended = _short(attempt.finished_at) if attempt.finished_at else ""
        rows.append(f"<tr><td>{_e(_short(attempt.started_at))}</td><td>{_e(ended)}</td>"
                    f"<td>{_e(_OUTCOME_WORDS[attempt.outcome])}</td><td>{_e(attempt.detail)}</td></tr>")
    return "<table cellspacing='0'>" + "".join(rows) + "</table>"


def _rows(rows: list[tuple[str, str]], escape: bool = True) -> str:
    cells = "".join(f"<tr><th>{_e(label)}</th><td>{_e(value) if escape else value}</td></tr>" for label, value in rows)
    return f"<table cellspacing='0'>{cells}</table>"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _day(day: dt.date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _moment(moment: dt.datetime) -> str:
    local = moment.astimezone(LONDON)
    return f"{local:%H:%M:%S} on {_day(local.date())}"


def _short(moment: dt.datetime) -> str:
    local = moment.astimezone(LONDON)
    return f"{local.day} {MONTH_NAMES[local.month - 1][:3]} {local.year} {local:%H:%M:%S}"


def _moment_text(text: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return _moment(moment)
