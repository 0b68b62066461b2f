"""Hostile input in the app (Pilot): garbage in a number field, a megabyte pasted into a text
field, a terminal shrunk to 20x8, a damaged file opened, and a disk that refuses the autosave."""

from __future__ import annotations

import errno
import os
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual import events  # noqa: E402
from textual.widgets import Input, Static  # noqa: E402

from kickoff_tui.app import KickoffApp  # noqa: E402
from kickoff_tui.record import load_session  # noqa: E402
from kickoff_tui.app.demo import workers_done  # noqa: E402

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
BAD = Path(__file__).resolve().parent / "data" / "bad"
PASTE_CHARS = 1_000_000
"""One megabyte of pasted text (the issue's "pasting megabytes")."""
PASTE_BUDGET_S = 10.0
"""Most seconds the app may take to take the paste and answer a key again (it takes < 1 s)."""


@pytest.fixture(autouse=True)
def _data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KICKOFF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def _to_first_question(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.press(*"Dana", "enter", "ctrl+n")
    await pilot.pause()
    assert type(pilot.app.screen).__name__ == "WizardScreen"


def _error_text(app: KickoffApp) -> str:
    return str(app.screen.query_one("#q-error", Static).render())


async def test_garbage_in_a_number_field_is_an_inline_error() -> None:
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await _to_first_question(pilot)
        await pilot.press("down", "enter", "ctrl+s")  # use case -> on to "users", a number
        await pilot.pause()
        session = app.controller.require()
        for garbage, words in (("lots", "not a number"), ("-5", "below the minimum"), ("1e999", "number"),
                               ("nan", "number"), ("12.5", "whole number")):
            field = app.screen.query_one("#q-input", Input)
            field.value = ""
            await pilot.press(*garbage)
            await pilot.pause()
            assert words in _error_text(app), (garbage, _error_text(app))
            await pilot.press("enter")  # confirming garbage records nothing
            await pilot.pause()
            assert "users" not in session.answers
            assert app.screen.current_id == "users"  # type: ignore[attr-defined]
        field = app.screen.query_one("#q-input", Input)
        field.value = ""
        await pilot.press(*"1200", "enter")
        await pilot.pause()
        assert session.answers["users"].value == 1200 and _error_text(app) == ""


async def test_pasting_a_megabyte_into_a_text_field_does_not_freeze() -> None:
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await _to_first_question(pilot)
        why = app.screen.query_one("#q-why", Input)
        why.focus()
        await pilot.pause()
        started = time.monotonic()
        why.post_message(events.Paste("x" * PASTE_CHARS))
        await pilot.pause()
        await pilot.press("home")  # the app still answers keys
        await pilot.pause()
        assert time.monotonic() - started < PASTE_BUDGET_S
        kept = min(PASTE_CHARS, why.max_length or PASTE_CHARS)
        assert why.value == "x" * kept, "the paste is taken whole (or capped at the field's limit)"


async def test_a_pasted_megabyte_never_makes_the_session_unreadable() -> None:
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await _to_first_question(pilot)
        await pilot.press("down", "enter")
        why = app.screen.query_one("#q-why", Input)
        why.focus()
        why.post_message(events.Paste("y" * PASTE_CHARS))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        path = app.controller.require().autosave_file
        assert path is not None
        load_session(path)  # whatever the app accepted, it can open again


TINY_SIZES = [(20, 8), (40, 10), (10, 3), (1, 1)]


async def test_a_tiny_terminal_does_not_crash() -> None:
    """One app, shrunk to each tiny size in turn (one run keeps the suite fast): it keeps
    working while tiny and comes back whole."""
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await _to_first_question(pilot)
        for index, size in enumerate(TINY_SIZES):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            if index == 0:
                await pilot.press("down", "enter", "ctrl+s")  # and still works while tiny
            else:
                await pilot.press(*"12", "tab", "shift+tab", "backspace", "backspace")
            await pilot.pause()
            assert app.is_running, size
            await pilot.resize_terminal(120, 36)
            await pilot.pause()
            assert app.is_running, size
        assert app.controller.require().answers["use_case"].value == "rag"


async def test_opening_a_damaged_file_explains_and_keeps_running(tmp_path: Path) -> None:
    app = KickoffApp(start="open", path=BAD / "session-control-escape.toml", clock=lambda: NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await workers_done(app)
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "StartScreen"
        assert app.controller.session is None
        messages = [n.message for n in app._notifications]  # noqa: SLF001 - what the user saw
    assert any("control character U+001B" in m for m in messages), messages


async def test_a_refused_autosave_is_shown_and_the_answer_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await _to_first_question(pilot)

        real_replace = os.replace

        def full(*args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "replace", full)
        await pilot.press("down", "enter", "ctrl+s")
        await pilot.pause()
        assert "the disk is full" in _error_text(app)  # told at once, next to the answer
        session = app.controller.require()
        assert session.answers["use_case"].value == "rag"  # still in memory
        monkeypatch.setattr(os, "replace", real_replace)  # the other disk works
        rescued = app.controller.export_toml(tmp_path / "rescued.toml")  # and can be saved elsewhere
        assert load_session(rescued).answers["use_case"].value == "rag"


async def test_a_second_kickoff_on_the_same_file_opens_it_read_only(tmp_path: Path) -> None:
    """The lock: while one app holds a session file, a second one is told and shown it read-only."""
    from kickoff_tui.app.screens.replay import ReplayScreen
    from kickoff_tui.record.lock import acquire_lock

    first = KickoffApp(start="new", clock=lambda: NOW)
    async with first.run_test(size=(120, 36), notifications=False) as pilot:
        await _to_first_question(pilot)
        await pilot.press("down", "enter", "ctrl+s")
        await pilot.pause()
        path = first.controller.require().autosave_file
        assert path is not None and first.controller.lock is not None
        second = KickoffApp(start="open", path=path, clock=lambda: NOW)
        async with second.run_test(size=(120, 36)) as other:
            await workers_done(second)
            await other.pause()
            assert isinstance(second.screen, ReplayScreen)
            assert second.controller.session is None  # nothing adopted, nothing written
    # the first app released its lock on exit
    acquire_lock(path).release()


async def test_a_refused_save_keeps_the_meeting_going(monkeypatch) -> None:
    """Disk full: the answer stays in memory, the wizard moves on, the failure is loud."""
    import errno
    import os

    app = KickoffApp(start="new", clock=lambda: NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await _to_first_question(pilot)

        def full(*_args, **_kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "replace", full)
        await pilot.press("down", "enter", "ctrl+s")
        await pilot.pause()
        monkeypatch.undo()
        session = app.controller.require()
        assert session.answers["use_case"].value == "rag"
        assert "NOT SAVED" in app.screen.sub_title
