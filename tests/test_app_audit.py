"""What a demanding first user saw on screen in a hand-driven audit, each pinned by a test."""

from __future__ import annotations

import pytest

pytest.importorskip("textual")

from textual.content import Content  # noqa: E402
from textual.widgets import OptionList  # noqa: E402

from test_app_words import _isolated, screen_text  # noqa: E402, F401 - the autouse data folder

from kickoff_tui.app.demo import answered_wizard, demo_app, settle  # noqa: E402


async def status_of(question: str) -> str:
    """The status line under ``question`` in a fresh wizard, its whitespace folded."""
    from textual.widgets import Static

    from kickoff_tui.app.demo import to_wizard

    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await to_wizard(pilot)
        app.screen._show_question(question)  # type: ignore[attr-defined]
        await settle(pilot)
        return " ".join(str(app.screen.query_one("#q-status", Static).render()).split())


async def _open_replay(pilot, app):  # type: ignore[no-untyped-def]
    from kickoff_tui.app.screens.replay import ReplayScreen

    app.push_screen(ReplayScreen(app.controller.require()))
    await settle(pilot)
    return app.screen


async def test_a_replay_event_that_wraps_once_the_list_scrolls_keeps_its_last_words() -> None:
    """The replay of an exported session showed "37  IT  Carol IT signed off the" with "spec"
    gone (and "vLLM → TensorRT-LLM" without "(NVIDIA only)"): each event's height was measured
    before the list grew its scrollbar, so an event that fit the full width lost the line it
    wrapped onto two columns narrower."""
    from kickoff_tui.app.screens.replay import describe_event

    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await answered_wizard(pilot)
        session = app.controller.require()
        for n in range(14):  # enough events for the list to scroll
            session.record_answer("peak_concurrency", 100 + n, "Dana Whitfield", "app_owner",
                                  f"reading {n}")
        # Measure the list once, then pick an IT name whose sign-off line fits the list's width
        # without a scrollbar but not with one.
        replay = await _open_replay(pilot, app)
        events = replay.query_one("#replay-events", OptionList)
        padding = events.get_component_styles("option-list--option").padding.width
        assert events.show_vertical_scrollbar
        with_bar = events.scrollable_content_region.width
        app.pop_screen()
        await settle(pilot)
        session.add_participant("Ro", "it")
        session.sign_off("it", "Ro")
        last = session.events[-1]
        short = len(Content.from_markup(describe_event(last, session)).plain) + padding
        name = "Ro" + "x" * (with_bar + 1 - short)
        session.rename_participant("Ro", "it", name)
        session.sign_off("ai_team", "Sam Okafor")
        session.sign_off("it", name)  # the last event, shown at the end of the list
        assert len(Content.from_markup(describe_event(session.events[-1], session)).plain) \
            + padding == with_bar + 1

        await _open_replay(pilot, app)
        rows = [line[1:47] for line in screen_text(app).splitlines()[2:-2]]
        listed = " ".join(" ".join(rows).split())
        assert f"{name} signed off the spec" in listed, listed[-300:]


@pytest.mark.parametrize(("question", "shown", "not_shown"), [
    ("redundancy", "sizing assumes One failed or updating replica (N+1 GPUs)", "assumes n+1"),
    ("rack_power_basis", "sizing assumes Breaker / feed rating", "assumes breaker"),
    ("ttft_target_ms", "sizing assumes 1,000 ms", "assumes 1000 "),
    ("rack_power_kw", "sizing assumes 30 kW", "assumes 30.0"),
])
async def test_what_sizing_assumes_reads_as_the_answer_would(question: str, shown: str,
                                                             not_shown: str) -> None:
    """An open question said "sizing assumes n+1", "breaker", "llama-3.1-70b", "1000" or "30.0":
    the sizer's internal value, not the words of the choice on screen or the number with its
    unit."""
    status = await status_of(question)
    assert shown in status and not_shown not in status, status


async def test_gpus_per_replica_reads_in_the_plural() -> None:
    """The live spec said "Per replica 2 GPU (TP2)" (and "8 GPU (TP8)" for DeepSeek-R1)."""
    from kickoff_tui.app.widgets.spec_panel import SpecPanel

    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await answered_wizard(pilot)
        app.screen._refresh_results()  # type: ignore[attr-defined]  # answers were recorded directly
        await settle(pilot)
        panel = app.screen.query_one("#spec", SpecPanel)
        assert panel.spec is not None and panel.spec.gpus_per_replica == 4
        text = screen_text(app)
        assert "Per replica 4 GPUs (TP4)" in text and "4 GPU (TP4)" not in text, text


@pytest.mark.parametrize(("question", "hint"), [
    ("ttft_target_ms", "Enter or Ctrl+S records what you type"),
    ("continuous_batching", "Ctrl+S records the switch"),
    ("redundancy", "Ctrl+S records the one you pick"),
])
async def test_the_hint_says_what_the_keys_record(question: str, hint: str) -> None:
    """An empty number field said "sizing assumes 1,000 ms · Enter or Ctrl+S records the
    answer", and Ctrl+S then answered "Give an answer first.": the assumption is not recorded
    for a typed field or a choice, only a switch always holds a value."""
    status = await status_of(question)
    assert hint in status and "records the answer" not in status, status
