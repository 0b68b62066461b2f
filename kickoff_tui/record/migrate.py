"""Session files from older kickoff versions: read their ``schema_version`` and bring the data up
to the current layout before validation.

Each step is a pure function from the data of one version to the next (``MIGRATIONS[n]`` turns
version ``n`` into ``n + 1``), so a file from any supported version is migrated by running the
steps in order. Migration happens in memory only: the file on disk changes when the session is
next saved, and then in the current layout.

Layout history:

- **1**: the first released layout (``docs/record.md``): one workload per session.
- **2**: a session may hold several workloads (``[[workloads]]`` with their own answers; an
  event's ``workload`` says which one an answer is for). A version-1 session is a session of one
  unnamed workload: its data is already valid version-2 data (``MIGRATIONS[1]`` only checks it
  holds no ``workloads``), and it is written back as version 1, unchanged
  (``tests/data/session-v1-single-workload.toml`` is such a file).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kickoff_tui.record.session import SCHEMA_VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]
"""Turns the data of one schema version into the data of the next (pure, no I/O)."""

OLDEST_SCHEMA_VERSION = 1
"""The oldest session layout this kickoff can still read."""

def _one_to_two(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 -> 2: a single-workload session needs no change (its answers are its one
    workload's, its events name no workload)."""
    if "workloads" in data:
        raise ValueError("a version-1 session has no [[workloads]]; the file says schema_version 2 or later")
    return data


MIGRATIONS: dict[int, Migration] = {1: _one_to_two}
"""``MIGRATIONS[n]`` migrates version ``n`` to ``n + 1``; one entry per version below the current."""


def schema_version_of(raw: Mapping[str, Any]) -> tuple[int | None, str]:
    """``(version, "")`` for a usable ``schema_version``; ``(None, problem)`` otherwise."""
    if "schema_version" not in raw:
        return None, "schema_version: missing (is this a kickoff session file?)"
    version = raw["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        shown = repr(version) if len(repr(version)) < 40 else type(version).__name__
        return None, f"schema_version: expected a whole number, not {shown}"
    return version, ""


def migrate_session_data(
    raw: dict[str, Any],
    *,
    target: int = SCHEMA_VERSION,
    migrations: Mapping[int, Migration] | None = None,
    oldest: int = OLDEST_SCHEMA_VERSION,
) -> tuple[dict[str, Any], list[str]]:
    """Bring parsed session data to schema ``target``: ``(data, problems)``.

    ``problems`` (one line each) is non-empty when the version is missing, not a number, newer
    than this kickoff reads, older than it still reads, or when a step fails; then ``data`` must
    not be used. ``raw`` itself is never changed. ``migrations`` and ``oldest`` default to this
    module's table (tests pass their own to exercise a chain)."""
    steps = MIGRATIONS if migrations is None else migrations
    version, problem = schema_version_of(raw)
    if version is None:
        return raw, [problem]
    if version > target:
        return raw, [
            f"schema_version {version} is newer than this kickoff understands ({target}); upgrade kickoff"
        ]
    if version < oldest:
        return raw, [f"schema_version: {version} is older than the oldest layout kickoff reads ({oldest})"]
    data = dict(raw)
    while version < target:
        step = steps.get(version)
        if step is None:
            return raw, [f"schema_version: no migration from version {version} to {version + 1}"]
        try:
            data = step(dict(data))
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            return raw, [f"schema_version: cannot migrate version {version} to {version + 1}: {err}"]
        version += 1
        data["schema_version"] = version
    return data, []
