"""Kill a real ``kickoff`` mid-meeting (SIGKILL, no clean-up) and check nothing confirmed is lost.

The app runs in a pseudo-terminal of 120x36 with its own data dir, driven with the keys a
facilitator presses: a name and Enter on the participants screen, Ctrl+N to the questions, an
arrow and Enter to pick a choice, Ctrl+S to record it, digits and Enter for a number. After each
answer the test polls the autosaved file until the answer is there (autosave happens before the
screen moves on), then kills the process and starts ``kickoff`` again, which must offer to resume
the session, and resume it with both answers.
"""

from __future__ import annotations

from contextlib import suppress

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kickoff_tui.record import default_questionnaire, load_session

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

COLUMNS, ROWS = 120, 36
WAIT_S = 45.0
"""Longest wait for any one step (generous: a loaded CI machine starts Python slowly)."""

KEY_ENTER = b"\r"
KEY_DOWN = b"\x1b[B"
KEY_CTRL_N = b"\x0e"
KEY_CTRL_S = b"\x13"

_ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")
"""CSI, OSC, DCS/SOS/PM/APC and two-byte escape sequences (stripped to search the screen text)."""


class Terminal:
    """A ``kickoff`` process in a pseudo-terminal, with everything it prints collected."""

    def __init__(self, args: list[str], data_dir: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        env = {
            **os.environ,
            "KICKOFF_DATA_DIR": str(data_dir),
            "TERM": "xterm-256color",
            "COLUMNS": str(COLUMNS),
            "LINES": str(ROWS),
        }
        for name in ("KICKOFF_DEBUG", "TEXTUAL", "NO_COLOR"):
            env.pop(name, None)
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self.master = master
        self._output = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        """Read the terminal continuously (a full pty buffer would block the app)."""
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.2)
                if ready:
                    chunk = os.read(self.master, 65536)
                    if not chunk:
                        return
                    with self._lock:
                        self._output += chunk
            except OSError:
                return

    def text(self) -> str:
        """Everything printed so far, escape sequences removed."""
        with self._lock:
            raw = bytes(self._output)
        return _ESCAPES.sub(b"", raw).decode("utf-8", "replace")

    def clear(self) -> None:
        with self._lock:
            self._output.clear()

    def send(self, data: bytes, pause: float = 0.3) -> None:
        os.write(self.master, data)
        time.sleep(pause)

    def type(self, text: str) -> None:
        for char in text:
            self.send(char.encode(), pause=0.05)

    def wait_for_text(self, words: str, timeout: float = WAIT_S) -> None:
        wait_until(lambda: words in self.text() or self.process.poll() is not None, timeout, f"screen shows {words!r}")
        assert self.process.poll() is None, f"kickoff exited ({self.process.returncode}): {self.text()[-2000:]}"

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WAIT_S)
        with suppress(OSError):
            os.close(self.master)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting until {what}")


def _kickoff() -> list[str]:
    script = Path(sys.executable).with_name("kickoff")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kickoff_tui"]


def _saved(data_dir: Path) -> Path | None:
    files = sorted((data_dir / "sessions").glob("*.toml"))
    return files[0] if files else None


def _answers(data_dir: Path) -> dict[str, object]:
    path = _saved(data_dir)
    if path is None:
        return {}
    try:
        return {k: a.value for k, a in load_session(path).answers.items()}
    except Exception:  # noqa: BLE001 - polled while being written; atomic writes make this rare
        return {}


def test_answers_survive_kill_9_and_kickoff_offers_to_resume(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    app = Terminal([*_kickoff(), "new"], data_dir)
    try:
        # Participants screen: the session file exists from the start (autosave on creation).
        wait_until(lambda: _saved(data_dir) is not None, WAIT_S, "the new session is autosaved")
        app.wait_for_text("Who is in the room")
        time.sleep(0.5)
        app.type("Dana")
        app.send(KEY_ENTER)
        wait_until(lambda: "Dana" in load_session(_saved(data_dir)).model_dump_json(), WAIT_S, "Dana is saved")
        app.send(KEY_CTRL_N)
        app.wait_for_text("answered")

        # First question (use case, a choice): move to the second choice, pick it, record it.
        time.sleep(0.5)
        app.send(KEY_DOWN)
        app.send(KEY_ENTER)
        app.send(KEY_CTRL_S)
        wait_until(lambda: _answers(data_dir).get("use_case") == "rag", WAIT_S, "the use case is on disk")

        # Second question (users, a number): garbage first is refused inline, then a number.
        app.wait_for_text("How many people use it")
        app.type("lots")
        app.wait_for_text("is not a number")
        app.send(b"\x7f" * 4)  # backspace x4
        app.type("1200")
        app.send(KEY_ENTER)
        wait_until(lambda: _answers(data_dir).get("users") == 1200, WAIT_S, "the user count is on disk")
    finally:
        app.kill()  # SIGKILL: no exit handler, no final save
    assert app.process.returncode == -signal.SIGKILL

    path = _saved(data_dir)
    assert path is not None
    session = load_session(path)
    assert session.answers["use_case"].value == "rag" and session.answers["users"].value == 1200
    assert session.answers["users"].answered_by == "Dana"
    assert [e.kind for e in session.events][-2:] == ["answer", "answer"]
    assert not list(path.parent.glob(".*.tmp")), "no half-written temp file is left"

    # A new kickoff offers to resume the session, and resuming brings both answers back.
    again = Terminal(_kickoff(), data_dir)
    try:
        again.wait_for_text("Resume last session")
        wait_until(lambda: session.title in again.text().split("Resume last session", 1)[-1], WAIT_S,
                   "the resume entry names the session")
        again.send(b"r")
        total = sum(1 for q in default_questionnaire().questions if not q.optional)
        again.wait_for_text(f"2/{total} answered")  # the wizard's header, for the resumed session
    finally:
        again.kill()
