"""Quitting with answers the disk refused: say how many, offer to export them elsewhere first."""

from __future__ import annotations

from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kickoff_tui.app.format import safe

QuitChoice = Literal["export", "quit"]
"""``export``: pick a folder and write the session there first; ``quit``: leave anyway."""


class UnsavedDialog(ModalScreen[QuitChoice | None]):
    """Asks before quitting; returns the choice, or None to stay."""

    BINDINGS = [
        Binding("escape", "stay", "Stay", id="unsaved.stay", tooltip="Back to the meeting."),
    ]

    def __init__(self, summary: str, reason: str) -> None:
        super().__init__()
        self.summary = summary
        """E.g. "3 answers are not saved to disk"."""
        self.reason = reason
        """Why the last save was refused ("" when not known)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="unsaved-box", classes="dialog"):
            yield Static(f"[b $error]✗ {safe(self.summary)}[/]", classes="dialog-title",
                         id="unsaved-summary")
            if self.reason:
                yield Static(f"[dim]{safe(self.reason)}[/]", id="unsaved-reason")
            yield Static("Quitting now loses them. Export the session to a folder that can be "
                         "written (another disk, a USB stick), then quit.", id="unsaved-explain")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export elsewhere…", id="unsaved-export", variant="primary")
                yield Button("Quit anyway", id="unsaved-quit", variant="error")
                yield Button("Stay", id="unsaved-stay")

    def on_mount(self) -> None:
        self.query_one("#unsaved-export", Button).focus()

    @on(Button.Pressed, "#unsaved-export")
    def _export(self) -> None:
        self.dismiss("export")

    @on(Button.Pressed, "#unsaved-quit")
    def _quit(self) -> None:
        self.dismiss("quit")

    @on(Button.Pressed, "#unsaved-stay")
    def action_stay(self) -> None:
        self.dismiss(None)
