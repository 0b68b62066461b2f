"""One red flag in detail: acknowledge it with a reason, or go fix the answer behind it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from kickoff_tui.app.format import cell, safe
from kickoff_tui.app.roles import badge_markup, role_label
from kickoff_tui.app.widgets.field import Field
from kickoff_tui.app.widgets.flags_panel import severity_markup
from kickoff_tui.record import FlagRecord, Participant, Questionnaire
from kickoff_tui.record.models import text_problem
from kickoff_tui.record.questionnaire import MAX_ANSWER_CHARS


@dataclass(frozen=True)
class FlagDecision:
    """What the user chose in the dialog."""

    action: str
    """``"acknowledge"`` or ``"goto"``."""
    reason: str = ""
    by: str = ""
    question_id: str = ""


class FlagDialog(ModalScreen[FlagDecision | None]):
    """Shows a flag; returns the decision, or None when closed."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="flag.close", tooltip="Close without changes."),
    ]

    def __init__(self, flag: FlagRecord, participants: list[Participant],
                 questionnaire: Questionnaire) -> None:
        super().__init__()
        self.flag = flag
        """The flag on display."""
        self.participants = participants
        """Who may acknowledge it."""
        self.questionnaire = questionnaire
        """For the prompts of the questions the flag is about."""

    def compose(self) -> ComposeResult:
        flag = self.flag
        questions = [self.questionnaire.find(q) for q in flag.questions]
        about = ", ".join(safe(q.prompt) for q in questions if q is not None)
        options = [(cell(f"{p.name} ({role_label(p.role)})"), p.name) for p in self.participants]
        owner = next((p.name for p in self.participants if p.role == flag.owner), None)
        with Vertical(id="flag-box", classes="dialog"):
            yield Static(f"{severity_markup(flag.severity)}  Red flag · owner "
                         f"{badge_markup(flag.owner)}", classes="dialog-title")
            yield Static(f"[b]{safe(flag.message)}[/]", id="flag-message")
            yield Static(f"[b]Fix:[/] {safe(flag.fix)}", id="flag-fix")
            if about:
                yield Static(f"[dim]About: {about}[/]", id="flag-about")
            if flag.state == "acknowledged":
                yield Static(f"[$success]✓ Acknowledged[/] by {safe(flag.by)}: {safe(flag.reason)}")
            else:
                yield Label("Or acknowledge it: who accepts it, and why")
                with Horizontal(id="flag-ack-row"):
                    yield Select(options, value=owner if owner else Select.NULL,
                                 allow_blank=owner is None, prompt="Who", id="flag-by")
                    yield Field(placeholder="Reason (required), e.g. budget fixed until Q3",
                                id="flag-reason")
                yield Static("", id="flag-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                if flag.questions:
                    yield Button("Change the answer", id="flag-goto", variant="primary")
                if flag.state != "acknowledged":
                    yield Button("Acknowledge", id="flag-ack", variant="warning")
                yield Button("Close", id="flag-close")

    def on_mount(self) -> None:
        if self.flag.state != "acknowledged":
            self.query_one("#flag-reason", Input).focus()

    @on(Button.Pressed, "#flag-goto")
    def _goto(self) -> None:
        self.dismiss(FlagDecision("goto", question_id=self.flag.questions[0]))

    @on(Button.Pressed, "#flag-ack")
    @on(Input.Submitted, "#flag-reason")
    def _ack(self) -> None:
        reason = self.query_one("#flag-reason", Input).value.strip()
        by = self.query_one("#flag-by", Select).value
        error = self.query_one("#flag-error", Static)
        if by is Select.NULL:
            error.update("✗ Pick who acknowledges the flag.")
            return
        if not reason:
            error.update("✗ A reason is required: the decision log keeps it.")
            self.query_one("#flag-reason", Input).focus()
            return
        problem = text_problem(reason, MAX_ANSWER_CHARS)
        if problem is not None:
            error.update(f"✗ Reason: {safe(problem)}; shorten it")
            self.query_one("#flag-reason", Input).focus()
            return
        self.dismiss(FlagDecision("acknowledge", reason=reason, by=str(by)))

    @on(Button.Pressed, "#flag-close")
    def action_close(self) -> None:
        self.dismiss(None)
