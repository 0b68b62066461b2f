"""Pilot tests: the workloads list of a portfolio session in the wizard."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual.widgets import Button, Input, OptionList  # noqa: E402

from kickoff_tui.app import KickoffApp  # noqa: E402

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
        await app.workers.wait_for_complete()
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
