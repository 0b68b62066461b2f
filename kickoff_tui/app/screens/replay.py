"""Replay: step through a session's events with the spec and flags as they stood at each step,
next to the final answers re-sized with today's catalog."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from kickoff_tui.app.format import safe
from kickoff_tui.app.roles import badge_markup, role_label
from kickoff_tui.app.widgets.flags_panel import FlagsPanel
from kickoff_tui.app.widgets.footer import KeyFooter
from kickoff_tui.app.widgets.spec_panel import SpecPanel, fabric_words
from kickoff_tui.planning.cost import MonthlyCost
from kickoff_tui.record import Event, ReplayState, Session, replay_states
from kickoff_tui.sizing import SizedSpec


def describe_event(event: Event, session: Session) -> str:
    """One line for the event list: who did what."""
    who = safe(event.by) if event.by else "[dim]someone[/]"
    badge = f"{badge_markup(event.role, short=True)} " if event.role else ""
    question = session.questionnaire.find(event.question) if event.question else None
    label = safe(question.prompt if question else (event.question or ""))
    value = safe(question.label_of(event.value) if question else event.value)
    kind = event.kind
    if kind == "participant":
        what = "joined"
    elif kind == "participant_remove":
        what = "was taken off the participants list"
    elif kind == "participant_rename":
        what = f"was renamed to [b]{safe(event.value)}[/]"
    elif kind == "answer":
        what = f"answered [b]{label}[/] = [b]{value}[/]"
    elif kind == "change":
        old = safe(question.label_of(event.previous) if question else event.previous)
        what = f"changed [b]{label}[/]: {old} → [b]{value}[/]"
    elif kind == "rationale":
        why = safe(event.rationale) if event.rationale else "[dim](removed)[/]"
        what = f"gave the reason for [b]{label}[/]: {why}"
    elif kind == "clear":
        what = f"withdrew the answer to [b]{label}[/]"
    elif kind == "flag_ack":
        what = f"acknowledged flag [b]{safe(event.flag)}[/]: {safe(event.reason)}"
    elif kind == "flag_resolve":
        what = f"resolved flag [b]{safe(event.flag)}[/]"
    elif kind == "signoff":
        what = "[$success]signed off the spec[/]" if event.value else "withdrew the sign-off"
    elif kind == "cadence":
        what = f"set the review cadence to [b]{value}[/] (next {event.next_review})"
    elif kind == "title":
        what = f"renamed the session to [b]{value}[/]"
    elif kind == "workload_add":
        what = f"added the workload [b]{safe(event.workload)}[/]"
    elif kind == "workload_rename":
        what = f"renamed the workload [b]{safe(event.workload)}[/] to [b]{safe(event.value)}[/]"
    elif kind == "workload_remove":
        what = f"removed the workload [b]{safe(event.workload)}[/]"
    else:  # pragma: no cover - new kinds show raw
        what = safe(kind.replace("_", " "))
    if event.workload and kind in ("answer", "change", "rationale", "clear"):
        what = f"[dim]{safe(event.workload)}:[/] {what}"
    withdrawn = kind == "signoff" and not event.value
    if event.rationale and (withdrawn or kind in ("workload_add", "workload_remove", "participant_remove")):
        what += f": {safe(event.rationale)}"
    if kind in ("answer", "change", "clear") and event.reason:
        what += f" [$warning]▲ {safe(event.reason)}[/]"
    return f"[dim]{event.seq:>3} {event.at:%H:%M}[/] {badge}{who} {what}"


class ReplayScreen(Screen[None]):
    """Read-only walk through a session's log."""

    BINDINGS = [
        Binding("escape", "close", "Close replay", id="replay.close",
                tooltip="Leave the replay (the session file is untouched)."),
        Binding("right,n", "step(1)", "Next step", id="replay.next", key_display="→",
                tooltip="Next event."),
        Binding("left,b", "step(-1)", "Previous step", id="replay.back", key_display="←",
                tooltip="Previous event."),
        Binding("home", "jump(0)", "First", id="replay.first", tooltip="Before the first event."),
        Binding("end", "jump(-1)", "Last", id="replay.last", tooltip="After the last event."),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        """The recorded session (never changed here)."""
        self.states: list[ReplayState] = []
        """State before the first event (index 0) and after each event."""
        self.step = 0
        """Index into :attr:`states` on display."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="replay-body"):
            with Vertical(id="events-col"):
                yield OptionList(Option("[dim]Replaying the log…[/]", disabled=True),
                                 id="replay-events")
            with VerticalScroll(id="replay-main"):
                yield Static("", id="replay-step")
                with Horizontal(id="replay-compare"):
                    with Vertical(id="replay-then", classes="compare-col"):
                        yield SpecPanel(id="replay-spec")
                    with Vertical(id="replay-today", classes="compare-col"):
                        yield SpecPanel(id="replay-spec-today")
                yield FlagsPanel(id="replay-flags")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = f"Replay · {self.session.title}"
        self.sub_title = f"{len(self.session.events)} events · read-only"
        self.query_one("#events-col").border_title = "Events"
        self.query_one("#replay-then").border_title = "Spec at this step"
        self.query_one("#replay-flags").border_title = "Red flags at this step"
        self.query_one("#replay-today").border_title = "Re-sized today"
        self.compute_states()

    @work(thread=True, exclusive=True, group="replay")
    def compute_states(self) -> None:
        """Re-size every step off the UI thread (one sizing per event)."""
        states = list(replay_states(self.session, include_start=True))
        today = self.session.spec()
        self.app.call_from_thread(self._ready, states, today)

    def _ready(self, states: list[ReplayState], today: object) -> None:
        self.states = states
        events = self.query_one("#replay-events", OptionList)
        options = [Option("[dim]  0 start[/] before the first event", id="0")]
        options += [Option(describe_event(s.event, self.session), id=str(s.step))
                    for s in states[1:] if s.event is not None]
        events.set_options(options)
        today_panel = self.query_one("#replay-spec-today", SpecPanel)
        last = states[-1] if states else None
        if last is not None:  # the figures the wizard and Review show for the same answers
            today_panel.cost = self._cost(today, last)  # type: ignore[arg-type]
            today_panel.scale_out_answer = self._fabric(last)
        today_panel.spec = today  # type: ignore[assignment]
        events.focus()
        self.show_step(len(states) - 1)

    def _cost(self, spec: SizedSpec | None, state: ReplayState) -> MonthlyCost | None:
        """The monthly cost the wizard's panel and the Plan tab show (staff included, with its
        basis), for the answers at this step."""
        values = {qid: a.value for qid, a in state.answers.items()}
        return self.app.controller.monthly_cost(  # type: ignore[attr-defined]
            spec, values, self.session.questionnaire)

    def _fabric(self, state: ReplayState) -> str:
        answer = state.answers.get("fabric")
        return fabric_words(self.session.questionnaire, answer.value if answer is not None else None)

    def show_step(self, index: int) -> None:
        """Display the state at ``index`` (0 = before any event)."""
        if not self.states:
            return
        index = max(0, min(index, len(self.states) - 1))
        self.step = index
        state = self.states[index]
        events = self.query_one("#replay-events", OptionList)
        if events.highlighted != index:
            events.highlighted = index
        panel = self.query_one("#replay-spec", SpecPanel)
        panel.pending = state.sizing_error
        panel.cost = self._cost(state.spec, state)
        panel.scale_out_answer = self._fabric(state)
        panel.spec = state.spec
        self.query_one("#replay-flags", FlagsPanel).show(
            [f for f in state.flags if f.is_active])
        head = ("Before the first event" if state.event is None
                else describe_event(state.event, self.session))
        answered = len(state.answers) + sum(len(a) for a in (state.workloads or {}).values())
        self.query_one("#replay-step", Static).update(
            f"[b]Step {index} of {len(self.states) - 1}[/] · {answered} answered\n{head}\n"
            f"{self._recorded_note()}"
        )

    def _recorded_note(self) -> str:
        """What was signed off (if anything) against what today's catalog makes of it."""
        from kickoff_tui.catalog import catalog_version

        signed = self.session.signed_spec
        today = f"[dim]Right: the final answers re-sized with today's catalog ({safe(catalog_version())}).[/]"
        if signed is None:
            if self.session.signoffs:
                # a portfolio session keeps no single signed spec: each workload's and the
                # fleet's were signed as sized then; say who signed, not "Not signed off"
                who = ", ".join(f"{role_label(s.role)} ({safe(s.name)})" for s in self.session.signoffs)
                return (today + f"\nAt the end of the log: [$success]✓ signed off[/] by {who} "
                        f"[dim](catalog {safe(self.session.catalog_version)})[/]")
            return today + "\n[dim]At the end of the log: not signed off.[/]"
        return (today + f"\nAt the end of the log: [$success]✓ signed off[/] with [b]{signed.total_gpus} × "
                f"{safe(signed.gpu_name)}[/] [dim](catalog {safe(self.session.catalog_version)})[/]")

    @on(OptionList.OptionHighlighted, "#replay-events")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.states and event.option_index != self.step:
            self.show_step(event.option_index)

    def action_step(self, delta: int) -> None:
        self.show_step(self.step + delta)

    def action_jump(self, index: int) -> None:
        self.show_step(index if index >= 0 else len(self.states) - 1)

    def action_close(self) -> None:
        self.app.pop_screen()
