"""The wizard: one question at a time, with the live spec and the red flags beside it.

This screen is where the rules of the app live: it records confirmed answers through the
controller (which autosaves), re-sizes on every draft and every answer, and hands the results to
the panels. The panels only display what they are given.
"""

from __future__ import annotations

import time
from contextlib import suppress

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets._select import SelectOverlay
from textual.widgets.option_list import Option, OptionDoesNotExist
from textual.worker import get_current_worker

from kickoff_tui.app.controller import Controller
from kickoff_tui.app.dialogs.flag import FlagDecision, FlagDialog
from kickoff_tui.app.dialogs.jump import JumpDialog
from kickoff_tui.app.format import clip, safe
from kickoff_tui.app.messages import AnswerCleared, AnswerConfirmed, AnswerDrafted, FlagAction
from kickoff_tui.app.roles import ROLE_BADGES, badge_markup
from kickoff_tui.app.widgets.charts import MemoryChart
from kickoff_tui.app.widgets.flags_panel import FlagsPanel
from kickoff_tui.app.widgets.footer import KeyFooter
from kickoff_tui.app.widgets.portfolio_panel import PortfolioPanel
from kickoff_tui.app.widgets.question_form import QuestionForm, default_answerer
from kickoff_tui.app.widgets.spec_panel import SpecPanel, fabric_words
from kickoff_tui.errors import KickoffError
from kickoff_tui.planning.cost import MonthlyCost
from kickoff_tui.record import ROLES, AnswerValue, Question, Session
from kickoff_tui.sizing import SizedSpec

DRAFT_DEBOUNCE_S = 0.12
"""Pause in typing before a draft answer is sized. Keys of one burst come ~30-100 ms apart, so
sizing each of them would only be thrown away; 120 ms after the last key the preview follows
without the room noticing a lag. The sizing itself runs in a thread, never on the keyboard's."""
SIZING_NOTE = "◌ sizing…"
"""Shown on the spec panel's frame while a draft answer is being sized."""

NAV_PROMPT_WIDTH = 18
"""Characters of a prompt shown in the question list (the form shows it whole)."""


NOT_SAVED_NOTE = "NOT SAVED: export the session elsewhere from Review (Ctrl+R)"
"""Sub-title while the disk refuses the autosave."""


def saved_note(controller: Controller) -> str:
    """Where the answers are: "saved", read-only (kept in memory), or not saved."""
    if controller.read_only:
        return controller.read_only
    if controller.last_save_error and controller.unsaved_summary():
        return NOT_SAVED_NOTE
    return "saved"


ROLE_FILTERS: tuple[str | None, ...] = (None, *ROLES)
"""Filter cycle: all roles, then each role in turn."""


WORKLOADS_OPTION = "__workloads__"
"""Id of the question list's entry that opens the workloads dialog."""


def workload_by(session: Session) -> tuple[str, str | None]:
    """Who adds, renames or removes a workload: the application owner when one is listed."""
    for role in ("app_owner", None):
        for person in session.participants:
            if role is None or person.role == role:
                return person.name, person.role
    return "facilitator", None


def progress_text(session: Session, workload: str | None = None) -> str:
    """Required questions answered, and optional ones on top (as the start screen counts)."""
    questions = session.applicable(workload)  # a question whose condition is false is not counted
    answers = session.answers_for(workload)
    required = [q for q in questions if not q.optional]
    answered = sum(1 for q in required if q.id in answers)
    extra = sum(1 for q in questions if q.optional and q.id in answers)
    return f"{answered}/{len(required)} answered" + (f" (+{extra} optional)" if extra else "")


def fabric_answer(session: Session) -> str:
    """IT's scale-out fabric answer in words, for the spec panel ("" when the spec decides)."""
    answer = session.answer("fabric")
    return fabric_words(session.questionnaire, answer.value if answer is not None else None)


def assumed_value(question: Question, spec: SizedSpec | None) -> str:
    """What sizing uses while ``question`` is unanswered: its default, or the sizer's."""
    if question.default is not None:
        return question.label_of(question.default)
    if question.feeds and spec is not None:
        for assumption in spec.assumptions:
            if assumption.field == question.feeds:
                return _as_answer_label(question, assumption.value)
    return ""


def _as_answer_label(question: Question, value: str) -> str:
    """The sizer's assumed input as the answer would read: the choice's words ("One failed or
    updating replica (N+1 GPUs)", not ``n+1``), a number with the question's unit (``1,000 ms``,
    not ``1000``)."""
    if question.type == "yes_no" and value in ("True", "False"):
        return question.label_of(value == "True")  # "yes" / "no"
    if question.type == "choice":
        return question.label_of(value)
    if question.type == "number":
        try:
            number = float(value) / question.scale  # the input is the answer x scale
        except ValueError:
            return value
        return question.label_of(int(number) if number.is_integer() else round(number, 6))
    return value


class WizardScreen(Screen[None]):
    """Questions grouped by role and section, live spec, red flags."""

    BINDINGS = [
        # priority: these work while a text field or the scrolling form has focus
        Binding("ctrl+s", "save", "Save answer", id="wizard.save", priority=True,
                tooltip="Record the answer on screen now (Enter in a text field does the same)."),
        # priority: checked as the key arrives, before it reaches the answer field (or the
        # scrolling body, which would page instead), so the keys typed right after it are held
        # for the next question's field rather than sent to the one being replaced.
        Binding("pagedown,ctrl+n", "next", "Next", id="wizard.next", priority=True,
                tooltip="Next question in the list (nothing is recorded)."),
        Binding("pageup,ctrl+b", "back", "Back", id="wizard.back", priority=True,
                tooltip="Previous question in the list."),
        Binding("ctrl+g", "jump", "Go to", id="wizard.jump",
                tooltip="Jump to any question by typing words from it."),
        Binding("ctrl+f", "filter_role", "Role filter", id="wizard.filter", show=False,
                tooltip="Show all questions, or only those owned by one role."),
        Binding("ctrl+r", "review", "Review", id="wizard.review",
                tooltip="Spec, decision log, sign-off and export."),
        Binding("ctrl+o", "unanswered_first", "Unanswered first", id="wizard.unanswered",
                show=False, tooltip="List unanswered questions first (toggle)."),
        Binding("ctrl+l", "flags", "Red flags", id="wizard.flags", show=False,
                tooltip="Move to the red flags list (Enter opens a flag)."),
        Binding("f2", "people", "People", id="wizard.people", show=False,
                tooltip="Add, rename or remove participants (back with Escape)."),
        Binding("f3", "workloads", "Workloads", id="wizard.workloads", show=False,
                tooltip="The workloads on this platform: answer for another, add, rename, remove."),
    ]

    current_id: reactive[str] = reactive("", init=False)
    """Id of the question on display."""
    role_filter: reactive[str | None] = reactive(None, init=False)
    """Only questions owned by this role (None: all)."""
    unanswered_first: reactive[bool] = reactive(False, init=False)
    """List unanswered questions before answered ones."""
    sizing: reactive[bool] = reactive(False, init=False)
    """A draft answer is being sized; the spec panel says "sizing…" until it is back."""

    def __init__(self, question_id: str | None = None) -> None:
        super().__init__()
        self._start_id = question_id
        """Question to open first (default: the first unanswered one)."""
        self._last_answerer: int | None = None
        """Index of whoever answered last (preselected when a question's role has nobody)."""
        self._new_flags: set[str] = set()
        """Flags raised by the last answer (marked NEW in the panel)."""
        self._form: QuestionForm | None = None
        """The form of the current question (mounted shortly after it is built)."""
        self._draft_seq = 0
        self._draft_shown = False
        """True while the panels may show a draft answer instead of the recorded ones."""
        """Number of the latest draft; a sizing result for an older one is dropped."""

    @property
    def controller(self) -> Controller:
        return self.app.controller  # type: ignore[attr-defined,no-any-return]

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="wizard-body"):
            with Vertical(id="nav-col"):
                yield Static("", id="nav-title")
                yield OptionList(id="question-nav")
            with Vertical(id="main-col"):
                yield Vertical(id="form-scroll")
                yield FlagsPanel(id="flags", compact=True)
            with VerticalScroll(id="side-col"):
                yield SpecPanel(id="spec")
                yield PortfolioPanel(id="portfolio")
                yield MemoryChart(id="memory")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#side-col").border_title = "Sized spec (live)"
        self.query_one("#flags").border_title = "Red flags"
        self.query_one("#nav-col").border_title = "Questions"
        session = self.controller.require()
        start = self._start_id
        if start is None:
            unanswered = session.unanswered()
            start = unanswered[0].id if unanswered else session.questionnaire.questions[0].id
        self._refresh_results()
        self._show_question(start)

    # --- what is listed -----------------------------------------------------------------------

    def visible_questions(self) -> list[Question]:
        """Questions in the list, in order, after the role filter and the sort."""
        session = self.controller.require()
        workload = self.controller.current_workload()
        answers = session.answers_for(workload)
        questions = [q for q in session.applicable(workload)
                     if self.role_filter is None or q.role == self.role_filter]
        if self.unanswered_first:
            questions.sort(key=lambda q: q.id in answers)
        return questions

    def _fill_nav(self) -> None:
        session = self.controller.require()
        workload = self.controller.current_workload()
        answers = session.answers_for(workload)
        nav = self.query_one("#question-nav", OptionList)
        options: list[Option] = []
        section = None
        listed_workloads = False
        for q in self.visible_questions():
            if not self.unanswered_first and q.section != section:
                section = q.section
                options.append(Option(f"[b $accent]{safe(section)}[/]", disabled=True))
            if not listed_workloads and session.is_per_workload(q.id):
                listed_workloads = True  # the workloads list opens the application section
                names = session.workload_names()
                label = (", ".join(("▶" if n == workload else "") + n for n in names)
                         if names else "one · F3 adds")
                options.append(Option(f"[$accent]≡[/] Workloads: {safe(clip(label, NAV_PROMPT_WIDTH))}",
                                      id=WORKLOADS_OPTION))
            mark = "[$success]✓[/]" if q.id in answers else "[dim]·[/]"
            options.append(Option(f"{mark} {badge_markup(q.role, short=True)} "
                                  f"{safe(clip(q.prompt, NAV_PROMPT_WIDTH))}", id=q.id))
        nav.set_options(options)
        if self.current_id:
            with suppress(OptionDoesNotExist):  # the current question is filtered out
                nav.highlighted = nav.get_option_index(self.current_id)
        ids = [q.id for q in self.visible_questions()]
        if self._form is not None and self._form.question.id in ids:
            self._form.set_position((ids.index(self._form.question.id) + 1, len(ids)))
        label = ROLE_BADGES[self.role_filter] if self.role_filter else "all roles"
        order = " · unanswered first" if self.unanswered_first else ""
        answering = f"\n[b]for workload {safe(workload)}[/]" if workload is not None else ""
        self.query_one("#nav-title", Static).update(
            f"{progress_text(session, workload)}{answering}\n[dim]showing {label}{order}[/]"
        )

    # --- showing a question ---------------------------------------------------------------

    def _show_question(self, question_id: str) -> None:
        session = self.controller.require()
        question = session.questionnaire.get(question_id)
        listed = self.visible_questions()
        ids = [q.id for q in listed]
        if question_id not in ids:
            self.role_filter = None
            listed = self.visible_questions()
            ids = [q.id for q in listed]
        self.current_id = question_id
        if self._draft_shown:
            # Leaving a question with an unsaved draft (a choice highlighted, a number typed):
            # the panels go back to the recorded answers.
            self._refresh_results()
        spec = self.controller.spec()
        answer = session.answer(question_id, self.controller.current_workload())
        form = QuestionForm(
            question,
            # 0: a question that does not apply (opened from the log or a flag); the form says so
            position=(ids.index(question_id) + 1 if question_id in ids else 0, len(ids)),
            answer=answer,
            default_text=assumed_value(question, spec),
            participants=list(session.participants),
            answerer=default_answerer(question, list(session.participants), answer,
                                      self._last_answerer),
        )
        self._form = form
        self.call_next(self._swap_form, form)
        self._fill_nav()
        self._update_titles()

    async def _swap_form(self, form: QuestionForm) -> None:
        """Replace the form on screen (skipped when a newer question was asked for meanwhile)."""
        holder = self.query_one("#form-scroll", Vertical)
        await holder.remove_children()
        if form is self._form:
            await holder.mount(form)  # its on_mount focuses the answer field (next turn)

    def on_screen_resume(self) -> None:
        # Back from a dialog (go to, a flag) or the review: the cursor goes to the answer field,
        # not to whatever Textual restores (the old form may be gone by now).
        self.call_after_refresh(self._focus_current_form)

    def _focus_current_form(self) -> None:
        """Focus the answer field of the form on screen when the call runs (not of the one on
        screen when it was asked for: a dialog's action may have replaced it meanwhile)."""
        if self._form is not None and self._form.is_mounted:
            self._form.focus_input()

    def _update_titles(self) -> None:
        session = self.controller.require()
        self.title = f"Kickoff · {session.title}"
        workload = self.controller.current_workload()
        where = f" · workload {workload}" if workload is not None and len(session.workloads) > 1 else ""
        self.sub_title = f"{progress_text(session, workload)}{where} · {saved_note(self.controller)}"

    def _refresh_results(self, spec: SizedSpec | None = None, error: str | None = None) -> None:
        """Feed the panels: the session's spec (or a preview) and its flags."""
        session = self.controller.require()
        self._drop_draft()
        self._draft_shown = False
        if spec is None and error is None:
            workload = self.controller.current_workload()
            spec, error = self.controller.spec(), session.workload_sizing_error(workload)
            self._refresh_portfolio()
        panel = self.query_one("#spec", SpecPanel)
        panel.pending = f"Cannot size these answers: {error}" if error else ""
        panel.cost = self.controller.monthly_cost(spec)
        panel.scale_out_answer = fabric_answer(session)
        panel.spec = spec
        self.query_one("#memory", MemoryChart).spec = spec
        self.query_one("#flags", FlagsPanel).show(session.active_flags(), highlight=self._new_flags)

    # --- messages from the form and the flags -------------------------------------------------

    @on(AnswerDrafted)
    def _drafted(self, message: AnswerDrafted) -> None:
        """Size the draft in a worker (the latest draft wins); "sizing…" until it is back."""
        self._draft_seq += 1
        self._draft_shown = True
        self._show_sizing(True)
        answers = self.controller.draft_answers(message.question_id, message.value)
        self._size_draft(self._draft_seq, answers)

    @work(thread=True, exclusive=True, group="draft-sizing", exit_on_error=False)
    def _size_draft(self, seq: int, answers: dict[str, AnswerValue]) -> None:
        worker = get_current_worker()
        time.sleep(DRAFT_DEBOUNCE_S)
        if worker.is_cancelled or seq != self._draft_seq:
            return
        spec, error = self.controller.size_draft(answers)
        cost = self.controller.monthly_cost(spec, answers)
        if worker.is_cancelled or seq != self._draft_seq:
            return
        with suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(self._draft_sized, seq, spec, error, cost)

    def _draft_sized(self, seq: int, spec: SizedSpec | None, error: str,
                     cost: MonthlyCost | None = None) -> None:
        if seq != self._draft_seq or not self.is_mounted:
            return
        self._show_sizing(False)
        panel = self.query_one("#spec", SpecPanel)
        panel.pending = f"Cannot size these answers: {error}" if error else ""
        panel.cost = cost
        panel.spec = spec
        self.query_one("#memory", MemoryChart).spec = spec

    def _drop_draft(self) -> None:
        """Forget any draft being sized (an answer was recorded, or another question shown)."""
        self._draft_seq += 1
        self._show_sizing(False)

    def _show_sizing(self, pending: bool) -> None:
        """Say on the spec panel's frame that a draft is being sized (the figures follow)."""
        self.sizing = pending
        self.query_one("#side-col").border_subtitle = SIZING_NOTE if pending else ""

    @on(AnswerConfirmed)
    def _confirmed(self, message: AnswerConfirmed) -> None:
        try:
            outcome = self.controller.record_answer(
                message.question_id, message.value, message.by_name, message.by_role,
                message.rationale,
            )
        except KickoffError as err:
            if self._form is not None:
                self._form.set_error(str(err).split(": ", 1)[-1])
            return
        session = self.controller.require()
        for i, person in enumerate(session.participants):
            if person.name == message.by_name and person.role == message.by_role:
                self._last_answerer = i
        self._new_flags = {f.id for f in outcome.new_flags}
        for flag in outcome.new_flags:
            self.notify(f"{flag.message}\nFix: {flag.fix}",
                        title=f"Red flag raised ({flag.severity})",
                        severity="error" if flag.severity == "critical" else "warning",
                        timeout=8)
        for flag in outcome.cleared_flags:
            self.notify(flag.message, title="Red flag resolved by this answer", timeout=5)
        self._refresh_results()
        self._advance(message.question_id)
        if outcome.save_error:
            # Recorded in memory, refused by the disk: say so loudly, next to the next answer.
            self.app.warn_not_saved(outcome.save_error)  # type: ignore[attr-defined]
            self.call_after_refresh(self._show_save_error, outcome.save_error)

    def _show_save_error(self, message: str) -> None:
        self.sub_title = NOT_SAVED_NOTE
        if self._form is not None and self._form.is_mounted:
            self._form.set_error(message)

    def _advance(self, answered_id: str) -> None:
        ids = [q.id for q in self.visible_questions()]
        if answered_id in ids and ids.index(answered_id) + 1 < len(ids):
            self._show_question(ids[ids.index(answered_id) + 1])
        else:
            self._show_question(answered_id)
            self.notify("That was the last question in the list. Press Ctrl+R to review.",
                        title="End of the list")

    @on(AnswerCleared)
    def _cleared(self, message: AnswerCleared) -> None:
        try:
            save_error = self.controller.clear_answer(message.question_id, message.by_name,
                                                      message.by_role)
        except KickoffError as err:
            if self._form is not None:
                self._form.set_error(str(err).split(": ", 1)[-1])
            return
        if save_error:
            self.app.warn_not_saved(save_error)  # type: ignore[attr-defined]
        self._new_flags = set()
        self._refresh_results()
        self._show_question(message.question_id)

    # --- workloads ------------------------------------------------------------------------------

    def _refresh_portfolio(self) -> None:
        """Size the shared fleet in a worker (several workloads on every candidate SKU take a
        second or two); the portfolio panel says so meanwhile."""
        session = self.controller.require()
        panel = self.query_one("#portfolio", PortfolioPanel)
        side = self.query_one("#side-col")
        if len(session.workloads) < 2:
            panel.lines = ()
            panel.pending = ""
            side.border_title = "Sized spec (live)"
            return
        side.border_title = f"Sized spec (live) · {self.controller.current_workload()}"
        panel.pending = "Shared fleet: sizing…"
        self._size_portfolio(self.controller.current_workload())

    @work(thread=True, exclusive=True, group="portfolio-sizing", exit_on_error=False)
    def _size_portfolio(self, current: str | None) -> None:
        worker = get_current_worker()
        try:
            spec = self.controller.portfolio_spec()
        except KickoffError as err:
            spec, error = None, str(err)
        else:
            error = "" if spec is not None else self.controller.require().portfolio_error()
        if worker.is_cancelled:
            return
        with suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(self._portfolio_sized, spec, error, current)
        if spec is None or not spec.feasible:
            return
        try:  # the growth fit re-sizes the fleet month by month: shown once it is known
            growth = self.controller.portfolio_growth()
        except KickoffError:
            growth = None
        if growth is None or worker.is_cancelled:
            return
        with suppress(RuntimeError):
            self.app.call_from_thread(self._portfolio_sized, spec, error, current, growth)

    def _portfolio_sized(self, spec, error: str, current: str | None, growth=None) -> None:  # noqa: ANN001
        if not self.is_mounted:
            return
        self.query_one("#portfolio", PortfolioPanel).show_fleet(spec, error, current, growth, ("[b]Portfolio[/]",))

    def help_topic(self) -> str:
        """What F1 says first: the question on screen, its owner and its whole help text
        (below 30 rows the form shows only the first lines of it)."""
        form = self._form
        if form is None:
            return ""
        q = form.question
        session = self.controller.require()
        workload = self.controller.current_workload()
        where = (f" · for workload {safe(workload)}"
                 if workload is not None and len(session.workloads) > 1 and session.is_per_workload(q.id)
                 else "")
        lines = [f"[b]This question[/]  {badge_markup(q.role)} [dim]owns it · {safe(q.section)}{where}[/]",
                 f"[b]{safe(q.prompt)}[/]"]
        if q.help:
            lines.append(safe(q.help))
        if q.unit:
            lines.append(f"[dim]Answer in {safe(q.unit)}.[/]")
        if form.default_text:
            lines.append(f"[dim]Until it is answered, sizing assumes {safe(form.default_text)}.[/]")
        return "\n".join(lines)

    def action_workloads(self) -> None:
        from kickoff_tui.app.dialogs.workloads import WorkloadChoice, WorkloadsDialog
        from kickoff_tui.record.workloads import default_first_name

        session = self.controller.require()

        def chosen(choice: WorkloadChoice | None) -> None:
            if choice is None:
                return
            by, by_role = workload_by(self.controller.require())
            if choice.action == "remove":
                self._confirm_remove(choice.workload or "", by)
                return
            try:
                if choice.action == "select" and choice.workload:
                    self.controller.select_workload(choice.workload)
                    error = ""
                elif choice.action == "add":
                    error = self.controller.add_workload(choice.name, by, by_role)
                elif choice.action == "rename":
                    if not self.controller.require().workloads:  # name the one workload
                        error = self.controller.name_workload(choice.name, by, by_role)
                    else:
                        error = self.controller.rename_workload(choice.workload or "", choice.name, by)
                else:
                    return
            except KickoffError as err:
                self.notify(str(err), title="Workloads not changed", severity="error")
                return
            if error:
                self.app.warn_not_saved(error)  # type: ignore[attr-defined]
            self._after_workloads_changed(restart=choice.action in ("add", "select"))

        self.app.push_screen(WorkloadsDialog(session.workload_names(), self.controller.current_workload(),
                                             default_first_name(session.answers)), chosen)

    def _confirm_remove(self, name: str, by: str) -> None:
        from kickoff_tui.app.dialogs.confirm import ConfirmDialog

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                error = self.controller.remove_workload(name, by)
            except KickoffError as err:
                self.notify(str(err), title="Workload not removed", severity="error")
                return
            if error:
                self.app.warn_not_saved(error)  # type: ignore[attr-defined]
            self.notify(f"Workload {name!r} removed (its answers stay in the log).", title="Workloads")
            self._after_workloads_changed()

        self.app.push_screen(ConfirmDialog(
            f"Remove the workload {name!r}?",
            "Its answers no longer feed the fleet; the decision log keeps them.", "Remove"), confirmed)

    def _after_workloads_changed(self, restart: bool = False) -> None:
        """Panels re-fed; a workload added or picked opens at its first question (the start of
        the application section), otherwise the question on screen stays."""
        self._new_flags = set()
        self._refresh_results()
        session = self.controller.require()
        workload = self.controller.current_workload()
        if restart or not self.current_id:
            answers = session.answers_for(workload)
            per = [q for q in self.visible_questions() if session.is_per_workload(q.id)]
            first = next((q for q in per if q.id not in answers), per[0] if per else None)
            self._show_question(first.id if first is not None else self.current_id)
        else:
            self._show_question(self.current_id)
        if workload is not None:
            self.notify(f"Answering for the workload {workload!r}.", title="Workloads", timeout=3)

    @on(OptionList.OptionSelected, "#question-nav")
    def _nav_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == WORKLOADS_OPTION:
            self.action_workloads()
            return
        if event.option.id:
            self._show_question(event.option.id)

    @on(FlagAction)
    def _flag_action(self, message: FlagAction) -> None:
        self.open_flag(message.flag_id)

    def open_flag(self, flag_id: str) -> None:
        """Show a flag's dialog; acknowledge it or jump to its question."""
        session = self.controller.require()
        flag = session.flag(flag_id)

        def decided(decision: FlagDecision | None) -> None:
            if decision is None:
                return
            if decision.action == "goto":
                self._show_question(decision.question_id)
                return
            try:
                save_error = self.controller.acknowledge(flag_id, decision.reason, decision.by)
            except KickoffError as err:
                self.notify(str(err), title="Not acknowledged", severity="error")
                return
            if save_error:
                self.app.warn_not_saved(save_error)  # type: ignore[attr-defined]
            self._new_flags.discard(flag_id)
            self._refresh_results()
            self.notify(f"Acknowledged: {flag.message}", title="Red flag acknowledged")

        self.app.push_screen(FlagDialog(flag, list(session.participants), session.questionnaire),
                             decided)

    # --- actions ------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self._form is not None and self._form.is_mounted:
            self._form.confirm()

    def _step(self, delta: int) -> None:
        ids = [q.id for q in self.visible_questions()]
        if not ids:
            return
        index = ids.index(self.current_id) if self.current_id in ids else -delta
        target = index + delta
        if 0 <= target < len(ids):
            self._show_question(ids[target])
        elif target >= len(ids):
            self.notify("Last question in the list. Press Ctrl+R to review.", title="End")

    def _paging_a_list(self) -> None:
        """An open drop-down list pages with PgUp/PgDn instead (the keys are priority
        bindings here, so they must step aside explicitly)."""
        if isinstance(self.focused, SelectOverlay):
            raise SkipAction()

    def action_next(self) -> None:
        self._paging_a_list()
        self._step(1)

    def action_back(self) -> None:
        self._paging_a_list()
        self._step(-1)

    def action_jump(self) -> None:
        session = self.controller.require()

        def chosen(question_id: str | None) -> None:
            if question_id:
                self._show_question(question_id)

        workload = self.controller.current_workload()
        self.app.push_screen(JumpDialog(session.applicable(workload), set(session.answers_for(workload))),
                             chosen)

    def action_filter_role(self) -> None:
        index = ROLE_FILTERS.index(self.role_filter)
        self.set_role_filter(ROLE_FILTERS[(index + 1) % len(ROLE_FILTERS)])

    def set_role_filter(self, role: str | None) -> None:
        """Show only questions owned by ``role`` (None: all) and open the first of them."""
        self.role_filter = role
        listed = self.visible_questions()
        if listed and self.current_id not in {q.id for q in listed}:
            self._show_question(listed[0].id)
        else:
            self._fill_nav()
        label = ROLE_BADGES[role] if role else "all roles"
        self.notify(f"Showing questions for {label}.", title="Role filter", timeout=3)

    def action_unanswered_first(self) -> None:
        self.unanswered_first = not self.unanswered_first
        self._fill_nav()

    def action_review(self) -> None:
        from kickoff_tui.app.screens.review import ReviewScreen

        def back(question_id: str | None) -> None:
            # The review screen may have changed the session (sign-off, acknowledgements).
            self._new_flags = set()
            self._refresh_results()
            self._show_question(question_id or self.current_id)

        self.app.push_screen(ReviewScreen(), back)

    def action_people(self) -> None:
        from kickoff_tui.app.screens.participants import ParticipantsScreen

        def back(_result: None = None) -> None:
            # Names may have changed: the "Answered by" list and the panels follow.
            self._update_titles()
            self._refresh_results()
            self._show_question(self.current_id)

        self.app.push_screen(ParticipantsScreen(returns=True), back)

    def action_flags(self) -> None:
        listing = self.query_one("#flags-list", OptionList)
        if listing.option_count:
            if listing.highlighted is None:
                listing.highlighted = 0
            listing.focus()
        else:
            self.notify("No red flags right now.")

