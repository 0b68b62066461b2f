"""Crash safety on disk: the lock file, saves that fail (full or read-only disk), migration of
older schema versions, and finding the session to resume."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from kickoff_tui.errors import KickoffError
from kickoff_tui.record import Session, dumps_session, load_session, save_session
from kickoff_tui.record.io import (
    SaveFailed,
    find_resumable_sessions,
    last_resumable_session,
    loads_session,
    sessions_dir,
)
from kickoff_tui.record.lock import (
    LockError,
    SessionLocked,
    acquire_lock,
    is_locked,
    lock_path,
    read_lock,
)
from kickoff_tui.record.migrate import migrate_session_data
from kickoff_tui.record.session import SCHEMA_VERSION

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "session-support-assistant.toml"
NOON = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)


def _session(title: str = "Support assistant", **kwargs) -> Session:
    return Session.new(title, participants=[("Dana", "app_owner")], clock=lambda: NOON, **kwargs)


def _dead_pid() -> int:
    """A pid that surely belongs to no live process: a child that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# --- the lock -------------------------------------------------------------------------------------------


def test_lock_file_names_pid_host_and_time(tmp_path: Path) -> None:
    session_file = tmp_path / "s.toml"
    with acquire_lock(session_file) as lock:
        assert lock.path == lock_path(session_file) == tmp_path / "s.toml.lock"
        data = json.loads(lock.path.read_text())
        assert data["pid"] == os.getpid() and data["host"]
        assert datetime.fromisoformat(data["since"]) <= datetime.now(timezone.utc)
        holder = read_lock(session_file)
        assert holder is not None and holder.pid == os.getpid()
        assert is_locked(session_file) is not None
    assert not lock.path.exists(), "releasing removes the lock file"
    assert is_locked(session_file) is None


def test_a_second_opener_is_told_the_file_is_in_use(tmp_path: Path) -> None:
    session_file = tmp_path / "s.toml"
    first = acquire_lock(session_file)
    with pytest.raises(SessionLocked) as refused:
        acquire_lock(session_file)
    message = str(refused.value)
    assert "in use" in message and f"pid {os.getpid()}" in message and "read-only" in message
    assert "\n" not in message
    assert refused.value.holder is not None and refused.value.holder.pid == os.getpid()
    first.release()
    acquire_lock(session_file).release()  # free again once released


def test_a_lock_held_by_another_process_is_respected(tmp_path: Path) -> None:
    session_file = tmp_path / "s.toml"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys,time\nfrom kickoff_tui.record.lock import acquire_lock\n"
         "lock = acquire_lock(sys.argv[1]); print('locked', flush=True); time.sleep(60)",
         str(session_file)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(SessionLocked, match=f"pid {holder.pid}"):
            acquire_lock(session_file)
        # The session itself stays readable: a second kickoff opens it read-only.
        save_session(_session(), tmp_path / "other.toml")
    finally:
        holder.kill()  # like kill -9: no clean-up runs
        holder.wait()
    assert lock_path(session_file).exists(), "the killed holder left its lock file behind"
    with acquire_lock(session_file) as lock:  # ...which is stale: the next kickoff takes it over
        assert read_lock(session_file).pid == os.getpid() == lock.info.pid


def test_a_stale_lock_from_a_dead_pid_is_taken_over(tmp_path: Path) -> None:
    session_file = tmp_path / "s.toml"
    dead = _dead_pid()
    stale = {"pid": dead, "host": os.uname().nodename, "since": "2026-01-15T09:00:00+00:00"}
    lock_path(session_file).write_text(json.dumps(stale))
    assert is_locked(session_file) is None
    with acquire_lock(session_file) as lock:
        assert lock.info.pid == os.getpid()
        assert read_lock(session_file).pid == os.getpid()


def test_a_garbage_lock_file_is_taken_over(tmp_path: Path) -> None:
    session_file = tmp_path / "s.toml"
    lock_path(session_file).write_bytes(b"\x00\xffnot json")
    assert read_lock(session_file) is None
    acquire_lock(session_file).release()


def test_a_lock_from_another_host_needs_force(tmp_path: Path) -> None:
    """On a shared drive the other host's pid cannot be checked: refuse unless forced."""
    session_file = tmp_path / "s.toml"
    lock_path(session_file).write_text(
        json.dumps({"pid": 4242, "host": "meeting-room-pc", "since": "2026-01-15T09:00:00+00:00"})
    )
    with pytest.raises(SessionLocked, match="meeting-room-pc"):
        acquire_lock(session_file)
    with acquire_lock(session_file, force=True) as lock:
        assert read_lock(session_file).host == lock.info.host


def test_no_lock_in_an_unwritable_place_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LockError) as err:
        acquire_lock(blocker / "s.toml")  # a path under a file: no lock can be made there
    assert "read-only" in str(err.value) and "\n" not in str(err.value)
    assert not isinstance(err.value, SessionLocked)


# --- saves that fail ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "the disk is read-only"), (errno.EACCES, "no permission")],
)
def test_a_failed_save_says_why_keeps_the_old_file_and_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    """Tests run as root, where chmod does not stop writes: the disk's refusal is simulated."""
    target = tmp_path / "s.toml"
    session = _session(autosave=target)
    before = target.read_bytes()

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    real_replace = os.replace
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SaveFailed) as failed:
        session.record_answer("users", 1200, "Dana", "app_owner", "peak hour")
    err = failed.value
    assert isinstance(err, KickoffError) and err.errno == code and err.path == target
    assert words in str(err) and "Nothing is lost" in str(err) and "\n" not in str(err)
    assert target.read_bytes() == before, "the file on disk is the last good one"
    assert sorted(os.listdir(tmp_path)) == ["s.toml"], "no temp file is left behind"
    # The answer is kept in memory, and the session can be saved elsewhere.
    assert session.answers["users"].value == 1200
    monkeypatch.setattr(os, "replace", real_replace)  # another disk that works
    elsewhere = save_session(session, tmp_path / "elsewhere" / "rescued.toml")
    assert load_session(elsewhere).answers["users"].value == 1200


def test_a_failed_write_midway_is_a_save_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(SaveFailed, match="the disk is full"):
        save_session(_session(), tmp_path / "s.toml")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert os.listdir(tmp_path) == []


def test_a_folder_that_is_a_file_is_a_save_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "sessions"
    blocker.write_text("not a folder")
    with pytest.raises(SaveFailed) as failed:
        save_session(_session(), blocker / "s.toml")
    assert str(blocker) in str(failed.value)


def test_the_cli_reports_a_failed_export_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kickoff_tui.cli import main

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "replace", refuse)
    code = main(["export", str(EXAMPLE), "--markdown", "--out", str(tmp_path / "report.md")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "read-only" in err and "Traceback" not in err


# --- migration ------------------------------------------------------------------------------------------


def test_the_current_version_needs_no_migration() -> None:
    raw = {"schema_version": SCHEMA_VERSION, "id": "x"}
    assert migrate_session_data(raw) == (raw, [])


def test_older_versions_are_migrated_step_by_step() -> None:
    """A chain of steps (here a made-up history 1 -> 2 -> 3) runs in order, in memory."""
    calls: list[int] = []

    def one_to_two(data: dict) -> dict:
        calls.append(1)
        data["title"] = data.pop("name")  # version 1 called the title "name"
        return data

    def two_to_three(data: dict) -> dict:
        calls.append(2)
        data["answers"] = {k: {"value": v} for k, v in data.pop("values").items()}
        return data

    raw = {"schema_version": 1, "name": "Kickoff", "values": {"users": 1200}}
    data, problems = migrate_session_data(raw, target=3, migrations={1: one_to_two, 2: two_to_three})
    assert problems == [] and calls == [1, 2]
    assert data == {"schema_version": 3, "title": "Kickoff", "answers": {"users": {"value": 1200}}}
    assert raw["name"] == "Kickoff", "the parsed input is left alone"


def test_migration_problems_are_one_line_each() -> None:
    def broken(data: dict) -> dict:
        return {"title": data["missing"]}

    cases = [
        ({"id": "x"}, {}, "schema_version: missing"),
        ({"schema_version": "2"}, {}, "expected a whole number"),
        ({"schema_version": True}, {}, "expected a whole number"),
        ({"schema_version": 9}, {}, "newer than this kickoff understands (3)"),
        ({"schema_version": 0}, {}, "older than the oldest"),
        ({"schema_version": 2}, {1: broken}, "no migration from version 2 to 3"),
        ({"schema_version": 1}, {1: broken, 2: broken}, "cannot migrate version 1 to 2"),
    ]
    for raw, steps, words in cases:
        data, problems = migrate_session_data(raw, target=3, migrations=steps)
        assert len(problems) == 1 and words in problems[0], (raw, problems)


def test_a_newer_file_is_refused_with_advice() -> None:
    text = EXAMPLE.read_text().replace("schema_version = 1", f"schema_version = {SCHEMA_VERSION + 1}", 1)
    with pytest.raises(KickoffError, match="upgrade kickoff"):
        loads_session(text, "s.toml")


def test_the_loader_runs_the_registered_migrations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wired end to end: a made-up version-0 layout (title stored as "name") registered as a step
    is read, migrated in memory, validated, and saved back in the current layout."""
    import kickoff_tui.record.migrate as migrate

    def zero_to_one(data: dict) -> dict:
        data["title"] = data.pop("name")
        return data

    monkeypatch.setitem(migrate.MIGRATIONS, 0, zero_to_one)
    monkeypatch.setattr(migrate, "OLDEST_SCHEMA_VERSION", 0)
    monkeypatch.setattr(
        "kickoff_tui.record.io.migrate_session_data",
        lambda raw: migrate.migrate_session_data(raw, oldest=migrate.OLDEST_SCHEMA_VERSION),
    )
    current = EXAMPLE.read_text()
    legacy = current.replace("schema_version = 1", "schema_version = 0", 1).replace("\ntitle = ", "\nname = ", 1)
    assert "\nname = " in legacy
    session = loads_session(legacy, "old.toml")
    assert session.schema_version == SCHEMA_VERSION
    assert session.title == loads_session(current).title
    assert dumps_session(session) == current, "saved back, the file is in the current layout"


# --- resuming -------------------------------------------------------------------------------------------


def test_find_resumable_sessions_offers_unfinished_newest_first(tmp_path: Path) -> None:
    older = _session("Older meeting", autosave=True)
    older.record_answer("users", 10, "Dana", "app_owner", "")
    time.sleep(0.01)
    newer = _session("Newer meeting", autosave=True)
    newer.record_answer("users", 20, "Dana", "app_owner", "")
    newer.record_answer("peak_concurrency", 5, "Dana", "app_owner", "")
    signed = load_session(EXAMPLE)  # a finished meeting is not offered
    save_session(signed, sessions_dir() / "signed.toml")
    (sessions_dir() / "broken.toml").write_text("not = = toml")  # nor is a damaged file
    os.utime(older.autosave_file, (1, 1))
    found = find_resumable_sessions()
    assert [r.title for r in found] == ["Newer meeting", "Older meeting"]
    assert found[0].answered == 2 and found[0].total > found[0].answered
    assert last_resumable_session() == found[0]


def test_nothing_to_resume_in_an_empty_data_dir() -> None:
    assert find_resumable_sessions() == [] and last_resumable_session() is None


def test_every_confirmed_answer_is_on_disk_at_once(tmp_path: Path) -> None:
    """Autosave writes after each event: reading the file back mid-meeting finds every answer."""
    session = _session(autosave=True)
    for value in (100, 200, 300):
        session.record_answer("users", value, "Dana", "app_owner", f"take {value}")
        assert load_session(session.autosave_file).answers["users"].value == value
    assert dumps_session(load_session(session.autosave_file)) == dumps_session(session)
