"""History (who changed what, newest first, by field) and the twelve-month trend chart."""

from __future__ import annotations

import re
import time

import pytest
from PySide6.QtGui import QColor
from sample_returns import CARE_HOME, HOME_CARE, accept, care_home_values, home_care_values, summer_care_home_values

from ct_desktop.forms.catalogue import default_catalogue
from ct_desktop.history_detail import split_detail
from ct_desktop.models import AcceptedRevision
from ct_desktop.period import Period
from ct_desktop.ui.figures import SERIES, brief_summary, key_figures, series_for, trend_points
from ct_desktop.ui.history_view import HistoryView
from ct_desktop.ui.trend_chart import TrendChart, nice_scale

SEPTEMBER = Period(2026, 9)
VACANT = next(s for s in SERIES if s.key == "beds_vacant")


@pytest.fixture
def view(qtbot, context):
    context.store.add_location(CARE_HOME)
    context.store.add_location(HOME_CARE)
    history = HistoryView(context)
    qtbot.addWidget(history)
    history.resize(1000, 700)
    return history


def rows(view: HistoryView) -> list[tuple[str, ...]]:
    table = view.table
    return [tuple(table.item(r, c).text() for c in range(table.columnCount())) for r in range(table.rowCount())]


def test_edits_are_listed_newest_first_with_who_and_can_be_filtered_by_field(context, view):
    store = context.store
    store.set_values("1-101", SEPTEMBER, {"beds_max_capacity": 40, "beds_occupied": 35}, "AB")
    store.set_values("1-101", SEPTEMBER, {"beds_occupied": 34}, "CD")
    view.set_return("1-101", SEPTEMBER)

    listed = rows(view)
    assert [row[1:] for row in listed] == [
        ("CD", "Beds occupied", "35 → 34"),
        ("AB", "Beds occupied", "blank → 35"),
        ("AB", "Maximum bed capacity", "blank → 40"),
    ]
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d", listed[0][0])  # e.g. 26 Nov 2026 10:52
    assert view.changes_title.text().startswith("<b>Changes to September 2026</b> — 3 shown")

    view.filter_combo.setCurrentIndex(view.filter_combo.findText("Maximum bed capacity"))
    assert [row[1:] for row in rows(view)] == [("AB", "Maximum bed capacity", "blank → 40")]
    view.filter_combo.setCurrentIndex(view.filter_combo.findData("__steps__"))
    assert rows(view) == []


def test_lifecycle_steps_are_listed_with_their_detail(context, view):
    accept(context.store, "1-202", Period(2026, 8), home_care_values())
    view.set_return("1-202", Period(2026, 8))
    view.filter_combo.setCurrentIndex(view.filter_combo.findData("__steps__"))
    whats = [row[2] for row in rows(view)]
    assert whats[0] == "Accepted" and "Submitted" in whats
    assert any("submitted by AB" in row[3] for row in rows(view))


def test_a_step_reads_in_plain_words_and_keeps_its_submission_and_rule_codes_in_the_details(context, view):
    store = context.store
    store.set_values("1-101", SEPTEMBER, dict(care_home_values(), beds_occupied=34), "AB")  # 1 bed unaccounted
    sent = store.submit("1-101", SEPTEMBER, "AB", confirm_warnings=True)
    store.begin_attempt(sent.item.submission_id)
    store.mark_rejected(sent.item.submission_id, {"beds_occupied": ["does not match the bed census"]})
    short = sent.item.submission_id[:8]
    view.set_return("1-101", SEPTEMBER)
    view.filter_combo.setCurrentIndex(view.filter_combo.findData("__steps__"))
    listed = rows(view)
    assert [row[2] for row in listed] == ["Refused", "Submitted"]
    shown = " ".join(" ".join(row) for row in listed)
    assert short not in shown and "beds_unaccounted" not in shown and "submission" not in shown
    assert "warnings confirmed: “Occupied, reserved, accepting" in listed[1][3]
    assert "queued to send" in listed[1][3]
    assert listed[0][3] == "refused by the tracker: Beds occupied: does not match the bed census"

    view.table.selectRow(1)
    assert f"submission {short}" in view.details.text() and "rules beds_unaccounted" in view.details.text()
    assert "rules beds_unaccounted" in view.table.item(1, 3).toolTip()
    view.table.selectRow(0)
    assert f"submission {short}" in view.details.text() and "beds_unaccounted" not in view.details.text()


def test_steps_saved_before_the_split_read_in_plain_words_too():
    plain, reference = split_detail("submitted by AB; warnings confirmed: beds_unaccounted, large_change; "
                                    "queued as submission 0cd98e8b")
    assert plain == "submitted by AB; warnings confirmed; queued to send"
    assert reference == "submission 0cd98e8b; rules beds_unaccounted, large_change"
    plain, reference = split_detail("submission 0cd98e8b set aside: the tracker does not know it")
    assert plain == "The submission set aside: the tracker does not know it" and reference == "submission 0cd98e8b"
    assert split_detail("accepted by the tracker as revision 2 (receipt R-1)") == (
        "accepted by the tracker as revision 2 (receipt R-1)", "")


def test_the_trend_shows_twelve_months_with_gaps_and_a_summary(context, view):
    for month in (1, 2, 3, 5, 6, 7, 8):
        values = care_home_values() if month <= 3 else summer_care_home_values()  # flu asked to March
        values["beds_vacant_accepting"] = month % 3
        values["beds_occupied"] = 35 + 2 - month % 3
        accept(context.store, "1-101", Period(2026, month), values)
    view.set_return("1-101", SEPTEMBER)
    points = view.chart.points
    assert len(points) == 12 and points[0][0] == Period(2025, 10) and points[-1][0] == SEPTEMBER
    assert dict(points)[Period(2026, 4)] is None  # a gap: no return in April
    assert dict(points)[Period(2026, 8)] == 1 + 2 + 2  # reserved + accepting + unavailable
    assert view.summary.text() == "Latest: 5 beds (August 2026) · lowest 3 · highest 5 · 7 of 12 months have a figure"
    description = view.chart.accessibleDescription()
    assert description.startswith("Beds vacant (accepting + reserved + unavailable), October 2025 to September 2026.")
    assert "Apr 2026: no accepted return" in description and "Aug 2026: 5" in description

    view.series_combo.setCurrentIndex(view.series_combo.findData("headcount"))
    assert dict(view.chart.points)[Period(2026, 8)] == 6 + 38 + 12 + 1 + 4 + 0
    assert view.chart.accessibleName() == "Trend chart: Staff headcount (direct + agency)"


def test_home_care_charts_people_supported_instead_of_beds(context, view):
    view.set_return("1-202", SEPTEMBER)
    titles = [view.series_combo.itemText(i) for i in range(view.series_combo.count())]
    assert titles == ["People supported", "Staff headcount (direct + agency)",
                      "Staff absent (COVID-19 + other sickness)", "Hours worked (direct + agency)"]


def revision(period: Period, vacant: int) -> AcceptedRevision:
    values = {"beds_vacant_accepting": vacant, "beds_vacant_reserved": 0, "beds_vacant_unavailable": 0}
    return AcceptedRevision("1-101", period, 1, "s", "2026-01-01T00:00:00+00:00", "r", {"values": values})


def blue_pixels(chart: TrendChart) -> int:
    image = chart.grab().toImage()
    line = QColor("#1a73e8")
    return sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if abs(QColor(image.pixel(x, y)).red() - line.red()) < 20
               and abs(QColor(image.pixel(x, y)).blue() - line.blue()) < 20)


@pytest.mark.parametrize("count", [0, 1, 12])
def test_the_chart_draws_with_no_point_one_point_or_twelve(qtbot, count):
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.resize(640, 260)
    periods = [Period(2025, 10)]
    while len(periods) < 12:
        periods.append(periods[-1].next())
    revisions = [revision(p, i % 5 + 1) for i, p in enumerate(periods[-count:])] if count else []
    points = trend_points(VACANT, revisions, SEPTEMBER)
    chart.set_points(VACANT, points)
    assert len(chart.known) == count
    drawn = blue_pixels(chart)
    assert (drawn == 0) if count == 0 else (drawn > 0)
    if count == 1:
        assert "Aug 2026: no accepted return; Sep 2026: 1." in chart.accessibleDescription()


def test_a_nice_axis_holds_the_largest_value():
    assert nice_scale(0) == (4.0, 1.0)
    assert nice_scale(6) == (6.0, 2.0)
    top, step = nice_scale(7420.5)
    assert top >= 7420.5 and step in (2000, 2500)
    assert nice_scale(3)[1] == 1


def test_key_figures_of_the_no_changes_preview():
    form = default_catalogue().form_for("care_home", SEPTEMBER)
    values = summer_care_home_values()
    figures = {f.label: f.text for f in key_figures(form, values, {"hours_agency"})}
    assert figures["Maximum bed capacity"] == "40"
    assert figures["Beds vacant (accepting + reserved + unavailable)"] == "5"
    assert figures["Staff absent (COVID-19 + other sickness)"] == "4"
    assert figures["Hours worked (direct + agency)"] == "7,932.5"
    assert [s.key for s in series_for(form)] == ["beds_vacant", "headcount", "absence", "hours"]


def test_the_trend_summary_reads_well_for_one():
    beds, people, staff = SERIES[0], SERIES[1], SERIES[2]
    august = Period(2026, 8)
    assert brief_summary(beds, [(august, 1)]).startswith("Latest: 1 bed (August 2026)")
    assert brief_summary(people, [(august, 1)]).startswith("Latest: 1 person (August 2026)")
    assert brief_summary(staff, [(august, 1)]).startswith("Latest: 1 staff (August 2026)")
    assert brief_summary(beds, [(august, 0)]).startswith("Latest: 0 beds (August 2026)")


def test_the_months_evidence_is_saved_as_one_pdf_page(context, view, tmp_path):
    accept(context.store, "1-101", Period(2026, 9), care_home_values(), accepted_at="2026-09-09T11:00:00+01:00")
    view.set_return("1-101", Period(2026, 9))
    began = time.monotonic()
    saved = view.save_evidence(tmp_path / "evidence.pdf")  # the file the dialog would give
    assert time.monotonic() - began < 2  # one page: no need to leave the GUI thread
    assert saved == tmp_path / "evidence.pdf"
    pdf = saved.read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    assert f"is saved in {saved}" in view.message.text()
    assert view.save_evidence(tmp_path / "no-such-folder" / "x.pdf") is None
    assert view.message.text().startswith("Evidence not saved: the PDF could not be written")
