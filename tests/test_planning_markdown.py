"""The Markdown sections the export appends."""

from __future__ import annotations

from test_planning_helpers import make_spec

from kickoff_tui.planning import (
    CostOverrides,
    GrowthSettings,
    PlanningOverrides,
    Scorecard,
    markdown_sections,
)
from kickoff_tui.planning.business import BusinessCase
from kickoff_tui.sizing import SizingInputs, size


def test_all_sections_from_a_real_spec():
    inputs = SizingInputs(model="llama-3.1-8b", gpu="l40s", peak_concurrency=40, burst_factor=2.0)
    spec = size(inputs)
    plan = PlanningOverrides(
        cost=CostOverrides(managed_api_usd_per_million_output_tokens=2.0),
        growth=GrowthSettings(monthly_rate=0.05, months=12),
        business=BusinessCase(value_per_request_usd=0.01),
        scorecard=Scorecard.seed_example(),
    )
    text = markdown_sections(spec, inputs, plan)
    for heading in (
        "## Cost",
        "## Business case",
        "## Growth",
        "## Sensitivity",
        "## Provider scorecard",
        "## Deployment",
    ):
        assert heading in text
    assert "| on-demand" in text and "break-even" in text
    assert "Runs out of headroom" in text and "```" in text
    assert "vllm serve" in text and "--max-num-seqs" in text
    assert "Managed API comparison" in text


def test_cost_overrides_alone_are_accepted_and_infeasible_specs_say_why():
    inputs = SizingInputs(model="llama-3.1-8b", gpu="l40s", peak_concurrency=10)
    spec = size(inputs)
    text = markdown_sections(spec, inputs, CostOverrides(pue=1.2), include_sensitivity=False)
    assert "## Cost" in text and "## Sensitivity" not in text
    bad = make_spec(feasible=False, infeasible_reason="weights do not fit")
    text = markdown_sections(bad, SizingInputs(), None)
    assert "not feasible (weights do not fit)" in text and "## Cost (" not in text


def test_table_cells_escape_pipes():
    from kickoff_tui.planning.markdown import _table

    row = _table(["a"], [["x | y"]])[-1]
    assert row == "| x \\| y |"
