"""Shift handover: "Who is working?" at each start, after four hours idle and after sleep; the name always shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog, QLineEdit

from ct_desktop.settings import Settings, load_settings, save_settings
from ct_desktop.store import open_store
from ct_desktop.ui import app as app_module
from ct_desktop.ui.main_window import MainWindow
from ct_desktop.ui.shift import IDLE_HANDOVER_S, SHIFT_PROMPT_TITLE, TICK_S, ShiftWatch


def prompts() -> list[QInputDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QInputDialog) and w.isVisible() and w.windowTitle() == SHIFT_PROMPT_TITLE]


def test_the_real_start_asks_who_is_working_with_the_last_name_ready_for_enter(qtbot, isolated_data_dir,
                                                                               monkeypatch):
    save_settings(isolated_data_dir, Settings(person="Amy", first_run_done=True))
    open_store(isolated_data_dir).close()
    seen: dict[str, object] = {}
    monkeypatch.setattr(app_module, "_show_sized", lambda window: window.show())

    def answer_then_close() -> None:
        [prompt] = prompts()
        edit = prompt.findChild(QLineEdit)
        seen["ready"] = (edit.text(), edit.selectedText(), prompt.focusWidget() is edit)
        [window] = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        seen["after_enter"] = (prompts(), window.person_button.text())
        window.change_person()
        [again] = prompts()
        qtbot.keyClicks(again.findChild(QLineEdit), "Ben")  # typed over the selected name
        qtbot.keyClick(again.findChild(QLineEdit), Qt.Key.Key_Return)
        seen["changed"] = window.person_button.text()
        window.close()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(100, answer_then_close)
    assert app_module.run_app(isolated_data_dir) == 0
    assert seen["ready"] == ("Amy", "Amy", True)
    assert seen["after_enter"] == ([], "Working as: Amy")
    assert seen["changed"] == "Working as: Ben"
    assert load_settings(isolated_data_dir).person == "Ben"


def test_a_blank_name_cannot_be_confirmed(qtbot, context):
    window = MainWindow(context, start_sync=False, use_network_information=False)
    qtbot.addWidget(window)
    window.show()
    window.change_person()
    prompt = window.shift_prompt
    ok = prompt.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    prompt.findChild(QLineEdit).setText("   ")
    assert not ok.isEnabled()
    prompt.reject()
    assert context.settings.person == "AB"
    window.close()


def test_windows_made_directly_do_not_ask(qtbot, context):
    window = MainWindow(context, start_sync=False, use_network_information=False)
    qtbot.addWidget(window)
    window.show()
    assert prompts() == []
    assert window.person_button.text() == "Working as: AB"
    assert window.person_button.isVisible()
    window.close()


class Wall:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_four_hours_without_a_key_or_click_ask_again(qtbot):
    wall = Wall()
    watch = ShiftWatch(clock=wall)
    asked: list[str] = []
    watch.handover_due.connect(asked.append)
    for _minute in range(IDLE_HANDOVER_S // TICK_S - 1):
        wall.now += TICK_S
        watch.check()
    assert asked == []
    wall.now += TICK_S
    watch.check()
    assert asked == ["idle"]
    wall.now += TICK_S
    watch.check()
    assert asked == ["idle"]  # counted again from the answer


def test_work_keeps_the_shift_going(qtbot):
    wall = Wall()
    watch = ShiftWatch(clock=wall)
    asked: list[str] = []
    watch.handover_due.connect(asked.append)
    watch.start()
    try:
        for _minute in range(2 * IDLE_HANDOVER_S // TICK_S):
            wall.now += TICK_S
            if _minute % 30 == 0:
                qtbot.keyClick(QApplication.instance().focusWidget() or _focus_target(qtbot), Qt.Key.Key_A)
            watch.check()
    finally:
        watch.stop()
    assert asked == []


def _focus_target(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    return edit


def test_waking_from_sleep_asks_again(qtbot):
    wall = Wall()
    watch = ShiftWatch(clock=wall)
    asked: list[str] = []
    watch.handover_due.connect(asked.append)
    wall.now += TICK_S
    watch.check()
    wall.now += 40 * 60  # the minute ticks did not run: the laptop lid was shut
    watch.check()
    assert asked == ["wake"]


def test_the_prompt_at_idle_opens_over_the_window_with_the_last_name(qtbot, context):
    from ct_desktop.ui.session import AppSession
    from ct_desktop.ui.single_instance import SingleInstance

    instance = SingleInstance(context.data_dir)
    assert instance.claim()
    session = AppSession(QApplication.instance(), instance, context, lambda: None, lambda w: w.show(),
                         lambda ctx: MainWindow(ctx, start_sync=False, use_network_information=False), ask_who=True)
    try:
        window = session.open_window()
        [first] = prompts()
        first.accept()
        assert prompts() == []
        session.shift_watch.handover_due.emit("idle")
        [again] = prompts()
        assert again.findChild(QLineEdit).text() == "AB"
        again.reject()
        window.close()
    finally:
        session.shift_watch.stop()
        instance.release()
