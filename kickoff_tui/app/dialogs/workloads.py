"""The workloads of a portfolio session: pick the one to answer for, add, rename or remove.

The dialog only says what the user asked for (:class:`WorkloadChoice`); the wizard has the
controller do it (and asks for confirmation before a removal)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from kickoff_tui.app.format import safe
from kickoff_tui.app.widgets.field import Field

WorkloadAction = Literal["select", "add", "rename", "remove"]


@dataclass(frozen=True)
class WorkloadChoice:
    action: WorkloadAction
    workload: str | None
    """The workload highlighted in the list (None when the session names none yet)."""
    name: str = ""
    """The name typed (add, rename)."""


class WorkloadsDialog(ModalScreen[WorkloadChoice | None]):
    """Returns what to do with the workloads, or None (Escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="workloads.cancel", tooltip="Change nothing.")]

    def __init__(self, names: list[str], current: str | None, first_label: str = "") -> None:
        super().__init__()
        self.names = names
        """The session's workloads, in order (empty: one unnamed workload)."""
        self.current = current
        self.first_label = first_label
        """How the one unnamed workload is listed before any is named."""

    def compose(self) -> ComposeResult:
        with Vertical(id="workloads-box", classes="dialog"):
            yield Static("Workloads on this platform", classes="dialog-title")
            yield Static("The application owner's and the AI team's sizing questions are asked once "
                         "per workload; IT's answers are shared by all of them.", id="workloads-help")
            yield OptionList(id="workloads-list")
            yield Field(placeholder="Name for a new workload, or the new name", id="workloads-name",
                        max_length=60)
            yield Static("", id="workloads-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Answer for it", id="workloads-select", variant="primary")
                yield Button("Add", id="workloads-add", variant="success")
                yield Button("Rename", id="workloads-rename")
                yield Button("Remove…", id="workloads-remove", variant="error")

    def on_mount(self) -> None:
        listing = self.query_one("#workloads-list", OptionList)
        if self.names:
            listing.set_options([Option(("▶ " if n == self.current else "  ") + safe(n), id=n)
                                 for n in self.names])
            listing.highlighted = self.names.index(self.current) if self.current in self.names else 0
        else:
            listing.set_options([Option(f"  {safe(self.first_label or 'this workload')} "
                                        "[dim](not named yet)[/]", id="")])
            listing.highlighted = 0
        self.query_one("#workloads-remove", Button).disabled = len(self.names) < 2
        self.query_one("#workloads-select", Button).disabled = len(self.names) < 2
        self.query_one("#workloads-name", Input).focus()

    def _highlighted(self) -> str | None:
        option = self.query_one("#workloads-list", OptionList).highlighted_option
        return option.id if option is not None and option.id else None

    def _typed(self) -> str:
        return " ".join(self.query_one("#workloads-name", Input).value.split())

    def _need_name(self) -> bool:
        if self._typed():
            return False
        self.query_one("#workloads-error", Static).update("[$error]Type a name first.[/]")
        self.query_one("#workloads-name", Input).focus()
        return True

    @on(OptionList.OptionSelected, "#workloads-list")
    @on(Button.Pressed, "#workloads-select")
    def _select(self) -> None:
        if self._highlighted() is not None:
            self.dismiss(WorkloadChoice("select", self._highlighted()))

    @on(Input.Submitted, "#workloads-name")
    @on(Button.Pressed, "#workloads-add")
    def _add(self) -> None:
        if not self._need_name():
            self.dismiss(WorkloadChoice("add", self._highlighted(), self._typed()))

    @on(Button.Pressed, "#workloads-rename")
    def _rename(self) -> None:
        if not self._need_name():
            self.dismiss(WorkloadChoice("rename", self._highlighted(), self._typed()))

    @on(Button.Pressed, "#workloads-remove")
    def _remove(self) -> None:
        if self._highlighted() is not None:
            self.dismiss(WorkloadChoice("remove", self._highlighted()))

    def action_cancel(self) -> None:
        self.dismiss(None)
