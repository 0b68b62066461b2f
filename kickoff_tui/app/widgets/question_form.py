"""One question on screen: owner role, help, the right input, who answers and why.

The form validates what is typed (inline, next to the field) and posts
:class:`~kickoff_tui.app.messages.AnswerDrafted` while the value changes and
:class:`~kickoff_tui.app.messages.AnswerConfirmed` when the answer is confirmed. It records
nothing itself: the wizard screen does that.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static, Switch

from kickoff_tui.app.format import cell, plain, safe
from kickoff_tui.app.messages import AnswerCleared, AnswerConfirmed, AnswerDrafted
from kickoff_tui.app.roles import ROLE_SHORT, badge_markup, role_label
from kickoff_tui.app.widgets.field import Field
from kickoff_tui.errors import KickoffError
from kickoff_tui.record import Answer, AnswerValue, Participant, Question
from kickoff_tui.record.models import text_problem
from kickoff_tui.record.questionnaire import MAX_ANSWER_CHARS
from kickoff_tui.record.workloads import pasted_answer_text

RADIO_MAX_CHOICES = 6
"""Up to this many choices show as radio buttons (all visible to the room); more use a list."""


def answerer_options(participants: list[Participant]) -> list[tuple[Text, str]]:
    """(label, key) per participant for the "Answered by" picker; key is the list index."""
    return [(cell(f"{p.name} · {ROLE_SHORT[p.role]}"), str(i)) for i, p in enumerate(participants)]


def default_answerer(question: Question, participants: list[Participant],
                     answer: Answer | None, last: int | None) -> int | None:
    """Index of the person to preselect: who answered before, else the question's owner role,
    else the last person who answered anything, else the first person."""
    if not participants:
        return None
    if answer is not None:
        for i, p in enumerate(participants):
            if p.name == answer.answered_by and p.role == answer.role:
                return i
    for i, p in enumerate(participants):
        if p.role == question.role:
            return i
    if last is not None and last < len(participants):
        return last
    return 0


def _plain(value: float) -> str:
    """A bound as people write it: 1,000,000 rather than 1e+06; 0.5 stays 0.5."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def unit_lines(unit: str, width: int) -> list[str]:
    """``unit`` in lines of at most ``width`` cells, broken after a space or a slash
    ("requests/user/hour" beside a field at 80 columns: "requests/" "user/hour"), a piece
    longer than the width on its own folded."""
    if width <= 0 or len(unit) <= width:
        return [unit]
    pieces: list[str] = []
    piece = ""
    for char in unit:
        piece += char
        if char in " /":
            pieces.append(piece)
            piece = ""
    if piece:
        pieces.append(piece)
    lines = [""]
    for piece in pieces:
        if lines[-1] and len(lines[-1]) + len(piece.rstrip()) > width:
            lines.append("")
        lines[-1] += piece
        while len(lines[-1].rstrip()) > width:
            lines[-1:] = [lines[-1][:width], lines[-1][width:]]
    return [line.rstrip() for line in lines if line.strip()]


class UnitLabel(Static):
    """A number's unit beside its field: it takes the columns the field leaves and breaks
    where the unit reads well (a unit wider than that was cut off: "requests/us")."""

    def __init__(self, unit: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.unit = unit

    def get_content_width(self, container, viewport) -> int:  # noqa: ANN001 - Size
        # never the columns the number field's min-width (app.tcss) keeps for its range hint
        fields = self.parent.query(Input) if self.parent is not None else []
        minimum = fields.first().styles.min_width if fields else None
        field_min = int(minimum.value) if minimum is not None else 0
        room = container.width - field_min - self.styles.gutter.width
        return max(min(len(self.unit), room), 4)

    def render(self) -> str:
        return safe("\n".join(unit_lines(self.unit, self.content_size.width)))

    def on_resize(self) -> None:
        self.refresh(layout=True)


SHORT_HELP_LINES = 3
"""Lines of a question's help shown below 30 rows (the ``Screen.-short #q-help`` rule)."""

SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)\.(?= )")
"""A full stop that ends a sentence ("e.g." and "i.e." do not)."""

MORE = " … F1: all of it"
"""How a shortened help text ends."""


class HelpText(Static):
    """A question's help; below 30 rows its first lines, ending in "… F1: all of it" when
    there is more (the rest was cut mid-sentence with nothing to say so)."""

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text

    def render(self):  # noqa: ANN201 - Content
        from textual.content import Content

        content = Content(self.text)
        width = self.content_size.width
        if width <= len(MORE) or not self.screen.has_class("-short"):
            return content
        lines = content.wrap(width)
        if len(lines) <= SHORT_HELP_LINES:
            return content
        kept = [line.plain.rstrip() for line in lines[:SHORT_HELP_LINES]]
        last = kept[-1]
        while last and len(last) + len(MORE) > width:  # drop whole words until the mark fits
            last = last[:-1].rsplit(" ", 1)[0] if " " in last[:-1] else ""
        ends = [m.end() for m in SENTENCE_END.finditer(last)]
        if ends:  # end on a whole sentence rather than a word or two into the next
            last = last[:ends[-1]]
        kept[-1] = last.rstrip(" ,;:")
        return Content("\n".join(kept)) + Content.styled(MORE, "italic")

    def on_resize(self) -> None:
        self.refresh(layout=True)


class QuestionForm(Vertical):
    """Shows :attr:`question`; rebuilt by the screen for each question."""

    def __init__(
        self,
        question: Question,
        *,
        position: tuple[int, int],
        answer: Answer | None,
        default_text: str,
        participants: list[Participant],
        answerer: int | None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.question = question
        """The question on display."""
        self.answer = answer
        """Its current answer, if any."""
        self.position = position
        """(number, count) in the current list, for "Question 3 of 24"."""
        self.default_text = default_text
        """What sizing assumes while the question is unanswered ("" when nothing)."""
        self.participants = participants
        """People who may answer."""
        self.answerer = answerer
        """Index of the preselected answerer."""
        self.add_class(f"owner-{question.role}")
        self._why_problem = False
        """True while the inline error is about the Why field (too long, control character)."""

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._meta_text(), id="q-meta")
        yield Static(f"[b]{safe(self.question.prompt)}[/]", id="q-prompt")
        with VerticalScroll(id="q-body"):
            yield from self._compose_body()

    def _meta_text(self) -> str:
        q = self.question
        number, count = self.position
        where = f"{number}/{count}" if number else (
            f"[$warning]not asked: applies only when {safe(q.when or '')}[/]")
        return f"{badge_markup(q.role)} [dim]owns this · {safe(q.section)} · {where}[/]"

    def set_position(self, position: tuple[int, int]) -> None:
        """The list around the question changed (role filter, unanswered first): say where it
        stands now, without rebuilding the form (a half-typed answer stays)."""
        if position == self.position:
            return
        self.position = position
        for meta in self.query("#q-meta").results(Static):
            meta.update(self._meta_text())

    def _compose_body(self) -> ComposeResult:
        q = self.question
        if q.help:
            yield HelpText(q.help, id="q-help")
        yield from self._compose_input()
        yield Static("", id="q-error", classes="field-error")
        options = answerer_options(self.participants)
        with Horizontal(classes="q-field-row"):
            yield Label("Answered by", classes="q-field-label")
            yield Select(
                options,
                value=str(self.answerer) if self.answerer is not None else Select.NULL,
                allow_blank=not options,
                prompt="Add people first",
                compact=True,
                id="q-by",
            )
        with Horizontal(classes="q-field-row"):
            yield Label("Why", classes="q-field-label")
            yield Field(
                self.answer.rationale if self.answer else "",
                placeholder="rationale, e.g. p99 of last month's logs",
                compact=True,
                id="q-why",
            )
        with Horizontal(id="q-buttons"):
            yield Button("Save answer ⏎", id="q-save", variant="primary", compact=True,
                         tooltip="Record this answer now (Ctrl+S, or Enter in a text field).")
            yield Button("Clear", id="q-clear", disabled=self.answer is None, compact=True,
                         tooltip="Withdraw the answer; sizing falls back to its default.")
        yield Static(self._status_text(), id="q-status")

    def _compose_input(self) -> ComposeResult:
        q = self.question
        current = self.answer.value if self.answer is not None else None
        if q.type == "choice":
            choices = q.all_choices()
            if len(choices) <= RADIO_MAX_CHOICES:
                with RadioSet(id="q-input"):
                    for choice in choices:
                        yield RadioButton(plain(choice.text), value=current == choice.value,
                                          name=choice.value)
            else:
                yield Select(
                    [(cell(c.text), c.value) for c in choices],
                    value=current if isinstance(current, str) else Select.NULL,
                    prompt="Pick one (Enter opens the list)",
                    id="q-input",
                )
        elif q.type == "yes_no":
            # Unanswered, the switch shows what sizing assumes (the question's default, else the
            # sizer's assumption): saving it with only a rationale records that, never the
            # opposite of what the status line says is assumed.
            if current is not None:
                start = bool(current)
            elif q.default is not None:
                start = bool(q.default)
            else:
                start = self.default_text.strip().lower() in ("yes", "true")
            with Horizontal(id="q-switch-row"):
                yield Switch(value=start, id="q-input")
                yield Static(self._yes_no(start), id="q-switch-label")
        elif q.type == "number":
            with Horizontal(id="q-number-row"):
                yield Field(
                    q.label_of(current).removesuffix(q.unit).strip() if current is not None else "",
                    placeholder=self._number_hint(),
                    id="q-input",
                )
                yield UnitLabel(q.unit or "", id="q-unit")
        else:
            hint = "e.g. 4h, 2d, 1w" if q.type == "duration" else "Type the answer"
            paste = None
            if q.type == "text":
                paste = partial(pasted_answer_text, q.portfolio)
            yield Field("" if current is None else str(current), placeholder=hint,
                        id="q-input", paste=paste)

    def _number_hint(self) -> str:
        q = self.question
        kind = "whole number" if q.integer else "number"
        if q.min is not None and q.max is not None:
            # short enough for a narrow field: a cut "whole number, 1 to" tells nobody anything
            return f"{_plain(q.min)} to {_plain(q.max)}" + (", whole" if q.integer else "")
        if q.min is not None:
            return f"{kind}, at least {_plain(q.min)}"
        if q.max is not None:
            return f"{kind}, at most {_plain(q.max)}"
        return kind.capitalize()

    @staticmethod
    def _yes_no(value: bool) -> str:
        return "[b]Yes[/]" if value else "[b]No[/]"

    def _status_text(self) -> str:
        if self.answer is not None:
            a = self.answer
            mismatch = (
                f"  [$warning]▲ answered by {safe(role_label(a.role))}, owner is "
                f"{safe(role_label(self.question.role))}[/]" if a.owner_mismatch else ""
            )
            why = f" · why: {safe(a.rationale)}" if a.rationale else ""
            return (f"[$success]✓ Recorded[/]: [b]{safe(self.question.label_of(a.value))}[/] "
                    f"by {safe(a.answered_by)} {badge_markup(a.role, short=True)}{why}{mismatch}")
        # what the keys record: a typed field and a choice record nothing until given one (the
        # assumption stays an assumption); a switch always holds a value
        if self.question.type in ("number", "text", "duration"):
            hint = "Enter or Ctrl+S records what you type"
        else:
            hint = "Ctrl+S records the switch" if self.question.type == "yes_no" else "Ctrl+S records the one you pick"
        if self.default_text:
            return (f"[dim]Not answered · sizing assumes [b]{safe(self.default_text)}[/] · "
                    f"{hint}[/]")
        return f"[dim]Not answered yet · {hint}[/]"

    def on_mount(self) -> None:
        self.focus_input()

    def focus_input(self) -> None:
        """Put the cursor in the answer field and scroll it into view (without animation, once
        the form is laid out: the same picture on a fast and a slow machine). Nothing when the
        form is already being replaced (a focus asked for after a dialog closed can run after
        the dialog's action swapped in the next question's form)."""
        fields = self.query("#q-input")  # (not is_mounted: it is still False in on_mount)
        if not fields:
            return
        field = fields.first()
        field.focus(scroll_visible=False)
        self.call_after_refresh(self._reveal, field)

    def _reveal(self, field: Widget) -> None:
        if isinstance(field, RadioSet) and field.pressed_index >= 0:
            field._selected = field.pressed_index  # arrows start from the current answer
        # The form can be on its way out by the time this refresh comes round (the next
        # question's form is being swapped in): then its body may already be gone.
        body = next(iter(self.query("#q-body").results(VerticalScroll)), None)
        if field.is_mounted and body is not None and body.is_mounted:
            body.scroll_to_widget(field, animate=False, immediate=True)

    # --- reading the value ------------------------------------------------------------------

    def raw_value(self) -> Any:
        """What the input holds, unvalidated (None when nothing is chosen)."""
        widget = self.query_one("#q-input")
        if isinstance(widget, RadioSet):
            pressed = widget.pressed_button
            return pressed.name if pressed is not None else None
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else widget.value
        if isinstance(widget, Switch):
            return widget.value
        if isinstance(widget, Input):
            return widget.value if widget.value.strip() else None
        return None

    def parsed_value(self, typed: str | None = None) -> tuple[AnswerValue | None, str]:
        """(valid value, "") or (None, error message for the user). ``typed``: the answer
        field's text as it stood when Enter was pressed (instead of what it holds now)."""
        raw = self.raw_value() if typed is None else (typed if typed.strip() else None)
        if raw is None:
            return None, ""
        try:
            return self.question.validate_value(raw), ""
        except KickoffError as err:
            message = str(err).split(": ", 1)[-1]
            return None, message

    def set_error(self, message: str) -> None:
        """Show (or clear) the inline error under the answer field."""
        error = self.query_one("#q-error", Static)
        error.update(f"✗ {safe(message)}" if message else "")
        self.query_one("#q-input").set_class(bool(message), "-invalid")

    # --- events -----------------------------------------------------------------------------

    def _draft(self) -> None:
        value, error = self.parsed_value()
        self.set_error(error)
        self.post_message(AnswerDrafted(self.question.id, value))

    @on(Input.Changed, "#q-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._draft()

    @on(Input.Changed, "#q-why")
    def _why_typed(self, event: Input.Changed) -> None:
        """Say at once when the rationale cannot be kept (a huge paste, a control character),
        instead of refusing it only when the answer is saved."""
        event.stop()
        problem = text_problem(event.value.strip(), MAX_ANSWER_CHARS)
        if problem is not None:
            self._why_problem = True
            self.set_error(f"Why: {problem}; shorten it (link long material instead)")
        elif self._why_problem:
            self._why_problem = False
            self._draft()

    @on(RadioSet.Changed, "#q-input")
    @on(Select.Changed, "#q-input")
    def _picked(self, event: RadioSet.Changed | Select.Changed) -> None:
        event.stop()
        self._draft()

    @on(Switch.Changed, "#q-input")
    def _switched(self, event: Switch.Changed) -> None:
        event.stop()
        self.query_one("#q-switch-label", Static).update(self._yes_no(event.value))
        self._draft()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = event.input.id
        self.confirm(answer=event.value if field == "q-input" else None,
                     why=event.value if field == "q-why" else None)

    @on(Button.Pressed, "#q-save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.confirm()

    @on(Button.Pressed, "#q-clear")
    def _clear_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        who = self.who()
        if who is None:
            self.set_error("Add people on the participants screen first.")
            return
        self.post_message(AnswerCleared(self.question.id, who.name, who.role))

    def who(self) -> Participant | None:
        """The person picked in "Answered by"."""
        select = self.query_one("#q-by", Select)
        if select.value is Select.NULL:
            return None
        index = int(str(select.value))
        return self.participants[index] if index < len(self.participants) else None

    def confirm(self, answer: str | None = None, why: str | None = None) -> bool:
        """Validate and post :class:`AnswerConfirmed`; False (with an inline error) if invalid.
        ``answer`` / ``why``: a field's text as it stood at Enter (the value Enter submitted)."""
        value, error = self.parsed_value(answer)
        if value is None:
            self.set_error(error or "Give an answer first.")
            self.focus_input()
            return False
        who = self.who()
        if who is None:
            self.set_error("Pick who gave the answer.")
            return False
        self.set_error("")
        rationale = self.query_one("#q-why", Input).value if why is None else why
        self.post_message(AnswerConfirmed(self.question.id, value, who.name, who.role, rationale))
        return True
