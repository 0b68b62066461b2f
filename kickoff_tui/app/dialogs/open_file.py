"""Pick a session file: type a path, or choose one of the sessions saved in the data dir."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from kickoff_tui.app.controller import RecentSession
from kickoff_tui.app.format import safe
from kickoff_tui.app.widgets.field import Field


def recent_prompt(item: RecentSession) -> str:
    """One line describing a saved session: title, last change, progress, sign-off."""
    signed = "  [b $success]✓ signed off[/]" if item.signed_off else ""
    return (
        f"[b]{safe(item.title)}[/]  [dim]{item.updated:%Y-%m-%d %H:%M}[/]  "
        f"{item.answered}/{item.total} answered{signed}"
    )


class OpenSessionDialog(ModalScreen[Path | None]):
    """Returns the chosen path, or ``None`` when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="open.cancel", tooltip="Close without opening."),
    ]

    def __init__(self, title: str, recent: list[RecentSession]) -> None:
        super().__init__()
        self._title = title
        """What the dialog is for ("Open a session" / "Replay a session")."""
        self._recent = recent
        """Sessions offered for a quick pick."""

    def compose(self) -> ComposeResult:
        with Vertical(id="open-box", classes="dialog"):
            yield Static(self._title, classes="dialog-title")
            yield Label("Session file (.toml)")
            yield Field(placeholder="path/to/session.toml, then Enter", id="open-path")
            yield Static("", id="open-error", classes="field-error")
            yield Label("Or pick a saved session")
            options = [Option(recent_prompt(r), id=str(r.path)) for r in self._recent]
            recent = OptionList(*options, id="open-recent")
            if not options:
                recent.display = False
            yield recent
            if not options:
                yield Static("[dim]No saved sessions in the data folder yet.[/]")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Open", id="open-ok", variant="primary")
                yield Button("Cancel", id="open-cancel")

    def _try(self, text: str) -> None:
        path = Path(text.strip()).expanduser()
        error = self.query_one("#open-error", Static)
        if not text.strip():
            error.update("Type a path or pick a session below.")
        elif not path.is_file():
            error.update(f"✗ No such file: {safe(path)}")
        else:
            self.dismiss(path)

    @on(Input.Submitted, "#open-path")
    def _submitted(self, event: Input.Submitted) -> None:
        self._try(event.value)

    @on(OptionList.OptionSelected, "#open-recent")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(Path(event.option.id))

    @on(Button.Pressed, "#open-ok")
    def _ok(self) -> None:
        self._try(self.query_one("#open-path", Input).value)

    @on(Button.Pressed, "#open-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
