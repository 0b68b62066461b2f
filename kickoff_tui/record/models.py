"""The pieces of a session record: participants, answers, events, sign-offs, cadence.

All datetimes are timezone-aware and kept in UTC (a naive datetime is taken as UTC), so a file
written on one machine reads back equal on another.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from kickoff_tui.planning.scorecard import Scorecard
from kickoff_tui.record.questionnaire import (
    MAX_STRING_CHARS,
    AnswerValue,
    Cadence,
    Role,
    control_character,
)

SCORECARD_OWNER = "it"
"""The role that owns the vendor scorecard (issue 6: provider choice is IT's decision)."""


EARLIEST_YEAR = 1900
"""Earliest year a record's date may carry (no meeting was recorded before computers were)."""
LATEST_YEAR = 9000
"""Latest year a record's date may carry. Far beyond any meeting, and far enough from Python's
year 9999 that converting an offset to UTC (``9999-12-31 23:59:59-23:59``) and the dates the
report adds (two weeks for an action, a year of review cadence) can never overflow."""


def _in_range(value: date) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(
            f"the year {value.year} is out of range (a date from {EARLIEST_YEAR} to {LATEST_YEAR})"
        )


def _utc(value: datetime) -> datetime:
    _in_range(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(timezone.utc)
    except (OverflowError, ValueError):  # an offset that cannot be applied: never a crash
        raise ValueError("the date cannot be converted to UTC (out of range)") from None


def _day(value: date) -> date:
    _in_range(value)
    return value


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
"""A datetime normalised to UTC, in the years :data:`EARLIEST_YEAR` to :data:`LATEST_YEAR`."""

RecordDate = Annotated[date, AfterValidator(_day)]
"""A calendar date in the years :data:`EARLIEST_YEAR` to :data:`LATEST_YEAR`."""


MAX_NAME_CHARS = 200
"""Longest person's name, session title or session id kept: a name or a meeting title, never a
paste (the participants screen caps its fields at this length too)."""

MAX_TEXT_CHARS = MAX_STRING_CHARS
"""Longest other text (rationale, reason, question or flag id) a record field holds: the same
limit the file loader applies to every string, so whatever is recorded can be read back."""


def text_problem(value: str, limit: int = MAX_TEXT_CHARS) -> str | None:
    """Why ``value`` cannot be kept in a session (too long, or a control character), or None.

    The one rule for text in a record: the models below apply it when a file is loaded *and*
    when :class:`~kickoff_tui.record.session.Session` builds an event, so nothing saved can
    fail to load. The wording matches the file loader's (``data_problems``)."""
    if len(value) > limit:
        return f"text of {len(value):,} characters (at most {limit:,})"
    bad = control_character(value)
    if bad is not None:
        return f"contains the control character {bad}"
    return None


def _rule(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        problem = text_problem(value, limit)
        if problem is not None:
            raise ValueError(problem)
        return value

    return AfterValidator(check)


FreeText = Annotated[str, _rule(MAX_TEXT_CHARS)]
"""Text of any kind in a record: at most :data:`MAX_TEXT_CHARS`, no control characters."""

NameText = Annotated[str, _rule(MAX_NAME_CHARS)]
"""A person's name, a title or an id: at most :data:`MAX_NAME_CHARS`, no control characters."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Participant(_Record):
    """Someone in the meeting, speaking for one role."""

    name: NameText = Field(min_length=1)
    role: Role


class Answer(_Record):
    """The current answer to one question: the decision, who made it, and why."""

    value: AnswerValue
    answered_by: NameText = Field(min_length=1)
    """Name of the person who gave the answer."""
    role: Role
    """Role the answerer spoke for."""
    rationale: FreeText = ""
    at: UtcDatetime
    owner_mismatch: bool = False
    """True when ``role`` is not the role that owns the question (allowed, but flagged)."""


EventKind = Literal[
    "participant",
    "participant_remove",
    "participant_rename",
    "answer",
    "change",
    "rationale",
    "clear",
    "flag_ack",
    "flag_resolve",
    "signoff",
    "cadence",
    "title",
    "scorecard",
    "workload_add",
    "workload_rename",
    "workload_remove",
]
"""What happened. ``participant``: someone joins for a role; ``participant_remove``: they leave
the list (their answers keep their name); ``participant_rename``: ``by`` (speaking for ``role``)
is now called ``value`` (their answers, sign-offs and cadence follow); ``answer``: first answer to a question; ``change``: a later one; ``clear``: an
answer withdrawn; ``rationale``: only the reason behind an answer changed (its value did not);
``flag_ack``/``flag_resolve``: a red flag acknowledged or resolved by a person;
``signoff``: a role signed off (``value`` false withdraws it); ``cadence``: review cadence set;
``scorecard``: the vendor scorecard set (``scorecard`` absent withdraws it);
``workload_add`` / ``workload_rename`` (``value``: the new name) / ``workload_remove``: the
portfolio's list of workloads changed (``workload`` names the one concerned)."""

EVENT_KINDS: tuple[str, ...] = (
    "participant",
    "participant_remove",
    "participant_rename",
    "answer",
    "change",
    "rationale",
    "clear",
    "flag_ack",
    "flag_resolve",
    "signoff",
    "cadence",
    "title",
    "scorecard",
    "workload_add",
    "workload_rename",
    "workload_remove",
)

_REQUIRED: dict[str, tuple[str, ...]] = {
    "participant": ("by", "role"),
    "participant_remove": ("by", "role"),
    "participant_rename": ("by", "role", "value"),
    "answer": ("question", "value", "by", "role"),
    "change": ("question", "value", "by", "role"),
    "rationale": ("question", "by", "role"),
    "clear": ("question", "by", "role"),
    "flag_ack": ("flag", "by", "reason"),
    "flag_resolve": ("flag", "by"),
    "signoff": ("by", "role", "value"),
    "cadence": ("value", "by", "next_review"),
    "title": ("value",),
    "scorecard": ("by",),  # role: the owner (IT) unless stated
    "workload_add": ("workload", "by"),
    "workload_rename": ("workload", "value", "by"),
    "workload_remove": ("workload", "by"),
}
"""Fields each kind of event must carry."""


class Event(_Record):
    """One entry of the append-only log. Replaying the events rebuilds the session."""

    seq: int = Field(ge=1)
    """Position in the log, from 1."""
    at: UtcDatetime
    kind: EventKind
    by: NameText = ""
    """Name of the person acting."""
    role: Role | None = None
    """Role the person spoke for (for ``signoff``: the role signing)."""
    question: FreeText | None = None
    workload: NameText | None = None
    """The workload an answer is for (a portfolio session's per-workload questions), or the
    workload a ``workload_*`` event adds, renames or removes. Absent: the session's one workload
    (every file written before portfolios) or a question shared by the whole platform."""
    value: AnswerValue | None = None
    previous: AnswerValue | None = None
    """The value replaced by a ``change`` (or withdrawn by a ``clear``)."""
    rationale: FreeText = ""
    flag: FreeText | None = None
    reason: FreeText = ""
    """Flag events: why. Answer, change and clear events: which signed figure the answer moved
    when it withdrew the sign-offs (e.g. ``total GPUs 8 -> 12``)."""
    next_review: RecordDate | None = None
    scorecard: Scorecard | None = None
    """The vendor scorecard a ``scorecard`` event sets (criteria, weights, scores per provider).
    Its ``reason`` holds the weighted totals and trade-offs computed when it was set."""

    @model_validator(mode="after")
    def _has_required(self) -> "Event":
        for name in _REQUIRED[self.kind]:
            present = getattr(self, name)
            if present is None or present == "":
                raise ValueError(f"a {self.kind} event needs {name!r}")
        if self.kind == "signoff" and not isinstance(self.value, bool):
            raise ValueError("a signoff event's value must be true or false")
        if self.kind == "workload_rename" and not isinstance(self.value, str):
            raise ValueError("a workload_rename event's value is the new name")
        if self.scorecard is not None and self.kind != "scorecard":
            raise ValueError(f"a {self.kind} event cannot carry a scorecard")
        for name in ("value", "previous"):
            given = getattr(self, name)
            if isinstance(given, str):
                limit = (MAX_NAME_CHARS if self.kind in ("title", "participant_rename",
                                                         "workload_rename")
                         else MAX_TEXT_CHARS)
                problem = text_problem(given, limit)
                if problem is not None:
                    raise ValueError(f"{name}: {problem}")
        return self


class SignOff(_Record):
    """A role signing the sized spec off."""

    role: Literal["it", "ai_team"]
    name: NameText = Field(min_length=1)
    at: UtcDatetime


class ReviewCadence(_Record):
    """When the sized inputs are looked at again."""

    every: Cadence
    next_review: RecordDate
    set_by: NameText = Field(min_length=1)
    at: UtcDatetime


class ScorecardRecord(_Record):
    """The vendor scorecard as the session holds it: the table, who set it, and why."""

    card: Scorecard
    """Criteria with their weights and each provider's scores."""
    set_by: NameText = Field(min_length=1)
    """Name of the person who set it."""
    role: Role
    """Role that person spoke for."""
    rationale: FreeText = ""
    """Why, in the words of whoever set it."""
    at: UtcDatetime
    owner_mismatch: bool = False
    """True when ``role`` is not IT, the scorecard's owner (allowed, but flagged)."""


class WorkloadRecord(_Record):
    """One workload of a portfolio session: its name and the answers to the per-workload
    questions (the application owner's traffic, SLOs and redundancy; the AI team's model,
    precision and engine). IT's answers are the session's own, shared by every workload."""

    name: NameText = Field(min_length=1)
    answers: dict[str, Answer] = Field(default_factory=dict)
