"""One monthly cost: the live spec panel, the Plan tab and the Markdown export agree (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("textual")

from kickoff_tui.app.demo import DEMO_PEOPLE, answered_wizard, demo_app, settle  # noqa: E402
from kickoff_tui.app.format import money  # noqa: E402
from kickoff_tui.planning.cost import cost_report, monthly_cost, spec_monthly_cost  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KICKOFF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


async def test_spec_panel_and_plan_tab_show_one_monthly_cost_and_name_its_basis() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await answered_wizard(pilot)
        session = app.controller.require()
        name, role = DEMO_PEOPLE[2]
        session.record_answer("price_basis", "purchase", name, role, "we own our racks")
        app.screen._refresh_results()  # type: ignore[attr-defined]
        await settle(pilot)
        spec = session.spec()
        expected = spec_monthly_cost(spec, session.sizing_inputs(), session.planning().cost)
        assert expected is not None and expected.value is not None
        assert expected.basis.startswith("buy, ") and "incl. power and staff" in expected.basis
        report = cost_report(spec, session.sizing_inputs(), session.planning().cost)
        assert expected.value == pytest.approx(report.chosen.per_month.value
                                               + report.staff_per_month.value)
        panel = str(app.screen.query_one("#spec").render())
        assert money(expected.value) in panel and "depreciation" in panel
        await pilot.press("ctrl+r")
        await settle(pilot)
        app.screen.query_one("#review-tabs").active = "tab-plan"  # type: ignore[attr-defined]
        await settle(pilot)
        plan = str(app.screen.query_one("#plan-cost").render())
        assert money(expected.value) in plan and expected.basis in plan


def test_rent_basis_is_named_and_the_markdown_export_agrees() -> None:
    from kickoff_tui.planning.markdown import cost_markdown
    from kickoff_tui.record import load_session

    session = load_session(Path(__file__).resolve().parents[1] / "examples" / "session-support-assistant.toml")
    spec = session.spec()
    report = cost_report(spec, session.sizing_inputs(), session.planning().cost)
    month = monthly_cost(report, session.planning().cost)
    assert month.basis.endswith("rent, incl. staff")
    text = "\n".join(cost_markdown(report, spec, overrides=session.planning().cost))
    assert f"({month.basis})" in text


async def test_the_skus_tab_names_the_engine_build_of_each_row() -> None:
    """The comparison sizes each SKU with the answered engine in its vendor's build; the SKUs
    tab says which (vLLM (ROCm) on an AMD row, vLLM (CUDA) on an NVIDIA one)."""
    from textual.widgets import DataTable

    from kickoff_tui.record.text import engine_words

    app = demo_app()
    async with app.run_test(size=(160, 40), notifications=False) as pilot:
        await answered_wizard(pilot)
        spec = app.controller.spec()
        await pilot.press("ctrl+r")
        await settle(pilot)
        app.screen.query_one("#review-tabs").active = "tab-skus"  # type: ignore[attr-defined]
        await settle(pilot)
        table = app.screen.query_one("#review-skus", DataTable)
        assert [str(c.label) for c in table.columns.values()][:3] == ["SKU", "Fits", "Engine"]
        shown = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        builds = {engine_words(o.engine) for o in spec.comparison if o.engine}
        assert builds == shown - {""} and {"vLLM (CUDA)", "vLLM (ROCm)"} <= builds
