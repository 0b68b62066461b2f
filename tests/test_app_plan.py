"""The review screen's Plan tab: cost, growth and sensitivity computed off the UI thread, the
deployment export through the folder dialog, and the planning sections in the Markdown export."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual.widgets import DataTable, Input, Static  # noqa: E402

from kickoff_tui.app.demo import DEMO_PEOPLE, demo_app, record_demo_answers, settle, workers_done  # noqa: E402
from kickoff_tui.app.plan import PlanReports, plan_cost  # noqa: E402
from kickoff_tui.app.widgets.charts import (  # noqa: E402
    GrowthBars,
    SensitivityBars,
    render_growth,
    render_sensitivity,
)
from kickoff_tui.planning import PlanningOverrides, growth_report, sensitivity  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KICKOFF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def review(pilot) -> None:  # type: ignore[no-untyped-def]
    """Straight to the review screen of the demo session (no typing through the wizard)."""
    from kickoff_tui.app.screens.review import ReviewScreen

    app = pilot.app
    await settle(pilot)
    session = app.controller.new_session()
    for name, role in DEMO_PEOPLE:
        session.add_participant(name, role)
    record_demo_answers(app)
    app.push_screen(ReviewScreen())
    await pilot.pause()
    assert type(app.screen).__name__ == "ReviewScreen"


def _text(widget: object) -> str:
    return str(widget.render())  # type: ignore[attr-defined]


async def test_plan_tab_shows_cost_growth_and_sensitivity() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await review(pilot)
        screen = app.screen
        screen.query_one("#review-tabs").active = "tab-plan"
        await workers_done(app)
        await pilot.pause()

        # Model state first: the reports the screen holds are the planning layer's own.
        session = app.controller.require()
        spec, inputs = session.spec(), session.sizing_inputs()
        plan: PlanReports = screen.plan
        assert not plan.pending and not plan.error
        assert plan.cost is not None and plan.cost.total_gpus == spec.gpus_bought  # cost counts whole units bought
        assert plan.cost.chosen.per_month is not None and plan.cost.chosen.per_month.value > 0
        buy = plan.cost.option("buy")
        assert buy.available and buy.break_even_utilisation is not None
        assert plan.growth == growth_report(spec, inputs, session.planning().growth)
        assert plan.growth.monthly_rate is not None and plan.growth.monthly_rate.value == 0.03
        month = plan.growth.out_of_headroom_month
        assert month is not None and month.value is not None
        expected = sensitivity(spec, inputs)
        assert plan.sensitivity is not None
        assert [r.field for r in plan.sensitivity.rows] == [r.field for r in expected.rows]

        # Then what the room sees.
        cost_text = _text(screen.query_one("#plan-cost", Static))
        assert "per month" in cost_text and "per million output tokens" in cost_text
        options = screen.query_one("#plan-options", DataTable)
        assert options.row_count == len(plan.cost.options)
        head = _text(screen.query_one("#plan-growth-head", Static))
        assert f"month {month.value:.0f}" in head
        growth = _text(screen.query_one("#plan-growth", GrowthBars))
        assert "│" in growth and "over" in growth
        bars = _text(screen.query_one("#plan-sensitivity", SensitivityBars))
        top = expected.rows[0].field.replace("_", " ")
        assert bars.splitlines()[0].startswith(top)

        # Nothing changed: refreshing does not start another computation.
        screen.refresh_all()
        assert screen.plan is plan


async def test_deployment_files_and_markdown_with_planning_sections(tmp_path: Path) -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30), notifications=False) as pilot:
        await review(pilot)
        screen = app.screen
        screen.query_one("#review-tabs").active = "tab-plan"
        await pilot.pause()
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert type(app.screen).__name__ == "FolderDialog"
        field = app.screen.query_one("#folder-path", Input)
        session_id = app.controller.require().id
        assert field.value.endswith(f"{session_id}-deploy")

        blocker = tmp_path / "a-file"
        blocker.write_text("x", "utf-8")
        field.value = str(blocker)
        await pilot.press("enter")  # a file is not a folder: refused, dialog stays
        await pilot.pause()
        assert "Not a folder" in _text(app.screen.query_one("#folder-error", Static))

        target = tmp_path / "deploy" / "here"
        field.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        names = {p.name for p in target.iterdir()}
        assert {"vllm-serve.sh", "kubernetes.yaml", "hpa.yaml", "prometheus-rules.yaml",
                "README.md"} <= names
        assert "--tensor-parallel-size" in (target / "vllm-serve.sh").read_text("utf-8")
        assert "wrote" in _text(screen.query_one("#plan-deploy-status", Static))

        await pilot.press("ctrl+y")  # Markdown export runs in a worker
        await workers_done(app)
        await pilot.pause()
    report = (tmp_path / f"{session_id}.md").read_text("utf-8")
    assert "## Decision log" in report
    for heading in ("## Cost (", "## Growth", "## Sensitivity (", "## Deployment"):
        assert heading in report, heading


def test_nothing_to_plan_without_a_spec_and_charts_say_computing() -> None:
    from kickoff_tui.sizing import SizingInputs

    empty = plan_cost(None, SizingInputs(), PlanningOverrides(), "no model chosen")
    assert empty.cost is None and not empty.pending and "no model chosen" in empty.error
    assert "computing" in str(render_growth(None, True, "", 60))
    assert "computing" in str(render_sensitivity(None, True, "", 60))
    assert "✗" in str(render_sensitivity(None, False, "not feasible", 60))


async def test_deployment_files_already_there_are_replaced_only_after_asking(tmp_path: Path) -> None:
    """Issue 15: the app asks before overwriting deployment files (the CLI needs --force)."""
    app = demo_app()
    target = tmp_path / "deploy"
    async with app.run_test(size=(100, 30), notifications=False) as pilot:
        await review(pilot)
        screen = app.screen
        assert screen.export_deployment(target)  # first time: written without a question
        readme = target / "README.md"
        readme.write_text("kept", "utf-8")
        assert screen.export_deployment(target) == []
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("enter")  # the focus is on Cancel
        await pilot.pause()
        assert app.screen is screen and readme.read_text("utf-8") == "kept"
        assert "Nothing written" in _text(screen.query_one("#plan-deploy-status", Static))
        screen.export_deployment(target)
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert app.screen is screen and readme.read_text("utf-8") != "kept"
