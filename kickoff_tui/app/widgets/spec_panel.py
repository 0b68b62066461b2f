"""The live sized-spec panel: the figures the room watches change as answers arrive."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from kickoff_tui.app.format import ASSUMED_TAG, clip, kw, money, safe
from kickoff_tui.record.text import BOUND_WORDS, COOLING_WORDS, cooling_words  # noqa: F401 - re-exported
from kickoff_tui.sizing.spec import short_layout

if TYPE_CHECKING:
    from kickoff_tui.planning.cost import MonthlyCost
    from kickoff_tui.record import Questionnaire
    from kickoff_tui.sizing import SizedSpec

FIGURE_INPUTS: dict[str, tuple[str, ...]] = {
    "gpu": ("gpu",),
    "gpus_per_replica": ("model", "precision", "avg_input_tokens", "avg_output_tokens",
                         "max_context_tokens", "tpot_target_ms", "ttft_target_ms"),
    "replicas": ("peak_concurrency", "users", "requests_per_second", "tpot_target_ms",
                 "ttft_target_ms", "redundancy", "growth_headroom", "avg_input_tokens",
                 "avg_output_tokens"),
    "nodes": ("gpus_per_node",),
    "fabric": ("fabric",),
    "power": ("rack_power_kw",),
    "cooling": ("cooling",),
    "cost": ("price_basis",),
}
"""Sizing inputs each displayed figure rests on (a figure is *assumed* while any is a default).

Totals inherit the assumptions of the figures they multiply: total GPUs = GPUs per replica x
replicas, nodes and power follow total GPUs, cost follows total GPUs and the price basis.
"""

_INHERITS: dict[str, tuple[str, ...]] = {
    "total_gpus": ("gpus_per_replica", "replicas"),
    "units": ("total_gpus", "cost"),
    "nodes": ("total_gpus",),
    "power": ("total_gpus",),
    "cost": ("total_gpus",),
}


def figure_is_assumed(spec: SizedSpec, figure: str) -> bool:
    """Whether ``figure`` rests on at least one defaulted input (directly or via a total)."""
    if any(spec.is_assumed(name) for name in FIGURE_INPUTS.get(figure, ())):
        return True
    return any(figure_is_assumed(spec, parent) for parent in _INHERITS.get(figure, ()))


BOUND_LABELS = BOUND_WORDS
"""Plain-language names for ``SizedSpec.binding_constraint`` (kept in the record layer)."""

LABEL_WIDTH = 12
"""Characters reserved for a figure's label so values line up in a column."""


VENDOR_PREFIXES: tuple[str, ...] = ("NVIDIA ", "AMD Instinct ", "AMD ", "Intel ", "Google ", "AWS ")
"""Vendor words dropped from GPU names in the narrow panel (the review screen shows them)."""


def short_gpu_name(name: str) -> str:
    """GPU name without the vendor prefix ("AMD Instinct MI325X 256GB" -> "MI325X 256GB")."""
    for prefix in VENDOR_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def fabric_words(questionnaire: Questionnaire, value: object) -> str:
    """IT's fabric answer in words ("" for none or ``auto``, when the spec decides): the
    scale-out figure every spec panel (the wizard's, Review's, the replay's) shows, so the
    three agree."""
    question = questionnaire.find("fabric")
    if value is None or value == "auto" or question is None:
        return ""
    return question.label_of(value)  # type: ignore[arg-type]


def short_fabric(text: str) -> str:
    """The name part of a fabric description ("NVLink 5, 1800 GB/s..." -> "NVLink 5")."""
    if not text:
        return "—"
    return text.split(",")[0].split(" (")[0].strip()


def gpu_band(spec: SizedSpec) -> str:
    """``36 (30–44)``: the GPU count and its error band (``≥30, at risk`` when no layout meets
    the targets at the pessimistic end of the band)."""
    if spec.total_gpus_low is None:
        return str(spec.total_gpus)
    if spec.total_gpus_high is None:
        return f"{spec.total_gpus} (≥{spec.total_gpus_low}, at risk)"
    return f"{spec.total_gpus} ({spec.total_gpus_low}–{spec.total_gpus_high})"


NOT_SIZED = "— (not feasible)"
"""What a count reads when the workload cannot be served: never "0 GPU"."""


def spec_rows(spec: SizedSpec, cost_month: MonthlyCost | None = None,
              scale_out_answer: str = "") -> list[tuple[str, str, str]]:
    """(figure id, label, value) for every line of the panel, in display order. The cost is
    ``cost_month`` (the Plan tab's figure, staff included) when given; ``scale_out_answer`` is
    IT's fabric answer ("InfiniBand"), shown instead of the sizer's generic requirement."""
    fabric = short_fabric(spec.scale_up_fabric)
    scale_out = scale_out_answer or short_fabric(spec.scale_out_fabric)
    tp = f" ({short_layout(spec.layout)})" if spec.tensor_parallel > 1 else ""
    cooling = cooling_words(spec.cooling) or "—"
    if spec.cooling and not spec.cooling_ok:
        cooling += " ✗ too weak"
    if not spec.feasible or spec.total_gpus <= 0:
        return [
            ("gpu", "GPU", short_gpu_name(spec.gpu_name or spec.gpu or "—")),
            ("gpus_per_replica", "Per replica", NOT_SIZED),
            ("total_gpus", "Total GPUs", NOT_SIZED),
            ("fabric", "Scale-out", scale_out_answer or "—"),
            ("cooling", "Cooling", cooling_words(spec.cooling) or "—"),
        ]
    if cost_month is not None and cost_month.value is not None:
        cost = money(cost_month.value) + (" est." if cost_month.assumed else "")
    else:
        cost = money(spec.cost_per_month)
        if spec.cost_per_month is not None and spec.price_is_estimate:
            cost += " est."
    return [
        ("gpu", "GPU", short_gpu_name(spec.gpu_name or spec.gpu or "—")),
        ("gpus_per_replica", "Per replica",
         f"{spec.gpus_per_replica} GPU{'' if spec.gpus_per_replica == 1 else 's'}{tp}"),
        ("replicas", "Replicas", str(spec.replicas)),
        ("total_gpus", "Total GPUs", gpu_band(spec)),
        *([("units", "Bought", f"{spec.units} × {spec.unit_gpus}"
            + (f" ({spec.spare_gpus} spare)" if spec.spare_gpus else " GPU"))] if spec.units else []),
        ("nodes", "Nodes", f"{spec.nodes} × {spec.gpus_per_node} GPU"),
        ("fabric", "Scale-up", fabric),
        ("fabric", "Scale-out", scale_out),
        ("power", "IT power", kw(spec.it_power_kw)),
        ("cooling", "Cooling", cooling),
        ("cost", "Cost/month", cost),
    ]


def fold(value: str, room: int) -> tuple[str, str]:
    """``value`` in at most two lines of ``room`` columns, broken between words: (first line,
    the rest, cut with "…" if even two lines are too short; "" when it fits on one)."""
    if len(value) <= room:
        return value, ""
    cut = value.rfind(" ", 0, room + 1)
    if cut <= 0:
        return clip(value, room), ""
    return value[:cut], clip(value[cut + 1:], room)


FOLDED = frozenset({"gpu", "cooling"})
"""Figures whose value goes on to a second line rather than being cut: what is bought and how
it is cooled must read whole; the fabric rows stay one line (Review's why spells them out)."""

COMPACT_BELOW = 36
"""Below this many columns the panel marks assumed figures with ``*`` and a legend line."""
ASSUMED_MARK = "[dim]*[/]"
"""Short marker for an assumed figure in the compact panel (explained by its legend line)."""


def render_spec(spec: SizedSpec | None, *, pending: str = "", width: int = 40,
                cost: MonthlyCost | None = None, scale_out_answer: str = "") -> Content:
    """Markup for the panel body: figures, *assumed* tags and the binding constraint."""
    if spec is None:
        return Content.from_markup(
            "[dim]No spec yet.[/]\n" + (safe(pending) if pending else "Answer the questions;\n"
                                        "the spec appears here.")
        )
    compact = width < COMPACT_BELOW
    lines: list[str] = [f"[b]{safe(spec.model_name)}[/] [dim]{safe(spec.precision)}[/]"]
    if not spec.feasible:
        lines.append(f"[b $error]✗ NOT FEASIBLE[/] {safe(spec.infeasible_reason)}")
    any_assumed = False
    for figure, label, value in spec_rows(spec, cost, scale_out_answer):
        assumed = figure_is_assumed(spec, figure)
        any_assumed = any_assumed or assumed
        tag = (f" {ASSUMED_MARK}" if compact else f" {ASSUMED_TAG}") if assumed else ""
        style = "b $accent" if figure == "total_gpus" else "b"
        value_room = max(width - LABEL_WIDTH - (2 if compact else 8 if assumed else 0), 6)
        first, rest = fold(value, value_room) if figure in FOLDED else (clip(value, value_room), "")
        if not rest:
            lines.append(f"{label:<{LABEL_WIDTH}}[{style}]{safe(first)}[/]{tag}")
        else:  # a long name goes on under its own column ("rear-door heat / exchanger")
            lines.append(f"{label:<{LABEL_WIDTH}}[{style}]{safe(first)}[/]")
            lines.append(f"{'':<{LABEL_WIDTH}}[{style}]{safe(rest)}[/]{tag}")
        if figure == "cost" and cost is not None and cost.value is not None:
            lines.append(f"  [dim]{safe(cost.basis)}[/]")  # wraps when narrow, never cut
    if spec.feasible:  # an infeasible spec is bound by its reason above, not by a target
        bound = BOUND_LABELS.get(spec.binding_constraint, spec.binding_constraint)
        lines.append(f"[b $warning]▲ Bound by:[/] {safe(bound)}")
    if compact and any_assumed:
        lines.append("[dim]* assumed: rests on defaults[/]")
    return Content.from_markup("\n".join(lines))


class SpecPanel(Widget):
    """Shows a :class:`SizedSpec`; the screen sets :attr:`spec` after each answer."""

    DEFAULT_CSS = """
    SpecPanel { height: auto; }
    """

    spec: reactive[SizedSpec | None] = reactive(None)
    """The spec on display (``None`` until the sizer has run)."""
    pending: reactive[str] = reactive("")
    """Message shown when there is no spec (e.g. why sizing failed)."""
    cost: reactive[MonthlyCost | None] = reactive(None)
    """The one monthly cost of :attr:`spec` and its basis (set before :attr:`spec`)."""
    scale_out_answer: reactive[str] = reactive("")
    """IT's scale-out fabric answer in words ("" while unanswered or "whatever the spec needs")."""

    def _body(self) -> Content:
        return render_spec(self.spec, pending=self.pending, cost=self.cost,
                           scale_out_answer=self.scale_out_answer,
                           width=self.content_region.width or self.size.width or 40)

    def render(self) -> Content:
        return self._body()

    def watch_spec(self) -> None:
        # A repaint is enough while the panel keeps its height (the usual case while typing);
        # only a change in line count needs the slower full layout pass.
        if self.is_mounted and len(self._body().wrap(self.content_region.width or 40)) != self.content_region.height:
            self.refresh(layout=True)

    def watch_pending(self) -> None:
        self.watch_spec()
