"""Sync from the app against the real reference tracker on 127.0.0.1: status bar, F5, timers, 401, problems."""

from __future__ import annotations

import pytest
import shiboken6
from fault_proxy import FaultPlan, FaultProxy
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from sample_returns import care_home_values
from tracker_server import add_provider, running_tracker

from ct_desktop.credentials import load_token, save_token, what_to_install
from ct_desktop.models import Location, ReturnState
from ct_desktop.period import Period
from ct_desktop.settings import load_settings
from ct_desktop.sync.connection import connect
from ct_desktop.ui.connect_panel import ConnectDialog
from ct_desktop.ui.main_window import MainWindow
from ct_desktop.ui.sync_controller import (
    NOT_CONNECTED,
    OFFLINE,
    ONLINE,
    RETRY_OFFLINE_S,
    SOON_MS,
    TOKEN_NEEDED,
    SyncStatus,
)
from ct_desktop.ui.sync_status import SyncProblemsDialog, status_words

SEPTEMBER = Period(2026, 9)
SYNC_TIMEOUT = 20_000


@pytest.fixture
def tracker(tmp_path):
    """The tracker's database and a provider's token for 1-101 (care home)."""
    db = tmp_path / "tracker.db"
    return db, add_provider(db, "Rose Care", {"1-101": "care_home"})


def connect_app(context, url: str, token: str) -> None:
    """What the first-run dialog does, done directly: the real connect(), then the app's settings."""
    connect(context.data_dir, url, token)
    context.update_settings(tracker_url=load_settings(context.data_dir).tracker_url)


def queue_september(context, location_id: str = "1-101") -> None:
    context.store.set_values(location_id, SEPTEMBER, care_home_values(), "AB")
    context.store.submit(location_id, SEPTEMBER, "AB", confirm_warnings=True)


def open_window(qtbot, context, start_sync: bool = False) -> MainWindow:
    window = MainWindow(context, start_sync=start_sync, use_network_information=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return window


def test_f5_sends_the_outbox_and_the_home_view_shows_accepted(qtbot, context, tracker):
    db, token = tracker
    with running_tracker(db) as url:
        connect_app(context, url, token)
        queue_september(context)
        window = open_window(qtbot, context)
        assert window.home.cards["1-101"].badge.text() == "Queued to send"
        assert "1 waiting to send" in window.sync_widget.text.text()

        with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT) as finished:
            qtbot.keyClick(window, Qt.Key.Key_F5)
        report = finished.args[0]
        assert [entry[:3] for entry in report.accepted] == [("1-101", "2026-09", 1)]
        assert window.sync.status.connection == ONLINE
        assert window.sync_widget.text.text().startswith("Online · all sent · last sync ")
        assert window.home.cards["1-101"].badge.text() == "Accepted"
        assert "receipt CT-1-101-2026-09-r1" in window.home.cards["1-101"].detail_label.text()
        window.close()


def test_what_was_queued_goes_without_a_click_once_the_app_starts_and_after_no_changes(qtbot, context, clock,
                                                                                        tracker):
    db, token = tracker
    with running_tracker(db) as url:
        connect_app(context, url, token)
        queue_september(context)
        with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT):
            window = open_window(qtbot, context, start_sync=True)  # the start-up timer sends it
        assert context.store.get_return("1-101", SEPTEMBER).state is ReturnState.ACCEPTED
        # A queued "no changes" for October is sent soon after, by the controller's own timer.
        clock.moment = clock.moment.replace(month=10, day=9)
        window.home.picker.set_period(Period(2026, 10))
        window.home.start_no_changes("1-101")
        dialog = window.home.no_changes_dialog
        dialog.confirm_box.setChecked(True)
        with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT) as finished:
            dialog.accept()
        assert [entry[:2] for entry in finished.args[0].accepted] == [("1-101", "2026-10")]
        qtbot.waitUntil(lambda: window.home.cards["1-101"].badge.text() == "Accepted", timeout=2000)
        window.close()


def test_with_the_tracker_stopped_it_shows_offline_and_keeps_the_return_queued(qtbot, context, tracker):
    db, token = tracker
    with running_tracker(db) as url:
        connect_app(context, url, token)
    queue_september(context)  # the tracker has stopped: its port now refuses connections
    window = open_window(qtbot, context)
    with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT) as finished:
        window.sync_widget.send_button.click()
    assert finished.args[0].offline
    assert window.sync.status.connection == OFFLINE
    assert window.sync_widget.text.text().startswith("Offline · 1 waiting to send when the tracker can be reached")
    assert window.sync.retry.isActive()  # no reachability backend here: a shorter retry timer instead
    assert window.home.cards["1-101"].badge.text() == "Queued to send"
    assert len(context.store.outbox_items()) == 1
    # Offline is normal: what waits for the network is no problem, and a failed try is no "last sync".
    with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT):
        window.sync_widget.send_button.click()  # a second try that fails too
    [item] = context.store.outbox_items()
    assert item.attempts >= 1 and item.last_error
    assert window.sync.status.problems == ()
    assert window.sync_widget.problems_button.isHidden()
    assert "last sync" not in window.sync_widget.text.text()
    window.close()


def test_the_network_is_watched_once_the_window_is_up_and_what_waited_for_it_goes_when_it_is_back(
        qtbot, context, tracker):
    from PySide6.QtNetwork import QNetworkInformation

    db, token = tracker
    with running_tracker(db) as tracker_url, FaultProxy(tracker_url, FaultPlan()) as network:
        connect_app(context, network.url, token)
        queue_september(context)
        network.plan = FaultPlan(["drop"])  # the network is down for the first send
        window = MainWindow(context, start_sync=False)  # the reachability backend, where one loads
        qtbot.addWidget(window)
        with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT):
            window.sync.start()
        assert window.sync.status.connection == OFFLINE
        [item] = context.store.outbox_items()
        assert item.attempts == 1 and item.next_attempt_at > context.store.now()  # its backoff is still running
        qtbot.waitUntil(lambda: not window.sync.network_watch.isActive(), timeout=5000)
        # No backend loads in a container without NetworkManager: then the shorter retry timer stands in.
        assert window.sync.network is QNetworkInformation.instance()
        assert window.sync.network is not None or window.sync.retry.isActive()

        window.sync._reachability_changed(QNetworkInformation.Reachability.Online)  # what the backend emits
        # Due in 1.5 s, not at the next retry. (Qt's coarse timers may fire up to 5% late: not compared to the ms.)
        assert window.sync.soon.isActive() and window.sync.soon.interval() == SOON_MS
        with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT) as finished:
            pass  # nothing clicked: the return waited for the network, not for its backoff
        assert [entry[:3] for entry in finished.args[0].accepted] == [("1-101", "2026-09", 1)]
        assert window.sync.status.connection == ONLINE
        assert context.store.outbox_items() == []
        window.close()
    assert not window.sync.network_watch.isActive()


def test_without_a_reachability_backend_the_offline_retry_sends_what_waited_for_the_network(qtbot, context,
                                                                                             tracker):
    db, token = tracker
    with running_tracker(db) as tracker_url, FaultProxy(tracker_url, FaultPlan()) as network:
        connect_app(context, network.url, token)
        queue_september(context)
        network.plan = FaultPlan(["drop"])
        window = open_window(qtbot, context)
        with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT):
            window.sync_widget.send_button.click()
        assert window.sync.status.connection == OFFLINE
        assert window.sync.retry.isActive() and window.sync.retry.interval() == RETRY_OFFLINE_S * 1000
        with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT) as finished:
            window.sync.retry.start(0)  # the minute is up; its backoff (30 s and more) need not be
        assert [entry[:2] for entry in finished.args[0].accepted] == [("1-101", "2026-09")]
        assert window.sync.status.connection == ONLINE and not window.sync.retry.isActive()
        assert window.home.cards["1-101"].badge.text() == "Accepted"
        window.close()


def test_a_refused_token_asks_for_a_new_one_and_sending_resumes(qtbot, context, tracker):
    db, token = tracker
    with running_tracker(db) as url:
        connect_app(context, url, token)
        save_token(context.settings.tracker_url, "withdrawn-token")
        queue_september(context)
        window = open_window(qtbot, context)
        with qtbot.waitSignal(window.sync.token_needed, timeout=SYNC_TIMEOUT):
            qtbot.keyClick(window, Qt.Key.Key_F5)
        assert window.sync.status.connection == TOKEN_NEEDED
        assert window.sync_widget.text.text().startswith("The tracker refused the token")
        assert load_token(context.settings.tracker_url) is None  # forgotten, as the design says
        dialog = window.dialog
        assert isinstance(dialog, ConnectDialog) and dialog.isVisible()
        assert "refused the token" in " ".join(label.text() for label in dialog.findChildren(QLabel))

        dialog.panel.token_edit.setText(token)
        with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT) as finished:
            dialog.panel.connect_button.click()  # connect on a worker; then the controller syncs at once
        assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # closed (and deleted) once connected
        assert [entry[0] for entry in finished.args[0].accepted] == ["1-101"]
        assert window.sync.status.connection == ONLINE
        window.close()


def test_not_connected_says_so_and_offers_to_connect(qtbot, context):
    context.store.add_location(Location("1-101", "Sunny Care", "care_home"))
    queue_september(context)
    window = open_window(qtbot, context)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.sync.status.connection == NOT_CONNECTED
    assert window.sync_widget.text.text() == "Not connected to a tracker · 1 waiting to send"
    assert not window.sync_widget.send_button.isEnabled()
    assert not window.sync_widget.connect_button.isHidden()
    window.sync_widget.connect_button.click()
    assert isinstance(window.dialog, ConnectDialog)
    window.dialog.reject()
    window.close()


def test_a_set_aside_item_is_listed_as_a_problem_that_opens_its_return(qtbot, context, tracker):
    db, token = tracker
    with running_tracker(db) as url:
        connect_app(context, url, token)
        context.store.add_location(Location("1-999", "Not On The Tracker", "care_home"))
        queue_september(context, "1-999")
        window = open_window(qtbot, context)
        with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT) as finished:
            qtbot.keyClick(window, Qt.Key.Key_F5)
        assert [entry[:2] for entry in finished.args[0].set_aside] == [("1-999", "2026-09")]
        widget = window.sync_widget
        assert not widget.problems_button.isHidden() and widget.problems_button.text() == "⚠ 1 problem…"

        widget.problems_button.click()
        dialog = window.dialog
        assert isinstance(dialog, SyncProblemsDialog)
        assert dialog.table.item(0, 0).text() == "Not On The Tracker, September 2026"
        assert dialog.table.item(0, 1).text() == "Set aside"
        dialog.open_button.click()
        assert window.page is not None and window.stack.currentWidget() is window.page
        window.close()


def test_status_words_for_each_state():
    assert status_words(SyncStatus(connection=NOT_CONNECTED)) == "Not connected to a tracker · nothing waiting to send"
    assert status_words(SyncStatus(connection=ONLINE)) == "Online · all sent"
    assert status_words(SyncStatus(connection=OFFLINE, queued=2)) == \
        "Offline · 2 waiting to send when the tracker can be reached"
    assert status_words(SyncStatus(running=True, detail="Sending 1-101 September 2026 (1 of 2)")) == \
        "Sending… Sending 1-101 September 2026 (1 of 2)"


def test_a_card_drops_messages_that_no_longer_apply_once_its_return_is_accepted(qtbot, context, tracker):
    db, token = tracker
    with running_tracker(db) as tracker_url, FaultProxy(tracker_url, FaultPlan()) as network:
        connect_app(context, network.url, token)
        queue_september(context)
        network.plan = FaultPlan(["drop"])  # the network is down for the first send
        window = open_window(qtbot, context)
        card = window.home.cards["1-101"]
        with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT):
            qtbot.keyClick(window, Qt.Key.Key_F5)
        assert "not sent yet (the tracker could not be reached: check the network connection)" in \
            card.detail_label.text()
        window.home.select("1-101")
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert card.notice_text == "September 2026 is already queued to send."  # refused: it is queued

        with qtbot.waitSignal(context.events.sync_finished, timeout=SYNC_TIMEOUT) as finished:
            qtbot.keyClick(window, Qt.Key.Key_F5)  # the network is back
        assert [entry[:2] for entry in finished.args[0].accepted] == [("1-101", "2026-09")]
        assert card.badge.text() == "Accepted"
        assert "could not be reached" not in card.detail_label.text()
        assert card.notice_text == "" and card.notice.isHidden()
        window.close()


def test_the_connect_dialog_grows_to_show_the_whole_keyring_message(qtbot, context, tracker):
    import keyring
    from keyring.backends import fail

    db, token = tracker
    keyring.set_keyring(fail.Keyring())  # a computer without a keyring (the conftest fixture puts it back)
    with running_tracker(db) as url:
        dialog = ConnectDialog(context)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        before = dialog.height()
        dialog.panel.url_edit.setText(url)
        dialog.panel.token_edit.setText(token)
        dialog.panel.connect_button.click()
        label = dialog.panel.message
        qtbot.waitUntil(lambda: label.text().startswith("Not connected: no keyring"), timeout=SYNC_TIMEOUT)
        assert what_to_install() in label.text()  # what to install on this operating system, in words
        # Every wrapped line of it is on screen: the label has the height its text needs at its width,
        # and lies inside the dialog, above the Close button.
        qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=2000)
        assert label.wordWrap() and dialog.height() > before
        bottom = label.mapTo(dialog, label.rect().bottomLeft()).y()
        close = next(b for b in dialog.findChildren(QPushButton) if b.text().endswith("Close"))
        assert bottom < close.mapTo(dialog, close.rect().topLeft()).y() <= dialog.height()
        dialog.close()
