"""Sensitivity: which single answer moves the GPU count most.

Each numeric sizing input is moved by -50% and +50% around its value (the answer, or the default
the sizer assumed), each optimisation toggle is flipped, and the sizer is re-run once per change
with everything else held, the SKU included (so a change never swaps the part being counted).
GPUs are counted as BOUGHT: the whole purchase or rental units (nodes, instances, racks) the
spec orders, the same GPUs its cost and power count; the GPUs the replicas need are shown next
to them. Rows are ranked by the larger of the two changes in GPUs bought; a change that makes
the workload unservable ranks first.
"""

from __future__ import annotations

from kickoff_tui.sizing.sizer import size_pinned

import math
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    field_validator,
)

from kickoff_tui.planning import constants as C
from kickoff_tui.planning.charts import diverging_chart

if TYPE_CHECKING:
    from kickoff_tui.sizing import SizedSpec, SizingInputs

Sizer = Callable[["SizingInputs"], "SizedSpec"]

TOGGLES: tuple[str, ...] = (
    "continuous_batching",
    "paged_attention",
    "prefix_caching",
    "speculative_decoding",
    "size_for_max_context",
    "lora_adapters",
)
"""Optimisation switches flipped one at a time."""

TOGGLE_DEFAULTS: dict[str, bool] = {
    "continuous_batching": True,
    "paged_attention": True,
    "prefix_caching": True,
    "speculative_decoding": False,
    "size_for_max_context": False,
    "lora_adapters": True,
}
"""What the sizer does when a switch is unanswered (``kickoff_tui/sizing/sizer.py`` resolve())."""

SKIPPED: dict[str, str] = {
    "gpu_count_budget": "checked against the spec, never used to size it",
    "expected_growth": "feeds the growth projection, not today's spec",
}
"""Numeric inputs the sizer does not use, with the reason."""

SPEC_RESOLVED: tuple[str, ...] = (
    "avg_input_tokens",
    "avg_output_tokens",
    "ttft_target_ms",
    "tpot_target_ms",
    "gpus_per_node",
)
"""Inputs whose resolved value the spec reports under the same name."""

OWNER: dict[str, str] = {
    **dict.fromkeys(
        (
            "use_case",
            "peak_concurrency",
            "users",
            "requests_per_user_per_hour",
            "requests_per_second",
            "burst_factor",
            "ttft_target_ms",
            "tpot_target_ms",
            "slo_percentile",
            "redundancy",
            "expected_growth",
        ),
        "application owner",
    ),
    **dict.fromkeys(
        (
            "model",
            "precision",
            "kv_precision",
            "avg_input_tokens",
            "avg_output_tokens",
            "max_context_tokens",
            "size_for_max_context",
            "serving_engine",
            "continuous_batching",
            "paged_attention",
            "prefix_caching",
            "prefix_hit_rate",
            "speculative_decoding",
            "speculative_speedup",
            "speculative_evidence",
            "finetuned_variants",
            "lora_adapters",
            "gpu_memory_utilization",
        ),
        "AI team",
    ),
    **dict.fromkeys(
        (
            "gpu",
            "growth_headroom",
            "gpu_count_budget",
            "gpus_per_node",
            "fabric",
            "rack_power_kw",
            "cooling",
            "price_basis",
        ),
        "IT",
    ),
}
"""Who owns each input: the role of its question in the shipped questionnaire (the person to
argue with); ``gpu_memory_utilization`` has no question and is the AI team's engine setting."""


class Side(BaseModel):
    """One re-run: the value tried and what the sizer made of it."""

    model_config = ConfigDict(extra="forbid")

    value: str
    total_gpus: int | None = None
    """GPUs BOUGHT (whole units); ``None`` when the changed input cannot be served (or is not a
    valid input)."""
    needed_gpus: int | None = None
    """GPUs the replicas need (``total_gpus`` less the spare GPUs of the last unit)."""
    delta: int | None = None
    """Change in GPUs bought."""
    cost_per_month: float | None = None
    note: str = ""


class SensitivityRow(BaseModel):
    """One input, moved down and up (or flipped)."""

    model_config = ConfigDict(extra="forbid")

    field: str
    owner: str
    kind: str
    """``numeric`` or ``toggle``."""
    base: str
    assumed: bool
    """The base value is a default the sizer assumed, not an answer."""
    low: Side | None = None
    """-50% (numeric) or ``None`` (toggle)."""
    high: Side | None = None
    """+50% (numeric) or the flipped value (toggle)."""
    swing: float = 0.0
    """Ranking key: the larger absolute GPU change; infinite when a side cannot be served (JSON
    has no infinity: written as ``null``, with ``unservable`` true)."""
    unservable: bool = False
    """A side cannot be served at all (the row ranks first; ``swing`` is infinite)."""

    @field_validator("swing", mode="before")
    @classmethod
    def _swing_in(cls, value: Any) -> Any:
        """``null`` (as written to JSON) reads back as infinite."""
        return math.inf if value is None else value

    @field_serializer("swing", when_used="json")
    def _swing_out(self, value: float) -> float | None:
        return value if math.isfinite(value) else None


class SensitivityReport(BaseModel):
    """Ranked rows plus what was skipped and why."""

    model_config = ConfigDict(extra="forbid")

    gpu: str
    baseline_gpus: int
    """GPUs bought by the baseline (whole units)."""
    baseline_needed: int = 0
    """GPUs the baseline's replicas need."""
    unit_name: str = ""
    baseline_cost_per_month: float | None = None
    rows: list[SensitivityRow]
    """Most influential first."""
    skipped: dict[str, str] = Field(default_factory=dict)
    held: str = ""
    """How the load is held while the other inputs move (said where it changes a reading)."""
    calls: int = 0
    """How many times the sizer ran."""

    def top(self, n: int = 5) -> list[SensitivityRow]:
        return [r for r in self.rows if r.swing > 0][:n]

    def chart(self, n: int = 10, width: int = 20, ascii_only: bool = False) -> list[str]:
        """Tornado chart of GPU changes: left = input -50% (or unchanged for toggles), right =
        input +50% (or flipped)."""
        rows = []

        def value(side: Side | None) -> float | str | None:
            if side is None:
                return None
            if side.delta is None:
                return "fails" if side.note.startswith("cannot be served") else "invalid"
            return side.delta

        for row in self.rows[:n]:
            rows.append((row.field, value(row.low), value(row.high)))
        head = (f"change in GPUs bought (whole units) vs {self.baseline_gpus} on {self.gpu}  "
                "(left: -50%  right: +50% or flipped)")
        return [head, *diverging_chart(rows, width=width, ascii_only=ascii_only)]


def _numeric_fields() -> list[str]:
    from kickoff_tui.sizing import SizingInputs

    out = []
    for name, info in SizingInputs.model_fields.items():
        args = set(typing.get_args(info.annotation)) or {info.annotation}
        if bool in args:
            continue
        if args & {int, float}:
            out.append(name)
    return out


def _bounds(field: str) -> tuple[float, float, bool]:
    """(lower, upper, lower-is-exclusive) from the field's pydantic constraints."""
    from kickoff_tui.sizing import SizingInputs

    low, high, exclusive = -math.inf, math.inf, False
    for meta in SizingInputs.model_fields[field].metadata:
        if getattr(meta, "ge", None) is not None:
            low = meta.ge
        if getattr(meta, "gt", None) is not None:
            low, exclusive = meta.gt, True
        if getattr(meta, "le", None) is not None:
            high = meta.le
        if getattr(meta, "lt", None) is not None:
            high = meta.lt
    return low, high, exclusive


def _is_int(field: str) -> bool:
    from kickoff_tui.sizing import SizingInputs

    return int in set(typing.get_args(SizingInputs.model_fields[field].annotation))


def _assumed(spec: SizedSpec, field: str) -> str | None:
    for item in spec.assumptions:
        if item.field == field:
            return str(item.value)
    return None


def _parse_number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text.strip().split()[0].rstrip("x%"))
    except (ValueError, IndexError):
        return None


def base_value(field: str, inputs: SizingInputs, spec: SizedSpec) -> tuple[float | None, bool]:
    """(value, assumed) an input is varied around: the answer, else what the sizer used."""
    given = getattr(inputs, field)
    if given is not None:
        return float(given), False
    if field == "peak_concurrency":
        if inputs.users is None and inputs.requests_per_second is None:
            # the stated (assumed) peak, before the burst the sizer applies on top
            return float(spec.stated_concurrency or spec.peak_concurrency), True
        return None, False
    if field in SPEC_RESOLVED:
        return float(getattr(spec, field)), True
    if field == "gpu_memory_utilization":
        from kickoff_tui.sizing.constants import GPU_MEMORY_UTILIZATION

        return GPU_MEMORY_UTILIZATION, True
    number = _parse_number(_assumed(spec, field))
    return (number, True) if number is not None else (None, False)


def _moved(field: str, base: float, factor: float) -> float:
    low, high, exclusive = _bounds(field)
    value = base * factor
    if _is_int(field):
        value = float(max(1, round(value)))
    if exclusive and value <= low:
        value = low + (base - low) / 2 if base > low else base
    value = min(max(value, low), high)
    return value


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def sensitivity(
    spec: SizedSpec,
    inputs: SizingInputs,
    sizer: Sizer | None = None,
    step: float = C.SENSITIVITY_STEP,
) -> SensitivityReport:
    """Re-size once per input change and rank the inputs by how far they move total GPUs."""
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.sizing import SizingInputs

    sizer = sizer or size_pinned
    pinned = inputs.model_copy(update={"gpu": spec.gpu})
    calls = 0

    def run(update: dict[str, Any]) -> tuple[SizedSpec | None, str]:
        nonlocal calls
        try:
            candidate = SizingInputs.model_validate({**pinned.model_dump(), **update})
        except ValidationError as err:
            first = err.errors()[0]
            return None, f"not a valid input: {first.get('msg')}"
        calls += 1
        try:
            return sizer(candidate), ""
        except (ValueError, ArithmeticError, KickoffError) as err:
            return None, str(err)

    baseline, why = run({})
    if baseline is None or not baseline.feasible:
        raise KickoffError(
            f"the spec on {spec.gpu} is not feasible ({why or (baseline.infeasible_reason if baseline else '')}); "
            "sensitivity needs a servable baseline"
        )
    from kickoff_tui.planning.growth import bought

    base_gpus = bought(baseline)

    def side(value: Any, update: dict[str, Any]) -> Side:
        result, note = run(update)
        if result is None:
            return Side(value=_fmt(value), note=note)
        if not result.feasible:
            return Side(value=_fmt(value), note=f"cannot be served: {result.infeasible_reason}")
        return Side(
            value=_fmt(value),
            total_gpus=bought(result),
            needed_gpus=result.total_gpus,
            delta=bought(result) - base_gpus,
            cost_per_month=result.cost_per_month,
        )

    def swing(*sides: Side | None) -> float:
        worst = 0.0
        for s in sides:
            if s is None:
                continue
            if s.total_gpus is None and s.note.startswith("cannot be served"):
                return math.inf
            if s.delta is not None:
                worst = max(worst, abs(s.delta))
        return worst

    rows: list[SensitivityRow] = []
    skipped: dict[str, str] = {}
    for field in _numeric_fields():
        if field in SKIPPED:
            skipped[field] = SKIPPED[field]
            continue
        base, assumed = base_value(field, inputs, spec)
        if base is None:
            skipped[field] = "not answered"
            continue
        if base == 0:
            skipped[field] = "0: moving it by a share of itself changes nothing"
            continue
        lo_value = _moved(field, base, 1.0 - step)
        hi_value = _moved(field, base, 1.0 + step)
        cast = int if _is_int(field) else float
        lo = (
            Side(value=_fmt(lo_value), delta=0, total_gpus=base_gpus, needed_gpus=baseline.total_gpus,
                 note="at its lower bound")
            if lo_value == base
            else side(lo_value, {field: cast(lo_value)})
        )
        hi = (
            Side(value=_fmt(hi_value), delta=0, total_gpus=base_gpus, needed_gpus=baseline.total_gpus,
                 note="at its upper bound")
            if hi_value == base
            else side(hi_value, {field: cast(hi_value)})
        )
        moved = swing(lo, hi)
        rows.append(
            SensitivityRow(
                field=field,
                owner=OWNER.get(field, ""),
                kind="numeric",
                base=_fmt(base),
                assumed=assumed,
                low=lo,
                high=hi,
                swing=moved,
                unservable=math.isinf(moved),
            )
        )
    for field in TOGGLES:
        given = getattr(inputs, field)
        current = TOGGLE_DEFAULTS[field] if given is None else bool(given)
        flipped = side(not current, {field: not current})
        moved = swing(flipped)
        rows.append(
            SensitivityRow(
                field=field,
                owner=OWNER.get(field, ""),
                kind="toggle",
                base=_fmt(current),
                assumed=given is None,
                high=flipped,
                swing=moved,
                unservable=math.isinf(moved),
            )
        )
    rows.sort(key=lambda r: (-r.swing, r.field))
    held = ""
    if inputs.peak_concurrency is not None:
        # The load answered as requests in flight stays fixed: by Little's law, shorter answers
        # (or prompts) then mean more requests a second, each with a prompt to prefill.
        held = (f"The load is held at the answered {inputs.peak_concurrency:,} requests in flight: "
                "shorter answers at the same count in flight mean more requests a second (more "
                f"prompts to prefill), so avg_output_tokens -{step:.0%} can need more GPUs, not fewer.")
    return SensitivityReport(
        held=held,
        gpu=spec.gpu,
        baseline_gpus=base_gpus,
        baseline_needed=baseline.total_gpus,
        unit_name=baseline.unit_name,
        baseline_cost_per_month=baseline.cost_per_month,
        rows=rows,
        skipped=skipped,
        calls=calls,
    )
