"""The app's one handle on the session: create, load, answer, flag, sign off, export.

Screens call these methods; nothing here touches a widget. Every change goes straight into the
record layer's :class:`~kickoff_tui.record.Session`, which appends an event and autosaves it, so
an answer is on disk the moment it is confirmed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kickoff_tui.errors import KickoffError
from kickoff_tui.planning import PlanningOverrides
from kickoff_tui.planning.cost import MonthlyCost, spec_monthly_cost
from kickoff_tui.record.io import SaveFailed, SessionSummary, export_file_name, summarise_sessions
from kickoff_tui.record.lock import Lock, LockError, SessionLocked, acquire_lock
from kickoff_tui.record import (
    AnswerValue,
    FlagRecord,
    Question,
    Questionnaire,
    Session,
    default_questionnaire,
    dumps_session,
    load_session,
    save_session,
    size_answers,
    utc_now,
)
from kickoff_tui.sizing import SizedSpec

READ_ONLY_NOTE = "read-only: answers kept in memory, export elsewhere"
"""What the wizard says instead of "autosaved" when the session's folder cannot be written."""

ANSWER_KINDS = ("answer", "change", "clear", "cadence", "signoff")
"""Events that record or withdraw an answer (counted as answers when they are not saved)."""

DEFAULT_TITLE = "AI infrastructure kickoff"
"""Title a new session gets until someone renames it on the participants screen."""


RecentSession = SessionSummary
"""A session file found in the data dir (for the start screen)."""


@dataclass(frozen=True)
class AnswerOutcome:
    """What changed when an answer was recorded."""

    new_flags: list[FlagRecord]
    """Flags that are open now and were not open before the answer."""
    cleared_flags: list[FlagRecord]
    """Flags that were open before and are resolved now (the answer fixed them)."""
    save_error: str = ""
    """One-line reason when the answer is recorded in memory but could not be written to disk."""


class Controller:
    """Owns the current session and performs every change the screens ask for."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.clock: Callable[[], datetime] = clock or utc_now
        """Source of "now" (fixed in tests and snapshots)."""
        self.session: Session | None = None
        """The session being run (None on the start screen)."""
        self.lock: Lock | None = None
        """This process's lock on the session file (None when read-only or none is open)."""
        self.read_only: str = ""
        """Why the open session cannot be saved where it came from ("" when it can): its folder
        or file is not writable. Answers are then kept in memory until exported elsewhere."""
        self.last_save_error: str = ""
        """The last refused save, one line ("" once a save succeeds)."""
        self.workload: str | None = None
        """The workload the per-workload questions are answered for (None: the session's first,
        or its one unnamed workload)."""

    # --- sessions -------------------------------------------------------------------------

    @property
    def questionnaire(self) -> Questionnaire:
        """The questionnaire of the current session (the shipped one before any session)."""
        if self.session is not None:
            return self.session.questionnaire
        return default_questionnaire()

    def require(self) -> Session:
        """The current session; :class:`KickoffError` when none is open."""
        if self.session is None:
            raise KickoffError("no session is open")
        return self.session

    def new_session(self, title: str = DEFAULT_TITLE) -> Session:
        """Start a session that autosaves to the data dir after every event.

        Raises :class:`SaveFailed` saying which folder cannot be written when the data dir
        refuses the first save (nothing is started then: a meeting must not run unsaved)."""
        self.release_lock()
        self.read_only = self.last_save_error = ""
        self.session = Session.new(title, clock=self.clock, autosave=True)  # SaveFailed says
        self._lock_current()                                                 # none was started
        return self.session

    def _lock_current(self) -> None:
        """Lock the session file so a second kickoff cannot write it at the same time.
        A folder where no lock file can be made (read-only) leaves the session unlocked: the
        save itself will then report the problem."""
        path = self.session.autosave_file if self.session is not None else None
        if path is None:
            return
        try:
            self.lock = acquire_lock(path)
        except SessionLocked:
            raise
        except LockError:
            self.lock = None

    def follow_title(self) -> Path | None:
        """After a title change: give the session file the new title's name (the data dir's
        files only; one the user named keeps its name). The new name is locked before the file
        moves and the old lock is dropped after, so no second kickoff can slip in between; the
        move itself is atomic. Returns the new path, or None when the file kept its name."""
        from kickoff_tui.record.io import rename_session_file, titled_session_path

        session = self.session
        path = session.autosave_file if session is not None else None
        if session is None or path is None or self.read_only:
            return None
        target = titled_session_path(path, session.title)
        if target is None:
            return None
        try:
            new_lock = acquire_lock(target)
        except LockError:  # held by another kickoff, or no lock file can be made there
            return None
        if not rename_session_file(path, target):
            new_lock.release()
            return None
        session.enable_autosave(target)
        old_lock, self.lock = self.lock, new_lock
        if old_lock is not None:
            old_lock.release()
        return target

    def release_lock(self) -> None:
        """Give up the lock on the current session file (on leaving it or quitting)."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def abandon_if_empty(self) -> bool:
        """Leaving a session that holds nothing yet (no one added, nothing answered or logged:
        "new" then straight back): remove its file and lock, so the start screen does not offer
        an empty meeting as the one to resume. True when it was removed."""
        session = self.session
        if session is None or session.participants or session.answers or session.events or session.workloads:
            return False
        path = session.autosave_file
        self.release_lock()
        self.session = None
        if path is not None:
            with suppress(OSError):
                path.unlink()
        return True

    def read(self, path: Path) -> Session:
        """Load a session file (safe to call from a worker thread)."""
        session = load_session(path)
        session.bind(clock=self.clock)
        session.spec()  # size once here, off the UI thread
        return session

    def adopt(self, session: Session, path: Path | None = None) -> None:
        """Continue a loaded session; it autosaves back to the file it came from.

        Raises :class:`SessionLocked` (and leaves nothing adopted) when another kickoff has the
        file open: the caller then offers it read-only."""
        self.release_lock()
        session.bind(clock=self.clock)
        session.enable_autosave(path)  # the real file when ``path`` is a symlink
        session.mark_saved()  # what was read is what is on disk
        self.session = session
        self.last_save_error = ""
        try:
            self._lock_current()
        except SessionLocked:
            session.disable_autosave()
            self.session = None
            raise
        target = session.autosave_file
        self.read_only = READ_ONLY_NOTE if target is not None and not _writable(target) else ""
        if self.read_only:
            session.disable_autosave()  # every save would be refused: keep answers in memory

    # --- what is on disk --------------------------------------------------------------------

    def saving(self, action: Callable[..., object], *args: object, **kwargs: object) -> str:
        """Run a session action that appends an event; "" when it was saved, else the one-line
        reason the disk refused it (the event is then recorded in memory all the same).
        Any other :class:`KickoffError` (the action was refused) propagates."""
        try:
            action(*args, **kwargs)
        except SaveFailed as err:
            self.note_save(err)
            return str(err)
        self.note_save(None)
        return ""

    def note_save(self, error: SaveFailed | None) -> None:
        """Remember how the last save went (None: it worked)."""
        self.last_save_error = str(error) if error is not None else ""

    def unsaved_summary(self) -> str:
        """"3 answers are not saved to disk" (or "" when everything is on disk)."""
        if self.session is None:
            return ""
        events = self.session.unsaved_events
        if not events:
            return ""
        answers = sum(1 for e in events if e.kind in ANSWER_KINDS)
        others = len(events) - answers
        parts = []
        if answers:
            parts.append(f"{answers} answer{'s' if answers != 1 else ''}")
        if others:
            parts.append(f"{others} other change{'s' if others != 1 else ''}")
        verb = "is" if len(events) == 1 else "are"
        return f"{' and '.join(parts)} {verb} not saved to disk"

    def rescue_path(self, folder: Path) -> Path:
        """Where an export writes the session in ``folder``: a safe file name made from the
        session id (:func:`export_file_name`), never a path the id could steer."""
        return folder / export_file_name(self.require().id)

    def recent_sessions(self, limit: int = 8) -> list[RecentSession]:
        """Sessions in the data dir, newest first (unreadable files are skipped)."""
        return summarise_sessions(limit)

    # --- answering ------------------------------------------------------------------------

    def spec(self) -> SizedSpec | None:
        """The spec sized from the current answers (of the workload being answered)."""
        return self.require().spec(self.current_workload())

    # --- workloads ------------------------------------------------------------------------

    def current_workload(self) -> str | None:
        """The workload being answered (None for a session without named workloads); a name
        the session no longer holds falls back to its first workload."""
        session = self.require()
        if not session.workloads:
            self.workload = None
            return None
        if self.workload not in session.workload_names():
            self.workload = session.workloads[0].name
        return self.workload

    def select_workload(self, name: str) -> None:
        record = self.require().workload(name)
        self.workload = record.name if record is not None else None

    def add_workload(self, name: str, by: str, by_role: str | None = None) -> str:
        """Add a workload and answer for it next. A session without named workloads first
        names its own (after its use case, or ``workload 1``), so two are listed. Returns the
        save error ("" when saved)."""
        from kickoff_tui.record.workloads import clean_workload_name, default_first_name

        session = self.require()
        error = ""
        from kickoff_tui.record.workloads import workload_name_problem

        problem = workload_name_problem(clean_workload_name(name), session.workload_names())
        if problem is not None:
            raise KickoffError(problem)
        if not session.workloads:
            first = default_first_name(session.answers, [clean_workload_name(name)])
            error = self.saving(session.add_workload, first, by, by_role=by_role)
        error = self.saving(session.add_workload, name, by, by_role=by_role) or error
        self.workload = session.workloads[-1].name
        return error

    def name_workload(self, name: str, by: str, by_role: str | None = None) -> str:
        """Name a single-workload session's one workload (its answers stay with it)."""
        session = self.require()
        error = self.saving(session.add_workload, name, by, by_role=by_role)
        self.workload = session.workloads[-1].name
        return error

    def rename_workload(self, name: str, new_name: str, by: str) -> str:
        session = self.require()
        was_current = self.current_workload() == name
        error = self.saving(session.rename_workload, name, new_name, by)
        if was_current:
            self.workload = session.workload(new_name).name  # type: ignore[union-attr]
        return error

    def remove_workload(self, name: str, by: str) -> str:
        session = self.require()
        error = self.saving(session.remove_workload, name, by)
        self.current_workload()
        return error

    def portfolio_spec(self):  # noqa: ANN201 - PortfolioSpec | None
        """The shared fleet of a session with two or more workloads (None otherwise); slow
        (every workload on every candidate SKU): call it from a worker."""
        session = self.require()
        if len(session.workloads) < 2:
            return None
        return session.portfolio_spec()

    def portfolio_growth(self):  # noqa: ANN201 - PortfolioGrowth | None
        """Growth fitted from the workloads' pasted monthly requests and the months they (and
        the shared fleet) outgrow it; None without a history. Slow: call it from a worker."""
        session = self.require()
        return session.portfolio_growth() if len(session.workloads) >= 2 else None

    def preview(self, question_id: str, value: AnswerValue | None) -> tuple[SizedSpec | None, str]:
        """Size the answers as if ``question_id`` held ``value`` (nothing is recorded).

        Used while someone types, so the room sees the effect before the answer is confirmed.
        """
        session = self.require()
        answers: dict[str, object] = dict(session.answers_for(self.current_workload()))
        if value is None:
            answers.pop(question_id, None)
        else:
            answers[question_id] = value
        return size_answers(session.questionnaire, answers)  # type: ignore[arg-type]

    def draft_answers(self, question_id: str, value: AnswerValue | None) -> dict[str, AnswerValue]:
        """The recorded answers' values with ``question_id`` set to ``value`` (None: without
        it): a copy taken on the UI thread, for :meth:`size_draft` in a worker."""
        answers = {qid: a.value for qid, a in self.require().answers_for(self.current_workload()).items()}
        if value is None:
            answers.pop(question_id, None)
        else:
            answers[question_id] = value
        return answers

    def size_draft(self, answers: dict[str, AnswerValue]) -> tuple[SizedSpec | None, str]:
        """Size a copy of the answers (pure; safe in a worker thread)."""
        return size_answers(self.questionnaire, answers)

    def monthly_cost(self, spec: SizedSpec | None,
                     answers: dict[str, AnswerValue] | None = None,
                     questionnaire: Questionnaire | None = None) -> MonthlyCost | None:
        """The one monthly cost of ``spec`` (the Plan tab's figure, staff included, with its
        basis), for the session's answers or a draft copy of them; None when not priceable."""
        if spec is None:
            return None
        from kickoff_tui.record.mapping import inputs_from_answers
        from kickoff_tui.record.plan_answers import planning_from_answers

        questionnaire = questionnaire or self.questionnaire
        try:
            if answers is None:
                session = self.require()
                inputs = session.sizing_inputs(self.current_workload())
                overrides = session.planning().cost
            else:
                inputs = inputs_from_answers(questionnaire, answers)
                overrides = planning_from_answers(questionnaire, answers).cost  # type: ignore[arg-type]
        except KickoffError:
            return None
        return spec_monthly_cost(spec, inputs, overrides)

    def record_answer(
        self, question_id: str, value: AnswerValue, by_name: str, by_role: str, rationale: str
    ) -> AnswerOutcome:
        """Record (and autosave) an answer; report which red flags it raised or cleared."""
        session = self.require()
        before = {f.id for f in session.open_flags()}
        save_error = ""
        try:
            session.record_answer(question_id, value, by_name, by_role, rationale,
                                  workload=self.current_workload())
        except SaveFailed as err:  # recorded in memory; only the disk refused it
            save_error = str(err)
        self.last_save_error = save_error
        after = session.open_flags()
        after_ids = {f.id for f in after}
        return AnswerOutcome(
            new_flags=[f for f in after if f.id not in before],
            cleared_flags=[f for f in session.flags if f.id in before and f.id not in after_ids],
            save_error=save_error,
        )

    def clear_answer(self, question_id: str, by_name: str, by_role: str) -> str:
        """Withdraw an answer (the question falls back to its default); returns the save
        error ("" when saved), as :meth:`saving`."""
        return self.saving(self.require().clear_answer, question_id, by_name, by_role,
                           workload=self.current_workload())

    def acknowledge(self, flag_id: str, reason: str, by: str) -> str:
        """Accept a red flag for a stated reason; returns the save error ("" when saved)."""
        return self.saving(self.require().acknowledge_flag, flag_id, reason, by)

    def question(self, question_id: str) -> Question:
        return self.questionnaire.get(question_id)

    # --- files ----------------------------------------------------------------------------

    def export_toml(self, path: Path) -> Path:
        """Write the session record as TOML (atomic). Everything recorded so far is then on
        disk (in that file), so quitting no longer asks."""
        session = self.require()
        written = save_session(session, path)
        session.mark_saved()
        return written

    def export_markdown(self, path: Path) -> Path:
        """Write the decision record as Markdown (atomic), with the planning sections (cost,
        growth, sensitivity, deployment) after it, as ``kickoff export --markdown`` does.

        Takes a second or so (the planning sections re-size the workload): call it from a
        worker thread.
        """
        from kickoff_tui.record.markdown import write_report

        write_report(self.require(), path)  # the report + its SVG charts, as the CLI writes them
        return path

    def planning(self) -> PlanningOverrides:
        """The session's cost, growth and business-case answers plus its scorecard.

        Raises :class:`KickoffError` when a stored planning answer is refused. Sessions of a
        record layer without planning answers give the defaults.
        """
        reader = getattr(self.require(), "planning", None)
        return reader() if callable(reader) else PlanningOverrides()

    def export_spec(self) -> SizedSpec | None:
        """The spec exports describe: the one signed off, else the one sized from the answers
        (the same rule as ``kickoff export``)."""
        session = self.require()
        signed = getattr(session, "signed_spec", None)
        return signed if signed is not None else session.spec()

    def planning_markdown(self) -> str:
        """The planning sections of the Markdown export (slow: re-sizes the workload)."""
        try:
            from kickoff_tui.record.markdown import planning_markdown
        except ImportError:  # record layer without the planning export yet
            planning_markdown = None
        session = self.require()
        if planning_markdown is not None:
            return planning_markdown(session)  # type: ignore[no-any-return]
        from kickoff_tui.planning import markdown_sections

        spec = self.export_spec()
        if spec is None:
            return f"## Cost, growth and deployment\n\nNot computed: {session.sizing_error}\n"
        return markdown_sections(spec, session.sizing_inputs(), self.planning())

    def export_deployment(self, folder: Path, force: bool = False) -> list[Path]:
        """Write the serving-engine launch files, Kubernetes manifests, autoscaler and alert
        rules for the export spec into ``folder``; :class:`KickoffError` when there is no
        servable spec or the folder cannot be written."""
        from kickoff_tui.planning import write_deployment

        session = self.require()
        if len(session.workloads) > 1:
            return self._export_portfolio_deployment(folder, force)
        spec = self.export_spec()
        if spec is None:
            raise KickoffError(f"no deployment files: the answers cannot be sized "
                               f"({session.sizing_error})")
        if not spec.feasible:
            raise KickoffError(f"no deployment files: the spec is not feasible "
                               f"({spec.infeasible_reason})")
        if folder.exists() and not folder.is_dir():
            raise KickoffError(f"{folder}: not a folder")
        return write_deployment(spec, session.sizing_inputs(), folder, force=force)

    def _export_portfolio_deployment(self, folder: Path, force: bool) -> list[Path]:
        """A portfolio session: one folder of deployment files per workload in ``folder``, on
        the SKU the shared fleet gives it, all or nothing (as ``kickoff deploy`` writes them)."""
        from kickoff_tui.planning.deploy import portfolio_deployment_sets, write_file_sets
        from kickoff_tui.record.portfolio import demands

        session = self.require()
        spec = session.portfolio_spec()
        if spec is None:
            raise KickoffError(f"no deployment files: the workloads cannot be sized "
                               f"({session.portfolio_error()})")
        if not spec.feasible:
            raise KickoffError(f"no deployment files: no fleet serves every workload "
                               f"({spec.infeasible_reason})")
        sets = portfolio_deployment_sets(demands(session.portfolio()), spec)
        return write_file_sets([(folder / slug, files) for slug, files, _ in sets], force=force)

    def dumps(self) -> str:
        return dumps_session(self.require())


def _writable(path: Path) -> bool:
    """Whether ``path`` (or, when it does not exist yet, its folder) can be written."""
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return os.access(path.parent, os.W_OK)
