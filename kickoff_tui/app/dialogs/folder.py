"""Ask for a folder to write files into (the deployment export), like the open dialog asks for
a file: type a path, Enter; a path that names an existing file is refused inline."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from kickoff_tui.app.format import safe
from kickoff_tui.app.widgets.field import Field


class FolderDialog(ModalScreen[Path | None]):
    """Returns the chosen folder (it may not exist yet), or ``None`` when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="folder.cancel", tooltip="Close without writing."),
    ]

    def __init__(self, title: str, explain: str, default: Path) -> None:
        super().__init__()
        self._title = title
        """What the folder is for ("Export deployment files")."""
        self._explain = explain
        """One or two lines saying what will be written there."""
        self._default = default
        """Folder offered when the dialog opens."""

    def compose(self) -> ComposeResult:
        with Vertical(id="folder-box", classes="dialog"):
            yield Static(self._title, classes="dialog-title")
            yield Static(self._explain, id="folder-explain")
            yield Label("Folder (created if missing; files of the same name are replaced)")
            yield Field(str(self._default), id="folder-path")
            yield Static("", id="folder-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Write files", id="folder-ok", variant="primary")
                yield Button("Cancel", id="folder-cancel")

    def _try(self, text: str) -> None:
        error = self.query_one("#folder-error", Static)
        if not text.strip():
            error.update("Type a folder.")
            return
        path = Path(text.strip()).expanduser()
        if path.exists() and not path.is_dir():
            error.update(f"✗ Not a folder: {safe(path)}")
            return
        self.dismiss(path)

    @on(Input.Submitted, "#folder-path")
    def _submitted(self, event: Input.Submitted) -> None:
        self._try(event.value)

    @on(Button.Pressed, "#folder-ok")
    def _ok(self) -> None:
        self._try(self.query_one("#folder-path", Input).value)

    @on(Button.Pressed, "#folder-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
