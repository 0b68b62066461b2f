"""Markdown for the planning sections of the export (cost, growth, business case, scorecard,
sensitivity, deployment). The lead's ``kickoff export --markdown`` appends
:func:`markdown_sections` after the spec and the decision log."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from kickoff_tui.planning.figures import Figure, num, usd

if TYPE_CHECKING:
    from kickoff_tui.planning.business import BusinessReport
    from kickoff_tui.planning.cost import CostOverrides, CostReport
    from kickoff_tui.planning.growth import GrowthReport, Sizer
    from kickoff_tui.planning.overrides import PlanningOverrides
    from kickoff_tui.planning.scorecard import Scorecard
    from kickoff_tui.planning.sensitivity import SensitivityReport
    from kickoff_tui.sizing import SizedSpec, SizingInputs


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _trace(fig: Figure | None) -> str:
    if fig is None:
        return ""
    mark = " *(assumed)*" if fig.assumed else ""
    return f"- **{fig.label}**: {fig.text()} = {fig.trace}{mark}"


def cost_markdown(report: CostReport, overrides: CostOverrides | None = None) -> list[str]:
    """The cost section: option table, headline, traces, assumptions."""
    out = [f"## Cost ({report.gpu_name}, {report.total_gpus} GPUs)", ""]
    chosen = report.chosen
    out.append(
        f"Chosen price basis: **{report.chosen_option}**. Cheapest over "
        f"{report.horizon_years} years: **{report.cheapest_option or 'n/a'}**."
    )
    from kickoff_tui.planning.cost import monthly_cost

    month = monthly_cost(report, overrides)
    if month.value is not None:
        out.append("")
        out.append(f"Cost per month: **{usd(month.value)}** ({month.basis}).")
    out.append("")
    rows = []
    for opt in report.options:
        if not opt.available:
            rows.append([opt.option, "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", opt.reason])
            continue
        rows.append(
            [
                opt.option + (" (chosen)" if opt.option == report.chosen_option else ""),
                opt.per_hour.text() if opt.per_hour else "",
                opt.per_month.text() if opt.per_month else "",
                opt.horizon_total.text() if opt.horizon_total else "",
                opt.horizon_total_with_staff.text() if opt.horizon_total_with_staff else "",
                opt.per_million_output_tokens.text() if opt.per_million_output_tokens else "",
                opt.break_even_utilisation.text() if opt.break_even_utilisation else "-",
                f"{opt.quote.price_text()} ({opt.quote.cite()})" if opt.quote else "",
            ]
        )
    out += _table(
        [
            "option",
            "per hour",
            "per month",
            f"{report.horizon_years}-year total",
            "incl. staff",
            "per M output tokens (avg use)",
            "break-even utilisation",
            "price",
        ],
        rows,
    )
    out += ["", "How the figures were computed:", ""]
    figures = report.traced_figures()
    out += [_trace(f) for f in figures if f is not None]
    if report.managed_api:
        out += ["", "Managed API comparison:", ""] + [_trace(f) for f in report.managed_api]
    caveats = [f"{o.option}: {o.caveat}" for o in report.options if o.caveat]
    notes = report.warnings + caveats + [f"assumed: {a}" for a in report.assumptions]
    if notes:
        out += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    return out + [""]


def growth_markdown(report: GrowthReport) -> list[str]:
    """The growth section: headroom, the month it runs out, scenarios, chart."""
    out = ["## Growth", ""]
    cap = report.capacity_multiplier
    out.append(
        f"- Sized fleet: {report.sized_gpus} GPUs; today's peak without headroom needs "
        f"{report.needed_today if report.needed_today is not None else 'n/a'}."
    )
    out.append(_trace(cap))
    if report.monthly_rate:
        out.append(_trace(report.monthly_rate))
    if report.out_of_headroom_month:
        fig = report.out_of_headroom_month
        when = (
            "not within " + f"{report.months} months"
            if fig.value is None
            else f"month {num(fig.value)}"
        )
        out.append(
            f"- **Runs out of headroom**: {when} ({fig.trace})"
            + (" *(assumed rate)*" if fig.assumed else "")
        )
    out += [f"- {n}" for n in report.notes]
    out.append("")
    rows = []
    for sc in report.scenarios:
        rows.append(
            [
                sc.label,
                f"x{num(sc.multiplier)}",
                sc.peak_concurrency,
                sc.total_gpus if sc.feasible else "cannot serve",
                sc.replicas,
                sc.nodes,
                f"{num(sc.it_power_kw, 1)} kW",
                usd(sc.cost_per_month),
                ("fits today's fleet" if sc.fits_sized_fleet else f"+{sc.extra_gpus} GPUs")
                if sc.feasible
                else sc.reason,
            ]
        )
    out += _table(
        [
            "scenario",
            "traffic",
            "peak in-flight",
            "GPUs",
            "replicas",
            "nodes",
            "IT power",
            "per month",
            "vs sized",
        ],
        rows,
    )
    chart = report.chart(ascii_only=False)
    if chart:
        out += ["", "```", *chart, "```"]
    return out + [""]


def business_markdown(report: BusinessReport) -> list[str]:
    """The business case: ROI, payback and the verdict (red flag in words)."""
    flag = {"red": "RED FLAG", "weak": "WEAK", "adequate": "OK", "strong": "STRONG"}[report.verdict]
    out = ["## Business case", "", f"**{flag}**: {report.message} (option: {report.option}).", ""]
    figures = [
        report.requests_per_month,
        report.annual_value,
        report.annual_cost,
        report.upfront,
        report.monthly_net,
        report.roi,
        report.payback_months,
    ]
    out += [_trace(f) for f in figures if f is not None]
    return out + [""]


def scorecard_markdown(card: Scorecard) -> list[str]:
    """The weighted vendor scorecard with totals and trade-offs."""
    from kickoff_tui.planning.scorecard import score

    result = score(card)
    names = [t.name for t in result.totals]
    scores = {p.name: p.scores for p in card.providers}
    rows = [
        [c, f"{result.weights[c]:.0%}", *[f"{scores[n][c]:g}" for n in names]]
        for c in result.weights
    ]
    rows.append(["**weighted total**", "100%", *[f"**{t.total:.2f}**" for t in result.totals]])
    out = ["## Provider scorecard", ""]
    out += _table(["criterion", "weight", *names], rows)
    out += ["", "Trade-offs:", ""] + [f"- {t}" for t in result.tradeoffs]
    return out + [""]


def sensitivity_markdown(report: SensitivityReport, top: int = 12) -> list[str]:
    """Ranked table and tornado chart."""
    out = [
        f"## Sensitivity ({report.baseline_gpus} GPUs on {report.gpu}; each input -50% / +50%, "
        "toggles flipped)",
        "",
    ]
    rows = []
    for r in report.rows[:top]:

        def side(s):  # noqa: ANN001, ANN202 - local formatter
            if s is None:
                return "-"
            if s.total_gpus is None:
                return f"{s.value}: {s.note}"
            return f"{s.value}: {s.total_gpus} ({s.delta:+d})"

        rows.append(
            [
                r.field,
                r.owner,
                r.base + (" (assumed)" if r.assumed else ""),
                side(r.low),
                side(r.high),
            ]
        )
    out += _table(["input", "owner", "base", "-50%", "+50% / flipped"], rows)
    out += ["", "```", *report.chart(n=top), "```"]
    if report.skipped:
        out += [
            "",
            "Not varied: " + "; ".join(f"{k} ({v})" for k, v in report.skipped.items()) + ".",
        ]
    return out + [""]


def deployment_markdown(spec: SizedSpec, inputs: SizingInputs) -> list[str]:
    """The serving settings, the vLLM command and the files ``--deploy DIR`` writes."""
    from kickoff_tui.planning.deploy import (
        deploy_settings,
        engine_for,
        hpa_bounds,
        queue_threshold,
        vllm_args,
    )

    s = deploy_settings(spec, inputs)
    low, high, target, _ = hpa_bounds(s)
    q, _ = queue_threshold(s)
    command = "vllm serve " + " \\\n  ".join(
        [shlex.quote(vllm_args(s)[0]), *_pairs(vllm_args(s)[1:])]
    )
    out = [
        "## Deployment",
        "",
        f"Serving engine for the manifests: **{engine_for(inputs)}**. "
        "`kickoff export FILE --deploy DIR` (or `kickoff deploy FILE --out DIR`) writes launch "
        "scripts for vLLM, SGLang and TensorRT-LLM, a Kubernetes Deployment + Service, a "
        "HorizontalPodAutoscaler sketch and Prometheus alert rules.",
        "",
        "```sh",
        command,
        "```",
        "",
    ]
    rows = [
        ["replicas per deployment", s.replicas, f"{s.deployments} deployment(s)"],
        [
            "GPUs per pod",
            min(s.gpus_per_replica, s.gpus_per_node),
            f"TP {s.tensor_parallel} x PP {s.pipeline_parallel}",
        ],
        ["autoscaler min / max / target in-flight", f"{low} / {high} / {target}", ""],
        ["alert: TTFT over", f"{s.ttft_target_ms:g} ms at {s.slo_percentile}", "agreed SLO"],
        ["alert: TPOT over", f"{s.tpot_target_ms:g} ms at {s.slo_percentile}", "agreed SLO"],
        ["alert: queue depth over", q, "waiting requests per replica the TTFT budget absorbs"],
    ]
    out += _table(["setting", "value", "from"], rows)
    out += ["", "Notes:", ""] + [f"- {n}" for n in s.notes]
    return out + [""]


def _pairs(args: list[str]) -> list[str]:
    """Join each option with its value for a readable multi-line command."""
    out: list[str] = []
    for arg in args:
        if out and not arg.startswith("-") and out[-1].startswith("-") and " " not in out[-1]:
            out[-1] = f"{out[-1]} {shlex.quote(arg)}"
        else:
            out.append(shlex.quote(arg))
    return out


def markdown_sections(
    spec: SizedSpec,
    inputs: SizingInputs,
    overrides: PlanningOverrides | CostOverrides | None = None,
    *,
    sizer: Sizer | None = None,
    include_sensitivity: bool = True,
) -> str:
    """All planning sections as Markdown (level-2 headings), for the export.

    ``overrides`` is what the session stores (:class:`PlanningOverrides`); a bare
    :class:`CostOverrides` is accepted too. An infeasible spec gets one short section saying why.
    """
    from kickoff_tui.planning.business import business_report
    from kickoff_tui.planning.cost import CostOverrides, cost_report
    from kickoff_tui.planning.growth import growth_report
    from kickoff_tui.planning.overrides import PlanningOverrides
    from kickoff_tui.planning.sensitivity import sensitivity

    if overrides is None:
        plan = PlanningOverrides()
    elif isinstance(overrides, CostOverrides):
        plan = PlanningOverrides(cost=overrides)
    else:
        plan = overrides
    if not spec.feasible:
        out = [
            "## Cost, growth and deployment",
            "",
            f"Not computed: the spec is not feasible ({spec.infeasible_reason}).",
            "",
        ]
        if plan.scorecard is not None:
            out += scorecard_markdown(plan.scorecard)
        return "\n".join(out)
    out: list[str] = []
    report = cost_report(spec, inputs, plan.cost)
    out += cost_markdown(report, plan.cost)
    if plan.business is not None:
        out += business_markdown(business_report(plan.business, spec, report, plan.cost))
    out += growth_markdown(growth_report(spec, inputs, plan.growth, sizer))
    if include_sensitivity:
        out += sensitivity_markdown(sensitivity(spec, inputs, sizer))
    if plan.scorecard is not None:
        out += scorecard_markdown(plan.scorecard)
    out += deployment_markdown(spec, inputs)
    return "\n".join(out)
