"""The meeting's record: questionnaire, session, decision log, red flags, TOML files, replay.

Pure and headless (never imports Textual). The app drives a :class:`Session`::

    from kickoff_tui.record import Session, load_session, save_session

    session = Session.new("Support assistant", participants=[("Dana", "app_owner")], autosave=True)
    session.record_answer("peak_concurrency", 120, "Dana", "app_owner", "p99 of last month's logs")
    spec = session.spec()                 # SizedSpec | None (see session.sizing_error)
    session.open_flags()                  # [FlagRecord], most severe first
    session.acknowledge_flag("no-dev-cluster", "budget; revisit in Q3", "Priya")
    session.sign_off("it", "Priya"); session.sign_off("ai_team", "Sam")
    session.set_cadence("quarterly", "Dana")

Every action appends an :class:`Event`; :func:`replay_states` rebuilds the meeting step by step.
"""

from __future__ import annotations

from kickoff_tui.record.diff import DiffEntry, SessionDiff, diff_sessions
from kickoff_tui.record.flags import (
    RULES,
    Flag,
    FlagContext,
    FlagRecord,
    FlagState,
    RuleInfo,
    Severity,
    evaluate_flags,
    merge_flags,
)
from kickoff_tui.record.io import (
    SessionFileError,
    atomic_write_text,
    autosave_path,
    data_dir,
    dumps_session,
    list_sessions,
    load_session,
    loads_session,
    save_session,
    session_to_dict,
    sessions_dir,
)
from kickoff_tui.record.mapping import assumed_defaults, inputs_from_answers
from kickoff_tui.record.markdown import session_markdown
from kickoff_tui.record.models import (
    Answer,
    Event,
    EventKind,
    Participant,
    ReviewCadence,
    SignOff,
)
from kickoff_tui.record.questionnaire import (
    CADENCE_MONTHS,
    ROLE_LABELS,
    ROLES,
    SIGNOFF_ROLES,
    AnswerValue,
    Cadence,
    Choice,
    Question,
    Questionnaire,
    QuestionnaireError,
    QuestionType,
    Role,
    default_questionnaire,
    load_questionnaire,
    parse_questionnaire,
)
from kickoff_tui.record.replay import ReplayState, replay_states, rebuild
from kickoff_tui.record.session import (
    SCHEMA_VERSION,
    Clock,
    Session,
    next_review_date,
    size_answers,
    snapshot_spec,
    utc_now,
)

__all__ = [
    "CADENCE_MONTHS",
    "ROLES",
    "ROLE_LABELS",
    "RULES",
    "SCHEMA_VERSION",
    "SIGNOFF_ROLES",
    "Answer",
    "AnswerValue",
    "Cadence",
    "Choice",
    "Clock",
    "DiffEntry",
    "Event",
    "EventKind",
    "Flag",
    "FlagContext",
    "FlagRecord",
    "FlagState",
    "Participant",
    "Question",
    "QuestionType",
    "Questionnaire",
    "QuestionnaireError",
    "ReplayState",
    "ReviewCadence",
    "Role",
    "RuleInfo",
    "Session",
    "SessionDiff",
    "SessionFileError",
    "Severity",
    "SignOff",
    "assumed_defaults",
    "atomic_write_text",
    "autosave_path",
    "data_dir",
    "default_questionnaire",
    "diff_sessions",
    "dumps_session",
    "evaluate_flags",
    "inputs_from_answers",
    "list_sessions",
    "load_questionnaire",
    "load_session",
    "loads_session",
    "merge_flags",
    "next_review_date",
    "parse_questionnaire",
    "rebuild",
    "replay_states",
    "save_session",
    "session_markdown",
    "session_to_dict",
    "sessions_dir",
    "size_answers",
    "snapshot_spec",
    "utc_now",
]
