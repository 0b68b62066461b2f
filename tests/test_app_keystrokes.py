"""Typing at a facilitator's speed never loses a key or a rationale (issue 12).

Keys are sent the way a terminal sends them: one after another, a few tens of milliseconds apart
(or all at once, like a paste), without waiting for the app between them. The sizer is slowed
down on purpose, so the app is busy while the keys arrive.
"""

from __future__ import annotations

import asyncio
import time
import tomllib
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual import events  # noqa: E402

from kickoff_tui.app import KickoffApp  # noqa: E402
from kickoff_tui.app.demo import keys_handled, to_wizard  # noqa: E402

FIXED_NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
SLOW_SIZING_S = 0.2
"""How long each sizing takes in these tests (a slow laptop takes 0.12-0.2 s for a real one)."""
TYPING_GAP_S = 0.03
"""Gap between two keys of a fast typist (about 400 characters a minute)."""


def fixed_clock() -> datetime:
    return FIXED_NOW


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KICKOFF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def slow_sizer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sizing (drafts in the worker, recorded answers on the UI thread) takes 0.2 s."""
    import kickoff_tui.app.controller as controller
    import kickoff_tui.record.session as session

    real = session.size_answers

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(SLOW_SIZING_S)
        return real(*args, **kwargs)

    monkeypatch.setattr(session, "size_answers", slow)
    monkeypatch.setattr(controller, "size_answers", slow)


def key_event(key: str) -> events.Key:
    """The event a terminal sends for ``key`` ("a", "tab", "enter", " ")."""
    names = {" ": "space", ".": "full_stop", ",": "comma", "-": "minus", "'": "apostrophe",
             "%": "percent_sign", "/": "slash", "(": "left_parenthesis",
             ")": "right_parenthesis", ":": "colon", "+": "plus"}
    if len(key) == 1:
        return events.Key(names.get(key, key), key)
    return events.Key(key, {"enter": "\r", "tab": "\t"}.get(key))


async def type_keys(app: KickoffApp, keys: Iterable[str], gap: float = TYPING_GAP_S) -> None:
    """Send keys like a terminal does: without waiting for the app to handle the previous one."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        driver.send_message(event)
        if gap:
            await asyncio.sleep(gap)


def answer_keys(value_keys: Iterable[str], why: str) -> list[str]:
    """Keys for one answer: the value, Tab to "Answered by", Tab to "Why", the rationale, Enter."""
    return [*value_keys, "tab", "tab", *why, "enter"]


async def settle(app: KickoffApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until every key was handled and every worker finished."""
    for _ in range(200):
        await keys_handled(pilot)
        await app.workers.wait_for_complete()
        if not app.keys_pending:
            break
    await pilot.pause()


def saved_answers(app: KickoffApp) -> dict[str, dict]:
    path = app.controller.require().autosave_file
    assert path is not None
    return tomllib.loads(path.read_text("utf-8"))["answers"]


NUMBER_ANSWERS: tuple[tuple[str, str, str], ...] = (
    ("peak_concurrency", "5000", "Peak hour active users from the gateway logs"),
    ("ttft_target_ms", "800", "agents wait on retrieval anyway"),
    ("tpot_target_ms", "35", "p99 of last month's streaming, people read slower"),
)
"""Consecutive questions once the peak is known (the rate and burst fallbacks no longer apply)."""


@pytest.mark.parametrize("gap", [TYPING_GAP_S, 0.0], ids=["fast-typist", "burst"])
async def test_fast_typing_at_a_slow_sizer_lands_every_key_where_it_was_typed(
    slow_sizer: None, gap: float
) -> None:
    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await to_wizard(pilot)
        app.screen._show_question(NUMBER_ANSWERS[0][0])  # type: ignore[attr-defined]
        await settle(app, pilot)
        keys: list[str] = []
        for _qid, value, why in NUMBER_ANSWERS:
            keys += answer_keys(value, why)
        await type_keys(app, keys, gap)
        await settle(app, pilot)
        session = app.controller.require()
        saved = saved_answers(app)
        for qid, value, why in NUMBER_ANSWERS:
            assert qid in session.answers, (qid, sorted(session.answers))
            assert str(session.answers[qid].value) == value
            assert session.answers[qid].rationale == why
            assert saved[qid]["rationale"] == why
            assert str(saved[qid]["value"]) == value


async def test_shift_tab_back_to_the_field_keeps_what_is_typed_next(slow_sizer: None) -> None:
    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await to_wizard(pilot)
        app.screen._show_question("ttft_target_ms")  # type: ignore[attr-defined]
        await settle(app, pilot)
        await type_keys(app, ["tab", "tab", *"measured", "shift+tab", "shift+tab", *"35",
                              "ctrl+s"])
        await settle(app, pilot)
        answer = app.controller.require().answers["ttft_target_ms"]
        assert (answer.value, answer.rationale) == (35, "measured")


async def test_panel_says_sizing_while_a_draft_is_pending(slow_sizer: None) -> None:
    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await to_wizard(pilot)
        wizard = app.screen
        wizard._show_question("peak_concurrency")  # type: ignore[attr-defined]
        await settle(app, pilot)
        before = wizard.query_one("#spec").spec.total_gpus  # type: ignore[attr-defined]
        await type_keys(app, list("9000"), gap=0.01)
        await asyncio.sleep(0.05)
        assert wizard.sizing  # type: ignore[attr-defined]
        assert "sizing" in str(wizard.query_one("#side-col").border_subtitle)
        await settle(app, pilot)
        assert not wizard.sizing  # type: ignore[attr-defined]
        assert wizard.query_one("#spec").spec.total_gpus > before  # type: ignore[attr-defined]
        assert "peak_concurrency" not in app.controller.require().answers
