"""Pilot tests: the workloads list of a portfolio session in the wizard."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual.widgets import Button, Input, OptionList  # noqa: E402

from kickoff_tui.app import KickoffApp  # noqa: E402
from kickoff_tui.app.demo import workers_done  # noqa: E402

FIXED_NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KICKOFF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def open_wizard(pilot, app):  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    for name in ("Dana", "Sam", "Priya"):
        await pilot.press(*name, "enter")
    await pilot.press("ctrl+n")
    await pilot.pause()
    assert type(app.screen).__name__ == "WizardScreen"
    return app.screen


async def test_add_answer_per_workload_and_remove_with_confirmation() -> None:
    app = KickoffApp(clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        wizard = await open_wizard(pilot, app)
        session = app.controller.session
        # IT's SKU first: each workload is then sized on one SKU (keeps the test fast)
        session.record_answer("gpu", "h100-sxm", "Priya", "it")
        await pilot.press("enter", "ctrl+s")  # use_case = chat, for the one workload
        await pilot.pause()
        assert session.answers["use_case"].value == "chat"
        nav = wizard.query_one("#question-nav", OptionList)
        assert nav.get_option("__workloads__") is not None, "the list opens the application section"

        await pilot.press("f3")
        await pilot.pause()
        assert type(app.screen).__name__ == "WorkloadsDialog"
        await pilot.press(*"nightly batch", "enter")
        await pilot.pause()
        assert session.workload_names() == ["chat", "nightly batch"]
        assert app.controller.current_workload() == "nightly batch"
        assert session.answer("use_case", "chat").value == "chat"
        assert wizard.current_id == "use_case" and session.answer("use_case", "nightly batch") is None

        await pilot.press("down", "down", "down", "down", "enter", "ctrl+s")  # batch, for the new one
        await pilot.pause()
        assert session.answer("use_case", "nightly batch").value == "batch"
        assert session.answer("use_case", "chat").value == "chat"
        assert session.events[-1].workload == "nightly batch"
        await workers_done(app)
        await pilot.pause()
        panel = wizard.query_one("#portfolio")
        assert panel.display and "Portfolio" in str(panel.render())

        # remove: Cancel first (it has the focus), then confirm
        for confirm in (False, True):
            await pilot.press("f3")
            await pilot.pause()
            dialog = app.screen
            dialog.query_one("#workloads-list", OptionList).highlighted = 1
            dialog.query_one("#workloads-remove", Button).press()
            await pilot.pause()
            assert type(app.screen).__name__ == "ConfirmDialog"
            if confirm:
                app.screen.query_one("#confirm-yes", Button).press()
            else:
                await pilot.press("enter")  # Cancel has the focus
            await pilot.pause()
            expected = ["chat"] if confirm else ["chat", "nightly batch"]
            assert session.workload_names() == expected, confirm
        assert session.events[-1].kind == "workload_remove"
        assert app.controller.current_workload() == "chat"


async def test_a_bad_name_changes_nothing() -> None:
    app = KickoffApp(clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await open_wizard(pilot, app)
        session = app.controller.session
        await pilot.press("f3")
        await pilot.pause()
        app.screen.query_one("#workloads-name", Input).value = "bad!name"
        app.screen.query_one("#workloads-add", Button).press()
        await pilot.pause()
        assert session.workloads == [] and type(app.screen).__name__ == "WizardScreen"


async def test_a_bad_peak_window_is_an_inline_error_and_a_good_one_is_recorded() -> None:
    app = KickoffApp(clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        wizard = await open_wizard(pilot, app)
        session = app.controller.session
        session.record_answer("gpu", "h100-sxm", "Priya", "it")
        assert "peak_hours" not in {q.id for q in session.applicable()}, "hidden with one workload"
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press(*"nightly batch", "enter")
        await pilot.pause()
        assert session.workload_names() == ["workload 1", "nightly batch"]
        wizard._show_question("peak_hours")
        await pilot.pause()
        assert wizard.current_id == "peak_hours"
        field = wizard.query_one("#q-input", Input)
        field.value = "nightly"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(wizard.query_one("#q-error").render())
        assert "HH-HH" in error and "peak_hours" not in session.answers_for("nightly batch")
        field = wizard.query_one("#q-input", Input)
        field.value = "22-6"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert session.answer("peak_hours", "nightly batch").value == "22-06"
        assert session.events[-1].workload == "nightly batch"


async def test_a_pasted_multi_line_history_is_read_month_by_month() -> None:
    """A spreadsheet column pasted into the one-line answer box: every line is a month (Textual
    alone keeps the first line only); a line it cannot read is an inline error."""
    from textual import events

    app = KickoffApp(clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        wizard = await open_wizard(pilot, app)
        session = app.controller.session
        session.record_answer("gpu", "h100-sxm", "Priya", "it")
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press(*"nightly batch", "enter")
        await pilot.pause()
        wizard._show_question("request_history")
        await pilot.pause()
        field = wizard.query_one("#q-input", Input)
        assert app.focused is field

        app.post_message(events.Paste("month\trequests\n2026-01\t41,000\n2026-02\tlots\n2026-03\t52,000\n"))
        await pilot.pause()
        error = str(wizard.query_one("#q-error").render())
        assert "row 2" in error and "not a number" in error, (error, field.value)

        field.value = ""
        await pilot.pause()
        app.post_message(events.Paste("41000\r\n45500\r\n52000\r\n"))
        await pilot.pause()
        assert field.value == "41000; 45500; 52000"
        assert str(wizard.query_one("#q-error").render()) == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert session.answer("request_history", "nightly batch").value == "41000, 45500, 52000"


def test_the_growth_fit_is_the_planning_layers_and_the_panel_shows_it() -> None:
    """The panel's growth lines come from Session.portfolio_growth (the planning layer's fit, as
    `kickoff growth` prints it); the widget only writes them."""
    from kickoff_tui.app.widgets.portfolio_panel import portfolio_lines
    from kickoff_tui.commands.portfolio_planning import load_plan
    from kickoff_tui.planning.history import DEFAULT_HORIZON_MONTHS, portfolio_growth
    from kickoff_tui.record import load_session

    path = Path(__file__).resolve().parents[1] / "examples" / "session-portfolio.toml"
    session = load_session(path)
    growth = session.portfolio_growth()
    plan = load_plan(str(path))
    cli = portfolio_growth(plan.demands, plan.spec, plan.histories, DEFAULT_HORIZON_MONTHS)
    assert growth is not None and growth == cli
    chat = growth.workloads[0]
    assert chat.fit is not None and chat.fit.rate_low < chat.fit.monthly_rate < chat.fit.rate_high
    lines = portfolio_lines(session.portfolio_spec(), "chat assistant", growth)
    text = "\n".join(lines)
    assert f"{chat.fit.monthly_rate:+.1%}/mo" in text
    assert f"80%: {chat.fit.rate_low * 100:+.1f}…{chat.fit.rate_high * 100:+.1f}" in text
    assert f"outgrown in month {chat.outgrows_month}" in text
    assert f"runs out in month [b]{growth.fleet_outgrows_month}[/]" in text
    # the workload without a history gets no growth line; the lines follow their workload
    index = {line.split(":")[0][2:].strip("[/b]"): i for i, line in enumerate(lines) if line[:1] in "▶·"}
    assert "↗" not in lines[index["ticket classifier"] + 1]
    assert "↗" in lines[index["chat assistant"] + 1] and "↗" in lines[index["coding agent"] + 1]
    assert session.portfolio_growth() is growth, "kept until an input changes"


async def test_the_panel_shows_the_fitted_growth(tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "portfolio.toml"
    shutil.copy(Path(__file__).resolve().parents[1] / "examples" / "session-portfolio.toml", path)
    app = KickoffApp("open", path, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "WizardScreen"
        for _ in range(3):
            await workers_done(app)
            await pilot.pause()
        text = str(app.screen.query_one("#portfolio").render())
        assert "↗ +3.0%/mo" in text and "outgrown in month" in text and "runs out in month" in text


async def test_the_apps_own_clipboard_pastes_through_the_same_rule() -> None:
    from kickoff_tui.app.widgets.field import Field
    from kickoff_tui.record.workloads import pasted_answer_text

    from textual.app import App

    class One(App):
        def compose(self):  # noqa: ANN202
            yield Field(id="f", paste=lambda text: pasted_answer_text("history", text))

    app = One()
    async with app.run_test() as pilot:
        field = app.query_one(Field)
        field.focus()
        app.copy_to_clipboard("41000\n45500\n52000")
        field.action_paste()
        await pilot.pause()
        assert field.value == "41000; 45500; 52000"
