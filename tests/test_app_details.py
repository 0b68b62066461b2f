"""The smaller things a facilitator saw on screen (issue 12), each pinned by a test."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual.widgets import Input, RadioSet  # noqa: E402

from kickoff_tui.app.demo import DEMO_PEOPLE, answered_wizard, demo_app, keys_handled, settle, to_wizard, workers_done  # noqa: E402
from kickoff_tui.app.widgets.question_form import QuestionForm  # noqa: E402
from kickoff_tui.app.widgets.spec_panel import render_spec  # noqa: E402
from kickoff_tui.errors import KickoffError  # noqa: E402
from kickoff_tui.record import default_questionnaire  # noqa: E402
from kickoff_tui.sizing import SizingInputs, size  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KICKOFF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def test_page_down_moves_on_while_a_text_field_has_focus() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await to_wizard(pilot)
        wizard = app.screen
        wizard._show_question("peak_concurrency")  # type: ignore[attr-defined]
        await settle(pilot)
        assert isinstance(app.focused, Input)
        await pilot.press("pagedown")
        await settle(pilot)
        # the peak is not answered yet, so the request-rate fallback still applies
        assert wizard.current_id == "requests_per_second"  # type: ignore[attr-defined]
        await pilot.press("pageup")
        await settle(pilot)
        assert wizard.current_id == "peak_concurrency"  # type: ignore[attr-defined]


async def test_ctrl_s_saves_while_the_why_field_has_focus() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await to_wizard(pilot)
        app.screen._show_question("slo_percentile")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # p95
        app.screen.query_one("#q-why", Input).focus()
        await pilot.press(*"contract", "ctrl+s")
        await settle(pilot)
        answer = app.controller.require().answers["slo_percentile"]
        assert (answer.value, answer.rationale) == ("p95", "contract")


async def test_arrow_keys_in_a_choice_start_from_the_current_answer() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await to_wizard(pilot)
        session = app.controller.require()
        name, role = DEMO_PEOPLE[0]
        session.record_answer("slo_percentile", "p95", name, role)
        app.screen._show_question("slo_percentile")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("down", "enter", "ctrl+s")  # one below p95 is p99
        await settle(pilot)
        assert session.answers["slo_percentile"].value == "p99"


async def test_its_fabric_answer_is_shown_in_the_spec() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await answered_wizard(pilot)
        name, role = DEMO_PEOPLE[2]
        app.controller.require().record_answer("fabric", "infiniband", name, role)
        app.screen._refresh_results()  # type: ignore[attr-defined]
        await settle(pilot)
        assert "InfiniBand" in str(app.screen.query_one("#spec").render())


async def test_review_and_replay_show_the_wizards_fabric_and_cost() -> None:
    """The scale-out fabric IT answered and the monthly cost (staff included) read the same on
    the wizard's panel, Review's Spec tab and the replay (the replay showed the bare GPU rent
    and Review the sizer's generic fabric)."""
    from kickoff_tui.app.screens.replay import ReplayScreen

    app = demo_app()
    async with app.run_test(size=(140, 40), notifications=False) as pilot:
        await answered_wizard(pilot)
        session = app.controller.require()
        name, role = DEMO_PEOPLE[2]
        session.record_answer("fabric", "roce", name, role)
        app.screen._refresh_results()  # type: ignore[attr-defined]
        await settle(pilot)
        wizard_panel = app.screen.query_one("#spec")
        wizard_text = str(wizard_panel.render())
        assert "RoCE" in wizard_text
        cost = wizard_panel.cost
        assert cost is not None and cost.value is not None
        await pilot.press("ctrl+r")
        await settle(pilot)
        review_panel = app.screen.query_one("#review-spec")
        assert "RoCE" in str(review_panel.render())
        assert review_panel.cost == cost
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(ReplayScreen(session))
        await workers_done(app)
        await settle(pilot)
        for panel_id in ("#replay-spec", "#replay-spec-today"):
            panel = app.screen.query_one(panel_id)
            assert "RoCE" in str(panel.render())
            assert panel.cost is not None and panel.cost.value == cost.value


def test_an_infeasible_spec_reads_in_words_not_zeros() -> None:
    spec = size(SizingInputs(model="llama-3.1-405b", gpu="l4", precision="bf16"))
    assert not spec.feasible
    text = render_spec(spec, width=40).plain
    assert "NOT FEASIBLE" in text and "not feasible" in text
    for zero in ("0 GPU", "0 × 0", "0.0 kW"):
        assert zero not in text


def test_cooling_reads_in_words() -> None:
    spec = size(SizingInputs())
    for cooling, words in (("dlc", "direct liquid cooling"), ("rdhx", "rear-door heat exchanger")):
        text = render_spec(spec.model_copy(update={"cooling": cooling}), width=60).plain
        assert words in text and f" {cooling}" not in text


def test_units_typed_with_the_number_are_accepted_and_a_zero_window_is_not() -> None:
    questionnaire = default_questionnaire()
    assert questionnaire.get("rack_power_kw").validate_value("35 kW") == 35
    assert questionnaire.get("expected_growth").validate_value("30 %") == 30
    with pytest.raises(KickoffError, match="no time at all"):
        questionnaire.get("maintenance_window_length").validate_value("0h")


@pytest.mark.parametrize("question", [q.id for q in default_questionnaire().questions
                                      if q.type == "number"])
def test_number_placeholders_fit_a_narrow_field(question: str) -> None:
    q = default_questionnaire().get(question)
    form = QuestionForm(q, position=(1, 1), answer=None, default_text="", participants=[],
                        answerer=None)
    assert len(form._number_hint()) <= 26  # the field is ~28 columns at 80x24


async def test_start_screen_offers_resume_once_a_session_exists() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30), notifications=False) as pilot:
        await to_wizard(pilot)
        name, role = DEMO_PEOPLE[0]
        app.controller.require().record_answer("use_case", "rag", name, role)
        app.go_home()
        await settle(pilot)
        await workers_done(app)
        await pilot.pause()
        actions = app.screen.query_one("#start-actions")
        option = actions.get_option("resume")  # type: ignore[attr-defined]
        assert not option.disabled
        assert "none yet" not in str(option.prompt)


async def test_screenshot_without_a_downloads_folder_goes_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_downloads_dir", lambda: str(tmp_path / "no-such"))
    app = demo_app()
    async with app.run_test(size=(100, 30), notifications=False) as pilot:
        await settle(pilot)
        app.action_screenshot()
        await keys_handled(pilot)
    assert list(tmp_path.glob("*.svg"))


async def test_focus_moves_into_a_radio_set_with_the_answer_highlighted() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await to_wizard(pilot)
        name, role = DEMO_PEOPLE[0]
        # (redundancy, used before, now has more choices than a radio set shows: a drop-down)
        app.controller.require().record_answer("slo_percentile", "p95", name, role)
        app.screen._show_question("slo_percentile")  # type: ignore[attr-defined]
        await settle(pilot)
        radio = app.screen.query_one("#q-input", RadioSet)
        assert radio._selected == radio.pressed_index == 2


async def test_a_question_swapped_in_while_a_dialog_closes_gets_the_focus_without_a_crash() -> None:
    """Back from a dialog the wizard asks for the answer field's focus after the next repaint.
    When the dialog's action has swapped in another question's form by then (removing a
    workload, going to a question), the focus goes to the new form's field: it used to look the
    field up in the old, removed form and stop the app (seen under load)."""
    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await to_wizard(pilot)
        wizard = app.screen
        wizard.on_screen_resume()  # type: ignore[attr-defined]  # as when a dialog closes
        wizard._show_question("peak_concurrency")  # type: ignore[attr-defined]
        await settle(pilot)
        assert wizard.current_id == "peak_concurrency"  # type: ignore[attr-defined]
        assert isinstance(app.focused, Input) and app.focused.id == "q-input"
        assert app.focused in wizard._form.query("#q-input")  # type: ignore[attr-defined]


def test_the_decision_log_uses_the_terminal_width() -> None:
    """The Why column stays on screen at 80 columns and grows on a wide terminal (the table
    had fixed widths: Why off screen at 80, and a table stopping at column 112 at 200)."""
    from kickoff_tui.app.screens.review import LOG_CHROME, LOG_MIN, log_widths

    for total in (80, 100, 120, 160, 200):
        widths = dict(log_widths(total))
        assert sum(widths.values()) + LOG_CHROME <= max(total, sum(LOG_MIN.values()) + 5 + LOG_CHROME)
        assert all(widths[k] >= v for k, v in LOG_MIN.items())
    assert dict(log_widths(200))["Why"] > dict(log_widths(120))["Why"] > dict(log_widths(80))["Why"]
    assert sum(dict(log_widths(200)).values()) + LOG_CHROME == 200
