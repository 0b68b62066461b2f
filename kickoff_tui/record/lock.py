"""One kickoff at a time per session file: a lock file next to it says who holds it.

``acquire_lock(path)`` creates ``<file>.lock`` (for ``s.toml``: ``s.toml.lock``) holding the
pid, the host and the time, and keeps an exclusive ``flock`` on it while the session is open. A
second process gets :class:`SessionLocked`, whose message names the holder; it may still open
the file read-only (load it without autosave). The operating system drops a ``flock`` when its
process dies, so the lock of a killed or crashed kickoff (``kill -9``, a closed laptop lid that
never woke up) is stale by construction and the next ``acquire_lock`` takes it over.

Where ``fcntl`` is missing (Windows) the lock file is created exclusively instead, and a lock
left by a dead process on the same host is taken over after checking its pid.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from kickoff_tui.errors import KickoffError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_SUFFIX = ".lock"
"""Appended to the session file's name to name its lock file."""

MAX_LOCK_BYTES = 4_096
"""Most bytes read from a lock file (it holds one short JSON line)."""

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
"""Never open a lock file through a symlink: a link planted at ``s.toml.lock`` pointing at
another file would otherwise have that file truncated and overwritten with the lock line."""

_ACQUIRE_ATTEMPTS = 5
"""Retries when the lock file is replaced while being locked (another process released it)."""


def lock_path(session_path: str | Path) -> Path:
    """The lock file of a session file: next to the *real* file (symlinks resolved), ``.lock``
    appended to its name. A symlink and the file it points to therefore share one lock, so
    opening a session through a link cannot give a second writable instance."""
    path = Path(os.path.realpath(session_path))
    return path.with_name(path.name + LOCK_SUFFIX)


@dataclass(frozen=True)
class LockInfo:
    """Who holds a session file, as written in its lock file."""

    pid: int
    """Process id of the holder."""
    host: str
    """Host name of the machine the holder runs on."""
    since: datetime
    """When the holder took the lock (UTC)."""

    def describe(self) -> str:
        """E.g. ``kickoff (pid 4121 on laptop-7, since 2026-01-15 09:02 UTC)``."""
        from kickoff_tui.record.text import visible

        return f"kickoff (pid {self.pid} on {visible(self.host)}, since {self.since:%Y-%m-%d %H:%M} UTC)"


class LockError(KickoffError):
    """The session file cannot be locked (one line, as every :class:`KickoffError`)."""


class SessionLocked(LockError):
    """Another kickoff holds the session file. ``holder`` says who, when the lock file says."""

    def __init__(self, session_path: Path, holder: LockInfo | None) -> None:
        self.session_path = session_path
        """The session file that is in use."""
        self.holder = holder
        """Who holds it (None when the lock file could not be read)."""
        who = holder.describe() if holder is not None else "another kickoff"
        super().__init__(
            f"{session_path} is in use by {who}; close it there, or open this file read-only"
        )


def _this_host() -> str:
    return socket.gethostname() or "this computer"


def _info_text(info: LockInfo) -> str:
    return json.dumps({"pid": info.pid, "host": info.host, "since": info.since.isoformat()}) + "\n"


def _parse_info(text: str) -> LockInfo | None:
    """The holder in a lock file's text; None for anything that is not a lock Kickoff wrote."""
    try:
        data = json.loads(text)
        pid, host, since = data["pid"], data["host"], datetime.fromisoformat(data["since"])
    except (ValueError, TypeError, KeyError):
        return None
    if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0 or not isinstance(host, str):
        return None
    if since.tzinfo is None:
        since = since.replace(tzinfo=timezone.utc)
    return LockInfo(pid=pid, host=host[:200], since=since)


def read_lock(session_path: str | Path) -> LockInfo | None:
    """What the lock file of ``session_path`` says (None when there is none or it is unreadable).

    This only reads the file; whether the holder is still alive is :func:`is_locked`'s question."""
    from kickoff_tui.record.safe_read import read_user_bytes

    try:  # the safe reader: a FIFO or a device planted as the lock file cannot hang us
        raw = read_user_bytes(lock_path(session_path), MAX_LOCK_BYTES, "lock file")
    except KickoffError:
        return None
    return _parse_info(raw.decode("utf-8", "replace"))


def _pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host (POSIX; unknown counts as alive)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # pragma: no cover - no safe probe; assume the holder is alive
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: exists, owned by someone else
        return True
    return True


class Lock:
    """A held lock on a session file; release it with :meth:`release` or a ``with`` block.

    Releasing removes the lock file. A process that dies without releasing leaves the file, but
    not the ``flock``, so the next :func:`acquire_lock` takes the lock over."""

    def __init__(self, session_path: Path, path: Path, fd: int, info: LockInfo) -> None:
        self.session_path = session_path
        """The session file this lock guards."""
        self.path = path
        """The lock file."""
        self.info = info
        """What this process wrote into the lock file."""
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        """True until :meth:`release`."""
        return self._fd is not None

    def release(self) -> None:
        """Give the lock up and remove the lock file (safe to call twice)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with suppress(OSError):
            # Remove the file only while it is still ours (a forced take-over may have replaced it).
            if os.fstat(fd).st_ino == os.stat(self.path).st_ino:
                os.unlink(self.path)
        with suppress(OSError):
            os.close(fd)

    def __enter__(self) -> "Lock":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()

    def __del__(self) -> None:  # a forgotten lock must not outlive its object
        with suppress(Exception):
            self.release()


def _write_info(fd: int, info: LockInfo) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, _info_text(info).encode("utf-8"))
    with suppress(OSError):
        os.fsync(fd)


def _cannot_lock(session_path: Path, err: OSError) -> LockError:
    reason = err.strerror or str(err)
    return LockError(f"cannot lock {session_path}: {reason}; open it read-only, or save a copy elsewhere")


def acquire_lock(session_path: str | Path, *, force: bool = False) -> Lock:
    """Lock ``session_path`` for this process.

    Raises :class:`SessionLocked` when another live kickoff holds it, and :class:`LockError`
    when no lock file can be made there (a read-only folder): the caller then opens the file
    read-only. A lock left by a dead process is taken over. ``force=True`` takes the lock even
    from a holder the lock file names on another host (where its pid cannot be checked); use it
    only after asking the user."""
    session = Path(session_path)
    path = lock_path(session)
    info = LockInfo(pid=os.getpid(), host=_this_host(), since=datetime.now(timezone.utc).replace(microsecond=0))
    if fcntl is None:  # pragma: no cover - Windows
        return _acquire_exclusive(session, path, info, force=force)
    for _ in range(_ACQUIRE_ATTEMPTS):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
        except OSError as err:
            raise _cannot_lock(session, err) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SessionLocked(session, read_lock(session)) from None
        except OSError as err:
            os.close(fd)
            raise _cannot_lock(session, err) from None
        # The holder may have released (and removed) the file between our open and our flock;
        # then we hold a lock on a file nobody else will open. Start again with the new file.
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except OSError:
            same = False
        if not same:
            os.close(fd)
            continue
        # A holder on another host shares the folder (network drive): its flock may not reach
        # us, so the lock file's word counts while that host's process cannot be checked.
        previous = read_lock(session)
        if previous is not None and previous.host != info.host and not force:
            os.close(fd)
            raise SessionLocked(session, previous)
        try:
            _write_info(fd, info)
        except OSError as err:
            os.close(fd)
            raise _cannot_lock(session, err) from None
        return Lock(session, path, fd, info)
    raise LockError(f"cannot lock {session}: the lock file keeps changing; try again")


def _acquire_exclusive(session: Path, path: Path, info: LockInfo, *, force: bool) -> Lock:  # pragma: no cover
    """Fallback without ``flock``: create the lock file exclusively; take over dead holders."""
    for _ in range(_ACQUIRE_ATTEMPTS):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
        except FileExistsError:
            holder = read_lock(session)
            stale = holder is None or (holder.host == info.host and not _pid_alive(holder.pid))
            if stale or force:
                with suppress(FileNotFoundError):
                    os.unlink(path)
                continue
            raise SessionLocked(session, holder) from None
        except OSError as err:
            raise _cannot_lock(session, err) from None
        _write_info(fd, info)
        return Lock(session, path, fd, info)
    raise LockError(f"cannot lock {session}: the lock file keeps changing; try again")


def is_locked(session_path: str | Path) -> LockInfo | None:
    """Who holds ``session_path`` right now, or None when nobody live does (for the start screen).

    A lock file left by a dead process counts as free."""
    path = lock_path(session_path)
    if not path.exists():
        return None
    if fcntl is None:  # pragma: no cover - Windows
        holder = read_lock(session_path)
        if holder is not None and holder.host == _this_host() and not _pid_alive(holder.pid):
            return None
        return holder or LockInfo(pid=0, host="unknown", since=datetime.now(timezone.utc))
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return read_lock(session_path) or LockInfo(pid=0, host="unknown", since=datetime.now(timezone.utc))
    finally:
        os.close(fd)  # closing drops the shared lock we may have taken
    holder = read_lock(session_path)
    if holder is not None and holder.host != _this_host():
        return holder
    return None


@contextmanager
def locked_for_write(session_path: str | Path) -> Iterator[Lock | None]:
    """Hold the session's lock while a one-shot writer (a CLI command) changes the file.

    Raises :class:`SessionLocked`, naming the holder, when another kickoff (the app) has the
    file open: the caller refuses (exit 2) rather than write behind the holder's back. Where no
    lock file can be made at all (a read-only folder), yields None: the save itself then fails
    with its own clear message."""
    try:
        lock: Lock | None = acquire_lock(session_path)
    except SessionLocked:
        raise
    except LockError:
        lock = None
    try:
        yield lock
    finally:
        if lock is not None:
            lock.release()
