"""``kickoff portfolio FILE``: several workloads on one shared fleet.

Prints the per-workload breakdown, the shared fleet (one SKU or a two-SKU mix), what sharing
replicas and non-coinciding peaks save, the model mix under a budget and the growth from
history. ``kickoff size FILE`` routes a portfolio file here too.

Exit codes: 0 ok; 1 infeasible (no fleet serves every workload, or nothing fits the budget);
2 bad input (a broken or hostile file, an unknown id, a bad option).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from kickoff_tui.commands import json_output
from kickoff_tui.errors import KickoffError
from kickoff_tui.sizing.spec import short_layout


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("portfolio", help="size several workloads on one shared fleet",
                       description="Size a portfolio file (examples/portfolio.toml): per-workload "
                       "replicas, the shared fleet, consolidation savings, the model mix under a "
                       "budget and growth from history. A single-workload sizing file or session "
                       "is read as a portfolio of one.")
    p.add_argument("file", help="portfolio TOML (or a single-workload sizing file / session)")
    p.add_argument("--budget", type=float, metavar="USD",
                   help="monthly budget for the model-mix optimiser (overrides the file's)")
    p.add_argument("--gpu", help="fix the SKU for every workload (a catalog id)")
    p.add_argument("--json", action="store_true", help="print everything as JSON")
    p.set_defaults(func=cmd_portfolio)


# ----------------------------------------------------------------------------------------------
# loading
# ----------------------------------------------------------------------------------------------


def is_portfolio_file(path: str) -> bool:
    """True when the file parses as TOML with a top-level ``workloads`` key (else the caller
    reads it as today's single-workload file and reports its own errors)."""
    from kickoff_tui.commands.sizing import read_toml
    from kickoff_tui.record.portfolio import is_portfolio_data

    try:
        data = read_toml(path)
    except KickoffError:
        return False
    return is_portfolio_data(data) or is_portfolio_session_data(data)


def is_portfolio_session_data(data) -> bool:  # noqa: ANN001 - parsed TOML
    """A session file naming two or more workloads (one named workload is sized, printed and
    deployed exactly like a single-workload session)."""
    rows = data.get("workloads") if isinstance(data, dict) else None
    return isinstance(rows, list) and len(rows) >= 2 and "questionnaire_id" in data


def load_portfolio(path: str):
    """A portfolio file, or a single-workload sizing file / session wrapped as a portfolio of one."""
    from kickoff_tui.commands.sizing import load_inputs, read_toml
    from kickoff_tui.record.portfolio import (
        PortfolioError,
        is_portfolio_data,
        portfolio_from_data,
        portfolio_of_one,
        unknown_ids,
    )

    data = read_toml(path)
    try:
        if is_portfolio_data(data):
            portfolio = portfolio_from_data(data, base_dir=Path(path).parent)
        else:
            inputs, session = load_inputs(path)
            title = data.get("title") if isinstance(data.get("title"), str) else None
            if session is not None:
                title = getattr(session, "title", None) or title
            if session is not None and session.workloads:  # a portfolio session: every workload
                portfolio = session.portfolio()
            else:
                portfolio = portfolio_of_one(inputs, title=title)
    except PortfolioError as err:
        raise KickoffError(f"{path}: {err}") from None
    problem = unknown_ids(portfolio)
    if problem:
        raise KickoffError(f"{path}: {problem}")
    return portfolio


# ----------------------------------------------------------------------------------------------
# the command
# ----------------------------------------------------------------------------------------------


def cmd_portfolio(args: argparse.Namespace) -> int:
    budget = getattr(args, "budget", None)
    if budget is not None and not (math.isfinite(budget) and 0 < budget <= 1e10):
        raise KickoffError("--budget must be a monthly amount in USD, greater than 0")
    return run(args.file, as_json=args.json, budget=budget, gpu=getattr(args, "gpu", None),
               shown=getattr(args, "stdin_label", None))


def run(path: str, as_json: bool = False, budget: float | None = None, gpu: str | None = None,
        title: str | None = None, shown: str | None = None) -> int:
    """Size and print a portfolio; ``shown`` is the file's name as the user gave it (``<stdin>``)."""
    from kickoff_tui.catalog import CatalogError, get_gpu
    from kickoff_tui.planning.history import DEFAULT_HORIZON_MONTHS, portfolio_growth
    from kickoff_tui.record.portfolio import demands, mix_options
    from kickoff_tui.sizing.portfolio import MixTooLarge, Sizings, optimise_mix, size_portfolio

    portfolio = load_portfolio(path)
    candidates = portfolio.platform.gpu_candidates
    if gpu and gpu != "recommend":
        try:
            get_gpu(gpu)
        except CatalogError as err:
            raise KickoffError(f"--gpu: {err}") from None
        candidates = [gpu]
    budget = budget if budget is not None else portfolio.budget_usd_per_month
    sizings = Sizings()
    work = demands(portfolio)
    try:
        spec = size_portfolio(work, candidates, sizings)
        mix = None
        if budget is not None:
            mix = optimise_mix(work, mix_options(portfolio), budget, candidates, sizings)
        growth = portfolio_growth(work, spec, [w.history for w in portfolio.workloads],
                                  portfolio.growth_months or DEFAULT_HORIZON_MONTHS, sizings)
    except MixTooLarge as err:
        raise KickoffError(f"{path}: {err}") from None
    except CatalogError as err:
        raise KickoffError(f"{path}: {err}") from None
    code = 0 if spec.feasible and (mix is None or mix.feasible) else 1
    if as_json:
        out: dict[str, Any] = {
            "schema_version": json_output.SCHEMA_VERSION, "title": portfolio.title, "portfolio": spec.model_dump(mode="json"),
            "mix": mix.model_dump(mode="json") if mix else None,
            "growth": growth.model_dump(mode="json") if growth else None,
        }
        print(json_output.dumps(out, indent=2))
        return code
    print_portfolio(spec, portfolio, title=title or f"Portfolio {portfolio.title or shown or path}")
    if mix is not None:
        print_mix(mix)
    if growth is not None:
        print_growth(growth)
    return code


# ----------------------------------------------------------------------------------------------
# printing
# ----------------------------------------------------------------------------------------------


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.0f}"


def print_portfolio(spec, portfolio, title: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    from kickoff_tui.commands.sizing import _console, _fmt
    from kickoff_tui.record.text import clip, cooling_words

    console = _console()
    table = Table(title=f"{escape(title)}: workloads", title_justify="left")
    for col in ("workload", "model", "SKU", "peak in flight", "replicas", "GPUs", "alone $/month",
                "peak hours", "shares with", "bound"):
        table.add_column(col, justify="right" if col in ("GPUs", "alone $/month", "peak in flight") else "left")
    for w in spec.workloads:
        if not w.feasible:
            table.add_row(escape(w.name), w.model, w.gpu, "", "", "", "", w.peak_hours, "",
                          f"[red]cannot serve[/]: {escape(clip(w.reason, 80))}")
            continue
        layout = short_layout(w.layout)
        replicas = f"{w.replicas} x {layout} ({w.concurrency_per_replica} each)"
        peak = w.peak_hours
        if w.off_peak_gpus is not None:
            peak += f" (off: {w.off_peak_gpus} GPUs)"
        table.add_row(escape(w.name), escape(f"{w.model} ({w.precision})"), w.gpu, _fmt(w.peak_concurrency), replicas,
                      _fmt(w.total_gpus),
                      _money(w.cost_per_month), peak, escape(", ".join(w.shares_with)) or "-",
                      w.binding_constraint)
    console.print(table)
    if not spec.feasible or spec.fleet is None:
        console.print(f"[red]No feasible fleet:[/] {escape(spec.infeasible_reason)}")
    else:
        fleet = spec.fleet
        table = Table(title=f"Shared fleet: {fleet.label}", title_justify="left")
        table.add_column("Figure")
        for p in fleet.pools:
            table.add_column(p.gpu_name)
        if len(fleet.pools) > 1:
            table.add_column("total")
        rows = (
            ("Workloads", lambda p: escape(", ".join(p.workloads)), ""),
            ("GPUs (needed / bought)", lambda p: f"{p.total_gpus:,} / {p.gpus_bought:,}",
             f"{fleet.total_gpus:,} / {sum(p.gpus_bought for p in fleet.pools):,}"),
            ("Nodes", lambda p: f"{p.nodes} of {p.gpus_per_node} GPUs", _fmt(fleet.nodes)),
            ("Racks", lambda p: f"{p.racks} (up to {p.nodes_per_rack} nodes each)", _fmt(fleet.racks)),
            ("IT power (kW)", lambda p: _fmt(p.it_power_kw), _fmt(fleet.it_power_kw)),
            ("Facility power (kW)", lambda p: _fmt(p.facility_power_kw), ""),
            ("Cooling", lambda p: cooling_words(p.cooling) + ("" if p.cooling_ok else " (facility short)"), ""),
            ("Scale-out fabric", lambda p: p.scale_out_fabric, ""),
            ("Price per GPU-hour", lambda p: (escape(f"${p.price_usd_per_gpu_hour:,.2f} ({p.price_source})")
                                              if p.price_usd_per_gpu_hour is not None else "-"), ""),
            ("Cost per month (USD)", lambda p: _money(p.cost_per_month)
             + (" (estimate)" if p.price_is_estimate else ""), _money(fleet.cost_per_month)),
            ("Sized for the hours", lambda p: p.busiest_hours, ""),
        )
        for label, value, total in rows:
            cells = [value(p) for p in fleet.pools]
            table.add_row(label, *cells, *([total] if len(fleet.pools) > 1 else []))
        console.print(table)
        for p in fleet.pools:
            if p.gpu_band is not None:
                low, high = p.gpu_band
                console.print(f"Error band on the {p.gpu} GPUs: {low:.0f} to "
                              + (f"{high:.0f}" if high is not None else "more (the targets may be missed)"))
            for note in p.notes:
                console.print(f"[yellow]! {p.gpu}: {escape(note)}[/]")
        console.print(f"Why this fleet: {escape(spec.mix_considered)}")
        console.print(
            f"Consolidation: each workload's own replicas at its own peak, racked together, need {spec.separate_gpus} GPUs "
            f"({_money(spec.separate_cost_per_month)}/month); shared replicas save "
            f"{spec.saving_shared_replicas_gpus} GPUs, non-coinciding peaks save {spec.saving_peaks_gpus}: "
            f"[bold]{fleet.total_gpus} GPUs, {_money(fleet.cost_per_month)}/month[/]{escape(spec.same_cost_note())}")
    for note in spec.notes:
        console.print(f"[yellow]! {escape(note)}[/]")
    for w in spec.workloads:
        if w.spec is not None and w.spec.assumptions:
            console.print(f"[yellow]Assumed[/] for {escape(w.name)} ({len(w.spec.assumptions)}): "
                          + escape(", ".join(f"{a.field}={a.value}" for a in w.spec.assumptions[:8]))
                          + (" ..." if len(w.spec.assumptions) > 8 else ""))
    if len(spec.single_sku) > 1:
        table = Table(title="One SKU for the whole portfolio (cheapest first)", title_justify="left")
        shown = spec.single_sku[:10]
        notes = any(o.reason for o in shown)
        for col in ("SKU", "fits", "GPUs", "nodes", "IT kW", "USD/month") + (("why not",) if notes else ()):
            table.add_column(col, justify="left" if col in ("SKU", "fits", "why not") else "right")
        for o in shown:
            table.add_row(o.label, "yes" if o.feasible else "no", _fmt(o.total_gpus), _fmt(o.nodes),
                          _fmt(o.it_power_kw), _money(o.cost_per_month), *((escape(clip(o.reason, 90)),) if notes else ()))
        console.print(table)


def print_mix(mix) -> None:
    from rich.markup import escape
    from rich.table import Table

    from kickoff_tui.commands.sizing import _console

    console = _console()
    head = (f"Model mix under ${mix.budget_usd_per_month:,.0f}/month ({mix.method}: "
            f"{mix.evaluated:,} of {mix.combinations:,} assignments costed)")
    if mix.assignment:
        table = Table(title=head, title_justify="left")
        for col in ("workload", "model", "quality rank", "first choice?"):
            table.add_column(col)
        for a in mix.assignment:
            table.add_row(escape(a.workload), escape(a.model + (f" ({a.precision})" if a.precision else "")),
                          str(a.quality_rank), "yes" if a.quality_rank == a.best_rank else "no")
        console.print(table)
    else:
        console.print(head)
    if mix.feasible:
        console.print(f"Chosen: total rank {mix.quality_rank_total}, {_money(mix.cost_per_month)}/month "
                      f"on {mix.fleet}. " + escape(f"{mix.binding_note[:1].upper()}{mix.binding_note[1:]}"))
    else:
        console.print(f"[red]Nothing fits the budget:[/] {escape(mix.reason)}"
                      + (escape(f"; {mix.binding_note}") if mix.binding_note else ""))


def print_growth(growth) -> None:
    from rich.markup import escape
    from rich.table import Table

    from kickoff_tui.commands.sizing import _console

    console = _console()

    def month(value: int | None) -> str:
        return f"> {growth.horizon_months}" if value is None else str(value)

    table = Table(title=f"Growth from history (log-linear fit, {growth.horizon_months}-month horizon)",
                  title_justify="left")
    for col in ("workload", "monthly growth (80% interval)", "its fleet replicas carry", "outgrows them in month"):
        table.add_column(col)
    for w in growth.workloads:
        if w.fit is None:
            table.add_row(escape(w.name), escape(w.problem), _cap(w.capacity_multiplier), "-")
            continue
        table.add_row(escape(w.name), w.fit.describe(), _cap(w.capacity_multiplier),
                      f"{month(w.outgrows_month)} ({month(w.outgrows_earliest)} to {month(w.outgrows_latest)})")
    console.print(table)
    console.print(f"The shared fleet runs out in month {month(growth.fleet_outgrows_month)} "
                  f"(80% interval: {month(growth.fleet_outgrows_earliest)} to "
                  f"{month(growth.fleet_outgrows_latest)}).")
    for note in growth.notes:
        console.print(f"[yellow]! {escape(note)}[/]")


def _cap(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x today's peak"


# ----------------------------------------------------------------------------------------------
# deploy: one folder per workload
# ----------------------------------------------------------------------------------------------

def workload_slug(name: str, taken: set[str]) -> str:
    """A folder and Kubernetes name for a workload (:func:`kickoff_tui.planning.deploy.workload_slug`)."""
    from kickoff_tui.planning.deploy import workload_slug as slug

    return slug(name, taken)


def fleet_or_fail(path: str, portfolio, gpu: str | None = None):  # noqa: ANN001, ANN201
    """(the workloads' demands, the shared-fleet spec) of a loaded portfolio, with ``--gpu``
    fixing the SKU; a fleet that cannot serve every workload is exit 1 with its reason (as an
    infeasible single-workload spec is), an unknown SKU a one-line exit 2."""
    from kickoff_tui.record.portfolio import demands
    from kickoff_tui.sizing.portfolio import size_portfolio

    candidates = [gpu] if gpu and gpu != "recommend" else portfolio.platform.gpu_candidates
    work = demands(portfolio)
    try:
        spec = size_portfolio(work, candidates)
    except ValueError as err:  # CatalogError for an unknown --gpu
        raise KickoffError(f"{path}: {err}") from None
    if not spec.feasible:
        err = KickoffError(f"{path}: no fleet serves every workload ({spec.infeasible_reason[:200]})")
        err.exit_code = 1
        raise err
    return work, spec


def deploy(path: str, out: Path, engine: str | None = None, name: str | None = None,
           gpu: str | None = None, force: bool = False, target: str | None = None,
           keda: bool = False, as_json: bool = False) -> int:
    """``kickoff deploy PORTFOLIO --out DIR``: the deployment generator once per workload, each
    into ``DIR/<workload>/``, on the SKU the shared fleet gives it (all or nothing)."""
    from kickoff_tui.record.text import visible

    written, notes = portfolio_deployment(path, out, engine, name, gpu, force=force, target=target,
                                          keda=keda)
    if as_json:
        print(json_output.dumps({"written": [str(p) for p in written], "notes": notes}, indent=2))
        return 0
    for file in written:
        print(visible(file))
    for note in notes:
        print(note)
    return 0


def write_portfolio_deployment(path: str, out: Path, force: bool = False) -> list[Path]:
    """The files ``kickoff export PORTFOLIO-SESSION --deploy DIR`` writes (one folder per workload)."""
    return portfolio_deployment(path, out, force=force)[0]


def portfolio_deployment(path: str, out: Path, engine: str | None = None, name: str | None = None,
                         gpu: str | None = None, force: bool = False, target: str | None = None,
                         keda: bool = False) -> tuple[list[Path], list[str]]:
    """Write every workload's deployment files into ``out/<workload>/``: (files written, notes
    for workloads sharing replicas). All or nothing: every folder is checked (files of the same
    names without ``force``, a file in the way, an unwritable folder) before any file is written."""
    from kickoff_tui.planning.deploy import portfolio_deployment_sets, write_file_sets

    portfolio = load_portfolio(path)
    work, spec = fleet_or_fail(path, portfolio, gpu)
    sets = portfolio_deployment_sets(work, spec, name, engine, target, keda=keda)
    written = write_file_sets([(out / slug, files) for slug, files, _ in sets], force=force)
    return written, [note for _, _, note in sets if note is not None]
