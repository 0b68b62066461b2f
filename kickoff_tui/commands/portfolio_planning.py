"""``kickoff cost / growth / sensitivity`` on a portfolio (a portfolio file, or a session with
two or more workloads): the planning report of each workload on the SKU the shared fleet gives
it, then the fleet's own figure.

Each workload's cost, growth and sensitivity are those of its own deployment (what it would
cost, when it would outgrow its replicas, what moves its GPU count); the shared fleet is
cheaper than their sum when workloads share replicas or their peaks do not coincide, and the
tables say by how much. Exit codes as the single-workload commands: 1 when no fleet serves
every workload, 2 for bad input.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from kickoff_tui.commands import json_output
from kickoff_tui.errors import KickoffError


@dataclass
class PortfolioPlan:
    title: str
    spec: Any
    """The PortfolioSpec."""
    workloads: list[tuple[str, Any, Any]]
    """(name, inputs pinned to the workload's SKU, its SizedSpec on that SKU)."""
    overrides: Any
    """PlanningOverrides (a session's planning answers; defaults for a portfolio file)."""
    histories: list[list[float] | None]
    demands: list[Any]


def load_plan(path: str, planning_path: str | None = None, gpu: str | None = None) -> PortfolioPlan:
    from pydantic import ValidationError

    from kickoff_tui.commands.portfolio import fleet_or_fail, load_portfolio
    from kickoff_tui.commands.sizing import read_toml
    from kickoff_tui.planning import PlanningOverrides
    portfolio = load_portfolio(path)
    data = read_toml(path)
    planning: dict[str, Any] = {}
    if "questionnaire_id" in data:  # a session: its planning answers and scorecard
        from pathlib import Path

        from kickoff_tui.record import load_session

        planning = load_session(Path(path)).planning().model_dump(exclude_none=True)
    if planning_path:
        from kickoff_tui.commands.planning import _merge, planning_file_table

        extra = read_toml(planning_path)
        planning = _merge(planning, planning_file_table(extra, planning_path))
    try:
        overrides = PlanningOverrides.model_validate(planning)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KickoffError(f"{planning_path or path}: planning.{where}: {first['msg']}") from None
    work, spec = fleet_or_fail(path, portfolio, gpu)
    rows = []
    for demand, sizing in zip(work, spec.workloads, strict=True):
        assert sizing.spec is not None
        rows.append((demand.name, demand.inputs.model_copy(update={"gpu": sizing.gpu}), sizing.spec))
    return PortfolioPlan(title=portfolio.title or path, spec=spec, workloads=rows, overrides=overrides,
                         histories=[w.history for w in portfolio.workloads], demands=work)


def _console():
    from kickoff_tui.commands.sizing import _console as console

    return console()


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.0f}"


def _fleet_line(plan: PortfolioPlan) -> str:
    fleet = plan.spec.fleet
    spec = plan.spec
    return (f"Shared fleet {fleet.label}: {fleet.total_gpus} GPUs, {_money(fleet.cost_per_month)}/month at "
            f"the platform's price basis; each workload's own replicas at its own peak would need {spec.separate_gpus} GPUs "
            f"({_money(spec.separate_cost_per_month)}/month).")


# --- cost ---------------------------------------------------------------------------------------


def cmd_cost(args: argparse.Namespace) -> int:
    from rich.table import Table

    from kickoff_tui.planning import cost_report
    from kickoff_tui.planning.markdown import monthly_cost
    from kickoff_tui.record.text import plain_markup_safe as escape

    plan = load_plan(args.file, args.planning, args.gpu)
    reports = [(name, cost_report(spec, inputs, plan.overrides.cost)) for name, inputs, spec in plan.workloads]
    if args.json:
        print(json_output.dumps({
            "schema_version": json_output.SCHEMA_VERSION, "portfolio": plan.title,
            "fleet": plan.spec.fleet.model_dump(mode="json"),
            "workloads": [{"name": n, "cost": r.model_dump(mode="json")} for n, r in reports],
        }, indent=2))
        return 0
    console = _console()
    table = Table(title=f"Cost per workload: {escape(plan.title)} (each workload's own deployment)",
                  title_justify="left")
    for col in ("workload", "GPUs", "SKU", "chosen basis", "per month", "cheapest basis", "cheapest per month"):
        table.add_column(col, justify="right" if "month" in col or col == "GPUs" else "left")
    total = 0.0
    complete = True
    for name, report in reports:
        chosen_month = monthly_cost(report)
        cheapest_month = monthly_cost(report, report.cheapest_option) if report.cheapest_option else None
        if chosen_month is None:
            complete = False
        else:
            total += chosen_month
        table.add_row(escape(name), str(report.total_gpus), escape(report.gpu_name), escape(report.chosen_option),
                      _money(chosen_month), escape(report.cheapest_option or "-"), _money(cheapest_month))
    table.add_row("[b]sum of the workloads[/]", str(sum(r.total_gpus for _, r in reports)), "", "",
                  _money(total) if complete else "-", "", "")
    console.print(table)
    console.print(escape(_fleet_line(plan)))
    console.print("Per month: GPUs plus the operations staff of each deployment run alone (the "
                  "fleet line is GPU rent only); `kickoff cost` on a single workload shows every "
                  "figure's trace.")
    return 0


# --- growth -------------------------------------------------------------------------------------


def cmd_growth(args: argparse.Namespace) -> int:
    from rich.table import Table

    from kickoff_tui.commands.planning import growth_settings
    from kickoff_tui.planning import growth_report
    from kickoff_tui.planning.history import DEFAULT_HORIZON_MONTHS, portfolio_growth
    from kickoff_tui.record.text import plain_markup_safe as escape

    plan = load_plan(args.file, args.planning, args.gpu)
    growth = growth_settings(plan.overrides.growth, args)
    reports = [(name, growth_report(spec, inputs, growth)) for name, inputs, spec in plan.workloads]
    history = portfolio_growth(plan.demands, plan.spec, plan.histories,
                               growth.months or DEFAULT_HORIZON_MONTHS)
    if args.json:
        print(json_output.dumps({
            "schema_version": json_output.SCHEMA_VERSION, "portfolio": plan.title,
            "workloads": [{"name": n, "growth": r.model_dump(mode="json")} for n, r in reports],
            "history": history.model_dump(mode="json") if history else None,
        }, indent=2))
        return 0
    from kickoff_tui.record.portfolio_markdown import GROWTH_ALONE_CAPTION, GROWTH_ALONE_COLUMNS, growth_alone_row

    console = _console()
    table = Table(title=f"Growth per workload: {escape(plan.title)}", title_justify="left",
                  caption=escape(GROWTH_ALONE_CAPTION), caption_justify="left")
    for col in GROWTH_ALONE_COLUMNS:
        table.add_column(col)
    fitted = {w.name for w in history.workloads if w.fit is not None} if history is not None else set()
    for name, r in reports:
        table.add_row(*(escape(cell) for cell in growth_alone_row(name, r, name in fitted)))
    console.print(table)
    if history is not None:
        from kickoff_tui.commands.portfolio import print_growth

        print_growth(history)
    console.print(escape(_fleet_line(plan)))
    return 0


# --- sensitivity --------------------------------------------------------------------------------


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from rich.table import Table

    from kickoff_tui.planning import sensitivity
    from kickoff_tui.record.text import plain_markup_safe as escape

    plan = load_plan(args.file, args.planning, args.gpu)
    reports = [(name, sensitivity(spec, inputs)) for name, inputs, spec in plan.workloads]
    if args.json:
        print(json_output.dumps({
            "schema_version": json_output.SCHEMA_VERSION, "portfolio": plan.title,
            "workloads": [{"name": n, "sensitivity": r.model_dump(mode="json")} for n, r in reports],
        }, indent=2))
        return 0
    console = _console()
    table = Table(title=f"Sensitivity per workload (each input -50% / +50%, switches flipped; top "
                        f"{args.top} per workload)", title_justify="left")
    for col in ("workload", "input", "owner", "base", "-50%", "+50% / flipped"):
        table.add_column(col, overflow="fold")

    from kickoff_tui.commands.planning import sensitivity_side as side

    for name, report in reports:
        for i, row in enumerate(report.rows[: args.top]):
            table.add_row(escape(name) if i == 0 else "", escape(row.field), escape(row.owner),
                          escape(row.base + (" (assumed)" if row.assumed else "")), side(row.low), side(row.high))
    console.print(table)
    console.print(escape(_fleet_line(plan)))
    return 0
