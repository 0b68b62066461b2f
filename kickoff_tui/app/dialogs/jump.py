"""Go to any question: type to filter by words, pick with Enter or the mouse."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kickoff_tui.app.format import safe
from kickoff_tui.app.roles import badge_markup
from kickoff_tui.app.widgets.field import Field
from kickoff_tui.record import Question


def matches(question: Question, query: str) -> bool:
    """Every word of ``query`` appears in the prompt, section, id or role of the question."""
    haystack = f"{question.prompt} {question.section} {question.id} {question.role}".lower()
    return all(word in haystack for word in query.lower().split())


class JumpDialog(ModalScreen[str | None]):
    """Returns the id of the chosen question, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="jump.cancel", tooltip="Stay on this question."),
        Binding("down", "down", show=False, id="jump.down"),
        Binding("up", "up", show=False, id="jump.up"),
    ]

    def __init__(self, questions: list[Question], answered: set[str]) -> None:
        super().__init__()
        self.questions = questions
        """Questions offered, in questionnaire order."""
        self.answered = answered
        """Ids of answered questions (marked with a check)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="jump-box", classes="dialog"):
            yield Static("Go to question", classes="dialog-title")
            yield Field(placeholder="Type words to filter, ↑↓ to move, Enter to go", id="jump-query")
            yield OptionList(id="jump-list")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, query: str) -> None:
        listing = self.query_one("#jump-list", OptionList)
        options = []
        for q in self.questions:
            if not matches(q, query):
                continue
            mark = "[$success]✓[/]" if q.id in self.answered else "[dim]·[/]"
            options.append(Option(f"{mark} {badge_markup(q.role, short=True)} {safe(q.prompt)}",
                                  id=q.id))
        listing.set_options(options)
        if options:
            listing.highlighted = 0

    @on(Input.Changed, "#jump-query")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#jump-query")
    def _go(self) -> None:
        option = self.query_one("#jump-list", OptionList).highlighted_option
        if option is not None:
            self.dismiss(option.id)

    @on(OptionList.OptionSelected, "#jump-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_down(self) -> None:
        self.query_one("#jump-list", OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one("#jump-list", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
