"""``KickoffApp``: the facilitator's console for the kickoff meeting.

The app owns the current :class:`~kickoff_tui.record.session.Session` and the clock; screens
read and change the session through :class:`~kickoff_tui.app.controller.Controller`.
"""

from __future__ import annotations

import asyncio
import signal
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Callable, ClassVar, Literal

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from kickoff_tui.app.commands import KickoffCommands
from kickoff_tui.app.controller import Controller
from kickoff_tui.app.themes import DARK_THEME, LIGHT_THEME, ROLE_VARIABLE_DEFAULTS, THEMES
from kickoff_tui.errors import KickoffError
from kickoff_tui.record.text import visible

NOT_SAVED_TIMEOUT_S = 24 * 3600.0
"""How long the "Answer NOT saved to disk" warning stays: until dismissed (a click), in
practice (Textual's ``timeout=0`` would expire it at once)."""

CLOSING_SIGNALS: tuple[str, ...] = ("SIGTERM", "SIGHUP")
"""Signals that end the app cleanly: terminal restored, the session saved where it can be."""

StartMode = Literal["start", "new", "open", "replay"]
"""Where the app opens: start screen, a new session, a saved session, or its replay."""


class KickoffApp(App[int]):
    """Runs a kickoff: start -> participants -> questions -> review (and replay)."""

    TITLE = "Kickoff"
    SUB_TITLE = "AI infrastructure kickoff"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {KickoffCommands}
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (112, "-wide")]
    """Below 112 columns the question list hides (jump with Ctrl+G) to keep the form readable."""
    VERTICAL_BREAKPOINTS: ClassVar = [(0, "-short"), (30, "-tall")]
    """Below 30 rows help texts shrink to keep the answer field above the fold."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help", tooltip="Show how a kickoff runs and every key."),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False,
                tooltip="Quit Kickoff (answers are already saved; asks first if the disk "
                        "refused any)."),
        Binding("ctrl+t", "toggle_theme", "Light/dark", id="app.theme", show=False,
                tooltip="Switch between the dark and the light theme."),
    ]

    def __init__(
        self,
        start: StartMode = "start",
        path: Path | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.start_mode: StartMode = start
        """Which screen opens first."""
        self.start_path: Path | None = path
        """Session file for ``open`` and ``replay``."""
        self.controller = Controller(clock=clock)
        """The session being run, and every operation on it."""
        for kickoff_theme in THEMES:
            self.register_theme(kickoff_theme)
        self.theme = theme or DARK_THEME

    def notify(  # type: ignore[override]
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification is plain text: messages carry user and file text (a rationale,
        a lock holder's host, a file error), which must never be read as markup. Control
        characters are shown as visible escapes."""
        super().notify(visible(message, keep_newlines=True), title=visible(title), severity=severity,
                       timeout=timeout, markup=False)

    def warn_not_saved(self, message: str) -> None:
        """The disk refused a save: a warning that stays until dismissed."""
        self.notify(message, title="Answer NOT saved to disk", severity="error",
                    timeout=NOT_SAVED_TIMEOUT_S)

    # --- quitting ---------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit, but ask first when answers are not on disk (and offer to export them)."""
        from kickoff_tui.app.dialogs.unsaved import UnsavedDialog

        summary = self.controller.unsaved_summary()
        if not summary or isinstance(self.screen, UnsavedDialog):
            self.exit()
            return

        def chosen(choice: str | None) -> None:
            if choice == "quit":
                self.exit()
            elif choice == "export":
                self._export_then_quit()

        self.push_screen(UnsavedDialog(summary, self.controller.last_save_error), chosen)

    def _export_then_quit(self) -> None:
        from kickoff_tui.app.dialogs.folder import FolderDialog

        explain = ("The session record (TOML) is written into this folder. Open it later with "
                   "kickoff open FILE to carry on.")

        def chosen(folder: Path | None) -> None:
            if folder is None:
                self.call_later(self.action_quit)  # back to the question
                return
            try:
                written = self.controller.export_toml(self.controller.rescue_path(folder))
            except KickoffError as err:
                self.warn_not_saved(str(err))
                self.call_later(self.action_quit)
                return
            self.notify(str(written), title="Exported")
            self.exit()

        self.push_screen(FolderDialog("Export the session elsewhere", explain, Path.home()), chosen)

    def install_signal_handlers(self) -> None:
        """SIGTERM and SIGHUP end the app the way Ctrl+Q does (terminal restored: alternate
        screen left, mouse tracking off, cursor shown) after a last save. Skipped where the
        loop cannot take signal handlers (not the main thread, Windows), and in headless runs
        (tests drive those; the process's own signals belong to the test runner)."""
        if self.is_headless:
            return
        with suppress(RuntimeError):
            loop = asyncio.get_running_loop()
            for name in CLOSING_SIGNALS:
                number = getattr(signal, name, None)
                if number is None:
                    continue
                with suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(number, self.close_on_signal, int(number))

    def close_on_signal(self, number: int) -> None:
        """Save what can be saved, then exit (code 128 + the signal number, as shells do)."""
        self.final_save()
        self.exit(return_code=128 + number)

    def final_save(self) -> None:
        """Write the session once more if anything is not on disk (best effort: a refusal is
        remembered, never raised, since the app is closing)."""
        from kickoff_tui.record import save_session
        from kickoff_tui.record.io import SaveFailed

        session = self.controller.session
        if session is None or not session.unsaved_events or session.autosave_file is None:
            return
        try:
            save_session(session, session.autosave_file)
        except SaveFailed as err:
            self.controller.note_save(err)
            return
        except KickoffError:
            return
        session.mark_saved()

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(ROLE_VARIABLE_DEFAULTS)

    def on_mount(self) -> None:
        from kickoff_tui.app.screens.start import StartScreen

        self.install_signal_handlers()
        self.push_screen(StartScreen())
        if self.start_mode == "new":
            self.begin_new_session()
        elif self.start_mode in ("open", "replay") and self.start_path is not None:
            self.load_session(self.start_path, replay=self.start_mode == "replay")

    # --- navigation -----------------------------------------------------------------------

    def begin_new_session(self) -> None:
        """Create a session and show the participants screen."""
        from kickoff_tui.app.screens.participants import ParticipantsScreen

        try:
            self.controller.new_session()
        except KickoffError as err:
            self.notify(str(err), title="Cannot start a session", severity="error")
            return
        self.push_screen(ParticipantsScreen())

    @work(thread=True, exclusive=True, group="load")
    def load_session(self, path: Path, replay: bool = False) -> None:
        """Read a session file off the UI thread, then open it (wizard or replay)."""
        try:
            session = self.controller.read(path)
        except KickoffError as err:
            self.call_from_thread(self.notify, str(err), title="Cannot open", severity="error")
            return
        self.call_from_thread(self._opened, session, path, replay)

    def _opened(self, session: object, path: Path, replay: bool) -> None:
        from kickoff_tui.app.screens.replay import ReplayScreen
        from kickoff_tui.app.screens.wizard import WizardScreen

        from kickoff_tui.record.lock import SessionLocked

        if replay:
            self.push_screen(ReplayScreen(session))  # type: ignore[arg-type]
            return
        try:
            self.controller.adopt(session, path)  # type: ignore[arg-type]
        except SessionLocked as err:
            # Another kickoff is writing this file: show it read-only instead of fighting it.
            self.notify(f"{err}. Opened read-only: step through it here, or open it again "
                        "once the other kickoff has quit.", title="Session in use",
                        severity="warning", timeout=12)
            self.push_screen(ReplayScreen(session))  # type: ignore[arg-type]
            return
        self.push_screen(WizardScreen())

    def replay_current(self) -> None:
        """Replay the session being run (from the record so far)."""
        from kickoff_tui.app.screens.replay import ReplayScreen

        if self.controller.session is not None:
            self.push_screen(ReplayScreen(self.controller.session))

    def go_home(self) -> None:
        """Back to the start screen; the session stays saved on disk."""
        from kickoff_tui.app.screens.start import StartScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, StartScreen):
            self.pop_screen()
        self.controller.release_lock()
        self.controller.session = None
        start = self.screen
        if isinstance(start, StartScreen):
            start.scan_recent()

    def on_unmount(self) -> None:
        self.controller.release_lock()

    # --- actions --------------------------------------------------------------------------

    def action_help(self) -> None:
        from kickoff_tui.app.dialogs.help import HelpDialog

        if isinstance(self.screen, HelpDialog):
            return
        self.push_screen(HelpDialog(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    def get_system_commands(self, screen: Screen):  # type: ignore[no-untyped-def]
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help (F1)", "How a kickoff runs, and every key", self.action_help)
        yield SystemCommand(
            "Theme: light", "Switch to the light theme (bright rooms, projectors)",
            lambda: setattr(self, "theme", LIGHT_THEME),
        )
        yield SystemCommand(
            "Theme: dark", "Switch to the dark theme", lambda: setattr(self, "theme", DARK_THEME)
        )
