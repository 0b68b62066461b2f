"""Pilot tests: drive Kickoff from the start screen to an exported TOML, like a facilitator."""

from __future__ import annotations

import tomllib
from datetime import datetime, timezone
from pathlib import Path

import pytest

pytest.importorskip("textual")

from kickoff_tui.app import KickoffApp  # noqa: E402
from kickoff_tui.record import load_session  # noqa: E402
from kickoff_tui.app.demo import workers_done  # noqa: E402

FIXED_NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def fixed_clock() -> datetime:
    return FIXED_NOW


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KICKOFF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def add_people(pilot, people=("Dana", "Sam", "Priya")) -> None:  # type: ignore[no-untyped-def]
    """Type each name and press Enter; the role picker moves to the next uncovered role."""
    for name in people:
        await pilot.press(*name, "enter")


async def test_full_session_start_to_exported_toml(tmp_path: Path) -> None:
    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "ParticipantsScreen"
        await add_people(pilot)
        session = app.controller.session
        assert session is not None
        assert [(p.name, p.role) for p in session.participants] == [
            ("Dana", "app_owner"), ("Sam", "ai_team"), ("Priya", "it")]
        await pilot.press("ctrl+n")
        await pilot.pause()
        wizard = app.screen
        assert type(wizard).__name__ == "WizardScreen"
        assert wizard.current_id == "use_case"

        # A choice answered with the keyboard: move to RAG, select it, save.
        await pilot.press("down", "enter", "ctrl+s")
        await pilot.pause()
        assert session.answers["use_case"].value == "rag"
        assert session.answers["use_case"].answered_by == "Dana"
        autosaved = session.autosave_file
        assert autosaved is not None and autosaved.is_file()
        assert load_session(autosaved).answers["use_case"].value == "rag"  # on disk already
        assert wizard.current_id == "users"

        # Jump to peak concurrency and answer it with a rationale.
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press(*"peak how many")
        await pilot.press("enter")
        await pilot.pause()
        assert wizard.current_id == "peak_concurrency"
        await pilot.press(*"150", "tab", "tab")
        await pilot.press(*"p99 of last month", "enter")
        await pilot.pause()
        answer = session.answers["peak_concurrency"]
        assert answer.value == 150 and answer.rationale == "p99 of last month"

        # Review: sign off as IT and AI team, set the cadence, export.
        await pilot.press("ctrl+r")
        await pilot.pause()
        review = app.screen
        assert type(review).__name__ == "ReviewScreen"
        review.query_one("#review-tabs").active = "tab-signoff"
        await pilot.pause()
        review.sign_off("it")
        review.sign_off("ai_team")
        review.set_cadence()
        await pilot.pause()
        assert session.is_signed_off
        assert session.cadence is not None and session.cadence.every == "quarterly"
        # preselected: IT owns the cadence, so a plain click raises no wrong-role flag
        assert session.cadence.set_by == "Priya"
        assert not any(f.id.startswith("answered-by") or "review_cadence" in f.questions
                       and "decision" in f.message for f in session.active_flags())
        await pilot.press("ctrl+s")
        await workers_done(app)  # the export runs in a worker
        await pilot.pause()

    exported = tmp_path / f"{session.id}.toml"
    assert exported.is_file()
    data = tomllib.loads(exported.read_text("utf-8"))
    assert data["answers"]["peak_concurrency"]["value"] == 150
    assert {s["role"] for s in data["signoffs"]} == {"it", "ai_team"}
    assert (tmp_path / f"{session.id}.md").is_file()
    reloaded = load_session(exported)
    assert reloaded.is_signed_off and reloaded.answers["use_case"].answered_by == "Dana"


async def _wizard(app: KickoffApp, pilot) -> None:  # type: ignore[no-untyped-def]
    from kickoff_tui.app.demo import to_wizard

    await to_wizard(pilot)
    assert type(app.screen).__name__ == "WizardScreen"


async def _question(app: KickoffApp, pilot, question_id: str):  # type: ignore[no-untyped-def]
    """The wizard with ``question_id`` on screen, its form laid out."""
    await _wizard(app, pilot)
    wizard = app.screen
    wizard._show_question(question_id)  # type: ignore[attr-defined]
    await pilot.pause()
    await pilot.pause()
    return wizard


async def test_number_field_validates_inline_and_previews_the_spec() -> None:
    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(80, 24), notifications=False) as pilot:
        await _wizard(app, pilot)
        wizard = app.screen
        wizard._show_question("peak_concurrency")
        await pilot.pause()
        from kickoff_tui.app.widgets.spec_panel import SpecPanel
        from textual.widgets import Static

        panel = wizard.query_one("#spec", SpecPanel)
        before = panel.spec.total_gpus
        await pilot.press(*"abc")
        await pilot.pause()
        error = wizard.query_one("#q-error", Static)
        assert "not a number" in str(error.render())
        await pilot.press("enter")  # invalid: nothing is recorded
        await pilot.pause()
        assert "peak_concurrency" not in app.controller.session.answers
        await pilot.press("backspace", "backspace", "backspace", *"5000")
        await workers_done(app)  # drafts are sized in a worker
        await pilot.pause()
        assert str(error.render()) == ""
        assert panel.spec.total_gpus > before  # previewed, not recorded yet
        assert "peak_concurrency" not in app.controller.session.answers
        await pilot.press("enter")
        await pilot.pause()
        assert app.controller.session.answers["peak_concurrency"].value == 5000


async def test_red_flag_is_raised_then_acknowledged_with_a_reason() -> None:
    from kickoff_tui.app.demo import red_flag

    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await red_flag(pilot)
        session = app.controller.session
        raised = [f for f in session.open_flags() if "precision" in " ".join(f.questions)]
        assert raised, [f.id for f in session.open_flags()]
        flag = raised[0]
        wizard = app.screen
        assert flag.id in wizard._new_flags  # marked NEW in the panel
        wizard.open_flag(flag.id)
        await pilot.pause()
        assert type(app.screen).__name__ == "FlagDialog"
        await pilot.press("enter")  # no reason yet: refused
        await pilot.pause()
        assert session.flag(flag.id).state == "open"
        await pilot.press(*"quality team insists", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "WizardScreen"
        record = session.flag(flag.id)
        assert record.state == "acknowledged" and record.reason == "quality team insists"
        assert record.by == "Sam Okafor"  # preselected: the flag's owner role


async def test_role_filter_unanswered_first_and_back_next() -> None:
    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await _wizard(app, pilot)
        wizard = app.screen
        await pilot.press("ctrl+f")  # APP OWNER only
        await pilot.pause()
        assert wizard.role_filter == "app_owner"
        assert {q.role for q in wizard.visible_questions()} == {"app_owner"}
        await pilot.press("ctrl+f", "ctrl+f")  # IT
        await pilot.pause()
        assert wizard.role_filter == "it"
        assert app.controller.questionnaire.get(wizard.current_id).role == "it"
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert wizard.role_filter is None
        first = wizard.current_id
        await pilot.press("pagedown")
        await pilot.pause()
        assert wizard.current_id != first
        await pilot.press("pageup")
        await pilot.pause()
        assert wizard.current_id == first
        app.controller.session.record_answer("use_case", "chat", "Dana Whitfield", "app_owner")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert wizard.visible_questions()[-1].id == "use_case"
        # the form's "n/count" follows the list at once (it stayed stale until the next page)
        from textual.widgets import Static

        ids = [q.id for q in wizard.visible_questions()]
        where = f"{ids.index(wizard.current_id) + 1}/{len(ids)}"
        assert where in str(wizard.query_one("#q-meta", Static).render())
        await pilot.press("ctrl+f")  # APP OWNER only: a shorter list
        await pilot.pause()
        ids = [q.id for q in wizard.visible_questions()]
        where = f"{ids.index(wizard.current_id) + 1}/{len(ids)}"
        assert where in str(wizard.query_one("#q-meta", Static).render())


async def test_resume_and_replay_from_the_start_screen(tmp_path: Path) -> None:
    from kickoff_tui.app.demo import DEMO_PEOPLE
    from kickoff_tui.record import Session

    session = Session.new("Support bot", participants=DEMO_PEOPLE, clock=fixed_clock, autosave=True)
    session.record_answer("peak_concurrency", 90, "Dana Whitfield", "app_owner", "logs")
    session.record_answer("gpu", "h100-sxm", "Priya Raman", "it", "")

    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await workers_done(app)
        await pilot.pause()
        start = app.screen
        assert start.recent and start.recent[0].title == "Support bot"
        await pilot.press("p")  # replay dialog lists the saved session
        await pilot.pause()
        assert type(app.screen).__name__ == "OpenSessionDialog"
        await pilot.press("tab", "enter")
        await workers_done(app)
        await pilot.pause()
        replay = app.screen
        assert type(replay).__name__ == "ReplayScreen"
        await workers_done(app)
        await pilot.pause()
        last = len(replay.states) - 1
        assert last == len(session.events) and replay.step == last
        await pilot.press("left")
        await pilot.pause()
        assert replay.step == last - 1
        assert replay.states[replay.step].answers.keys() == {"peak_concurrency"}
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")  # resume the newest session in the wizard
        await workers_done(app)
        await pilot.pause()
        assert type(app.screen).__name__ == "WizardScreen"
        resumed = app.controller.session
        assert resumed.answers["peak_concurrency"].value == 90
        resumed_file = resumed.autosave_file
        assert resumed_file == session.autosave_file  # keeps saving to the same file


async def test_open_dialog_reports_a_missing_file() -> None:
    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(80, 24), notifications=False) as pilot:
        await workers_done(app)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press(*"nope.toml", "enter")
        await pilot.pause()
        from textual.widgets import Static

        assert "No such file" in str(app.screen.query_one("#open-error", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"


async def test_open_mode_with_a_broken_file_shows_an_error_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = = not toml", "utf-8")
    app = KickoffApp(start="open", path=bad, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await workers_done(app)
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"
        assert any("bad.toml" in n.message for n in app._notifications)


async def test_help_and_palette_and_theme() -> None:
    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await _wizard(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpDialog"
        from textual.widgets import Static

        keys = str(app.screen.query_one("#help-keys", Static).render())
        assert "Save answer" in keys and "Ctrl+G" in keys
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme light")
        await pilot.pause(0.3)
        from textual.widgets import OptionList

        hits = app.screen.query_one(OptionList)
        shown = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
        assert sum("Theme: light" in text for text in shown) == 1, shown  # it was listed twice
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "kickoff-light"
        await pilot.press("ctrl+t")
        assert app.theme == "kickoff-dark"


async def test_bindings_have_ids_and_tooltips_and_footer_stays_small() -> None:
    from kickoff_tui.app.screens.participants import ParticipantsScreen
    from kickoff_tui.app.screens.replay import ReplayScreen
    from kickoff_tui.app.screens.review import ReviewScreen
    from kickoff_tui.app.screens.start import StartScreen
    from kickoff_tui.app.screens.wizard import WizardScreen

    for screen in (StartScreen, ParticipantsScreen, WizardScreen, ReviewScreen, ReplayScreen):
        bindings = [*screen.BINDINGS, *KickoffApp.BINDINGS]
        assert all(b.id and b.tooltip for b in bindings), screen
        shown = [b for b in bindings if b.show]
        assert len(shown) <= 7, (screen, len(shown))
    assert 5 <= len([b for b in [*WizardScreen.BINDINGS, *KickoffApp.BINDINGS] if b.show]) <= 7


async def test_an_unanswered_yes_no_switch_shows_and_records_what_sizing_assumes() -> None:
    """"Is continuous batching on?" has no default of its own; sizing assumes yes. The switch
    starts at yes (it once started at No while the status line said the sizing assumed True),
    so saving it with only a rationale records what was assumed, not its opposite."""
    from textual.widgets import Static, Switch

    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(120, 40), notifications=False) as pilot:
        wizard = await _question(app, pilot, "continuous_batching")
        assert wizard.query_one("#q-input", Switch).value is True
        status = str(wizard.query_one("#q-status", Static).render())
        assert "sizing assumes yes" in status and "True" not in status
        wizard.query_one("#q-why").value = "engine default"
        await pilot.press("ctrl+s")
        await pilot.pause()
        answer = app.controller.session.answers["continuous_batching"]
        assert answer.value is True and answer.rationale == "engine default"


async def test_leaving_a_question_with_an_unsaved_choice_restores_the_recorded_spec() -> None:
    """A precision highlighted but not saved previews on the spec panel; moving on to the next
    question puts the panel back on the recorded answers."""
    from textual.widgets import RadioSet

    from kickoff_tui.app.widgets.spec_panel import SpecPanel

    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(120, 40), notifications=False) as pilot:
        wizard = await _question(app, pilot, "precision")
        panel = wizard.query_one("#spec", SpecPanel)
        recorded = app.controller.spec()
        radios = wizard.query_one("#q-input", RadioSet)
        other = next(b for b in radios.query("RadioButton") if b.name != recorded.precision)
        other.value = True  # picked, not saved
        for _ in range(100):  # the draft is sized in a worker after a typing pause
            await workers_done(app)
            await pilot.pause(0.02)
            if panel.spec.precision == other.name:
                break
        assert panel.spec.precision == other.name  # the preview
        assert "precision" not in app.controller.session.answers
        await pilot.press("pagedown")
        await pilot.pause()
        await workers_done(app)
        await pilot.pause()
        assert panel.spec.precision == recorded.precision
        assert panel.spec.total_gpus == recorded.total_gpus


async def test_new_then_straight_back_leaves_no_empty_session_to_resume(tmp_path: Path) -> None:
    """N then Esc on the participants screen used to leave an empty session file (and its
    lock) behind, newer than the real meeting, so R resumed the empty one."""
    from kickoff_tui.app.demo import DEMO_PEOPLE
    from kickoff_tui.record import Session
    from kickoff_tui.record.io import list_sessions

    real = Session.new("Support bot", participants=DEMO_PEOPLE, clock=fixed_clock, autosave=True)
    real.record_answer("peak_concurrency", 90, "Dana Whitfield", "app_owner", "logs")
    app = KickoffApp(clock=fixed_clock)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await workers_done(app)
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "ParticipantsScreen"
        assert len(list(list_sessions())) == 2
        await pilot.press("escape")
        await workers_done(app)
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"
        assert list(list_sessions()) == [real.autosave_file]
        assert not list((tmp_path / "data").rglob("*.lock"))
        await pilot.press("r")
        await workers_done(app)
        await pilot.pause()
        assert type(app.screen).__name__ == "WizardScreen"
        assert app.controller.session.answers["peak_concurrency"].value == 90
