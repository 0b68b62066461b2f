"""Correct a participant's name: one field, Enter saves, Escape leaves it as it was."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from kickoff_tui.app.format import safe
from kickoff_tui.app.widgets.field import Field
from kickoff_tui.record.models import MAX_NAME_CHARS, text_problem


class RenameDialog(ModalScreen[str | None]):
    """Returns the new name, or None on Cancel or Escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="rename.cancel", tooltip="Keep the name as it is."),
    ]

    def __init__(self, name: str, role_text: str) -> None:
        super().__init__()
        self.old_name = name
        self.role_text = role_text

    def compose(self) -> ComposeResult:
        with Vertical(id="rename-box", classes="dialog"):
            yield Static(f"[b]Rename {safe(self.old_name)}[/]", classes="dialog-title")
            yield Static(f"[dim]Speaks for {safe(self.role_text)}. The answers and sign-offs they "
                         "gave carry the new name; the log keeps the rename.[/]")
            yield Field(self.old_name, id="rename-name", placeholder="Name")
            yield Static("", id="rename-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Rename", id="rename-yes", variant="primary")
                yield Button("Cancel", id="rename-no")

    def on_mount(self) -> None:
        self.query_one("#rename-name", Input).focus()

    @on(Input.Changed, "#rename-name")
    def _check(self, event: Input.Changed) -> None:
        problem = text_problem(" ".join(event.value.split()), MAX_NAME_CHARS)
        self.query_one("#rename-error", Static).update(f"✗ Name: {safe(problem)}" if problem else "")

    @on(Input.Submitted, "#rename-name")
    @on(Button.Pressed, "#rename-yes")
    def _save(self) -> None:
        name = " ".join(self.query_one("#rename-name", Input).value.split())
        if not name:
            self.query_one("#rename-error", Static).update("✗ Type a name first.")
            return
        problem = text_problem(name, MAX_NAME_CHARS)
        if problem is not None:
            self.query_one("#rename-error", Static).update(f"✗ Name: {safe(problem)}")
            return
        self.dismiss(name)

    @on(Button.Pressed, "#rename-no")
    def action_cancel(self) -> None:
        self.dismiss(None)
