"""Participants: who is in the room and which role each person speaks for."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Select, Static

from kickoff_tui.app.format import safe
from kickoff_tui.app.roles import badge_markup, role_label
from kickoff_tui.app.widgets.field import Field
from kickoff_tui.app.widgets.footer import KeyFooter
from kickoff_tui.errors import KickoffError
from kickoff_tui.record import ROLES
from kickoff_tui.record.models import MAX_NAME_CHARS, text_problem

NAME_MAX_CHARS = MAX_NAME_CHARS
"""Longest name or title accepted (a person's name or a meeting title, never a paste): the
record's own limit, so the screen and the file loader agree."""

ROLE_CHOICES = {
    "app_owner": "App owner: use case, SLOs",
    "ai_team": "AI team: model, serving",
    "it": "IT: GPUs, power, cooling",
}
"""What the role picker shows: the role and what it owns in the meeting."""

INTRO = (
    "Add each person in the room and the role they speak for. Every answer is recorded with "
    "who gave it, so the decision log shows who owns what."
)
"""Explanation under the screen title."""


class ParticipantsScreen(Screen[None]):
    """Names and roles; then on to the questions."""

    BINDINGS = [
        Binding("ctrl+n", "start", "Start questions", id="participants.start",
                tooltip="Go to the questions with the people listed here."),
        Binding("escape", "back", "Back", id="participants.back",
                tooltip="Back to the start screen (the session stays saved)."),
    ]

    def __init__(self, *, returns: bool = False) -> None:
        super().__init__()
        self.returns = returns
        """Opened from the questions (F2): Start and Escape go back to them."""

    def compose(self) -> ComposeResult:
        session = self.app.controller.require()  # type: ignore[attr-defined]
        yield Header()
        with VerticalScroll(id="participants-box"):
            yield Static("[b]Who is in the room?[/]", classes="screen-title")
            yield Static(INTRO, classes="intro")
            yield Label("Session title")
            yield Field(session.title, id="session-title", placeholder="e.g. Support assistant")
            yield Label("Add a person: name, role, then Enter or Add")
            with Horizontal(id="add-row"):
                yield Field(placeholder="Name", id="person-name")
                yield Select(
                    [(ROLE_CHOICES[r], r) for r in ROLES],
                    value=ROLES[0], allow_blank=False, id="person-role",
                )
                yield Button("Add", id="person-add", variant="primary")
            yield Static("", id="person-error", classes="field-error")
            yield Static("", id="coverage")
            yield Vertical(id="people")
            yield Button("Back to the questions  (Ctrl+N)" if self.returns
                         else "Start the questions  (Ctrl+N)", id="start-questions",
                         variant="success")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#person-name", Input).focus()
        self._refresh()

    def _refresh(self) -> None:
        session = self.app.controller.require()  # type: ignore[attr-defined]
        people = self.query_one("#people", Vertical)
        people.remove_children()
        if not session.participants:
            people.mount(Static("[dim]Nobody yet.[/]"))
        # a portfolio session keeps each workload's own answers apart from the shared ones
        given = [*session.answers.values(),
                 *(a for record in session.workloads for a in record.answers.values())]
        for index, person in enumerate(session.participants):
            answers = sum(1 for a in given if a.answered_by == person.name and a.role == person.role)
            count = f"  [dim]{answers} answer{'s' if answers != 1 else ''}[/]" if answers else ""
            people.mount(Horizontal(
                Static(f"{badge_markup(person.role)}  {safe(person.name)}{count}",
                       classes="person"),
                Button("Rename", name=str(index), classes="person-rename", compact=True,
                       tooltip=f"Correct {person.name}'s name."),
                Button("Remove", name=str(index), classes="person-remove", compact=True,
                       variant="error", tooltip=f"Take {person.name} off the list (asks first)."),
                classes="person-row",
            ))
        parts = []
        for role in ROLES:
            names = [p.name for p in session.participants if p.role == role]
            who = ", ".join(names) if names else "[$warning]nobody yet[/]"
            parts.append(f"{badge_markup(role, short=True)} {safe(who) if names else who}")
        self.query_one("#coverage", Static).update("Roles covered:  " + "   ".join(parts))
        # Suggest the first role nobody speaks for yet.
        missing = [r for r in ROLES if not any(p.role == r for p in session.participants)]
        if missing:
            self.query_one("#person-role", Select).value = missing[0]

    def _add(self) -> None:
        name_input = self.query_one("#person-name", Input)
        role = self.query_one("#person-role", Select).value
        error = self.query_one("#person-error", Static)
        name = name_input.value.strip()
        if not name:
            error.update("✗ Type a name first.")
            name_input.focus()
            return
        controller = self.app.controller  # type: ignore[attr-defined]
        try:
            save_error = controller.saving(controller.require().add_participant, name, str(role))
        except KickoffError as err:
            error.update(f"✗ {safe(err)}")
            return
        if save_error:
            self.app.warn_not_saved(save_error)  # type: ignore[attr-defined]
        error.update("")
        name_input.value = ""
        name_input.focus()
        self._refresh()

    def _person(self, button: Button) -> tuple[int, str, str] | None:
        session = self.app.controller.require()  # type: ignore[attr-defined]
        index = int(button.name or -1)
        if not 0 <= index < len(session.participants):
            return None
        person = session.participants[index]
        return index, person.name, person.role

    @on(Button.Pressed, ".person-rename")
    def _rename_person_pressed(self, event: Button.Pressed) -> None:
        from kickoff_tui.app.dialogs.rename import RenameDialog

        event.stop()
        found = self._person(event.button)
        if found is None:
            return
        _index, name, role = found

        def done(new_name: str | None) -> None:
            if new_name:
                self._change_person("rename_participant", name, role, new_name)

        self.app.push_screen(RenameDialog(name, role_label(role)), done)

    @on(Button.Pressed, ".person-remove")
    def _remove_person_pressed(self, event: Button.Pressed) -> None:
        from kickoff_tui.app.dialogs.confirm import ConfirmDialog

        event.stop()
        found = self._person(event.button)
        if found is None:
            return
        _index, name, role = found
        session = self.app.controller.require()  # type: ignore[attr-defined]
        answers = sum(1 for a in session.answers.values()
                      if a.answered_by == name and a.role == role)
        kept = (f" The {answers} answer{'s' if answers != 1 else ''} {name} gave stay in the record "
                "with their name." if answers else "")
        detail = (f"{name} ({role_label(role)}) leaves the participants list and can no longer be "
                  f"picked as the one answering.{kept} The session log records the removal.")

        def done(yes: bool | None) -> None:
            if yes:
                self._change_person("remove_participant", name, role)

        self.app.push_screen(ConfirmDialog(f"Remove {name}?", detail, "Remove"), done)

    def _change_person(self, method: str, *args: str) -> None:
        controller = self.app.controller  # type: ignore[attr-defined]
        error = self.query_one("#person-error", Static)
        try:
            save_error = controller.saving(getattr(controller.require(), method), *args)
        except KickoffError as err:
            error.update(f"✗ {safe(err)}")
            return
        if save_error:
            self.app.warn_not_saved(save_error)  # type: ignore[attr-defined]
        error.update("")
        self._refresh()

    @on(Input.Changed, "#person-name")
    @on(Input.Changed, "#session-title")
    def _check_length(self, event: Input.Changed) -> None:
        """Say at once when a pasted name or title is too long (or holds a control character)
        instead of cutting it silently; the text stays in the field to be shortened."""
        what = "Title" if event.input.id == "session-title" else "Name"
        problem = text_problem(" ".join(event.value.split()), NAME_MAX_CHARS)
        error = self.query_one("#person-error", Static)
        if problem is not None:
            error.update(f"✗ {what}: {safe(problem)}")
        elif str(error.render()).lower().startswith(("✗ title:", "✗ name:")):
            error.update("")

    @on(Input.Submitted, "#person-name")
    @on(Button.Pressed, "#person-add")
    def _add_pressed(self) -> None:
        self._add()

    @on(Input.Submitted, "#session-title")
    @on(Input.Blurred, "#session-title")
    def _rename(self) -> None:
        title = self.query_one("#session-title", Input).value
        controller = self.app.controller  # type: ignore[attr-defined]
        try:
            save_error = controller.saving(controller.require().set_title, title)
        except KickoffError as err:
            self.query_one("#person-error", Static).update(f"✗ {safe(err)}")
            return
        if save_error:
            self.app.warn_not_saved(save_error)  # type: ignore[attr-defined]
        else:
            controller.follow_title()  # the file name follows the title

    @on(Button.Pressed, "#start-questions")
    def action_start(self) -> None:
        from kickoff_tui.app.screens.wizard import WizardScreen

        self._rename()
        session = self.app.controller.require()  # type: ignore[attr-defined]
        name = self.query_one("#person-name", Input).value.strip()
        if name:
            self._add()
        if not session.participants:
            self.query_one("#person-error", Static).update(
                "✗ Add at least one person: every answer records who gave it."
            )
            self.query_one("#person-name", Input).focus()
            return
        missing = [role_label(r) for r in ROLES if not any(p.role == r for p in session.participants)]
        if missing:
            self.notify(f"Nobody speaks for: {', '.join(missing)}. Others can answer for them; "
                        "the log will show it.", title="Roles missing", severity="warning")
        if self.returns:
            self.dismiss(None)
            return
        self.app.switch_screen(WizardScreen())

    def action_back(self) -> None:
        if self.returns:
            self._rename()
            self.dismiss(None)
            return
        self.app.controller.abandon_if_empty()  # type: ignore[attr-defined]
        self.app.pop_screen()
