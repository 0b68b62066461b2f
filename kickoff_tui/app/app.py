"""``KickoffApp``: the facilitator's console for the kickoff meeting.

The app owns the current :class:`~kickoff_tui.record.session.Session` and the clock; screens
read and change the session through :class:`~kickoff_tui.app.controller.Controller`.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import deque
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Callable, ClassVar, Literal

from textual import events, work
from textual.message import Message
from textual.message_pump import MessagePump
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


KEY_POLL_S = 0.002
"""How often a held key checks whether the app has finished with the previous one."""
KEY_HOLD_LIMIT_S = 10.0
"""Longest a key is held back waiting for the app to settle: a safety net, so a screen that never
goes quiet cannot swallow the keyboard. Recording an answer takes well under a second; on a
heavily loaded 2-core machine (load 11) with a sizer slowed to 0.2 s it took over 2 s."""


def _raw_key(message: Message) -> bool:
    """A key as typed, not yet handed on to a widget (held keys wait for these)."""
    return isinstance(message, events.Key) and not message.is_forwarded


def _pump_busy(pump: MessagePump) -> bool:
    """Whether ``pump`` has messages queued or in hand, or callbacks due after the current one."""
    queue = pump._message_queue
    return bool(getattr(queue, "_unfinished_tasks", queue.qsize()) or pump._next_callbacks)


def screenshot_folder() -> Path:
    """Where a screenshot goes: the user's Downloads folder when it exists, else the current
    folder when it can be written, else Kickoff's data folder."""
    import os

    import platformdirs

    downloads = Path(platformdirs.user_downloads_dir())
    if downloads.is_dir() and os.access(downloads, os.W_OK):
        return downloads
    here = Path.cwd()
    if os.access(here, os.W_OK):
        return here
    from kickoff_tui.record.io import data_dir

    return data_dir()


def preserve_svg_spaces(svg: str) -> str:
    """``svg`` with ``xml:space="preserve"`` on its root element (once)."""
    if 'xml:space="preserve"' in svg[:400]:
        return svg
    return svg.replace("<svg ", '<svg xml:space="preserve" ', 1)


FOCUS_AFTER_RESIZE_S = 0.05
"""Wait after a terminal resize before scrolling the focused field back into view: the screens
lay out again on the refreshes that follow the resize event (a shorter wait scrolled to where
the field was in the old layout)."""


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
        self._held_keys: deque[events.Key] = deque()
        """Keys typed while the app was still busy with an earlier one, oldest first."""
        self._key_in_flight = False
        """True from handing a key on until the app has gone quiet after it."""
        self._held_since = 0.0
        """When the oldest held key started waiting (monotonic seconds)."""
        self._dispatching = 0
        """How many messages other than typed keys the app is in the middle of handling."""

    # --- keys, strictly one after another --------------------------------------------------
    # Textual hands each key to whatever has focus the moment the app reads it, while the
    # effects of the previous key (a Tab that moves focus, an Enter that saves and shows the
    # next question) are still travelling through the widgets' queues. Typed fast, or while the
    # app is busy, "35<Tab><Tab>why" then puts "why" into the number field. So keys wait here
    # until every widget of the screen has handled what the previous key set off.

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if not self._held_keys:
                self._held_since = time.monotonic()
            self._held_keys.append(event)
            self._pump_keys()
            return
        await super().on_event(event)

    @property
    def keys_pending(self) -> bool:
        """Keys typed but not yet handed on (tests and scripts wait for this to clear)."""
        return bool(self._held_keys) or self._key_in_flight

    def _settled(self) -> bool:
        """Nothing left to do for the previous key: no widget of the screen, and not the app
        itself, has messages or callbacks pending (keys not yet read do not count)."""
        if self._dispatching:
            return False
        pending = list(getattr(self._message_queue, "_queue", ()))
        if self._pending_message is not None:
            # Textual's loop takes the next message out of the queue early to see whether it
            # supersedes the current one; a bubbling Enter can wait there, out of the queue.
            pending.append(self._pending_message)
        if any(not _raw_key(m) for m in pending):
            return False
        screen = self.screen
        if _pump_busy(screen) or getattr(screen, "_callbacks", None):
            # ``_callbacks``: work a widget asked to run after the next repaint (the wizard
            # focuses the new question's field that way); a key must wait for it, however
            # slowly the terminal repaints.
            return False
        return not any(_pump_busy(node) for node in screen.walk_children(with_self=False))

    def _pump_keys(self) -> None:
        """Hand on the next held key once the app has settled."""
        if self._key_in_flight or not self._held_keys:
            return
        if not self._settled() and time.monotonic() - self._held_since < KEY_HOLD_LIMIT_S:
            self._key_in_flight = True
            # Not Textual's set_timer: its one-shot Timer skips (never fires) a tick found
            # overdue when its task first looks at the clock (Timer(skip=True), textual 8.2), so
            # a pause of the process longer than the poll (a busy machine, a garbage collection)
            # dropped the retry and held every later key for good. The event loop's call_later
            # always runs; the check itself still runs in the app's loop, between messages.
            asyncio.get_running_loop().call_later(KEY_POLL_S, self.call_next, self._retry_keys)
            return
        self._key_in_flight = True
        self.call_next(self._deliver_key, self._held_keys.popleft())

    def _retry_keys(self) -> None:
        self._key_in_flight = False
        self.call_next(self._pump_keys)

    async def _dispatch_message(self, message: Message) -> None:
        other = not _raw_key(message)
        self._dispatching += other
        try:
            await super()._dispatch_message(message)
        finally:
            self._dispatching -= other

    async def _deliver_key(self, event: events.Key) -> None:
        try:
            await super().on_event(event)
        finally:
            self._key_in_flight = False
            self._held_since = time.monotonic()
            self.call_next(self._pump_keys)

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

    def on_resize(self, event: events.Resize) -> None:
        """A shrinking terminal keeps the field being typed into on screen (at 80x24 the
        export folder field slid out of view while it kept the keys)."""
        self.set_timer(FOCUS_AFTER_RESIZE_S, self._keep_focus_in_view)

    def _keep_focus_in_view(self) -> None:
        if not self.screen_stack:  # a resize at start-up or shutdown: no screen yet, or none left
            return
        focused = self.screen.focused
        if focused is not None:
            focused.scroll_visible(animate=False)

    def action_help_quit(self) -> None:
        """Ctrl+C (copy in a text field) says how to quit, in plain words: Textual's own
        message carries ``[b]...[/b]``, which :meth:`notify` shows as typed."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(f"Press {self.get_key_display(active.binding)} to quit the app "
                            f"(every confirmed answer is already saved).", title="Do you want to quit?")
                return

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
                # Windows loops raise NotImplementedError, a loop outside the main
                # thread RuntimeError or ValueError; the app then simply runs without the handler.
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

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG of the screen to Downloads, else the folder Kickoff was started in, else
        the data folder, and say where (or why it could not be written)."""
        folder = Path(path) if path else screenshot_folder()
        try:
            written = self.save_screenshot(filename, str(folder))
        except OSError as err:
            self.notify(f"Could not write the screenshot to {folder}: {err.strerror or err}",
                        title="Screenshot not saved", severity="error")
            return
        self.notify(f"Saved to {written}", title="Screenshot saved")

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        """The screen as SVG, with its spaces kept: Rich writes each styled run as its own
        ``<text>`` and an SVG viewer strips a run's leading space unless told to preserve it,
        so "[b]Cost[/] of" showed as "Costof" in every screenshot (never in the terminal)."""
        svg = super().export_screenshot(title=title, simplify=simplify)
        return preserve_svg_spaces(svg)

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
