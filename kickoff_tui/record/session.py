"""The session record: who was there, what was decided by whom and why, and what came out.

Every change goes through one event appended to ``events``; :meth:`Session.apply` is the only
place that turns an event into state, so replaying the log rebuilds the session exactly. After
each event the red flags are recomputed against a freshly sized spec.
"""

from __future__ import annotations

import calendar
import os
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from kickoff_tui.errors import KickoffError, SessionContentError
from kickoff_tui.planning.overrides import PlanningOverrides
from kickoff_tui.planning.scorecard import Scorecard, decision_entries
from kickoff_tui.record.flags import (
    SEVERITY_ORDER,
    FlagContext,
    FlagRecord,
    evaluate_flags,
    gpu_architecture,
    merge_flags,
)
from kickoff_tui.record.mapping import assumed_defaults, inputs_from_answers, with_assumptions
from kickoff_tui.record.models import (
    MAX_NAME_CHARS,
    SCORECARD_OWNER,
    Answer,
    Event,
    NameText,
    Participant,
    ReviewCadence,
    ScorecardRecord,
    SignOff,
    UtcDatetime,
    WorkloadRecord,
    text_problem,
)
from kickoff_tui.record.plan_answers import check_field_value, planning_from_answers
from kickoff_tui.record.questionnaire import (
    CADENCE_MONTHS,
    ROLE_LABELS,
    ROLES,
    SIGNOFF_ROLES,
    AnswerValue,
    Question,
    Questionnaire,
    default_questionnaire,
)
from kickoff_tui.sizing.inputs import SizingInputs
from kickoff_tui.sizing.spec import SizedSpec

SCHEMA_VERSION = 2
"""Version of the session file layout; bumped on any incompatible change.

2: a session may hold several workloads (``[[workloads]]`` and the ``workload`` of an event).
A session of one unnamed workload is still written as version 1, byte for byte as before, so
older Kickoff versions keep reading it (:meth:`Session.file_schema_version`)."""

SINGLE_WORKLOAD_SCHEMA_VERSION = 1
"""The layout of a session without named workloads (every file written before portfolios)."""

Clock = Callable[[], datetime]
"""Returns "now"; injectable so tests and snapshots are deterministic."""


def utc_now() -> datetime:
    """Now in UTC, to the second (sessions are read by people; microseconds are noise)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (Jan 31 + 1 -> Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_date(start: date, cadence: str) -> date:
    """First review after ``start`` for a cadence (monthly, quarterly, half-yearly, yearly)."""
    if cadence not in CADENCE_MONTHS:
        raise KickoffError(f"unknown review cadence {cadence!r}; use {', '.join(CADENCE_MONTHS)}")
    return add_months(start, CADENCE_MONTHS[cadence])


SIGNED_FIGURES: tuple[tuple[str, str], ...] = (
    ("feasible", "feasible"),
    ("model_name", "model"),
    ("precision", "precision"),
    ("kv_precision", "KV cache precision"),
    ("gpu_name", "GPU"),
    ("tensor_parallel", "tensor parallel"),
    ("gpus_per_replica", "GPUs per replica"),
    ("replicas", "replicas"),
    ("total_gpus", "total GPUs"),
    ("gpus_per_node", "GPUs per node"),
    ("nodes", "nodes"),
    ("scale_up_fabric", "scale-up fabric"),
    ("scale_out_fabric", "scale-out fabric"),
    ("it_power_kw", "IT power (kW)"),
    ("cooling", "cooling"),
)
"""The figures IT and the AI team sign off: what is ordered and how it is served. Costs, latency
estimates and explanations may move without withdrawing a sign-off; these may not."""


def signed_changes(signed: SizedSpec, spec: SizedSpec | None) -> list[str]:
    """How ``spec`` differs from the ``signed`` one in the signed figures, one
    ``"total GPUs 8 -> 12"`` per figure (empty when none moved)."""
    if spec is None:
        return ["the answers can no longer be sized"]
    changes = []
    for field, label in SIGNED_FIGURES:
        before, after = getattr(signed, field), getattr(spec, field)
        if isinstance(before, float) or isinstance(after, float):
            same = round(float(before), 1) == round(float(after), 1)
        else:
            same = before == after
        if not same:
            changes.append(f"{label} {_figure(before)} -> {_figure(after)}")
    return changes


def unsigned_changes(signed: SizedSpec, spec: SizedSpec) -> list[str]:
    """The fields of ``spec`` outside :data:`SIGNED_FIGURES` that differ from the ``signed``
    snapshot (estimates, costs, notes), by field name, in the spec's field order; the per-SKU
    comparison table is not kept in a snapshot and is not compared."""
    signed_fields = {field for field, _ in SIGNED_FIGURES} | {"comparison"}
    before, after = signed.model_dump(), snapshot_spec(spec).model_dump()
    return [name for name in type(signed).model_fields
            if name not in signed_fields and before.get(name) != after.get(name)]


def _figure(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value) if value not in ("", None) else "none"


def snapshot_spec(spec: SizedSpec) -> SizedSpec:
    """The spec as kept in a session: everything but the per-SKU comparison table (which a
    re-size reproduces and which would bury the record in rows)."""
    return spec.model_copy(update={"comparison": []})


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40].rstrip("-") or "session"


def _role(role: str) -> str:
    if role not in ROLES:
        raise KickoffError(f"unknown role {role!r}; use {', '.join(ROLES)}")
    return role


class RecordRefused(KickoffError, ValueError):
    """What a :class:`Session` method was asked to record would not load back from the file
    (text too long, a control character, a number out of range): nothing was recorded. A
    :class:`KickoffError` (one line, exit code 2) and a ``ValueError``."""


def _name(name: str, what: str = "name") -> str:
    name = " ".join(str(name).split())
    if not name:
        raise KickoffError(f"a {what} is required")
    problem = text_problem(name, MAX_NAME_CHARS)
    if problem is not None:
        raise RecordRefused(f"{what}: {problem}")
    return name


def _title(title: str) -> str:
    title = " ".join(str(title).split())
    if not title:
        raise KickoffError("a session needs a title")
    return _name(title, "title")


def check_free_text(field: str, text: str) -> None:
    """Refuse typed text (a rationale, a reason) the record will not keep: over
    :data:`~kickoff_tui.record.questionnaire.MAX_ANSWER_CHARS` characters (about three pages;
    below the file loader's limit for any text) or with control characters."""
    from kickoff_tui.record.questionnaire import MAX_ANSWER_CHARS

    problem = text_problem(text, MAX_ANSWER_CHARS)
    if problem is not None:
        raise RecordRefused(f"{field}: {problem}")


def _event_problem(err: ValidationError) -> str:
    """One line for an event the record models refuse (field: what is wrong)."""
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "event"
    more = len(err.errors()) - 1
    extra = f" (and {more} more)" if more > 0 else ""
    return f"{where}: {first['msg'].removeprefix('Value error, ')}{extra}"


class Session(BaseModel):
    """A kickoff meeting's record. Create one with :meth:`Session.new`."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    id: NameText = Field(min_length=1)
    title: NameText = Field(min_length=1)
    questionnaire_id: str = "kickoff"
    """Id of the questionnaire the answers belong to."""
    questionnaire_version: str = ""
    catalog_version: str = ""
    """Catalog version the spec was last sized with (set at creation and at sign-off)."""
    created: UtcDatetime
    updated: UtcDatetime
    participants: list[Participant] = Field(default_factory=list)
    answers: dict[str, Answer] = Field(default_factory=dict)
    """Current answers keyed by question id, in questionnaire order."""
    signoffs: list[SignOff] = Field(default_factory=list)
    cadence: ReviewCadence | None = None
    flags: list[FlagRecord] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    signed_spec: SizedSpec | None = None
    """The spec as sized when the last sign-off was given (cleared when an input changes)."""
    scorecard: ScorecardRecord | None = None
    """The weighted vendor scorecard (IT), set with :meth:`set_scorecard`; feeds :meth:`planning`."""
    workloads: list[WorkloadRecord] = Field(default_factory=list)
    """A portfolio session's workloads with their per-workload answers (empty: one unnamed
    workload whose answers are in ``answers``, as in every session before portfolios). IT's
    answers and the planning answers stay in ``answers``, shared by every workload."""

    _clock: Clock | None = PrivateAttr(default=None)
    _questionnaire: Questionnaire | None = PrivateAttr(default=None)
    _autosave_path: Path | None = PrivateAttr(default=None)
    _spec: SizedSpec | None = PrivateAttr(default=None)
    _spec_error: str = PrivateAttr(default="")
    _spec_fresh: bool = PrivateAttr(default=False)
    _saved_upto: int = PrivateAttr(default=0)
    _workload_specs: dict[str, tuple[SizedSpec | None, str]] = PrivateAttr(default_factory=dict)
    _portfolio_spec: Any = PrivateAttr(default=None)
    _portfolio_growth: Any = PrivateAttr(default=None)

    # --- validation -------------------------------------------------------------------------

    @field_validator("schema_version")
    @classmethod
    def _known_schema(cls, value: int) -> int:
        if value > SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {value} is newer than this kickoff understands ({SCHEMA_VERSION}); "
                "upgrade kickoff"
            )
        if value < 1:
            raise ValueError("schema_version must be 1 or more")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Session":
        for index, event in enumerate(self.events):
            if event.seq != index + 1:
                raise ValueError(f"events[{index}]: seq is {event.seq}, expected {index + 1}")
        roles = [s.role for s in self.signoffs]
        if len(set(roles)) != len(roles):
            raise ValueError("signoffs: one role signed off twice")
        ids = [f.id for f in self.flags]
        if len(set(ids)) != len(ids):
            raise ValueError("flags: a flag id appears twice")
        names = [w.name.casefold() for w in self.workloads]
        if len(set(names)) != len(names):
            raise ValueError("workloads: two workloads have the same name")
        return self

    def file_schema_version(self) -> int:
        """The layout version written to the file: 1 for a session without named workloads (old
        Kickoff versions read it unchanged), the current one otherwise."""
        if not self.workloads and not any(e.workload for e in self.events):
            return SINGLE_WORKLOAD_SCHEMA_VERSION
        return SCHEMA_VERSION

    def __eq__(self, other: object) -> bool:
        """Equal when every recorded field is (the clock, autosave path and caches are not)."""
        if not isinstance(other, Session):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    # --- creation and binding ---------------------------------------------------------------

    @classmethod
    def new(
        cls,
        title: str,
        *,
        questionnaire: Questionnaire | None = None,
        participants: Iterable[tuple[str, str] | Participant] = (),
        clock: Clock | None = None,
        session_id: str | None = None,
        autosave: bool | str | Path = False,
    ) -> "Session":
        """A new session. ``autosave=True`` saves to the data dir after every event; a path
        saves there instead."""
        clock = clock or utc_now
        questionnaire = questionnaire or default_questionnaire()
        now = clock()
        title = _title(title)
        if session_id is None:
            session_id = f"{now.date().isoformat()}-{slugify(title)}-{uuid.uuid4().hex[:4]}"
        problem = text_problem(session_id, MAX_NAME_CHARS) if session_id else "an id is required"
        if problem is not None:
            raise RecordRefused(f"session id: {problem}")
        session = cls(
            id=session_id,
            title=title,
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            catalog_version=_catalog_version(),
            created=now,
            updated=now,
        )
        session.bind(questionnaire=questionnaire, clock=clock)
        session._recompute_flags(now)
        for item in participants:
            if isinstance(item, Participant):
                session.add_participant(item.name, item.role)
            else:
                session.add_participant(*item)
        if autosave is not False:
            from kickoff_tui.record.io import SaveFailed, save_session

            path = session.enable_autosave(None if autosave is True else Path(autosave))
            try:
                save_session(session, path)
            except SaveFailed as err:  # a read-only data dir: say no session was started
                raise err.for_new_session() from None
            session.mark_saved()
        return session

    def bind(self, *, questionnaire: Questionnaire | None = None, clock: Clock | None = None) -> "Session":
        """Attach the questionnaire and/or clock to use (loading a file attaches the defaults)."""
        if questionnaire is not None:
            if questionnaire.id != self.questionnaire_id:
                raise KickoffError(
                    f"session {self.id!r} was recorded with questionnaire {self.questionnaire_id!r}, "
                    f"not {questionnaire.id!r}"
                )
            self._questionnaire = questionnaire
            self._spec_fresh = False
        if clock is not None:
            self._clock = clock
        return self

    @property
    def questionnaire(self) -> Questionnaire:
        """The questionnaire bound to this session (the shipped one unless another was bound)."""
        if self._questionnaire is None:
            shipped = default_questionnaire()
            if shipped.id != self.questionnaire_id:
                raise SessionContentError(
                    f"session {self.id!r} was recorded with questionnaire "
                    f"{self.questionnaire_id!r}; pass it with --questionnaire FILE"
                )
            self._questionnaire = shipped
        return self._questionnaire

    def enable_autosave(self, path: Path | None = None) -> Path:
        """Save after every event, to ``path`` or to the data dir's ``sessions/<id>.toml``."""
        from kickoff_tui.record.io import autosave_path

        # The real file behind a symlink: the atomic write then replaces that file (the link
        # stays a link) and the lock is taken on the same path every writer resolves to.
        target = Path(path) if path is not None else autosave_path(self.id)
        self._autosave_path = Path(os.path.realpath(target))
        return self._autosave_path

    def disable_autosave(self) -> None:
        self._autosave_path = None

    @property
    def autosave_file(self) -> Path | None:
        return self._autosave_path

    def mark_saved(self) -> None:
        """Every event so far is on disk (just loaded from a file, or saved or exported)."""
        self._saved_upto = len(self.events)

    @property
    def unsaved_events(self) -> list[Event]:
        """Events recorded since the session was last written to disk (the autosave refused
        them, or the session never autosaved): what quitting now would lose."""
        return self.events[self._saved_upto:]

    def now(self) -> datetime:
        """The bound clock's time (UTC now by default)."""
        return (self._clock or utc_now)()

    # --- what the app reads -------------------------------------------------------------------

    def sizing_inputs(self, workload: str | None = None) -> SizingInputs:
        """The answers (and questionnaire defaults) as sizing inputs (of one workload: its own
        answers and the shared ones; the first workload when none is named)."""
        return inputs_from_answers(self.questionnaire, self.answers_for(workload))

    # --- workloads ----------------------------------------------------------------------------

    @property
    def is_portfolio(self) -> bool:
        """True once the session names its workloads (one or more)."""
        return bool(self.workloads)

    def workload_names(self) -> list[str]:
        return [w.name for w in self.workloads]

    def workload(self, name: str | None = None) -> WorkloadRecord | None:
        """The named workload (the first when ``name`` is None); None for a session without
        named workloads. Raises :class:`KickoffError` for a name the session does not hold."""
        if not self.workloads:
            return None
        if name is None:
            return self.workloads[0]
        for record in self.workloads:
            if record.name == name:
                return record
        for record in self.workloads:
            if record.name.casefold() == name.casefold():
                return record
        raise KickoffError(f"no workload {name!r}; the workloads are {', '.join(self.workload_names())}")

    def is_per_workload(self, question_id: str) -> bool:
        """Whether the question is asked once per workload (see :mod:`kickoff_tui.record.workloads`)."""
        from kickoff_tui.record.workloads import is_per_workload

        question = self.questionnaire.find(question_id)
        return question is not None and is_per_workload(question)

    def answers_for(self, workload: str | None = None) -> dict[str, Answer]:
        """The answers one workload is sized from: the shared answers plus its own, in
        questionnaire order (a session without named workloads: :attr:`answers`)."""
        record = self.workload(workload)
        if record is None:
            return self.answers
        merged = {**self.answers, **record.answers}
        order = self.questionnaire.order()
        return {k: merged[k] for k in sorted(merged, key=lambda k: (order.get(k, len(order)), k))}

    def _answers_holding(self, question_id: str, workload: str | None) -> dict[str, Answer]:
        """The dict an answer to this question lives in (a workload's, or the shared one)."""
        record = self.workload(workload)
        if record is not None and self.is_per_workload(question_id):
            return record.answers
        return self.answers

    def _workload_of(self, question_id: str, workload: str | None) -> str | None:
        """The workload name to record with an answer (None for a shared question, or a session
        without named workloads). A per-workload question in a session of several workloads
        must say which one."""
        if not self.workloads or not self.is_per_workload(question_id):
            return None
        if workload is None:
            if len(self.workloads) > 1:
                raise KickoffError(f"question {question_id!r} is asked once per workload: say which "
                                   f"({', '.join(self.workload_names())})")
            return self.workloads[0].name
        record = self.workload(workload)
        assert record is not None
        return record.name

    def add_workload(self, name: str, by: str, *, by_role: str | None = None,
                     rationale: str = "") -> WorkloadRecord:
        """Add a workload to the platform. The first one added to a session without named
        workloads takes the answers given so far (a single-workload session becomes a portfolio
        of one, nothing lost); later ones start unanswered."""
        from kickoff_tui.record.workloads import clean_workload_name, workload_name_problem

        name = clean_workload_name(name)
        problem = workload_name_problem(name, self.workload_names())
        if problem is not None:
            raise KickoffError(problem)
        from kickoff_tui.record.portfolio import MAX_WORKLOADS

        if len(self.workloads) >= MAX_WORKLOADS:
            raise KickoffError(f"a portfolio holds at most {MAX_WORKLOADS} workloads")
        check_free_text("rationale", rationale.strip())
        self._append(kind="workload_add", by=_name(by), role=_role(by_role) if by_role else None,
                     workload=name, rationale=rationale.strip(),
                     reason=self._workloads_signoff_effect())
        found = self.workload(name)
        assert found is not None
        return found

    def rename_workload(self, name: str, new_name: str, by: str, *, by_role: str | None = None) -> WorkloadRecord:
        """Rename a workload (its answers, flags and log entries follow it)."""
        from kickoff_tui.record.workloads import clean_workload_name, workload_name_problem

        record = self.workload(name)
        if record is None:
            raise KickoffError("this session has no named workloads yet: add one first")
        new_name = clean_workload_name(new_name)
        if new_name == record.name:
            return record
        others = [n for n in self.workload_names() if n != record.name]
        problem = workload_name_problem(new_name, others)
        if problem is not None:
            raise KickoffError(problem)
        self._append(kind="workload_rename", by=_name(by), role=_role(by_role) if by_role else None,
                     workload=record.name, value=new_name, previous=record.name)
        found = self.workload(new_name)
        assert found is not None
        return found

    def remove_workload(self, name: str, by: str, *, by_role: str | None = None, rationale: str = "") -> None:
        """Remove a workload and its answers from the platform (the log keeps them). The last
        workload cannot be removed."""
        record = self.workload(name)
        if record is None:
            raise KickoffError("this session has no named workloads")
        if len(self.workloads) == 1:
            raise KickoffError("a session keeps at least one workload: rename it instead")
        check_free_text("rationale", rationale.strip())
        self._append(kind="workload_remove", by=_name(by), role=_role(by_role) if by_role else None,
                     workload=record.name, rationale=rationale.strip(),
                     reason=self._workloads_signoff_effect())

    def _workloads_signoff_effect(self) -> str:
        return "withdraws the sign-offs: the workloads on the platform changed" if self.signoffs else ""

    def workload_spec(self, workload: str | None = None) -> SizedSpec | None:
        """One workload's own spec (sized alone from its answers and the shared ones)."""
        return self.spec(workload)

    def workload_sizing_error(self, workload: str | None = None) -> str:
        self.spec(workload)
        if not self.workloads:
            return self._spec_error
        record = self.workload(workload)
        assert record is not None
        return self._workload_specs[record.name][1]

    def portfolio(self):
        """The session as a :class:`~kickoff_tui.record.portfolio.Portfolio` (every workload's
        inputs, IT's shared answers as the platform). Raises :class:`KickoffError` when a
        workload's answers contradict each other."""
        from kickoff_tui.record.portfolio import PortfolioError
        from kickoff_tui.record.workloads import portfolio_fields, portfolio_from_inputs

        names = self.workload_names() or [None]
        named = []
        extras: dict[str, dict[str, object]] = {}
        for name in names:
            try:
                inputs = self.sizing_inputs(name)
                fields = portfolio_fields(self.questionnaire, self.answers_for(name),
                                          self.hidden_questions(name))
            except (KickoffError, ValueError) as err:
                raise KickoffError(f"workload {name}: {err}" if name else str(err)) from None
            named.append((name or _default_name(self), inputs))
            for candidate in fields.get("candidates", []):  # served as the AI team answered
                for key in ("precision", "kv_precision"):  # unless the candidate names its own
                    if getattr(inputs, key) is not None and candidate.get(key) is None:
                        candidate[key] = getattr(inputs, key)
            if fields.get("candidates"):  # "m@fp8, m" on an FP8 workload: one candidate, the better rank
                seen: set[tuple[object, ...]] = set()
                kept = []
                for candidate in fields["candidates"]:
                    key = (candidate["model"], candidate.get("precision"), candidate.get("kv_precision"))
                    if key not in seen:
                        seen.add(key)
                        kept.append(candidate)
                fields["candidates"] = kept
            if fields:
                extras[named[-1][0]] = fields
        try:
            return portfolio_from_inputs(named, title=self.title, extras=extras)
        except (PortfolioError, ValueError) as err:
            raise KickoffError(" ".join(str(err).split())[:300]) from None

    def portfolio_spec(self):
        """The shared fleet for every workload (a :class:`~kickoff_tui.sizing.portfolio.PortfolioSpec`),
        or None when the answers cannot be sized (see :meth:`portfolio_error`). Sized on demand
        and kept until an input changes."""
        if not self._spec_fresh:
            self.spec()
        if self._portfolio_spec is None:
            from kickoff_tui.record.portfolio import demands
            from kickoff_tui.sizing.portfolio import size_portfolio

            try:
                portfolio = self.portfolio()
                self._portfolio_spec = (size_portfolio(demands(portfolio),
                                                       portfolio.platform.gpu_candidates), "")
            except (KickoffError, ValueError) as err:
                self._portfolio_spec = (None, " ".join(str(err).split()))
        return self._portfolio_spec[0]

    def portfolio_error(self) -> str:
        self.portfolio_spec()
        return self._portfolio_spec[1]

    def portfolio_growth(self):
        """Growth from the pasted monthly request histories of a session with two or more
        workloads (a :class:`~kickoff_tui.planning.history.PortfolioGrowth`: per workload the
        fitted rate with its 80% interval and the month it outgrows its capacity, and the month
        the shared fleet runs out), as ``kickoff growth`` computes it; None when no workload has
        a history or the fleet is not sized. Slow (the fleet is re-sized month by month): kept
        until an input changes."""
        from kickoff_tui.planning.history import DEFAULT_HORIZON_MONTHS, portfolio_growth
        from kickoff_tui.record.portfolio import demands

        if len(self.workloads) < 2:
            return None
        spec = self.portfolio_spec()
        if spec is None or not spec.feasible:
            return None
        try:
            horizon = self.planning().growth.months or DEFAULT_HORIZON_MONTHS
            portfolio = self.portfolio()
        except KickoffError:
            return None
        cached = self._portfolio_growth
        if cached is not None and cached[0] is self._portfolio_spec and cached[1] == horizon:
            return cached[2]
        growth = portfolio_growth(demands(portfolio), spec, [w.history for w in portfolio.workloads], horizon)
        self._portfolio_growth = (self._portfolio_spec, horizon, growth)
        return growth

    def planning(self) -> PlanningOverrides:
        """Cost, growth and business-case answers (and questionnaire defaults) plus the vendor
        scorecard, as the planning sections read them. Raises :class:`KickoffError` naming the
        question when a hand-edited file holds a value the planning field refuses."""
        card = self.scorecard.card if self.scorecard is not None else None
        overrides = planning_from_answers(self.questionnaire, self.answers, card)
        if self.cadence is not None and overrides.growth.review_months is None:
            # "Growth before the next review" arrives over the agreed review period.
            growth = overrides.growth.model_copy(
                update={"review_months": CADENCE_MONTHS[self.cadence.every]})
            overrides = overrides.model_copy(update={"growth": growth})
        return overrides

    def spec(self, workload: str | None = None) -> SizedSpec | None:
        """The spec sized from the current answers (None when sizing failed, see
        :attr:`sizing_error`). Questionnaire defaults are listed among its assumptions.

        A portfolio session: the named workload's own spec (the first workload's when none is
        named); the shared fleet is :meth:`portfolio_spec`."""
        if not self._spec_fresh:
            self._workload_specs = {}
            self._portfolio_spec = None
            if not self.workloads:
                self._spec, self._spec_error = size_answers(self.questionnaire, self.answers)
            self._spec_fresh = True
        if not self.workloads:
            return self._spec
        record = self.workload(workload)
        assert record is not None
        if record.name not in self._workload_specs:
            self._workload_specs[record.name] = size_answers(self.questionnaire, self.answers_for(record.name))
        spec, error = self._workload_specs[record.name]
        if workload is None or record is self.workloads[0]:
            self._spec, self._spec_error = spec, error
        return spec

    @property
    def sizing_error(self) -> str:
        """Why the current answers could not be sized ("" when they could)."""
        self.spec()
        return self._spec_error

    def answer(self, question_id: str, workload: str | None = None) -> Answer | None:
        return self._answers_holding(question_id, workload).get(question_id)

    def value(self, question_id: str, workload: str | None = None) -> AnswerValue | None:
        """The answer's value, else the question's default, else None."""
        answer = self._answers_holding(question_id, workload).get(question_id)
        if answer is not None:
            return answer.value
        question = self.questionnaire.find(question_id)
        return question.default if question is not None else None

    def unanswered(self, role: str | None = None, workload: str | None = None) -> list[Question]:
        """Questions without an answer (optional ones, and those whose condition is false, left
        out), for one role or all (a portfolio session: for one workload, the first by default;
        :meth:`unanswered_by_workload` lists every workload's)."""
        answers = self.answers_for(workload)
        return [
            q
            for q in self.applicable(workload)
            if q.id not in answers and not q.optional and (role is None or q.role == role)
        ]

    def unanswered_by_workload(self, role: str | None = None) -> list[tuple[str | None, Question]]:
        """Every open question, once per workload for the per-workload ones (workload None: a
        shared question, or a session without named workloads)."""
        if not self.workloads:
            return [(None, q) for q in self.unanswered(role)]
        out: list[tuple[str | None, Question]] = []
        shared_seen: set[str] = set()
        for name in self.workload_names():
            for q in self.unanswered(role, name):
                if self.is_per_workload(q.id):
                    out.append((name, q))
                elif q.id not in shared_seen:
                    shared_seen.add(q.id)
                    out.append((None, q))
        return out

    def applicable(self, workload: str | None = None) -> list[Question]:
        """The questions that apply to the answers so far (their ``when`` condition holds; the
        portfolio questions only in a session of two or more workloads)."""
        hidden = self.hidden_questions(workload)
        return [q for q in self.questionnaire.questions if q.id not in hidden]

    def hidden_questions(self, workload: str | None = None) -> set[str]:
        """Ids of the questions that do not apply: a false ``when`` condition, or a portfolio
        question (peak window, history...) in a session of fewer than two workloads."""
        from kickoff_tui.record.workloads import MIN_PORTFOLIO_WORKLOADS

        hidden = self.questionnaire.hidden(self.answers_for(workload))
        if len(self.workloads) < MIN_PORTFOLIO_WORKLOADS:
            hidden |= {q.id for q in self.questionnaire.questions if q.portfolio is not None}
        return hidden

    def is_hidden(self, question_id: str, workload: str | None = None) -> bool:
        """Whether the question does not apply to the answers so far (its answer, if any, is
        kept in the log but feeds nothing)."""
        return question_id in self.hidden_questions(workload)

    def flag(self, flag_id: str) -> FlagRecord:
        for record in self.flags:
            if record.id == flag_id:
                return record
        known = ", ".join(f.id for f in self.flags if f.is_active) or "none"
        raise KickoffError(f"no red flag {flag_id!r}; raised now: {known}")

    def open_flags(self) -> list[FlagRecord]:
        """Flags raised and neither acknowledged nor resolved, most severe first."""
        return sorted((f for f in self.flags if f.state == "open"), key=_severity_key)

    def active_flags(self) -> list[FlagRecord]:
        """Open and acknowledged flags, most severe first."""
        return sorted((f for f in self.flags if f.is_active), key=_severity_key)

    def signoff(self, role: str) -> SignOff | None:
        for item in self.signoffs:
            if item.role == role:
                return item
        return None

    @property
    def is_signed_off(self) -> bool:
        """Signed off by every sign-off role (IT and the AI team)."""
        return all(self.signoff(r) is not None for r in SIGNOFF_ROLES)

    def participant_role(self, name: str) -> str | None:
        for person in self.participants:
            if person.name == name:
                return person.role
        return None

    # --- actions (each appends one event) -----------------------------------------------------

    def add_participant(self, name: str, role: str) -> Event | None:
        """Someone joins for a role (no event when already listed for it)."""
        name, role = _name(name), _role(role)
        if any(p.name == name and p.role == role for p in self.participants):
            return None
        return self._append(kind="participant", by=name, role=role)

    def remove_participant(self, name: str, role: str, rationale: str = "") -> Event:
        """Take someone off the list. Their answers, sign-offs and the log keep their name."""
        name, role = _name(name), _role(role)
        if not any(p.name == name and p.role == role for p in self.participants):
            raise KickoffError(f"{name} is not listed for {role}")
        check_free_text("rationale", rationale.strip())
        return self._append(kind="participant_remove", by=name, role=role,
                            rationale=rationale.strip())

    def rename_participant(self, name: str, role: str, new_name: str) -> Event | None:
        """Correct someone's name (no event when it is unchanged): the answers, sign-offs and
        cadence they gave carry the new name; earlier events keep the name they were recorded
        with, and the log says who was renamed to what."""
        name, role, new_name = _name(name), _role(role), _name(new_name)
        if not any(p.name == name and p.role == role for p in self.participants):
            raise KickoffError(f"{name} is not listed for {role}")
        if new_name == name:
            return None
        if any(p.name == new_name and p.role == role for p in self.participants):
            raise KickoffError(f"{new_name} is already listed for {role}")
        return self._append(kind="participant_rename", by=name, role=role, value=new_name,
                            previous=name)

    def record_answer(
        self,
        question_id: str,
        value: Any,
        by_name: str,
        by_role: str,
        rationale: str = "",
        *,
        workload: str | None = None,
    ) -> Answer | None:
        """Record (or change) an answer. Returns the stored answer (None for a withdrawn
        sign-off). Sign-off and cadence questions turn into :meth:`sign_off` and
        :meth:`set_cadence`. Raises :class:`KickoffError` for a bad value or one that contradicts
        other answers; nothing is recorded then.

        ``workload``: in a portfolio session, the workload a per-workload answer is for (the
        log records it); ignored for a shared question."""
        question = self.questionnaire.get(question_id)
        workload = self._workload_of(question_id, workload)
        by_name, by_role = _name(by_name), _role(by_role)
        rationale = rationale.strip()
        check_free_text("rationale", rationale)
        if question.action == "signoff":
            if question.validate_value(value):
                self.sign_off(question.role, by_name, by_role=by_role, rationale=rationale)
                return self.answers.get(question.id)
            self.withdraw_signoff(question.role, by_name, reason=rationale or "withdrawn", by_role=by_role)
            return None
        if question.action == "cadence":
            self.set_cadence(question.validate_value(value), by_name, by_role=by_role, rationale=rationale)
            return self.answers.get(question.id)
        clean = question.validate_value(value)
        holding = self._answers_holding(question_id, workload)
        current = holding.get(question_id)
        if current is not None and current.value == clean and type(current.value) is type(clean):
            # The same value again: nothing to decide, at most a new reason for it.
            if current.rationale != rationale:
                self._append(kind="rationale", by=by_name, role=by_role, question=question_id,
                             rationale=rationale, workload=workload)
            return self._answers_holding(question_id, workload)[question_id]
        if question.feeds is not None:
            for name in self._affected(workload):
                trial = {**self.answers_for(name), question_id: clean}
                try:  # raises KickoffError naming the clash
                    inputs_from_answers(self.questionnaire, trial)
                except KickoffError as err:
                    raise KickoffError(f"workload {name}: {err}" if name and len(self.workloads) > 1
                                       else str(err)) from None
        if question.planning is not None:
            refused = check_field_value(question.planning, question.to_input(clean))
            if refused is not None:
                raise SessionContentError(f"question {question_id!r} ({question.planning}): {refused}")
        self._append(
            kind="change" if current is not None else "answer",
            by=by_name,
            role=by_role,
            question=question_id,
            workload=workload,
            value=clean,
            previous=current.value if current is not None else None,
            rationale=rationale,
            reason=self._signoff_effect(question_id, clean, workload),
        )
        return self._answers_holding(question_id, workload)[question_id]

    def _affected(self, workload: str | None) -> list[str | None]:
        """The workloads an answer reaches: the one named, or every one for a shared answer."""
        if not self.workloads:
            return [None]
        if workload is not None:
            return [workload]
        return list(self.workload_names())

    def clear_answer(self, question_id: str, by_name: str, by_role: str, rationale: str = "",
                     *, workload: str | None = None) -> None:
        """Withdraw an answer (the question goes back to its default / unanswered)."""
        question = self.questionnaire.get(question_id)
        workload = self._workload_of(question_id, workload)
        current = self._answers_holding(question_id, workload).get(question_id)
        if current is None:
            return
        if question.action is not None:
            raise KickoffError(f"question {question_id!r}: withdraw a sign-off or cadence by answering it")
        if question.feeds is not None:
            for name in self._affected(workload):
                trial = {k: v for k, v in self.answers_for(name).items() if k != question_id}
                inputs_from_answers(self.questionnaire, trial)
        check_free_text("rationale", rationale.strip())
        self._append(
            kind="clear",
            by=_name(by_name),
            role=_role(by_role),
            question=question_id,
            workload=workload,
            previous=current.value,
            rationale=rationale.strip(),
            reason=self._signoff_effect(question_id, None, workload),
        )

    def acknowledge_flag(self, flag_id: str, reason: str, by: str) -> FlagRecord:
        """Accept an open red flag for a stated reason (it stays listed as acknowledged)."""
        record = self.flag(flag_id)
        if record.state == "resolved":
            raise KickoffError(f"red flag {flag_id!r} is already resolved")
        reason = " ".join(reason.split())
        if not reason:
            raise KickoffError("acknowledging a red flag needs a reason")
        check_free_text("reason", reason)
        self._append(kind="flag_ack", by=_name(by), flag=flag_id, reason=reason)
        return self.flag(flag_id)

    def resolve_flag(self, flag_id: str, reason: str, by: str) -> FlagRecord:
        """Mark a red flag resolved by hand (e.g. handled outside the meeting)."""
        record = self.flag(flag_id)
        if record.state == "resolved":
            raise KickoffError(f"red flag {flag_id!r} is already resolved")
        reason = " ".join(reason.split())
        check_free_text("reason", reason)
        self._append(kind="flag_resolve", by=_name(by), flag=flag_id, reason=reason)
        return self.flag(flag_id)

    def sign_off(
        self, role: str, name: str, *, by_role: str | None = None, rationale: str = ""
    ) -> SignOff:
        """``role`` (IT or the AI team) signs the current spec off; the spec is snapshotted.

        The signer must speak for that role, and the spec must be feasible."""
        if role not in SIGNOFF_ROLES:
            raise KickoffError(
                f"sign-off is by {' or '.join(ROLE_LABELS[r] for r in SIGNOFF_ROLES)}, not {role!r}"
            )
        name = _name(name)
        speaking = by_role or self.participant_role(name) or role
        if speaking != role:
            raise KickoffError(
                f"{name} speaks for the {ROLE_LABELS.get(speaking, speaking)}; the "
                f"{ROLE_LABELS[role]} sign-off must come from the {ROLE_LABELS[role]}"
            )
        for workload in self._affected(None):
            spec = self.spec(workload)
            label = f" of workload {workload!r}" if workload is not None and len(self.workloads) > 1 else ""
            if spec is None:
                raise KickoffError(f"cannot sign off: the answers{label} cannot be sized "
                                   f"({self.workload_sizing_error(workload)})")
            if not spec.feasible:
                raise KickoffError(f"cannot sign off an infeasible spec{label}: {spec.infeasible_reason}")
        if len(self.workloads) > 1:
            fleet = self.portfolio_spec()
            if fleet is None or not fleet.feasible:
                why = self.portfolio_error() if fleet is None else fleet.infeasible_reason
                raise KickoffError(f"cannot sign off: no shared fleet serves every workload ({why})")
        check_free_text("rationale", rationale.strip())
        self._append(kind="signoff", by=name, role=role, value=True, rationale=rationale.strip())
        found = self.signoff(role)
        assert found is not None
        return found

    def withdraw_signoff(self, role: str, name: str, reason: str = "", *, by_role: str | None = None) -> None:
        """Take a sign-off back."""
        if self.signoff(role) is None:
            return
        name = _name(name)
        speaking = by_role or self.participant_role(name) or role
        if speaking != role:
            raise KickoffError(f"only the {ROLE_LABELS[role]} can withdraw its sign-off")
        check_free_text("reason", reason.strip())
        self._append(kind="signoff", by=name, role=role, value=False, rationale=reason.strip())

    def set_cadence(
        self,
        cadence: str,
        by: str,
        *,
        by_role: str | None = None,
        next_review: date | None = None,
        rationale: str = "",
    ) -> ReviewCadence:
        """Set the review cadence; the next review date is derived unless given."""
        by = _name(by)
        role = _role(by_role) if by_role else None
        at = self.now()
        if next_review is None:
            next_review = next_review_date(at.date(), cadence)
        elif cadence not in CADENCE_MONTHS:
            raise KickoffError(f"unknown review cadence {cadence!r}; use {', '.join(CADENCE_MONTHS)}")
        check_free_text("rationale", rationale.strip())
        self._append(
            at=at, kind="cadence", by=by, role=role, value=cadence, next_review=next_review,
            rationale=rationale.strip(),
        )
        assert self.cadence is not None
        return self.cadence

    def set_scorecard(
        self,
        card: Scorecard | Mapping[str, Any],
        by_name: str,
        by_role: str = SCORECARD_OWNER,
        rationale: str = "",
    ) -> ScorecardRecord | None:
        """Set (or replace) the weighted vendor scorecard. The event's ``reason`` records the
        weighted totals, the weights and the trade-offs (:func:`decision_entries`), so the
        decision log and the event log show what the scores decided. Returns the record (the
        unchanged one when nothing differs). Raises :class:`KickoffError` for a bad table."""
        if not isinstance(card, Scorecard):
            from pydantic import ValidationError

            try:
                card = Scorecard.model_validate(card)
            except ValidationError as err:
                first = err.errors()[0]
                where = " ".join(["scorecard", ".".join(str(p) for p in first["loc"])]).strip()
                more = len(err.errors()) - 1
                extra = f" (and {more} more)" if more > 0 else ""
                raise KickoffError(
                    f"{where}: {first['msg'].removeprefix('Value error, ')}{extra}"
                ) from None
        by_name, by_role = _name(by_name), _role(by_role)
        rationale = rationale.strip()
        check_free_text("rationale", rationale)
        current = self.scorecard
        if (
            current is not None
            and current.card == card
            and current.set_by == by_name
            and current.role == by_role
            and current.rationale == rationale
        ):
            return current
        self._append(
            kind="scorecard",
            by=by_name,
            role=by_role,
            scorecard=card,
            reason=scorecard_summary(card),
            rationale=rationale,
        )
        return self.scorecard

    def clear_scorecard(self, by_name: str, by_role: str = SCORECARD_OWNER, rationale: str = "") -> None:
        """Withdraw the vendor scorecard (no event when there is none)."""
        if self.scorecard is None:
            return
        check_free_text("rationale", rationale.strip())
        self._append(kind="scorecard", by=_name(by_name), role=_role(by_role), rationale=rationale.strip())

    def set_title(self, title: str, by: str = "") -> None:
        title = _title(title)
        by = _name(by) if by.strip() else ""
        if title != self.title:
            self._append(kind="title", by=by, value=title, previous=self.title)

    # --- the event machinery ------------------------------------------------------------------

    def _append(self, at: datetime | None = None, **fields: Any) -> Event:
        """Build the event with the same models and checks a file load applies, apply it, and
        autosave. :class:`RecordRefused` (nothing recorded) for what a load would refuse."""
        from kickoff_tui.record.questionnaire import data_problems, summarize_problems

        try:
            event = Event(seq=len(self.events) + 1, at=at or self.now(), **fields)
        except ValidationError as err:
            raise RecordRefused(f"not recorded: {_event_problem(err)}") from None
        problems = data_problems(event.model_dump(exclude_none=True))
        if problems:
            raise RecordRefused(f"not recorded: {summarize_problems(problems)}")
        self.apply(event)
        if self._autosave_path is not None:
            from kickoff_tui.record.io import save_session

            save_session(self, self._autosave_path)
            self.mark_saved()
        return event

    def apply(self, event: Event) -> None:
        """Turn one event into state and append it to the log (the only place state changes).

        Replaying a session applies its events, one by one, to an empty copy."""
        if event.seq != len(self.events) + 1:
            raise KickoffError(f"event {event.seq} applied out of order (log has {len(self.events)})")
        kind = event.kind
        questionnaire = self.questionnaire
        if event.workload is not None and self.workloads and kind != "workload_add":
            try:  # a log naming a workload the session does not hold (a hand-edited file)
                self.workload(event.workload)
            except KickoffError as err:
                raise KickoffError(f"event {event.seq}: {err}") from None
        if kind == "participant":
            self._ensure_participant(event.by, event.role)
        elif kind == "participant_remove":
            self.participants = [p for p in self.participants
                                 if not (p.name == event.by and p.role == event.role)]
        elif kind == "participant_rename":
            self._rename_participant(event.by, str(event.role), str(event.value))
        elif kind in ("answer", "change"):
            assert event.question is not None and event.value is not None and event.role is not None
            self._ensure_participant(event.by, event.role)
            question = questionnaire.find(event.question)
            holding = self._answers_holding(event.question, event.workload)
            holding[event.question] = Answer(
                value=event.value,
                answered_by=event.by,
                role=event.role,
                rationale=event.rationale,
                at=event.at,
                owner_mismatch=question is not None and question.role != event.role,
            )
            self._sort_answers()
            if question is None or question.feeds is not None:
                self._inputs_changed(only=self._only_workload(event))
            elif question.portfolio is not None:
                self._portfolio_answer_changed(event)
        elif kind == "rationale":
            assert event.question is not None
            holding = self._answers_holding(event.question, event.workload)
            current = holding.get(event.question)
            if current is not None:
                holding[event.question] = current.model_copy(update={"rationale": event.rationale})
        elif kind == "clear":
            assert event.question is not None
            self._answers_holding(event.question, event.workload).pop(event.question, None)
            question = questionnaire.find(event.question)
            if question is None or question.feeds is not None:
                self._inputs_changed(only=self._only_workload(event))
            elif question.portfolio is not None:
                self._portfolio_answer_changed(event)
        elif kind in ("workload_add", "workload_rename", "workload_remove"):
            self._apply_workload(event)
        elif kind == "flag_ack":
            self._set_flag_state(event, "acknowledged")
        elif kind == "flag_resolve":
            self._set_flag_state(event, "resolved")
        elif kind == "signoff":
            self._apply_signoff(event)
        elif kind == "cadence":
            assert isinstance(event.value, str) and event.next_review is not None
            question = questionnaire.cadence_question()
            self.cadence = ReviewCadence(
                every=event.value, next_review=event.next_review, set_by=event.by, at=event.at
            )
            if question is not None:
                role = event.role or self.participant_role(event.by) or question.role
                self._ensure_participant(event.by, role)
                self.answers[question.id] = Answer(
                    value=event.value,
                    answered_by=event.by,
                    role=role,
                    rationale=event.rationale,
                    at=event.at,
                    owner_mismatch=role != question.role,
                )
                self._sort_answers()
        elif kind == "title":
            self.title = str(event.value)
        elif kind == "scorecard":
            role = event.role or SCORECARD_OWNER
            self._ensure_participant(event.by, role)
            self.scorecard = (
                None
                if event.scorecard is None
                else ScorecardRecord(
                    card=event.scorecard,
                    set_by=event.by,
                    role=role,
                    rationale=event.rationale,
                    at=event.at,
                    owner_mismatch=role != SCORECARD_OWNER,
                )
            )
        self.events.append(event)
        self.updated = event.at
        self._recompute_flags(event.at)

    def _ensure_participant(self, name: str, role: str | None) -> None:
        if role is None:
            return
        if not any(p.name == name and p.role == role for p in self.participants):
            self.participants.append(Participant(name=name, role=role))

    def _rename_participant(self, old: str, role: str, new: str) -> None:
        """``old`` speaking for ``role`` is now ``new``: the list, the answers they gave for
        that role, their sign-offs and the cadence they set follow."""
        renamed: list[Participant] = []
        for person in self.participants:
            if person.name == old and person.role == role:
                person = person.model_copy(update={"name": new})
            if not any(p.name == person.name and p.role == person.role for p in renamed):
                renamed.append(person)
        self.participants = renamed
        for qid, answer in self.answers.items():
            if answer.answered_by == old and answer.role == role:
                self.answers[qid] = answer.model_copy(update={"answered_by": new})
        self.signoffs = [s.model_copy(update={"name": new}) if s.name == old and s.role == role
                         else s for s in self.signoffs]
        if self.cadence is not None and self.cadence.set_by == old:
            self.cadence = self.cadence.model_copy(update={"set_by": new})

    def _sort_answers(self) -> None:
        order = self.questionnaire.order()

        def ordered(answers: dict[str, Answer]) -> dict[str, Answer]:
            keys = sorted(answers, key=lambda k: (order.get(k, len(order)), k))
            return {k: answers[k] for k in keys}

        self.answers = ordered(self.answers)
        for record in self.workloads:
            record.answers = ordered(record.answers)

    def _apply_workload(self, event: Event) -> None:
        """A workload added, renamed or removed (the answers, flags and caches follow)."""
        from kickoff_tui.record.workloads import FLAG_WORKLOAD_SEPARATOR, per_workload_ids

        assert event.workload is not None
        name = event.workload
        if event.role is not None:
            self._ensure_participant(event.by, event.role)
        if event.kind == "workload_add":
            if any(w.name.casefold() == name.casefold() for w in self.workloads):
                raise KickoffError(f"event {event.seq}: there is already a workload named {name!r}")
            moved: dict[str, Answer] = {}
            if not self.workloads:  # a single-workload session names its workload: answers move
                own = per_workload_ids(self.questionnaire)
                moved = {k: v for k, v in self.answers.items() if k in own}
                self.answers = {k: v for k, v in self.answers.items() if k not in own}
                tagged = {f.id for f in self.flags if set(f.questions) & own}
                self._rename_flags(lambda flag_id: f"{flag_id}{FLAG_WORKLOAD_SEPARATOR}{name}"
                                   if flag_id in tagged else flag_id)
            self.workloads.append(WorkloadRecord(name=name, answers=moved))
            self._sort_answers()
            self._inputs_changed(workloads_changed=True)
            return
        record = self.workload(name)
        assert record is not None
        if event.kind == "workload_rename":
            new = str(event.value)
            record.name = new
            suffix = f"{FLAG_WORKLOAD_SEPARATOR}{record.name}"
            old_suffix = f"{FLAG_WORKLOAD_SEPARATOR}{name}"
            self._rename_flags(lambda flag_id: flag_id[: -len(old_suffix)] + suffix
                               if flag_id.endswith(old_suffix) else flag_id)
            self._spec_fresh = False
            return
        self.workloads = [w for w in self.workloads if w is not record]
        self._inputs_changed(workloads_changed=True)

    def _rename_flags(self, rename: Callable[[str], str]) -> None:
        renamed = []
        for record in self.flags:
            new_id = rename(record.id)
            message = record.message
            if new_id != record.id and not message.startswith("Workload "):
                from kickoff_tui.record.workloads import flag_workload

                message = f"Workload {flag_workload(new_id)!r}: {message}"
            renamed.append(record if new_id == record.id else
                           record.model_copy(update={"id": new_id, "message": message}))
        self.flags = renamed

    def _only_workload(self, event: Event) -> str | None:
        """The one workload an answer event reaches (None: a shared answer, or no workloads)."""
        if not self.workloads or event.question is None or not self.is_per_workload(event.question):
            return None
        record = self.workload(event.workload)
        return record.name if record is not None else None

    def _portfolio_answer_changed(self, event: Event) -> None:
        """A peak window, off-peak share, history or candidate list changed: no workload's own
        spec moves, the shared fleet is sized again. The sign-offs are withdrawn when the log
        says the fleet they signed moved (see :meth:`_fleet_effect`), so a replay withdraws
        them exactly as the meeting did."""
        self._portfolio_spec = None
        if self.signoffs and event.reason.startswith("withdraws the sign-offs"):
            self._drop_signoffs(list(SIGNOFF_ROLES))

    def _fleet_effect(self, question_id: str, value: AnswerValue | None, workload: str | None) -> str:
        """For the log: whether setting (``value`` None: clearing) a portfolio answer moves the
        signed fleet's GPUs or monthly cost ("" when it does not)."""
        from kickoff_tui.record.portfolio import demands
        from kickoff_tui.record.workloads import portfolio_fields
        from kickoff_tui.sizing.portfolio import size_portfolio

        before = self.portfolio_spec()
        record = self.workload(workload)
        if before is None or record is None:
            return ""
        trial: dict[str, Any] = {k: v for k, v in self.answers_for(record.name).items() if k != question_id}
        if value is not None:
            trial[question_id] = value
        try:
            portfolio = self.portfolio()
            fields = portfolio_fields(self.questionnaire, trial, self.hidden_questions(record.name))
            workloads = [w.model_copy(update={"peak_hours": None, "off_peak_fraction": None,
                                              "history": None, "candidates": [], **fields})
                         if w.name == record.name else w for w in portfolio.workloads]
            portfolio = portfolio.model_copy(update={"workloads": workloads})
            after = size_portfolio(demands(portfolio), portfolio.platform.gpu_candidates)
        except (KickoffError, ValueError):
            return "withdraws the sign-offs: the shared fleet can no longer be sized"
        was, now = before.fleet, after.fleet
        if (was.total_gpus, was.cost_per_month) == (now.total_gpus, now.cost_per_month):
            return ""
        return (f"withdraws the sign-offs: shared fleet {was.total_gpus} -> {now.total_gpus} GPUs, "
                f"${was.cost_per_month:,.0f} -> ${now.cost_per_month:,.0f}/month")

    def _inputs_changed(self, workloads_changed: bool = False, only: str | None = None) -> None:
        """A sizing input changed: the spec is re-sized; the sign-offs are withdrawn when a
        figure they signed moved (re-saving a value, or an answer the spec does not feel,
        leaves them standing).

        A portfolio session: each workload's signed figures are compared before and after the
        change; adding or removing a workload always withdraws them (the fleet changed)."""
        if only is not None and self._spec_fresh:
            # one workload's answer: only its spec (and the fleet) is sized again
            was = self._workload_specs.pop(only, (None, ""))[0]
            self._portfolio_spec = None
            if self.signoffs and (was is None or signed_changes(was, self.spec(only))):
                self._drop_signoffs(list(SIGNOFF_ROLES))
            return
        if self.workloads or workloads_changed:
            before = ({w.name: self._workload_specs.get(w.name, (None, ""))[0] for w in self.workloads}
                      if self._spec_fresh else {})
            self._spec_fresh = False
            if not self.signoffs:
                return
            if workloads_changed or not before:
                self._drop_signoffs(list(SIGNOFF_ROLES))
                return
            for record in self.workloads:
                was, now = before.get(record.name), self.spec(record.name)
                if was is None or signed_changes(was, now):
                    self._drop_signoffs(list(SIGNOFF_ROLES))
                    return
            return
        self._spec_fresh = False
        if self.signoffs and self.signed_spec is not None:
            if signed_changes(self.signed_spec, self.spec()):
                self._drop_signoffs(list(SIGNOFF_ROLES))
        elif self.signoffs:
            self._drop_signoffs(list(SIGNOFF_ROLES))

    def _signoff_effect(self, question_id: str, value: AnswerValue | None,
                        workload: str | None = None) -> str:
        """For the log: which signed figures setting (``value`` None: clearing) the answer
        would move ("" when none, or when nothing is signed off)."""
        if not self.signoffs:
            return ""
        question = self.questionnaire.find(question_id)
        if question is not None and question.portfolio is not None:
            return self._fleet_effect(question_id, value, workload)
        changes: list[str] = []
        for name in self._affected(workload):
            answers: dict[str, Answer | AnswerValue] = {
                k: v for k, v in self.answers_for(name).items() if k != question_id}
            if value is not None:
                answers[question_id] = value
            signed = self.signed_spec if not self.workloads else self.spec(name)
            if signed is None:
                continue
            spec, _error = size_answers(self.questionnaire, answers)
            label = f"{name}: " if name is not None and len(self.workloads) > 1 else ""
            changes += [label + c for c in signed_changes(signed, spec)]
        return f"withdraws the sign-offs: {'; '.join(changes)}" if changes else ""

    def _drop_signoffs(self, roles: list[str]) -> None:
        self.signoffs = [s for s in self.signoffs if s.role not in roles]
        for role in roles:
            question = self.questionnaire.signoff_question(role)
            if question is not None:
                self.answers.pop(question.id, None)
        if not self.signoffs:
            self.signed_spec = None

    def _apply_signoff(self, event: Event) -> None:
        assert event.role is not None
        if event.value is False:
            self._drop_signoffs([event.role])
            return
        self._ensure_participant(event.by, event.role)
        self.signoffs = [s for s in self.signoffs if s.role != event.role]
        self.signoffs.append(SignOff(role=event.role, name=event.by, at=event.at))  # type: ignore[arg-type]
        self.signoffs.sort(key=lambda s: SIGNOFF_ROLES.index(s.role))
        question = self.questionnaire.signoff_question(event.role)
        if question is not None:
            self.answers[question.id] = Answer(
                value=True, answered_by=event.by, role=event.role, rationale=event.rationale, at=event.at
            )
            self._sort_answers()
        spec = self.spec()
        # A portfolio's signed figures are each workload's own spec (compared on every change).
        self.signed_spec = snapshot_spec(spec) if spec is not None and not self.workloads else None
        self.catalog_version = _catalog_version()

    def _set_flag_state(self, event: Event, state: str) -> None:
        for index, record in enumerate(self.flags):
            if record.id == event.flag:
                self.flags[index] = record.model_copy(
                    update={"state": state, "by": event.by, "reason": event.reason, "changed_at": event.at}
                )
                return

    def _recompute_flags(self, at: datetime) -> None:
        try:
            planning: PlanningOverrides | None = self.planning()
        except KickoffError:
            planning = None

        def raised(workload: str | None) -> list:
            spec = self.spec(workload)
            try:
                inputs = self.sizing_inputs(workload)
            except KickoffError:
                inputs = SizingInputs()
            context = FlagContext(
                questionnaire=self.questionnaire,
                answers=self.answers_for(workload),
                inputs=inputs,
                spec=spec,
                signoffs=tuple(self.signoffs),
                cadence=self.cadence,
                gpu_architecture=gpu_architecture(spec),
                planning=planning,
                scorecard=self.scorecard,
            )
            return evaluate_flags(context)

        if not self.workloads:
            found = raised(None)
        else:  # every workload's flags; those of the whole platform once, the others named
            from kickoff_tui.record.workloads import merge_workload_flags, per_workload_ids

            per = [(name, raised(name)) for name in self.workload_names()]
            found = merge_workload_flags(per, per_workload_ids(self.questionnaire))
        self.flags = merge_flags(self.flags, found, at)

    def empty_copy(self) -> "Session":
        """A session with this one's identity and bindings but no events (replay starts here)."""
        blank = Session(
            schema_version=self.schema_version,
            id=self.id,
            title=self.title if not any(e.kind == "title" for e in self.events) else _first_title(self),
            questionnaire_id=self.questionnaire_id,
            questionnaire_version=self.questionnaire_version,
            catalog_version=self.catalog_version,
            created=self.created,
            updated=self.created,
        )
        blank.bind(questionnaire=self.questionnaire, clock=self._clock)
        blank._recompute_flags(self.created)
        return blank


def scorecard_summary(card: Scorecard) -> str:
    """One line for the decision log: the scorecard's pick, weights, totals and trade-offs."""
    return "; ".join(f"{topic} = {value} ({why})" for topic, value, why in decision_entries(card))


def _default_name(session: Session) -> str:
    from kickoff_tui.record.workloads import default_first_name

    return default_first_name(session.answers)


def _first_title(session: Session) -> str:
    """Title before any ``title`` event renamed the session."""
    for event in session.events:
        if event.kind == "title":
            return str(event.previous) if event.previous is not None else session.title
    return session.title


def _severity_key(record: FlagRecord) -> tuple[int, str]:
    return (SEVERITY_ORDER[record.severity], record.id)


def _catalog_version() -> str:
    try:
        from kickoff_tui.catalog import catalog_version

        return catalog_version()
    except Exception:  # noqa: BLE001 - a missing catalog must not stop a meeting from starting
        return ""


def size_answers(
    questionnaire: Questionnaire, answers: Mapping[str, Answer | AnswerValue]
) -> tuple[SizedSpec | None, str]:
    """Size the answers (``Answer`` objects or bare values, e.g. a preview of an answer not yet
    recorded): (spec with questionnaire defaults listed as assumptions, "") or (None, why sizing
    failed)."""
    from kickoff_tui.sizing import size

    try:
        inputs = inputs_from_answers(questionnaire, answers)
        spec = size(inputs)
    except (KickoffError, ValueError) as err:
        return None, " ".join(str(err).split())
    return with_assumptions(spec, assumed_defaults(questionnaire, answers)), ""
