"""Starting the desktop app: the QApplication, the profile, the store, the context, the first run, the main window.

Started without --profile or --data-dir, the app opens the Live profile, or asks which profile when
there is more than one (the one opened last is selected, so Enter opens it again).

A store that cannot be opened (damaged, unreadable, made by a newer version) is explained in a
message box and the app stops: it never starts afresh on an empty database behind the user's back.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from ct_desktop.paths import DataDirError, ensure_data_dir, resolve_data_dir
from ct_desktop.profiles import Profile, base_folder, last_used, list_profiles, profile_of_folder, remember
from ct_desktop.settings import Settings, SettingsError, load_settings
from ct_desktop.store import StoreError, StoreUnreadable, health, open_store
from ct_desktop.store.database import database_path
from ct_desktop.ui.context import AppContext, AppEvents
from ct_desktop.ui.session import AppSession
from ct_desktop.ui.single_instance import SingleInstance, ask_first_to_come_forward
from ct_desktop.ui.tasks import TaskRunner
from ct_desktop.ui.theme import APP_DISPLAY_NAME, apply_theme, prepare_high_dpi

EXIT_CANNOT_START = 2
# Set to any value: show the main window, print STARTED_LINE once it is on screen, and quit. Used by
# the installer's smoke test (does the frozen app reach its window?) and the start-up benchmark.
EXIT_AFTER_START_ENV = "CT_DESKTOP_EXIT_AFTER_START"
STARTED_LINE = "ct-desktop: main window shown"

# (title, text, detail) -> None; replaced in tests, which cannot click a modal box.
Reporter = Callable[[str, str, str], None]
# (title, text) -> True to go on; the same.
Asker = Callable[[str, str], bool]


def show_startup_error(title: str, text: str, detail: str = "") -> None:
    """A modal error box (the main window does not exist yet)."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, text)
    box.setInformativeText(detail)
    box.exec()


def ask_to_continue(title: str, text: str) -> bool:
    """A modal Yes/No question before the main window exists."""
    answer = QMessageBox.question(None, title, text)
    return answer == QMessageBox.StandardButton.Yes


DATA_FOLDER_ADVICE = ("Check that the folder and the drive it is on are there and that you may write to them "
                      "(a full or read-only drive, or a folder of another user, stops ct-desktop), or start "
                      "ct-desktop with --data-dir and a folder you can write to. Nothing has been changed.")


def report_unusable_data_folder(exc: Exception, report: Reporter | None = None) -> None:
    """Say in a message box that the data folder (or the profile asked for) cannot be used, before anything
    else of the app starts."""
    if QApplication.instance() is None:
        prepare_high_dpi()
        QApplication(sys.argv[:1])
    if isinstance(exc, DataDirError):
        (report or show_startup_error)("Cannot use the data folder", f"ct-desktop has not started: {exc}.",
                                       DATA_FOLDER_ADVICE)
    else:
        (report or show_startup_error)("No such profile", f"ct-desktop has not started: {exc}.",
                                       "Nothing has been changed.")


def choose_profile_at_start(profiles: list[Profile], selected: str | None) -> Profile | None:
    """The chooser, before any window: the profile chosen, or None when the person closed it."""
    from ct_desktop.ui.profile_dialogs import ProfileChooser

    chooser = ProfileChooser(profiles, selected)
    try:
        return chooser.chosen if chooser.exec() == QDialog.DialogCode.Accepted else None
    finally:
        chooser.deleteLater()


def starting_profile(data_dir: Path | None) -> Profile | None:
    """The profile to open: the data folder's own when one was given; else Live, or the one chosen when there
    are several; None when the person closed the chooser."""
    base = base_folder()
    if data_dir is not None:
        return profile_of_folder(data_dir, base)
    profiles = list_profiles(base)
    if len(profiles) == 1:
        return profiles[0]
    chosen = choose_profile_at_start(profiles, last_used(base))  # looked up now: tests replace it
    if chosen is not None:
        remember(base, chosen)
    return chosen


def store_error_text(exc: StoreError) -> tuple[str, str]:
    """(text, detail) for a store that cannot be opened, naming the files and what to do."""
    if isinstance(exc, StoreUnreadable):
        kept = f"A copy was kept as {exc.copy}. " if exc.copy else ""
        return (f"The saved returns in {exc.path} cannot be read, so ct-desktop has not started.",
                f"{exc}\n\n{kept}Restore a backup of {exc.path.name}, or move it away to start with an empty "
                "one. Nothing has been changed or deleted.")
    return ("ct-desktop cannot open its saved returns, so it has not started.", str(exc))


def open_context(data_dir: Path | None, report: Reporter | None = None, ask: Asker | None = None) -> AppContext | None:
    """The data folder, store, settings and task runner; None (after saying why) when they cannot be used."""
    report = report or show_startup_error
    ask = ask or ask_to_continue
    try:
        folder = ensure_data_dir(resolve_data_dir(data_dir))
    except DataDirError as exc:
        report("Cannot use the data folder", f"ct-desktop has not started: {exc}.", DATA_FOLDER_ADVICE)
        return None
    try:
        store = open_store(folder, full_check_when_due=False)  # a due full check runs in the background
    except StoreError as exc:
        report("Cannot open the saved returns", *store_error_text(exc))
        return None
    try:
        settings = load_settings(folder)
    except SettingsError as exc:
        if not ask("Settings cannot be read", f"{exc}.\n\nStart with default settings? The file is replaced only "
                                              "when you save settings; your returns are not affected."):
            store.close()
            return None
        settings = Settings()
    return AppContext(data_dir=folder, store=store, tasks=TaskRunner(), settings=settings, events=AppEvents())


def run_app(data_dir: Path | None, *, minimised: bool = False) -> int:
    """Run the desktop app until its window closes; the exit code (2 when it could not start).

    ``minimised`` (``--minimised``, as a start with the computer): the window starts hidden in the tray,
    or minimised where there is no tray or reminders are off; a window reopened later is shown as usual.

    A second start on a data folder the app already has open brings that window forward and exits 0.
    Without a data folder, the profile is Live, or the one chosen when there are several.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):  # None on a normal start; typed as the core base
        prepare_high_dpi()
        app = QApplication(sys.argv[:1])
    apply_theme(app)
    profile = starting_profile(data_dir)
    if profile is None:
        return 0
    data_dir = profile.folder
    instance = claim_data_folder(data_dir)
    if instance is None:
        return 0
    context = open_context(data_dir, show_startup_error, ask_to_continue)  # looked up now: tests replace them
    if context is None:
        instance.release()
        return EXIT_CANNOT_START
    first_run = not context.settings.first_run_done  # the first run asks who is working itself
    session = AppSession(app, instance, context, lambda: open_context(data_dir, show_startup_error,
                                                                      ask_to_continue),
                         _show_in_tray_once() if minimised else _show_sized,
                         ask_who=not first_run,
                         open_folder=lambda folder: open_context(folder, show_startup_error, ask_to_continue))
    try:
        if first_run and not _first_run(context):
            return 0
        window = session.open_window()  # imports the main window: after the first run, nothing to build before
        if os.environ.get(EXIT_AFTER_START_ENV):
            QTimer.singleShot(0, lambda: _report_started_and_quit(app, window))
        return app.exec()
    finally:
        session.close()


def claim_data_folder(data_dir: Path | None) -> SingleInstance | None:
    """This app's hold on the data folder; None when another app has it (it was asked to come forward)."""
    folder = resolve_data_dir(data_dir)
    with contextlib.suppress(DataDirError):
        ensure_data_dir(folder)  # a folder that cannot be used is reported by open_context
    instance = SingleInstance(folder)
    if instance.claim():
        if instance.took_over_stale_lock:
            health.mark_unclean(database_path(folder))  # the last app was killed: check the file in full
        return instance
    if not ask_first_to_come_forward(folder):
        show_startup_error("ct-desktop is already open",
                           f"Another ct-desktop has the data folder {folder} open but does not answer.",
                           "Wait for it to finish starting, or close it, and try again.")
    return None


def _report_started_and_quit(app: QApplication, window: QWidget) -> None:
    # Runs from the event loop after the window was shown, so the window has really been laid out.
    print(f"{STARTED_LINE}: {window.windowTitle()}", flush=True)
    window.close()
    app.quit()


def _first_run(context: AppContext) -> bool:
    from ct_desktop.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog(context)
    dialog.setWindowTitle(f"Welcome — {APP_DISPLAY_NAME}")
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return accepted


def _show_in_tray_once() -> Callable[[QWidget], None]:
    """The first window goes to the tray (minimised without one); any later one is shown as usual."""
    first = [True]

    def show(window: QWidget) -> None:
        if not first[0]:
            _show_sized(window)
            return
        first[0] = False
        tray = getattr(window, "tray", None)
        if tray is None or not tray.active:
            window.showMinimized()
        # In the tray: nothing shown; its icon opens the window, and "Who is working?" waits until then.

    return show


def _show_sized(window: QWidget) -> None:
    # A small laptop screen (1366x768) gets a maximised window; a large one a comfortable size.
    screen = QApplication.primaryScreen()
    available = screen.availableGeometry() if screen is not None else None
    if available is None or available.width() <= 1400 or available.height() <= 800:
        if available is not None:
            # Without a window manager "maximised" does nothing: the window is given the screen itself.
            window.setGeometry(available)
        window.showMaximized()
        return
    window.resize(min(1280, int(available.width() * 0.9)), min(860, int(available.height() * 0.9)))
    window.show()
