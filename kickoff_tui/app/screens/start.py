"""Start screen: new session, resume the last one, open a file, replay a past session."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from kickoff_tui.app.controller import RecentSession
from kickoff_tui.app.dialogs.open_file import OpenSessionDialog, recent_prompt
from kickoff_tui.app.format import safe
from kickoff_tui.app.widgets.footer import KeyFooter

BANNER = """\
[b $accent]K I C K O F F[/]
[b]Size the AI platform together, in one meeting.[/]
[dim]Application owner, AI team and IT answer their questions; the spec, red flags and \
decision log update as you go. Every answer is saved the moment it is confirmed.[/]"""
"""Text at the top of the start screen."""


class StartScreen(Screen[None]):
    """First screen of ``kickoff``."""

    BINDINGS = [
        Binding("n", "new", "New session", id="start.new",
                tooltip="Start a new kickoff: participants first, then the questions."),
        Binding("r", "resume", "Resume", id="start.resume",
                tooltip="Continue the most recently saved session."),
        Binding("o", "open", "Open file", id="start.open",
                tooltip="Open a saved session file (.toml) and continue it."),
        Binding("p", "replay", "Replay", id="start.replay",
                tooltip="Step through a past session's answers, spec and flags."),
        Binding("q", "app.quit", "Quit", id="start.quit", tooltip="Leave Kickoff."),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.recent: list[RecentSession] | None = None
        """Saved sessions (None until the worker has read the data folder)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="start-box"):
            yield Static(BANNER, id="start-banner")
            yield OptionList(
                Option("[b]N[/]  New session", id="new"),
                Option("[b]R[/]  Resume last session  [dim](looking…)[/]", id="resume"),
                Option("[b]O[/]  Open a session file…", id="open"),
                Option("[b]P[/]  Replay a past session…", id="replay"),
                id="start-actions",
            )
            yield Static("[b]Recent sessions[/]", classes="section-title")
            yield OptionList(Option("[dim]Reading the data folder…[/]", disabled=True),
                             id="start-recent")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#start-actions", OptionList).focus()
        self.scan_recent()

    def on_screen_resume(self) -> None:
        # Back from a session (or a dialog): the data folder may hold a new session by now.
        if self.recent is not None:
            self.scan_recent()

    @work(thread=True, exclusive=True, group="recent")
    def scan_recent(self) -> None:
        """Read the saved sessions off the UI thread (first paint does no I/O)."""
        recent = self.app.controller.recent_sessions()  # type: ignore[attr-defined]
        self.app.call_from_thread(self._show_recent, recent)

    def _show_recent(self, recent: list[RecentSession]) -> None:
        self.recent = recent
        actions = self.query_one("#start-actions", OptionList)
        unfinished = [r for r in recent if not r.signed_off]
        if unfinished:
            actions.replace_option_prompt(
                "resume", f"[b]R[/]  Resume last session  [dim]{safe(unfinished[0].title)}[/]"
            )
            actions.enable_option("resume")  # disabled while there was nothing to resume
        else:
            none = "(none yet)" if not recent else "(every saved session is signed off)"
            actions.replace_option_prompt("resume", f"[b]R[/]  Resume last session  [dim]{none}[/]")
            actions.disable_option("resume")
        listing = self.query_one("#start-recent", OptionList)
        listing.clear_options()
        if recent:
            listing.add_options(Option(recent_prompt(r), id=str(r.path)) for r in recent)
        else:
            listing.add_option(Option("[dim]No saved sessions yet. Press N to start one.[/]",
                                      disabled=True))

    @on(OptionList.OptionSelected, "#start-actions")
    def _action_chosen(self, event: OptionList.OptionSelected) -> None:
        {"new": self.action_new, "resume": self.action_resume, "open": self.action_open,
         "replay": self.action_replay}[event.option.id or "new"]()

    @on(OptionList.OptionSelected, "#start-recent")
    def _recent_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.load_session(Path(event.option.id))  # type: ignore[attr-defined]

    def action_new(self) -> None:
        self.app.begin_new_session()  # type: ignore[attr-defined]

    def action_resume(self) -> None:
        unfinished = [r for r in self.recent or [] if not r.signed_off]
        if not unfinished:
            self.notify("No unfinished session to resume; press N for a new one, or O to open one.")
            return
        self.app.load_session(unfinished[0].path)  # type: ignore[attr-defined]

    def action_open(self) -> None:
        def opened(path: Path | None) -> None:
            if path is not None:
                self.app.load_session(path)  # type: ignore[attr-defined]

        self.app.push_screen(OpenSessionDialog("Open a session", self.recent or []), opened)

    def action_replay(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self.app.load_session(path, replay=True)  # type: ignore[attr-defined]

        self.app.push_screen(OpenSessionDialog("Replay a session", self.recent or []), chosen)
