"""Markdown for the planning sections of the export (cost, growth, business case, scorecard,
sensitivity, deployment). The lead's ``kickoff export --markdown`` appends
:func:`markdown_sections` after the spec and the decision log."""

from __future__ import annotations

import re
import shlex
from typing import TYPE_CHECKING

from kickoff_tui.errors import KickoffError
from kickoff_tui.planning.figures import Figure, num, usd

if TYPE_CHECKING:
    from kickoff_tui.planning.business import BusinessReport
    from kickoff_tui.planning.cost import CostOverrides, CostReport
    from kickoff_tui.planning.growth import GrowthReport, Sizer
    from kickoff_tui.planning.overrides import PlanningOverrides
    from kickoff_tui.planning.scorecard import Scorecard
    from kickoff_tui.planning.sensitivity import SensitivityReport
    from kickoff_tui.sizing import SizedSpec, SizingInputs


KEEP = "\x02"
"""Starts a line of ours that :func:`safe_markdown` writes as it is: a chart image, a code fence
and the lines inside it, or a section already made safe. User text can never start a line with
it: files, answers and the catalog refuse control characters."""

BREAK = "\x01"
"""A line break inside a table cell: ``<br>`` once :func:`safe_markdown` has escaped the text."""

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LINK_CLOSE = re.compile(r"\](?=\s*[(:])")
"""A ``]`` that could close a link or an image (``[x](javascript:...)``) or a link definition
(``[ref]: javascript:...``; ``[x][ref]`` and ``[ref]`` links need one, so they cannot form)."""
_FENCE = re.compile(r"^(\s*)([`~])(?=\2\2)")
_UNESCAPES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&#93;": "]", "&#96;": "`", "&#126;": "~"}
_UNESCAPE = re.compile("|".join(re.escape(k) for k in _UNESCAPES))


def escape_text(line: str) -> str:
    """One line of report text made inert for any Markdown renderer, still readable: ``&``, ``<``
    and ``>`` as entities (no raw HTML, no ``<javascript:...>`` autolink), a ``]`` that could
    close a link or an image as ``&#93;``, and a fence a line of text would open (```` ``` ````)
    broken, so no block of ours is read as code or code as text."""
    out = "".join(_ESCAPES.get(c, c) for c in line)
    out = _LINK_CLOSE.sub("&#93;", out)
    return _FENCE.sub(lambda m: m.group(1) + ("&#96;" if m.group(2) == "`" else "&#126;"), out)


def unescape_text(text: str) -> str:
    """The text :func:`escape_text` escaped, as it was (the HTML export escapes it its own way)."""
    return _UNESCAPE.sub(lambda m: _UNESCAPES[m.group()], text)


def keep(line: str) -> str:
    """A line of ours that :func:`safe_markdown` must not escape (a chart image, a code fence)."""
    return KEEP + line


def safe_markdown(text: str) -> str:
    """The report's Markdown with every line escaped (:func:`escape_text`) except the lines
    marked :func:`keep`, and the table cells' line breaks (:data:`BREAK`) as ``<br>``.

    Text from a received session (titles, names, answers, rationales, flag reasons, scorecard
    names) reaches the report in many places, mixed with the report's own emphasis; escaping the
    whole text once, where it is finished, leaves none of them out. The report's own Markdown
    (headings, lists, tables, ``**bold**``, `` `code` ``) uses none of the escaped characters."""
    lines = []
    for line in text.split("\n"):
        if line.startswith(KEEP):
            lines.append(line[len(KEEP):])
        else:
            lines.append(escape_text(line).replace(BREAK, "<br>"))
    return "\n".join(lines)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _trace(fig: Figure | None) -> str:
    if fig is None:
        return ""
    mark = " *(assumed)*" if fig.assumed else ""
    return f"- **{fig.label}**: {fig.text()} = {fig.trace}{mark}"


def error_band(spec: SizedSpec) -> tuple[float, float] | None:
    """The sizer's error band for this spec as (low, high) multipliers of the GPU count (and so of
    the cost), e.g. (0.85, 1.3): the spec's GPU-count band over its GPU count. ``None`` when the
    spec carries no band (infeasible); every place that prints a monthly cost reads it here."""
    low, high = getattr(spec, "total_gpus_low", None), getattr(spec, "total_gpus_high", None)
    if low is None or high is None or not getattr(spec, "total_gpus", 0):
        return None
    return low / spec.total_gpus, high / spec.total_gpus


def band_text(spec: SizedSpec | None, value: float | None) -> str:
    """``$48,000-$70,000`` for a monthly cost with the spec's error band, else a plain note."""
    band = error_band(spec) if spec is not None else None
    if band is None or value is None:
        return "no error band yet"
    return f"{usd(value * band[0])}-{usd(value * band[1])}"


def monthly_cost(report: CostReport, option: str | None = None) -> float | None:
    """THE monthly cost of a price basis in every part of the report: the option's GPUs (rent, or
    depreciation + power when bought) plus the operations staff every option needs."""
    opt = report.option(option or report.chosen_option)
    if not opt.available or opt.per_month is None or opt.per_month.value is None:
        return None
    return opt.per_month.value + (report.staff_per_month.value or 0.0)


def cost_rows(report: CostReport) -> list[tuple[str, float | None, float | None, str]]:
    """(basis, monthly cost, horizon total, note) for every basis, staff included in both."""
    rows = []
    for opt in report.options:
        total = opt.horizon_total_with_staff.value if opt.horizon_total_with_staff else None
        note = []
        if opt.option == report.chosen_option:
            note.append("chosen")
        if opt.option == report.cheapest_option:
            note.append(f"cheapest over {report.horizon_years} years")
        if not opt.available:
            note.append(opt.reason)
        rows.append((opt.option, monthly_cost(report, opt.option), total if opt.available else None, ", ".join(note)))
    return rows


COMPONENT_LABELS = {
    "per_hour": "{option} GPU cost per hour",
    "per_month": "{option} GPU cost per month (before staff)",
    "horizon": "{option} GPU cost over the horizon (before staff)",
}
"""Trace labels for the parts of a monthly cost, so no part reads as a second monthly cost."""


def _component(fig: Figure) -> Figure:
    option, _, part = fig.key.rpartition(".")
    if option and option != "staff" and part in COMPONENT_LABELS:  # staff is not a GPU cost
        return fig.model_copy(update={"label": COMPONENT_LABELS[part].format(option=option)})
    return fig


def cost_markdown(
    report: CostReport,
    spec: SizedSpec | None = None,
    chart: str | None = None,
    *,
    overrides: CostOverrides | None = None,
) -> list[str]:
    """The cost section: one monthly cost per basis (staff included), its band, the prices used,
    then how each figure was computed. ``overrides`` (the session's cost answers) name the basis
    of the chosen monthly cost in words (e.g. the depreciation years), as the app shows it."""
    staff = report.staff_per_month.value or 0.0
    out = [f"## Cost ({report.gpu_name}, {report.total_gpus} GPUs)", ""]
    from kickoff_tui.planning.cost import monthly_cost as basis_cost

    chosen = monthly_cost(report)
    basis = basis_cost(report, overrides).basis
    out.append(
        f"Chosen price basis: **{report.chosen_option}** ({basis}), **{usd(chosen)}/month** "
        f"({band_text(spec, chosen)}). Cheapest over {report.horizon_years} years: "
        f"**{report.cheapest_option or 'n/a'}**. Every monthly cost below includes the operations "
        f"staff ({usd(staff)}/month, the same for every basis)."
        + (f" At the average load ({report.utilisation.text()} utilisation) that is "
           f"**${report.per_million_tokens.value:,.3f} per million tokens** (input + output)"
           + (f", and {usd(report.per_million_output_tokens.value)} per million output tokens"
              if report.per_million_output_tokens is not None else "")
           + ", staff included." if report.per_million_tokens is not None
           and report.per_million_tokens.value is not None else "")
    )
    out.append("")
    rows = []
    for opt in report.options:
        if not opt.available:
            rows.append([opt.option, "n/a", "n/a", "n/a", "n/a", "n/a", opt.reason])
            continue
        month = monthly_cost(report, opt.option)
        rows.append(
            [
                opt.option + (" (chosen)" if opt.option == report.chosen_option else ""),
                f"{usd(month)}/month",
                opt.horizon_total_with_staff.text() if opt.horizon_total_with_staff else "",
                *_per_million_cells(report, month),
                opt.break_even_utilisation.text() if opt.break_even_utilisation else "-",
                f"{opt.quote.price_text()} ({opt.quote.cite()})" if opt.quote else "",
            ]
        )
    out += _table(
        [
            "basis",
            "monthly cost",
            f"{report.horizon_years}-year total",
            "per M tokens, in + out (avg load)",
            "per M output tokens (avg load)",
            "break-even utilisation",
            "price",
        ],
        rows,
    )
    if chart:
        out += ["", keep(f"![Monthly cost per price basis, staff included]({chart})")]
    out += [
        "",
        "How the figures were computed (each monthly cost = the GPU figure per month + staff):",
        "",
    ]
    figures = [_component(f) for f in report.traced_figures() if f is not None]
    out += [_trace(f) for f in figures]
    if chosen is not None:
        gpu_month = report.chosen.per_month.value if report.chosen.per_month else None
        out.append(
            f"- **{report.chosen_option} monthly cost**: {usd(chosen)}/month = GPU cost "
            f"{usd(gpu_month)}/month + operations staff {usd(staff)}/month"
        )
    if report.managed_api:
        out += ["", "Managed API comparison:", ""] + [_trace(f) for f in report.managed_api]
    caveats = [f"{o.option}: {o.caveat}" for o in report.options if o.caveat]
    notes = report.warnings + caveats + [f"assumed: {a}" for a in report.assumptions]
    if notes:
        out += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    return out + [""]


def growth_markdown(
    report: GrowthReport, cost: CostReport | None = None, chart: str | None = None
) -> list[str]:
    """The growth section: headroom, the month it runs out, scenarios (costed on the chosen
    basis, staff included, so they compare with the cost section), chart."""
    out = ["## Growth", ""]
    cap = report.capacity_multiplier
    out.append(
        f"- Sized fleet: {report.sized_gpus} GPUs bought in whole units"
        + (f" ({report.sized_needed} needed)" if report.sized_needed and report.sized_needed != report.sized_gpus else "")
        + "; today's peak without headroom needs "
        + (f"{report.needed_today} bought" if report.needed_today is not None else "n/a")
        + (f" ({report.needed_today_gpus} needed)" if report.needed_today_gpus not in (None, report.needed_today) else "")
        + "."
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
                f"{sc.total_gpus} / {sc.gpus_bought}" if sc.feasible else "cannot serve",
                f"{sc.replicas} x {sc.layout}" if sc.layout else sc.replicas,
                sc.nodes,
                f"{num(sc.it_power_kw, 1)} kW",
                usd(_scenario_month(sc, cost)),
                ("fits today's fleet" if sc.fits_sized_fleet else f"+{sc.extra_gpus} GPUs")
                if sc.feasible
                else sc.reason,
            ]
        )
    out += _table(
        [
            "scenario",
            "traffic",
            "design in flight",
            "GPUs needed / bought",
            "replicas",
            "nodes",
            "IT power",
            f"monthly cost ({cost.chosen_option})" if cost else "per month",
            "vs sized",
        ],
        rows,
    )
    if chart:
        out += ["", keep(f"![GPUs needed month by month against the sized fleet]({chart})")]
    return out + [""]


def _scenario_month(sc, cost: CostReport | None) -> float | None:
    """A scenario's monthly cost on the chosen basis: today's monthly cost per GPU (GPUs + staff)
    x the scenario's GPUs, so it reads against the cost section (not the catalog list price)."""
    gpus = sc.gpus_bought or sc.total_gpus  # cost.total_gpus counts whole units: so do these
    if cost is None or not sc.feasible or not gpus:
        return sc.cost_per_month
    today = monthly_cost(cost)
    if today is None or not cost.total_gpus:
        return sc.cost_per_month
    return today / cost.total_gpus * gpus


def _per_million_cells(report: CostReport, month: float | None) -> list[str]:
    """A row's cost per million tokens (input + output, output only), as `kickoff cost` shows
    them."""
    both, out = report.per_million(month)
    return [f"${both:,.3f}" if both is not None else "-", usd(out) if out is not None else "-"]


def business_markdown(report: BusinessReport) -> list[str]:
    """The business case: ROI, payback and the verdict (red flag in words)."""
    flag = {"red": "RED FLAG", "weak": "WEAK", "adequate": "ADEQUATE", "strong": "STRONG"}[report.verdict]
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


def sensitivity_markdown(
    report: SensitivityReport, top: int = 12, chart: str | None = None
) -> list[str]:
    """Ranked table and tornado chart."""
    out = [
        f"## Sensitivity ({report.baseline_gpus} GPUs bought in whole units on {report.gpu}; each input -50% / +50%, "
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
    if chart:
        out += ["", keep(f"![Change in GPUs when each input moves by half]({chart})")]
    if report.skipped:
        out += [
            "",
            "Not varied: " + "; ".join(f"{k} ({v})" for k, v in report.skipped.items()) + ".",
        ]
    if report.held:
        out += ["", report.held]
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
        "`kickoff deploy FILE --target k8s|lws|helm-production-stack|kserve --out DIR` (or "
        "`--out -` for `kubectl apply -f -`) writes the manifests, a PrometheusRule and "
        "ServiceMonitor, and launch scripts for vLLM, SGLang and TensorRT-LLM.",
        "",
        keep("```sh"),
        *(keep(line) for line in command.split("\n")),
        keep("```"),
        "",
    ]
    rows = [
        ["replicas per deployment", s.replicas, f"{s.deployments} deployment{'' if s.deployments == 1 else 's'}"],
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


class PlanningParts:
    """Every planning report of one spec, computed once for the Markdown, the charts and the
    memo (growth and sensitivity call the sizer dozens of times)."""

    def __init__(self, spec, inputs, plan, cost, business, growth, sens, errors=None) -> None:
        self.spec, self.inputs, self.plan = spec, inputs, plan
        self.cost, self.business, self.growth, self.sensitivity = cost, business, growth, sens
        self.errors: dict[str, str] = errors or {}
        """Why a report could not be computed ("growth", "sensitivity" -> a one-line reason)."""


def planning_parts(
    spec: SizedSpec,
    inputs: SizingInputs,
    overrides: PlanningOverrides | CostOverrides | None = None,
    *,
    sizer: Sizer | None = None,
    include_sensitivity: bool = True,
) -> PlanningParts:
    """Compute the cost, business, growth and sensitivity reports (``None`` each when the spec
    is infeasible)."""
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
        return PlanningParts(spec, inputs, plan, None, None, None, None)
    cost = cost_report(spec, inputs, plan.cost)
    business = (
        business_report(plan.business, spec, cost, plan.cost) if plan.business is not None else None
    )
    # Growth and sensitivity re-size the answers: answers a spec signed off earlier no longer
    # match (a model since taken out of the catalog) cannot be re-sized. The rest of the report
    # stands; the section says why it is missing.
    errors: dict[str, str] = {}
    growth = sens = None
    try:
        growth = growth_report(spec, inputs, plan.growth, sizer, plan.cost)
    except KickoffError as err:
        errors["growth"] = str(err)
    if include_sensitivity:
        try:
            sens = sensitivity(spec, inputs, sizer)
        except KickoffError as err:
            errors["sensitivity"] = str(err)
    return PlanningParts(spec, inputs, plan, cost, business, growth, sens, errors)


CHART_NAMES: tuple[str, ...] = ("cost", "growth", "sensitivity")
"""The report's charts (``NAME.svg``)."""


def chart_svgs(parts: PlanningParts, top: int = 12) -> dict[str, str]:
    """name -> SVG document of the report's charts (empty for an infeasible spec)."""
    from kickoff_tui.planning.charts import svg_bar_chart, svg_tornado

    out: dict[str, str] = {}
    if parts.cost is not None:
        rows = [(basis, month) for basis, month, _, _ in cost_rows(parts.cost)]
        out["cost"] = svg_bar_chart(
            rows,
            title=f"Monthly cost per price basis ({parts.cost.total_gpus} x {parts.cost.gpu_name})",
            unit="$/month",
            highlight=parts.cost.chosen_option,
            note=f"GPUs + operations staff; dark bar: the chosen basis ({parts.cost.chosen_option}); "
            "n/a: no price known",
        )
    growth = parts.growth
    if growth is not None and growth.points:
        step = max(1, -(-len(growth.points) // 13))
        shown = growth.points[::step]
        if shown[-1] is not growth.points[-1]:
            shown.append(growth.points[-1])
        rate = growth.monthly_rate.value if growth.monthly_rate else 0.0
        out["growth"] = svg_bar_chart(
            [(f"month {p.month}", None if p.gpus_bought is None else float(p.gpus_bought)) for p in shown],
            title=f"GPUs to buy (whole units) at +{rate * 100:.1f}% traffic a month",
            unit="GPUs",
            marker=float(growth.sized_gpus),
            marker_label=f"{growth.sized_gpus} GPUs bought",
            note="orange: more GPUs than sized (buy or rent more before that month)",
        )
    sens = parts.sensitivity
    if sens is not None and sens.rows:

        def side(s):  # noqa: ANN001, ANN202 - local formatter
            if s is None:
                return None
            if s.delta is None:
                return "fails" if s.note.startswith("cannot be served") else "invalid"
            return s.delta

        out["sensitivity"] = svg_tornado(
            [(r.field, side(r.low), side(r.high)) for r in sens.rows[:top]],
            title=f"What moves the GPUs bought most (baseline {sens.baseline_gpus} on {sens.gpu})",
            unit="GPUs",
        )
    return out


def markdown_sections(
    spec: SizedSpec,
    inputs: SizingInputs,
    overrides: PlanningOverrides | CostOverrides | None = None,
    *,
    sizer: Sizer | None = None,
    include_sensitivity: bool = True,
    parts: PlanningParts | None = None,
    charts: dict[str, str] | None = None,
) -> str:
    """All planning sections as Markdown (level-2 headings), for the export.

    ``overrides`` is what the session stores (:class:`PlanningOverrides`); a bare
    :class:`CostOverrides` is accepted too. ``parts`` reuses reports already computed;
    ``charts`` maps a chart name (``CHART_NAMES``) to the path the Markdown links to. An
    infeasible spec gets one short section saying why.
    """
    if parts is None:
        parts = planning_parts(
            spec, inputs, overrides, sizer=sizer, include_sensitivity=include_sensitivity
        )
    charts = charts or {}
    plan = parts.plan
    if not spec.feasible:
        out = [
            "## Cost, growth and deployment",
            "",
            f"Not computed: the spec is not feasible ({spec.infeasible_reason}).",
            "",
        ]
        if plan.scorecard is not None:
            out += scorecard_markdown(plan.scorecard)
        return safe_markdown("\n".join(out))
    out: list[str] = []
    out += cost_markdown(parts.cost, spec, charts.get("cost"), overrides=plan.cost)
    if parts.business is not None:
        out += business_markdown(parts.business)
    if parts.growth is not None:
        out += growth_markdown(parts.growth, parts.cost, charts.get("growth"))
    else:
        out += not_computed("Growth", parts.errors.get("growth", ""))
    if parts.sensitivity is not None:
        out += sensitivity_markdown(parts.sensitivity, chart=charts.get("sensitivity"))
    elif "sensitivity" in parts.errors:
        out += not_computed("Sensitivity", parts.errors["sensitivity"])
    if plan.scorecard is not None:
        out += scorecard_markdown(plan.scorecard)
    out += deployment_markdown(spec, inputs)
    return safe_markdown("\n".join(out))


def not_computed(title: str, why: str) -> list[str]:
    """A section that could not be computed, and why (the rest of the report stands)."""
    return [f"## {title}", "", f"Not computed: {why or 'the answers cannot be re-sized'}.", ""]
