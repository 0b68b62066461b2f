"""Planning sub-commands: cost, growth, sensitivity, deploy, scorecard (also records one in a
session).

FILE is a sizing-inputs TOML (``examples/*.toml``) or a session record. Planning settings come from
a ``[planning]`` table in FILE (or the session), from ``--planning P.toml``, then from flags, the
later winning. Nothing here imports Textual.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kickoff_tui.commands import json_output
from kickoff_tui.commands.options import finite_float, iso_date, positive_int
from kickoff_tui.errors import KickoffError

if TYPE_CHECKING:
    from kickoff_tui.planning import GrowthSettings

ENGINE_CHOICES = ("vllm", "sglang", "trtllm")
TARGET_CHOICES = ("k8s", "lws", "helm-production-stack", "kserve")
JSON_SCHEMA_VERSION = json_output.SCHEMA_VERSION  # one number for every --json output

COST_FLAGS: tuple[tuple[str, str, Callable[[str], Any], str], ...] = (
    ("--on-demand", "on_demand_usd_per_gpu_hour", finite_float, "quoted on-demand $/GPU-hour"),
    (
        "--reserved-1y",
        "reserved_1y_usd_per_gpu_hour",
        finite_float,
        "quoted 1-year committed $/GPU-hour",
    ),
    (
        "--reserved-3y",
        "reserved_3y_usd_per_gpu_hour",
        finite_float,
        "quoted 3-year committed $/GPU-hour",
    ),
    ("--spot", "spot_usd_per_gpu_hour", finite_float, "quoted spot $/GPU-hour"),
    (
        "--purchase-price",
        "purchase_usd_per_gpu",
        finite_float,
        "purchase $ per GPU incl. its server share",
    ),
    ("--price-provider", "price_provider", str, "who quoted the prices above"),
    ("--price-date", "price_date", iso_date, "when the prices above were quoted (YYYY-MM-DD)"),
    (
        "--depreciation-years",
        "depreciation_years",
        finite_float,
        "straight-line depreciation of bought hardware",
    ),
    (
        "--horizon-years",
        "horizon_years",
        int,
        "length of the rent/reserve/buy comparison (default 3)",
    ),
    ("--power-price", "power_usd_per_kwh", finite_float, "electricity $/kWh for owned hardware"),
    ("--pue", "pue", finite_float, "facility PUE for owned hardware"),
    (
        "--ops-per-100",
        "ops_engineers_per_100_gpus",
        finite_float,
        "operations engineers per 100 GPUs",
    ),
    (
        "--ops-salary",
        "ops_engineer_usd_per_year",
        finite_float,
        "fully loaded $/year per operations engineer",
    ),
    (
        "--utilisation",
        "utilisation",
        finite_float,
        "average share of the sized throughput used (0-1)",
    ),
    (
        "--api-price-out",
        "managed_api_usd_per_million_output_tokens",
        finite_float,
        "managed API $ per M output tokens",
    ),
    (
        "--api-price-in",
        "managed_api_usd_per_million_input_tokens",
        finite_float,
        "managed API $ per M input tokens",
    ),
    ("--api-name", "managed_api_name", str, "which managed API"),
)
"""CLI flag -> CostOverrides field."""

BUSINESS_FLAGS: tuple[tuple[str, str, Callable[[str], Any], str], ...] = (
    (
        "--value-per-request",
        "value_per_request_usd",
        finite_float,
        "business case: $ value of one request",
    ),
    (
        "--replaced-cost",
        "replaced_cost_per_year_usd",
        finite_float,
        "business case: $/year of what the system replaces",
    ),
    (
        "--requests-per-month",
        "requests_per_month",
        finite_float,
        "business case: requests per month (else derived)",
    ),
    ("--setup-cost", "setup_cost_usd", finite_float, "business case: one-off setup $"),
)
"""CLI flag -> BusinessCase field."""


def _dest(flag: str) -> str:
    return "opt_" + flag.lstrip("-").replace("-", "_")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="sizing-inputs TOML (examples/*.toml) or a session file")
    p.add_argument(
        "--planning", metavar="P.toml", help="planning settings ([planning] table or top level)"
    )
    p.add_argument("--gpu", help="fix the SKU instead of the file's")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cost",
        help="rent vs reserved vs buy over 3 years, with every figure traced",
        description="Price the sized fleet on every basis the catalog and your quotes "
        "allow; each figure shows how it was computed.",
    )
    _common(p)
    for flag, _, kind, text in (*COST_FLAGS, *BUSINESS_FLAGS):
        p.add_argument(flag, dest=_dest(flag), type=kind, help=text)
    p.add_argument("--brief", action="store_true", help="table only, no traces")
    p.set_defaults(func=cmd_cost)

    p = sub.add_parser(
        "growth", help="when the sized fleet runs out, and the spec per growth scenario"
    )
    _common(p)
    p.add_argument(
        "--monthly-growth",
        type=finite_float,
        help="traffic growth per month, fraction (0.05 = 5%%)",
    )
    p.add_argument("--months", type=int, help="months to project (default 36)")
    p.add_argument(
        "--scenario",
        type=finite_float,
        action="append",
        metavar="K",
        help="traffic multiplier to size for (repeatable; default 1.5, 2, 3)",
    )
    p.add_argument("--ascii", action="store_true", help="chart with ASCII characters only")
    p.set_defaults(func=cmd_growth)

    p = sub.add_parser("sensitivity", help="which input moves the GPU count most (+/-50%% each)")
    _common(p)
    p.add_argument("--top", type=positive_int, default=15, help="rows to show (default 15)")
    p.add_argument("--ascii", action="store_true", help="chart with ASCII characters only")
    p.set_defaults(func=cmd_sensitivity)

    p = sub.add_parser(
        "deploy",
        help="write Kubernetes / LeaderWorkerSet / Helm / KServe files, engine launch scripts, alerts",
        description="Write the deployment files for the sized spec. '--out -' writes every "
        "Kubernetes object as one YAML stream for `kubectl apply -f -`.",
    )
    p.add_argument("file", help="sizing-inputs TOML or a session file ('-' for stdin)")
    p.add_argument(
        "--out", required=True, metavar="DIR", help="folder to write the files into, or '-' for stdout"
    )
    p.add_argument(
        "--target",
        choices=TARGET_CHOICES,
        help="k8s (default), lws (default when a replica spans nodes), helm-production-stack, kserve",
    )
    p.add_argument(
        "--engine",
        choices=ENGINE_CHOICES,
        help="engine for the manifests (default: the file's serving_engine, else vllm)",
    )
    p.add_argument("--keda", action="store_true", help="scale with a KEDA ScaledObject instead of an HPA")
    p.add_argument(
        "--checkpoint",
        metavar="REPO",
        help="Hugging Face repo or folder with the weights at the sized precision",
    )
    p.add_argument("--name", help="Kubernetes name (default: MODEL-GPU)")
    p.add_argument("--gpu", help="fix the SKU instead of the file's")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.add_argument("--force", action="store_true", help="overwrite files already in DIR")
    p.set_defaults(func=cmd_deploy)

    p = sub.add_parser(
        "scorecard",
        help="weighted vendor scorecard with its trade-offs (show, or record in a session)",
        description="Score a vendor scorecard (a TOML with a [planning.scorecard] or [scorecard] "
        "table), show the one a session holds, or record one in a session with --set: the "
        "session logs it as IT's decision, with the weighted totals and trade-offs.",
    )
    p.add_argument(
        "file",
        nargs="?",
        help="TOML with a [planning.scorecard] or [scorecard] table, or a session file",
    )
    p.add_argument(
        "--example", action="store_true", help="score the seed example (AWS, Lambda, ...)"
    )
    p.add_argument(
        "--set",
        metavar="CARD.toml",
        dest="set_card",
        help="record this scorecard in the session FILE (saved in place)",
    )
    p.add_argument("--clear", action="store_true", help="withdraw the session's scorecard")
    p.add_argument(
        "--by", metavar="NAME", help="who sets it (default: the session's only IT participant)"
    )
    p.add_argument(
        "--role",
        choices=("it", "app_owner", "ai_team"),
        default="it",
        help="role NAME speaks for (default it, the owner)",
    )
    p.add_argument("--why", default="", metavar="TEXT", help="rationale for the decision log")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scorecard)


# --- loading -------------------------------------------------------------------------------------


def _planning_table(data: dict[str, Any], path: str = "") -> dict[str, Any]:
    table = data.get("planning", {})
    if not isinstance(table, dict):
        raise KickoffError(f"{path + ': ' if path else ''}[planning] must be a table")
    return table


def planning_file_table(data: dict[str, Any], path: str) -> dict[str, Any]:
    """What a ``--planning`` file holds: its ``[planning]`` table, or the file itself as that
    table; a ``planning`` that is not a table (``planning = "oops"``, ``[[planning]]``) is
    refused, never ignored."""
    return _planning_table(data, path) if "planning" in data else data


def _validation(path: str, err: Exception) -> KickoffError:
    from kickoff_tui.commands.sizing import validation_message

    return KickoffError(f"{path}: {validation_message(err)}")


def load(path: str, planning_path: str | None = None, gpu: str | None = None):
    """(inputs, PlanningOverrides, spec) for FILE; errors are one-line KickoffErrors."""
    from pydantic import ValidationError

    from kickoff_tui.commands.sizing import load_inputs, read_toml, refuse_no_inputs
    from kickoff_tui.planning import PlanningOverrides
    from kickoff_tui.sizing import SizingInputs, size

    data = read_toml(path)
    planning: dict[str, Any] = {}
    is_session = "schema_version" in data and ("answers" in data or "events" in data)
    if is_session or "planning" not in data:
        inputs, session = load_inputs(path)
        if session is not None:
            # the session's planning answers and scorecard (Session.planning())
            planning = session.planning().model_dump(exclude_none=True)
    else:
        planning = _planning_table(data, path)
        table = {k: v for k, v in data.items() if k not in ("title", "description", "planning")}
        table = table.get("inputs", table) if isinstance(table.get("inputs"), dict) else table
        refuse_no_inputs(path, table)
        try:
            inputs = SizingInputs.model_validate(table)
        except ValidationError as err:
            raise _validation(path, err) from None
        from kickoff_tui.commands.sizing import check_inputs

        inputs = check_inputs(path, inputs)
    if planning_path:
        extra = read_toml(planning_path)
        planning = _merge(planning, planning_file_table(extra, planning_path))
    try:
        overrides = PlanningOverrides.model_validate(planning)
    except ValidationError as err:
        raise KickoffError(f"{planning_path or path}: planning.{_first(err)}") from None
    if gpu:
        inputs = inputs.model_copy(update={"gpu": gpu})
    from kickoff_tui.catalog import CatalogError

    try:
        spec = size(inputs)
    except CatalogError as err:
        raise KickoffError(str(err)) from None
    return inputs, overrides, spec


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


EXIT_INFEASIBLE = 1
"""The input was fine and the answer is "cannot be served": exit 1, as ``kickoff size`` does."""


def _require_feasible(spec) -> None:  # noqa: ANN001 - SizedSpec, imported lazily
    if not spec.feasible:
        err = KickoffError(f"no feasible spec on {spec.gpu or 'any SKU'}: {spec.infeasible_reason}")
        err.exit_code = EXIT_INFEASIBLE
        raise err


def _apply_flags(args: argparse.Namespace, overrides):  # noqa: ANN001, ANN201
    from pydantic import ValidationError

    from kickoff_tui.planning import BusinessCase, CostOverrides

    cost = overrides.cost.model_dump()
    for flag, field, _, _ in COST_FLAGS:
        value = getattr(args, _dest(flag), None)
        if value is not None:
            cost[field] = value
    business = overrides.business.model_dump() if overrides.business else {}
    business_given = False
    for flag, field, _, _ in BUSINESS_FLAGS:
        value = getattr(args, _dest(flag), None)
        if value is not None:
            business[field] = value
            business_given = True
    try:
        new_cost = CostOverrides.model_validate(cost)
        new_business = (
            BusinessCase.model_validate(business) if (business or business_given) else None
        )
    except ValidationError as err:
        raise KickoffError(f"options: {_first(err)}") from None
    return overrides.model_copy(update={"cost": new_cost, "business": new_business})


def growth_settings(base: GrowthSettings, args: argparse.Namespace) -> GrowthSettings:
    """The planning file's growth settings with ``kickoff growth``'s options laid over them
    (``--monthly-growth``, ``--months``, ``--scenario``); a bad option is one line."""
    from pydantic import ValidationError

    from kickoff_tui.planning import GrowthSettings
    from kickoff_tui.planning.figures import num
    from kickoff_tui.planning.growth import MAX_SCENARIO_MULTIPLIER

    for k in args.scenario or ():
        if not (0 < k <= MAX_SCENARIO_MULTIPLIER):  # finite already (finite_float)
            raise KickoffError(
                f"options: --scenario {k:g}: a traffic multiplier must be above 0 and at most "
                f"{num(MAX_SCENARIO_MULTIPLIER)} (1,000x today's traffic is a new system to size)"
            )
    settings = base.model_dump()
    for key, value in (("monthly_rate", args.monthly_growth), ("months", args.months),
                       ("scenarios", args.scenario)):
        if value is not None:
            settings[key] = value
    try:
        growth = GrowthSettings.model_validate(settings)
    except ValidationError as err:
        raise KickoffError(f"options: {_first(err)}") from None
    return growth


def _first(err: Exception) -> str:
    from kickoff_tui.commands.sizing import validation_message

    return validation_message(err)


def _console():
    from kickoff_tui.commands.sizing import _console as console

    return console()


def _print_json(data: Any) -> None:
    if isinstance(data, dict) and "schema_version" not in data:
        data = {"schema_version": JSON_SCHEMA_VERSION, **data}
    json_output.dump(data, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def _trace_lines(console, figures) -> None:  # noqa: ANN001
    from kickoff_tui.record.text import plain_markup_safe as escape

    for fig in figures:
        if fig is None:
            continue
        mark = " [yellow](assumed)[/]" if fig.assumed else ""
        console.print(
            f"  [bold]{escape(fig.label)}[/]: {escape(fig.text())} = {escape(fig.trace)}{mark}"
        )


# --- commands ------------------------------------------------------------------------------------


def _portfolio_route(path: str) -> bool:
    from kickoff_tui.commands import portfolio as _portfolio

    return _portfolio.is_portfolio_file(path)


def cmd_cost(args: argparse.Namespace) -> int:
    if _portfolio_route(args.file):  # several workloads: per-workload breakdown and the fleet
        from kickoff_tui.commands import portfolio_planning

        return portfolio_planning.cmd_cost(args)
    from kickoff_tui.record.text import plain_markup_safe as escape
    from rich.table import Table

    from kickoff_tui.planning import business_report, cost_report
    from kickoff_tui.planning.figures import usd
    from kickoff_tui.planning.markdown import monthly_cost as planning_month

    inputs, overrides, spec = load(args.file, args.planning, args.gpu)
    _require_feasible(spec)
    overrides = _apply_flags(args, overrides)
    report = cost_report(spec, inputs, overrides.cost)
    business = (
        business_report(overrides.business, spec, report, overrides.cost)
        if overrides.business
        else None
    )
    if args.json:
        _print_json(
            {
                "cost": report.model_dump(mode="json"),
                "business": business.model_dump(mode="json") if business else None,
            }
        )
        return 0
    console = _console()
    console.print(
        f"[bold]Cost per month: {usd(report.monthly.value if report.monthly else None)}[/] "
        f"({escape(report.monthly_basis)}; the figure the spec panel and the report show)"
    )
    if report.per_million_tokens is not None or report.per_million_output_tokens is not None:
        at_load = (f"average load ({spec.average_concurrency:,.0f} in flight, "
                   f"{report.utilisation.text()} utilisation)")
        parts = []
        if report.per_million_tokens is not None:
            parts.append(f"{_usd3(report.per_million_tokens.value)} per million tokens (input + output)")
        if report.per_million_output_tokens is not None:
            parts.append(f"{usd(report.per_million_output_tokens.value)} per million output tokens")
        console.print(f"  {escape('; '.join(parts))} at the {escape(at_load)}, staff included")
    table = Table(
        title=(
            f"Cost of {escape(_units_text(spec, report))} x {escape(report.gpu_name)} over "
            f"{report.horizon_years} years (chosen: {report.chosen_option}; cheapest: "
            f"{report.cheapest_option or 'n/a'})"
        ),
        title_justify="left",
    )
    for col in (
        "option",
        "price",
        "per month",
        f"{report.horizon_years}-year",
        "$/M in+out",
        "$/M out",
        "break-even",
    ):
        table.add_column(col, justify="left" if col == "option" else "right")
    for opt in report.options:
        if not opt.available:
            table.add_row(escape(opt.option), "-", "-", "-", "-", "-", "-")
            continue
        quote = opt.quote
        tag = ""
        if quote is not None:
            tag = (
                " (q)"
                if quote.override
                else " (d)"
                if quote.derived
                else " (e)"
                if quote.estimate
                else ""
            )
        label = opt.option + (" *" if opt.option == report.chosen_option else "")
        month = planning_month(report, opt.option)
        per_m, per_m_out = report.per_million(month)
        table.add_row(
            escape(label),
            escape(quote.price_text() + tag) if quote else "",
            usd(month),
            usd(opt.horizon_total_with_staff.value if opt.horizon_total_with_staff else None),
            _usd3(per_m),
            usd(per_m_out),
            opt.break_even_utilisation.text() if opt.break_even_utilisation else "-",
        )
    console.print(table)
    console.print(
        "* chosen price basis (the spec's); (q) quoted in the session, (d) derived with a named "
        "discount, (e) catalog estimate. Every figure includes the operations staff "
        f"({usd(report.staff_per_month.value)}/month, the same for every option); $/M: per "
        "million tokens at the average load; the GPU-only figures are in the traces below."
    )
    console.print("\n[bold]Prices used[/]")
    for quote in report.quotes:
        console.print(
            f"  {quote.basis}: {escape(quote.price_text())} - {escape(quote.provider)}, "
            f"{escape(quote.date)}; {escape(quote.source)}"
        )
    for opt in report.options:
        if not opt.available:
            console.print(f"  {escape(opt.option)}: {escape(opt.reason)}")
    if not args.brief:
        console.print("\n[bold]How each figure was computed[/]")
        _trace_lines(console, report.traced_figures())
        if report.managed_api:
            console.print("\n[bold]Managed API comparison[/]")
            _trace_lines(console, report.managed_api)
        notes = report.warnings + [f"{o.option}: {o.caveat}" for o in report.options if o.caveat]
        if notes:
            console.print("\n[bold]Notes[/]")
            for note in notes:
                console.print(f"  - {escape(note)}")
        if report.assumptions:
            console.print("\n[bold]Assumed (answer or quote these to replace them)[/]")
            for note in report.assumptions:
                console.print(f"  - {escape(note)}")
    if business:
        word = {
            "red": "[red]RED FLAG[/]",
            "weak": "[yellow]WEAK[/]",
            "adequate": "ADEQUATE",
            "strong": "[green]STRONG[/]",
        }[business.verdict]
        console.print(
            f"\n[bold]Business case[/] ({business.option}): {word} {escape(business.message)}"
        )
        _trace_lines(
            console,
            [
                business.requests_per_month,
                business.annual_value,
                business.annual_cost,
                business.upfront,
                business.monthly_net,
                business.roi,
                business.payback_months,
            ],
        )
    return 0


def _usd3(value: float | None) -> str:
    """Dollars to a tenth of a cent (costs per million tokens well under $1)."""
    return "n/a" if value is None else f"${value:,.3f}"


def _units_text(spec, report) -> str:  # noqa: ANN001 - SizedSpec, CostReport
    """"72 GPUs (9 x 8-GPU instance)", or "37 needed, 40 bought (5 x ...)"."""
    head = (f"{report.total_gpus} GPUs" if spec.total_gpus == report.total_gpus
            else f"{spec.total_gpus} GPUs needed, {report.total_gpus} bought")
    return head + (f" ({spec.units} x {spec.unit_name})" if spec.units and spec.gpus_bought == report.total_gpus else "")


def cmd_growth(args: argparse.Namespace) -> int:
    if _portfolio_route(args.file):  # several workloads: per-workload breakdown and the fleet
        from kickoff_tui.commands import portfolio_planning

        return portfolio_planning.cmd_growth(args)
    from kickoff_tui.record.text import plain_markup_safe as escape
    from rich.table import Table

    from kickoff_tui.planning import growth_report
    from kickoff_tui.planning.figures import num, usd

    inputs, overrides, spec = load(args.file, args.planning, args.gpu)
    _require_feasible(spec)
    growth = growth_settings(overrides.growth, args)
    report = growth_report(spec, inputs, growth, cost=overrides.cost)
    if args.json:
        _print_json(report.model_dump(mode="json"))
        return 0
    console = _console()
    from kickoff_tui.planning.growth import needed_and_bought

    console.print(f"[bold]Growth of {escape(needed_and_bought(spec))} x {escape(spec.gpu_name)}[/]"
                  + (f" ({spec.units} x {escape(spec.unit_name)})" if spec.units else ""))
    if report.needed_today is None:
        console.print("  today's peak without headroom cannot be served on this SKU")
    else:
        today = (f"{report.needed_today_gpus} GPUs needed, {report.needed_today} bought"
                 if report.needed_today_gpus not in (None, report.needed_today)
                 else f"{report.needed_today} GPUs")
        console.print(f"  today's peak without headroom: {today} (whole units)")
    _trace_lines(
        console, [report.capacity_multiplier, report.monthly_rate, report.out_of_headroom_month]
    )
    for note in report.notes:
        console.print(f"  - {escape(note)}")
    if report.monthly_rate is None:
        console.print("  - or pass --monthly-growth 0.05 (5% a month) to this command")
    table = Table(title="Spec per growth scenario", title_justify="left")
    for col in (
        "scenario",
        "traffic",
        "design in flight",
        "GPUs needed / bought",
        "replicas",
        "nodes",
        "IT kW",
        "per month",
        "vs sized",
    ):
        table.add_column(col)
    bases = {sc.cost_basis for sc in report.scenarios if sc.feasible and sc.cost_basis}
    for sc in report.scenarios:
        table.add_row(
            escape(sc.label),
            f"x{num(sc.multiplier)}",
            str(sc.peak_concurrency),
            f"{sc.total_gpus} / {sc.gpus_bought}" if sc.feasible else "cannot serve",
            f"{sc.replicas} x {sc.layout}" if sc.layout else str(sc.replicas),
            str(sc.nodes),
            num(sc.it_power_kw, 1),
            usd(sc.cost_per_month),
            ("fits" if sc.fits_sized_fleet else f"+{sc.extra_gpus} GPUs")
            if sc.feasible
            else escape(sc.reason),
        )
    console.print(table)
    if bases:
        console.print("  per month: " + escape("; ".join(sorted(bases)))
                      + " (the spec's one monthly cost, for each scenario's whole units)")
    for line in report.chart(ascii_only=args.ascii):
        console.print(escape(line), soft_wrap=True)
    return 0


def sensitivity_side(s) -> str:  # noqa: ANN001 - a sensitivity Side or None
    """One side of a sensitivity row: the GPUs bought in whole units (and needed, when they
    differ) and the change against the base, or why there is no spec."""
    from kickoff_tui.record.text import plain_markup_safe as escape

    if s is None:
        return "-"
    if s.total_gpus is None:
        return escape(f"{s.value}: {s.note}")
    needed = (f", {s.needed_gpus} needed" if s.needed_gpus is not None and s.needed_gpus != s.total_gpus
              else "")
    return f"{escape(s.value)}: {s.total_gpus} bought{needed} ({s.delta:+d})"


def cmd_sensitivity(args: argparse.Namespace) -> int:
    if _portfolio_route(args.file):  # several workloads: per-workload breakdown and the fleet
        from kickoff_tui.commands import portfolio_planning

        return portfolio_planning.cmd_sensitivity(args)
    from kickoff_tui.record.text import plain_markup_safe as escape
    from rich.table import Table

    from kickoff_tui.planning import sensitivity

    inputs, _, spec = load(args.file, args.planning, args.gpu)
    _require_feasible(spec)
    report = sensitivity(spec, inputs)
    if args.json:
        _print_json(report.model_dump(mode="json"))
        return 0
    console = _console()
    table = Table(
        title=(
            f"Sensitivity of {report.baseline_gpus} GPUs bought"
            + (f" ({report.baseline_needed} needed)" if report.baseline_needed not in (0, report.baseline_gpus) else "")
            + f" on {escape(report.gpu)} "
            "(each input -50% / +50%, switches flipped; GPUs bought in whole units; most influential first)"
        ),
        title_justify="left",
    )
    for col in ("input", "owner", "base", "-50%", "+50% / flipped"):
        table.add_column(col, overflow="fold")

    side = sensitivity_side

    for row in report.rows[: args.top]:
        table.add_row(
            escape(row.field),
            escape(row.owner),
            escape(row.base + (" (assumed)" if row.assumed else "")),
            side(row.low),
            side(row.high),
        )
    console.print(table)
    for line in report.chart(n=args.top, ascii_only=args.ascii):
        console.print(escape(line), soft_wrap=True)
    if report.skipped:
        console.print(
            "Not varied: " + escape("; ".join(f"{k} ({v})" for k, v in report.skipped.items()))
        )
    if report.held:
        console.print(escape(report.held))
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from kickoff_tui.planning.deploy import deployment_files, deployment_stream, write_files

    from kickoff_tui.commands import portfolio as _portfolio

    if _portfolio.is_portfolio_file(args.file):  # one folder of files per workload
        if args.out == "-":
            raise KickoffError("a portfolio writes one folder per workload: give --out DIR, not -")
        if args.checkpoint:
            raise KickoffError("--checkpoint names one model's weights; a portfolio deploys one "
                               "model per workload (set each folder's checkpoint in its manifests)")
        return _portfolio.deploy(args.file, Path(args.out), args.engine, args.name, args.gpu,
                                 force=args.force, target=args.target, keda=args.keda,
                                 as_json=args.json)
    inputs, _, spec = load(args.file, None, args.gpu)
    _require_feasible(spec)
    files = deployment_files(
        spec,
        inputs,
        args.engine,
        args.name,
        target=args.target,
        keda=args.keda,
        checkpoint=args.checkpoint,
    )
    if args.target is None and "leaderworkerset.yaml" in files:
        print(
            "kickoff: target lws chosen: one replica spans nodes, which a Deployment cannot place",
            file=sys.stderr,
        )
    if args.out == "-":
        sys.stdout.write(deployment_stream(files))
        return 0
    paths = write_files(files, Path(args.out), force=args.force)
    if args.json:
        _print_json({"written": [str(p) for p in paths]})
        return 0
    from kickoff_tui.record.text import visible

    for path in paths:
        print(visible(path))
    return 0


def _is_session(data: dict[str, Any]) -> bool:
    return "schema_version" in data and ("answers" in data or "events" in data)


def _card_from(path: str, data: dict[str, Any]):  # noqa: ANN202 - Scorecard, imported lazily
    """The scorecard table of a TOML file: [planning.scorecard], [scorecard] or top level."""
    from pydantic import ValidationError

    from kickoff_tui.planning import Scorecard

    planning = data.get("planning", {})
    table = planning.get("scorecard") if isinstance(planning, dict) else None
    table = table or data.get("scorecard") or (data if "criteria" in data else None)
    if not isinstance(table, dict):
        raise KickoffError(f"{path}: no [planning.scorecard] or [scorecard] table")
    try:
        return Scorecard.model_validate(table)
    except ValidationError as err:
        raise _validation(path, err) from None


def _record_scorecard(args: argparse.Namespace):  # noqa: ANN202 - Scorecard | None
    """``--set CARD.toml`` / ``--clear`` on a session FILE: one event, saved in place."""
    from kickoff_tui.commands.sizing import read_toml

    if args.set_card and args.clear:
        raise KickoffError("--set and --clear exclude each other")
    if not args.file:
        raise KickoffError("--set and --clear need the session FILE")
    if not _is_session(read_toml(args.file)):
        raise KickoffError(f"{args.file}: not a session file (--set records into a session)")
    from kickoff_tui.record.lock import locked_for_write
    from kickoff_tui.record.questionnaire import MAX_ANSWER_CHARS, control_character

    for flag, text in (("--by", args.by or ""), ("--why", args.why or "")):
        # What is saved must load again: the loader refuses control characters and huge text.
        bad = control_character(text)
        if bad is not None:
            raise KickoffError(f"{flag}: contains the control character {bad}")
        if len(text) > MAX_ANSWER_CHARS:
            raise KickoffError(f"{flag}: {len(text):,} characters (at most {MAX_ANSWER_CHARS:,})")
    card = _card_from(args.set_card, read_toml(args.set_card)) if args.set_card else None
    # The session's lock, as the app takes it: while the app has the file open this refuses
    # (naming who holds it) instead of writing an event the app's next answer would overwrite.
    with locked_for_write(args.file):
        from kickoff_tui.record.io import clean_stale_temp_files

        clean_stale_temp_files(Path(args.file).resolve().parent)  # left by a killed earlier save
        return _record_scorecard_locked(args, card)


def _record_scorecard_locked(args: argparse.Namespace, card):  # noqa: ANN001, ANN202
    from kickoff_tui.record import load_session, save_session
    from kickoff_tui.record.text import visible

    session = load_session(Path(args.file))
    by = args.by
    if not by:
        speakers = [p.name for p in session.participants if p.role == args.role]
        if len(speakers) != 1:
            raise KickoffError(
                f"--by NAME is required: the session has {len(speakers)} participants for "
                f"role {args.role!r}"
            )
        by = speakers[0]
    if args.clear:
        if session.scorecard is None:
            print(visible(f"{args.file}: no scorecard to withdraw"))
            return None
        session.clear_scorecard(by, args.role, args.why)
        save_session(session, Path(args.file))
        print(visible(f"{args.file}: scorecard withdrawn by {by}"))
        return None
    before = len(session.events)
    session.set_scorecard(card, by, args.role, args.why)
    if len(session.events) > before:
        save_session(session, Path(args.file))
        print(visible(f"{args.file}: scorecard recorded by {by} (event {len(session.events)})"), file=sys.stderr)
    else:
        print(visible(f"{args.file}: the same scorecard is already recorded; nothing changed"), file=sys.stderr)
    return card


def cmd_scorecard(args: argparse.Namespace) -> int:
    from kickoff_tui.record.text import plain_markup_safe as escape
    from rich.table import Table

    from kickoff_tui.commands.sizing import read_toml
    from kickoff_tui.planning import Scorecard, score
    from kickoff_tui.planning.scorecard import decision_entries

    if args.set_card or args.clear:
        card = _record_scorecard(args)
        if card is None:
            return 0
    elif args.example:
        card = Scorecard.seed_example()
    elif args.file:
        data = read_toml(args.file)
        if _is_session(data):
            from kickoff_tui.record import load_session

            record = load_session(Path(args.file)).scorecard
            if record is None:
                raise KickoffError(
                    f"{args.file}: the session holds no scorecard; record one with "
                    "--set CARD.toml"
                )
            card = record.card
        else:
            card = _card_from(args.file, data)
    else:
        raise KickoffError("give a FILE with a scorecard, or --example")
    result = score(card)
    if args.json:
        _print_json(
            {
                "result": result.model_dump(mode="json"),
                "decision_log": [
                    dict(zip(("topic", "value", "rationale"), e, strict=True))
                    for e in decision_entries(card, result)
                ],
            }
        )
        return 0
    console = _console()
    names = [t.name for t in result.totals]
    scores = {p.name: p.scores for p in card.providers}
    table = Table(title="Provider scorecard (scores 0-10, weighted)", title_justify="left")
    table.add_column("criterion")
    table.add_column("weight", justify="right")
    for name in names:
        table.add_column(escape(name), justify="right")
    for crit, weight in result.weights.items():
        table.add_row(escape(crit), f"{weight:.0%}", *[f"{scores[n][crit]:g}" for n in names])
    table.add_row(
        "[bold]weighted total[/]", "100%", *[f"[bold]{t.total:.2f}[/]" for t in result.totals]
    )
    console.print(table)
    console.print("[bold]Trade-offs[/]")
    for line in result.tradeoffs:
        console.print(f"  - {escape(line)}")
    return 0
