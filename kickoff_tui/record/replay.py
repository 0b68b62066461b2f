"""Replay: rebuild a session from its event log, one state per event.

Each state re-sizes the answers as they stood after that event (with today's catalog), so a
replay shows how the spec and the red flags moved while the meeting went on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kickoff_tui.errors import KickoffError
from kickoff_tui.record.flags import FlagRecord
from kickoff_tui.record.models import Answer, Event, ReviewCadence, SignOff
from kickoff_tui.record.session import Session
from kickoff_tui.sizing.inputs import SizingInputs
from kickoff_tui.sizing.spec import SizedSpec


@dataclass(frozen=True)
class ReplayState:
    """The meeting right after one event (``step`` 0: before the first one)."""

    step: int
    event: Event | None
    answers: dict[str, Answer]
    inputs: SizingInputs | None
    """None when the answers at this step contradict each other (see ``sizing_error``)."""
    spec: SizedSpec | None
    sizing_error: str
    flags: list[FlagRecord]
    """Every flag record at this step (resolved ones included)."""
    signoffs: list[SignOff]
    cadence: ReviewCadence | None
    workloads: dict[str, dict[str, Answer]] | None = None
    """A portfolio session: each workload's own answers at this step (``answers`` holds the
    shared ones, ``spec`` is the first workload's); None for a session of one unnamed workload."""

    @property
    def open_flags(self) -> list[FlagRecord]:
        from kickoff_tui.record.flags import SEVERITY_ORDER

        return sorted(
            (f for f in self.flags if f.state == "open"),
            key=lambda f: (SEVERITY_ORDER[f.severity], f.id),
        )

    @property
    def acknowledged_flags(self) -> list[FlagRecord]:
        return [f for f in self.flags if f.state == "acknowledged"]


def _state(session: Session, event: Event | None) -> ReplayState:
    try:
        inputs: SizingInputs | None = session.sizing_inputs()
    except KickoffError:
        inputs = None
    return ReplayState(
        step=event.seq if event is not None else 0,
        event=event,
        answers=dict(session.answers),
        inputs=inputs,
        spec=session.spec(),
        sizing_error=session.sizing_error,
        flags=list(session.flags),
        signoffs=list(session.signoffs),
        cadence=session.cadence,
        workloads={w.name: dict(w.answers) for w in session.workloads} if session.workloads else None,
    )


def replay_states(
    session: Session, *, upto: int | None = None, include_start: bool = False
) -> Iterator[ReplayState]:
    """Yield the state after each event (after events 1..``upto`` when given)."""
    if upto is not None and not 0 <= upto <= len(session.events):
        raise KickoffError(f"--at {upto}: the session has events 1 to {len(session.events)}")
    replica = session.empty_copy()
    if include_start:
        yield _state(replica, None)
    for event in session.events:
        if upto is not None and event.seq > upto:
            return
        replica.apply(event)
        yield _state(replica, event)


def rebuild(session: Session, *, upto: int | None = None) -> Session:
    """A new session built by applying the events (all of them, or 1..``upto``)."""
    if upto is not None and not 0 <= upto <= len(session.events):
        raise KickoffError(f"--at {upto}: the session has events 1 to {len(session.events)}")
    replica = session.empty_copy()
    for event in session.events:
        if upto is not None and event.seq > upto:
            break
        replica.apply(event)
    return replica
