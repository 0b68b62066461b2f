"""Issue 15, the app and the session model: text with brackets and escape sequences is shown as
typed on every screen, every field the Session API writes is checked by the rule the loader
applies, a refused save is never lost silently (quit asks, the warning stays), SIGTERM/SIGHUP
restore the terminal, symlinked and read-only sessions, and keys typed right after PgUp."""

from __future__ import annotations

import errno
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("textual")

from textual import events  # noqa: E402
from textual.content import Content  # noqa: E402
from textual.widgets import DataTable, Input, OptionList, Static  # noqa: E402

from kickoff_tui.app import KickoffApp  # noqa: E402
from kickoff_tui.app.demo import workers_done  # noqa: E402
from kickoff_tui.errors import KickoffError  # noqa: E402
from kickoff_tui.planning.scorecard import Criterion, Provider, Scorecard  # noqa: E402
from kickoff_tui.record import Session, load_session, loads_session  # noqa: E402
from kickoff_tui.record.example import stepping_clock  # noqa: E402
from kickoff_tui.record.io import dumps_session  # noqa: E402
from kickoff_tui.record.models import MAX_NAME_CHARS, MAX_TEXT_CHARS  # noqa: E402
from kickoff_tui.record.session import RecordRefused  # noqa: E402

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
H = "see [/] the logs [bold]b[link=https://evil.example/x]L"
"""Text that breaks any screen that reads it as markup (a stray closing tag, an open style, a
link). The loader refuses ESC in a file, so escape sequences are tested where they can occur:
typed text, file names, lock files, error messages."""
ESC = "\x1b[2J\x1b]0;owned\x07"
"""Clear the screen and set the window title, if it ever reached the terminal raw."""
DANA, SAM, PRIYA = f"Dana {H}", f"Sam {H}", f"Priya {H}"


def hostile_session(clock=None) -> Session:  # type: ignore[no-untyped-def]
    """A session with ``H`` in every string field a person can fill: title, names, answers,
    rationales, a text answer, scorecard criteria and providers, flag reasons, cadence."""
    s = Session.new(f"Title {H}", participants=[(DANA, "app_owner"), (SAM, "ai_team"), (PRIYA, "it")],
                    clock=clock or stepping_clock(), autosave=True)
    s.record_answer("use_case", "rag", DANA, "app_owner", H)
    s.record_answer("users", 1200, DANA, "app_owner", H)
    s.record_answer("gpu", "h100-sxm", PRIYA, "it", H)
    s.record_answer("dev_cluster", "none", PRIYA, "it", H)
    s.record_answer("price_quote_source", H, PRIYA, "it", H)
    price, support = "Price [/]", "Support [bold]"
    card = Scorecard(
        criteria=[Criterion(name=price, weight=50), Criterion(name=support, weight=50)],
        providers=[Provider(name="Cloud [/] x", scores={price: 5, support: 7}),
                   Provider(name="Own [link=x]", scores={price: 6, support: 3})],
    )
    s.set_scorecard(card, PRIYA, "it", H)
    s.record_answer("provider_choice", "Cloud [/] x", PRIYA, "it", H)
    for flag in s.open_flags()[:2]:
        s.acknowledge_flag(flag.id, H, PRIYA)
    s.record_answer("review_cadence", "quarterly", PRIYA, "it", H)
    return s


def _plain(prompt: object) -> str:
    """What an option or static line shows (markup strings parsed as the widget does)."""
    if isinstance(prompt, str):
        return Content.from_markup(prompt).plain
    return getattr(prompt, "plain", str(prompt))


def _messages(app: KickoffApp) -> list[str]:
    return [n.message for n in app._notifications]  # noqa: SLF001 - what the user saw


async def _settle(app: KickoffApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()


# --- 1. text is never markup ------------------------------------------------------------------


async def test_brackets_in_every_field_show_as_typed_on_every_screen() -> None:
    session = hostile_session()
    path = session.autosave_file
    assert path is not None
    app = KickoffApp(clock=lambda: NOW)
    async with app.run_test(size=(140, 44)) as pilot:
        await _settle(app, pilot)
        recent = app.screen.query_one("#start-recent", OptionList)
        assert f"Title {H}" in _plain(recent.get_option_at_index(0).prompt)  # start screen
        app.load_session(path)
        await _settle(app, pilot)
        wizard = app.screen
        assert type(wizard).__name__ == "WizardScreen"
        await pilot.press("ctrl+g")  # jump dialog: every question and its state
        await pilot.pause()
        await pilot.press("escape")
        wizard._show_question("price_quote_source")  # type: ignore[attr-defined]
        await _settle(app, pilot)
        status = str(wizard.query_one("#q-status", Static).render())
        assert f"✓ Recorded: {H} by {PRIYA}" in status and f"why: {H}" in status
        await pilot.press("ctrl+r")
        await _settle(app, pilot)
        review = app.screen
        assert type(review).__name__ == "ReviewScreen"
        assert review.title == f"Review · Title {H}"
        for tab in ("tab-spec", "tab-skus", "tab-plan", "tab-log", "tab-flags", "tab-signoff"):
            review.query_one("#review-tabs").active = tab  # type: ignore[attr-defined]
            await _settle(app, pilot)
        log = review.query_one("#review-log", DataTable)
        row = [_plain(c) for c in log.get_row("price_quote_source")]
        assert row[2] == H and row[3].startswith(PRIYA) and row[4] == H
        signoff = str(review.query_one("#signoff-status", Static).render())
        assert f"(set by {PRIYA})" in signoff
        panel = review.query_one("#review-flags #flags-list", OptionList)
        shown = "\n".join(_plain(panel.get_option_at_index(i).prompt) for i in range(panel.option_count))
        assert f"reason: {H} ({PRIYA})" in shown
        review.sign_off("it")  # type: ignore[attr-defined]  # signing with a bracketed name
        await _settle(app, pilot)
        await pilot.press("escape")
        await _settle(app, pilot)
        app.replay_current()
        await _settle(app, pilot)
        replay = app.screen
        assert type(replay).__name__ == "ReplayScreen"
        events_list = replay.query_one("#replay-events", OptionList)
        lines = [_plain(events_list.get_option_at_index(i).prompt) for i in range(events_list.option_count)]
        assert any(f"{PRIYA} acknowledged flag" in line and line.endswith(H) for line in lines)
        assert any(f"= {H}" in line for line in lines)  # the text answer
        assert app.is_running


async def test_why_with_a_stray_closing_tag_then_review_does_not_crash() -> None:
    """The audit's case: Why = ``see [/] the logs``, Ctrl+R."""
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press(*"Dana", "enter", "ctrl+n")
        await pilot.pause()
        app.screen.query_one("#q-why", Input).value = "see [/] the logs"
        await pilot.press("down", "enter", "ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await _settle(app, pilot)
        assert type(app.screen).__name__ == "ReviewScreen"
        row = app.screen.query_one("#review-log", DataTable).get_row("use_case")
        assert _plain(row[4]) == "see [/] the logs"
    assert load_session(app.controller.require().autosave_file).answers["use_case"].rationale == "see [/] the logs"


async def test_a_lock_holder_host_with_brackets_and_escapes_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kickoff open`` on a file held by host ``laptop[/]7`` (plus an escape sequence): the
    app says who holds it, with the escape shown as text, and opens it read-only."""
    from kickoff_tui.record import lock as lock_module

    session = hostile_session()
    path = session.autosave_file
    monkeypatch.setattr(lock_module, "_this_host", lambda: f"laptop[/]7{ESC}")
    held = lock_module.acquire_lock(path)
    monkeypatch.undo()
    try:
        app = KickoffApp(start="open", path=path, clock=lambda: NOW)
        async with app.run_test(size=(120, 36)) as pilot:
            await _settle(app, pilot)
            assert type(app.screen).__name__ == "ReplayScreen"
            said = " ".join(_messages(app))
    finally:
        held.release()
    assert "laptop[/]7" in said and "\\x1b[2J" in said
    assert "\x1b" not in said and "\x07" not in said


async def test_a_damaged_file_whose_error_has_brackets_shows_the_message(tmp_path: Path) -> None:
    bad = tmp_path / "bracket-error.toml"
    bad.write_text('schema_version = "x[/]y"\nid = "s"\ntitle = "t"\n', encoding="utf-8")
    escaped = tmp_path / f"name{ESC}.toml"
    escaped.write_bytes(b"\xff\xfe not a session")
    for path, words in ((bad, "'x[/]y'"), (escaped, "\\x1b[2J")):
        app = KickoffApp(start="open", path=path, clock=lambda: NOW)
        async with app.run_test(size=(120, 36)) as pilot:
            await _settle(app, pilot)
            assert app.is_running and app.controller.session is None
            said = _messages(app)
        assert any(words in m for m in said), said
        assert not any("\x1b" in m for m in said)


def test_app_text_helpers_escape_markup_and_show_control_characters() -> None:
    from kickoff_tui.app.format import cell, plain, safe

    assert Content.from_markup(safe(f"a [/] {ESC}b")).plain == "a [/] \\x1b[2J\\x1b]0;owned\\x07b"
    assert plain("bidi \u202e [bold]").plain == "bidi \\u202e [bold]"
    assert cell("two\nlines [link=x]").plain == "two\nlines [link=x]"


# --- 2. one rule for limits ---------------------------------------------------------------------

LONG = "x" * (MAX_TEXT_CHARS + 1)
LONG_NAME = "n" * (MAX_NAME_CHARS + 1)


def _base() -> Session:
    s = Session.new("Limits", participants=[("Dana", "app_owner"), ("Sam", "ai_team"), ("Priya", "it")],
                    clock=stepping_clock())
    s.record_answer("use_case", "rag", "Dana", "app_owner")
    return s


def _card() -> Scorecard:
    return Scorecard(criteria=[Criterion(name="Price", weight=1)],
                     providers=[Provider(name="A", scores={"Price": 5})])


def _flag(s: Session) -> str:
    found = s.open_flags()
    if not found:
        raise KickoffError("no open red flag left")  # a sequence may have closed them all
    return found[0].id


WRITES = {
    "title (new)": lambda s, bad: Session.new(bad),
    "title (rename)": lambda s, bad: s.set_title(bad),
    "participant name": lambda s, bad: s.add_participant(bad, "it"),
    "answered_by": lambda s, bad: s.record_answer("users", 10, bad, "app_owner"),
    "answer rationale": lambda s, bad: s.record_answer("users", 10, "Dana", "app_owner", bad),
    "clear rationale": lambda s, bad: s.clear_answer("use_case", "Dana", "app_owner", bad),
    "flag reason": lambda s, bad: s.acknowledge_flag(_flag(s), bad, "Priya"),
    "flag by": lambda s, bad: s.acknowledge_flag(_flag(s), "ok", bad),
    "resolve reason": lambda s, bad: s.resolve_flag(_flag(s), bad, "Priya"),
    "resolve by": lambda s, bad: s.resolve_flag(_flag(s), "ok", bad),
    "sign-off name": lambda s, bad: s.sign_off("it", bad, by_role="it"),
    "sign-off rationale": lambda s, bad: s.sign_off("it", "Priya", rationale=bad),
    "cadence by": lambda s, bad: s.set_cadence("quarterly", bad, by_role="it"),
    "cadence rationale": lambda s, bad: s.set_cadence("quarterly", "Priya", rationale=bad),
    "scorecard by": lambda s, bad: s.set_scorecard(_card(), bad),
    "scorecard rationale": lambda s, bad: s.set_scorecard(_card(), "Priya", rationale=bad),
    "clear scorecard rationale": lambda s, bad: (s.set_scorecard(_card(), "Priya"),
                                                 s.clear_scorecard("Priya", rationale=bad)),
    "text answer": lambda s, bad: s.record_answer("price_quote_source", bad, "Priya", "it"),
}
"""Every field the app or the CLI can write, through the Session API."""


@pytest.mark.parametrize("field", sorted(WRITES))
@pytest.mark.parametrize("bad", ["long", "escape"])
def test_the_session_api_refuses_what_the_loader_would_refuse(field: str, bad: str) -> None:
    s = _base()
    text = {"long": LONG_NAME if "name" in field or "by" in field or "title" in field else LONG,
            "escape": f"Priya{ESC}"}[bad]
    before = len(s.events)
    with pytest.raises(KickoffError) as caught:
        WRITES[field](s, text)
    message = str(caught.value)
    assert "control character U+001B" in message if bad == "escape" else "characters" in message
    if field != "clear scorecard rationale":  # that one set a scorecard first (one event)
        assert len(s.events) == before, "nothing is recorded"
    loads_session(dumps_session(s))  # and what is there still loads


def test_a_150000_character_flag_reason_is_refused_with_a_clear_message() -> None:
    s = _base()
    with pytest.raises(RecordRefused) as caught:
        s.acknowledge_flag(_flag(s), "r" * 150_000, "Priya")
    assert isinstance(caught.value, ValueError)
    assert "reason: text of 150,000 characters" in str(caught.value)


def test_an_event_the_loader_refuses_is_refused_by_append() -> None:
    """The catch-all: any event field (even one no method checks) meets the loader's rule."""
    s = _base()
    with pytest.raises(RecordRefused, match="question: text of"):
        s._append(kind="clear", by="Dana", role="app_owner", question="q" * (MAX_TEXT_CHARS + 1))  # noqa: SLF001
    with pytest.raises(RecordRefused, match="control character U\\+001B"):
        s._append(kind="flag_ack", by="Dana", flag="f\x1b", reason="r")  # noqa: SLF001


def test_a_file_with_a_name_over_the_limit_is_refused_on_load_too() -> None:
    text = dumps_session(_base()).replace('name = "Dana"', f'name = "{LONG_NAME}"', 1)
    with pytest.raises(KickoffError, match="participants\\[0\\].name: text of 201 characters"):
        loads_session(text)


_texts = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", H, ESC, "ok", "x" * (MAX_NAME_CHARS + 1), "  spaced  name  ", "\u202eevil", "tab\tname"]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(sorted(WRITES)), _texts), max_size=6))
def test_whatever_the_session_api_accepts_loads_back(steps: list[tuple[str, str]]) -> None:
    s = _base()
    for field, text in steps:
        try:
            WRITES[field](s, text)
        except KickoffError:
            continue
    again = loads_session(dumps_session(s))
    assert again.events == s.events and again.title == s.title


async def test_an_over_long_paste_in_why_is_an_inline_message() -> None:
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await pilot.pause()
        await pilot.press(*"Dana", "enter", "ctrl+n")
        await pilot.pause()
        why = app.screen.query_one("#q-why", Input)
        why.focus()
        why.post_message(events.Paste("y" * 20_000))
        await pilot.pause()
        error = str(app.screen.query_one("#q-error", Static).render())
        assert "Why: text of 20,000 characters (at most 10,000)" in error
        assert why.value == "y" * 20_000, "the paste is kept in the field to be shortened"
        why.value = "short"
        await pilot.pause()
        assert str(app.screen.query_one("#q-error", Static).render()) == ""


# --- 3. failed saves -------------------------------------------------------------------------------


def _refuse_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)


async def test_quitting_after_a_refused_save_asks_and_exports_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press(*"Dana", "enter", "ctrl+n")
        await pilot.pause()
        _refuse_writes(monkeypatch)
        await pilot.press("down", "enter", "ctrl+s")
        await pilot.pause()
        warning = [n for n in app._notifications if n.title == "Answer NOT saved to disk"]  # noqa: SLF001
        assert warning and warning[0].timeout >= 3600, "stays until dismissed"
        assert "NOT SAVED" in app.screen.sub_title
        await pilot.press("ctrl+q")
        await pilot.pause()
        dialog = app.screen
        assert type(dialog).__name__ == "UnsavedDialog" and app.is_running
        assert "1 answer is not saved to disk" in str(dialog.query_one("#unsaved-summary", Static).render())
        assert "the disk is full" in str(dialog.query_one("#unsaved-reason", Static).render())
        await pilot.press("escape")  # stay: back to the question, nothing lost
        await pilot.pause()
        assert type(app.screen).__name__ == "WizardScreen"
        monkeypatch.undo()  # another disk works
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.click("#unsaved-export")
        await pilot.pause()
        assert type(app.screen).__name__ == "FolderDialog"
        app.screen.query_one("#folder-path", Input).value = str(tmp_path / "usb")
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code in (0, None)
    written = list((tmp_path / "usb").glob("*.toml"))
    assert len(written) == 1 and load_session(written[0]).answers["use_case"].value == "rag"


async def test_quit_anyway_leaves_and_a_saved_session_quits_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await pilot.pause()
        await pilot.press(*"Dana", "enter", "ctrl+n")
        await pilot.pause()
        _refuse_writes(monkeypatch)
        await pilot.press("down", "enter", "ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.click("#unsaved-quit")
        await pilot.pause()
    assert not app.is_running
    saved = KickoffApp(start="new", clock=lambda: NOW)
    async with saved.run_test(size=(120, 36), notifications=False) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")  # nothing unsaved: no question asked
        await pilot.pause()
    assert not saved.is_running


# --- 4. signals -------------------------------------------------------------------------------------

_SIGNAL_CHILD = """
import os, sys
from kickoff_tui.app import KickoffApp
app = KickoffApp(start="new")
app.run()
sys.exit(app.return_code or 0)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and ptys")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_restores_the_terminal_and_saves(name: str, tmp_path: Path) -> None:
    """The real app under a pseudo-terminal: after the signal the output ends by leaving the
    alternate screen and showing the cursor, the exit code is 128 + the signal, and the session
    file is on disk."""
    import pty
    import select
    import signal
    import time

    number = getattr(signal, name)
    env = {**os.environ, "KICKOFF_DATA_DIR": str(tmp_path / "data"), "TERM": "xterm-256color",
           "COLUMNS": "100", "LINES": "30"}
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execve(sys.executable, [sys.executable, "-c", _SIGNAL_CHILD], env)
    output = b""
    deadline = time.monotonic() + 60
    sent = False
    status = None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            output += chunk
        if not sent and b"Who is in the room" in output:
            time.sleep(0.5)
            os.kill(pid, number)
            sent = True
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = code
            with_rest = True
            while with_rest:
                ready, _, _ = select.select([fd], [], [], 0.2)
                try:
                    chunk = os.read(fd, 65536) if ready else b""
                except OSError:
                    chunk = b""
                output += chunk
                with_rest = bool(chunk)
            break
    else:  # pragma: no cover - a hang is the failure
        os.kill(pid, signal.SIGKILL)
        pytest.fail(f"the app did not exit after {name}")
    if status is None:
        _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert sent, output[-500:]
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 128 + number, status
    tail = output[output.rfind(b"\x1b[?1049h"):]
    assert b"\x1b[?1049l" in tail, "left the alternate screen"
    assert b"\x1b[?25h" in tail, "cursor shown"
    assert b"\x1b[?1000l" in tail or b"\x1b[?1003l" in tail, "mouse tracking off"
    assert list((tmp_path / "data" / "sessions").glob("*.toml")), "the session is on disk"


# --- 5. symlinks, read-only folders, keys after PgUp -----------------------------------------------


async def test_a_session_opened_through_a_symlink_saves_to_the_real_file(tmp_path: Path) -> None:
    from kickoff_tui.record.lock import is_locked

    real_dir = tmp_path / "real"
    session = hostile_session()
    real = real_dir / "meeting.toml"
    real_dir.mkdir()
    real.write_text(dumps_session(session), encoding="utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    app = KickoffApp(start="open", path=link, clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await _settle(app, pilot)
        assert app.controller.require().autosave_file == real.resolve()
        assert is_locked(real) is not None  # the lock is the real file's
        assert not (tmp_path / "link.toml.lock").exists()
        app.controller.record_answer("users", 4321, DANA, "app_owner", "")
        await pilot.pause()
    assert link.is_symlink(), "the link is still a link"
    assert load_session(real).answers["users"].value == 4321


async def test_a_read_only_folder_does_not_say_autosaved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Runs as any user: the folder check is stubbed, since root may write anywhere.)"""
    from kickoff_tui.app import controller as controller_module

    session = hostile_session()
    path = session.autosave_file
    monkeypatch.setattr(controller_module, "_writable", lambda _path: False)
    app = KickoffApp(start="open", path=path, clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await _settle(app, pilot)
        assert "read-only: answers kept in memory, export elsewhere" in app.screen.sub_title
        assert "autosaved" not in app.screen.sub_title and " · saved" not in app.screen.sub_title
        app.screen._show_question("users")  # type: ignore[attr-defined]
        await _settle(app, pilot)
        app.screen.query_one("#q-input", Input).value = "777"
        await pilot.press("enter")
        await pilot.pause()
        assert app.controller.unsaved_summary() == "1 answer is not saved to disk"
        assert load_session(path).answers["users"].value == 1200, "the file was not touched"


async def test_kickoff_new_on_a_data_dir_that_cannot_be_written_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    monkeypatch.setenv("KICKOFF_DATA_DIR", str(blocker / "data"))
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert type(app.screen).__name__ == "StartScreen"
        said = " ".join(_messages(app))
    assert f"cannot create the session file {blocker / 'data' / 'sessions'}" in said
    assert "part of the path is a file" in said and "No session was started" in said
    assert "still open" not in said


async def _burst(app: KickoffApp, pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Keys as a terminal delivers a burst: all queued before the app handles the first."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))
    for _ in range(4):
        await pilot.pause()
    for _ in range(300):  # a loaded machine: wait until the app has handed on every held key
        if not app.keys_pending:
            break
        await pilot.pause(0.01)
    await pilot.pause()
    await pilot.pause()


async def test_keys_typed_right_after_pgup_reach_the_next_question() -> None:
    """A burst as a terminal delivers it (no pause between keys): Ctrl+B / PgUp then digits.
    Before, the digits went to the form being replaced and were lost."""
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await pilot.pause()
        await pilot.press(*"Dana", "enter", "ctrl+n")
        await pilot.pause()
        await pilot.press("down", "enter", "ctrl+s")  # use case, then on to "users"
        await pilot.pause()
        await pilot.press(*"1200", "enter")
        await pilot.pause()
        assert app.screen.current_id == "requests_per_user_per_hour"  # type: ignore[attr-defined]
        await _burst(app, pilot, "pageup", "7", "7")
        assert app.screen.current_id == "users"  # type: ignore[attr-defined]
        assert app.screen.query_one("#q-input", Input).value == "77"
        await _burst(app, pilot, "ctrl+n", "4", "2")
        assert app.screen.current_id == "requests_per_user_per_hour"  # type: ignore[attr-defined]
        assert app.screen.query_one("#q-input", Input).value == "42"


async def test_pgdn_in_an_open_drop_down_pages_the_list_not_the_questions() -> None:
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await pilot.pause()
        await pilot.press(*"Dana", "enter", "ctrl+n")
        await pilot.pause()
        app.screen._show_question("model")  # type: ignore[attr-defined]  # a long Select
        await pilot.pause()
        await pilot.press("enter")  # open the list
        await pilot.pause()
        await pilot.press("pagedown")
        await pilot.pause()
        assert app.screen.current_id == "model"  # type: ignore[attr-defined]
        await pilot.press("escape", "pagedown")  # list closed: PgDn is "next question" again
        await pilot.pause()
        assert app.screen.current_id != "model"  # type: ignore[attr-defined]


async def test_keys_typed_right_after_enter_go_to_the_next_question_not_into_the_answer() -> None:
    """``1200⏎35`` in one burst used to record 120035: the keys after Enter reached the field
    before Enter's binding read it. Edits before Enter still count; a refused answer gets the
    keys back."""
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await pilot.pause()
        await pilot.press(*"Dana", "enter", "ctrl+n")
        await pilot.pause()
        await pilot.press("down", "enter", "ctrl+s")  # on to "users"
        await pilot.pause()
        session = app.controller.require()

        await _burst(app, pilot, *"12x", "enter", "5")  # refused: stays, the 5 continues the text
        assert "users" not in session.answers
        assert app.screen.current_id == "users"  # type: ignore[attr-defined]
        assert app.screen.query_one("#q-input", Input).value == "12x5"
        await _burst(app, pilot, "backspace", "backspace", "enter", *"35")
        assert session.answers["users"].value == 12
        assert app.screen.current_id == "requests_per_user_per_hour"  # type: ignore[attr-defined]
        assert app.screen.query_one("#q-input", Input).value == "35"


async def test_an_over_long_name_or_title_is_an_inline_message_not_cut() -> None:
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await pilot.pause()
        name = app.screen.query_one("#person-name", Input)
        name.post_message(events.Paste("N" * 300))
        await pilot.pause()
        error = app.screen.query_one("#person-error", Static)
        assert str(error.render()) == f"✗ Name: text of 300 characters (at most {MAX_NAME_CHARS})"
        assert name.value == "N" * 300, "kept whole, to be shortened"
        await pilot.press("enter")
        await pilot.pause()
        assert not app.controller.require().participants
        assert "at most 200" in str(error.render())
        name.value = "Dana"
        await pilot.pause()
        assert str(error.render()) == ""
        title = app.screen.query_one("#session-title", Input)
        title.value = "T" * 201
        await pilot.pause()
        assert "Title: text of 201 characters" in str(error.render())


def test_the_signal_handler_saves_what_is_not_on_disk_then_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The handler itself (the pty test above runs it for real): a session whose autosave
    failed is written once more, and the exit code is 128 + the signal."""
    import signal

    session = hostile_session()
    session.record_answer("users", 4242, DANA, "app_owner")
    session._saved_upto = 0  # noqa: SLF001 - as after refused autosaves
    app = KickoffApp(clock=lambda: NOW)
    app.controller.session = session
    exits: list[int | None] = []
    monkeypatch.setattr(app, "exit", lambda return_code=0, **_kw: exits.append(return_code))
    app.close_on_signal(int(signal.SIGTERM))
    assert exits == [128 + int(signal.SIGTERM)]
    assert not session.unsaved_events
    assert load_session(session.autosave_file).answers["users"].value == 4242


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "session-support-assistant.toml"


def _example_with(path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


async def test_a_session_dated_past_the_last_utc_moment_shows_a_message(tmp_path: Path) -> None:
    """``9999-12-31 23:59:59-23:59`` overflows when converted to UTC: the app's loader (the
    CLI's) names the field instead of crashing the worker."""
    path = _example_with(tmp_path / "far.toml", "updated = 2026-01-15 10:38:00+00:00",
                         "updated = 9999-12-31 23:59:59-23:59")
    for mode in ("open", "replay"):
        app = KickoffApp(start=mode, path=path, clock=lambda: NOW)
        async with app.run_test(size=(120, 36)) as pilot:
            await _settle(app, pilot)
            assert app.is_running and app.controller.session is None
            said = _messages(app)
        assert any("updated: the year 9999 is out of range" in m for m in said), said


def test_the_app_exports_a_report_of_answers_that_no_longer_size(tmp_path: Path) -> None:
    """A signed-off session whose model answer is not in the catalog (``[/]``): the Markdown
    export says growth and sensitivity cannot be computed and writes the rest; the Plan tab
    names the reason instead of a worker crash."""
    from kickoff_tui.app.plan import PlanReports, plan_projections
    from kickoff_tui.planning import markdown_sections

    path = _example_with(tmp_path / "m.toml", 'value = "llama-3.3-70b"', 'value = "[/]"')
    app = KickoffApp(clock=lambda: NOW)
    session = app.controller.read(path)
    app.controller.session = session
    report = app.controller.export_markdown(tmp_path / "report.md")
    text = report.read_text("utf-8")
    assert "## Growth\n\nNot computed: the answers cannot be re-sized: unknown model '[/]'" in text
    assert "## Sensitivity\n\nNot computed:" in text and "## Cost (" in text and "## Deployment" in text
    spec = app.controller.export_spec()
    assert spec is not None
    plan = plan_projections(PlanReports(), spec, session.sizing_inputs(), session.planning())
    assert "unknown model '[/]'" in plan.growth_error and plan.growth is None
    assert "unknown model '[/]'" in plan.sensitivity_error
    assert "Not computed" in markdown_sections(spec, session.sizing_inputs(), session.planning())
