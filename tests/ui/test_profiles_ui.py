"""Profiles in the app: the name in the title bar, the chooser at the start, File > Switch profile… and
File > New profile…, one lock per profile."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sample_returns import CARE_HOME, HOME_CARE

from ct_desktop.app_lock import app_holding
from ct_desktop.period import Period
from ct_desktop.profiles import add_profile, last_used, remember
from ct_desktop.settings import Settings, load_settings, save_settings
from ct_desktop.store import open_store
from ct_desktop.ui import app as app_module
from ct_desktop.ui.context import AppContext, AppEvents
from ct_desktop.ui.first_run import FirstRunDialog
from ct_desktop.ui.main_window import MainWindow
from ct_desktop.ui.profile_dialogs import NewProfileDialog, ProfileChooser
from ct_desktop.ui.session import AppSession
from ct_desktop.ui.single_instance import SingleInstance
from ct_desktop.ui.tasks import TaskRunner

SEPTEMBER = Period(2026, 9)


def started(folder, person="AB", location=CARE_HOME):
    """A data folder past its first run, with one location."""
    folder.mkdir(parents=True, exist_ok=True)
    save_settings(folder, Settings(person=person, first_run_done=True))
    with open_store(folder) as store:
        store.add_location(location)
    return folder


def visible(kind):
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def when_shown(kind, act, tries: int = 200) -> None:
    """Run ``act(widget)`` once a window of that kind is shown (the modal ones block the test meanwhile)."""
    shown = visible(kind)
    if shown:
        act(shown[0])
    elif tries:
        QTimer.singleShot(50, lambda: when_shown(kind, act, tries - 1))


def test_the_title_bar_always_shows_the_profile(qtbot, context):
    context.store.add_location(CARE_HOME)
    window = MainWindow(context, start_sync=False, use_network_information=False)
    qtbot.addWidget(window)
    assert window.windowTitle() == "Live — Capacity Tracker return"
    window.open_return(CARE_HOME.id, SEPTEMBER)
    assert window.windowTitle() == "Sunny Care, September 2026 — Live — Capacity Tracker return"
    window.show_history(CARE_HOME.id, SEPTEMBER)
    assert window.windowTitle() == "History — Live — Capacity Tracker return"
    window.close()


def test_a_training_profile_says_so_in_the_title(qtbot, isolated_data_dir, clock):
    folder = started(add_profile(isolated_data_dir, "Training").folder)
    store = open_store(folder)
    context = AppContext(data_dir=folder, store=store, tasks=TaskRunner(), settings=load_settings(folder),
                         events=AppEvents(), clock=clock)
    window = MainWindow(context, start_sync=False, use_network_information=False)
    qtbot.addWidget(window)
    assert window.windowTitle() == "Training — Capacity Tracker return"
    window.show_home()
    assert window.windowTitle() == "Training — Capacity Tracker return"
    window.close()


def test_with_two_profiles_the_start_asks_which_with_the_last_used_ready_for_enter(qtbot, isolated_data_dir,
                                                                                   monkeypatch):
    started(isolated_data_dir)
    training = add_profile(isolated_data_dir, "Training")
    started(training.folder, location=HOME_CARE)
    remember(isolated_data_dir, training)
    seen: dict[str, object] = {}

    def answer_the_chooser(chooser: ProfileChooser) -> None:
        seen["choices"] = [chooser.list.item(row).text() for row in range(chooser.list.count())]
        seen["selected"] = chooser.chosen.name
        qtbot.keyClick(chooser.list, Qt.Key.Key_Return)

    def look_and_close(_first: MainWindow) -> None:
        windows = visible(MainWindow)
        seen["titles"] = [w.windowTitle() for w in windows]
        seen["cards"] = [list(w.home.cards) for w in windows]
        seen["lock"] = app_holding(training.folder)
        for window in windows:
            window.close()

    monkeypatch.setattr(AppSession, "ask_who_is_working", lambda self, why="": None)
    when_shown(ProfileChooser, answer_the_chooser)
    when_shown(MainWindow, look_and_close)
    assert app_module.run_app(None) == 0
    assert seen["choices"] == ["Live — not connected to a tracker", "Training — not connected to a tracker"]
    assert seen["selected"] == "Training"
    assert seen["titles"] == ["Training — Capacity Tracker return"]
    assert seen["cards"] == [[HOME_CARE.id]]  # Training's own locations
    assert seen["lock"] == os.getpid()  # the lock of the profile opened, not Live's
    assert app_holding(training.folder) is None and app_holding(isolated_data_dir) is None


def test_closing_the_chooser_starts_nothing(qtbot, isolated_data_dir):
    started(isolated_data_dir)
    add_profile(isolated_data_dir, "Training")
    when_shown(ProfileChooser, lambda chooser: chooser.reject())
    assert app_module.run_app(None) == 0
    assert visible(MainWindow) == []


def test_with_only_live_there_is_no_chooser(qtbot, isolated_data_dir, monkeypatch):
    started(isolated_data_dir)
    monkeypatch.setattr(app_module, "choose_profile_at_start", lambda *a: pytest.fail("no chooser with one profile"))
    monkeypatch.setattr(AppSession, "ask_who_is_working", lambda self, why="": None)
    titles: list[str] = []

    def close(window: MainWindow) -> None:
        titles.append(window.windowTitle())
        window.close()

    when_shown(MainWindow, close)
    assert app_module.run_app(None) == 0
    assert titles == ["Live — Capacity Tracker return"]


@pytest.fixture
def session(qtbot, isolated_data_dir, clock):
    """The app's session on Live, whose window does not sync; it opens other profiles as the app does."""
    started(isolated_data_dir)
    opened: list[AppContext] = []

    def open_folder(folder) -> AppContext:
        context = AppContext(data_dir=folder, store=open_store(folder), tasks=TaskRunner(),
                             settings=load_settings(folder), events=AppEvents(), clock=clock)
        opened.append(context)
        return context

    instance = SingleInstance(isolated_data_dir)
    assert instance.claim()
    running = AppSession(QApplication.instance(), instance, open_folder(isolated_data_dir), lambda: None,
                         lambda window: window.show(),
                         lambda ctx: MainWindow(ctx, start_sync=False, use_network_information=False),
                         open_folder=open_folder)
    yield running
    if running.message is not None:
        running.message.close()
    if running.window is not None:
        running.window.close()
    running.close()
    for context in opened:
        context.tasks.shutdown()
        context.store.close()


def test_switching_profile_reopens_the_window_on_the_other_one_and_keeps_everything(qtbot, session,
                                                                                    isolated_data_dir):
    training = add_profile(isolated_data_dir, "Training")
    started(training.folder, person="CD", location=HOME_CARE)
    first = session.open_window()
    first.open_return(CARE_HOME.id, SEPTEMBER)
    session.context.store.set_value(CARE_HOME.id, SEPTEMBER, "beds_max_capacity", 40, "AB")
    first.actions_by_name["switch_profile"].trigger()
    chooser = first.dialog
    assert isinstance(chooser, ProfileChooser) and chooser.chosen.name == "Live"  # the one open
    assert chooser.list.item(0).text().endswith("(open now)")
    chooser.list.setCurrentRow(1)
    qtbot.keyClick(chooser.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.window is not None and session.window is not first)
    window = session.window
    assert window.windowTitle() == "Training — Capacity Tracker return"
    assert list(window.home.cards) == [HOME_CARE.id]
    assert session.context.data_dir == training.folder
    assert app_holding(training.folder) == os.getpid() and app_holding(isolated_data_dir) is None
    assert last_used(isolated_data_dir) == "Training"
    with open_store(isolated_data_dir) as live:  # what was typed in Live is all there
        assert live.get_return(CARE_HOME.id, SEPTEMBER).values["beds_max_capacity"] == 40


def test_a_profile_open_in_another_window_is_not_opened_twice(qtbot, session, isolated_data_dir):
    training = add_profile(isolated_data_dir, "Training")
    started(training.folder, location=HOME_CARE)
    other = SingleInstance(training.folder)  # another ct-desktop has Training open
    assert other.claim()
    try:
        first = session.open_window()
        session.switch_profile(training)
        assert session.window is first and session.context.data_dir == isolated_data_dir
        assert session.message is not None and "The profile Training is open in another ct-desktop window" in \
            session.message.text()
    finally:
        other.release()


def test_a_new_profile_refuses_a_bad_name_then_opens_with_its_first_run(qtbot, session, isolated_data_dir):
    first = session.open_window()
    first.actions_by_name["new_profile"].trigger()
    dialog = first.dialog
    assert isinstance(dialog, NewProfileDialog)
    for bad, why in (("../Live", "'../Live' cannot be a profile name: use letters, digits"),
                     ("live", "There is already a profile 'Live': choose another name.")):
        dialog.name_edit.setText(bad)
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.message.text().startswith(why) and "\n" not in dialog.message.text()
    assert not (isolated_data_dir / "profiles").exists() or list((isolated_data_dir / "profiles").iterdir()) == []
    welcomed: list[str] = []

    def finish_the_first_run(welcome: FirstRunDialog) -> None:
        welcomed.append(welcome.windowTitle())
        welcomed.append(welcome.person_edit.text())
        welcome.offline_choice.setChecked(True)
        welcome.accept()

    when_shown(FirstRunDialog, finish_the_first_run)
    dialog.name_edit.setText("Training")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.window is not None and session.window is not first)
    assert welcomed == ["Welcome to the profile Training", "AB"]  # the name of who is working, ready
    assert session.window.windowTitle() == "Training — Capacity Tracker return"
    assert (isolated_data_dir / "profiles" / "Training" / "ct-desktop.db").exists()
    assert load_settings(isolated_data_dir / "profiles" / "Training").first_run_done
