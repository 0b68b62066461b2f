"""A yes/no question before something that cannot be undone (overwriting files)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kickoff_tui.app.format import safe


class ConfirmDialog(ModalScreen[bool]):
    """Returns True when the user confirms, False on Cancel or Escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="confirm.cancel", tooltip="Leave everything as it is."),
    ]

    def __init__(self, title: str, detail: str, confirm_label: str) -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Static(f"[b $warning]{safe(self.title_text)}[/]", classes="dialog-title", id="confirm-title")
            yield Static(safe(self.detail), id="confirm-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm_label, id="confirm-yes", variant="warning")
                yield Button("Cancel", id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()  # the safe choice has the focus

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_cancel(self) -> None:
        self.dismiss(False)
