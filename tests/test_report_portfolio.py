"""The Markdown report of a portfolio session: cost, growth, sensitivity and deployment for the
whole shared fleet; a session of one workload keeps exactly the single-workload report."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kickoff_tui.record import Session, load_session
from kickoff_tui.record.example import stepping_clock
from kickoff_tui.record.markdown import report_markdown, session_markdown, session_parts

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CHARTS = {"cost": "c/cost.svg", "growth": "c/growth.svg", "sensitivity": "c/sensitivity.svg"}


@pytest.fixture(scope="module")
def portfolio() -> tuple[Session, str, dict[str, str]]:
    session = load_session(EXAMPLES / "session-portfolio.toml")
    text, svgs = report_markdown(session, CHARTS)
    return session, text, svgs


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else None]


def test_the_memo_asks_for_the_shared_fleet_not_for_the_first_workload(portfolio) -> None:
    session, text, _svgs = portfolio
    memo = section(text, "## Decision memo")
    spec = session.portfolio_spec()
    assert spec is not None and spec.fleet is not None
    bought = sum(p.gpus_bought for p in spec.fleet.pools)
    assert f"**{bought} GPUs**" in memo and "### Sized fleet" in memo
    for name in session.workload_names():
        assert f"| {name} |" in memo
    first = session.spec(session.workloads[0].name)
    assert first is not None
    assert f"Approve **{first.total_gpus} x" not in memo, "the first workload's own ask"
    assert "### Monthly cost per price basis" not in memo and "![" not in memo
    assert "Sign-off: IT: signed off by" in memo


def test_the_cost_section_is_the_shared_fleets_with_each_workloads_own(portfolio) -> None:
    from kickoff_tui.planning import cost_report
    from kickoff_tui.planning.markdown import monthly_cost
    from kickoff_tui.record.portfolio import demands

    session, text, _ = portfolio
    spec = session.portfolio_spec()
    fleet = spec.fleet
    cost = section(text, "## Cost of the shared fleet")
    assert f"**${fleet.cost_per_month:,.0f}/month**" in cost
    assert f"{spec.separate_gpus} GPUs" in cost
    total = 0.0
    for demand, sizing in zip(demands(session.portfolio()), spec.workloads, strict=True):
        report = cost_report(sizing.spec, demand.inputs.model_copy(update={"gpu": sizing.gpu}),
                             session.planning().cost)
        month = monthly_cost(report)
        total += month
        assert re.search(rf"\| {re.escape(demand.name)} \| {report.total_gpus} \| .* \| \${month:,.0f} \|", cost), demand.name
    assert "| **sum of the workloads** | " in cost and f"${total:,.0f}" in cost
    # the single-workload sections (the first workload alone) are gone
    assert "\n## Cost (" not in text and "\n## Growth\n" not in text and "\n## Deployment\n" not in text
    assert "\n## Sensitivity (" not in text
    # the per-workload cost table sits in the Cost section, not twice
    assert text.count("sum of the workloads") == 1 and "#### Cost per workload" not in text


def test_growth_is_given_per_workload_with_the_fit_and_the_month_the_fleet_runs_out(portfolio) -> None:
    session, text, _ = portfolio
    growth_text = section(text, "## Growth per workload")
    growth = session.portfolio_growth()
    assert growth is not None
    for row in growth.workloads:
        assert f"| {row.name} | " in growth_text
        if row.fit is not None:
            assert row.fit.describe() in growth_text
            assert f"month {row.outgrows_month}" in growth_text
    assert f"runs out in **month {growth.fleet_outgrows_month}**" in growth_text
    # the first table stands each workload alone at the answered rate, and says so: it read
    # "GPUs sized 16 / no growth rate given" above a fit of +3%/month on the fleet's 10 GPUs
    assert "as if it were bought on its own" in growth_text and "GPUs sized" not in growth_text
    assert "no growth rate given" not in growth_text
    for row in growth.workloads:
        line = next(ln for ln in growth_text.splitlines() if ln.startswith(f"| {row.name} | ")
                    and "answered" in ln)
        assert ("(fit below)" in line) == (row.fit is not None), line


def test_sensitivity_is_the_whole_fleets(portfolio) -> None:
    from kickoff_tui.planning.fleet import fleet_sensitivity
    from kickoff_tui.record.portfolio import demands

    session, text, _ = portfolio
    spec = session.portfolio_spec()
    table = section(text, "## Sensitivity of the shared fleet")
    bought = sum(p.gpus_bought for p in spec.fleet.pools)
    assert f"({bought} GPUs bought in whole units on {spec.fleet.label}" in table
    for name in session.workload_names() + ["platform (IT)"]:
        assert f"| {name} | " in table, name
    work = demands(session.portfolio())
    report = fleet_sensitivity(work, spec, 2)  # the coding agent
    assert report.baseline_gpus == bought, "counted on the whole fleet, not the workload alone"
    row = next(r for r in report.rows if r.field == "tpot_target_ms")
    assert f"{row.low.value}: {row.low.total_gpus} ({row.low.delta:+d})" in table


def test_the_deployment_files_are_listed_per_workload(portfolio) -> None:
    _, text, svgs = portfolio
    deploy = section(text, "## Deployment (one folder per workload)")
    for folder in ("chat-assistant", "ticket-classifier", "coding-agent"):
        assert f"`{folder}/`" in deploy
    assert deploy.count("`kubernetes.yaml`") == 3
    assert set(svgs) == set(), "no chart of the first workload alone in a portfolio report"
    assert "c/growth.svg" not in text and "c/sensitivity.svg" not in text


def test_a_fleet_of_one_workload_moves_as_the_workload_alone() -> None:
    """With one workload the fleet is the workload's own spec, so its sensitivity is the
    single-workload sensitivity, row for row."""
    from kickoff_tui.commands.sizing import load_inputs
    from kickoff_tui.planning import sensitivity
    from kickoff_tui.planning.fleet import fleet_sensitivity
    from kickoff_tui.record.portfolio import demands, portfolio_of_one
    from kickoff_tui.sizing.portfolio import size_portfolio

    inputs, _ = load_inputs(str(EXAMPLES / "chat-assistant.toml"))
    inputs = inputs.model_copy(update={"gpu": "h100-sxm"})
    portfolio = portfolio_of_one(inputs)
    work = demands(portfolio)
    spec = size_portfolio(work, portfolio.platform.gpu_candidates)
    fleet = fleet_sensitivity(work, spec, 0)
    alone = sensitivity(spec.workloads[0].spec, inputs)
    key = lambda r: (r.field, r.low and r.low.total_gpus, r.high and r.high.total_gpus)  # noqa: E731
    assert sorted(map(key, fleet.rows)) == sorted(map(key, (r for r in alone.rows if r.field not in
                                                              ("rack_power_kw", "gpus_per_node"))))


# --- a session of one workload: the report as before -------------------------------------------


def one_named_workload() -> Session:
    s = Session.new("One", participants=[("Dana", "app_owner"), ("Sam", "ai_team"), ("Priya", "it")],
                    clock=stepping_clock(datetime(2026, 1, 15, 9, tzinfo=timezone.utc), timedelta(minutes=1)),
                    session_id="one")
    s.record_answer("gpu", "h100-sxm", "Priya", "it")
    s.add_workload("chat", "Dana", by_role="app_owner")
    s.record_answer("model", "llama-3.1-8b", "Sam", "ai_team", workload="chat")
    s.record_answer("peak_concurrency", 64, "Dana", "app_owner", workload="chat")
    return s


def single_workload_report(session: Session) -> tuple[str, dict[str, str]]:
    """The report exactly as it was built before portfolios had their own planning sections."""
    from kickoff_tui.planning.markdown import chart_svgs, markdown_sections

    parts = session_parts(session)
    svgs = chart_svgs(parts)
    links = {k: v for k, v in CHARTS.items() if k in svgs}
    detail = {k: v for k, v in links.items() if k != "cost"}
    planning = markdown_sections(parts.spec, parts.inputs, parts=parts, charts=detail)
    return session_markdown(session, planning=planning, parts=parts, charts=links), svgs


@pytest.mark.parametrize("make", [one_named_workload,
                                  lambda: load_session(EXAMPLES / "session-support-assistant.toml")],
                         ids=["one named workload", "no named workload"])
def test_a_session_of_one_workload_keeps_its_report_byte_for_byte(make) -> None:
    session = make()
    text, svgs = report_markdown(session, CHARTS)
    assert (text, svgs) == single_workload_report(session)
    assert "shared fleet (" not in text.lower() and "one folder per workload" not in text
    assert {"cost", "sensitivity"} <= set(svgs), "the charts of the single-workload sections"


def test_the_reports_gpu_counts_say_needed_or_bought(portfolio) -> None:
    """The fleet table's "GPUs alone" (needed: 10, 3, 18) and the cost table's "GPUs" (bought in
    each workload's own whole nodes: 16, 8, 24) read as one figure that disagreed with itself."""
    session, text, _ = portfolio
    assert "| GPUs needed alone | Alone per month (GPU rent, whole units) |" in text
    assert "| Workload | GPUs bought alone | SKU |" in text
    spec = session.portfolio_spec()
    assert (f"Each workload's own replicas at its own peak, racked together, would need "
            f"{spec.separate_gpus} GPUs") in text


def test_the_memo_names_a_fleet_that_runs_out_before_the_next_review(portfolio) -> None:
    """The growth section said the shared fleet runs out in month 2; the memo's open risks, read
    by whoever approves the order, did not."""
    session, text, _ = portfolio
    growth = session.portfolio_growth()
    assert growth is not None and growth.fleet_outgrows_month is not None
    memo = section(text, "## Decision memo")
    risks = memo[memo.index("### Open risks"):memo.index("### Next actions")]
    assert (f"**Growth:** the shared fleet runs out at the fitted growth rates in "
            f"**month {growth.fleet_outgrows_month}**, before the next review (quarterly: month 3)") in risks


def test_a_single_deployment_whose_headroom_runs_out_before_review_is_a_memo_risk() -> None:
    """The support example's headroom lasts 15 months: no growth risk. At 40% a month it runs
    out before the quarterly review, and the memo says so."""
    single = load_session(EXAMPLES / "session-support-assistant.toml")
    text, _ = report_markdown(single, {})
    assert "**Growth:**" not in section(text, "## Decision memo")
    name, role = "Dana Okafor", "app_owner"
    single.record_answer("monthly_traffic_growth", 40, name, role, "launch to every region")  # percent
    text, _ = report_markdown(single, {})
    memo = section(text, "## Decision memo")
    assert "**Growth:** the growth headroom runs out at the expected growth in **month " in memo
    assert "before the next review (quarterly: month 3)" in memo


def test_the_fleet_ask_says_what_its_figure_counts_and_checks_it_against_the_budget(portfolio) -> None:
    """The fleet's ask is GPU rent only (the single-workload memo includes staff): it says so, and
    measures it against IT's answered $80,000/month budget."""
    session, text, _ = portfolio
    memo = section(text, "## Decision memo")
    fleet = session.portfolio_spec().fleet
    assert "(GPU rent, operations staff not included;" in memo
    assert f"Against IT's budget of $80,000/month (GPU rent): ${80000 - fleet.cost_per_month:,.0f} under." in memo
