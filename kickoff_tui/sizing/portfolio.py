"""Several workloads on one shared fleet: ``size_portfolio(workloads) -> PortfolioSpec``.

Pure, like the single-workload sizer it calls: every per-workload figure comes from ``size()``
pinned to one SKU (``size_pinned``), so the portfolio never re-derives the sizing physics.

Method (``docs/sizing.md``, section "Portfolio"):

1. **Per workload, per SKU**: the workload's own spec on that SKU at its peak (replicas, layout,
   GPUs, cost); and, when its owner gives a peak window, its spec at the off-peak load.
2. **Shared replicas**: workloads on the same model, precision, KV precision and engine settings
   may share one deployment (LoRA variants ride along as adapters). The shared deployment is
   sized for the summed peak load at the tightest SLO of its members, their load-weighted token
   lengths, the strongest redundancy and the largest headroom. It is used only when it needs
   fewer GPUs than the separate deployments, and it is never credited with fewer GPUs than any
   subset of its members would need (a saving must survive adding a member).
3. **Peaks that do not coincide**: the day is split into the distinct combinations of
   workloads at their peak; the fleet is sized for the hour that needs the most GPUs, with each
   workload off its peak at ``off_peak_fraction`` of its peak load (its own deployment re-sized
   for that load). An hour never needs more than every workload at its peak at once (the fleet
   can always keep the peak configuration).
4. **The fleet per SKU**: nodes (replicas smaller than a node pack together, larger ones take
   whole nodes, as in the single-workload sizer), racks under the rack power limit, IT power,
   cooling, monthly cost at the platform's price basis.
5. **Cheapest SKU, or a two-SKU mix**: the single SKU with the cheapest fleet, unless moving the
   workloads for which another SKU is *clearly* better (``CLEARLY_CHEAPER``: more than 15% cheaper
   standalone) to that SKU gives a cheaper total.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from kickoff_tui.catalog import GPU, CatalogError, get_gpu, gpus
from kickoff_tui.sizing import constants as C
from kickoff_tui.sizing import defaults as D
from kickoff_tui.sizing.inputs import REDUNDANCY_CHOICES, SizingInputs
from kickoff_tui.sizing.sizer import (
    COOLING_LABEL,
    COOLING_ORDER,
    gpu_hour_price,
    is_consumer,
    node_power_kw,
    rack_plan,
    required_cooling,
    size_pinned,
)
from kickoff_tui.sizing.spec import SizedSpec

ALL_HOURS: frozenset[int] = frozenset(range(24))

DEFAULT_OFF_PEAK_FRACTION = 0.5
"""Off-peak load as a fraction of the peak when an owner gives a peak window but no off-peak
figure. Not a measurement: Kickoff's conservative choice (interactive traffic usually falls well
below half its peak outside its window), so a portfolio claims only part of the possible sharing
until the owner answers ``off_peak_fraction`` from the service's own gateway logs."""

CLEARLY_CHEAPER = 0.15
"""A second SKU is used for a workload only when it serves that workload standalone more than
15% cheaper than the fleet's main SKU: below that, one SKU type (one spares pool, one driver
stack, one set of runbooks) is worth more than the saving. Kickoff's rule, stated so it can be
argued with."""

MAX_SHARED_GROUP = 4
"""Largest set of workloads pooled on one deployment (the subset check is exponential in it);
a larger set of same-model workloads is pooled in groups of this size."""

PERCENTILE_ORDER = ("p50", "p90", "p95", "p99")

Sizer = Callable[[SizingInputs], SizedSpec]


# ----------------------------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Demand:
    """One workload as the portfolio sizer sees it."""

    name: str
    inputs: SizingInputs
    """The workload's answers plus IT's shared answers; ``gpu`` is ignored (the fleet picks)."""
    peak_hours: frozenset[int] = ALL_HOURS
    off_peak_fraction: float | None = None

    def fraction_at(self, hour: int) -> float:
        if hour in self.peak_hours:
            return 1.0
        return DEFAULT_OFF_PEAK_FRACTION if self.off_peak_fraction is None else self.off_peak_fraction


# ----------------------------------------------------------------------------------------------
# outputs
# ----------------------------------------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkloadSizing(_Out):
    """One workload on the SKU the fleet gives it."""

    name: str
    gpu: str
    model: str
    precision: str
    feasible: bool
    reason: str = ""
    tensor_parallel: int = 0
    pipeline_parallel: int = 1
    layout: str = ""
    """How one replica splits the model (``SizedSpec.layout``: TP / PP, and EP / DP attention)."""
    gpus_per_replica: int = 0
    concurrency_per_replica: int = 0
    peak_concurrency: int = 0
    replicas: int = 0
    """Replicas it needs alone at its peak (headroom and redundancy included)."""
    total_gpus: int = 0
    """GPUs it needs alone at its peak."""
    cost_per_month: float | None = None
    """What it would cost alone on this SKU."""
    binding_constraint: str = "none"
    peak_hours: str = "all day"
    off_peak_fraction: float = 1.0
    off_peak_gpus: int | None = None
    """GPUs it needs alone off its peak (None without a peak window)."""
    shares_with: list[str] = Field(default_factory=list)
    """Workloads whose replicas it shares (same model and precision)."""
    capacity_multiplier: float | None = None
    """How many times its peak traffic its load + headroom replicas carry."""
    gpu_band: tuple[float, float | None] | None = None
    spec: SizedSpec | None = None


class PoolSizing(_Out):
    """The fleet of one SKU (a whole fleet, or one side of a two-SKU mix)."""

    gpu: str
    gpu_name: str
    workloads: list[str]
    feasible: bool
    reason: str = ""
    total_gpus: int = 0
    gpus_bought: int = 0
    """GPUs paid for and powered: the need rounded up to whole orderable units."""
    gpus_per_node: int = 0
    nodes: int = 0
    racks: int = 0
    nodes_per_rack: int = 0
    it_power_kw: float = 0.0
    facility_power_kw: float = 0.0
    rack_density_kw: float = 0.0
    cooling: str = ""
    cooling_ok: bool = True
    scale_out_fabric: str = ""
    price_usd_per_gpu_hour: float | None = None
    price_source: str = ""
    price_is_estimate: bool = False
    cost_per_month: float | None = None
    busiest_hours: str = ""
    """The hours whose load the fleet is sized for."""
    separate_gpus: int = 0
    """GPUs if every workload had its own deployment sized for its own peak."""
    separate_cost_per_month: float | None = None
    pooled_gpus: int = 0
    """GPUs with shared replicas but every workload at its peak at once."""
    pooled_cost_per_month: float | None = None
    shared_deployments: list[list[str]] = Field(default_factory=list)
    """Workloads that run one shared deployment (same model: replicas shared)."""
    gpu_band: tuple[float, float | None] | None = None
    """Error band on the fleet's GPUs (sum of the workloads' bands), when the sizer gives one."""
    notes: list[str] = Field(default_factory=list)


class FleetOption(_Out):
    """A candidate fleet: one SKU, or two."""

    label: str
    pools: list[PoolSizing]
    feasible: bool
    reason: str = ""
    total_gpus: int = 0
    nodes: int = 0
    racks: int = 0
    it_power_kw: float = 0.0
    cost_per_month: float | None = None


class PortfolioSpec(_Out):
    """The shared fleet for a portfolio of workloads, and how it was chosen."""

    feasible: bool
    infeasible_reason: str = ""
    fleet: FleetOption | None = None
    workloads: list[WorkloadSizing] = Field(default_factory=list)
    single_sku: list[FleetOption] = Field(default_factory=list)
    """Every SKU's fleet for the whole portfolio, cheapest first."""
    best_single: str = ""
    mix_considered: str = ""
    """Why the chosen fleet is one SKU or a mix."""
    separate_gpus: int = 0
    separate_cost_per_month: float | None = None
    pooled_gpus: int = 0
    pooled_cost_per_month: float | None = None
    saving_shared_replicas_gpus: int = 0
    saving_peaks_gpus: int = 0
    notes: list[str] = Field(default_factory=list)

    def same_cost_note(self) -> str:
        """" (...)" when sharing saves GPUs but not money: the separate deployments and the
        shared fleet round up to the same whole purchase units (nodes), so the GPUs saved are
        spare capacity in nodes bought either way. Empty otherwise."""
        fleet = self.fleet
        if (fleet is None or fleet.total_gpus >= self.separate_gpus or fleet.cost_per_month is None
                or self.separate_cost_per_month is None
                or round(fleet.cost_per_month) != round(self.separate_cost_per_month)):
            return ""
        return " (the same cost: both round up to the same whole nodes, so the GPUs saved stay as spare capacity)"


# ----------------------------------------------------------------------------------------------
# sizing cache
# ----------------------------------------------------------------------------------------------


class Sizings:
    """Memoised pinned sizer calls (the portfolio asks for the same spec many times)."""

    def __init__(self, sizer: Sizer = size_pinned) -> None:
        self._sizer = sizer
        self._cache: dict[str, SizedSpec | None] = {}
        self.calls = 0

    def on(self, inputs: SizingInputs, gpu: str) -> SizedSpec | None:
        """The spec on ``gpu``; None when the inputs are refused (an unknown id)."""
        pinned = inputs.model_copy(update={"gpu": gpu})
        key = pinned.model_dump_json(exclude_none=True)
        if key not in self._cache:
            self.calls += 1
            try:
                self._cache[key] = self._sizer(pinned)
            except (CatalogError, ValueError):
                self._cache[key] = None
        return self._cache[key]


# ----------------------------------------------------------------------------------------------
# demand at an hour: GPUs and nodes
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """GPUs a set of deployments needs at one hour, split the way nodes are counted."""

    gpus: int = 0
    whole_nodes: int = 0
    """Nodes taken by replicas of a node or more."""
    packed_gpus: int = 0
    """GPUs of replicas smaller than a node (they pack together, across workloads too)."""

    def __add__(self, other: Need) -> Need:
        return Need(self.gpus + other.gpus, self.whole_nodes + other.whole_nodes,
                    self.packed_gpus + other.packed_gpus)

    def nodes(self, node: int) -> int:
        return self.whole_nodes + math.ceil(self.packed_gpus / node)

    def key(self, node: int) -> tuple[int, int]:
        return (self.gpus, self.nodes(node))


def need_of(spec: SizedSpec) -> Need:
    """The same node count as the single-workload sizer: ``nodes`` of that spec."""
    if spec.gpus_per_replica >= spec.gpus_per_node:
        return Need(spec.total_gpus, spec.nodes, 0)
    return Need(spec.total_gpus, 0, spec.total_gpus)


def _smaller(a: Need | None, b: Need, node: int) -> Need:
    return b if a is None or b.key(node) < a.key(node) else a


# ----------------------------------------------------------------------------------------------
# error band hook
# ----------------------------------------------------------------------------------------------


def spec_gpu_band(spec: SizedSpec) -> tuple[float, float | None] | None:
    """HOOK for the single-workload error band: (low, high) GPUs of a spec, or None.

    Reads ``total_gpus_low`` / ``total_gpus_high`` when the single-workload sizer provides them
    (``high`` None: no layout meets the targets at the pessimistic end). The portfolio sums the
    workloads' bands: one performance model sizes every workload, so their errors move together."""
    low = getattr(spec, "total_gpus_low", None)
    high = getattr(spec, "total_gpus_high", None)
    if not isinstance(low, (int, float)) or isinstance(low, bool):
        return None
    return float(low), (float(high) if isinstance(high, (int, float)) else None)


# ----------------------------------------------------------------------------------------------
# shared deployments
# ----------------------------------------------------------------------------------------------


def share_key(inputs: SizingInputs) -> tuple | None:
    """Workloads with equal keys may share replicas; None = this one never shares (full
    fine-tunes without LoRA are different weights)."""
    if (inputs.finetuned_variants or 1) > 1 and inputs.lora_adapters is False:
        return None
    return (inputs.model or D.DEFAULT_MODEL, inputs.precision, inputs.kv_precision,
            inputs.serving_engine, bool(inputs.size_for_max_context),
            bool(inputs.speculative_decoding), inputs.speculative_speedup,
            inputs.continuous_batching, inputs.paged_attention, inputs.prefix_caching,
            inputs.gpus_per_node)


def groups_of(demands: Sequence[Demand]) -> list[list[int]]:
    """Indices of workloads that may share replicas, in portfolio order."""
    by_key: dict[tuple, list[int]] = {}
    out: list[list[int]] = []
    for i, d in enumerate(demands):
        key = share_key(d.inputs)
        if key is None:
            out.append([i])
            continue
        by_key.setdefault(key, []).append(i)
    for members in by_key.values():
        for start in range(0, len(members), MAX_SHARED_GROUP):
            out.append(members[start:start + MAX_SHARED_GROUP])
    return sorted(out)


def _variants(members: Sequence[SizingInputs]) -> int:
    plain = any((m.finetuned_variants or 1) == 1 for m in members)
    tuned = sum(m.finetuned_variants or 1 for m in members if (m.finetuned_variants or 1) > 1)
    return max(1, tuned + (1 if plain else 0))


def merged_inputs(members: Sequence[tuple[SizingInputs, SizedSpec, int]]) -> SizingInputs | None:
    """One deployment for several same-model workloads: ``(inputs, its peak spec, load)``.

    Summed load, the tightest SLO, load-weighted token lengths, strongest redundancy, largest
    headroom, every LoRA variant. None when the merged answers are not valid together."""
    load = sum(n for _, _, n in members)
    if load < 1:
        return None
    base = max(members, key=lambda m: m[2])[0]
    isl = math.ceil(sum(s.avg_input_tokens * n for _, s, n in members) / load)
    osl = math.ceil(sum(s.avg_output_tokens * n for _, s, n in members) / load)
    redundancy = max((i.redundancy or D.DEFAULT_REDUNDANCY for i, _, _ in members),
                     key=REDUNDANCY_CHOICES.index)
    percentile = max((s.slo_percentile for _, s, _ in members), key=PERCENTILE_ORDER.index)
    contexts = [i.max_context_tokens for i, _, _ in members if i.max_context_tokens]
    hits = [i.prefix_hit_rate for i, _, _ in members]
    utils = [i.gpu_memory_utilization for i, _, _ in members if i.gpu_memory_utilization]
    variants = _variants([i for i, _, _ in members])
    update = dict(
        peak_concurrency=load, users=None, requests_per_user_per_hour=None,
        requests_per_second=None, burst_factor=None,
        ttft_target_ms=min(s.ttft_target_ms for _, s, _ in members),
        tpot_target_ms=min(s.tpot_target_ms for _, s, _ in members),
        slo_percentile=percentile, redundancy=redundancy,
        growth_headroom=max((i.growth_headroom or D.DEFAULT_GROWTH_HEADROOM) for i, _, _ in members),
        avg_input_tokens=isl, avg_output_tokens=osl,
        max_context_tokens=max(contexts) if contexts else None,
        prefix_hit_rate=None if any(h is None for h in hits) else min(hits),  # type: ignore[type-var]
        gpu_memory_utilization=min(utils) if utils else None,
        finetuned_variants=variants, lora_adapters=True if variants > 1 else base.lora_adapters,
    )
    try:
        return SizingInputs.model_validate({**base.model_dump(), **update})
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------
# one SKU: the fleet for a set of workloads
# ----------------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    demands: Sequence[Demand]
    sizings: Sizings
    groups: list[list[int]]
    peak: dict[tuple[int, str], SizedSpec | None] = field(default_factory=dict)
    alone_memo: dict[tuple[int, str, float], Need | None] = field(default_factory=dict)
    pooled_memo: dict[tuple[tuple[int, ...], str], Need | None] = field(default_factory=dict)
    pool_memo: dict[tuple[str, tuple[int, ...]], "PoolSizing"] = field(default_factory=dict)

    def peak_spec(self, w: int, gpu: str) -> SizedSpec | None:
        key = (w, gpu)
        if key not in self.peak:
            self.peak[key] = self.sizings.on(self.demands[w].inputs, gpu)
        return self.peak[key]

    def load(self, w: int, gpu: str, fraction: float) -> int:
        spec = self.peak_spec(w, gpu)
        assert spec is not None
        return 0 if fraction <= 0 else max(1, math.ceil(spec.peak_concurrency * fraction))

    def alone(self, w: int, gpu: str, fraction: float) -> Need | None:
        """The workload's own deployment at ``fraction`` of its peak; None when it cannot be served."""
        key = (w, gpu, fraction)
        if key not in self.alone_memo:
            self.alone_memo[key] = self._alone(w, gpu, fraction)
        return self.alone_memo[key]

    def _alone(self, w: int, gpu: str, fraction: float) -> Need | None:
        spec = self.peak_spec(w, gpu)
        if spec is None or not spec.feasible:
            return None
        if fraction >= 1:
            return need_of(spec)
        load = self.load(w, gpu, fraction)
        if load == 0:
            return Need()
        scaled = self.sizings.on(self.demands[w].inputs.model_copy(update={
            "peak_concurrency": load, "users": None, "requests_per_second": None,
            "requests_per_user_per_hour": None, "burst_factor": None}), gpu)
        if scaled is None or not scaled.feasible:
            return need_of(spec)  # keep the peak deployment: it serves less load too
        return _smaller(need_of(spec), need_of(scaled), spec.gpus_per_node)

    def merged(self, members: tuple[int, ...], gpu: str, fractions: dict[int, float]) -> Need | None:
        """One shared deployment for ``members`` at their loads (None: not possible)."""
        active = [(self.demands[w].inputs, self.peak_spec(w, gpu), self.load(w, gpu, fractions[w]))
                  for w in members]
        active = [(i, s, n) for i, s, n in active if n > 0]
        if not active:
            return Need()
        if len(active) == 1:
            w = next(m for m in members if self.load(m, gpu, fractions[m]) > 0)
            return self.alone(w, gpu, fractions[w])
        merged = merged_inputs(active)  # type: ignore[arg-type]
        if merged is None:
            return None
        spec = self.sizings.on(merged, gpu)
        if spec is None or not spec.feasible:
            return None
        return need_of(spec)

    def pooled(self, members: tuple[int, ...], gpu: str) -> Need | None:
        """Shared deployment at everyone's peak, never credited below what any subset of its
        members would need (so adding a member can never make it smaller)."""
        key = (members, gpu)
        if key in self.pooled_memo:
            return self.pooled_memo[key]
        result = self.merged(members, gpu, dict.fromkeys(members, 1.0))
        if result is not None and len(members) > 1:
            node = self.peak_spec(members[0], gpu).gpus_per_node  # type: ignore[union-attr]
            for drop in members:
                sub = self.pooled(tuple(m for m in members if m != drop), gpu)
                if sub is not None and sub.key(node) > result.key(node):
                    result = sub
        self.pooled_memo[key] = result
        return result


def _hours_label(hours: Sequence[int]) -> str:
    if len(hours) == 24:
        return "all day"
    spans: list[str] = []
    run: list[int] = []
    for h in sorted(hours):
        if run and h != run[-1] + 1:
            spans.append(f"{run[0]:02d}-{run[-1] + 1:02d}")
            run = []
        run.append(h)
    if run:
        spans.append(f"{run[0]:02d}-{run[-1] + 1:02d}")
    return ", ".join(spans)


def size_pool(ctx: _Ctx, members: Sequence[int], gpu: GPU) -> PoolSizing:
    """The fleet of ``gpu`` that serves ``members`` (indices into the portfolio)."""
    key = (gpu.id, tuple(members))
    if key not in ctx.pool_memo:
        ctx.pool_memo[key] = _size_pool(ctx, members, gpu)
    return ctx.pool_memo[key]


def _size_pool(ctx: _Ctx, members: Sequence[int], gpu: GPU) -> PoolSizing:
    names = [ctx.demands[w].name for w in members]
    base = dict(gpu=gpu.id, gpu_name=gpu.name, workloads=names)
    specs = {w: ctx.peak_spec(w, gpu.id) for w in members}
    for w, spec in specs.items():
        if spec is None:
            return PoolSizing(feasible=False, reason=f"{ctx.demands[w].name}: cannot be sized", **base)
        if not spec.feasible:
            return PoolSizing(feasible=False, reason=f"{ctx.demands[w].name}: {spec.infeasible_reason}",
                              **base)
    first = specs[members[0]]
    assert first is not None
    node = first.gpus_per_node
    groups = [tuple(w for w in g if w in specs) for g in ctx.groups]
    groups = [g for g in groups if g]
    # distinct hours: which fraction each member is at
    by_state: dict[tuple[float, ...], list[int]] = {}
    for hour in range(24):
        state = tuple(ctx.demands[w].fraction_at(hour) for w in members)
        by_state.setdefault(state, []).append(hour)
    peak_fr = {w: 1.0 for w in members}

    shared: list[tuple[int, ...]] = []

    def at(fractions: dict[int, float], cap: dict | None) -> tuple[Need, dict]:
        """GPUs at one hour. At the peak a same-model group may run one shared deployment; off
        the peak each workload scales its own replicas, never above the peak configuration."""
        total = Need()
        chosen: dict = {}
        for g in groups:
            separate = Need()
            for w in g:
                alone = ctx.alone(w, gpu.id, fractions[w])
                assert alone is not None
                separate = separate + alone
            best = separate
            if len(g) > 1 and cap is None:
                pooled = ctx.pooled(g, gpu.id)
                if pooled is not None and pooled.key(node) <= separate.key(node):
                    best = pooled
                    shared.append(g)
            if cap is not None:
                best = _smaller(best, cap[g], node)
            chosen[g] = best
            total = total + best
        return total, chosen

    peak_total, peak_chosen = at(peak_fr, None)
    separate_all = sum((ctx.alone(w, gpu.id, 1.0) or Need() for w in members), Need())
    worst: Need | None = None
    worst_hours: list[int] = []
    for state, hours in by_state.items():
        fractions = dict(zip(members, state, strict=True))
        total, _ = at(fractions, peak_chosen)
        if worst is None or total.key(node) > worst.key(node):
            worst, worst_hours = total, hours
        elif total.key(node) == worst.key(node):
            worst_hours = sorted(worst_hours + hours)
    assert worst is not None
    nodes = worst.nodes(node)
    first_inputs = ctx.demands[members[0]].inputs
    rack_kw = first_inputs.rack_power_kw or D.DEFAULT_RACK_POWER_KW
    basis = first.price_basis or D.DEFAULT_PRICE_BASIS
    unit = gpu.bought_in if basis == "purchase" else gpu.rented_in

    def whole(n: int) -> int:
        """GPUs in the whole units (servers, instances, racks) that hold ``n`` (as the sizer buys)."""
        return math.ceil(n / unit.gpus) * unit.gpus if n > 0 else 0

    bought = whole(worst.gpus)
    nodes = max(nodes, math.ceil(bought / node)) if bought else nodes
    facility = ctx.demands[members[0]].inputs.cooling
    per_rack, racks, density, note = rack_plan(gpu, nodes, node, rack_kw,
                                               first_inputs.rack_power_basis or D.DEFAULT_RACK_POWER_BASIS,
                                               unit.kind == "rack", facility)
    it_kw = bought * node_power_kw(gpu, node) / node * (1 + C.NETWORK_OVERHEAD_FRACTION)
    cooling = required_cooling(gpu, density)
    notes = [note] if note else []
    cooling_ok = per_rack >= 1
    if facility is not None and COOLING_ORDER.index(facility) < COOLING_ORDER.index(cooling):
        cooling_ok = False
        notes.append(f"racks of {density:.1f} kW need {COOLING_LABEL[cooling]}; the facility offers "
                     f"{COOLING_LABEL[facility]}")
    price, source, estimate = gpu_hour_price(gpu, basis)

    def monthly(n: int) -> float | None:
        return round(price * whole(n) * C.HOURS_PER_MONTH, 0) if price is not None else None

    cost = monthly(bought)
    spans = any(s is not None and s.gpus_per_replica > s.gpus_per_node for s in specs.values())
    fabric = ("InfiniBand NDR/XDR or RoCE 400G+ (a replica spans nodes)" if spans
              else "Ethernet front-end (replicas are independent)")
    bands = [spec_gpu_band(s) for s in specs.values() if s is not None]
    band = None
    if bands and all(b is not None for b in bands):
        # the workloads' summed band, scaled by what sharing saves on this fleet
        scale = worst.gpus / max(1, separate_all.gpus)
        highs = [b[1] for b in bands]  # type: ignore[index]
        band = (round(sum(b[0] for b in bands) * scale, 1),  # type: ignore[index]
                round(sum(highs) * scale, 1) if all(h is not None for h in highs) else None)  # type: ignore[misc]
    feasible = cooling_ok
    reason = "" if feasible else "; ".join(notes) or "no rack of this budget can host one node"
    return PoolSizing(
        feasible=feasible, reason=reason, total_gpus=worst.gpus, gpus_bought=bought,
        gpus_per_node=node, nodes=nodes,
        racks=racks, nodes_per_rack=per_rack, it_power_kw=round(it_kw, 1),
        facility_power_kw=round(it_kw * C.PUE_DEFAULT, 1), rack_density_kw=round(density, 1),
        cooling=cooling, cooling_ok=cooling_ok, scale_out_fabric=fabric,
        price_usd_per_gpu_hour=round(price, 4) if price is not None else None, price_source=source,
        price_is_estimate=estimate, cost_per_month=cost, busiest_hours=_hours_label(worst_hours),
        separate_gpus=separate_all.gpus, separate_cost_per_month=monthly(separate_all.gpus),
        pooled_gpus=peak_total.gpus, pooled_cost_per_month=monthly(peak_total.gpus),
        shared_deployments=[[ctx.demands[w].name for w in g] for g in shared], gpu_band=band, notes=notes,
        **base,
    )


# ----------------------------------------------------------------------------------------------
# the portfolio
# ----------------------------------------------------------------------------------------------


def _cost(option: FleetOption) -> float:
    return option.cost_per_month if option.cost_per_month is not None else math.inf


def _fleet(label: str, pools: list[PoolSizing]) -> FleetOption:
    feasible = all(p.feasible for p in pools) and all(p.cost_per_month is not None for p in pools)
    reason = "; ".join(f"{p.gpu}: {p.reason or 'no price'}" for p in pools
                       if not p.feasible or p.cost_per_month is None)
    costs = [p.cost_per_month for p in pools]
    return FleetOption(
        label=label, pools=pools, feasible=feasible, reason=reason,
        total_gpus=sum(p.total_gpus for p in pools), nodes=sum(p.nodes for p in pools),
        racks=sum(p.racks for p in pools), it_power_kw=round(sum(p.it_power_kw for p in pools), 1),
        cost_per_month=sum(c for c in costs if c is not None) if all(c is not None for c in costs) else None,
    )


def _rank(option: FleetOption) -> tuple:
    return (not option.feasible, _cost(option), option.it_power_kw, option.label)


def candidate_gpus(gpu_candidates: Sequence[str] | None) -> tuple[list[GPU], bool]:
    """(SKUs to compare, explicit?). Without a list: every catalog SKU but consumer cards."""
    if gpu_candidates:
        return [get_gpu(g) for g in gpu_candidates], True
    return [g for g in gpus() if not is_consumer(g)], False


def size_portfolio(demands: Sequence[Demand], gpu_candidates: Sequence[str] | None = None,
                   sizings: Sizings | None = None) -> PortfolioSpec:
    """Size the shared fleet. Raises CatalogError for an unknown GPU id in ``gpu_candidates``."""
    if not demands:
        raise ValueError("a portfolio needs at least one workload")
    sizings = sizings or Sizings()
    candidates, _ = candidate_gpus(gpu_candidates)
    ctx = _Ctx(demands=demands, sizings=sizings, groups=groups_of(demands))
    everyone = list(range(len(demands)))
    singles = sorted((_fleet(g.id, [size_pool(ctx, everyone, g)]) for g in candidates), key=_rank)
    best_single = next((o for o in singles if o.feasible), None)

    # standalone peak cost of each workload on each SKU (None = cannot serve it)
    alone: dict[tuple[int, str], float | None] = {}
    for w in everyone:
        for g in candidates:
            spec = ctx.peak_spec(w, g.id)
            alone[(w, g.id)] = spec.cost_per_month if spec is not None and spec.feasible else None
    best_mix: FleetOption | None = None
    if len(demands) > 1 and len(candidates) > 1:
        for a, b in itertools.permutations(candidates, 2):
            on_b = []
            for w in everyone:
                ca, cb = alone[(w, a.id)], alone[(w, b.id)]
                if cb is not None and (ca is None or cb < (1 - CLEARLY_CHEAPER) * ca):
                    on_b.append(w)
                elif ca is None:
                    on_b = []
                    break
            on_a = [w for w in everyone if w not in on_b]
            if not on_a or not on_b:
                continue
            mix = _fleet(f"{a.id} + {b.id}", [size_pool(ctx, on_a, a), size_pool(ctx, on_b, b)])
            if mix.feasible and (best_mix is None or _rank(mix) < _rank(best_mix)):
                best_mix = mix

    chosen = best_single
    why = ""
    if best_mix is not None and (best_single is None or _cost(best_mix) < _cost(best_single)):
        chosen = best_mix
        main_gpu, moved = best_mix.pools[0].gpu, best_mix.pools[1]
        index = {d.name: i for i, d in enumerate(demands)}
        reasons = [f"{name} on {moved.gpu} ("
                   + (f"{main_gpu} cannot serve it" if alone[(index[name], main_gpu)] is None else
                      f"more than {CLEARLY_CHEAPER:.0%} cheaper for it standalone") + ")"
                   for name in moved.workloads]
        why = (f"mix: {'; '.join(reasons)}"
               + (f", ${_cost(best_single) - _cost(best_mix):,.0f}/month below the best single SKU "
                  f"({best_single.label})" if best_single is not None else
                  "; no single SKU serves every workload"))
    elif best_single is not None:
        why = (f"one SKU: {best_single.label}"
               + (f"; the best two-SKU mix ({best_mix.label}) would cost "
                  + ("the same, " if round(_cost(best_mix)) == round(_cost(best_single)) else "")
                  + f"${_cost(best_mix):,.0f}/month" if best_mix is not None else
                  f"; no other SKU is more than {CLEARLY_CHEAPER:.0%} cheaper for any workload"
                  if len(demands) > 1 else ""))
    if chosen is None:
        # a one-SKU fleet's reason already starts with its SKU ("h100-sxm: one DGX H100 ...")
        reasons = "; ".join(o.reason if o.reason.startswith(f"{o.label}: ") else f"{o.label}: {o.reason}"
                            for o in singles[:3])
        return PortfolioSpec(feasible=False, single_sku=singles,
                             infeasible_reason=f"no SKU (or mix of two) serves every workload ({reasons})",
                             workloads=_breakdown(ctx, singles[0] if singles else None))
    separate = sum(p.separate_gpus for p in chosen.pools)
    pooled = sum(p.pooled_gpus for p in chosen.pools)
    sep_cost = sum(p.separate_cost_per_month or 0.0 for p in chosen.pools)
    pool_cost = sum(p.pooled_cost_per_month or 0.0 for p in chosen.pools)
    notes = []
    if any(d.peak_hours != ALL_HOURS and d.off_peak_fraction is None for d in demands):
        notes.append(f"off-peak load taken as {DEFAULT_OFF_PEAK_FRACTION:.0%} of the peak where "
                     "the owner gave a peak window but no off_peak_fraction")
    return PortfolioSpec(
        feasible=True, fleet=chosen, workloads=_breakdown(ctx, chosen), single_sku=singles,
        best_single=best_single.label if best_single else "", mix_considered=why,
        separate_gpus=separate, separate_cost_per_month=sep_cost, pooled_gpus=pooled,
        pooled_cost_per_month=pool_cost, saving_shared_replicas_gpus=separate - pooled,
        saving_peaks_gpus=pooled - chosen.total_gpus, notes=notes,
    )


def capacity_multiplier(spec: SizedSpec) -> float | None:
    """Multiple of the peak traffic its load + headroom replicas carry (redundancy excluded)."""
    if not spec.feasible or spec.peak_concurrency < 1:
        return None
    serving = (spec.replicas_for_load + spec.replicas_for_headroom) * spec.deployments
    return serving * spec.concurrency_per_replica / spec.peak_concurrency


def _breakdown(ctx: _Ctx, fleet: FleetOption | None) -> list[WorkloadSizing]:
    gpu_of: dict[str, str] = {}
    if fleet is not None:
        for pool in fleet.pools:
            for name in pool.workloads:
                gpu_of[name] = pool.gpu
    out = []
    for w, d in enumerate(ctx.demands):
        gpu = gpu_of.get(d.name) or (fleet.pools[0].gpu if fleet else "")
        spec = ctx.peak_spec(w, gpu) if gpu else None
        mates = [n for pool in (fleet.pools if fleet else []) for g in pool.shared_deployments
                 if d.name in g for n in g if n != d.name]
        windowed = d.peak_hours != ALL_HOURS
        fraction = d.fraction_at(min(set(range(24)) - d.peak_hours)) if windowed else 1.0
        if spec is None:
            out.append(WorkloadSizing(name=d.name, gpu=gpu, model=d.inputs.model or D.DEFAULT_MODEL,
                                      precision=d.inputs.precision or "", feasible=False,
                                      reason="cannot be sized on this SKU"))
            continue
        off = None
        if windowed and spec.feasible:
            need = ctx.alone(w, gpu, fraction)
            off = need.gpus if need is not None else None
        out.append(WorkloadSizing(
            name=d.name, gpu=gpu, model=spec.model, precision=spec.precision, feasible=spec.feasible,
            reason=spec.infeasible_reason, tensor_parallel=spec.tensor_parallel,
            pipeline_parallel=spec.pipeline_parallel, layout=spec.layout if spec.feasible else "",
            gpus_per_replica=spec.gpus_per_replica, concurrency_per_replica=spec.concurrency_per_replica,
            peak_concurrency=spec.peak_concurrency, replicas=spec.replicas,
            total_gpus=spec.total_gpus, cost_per_month=spec.cost_per_month,
            binding_constraint=spec.binding_constraint,
            peak_hours=_hours_label(sorted(d.peak_hours)), off_peak_fraction=fraction,
            off_peak_gpus=off, shares_with=mates, capacity_multiplier=capacity_multiplier(spec),
            gpu_band=spec_gpu_band(spec), spec=spec,
        ))
    return out


# ----------------------------------------------------------------------------------------------
# model mix under a budget
# ----------------------------------------------------------------------------------------------

MAX_COMBINATIONS = 10_000
"""The optimiser tries every assignment of candidate models to workloads (exhaustive search:
exact, and quick at a kickoff's size). Above this many assignments it refuses rather than run
for minutes: trim the candidate lists."""


class MixTooLarge(ValueError):
    """More candidate assignments than :data:`MAX_COMBINATIONS`."""


@dataclass(frozen=True)
class MixOption:
    """One candidate model for one workload."""

    model: str
    quality_rank: int
    precision: str | None = None
    kv_precision: str | None = None


@dataclass
class SearchResult:
    best: tuple[int, ...] | None
    best_cost: float | None
    cheapest: tuple[int, ...] | None
    cheapest_cost: float | None
    evaluated: int
    combinations: int
    costs: dict[tuple[int, ...], float | None]


def rank_total(ranks: Sequence[Sequence[int]], combo: Sequence[int]) -> int:
    return sum(ranks[w][i] for w, i in enumerate(combo))


def search_mix(ranks: Sequence[Sequence[int]], cost_of: Callable[[tuple[int, ...]], float | None],
               budget: float, cap: int = MAX_COMBINATIONS) -> SearchResult:
    """Exhaustive search for the best total quality (lowest sum of ranks) within ``budget``.

    ``ranks[w][i]`` is the quality rank of candidate ``i`` of workload ``w``; ``cost_of(combo)``
    the monthly cost of the fleet for that assignment, None when some SLO cannot be met. Ties on
    quality go to the cheaper assignment, then to the earlier candidates. Assignments are tried in
    order of quality, so the search stops at the first quality level with one within budget; when
    none is, every assignment has been costed and the cheapest is returned."""
    if any(len(r) == 0 for r in ranks):
        raise ValueError("every workload needs at least one candidate model")
    combinations = math.prod(len(r) for r in ranks)
    if combinations > cap:
        raise MixTooLarge(f"{combinations:,} model assignments to try; the optimiser searches "
                          f"exhaustively and stops at {cap:,}: give fewer candidates per workload")
    combos = sorted(itertools.product(*(range(len(r)) for r in ranks)),
                    key=lambda c: (rank_total(ranks, c), c))
    costs: dict[tuple[int, ...], float | None] = {}
    for _, level in itertools.groupby(combos, key=lambda c: rank_total(ranks, c)):
        best: tuple[int, ...] | None = None
        for combo in level:
            cost = costs[combo] = cost_of(combo)
            if cost is not None and cost <= budget and (best is None or cost < costs[best]):  # type: ignore[operator]
                best = combo
        if best is not None:
            return SearchResult(best, costs[best], None, None, len(costs), combinations, costs)
    feasible = [c for c in combos if costs[c] is not None]
    cheapest = min(feasible, key=lambda c: (costs[c], rank_total(ranks, c), c)) if feasible else None
    return SearchResult(None, None, cheapest, costs[cheapest] if cheapest else None, len(costs),
                        combinations, costs)


class MixAssignment(_Out):
    workload: str
    model: str
    precision: str | None = None
    quality_rank: int
    best_rank: int
    """The rank of the workload's first choice (1 unless the team ranked otherwise)."""


class MixChoice(_Out):
    """The optimiser's answer."""

    feasible: bool
    reason: str = ""
    budget_usd_per_month: float
    combinations: int
    evaluated: int
    method: str = "exhaustive search over every assignment of candidate models"
    assignment: list[MixAssignment] = Field(default_factory=list)
    quality_rank_total: int | None = None
    cost_per_month: float | None = None
    fleet: str = ""
    binding_workload: str = ""
    binding_note: str = ""
    cheapest_cost_per_month: float | None = None
    """When nothing fits the budget: the cheapest assignment that meets every SLO."""


def apply_option(demand: Demand, option: MixOption) -> Demand:
    inputs = demand.inputs.model_copy(update={
        "model": option.model, "precision": option.precision, "kv_precision": option.kv_precision})
    return Demand(demand.name, inputs, demand.peak_hours, demand.off_peak_fraction)


def optimise_mix(demands: Sequence[Demand], options: Sequence[Sequence[MixOption]], budget: float,
                 gpu_candidates: Sequence[str] | None = None, sizings: Sizings | None = None,
                 cap: int = MAX_COMBINATIONS) -> MixChoice:
    """Choose each workload's model so every SLO is met at the best total quality within
    ``budget`` (USD per month); name the workload the budget binds on."""
    sizings = sizings or Sizings()
    ranks = [[o.quality_rank for o in opts] for opts in options]
    specs: dict[tuple[int, ...], PortfolioSpec] = {}

    def cost_of(combo: tuple[int, ...]) -> float | None:
        chosen = [apply_option(d, options[w][i]) for w, (d, i) in enumerate(zip(demands, combo, strict=True))]
        spec = specs[combo] = size_portfolio(chosen, gpu_candidates, sizings)
        return spec.fleet.cost_per_month if spec.feasible and spec.fleet else None

    result = search_mix(ranks, cost_of, budget, cap)
    base = dict(budget_usd_per_month=budget, combinations=result.combinations, evaluated=result.evaluated)

    def assignment(combo: tuple[int, ...]) -> list[MixAssignment]:
        return [MixAssignment(workload=d.name, model=options[w][i].model, precision=options[w][i].precision,
                              quality_rank=options[w][i].quality_rank, best_rank=min(ranks[w]))
                for w, (d, i) in enumerate(zip(demands, combo, strict=True))]

    if result.best is None:
        if result.cheapest is None:
            stuck = [d.name for w, d in enumerate(demands)
                     if all(not _alone_feasible(d, o, gpu_candidates, sizings) for o in options[w])]
            name = stuck[0] if stuck else ""
            return MixChoice(feasible=False, binding_workload=name,
                             reason=(f"no candidate model meets the SLOs of {name} on any SKU" if name
                                     else "no assignment of candidate models has a feasible fleet"), **base)
        spec = specs[result.cheapest]
        heaviest = max(spec.workloads, key=lambda w: w.cost_per_month or 0.0)
        return MixChoice(
            feasible=False, assignment=assignment(result.cheapest),
            quality_rank_total=rank_total(ranks, result.cheapest),
            cost_per_month=result.cheapest_cost, fleet=spec.fleet.label if spec.fleet else "",
            cheapest_cost_per_month=result.cheapest_cost, binding_workload=heaviest.name,
            reason=(f"the cheapest assignment that meets every SLO costs ${result.cheapest_cost:,.0f}/month, "
                    f"over the ${budget:,.0f} budget"),
            binding_note=(f"{heaviest.name} is the largest share of that fleet "
                          f"(${heaviest.cost_per_month or 0:,.0f}/month alone on {heaviest.gpu})"),
            **base)
    best = result.best
    held: list[tuple[float, str, str]] = []
    for w, i in enumerate(best):
        better = [j for j, r in enumerate(ranks[w]) if r < ranks[w][i]]
        if not better:
            continue
        next_rank = max(ranks[w][j] for j in better)
        for j in (j for j in better if ranks[w][j] == next_rank):
            combo = tuple(j if k == w else c for k, c in enumerate(best))
            cost = result.costs[combo] if combo in result.costs else cost_of(combo)
            if cost is not None:
                held.append((cost - budget, demands[w].name, options[w][j].model, cost))
    spec = specs[best]
    choice = MixChoice(feasible=True, assignment=assignment(best), quality_rank_total=rank_total(ranks, best),
                       cost_per_month=result.best_cost, fleet=spec.fleet.label if spec.fleet else "", **base)
    if held:
        extra, name, model, cost = min(held)
        choice.binding_workload = name
        choice.binding_note = (f"the budget binds on {name}: its next better model ({model}) would "
                               f"bring the fleet to ${cost:,.0f}/month, ${extra:,.0f} over the budget")
    else:
        behind = [a.workload for a in choice.assignment if a.quality_rank > a.best_rank]
        slack = budget - (result.best_cost or 0.0)
        choice.binding_note = (f"every workload gets its first choice; ${slack:,.0f}/month of the budget is unused"
                               if not behind else
                               f"{', '.join(behind)} cannot take a better model at any budget (its SLOs)")
        if behind:
            choice.binding_workload = behind[0]
    return choice


def _alone_feasible(demand: Demand, option: MixOption, gpu_candidates: Sequence[str] | None,
                    sizings: Sizings) -> bool:
    candidates, _ = candidate_gpus(gpu_candidates)
    inputs = apply_option(demand, option).inputs
    return any((s := sizings.on(inputs, g.id)) is not None and s.feasible for g in candidates)


# ----------------------------------------------------------------------------------------------
# growth: when the fleet runs out
# ----------------------------------------------------------------------------------------------


def grown(demand: Demand, peak_concurrency: int, multiplier: float) -> Demand:
    """The workload at ``multiplier`` x today's peak, with no growth headroom (growth uses it up)."""
    inputs = demand.inputs.model_copy(update={
        "peak_concurrency": max(1, math.ceil(peak_concurrency * multiplier)), "users": None,
        "requests_per_second": None, "requests_per_user_per_hour": None, "burst_factor": None,
        "growth_headroom": 0.0})
    return Demand(demand.name, inputs, demand.peak_hours, demand.off_peak_fraction)


def fleet_gpus_needed(demands: Sequence[Demand], spec: PortfolioSpec, multipliers: Sequence[float],
                      sizings: Sizings | None = None) -> int | None:
    """GPUs the chosen fleet's SKUs need when workload ``w`` carries ``multipliers[w]`` x today's
    peak (same SKU per workload, same sharing rules); None when some workload no longer fits."""
    if spec.fleet is None:
        return None
    sizings = sizings or Sizings()
    peaks = {w.name: w.peak_concurrency for w in spec.workloads}
    scaled = [grown(d, peaks[d.name], m) for d, m in zip(demands, multipliers, strict=True)]
    ctx = _Ctx(demands=scaled, sizings=sizings, groups=groups_of(scaled))
    index = {d.name: i for i, d in enumerate(scaled)}
    total = 0
    for pool in spec.fleet.pools:
        sized = size_pool(ctx, [index[n] for n in pool.workloads], get_gpu(pool.gpu))
        if not sized.feasible:
            return None
        total += sized.total_gpus
    return total


def fleet_on_pools(demands: Sequence[Demand], spec: PortfolioSpec,
                   sizings: Sizings | None = None) -> FleetOption | None:
    """The chosen fleet's pools (each workload on the SKU the fleet gives it, same sharing
    rules) re-sized for ``demands`` (the same workloads with changed answers): what the fleet
    would need, without choosing its SKUs again. None when ``spec`` has no fleet."""
    if spec.fleet is None:
        return None
    sizings = sizings or Sizings()
    ctx = _Ctx(demands=demands, sizings=sizings, groups=groups_of(demands))
    index = {d.name: i for i, d in enumerate(demands)}
    pools = [size_pool(ctx, [index[n] for n in pool.workloads], get_gpu(pool.gpu)) for pool in spec.fleet.pools]
    return _fleet(spec.fleet.label, pools)


MAX_GROWTH_EXPONENT = 700.0
"""Largest ln of a traffic multiplier computed (e^700 ~ 1e304): the upper end of a fitted rate's
interval, compounded over a long horizon, must not overflow a float."""


def compounded(monthly_rate: float, month: int) -> float:
    """Traffic multiplier after ``month`` months at ``monthly_rate``: (1 + r)^month, bounded
    below float overflow (any such fleet is long outgrown)."""
    return math.exp(min(month * math.log1p(monthly_rate), MAX_GROWTH_EXPONENT))


def fleet_outgrows(demands: Sequence[Demand], spec: PortfolioSpec, monthly_rates: Sequence[float],
                   horizon: int, sizings: Sizings | None = None) -> int | None:
    """First month (1..horizon) whose grown traffic needs more GPUs than the fleet has;
    None when the fleet lasts the horizon. Bisection: needs only grow with traffic."""
    if spec.fleet is None:
        return None
    sizings = sizings or Sizings()
    have = spec.fleet.total_gpus

    def over(month: int) -> bool:
        needed = fleet_gpus_needed(demands, spec, [compounded(r, month) for r in monthly_rates], sizings)
        return needed is None or needed > have

    if all(r <= 0 for r in monthly_rates) or not over(horizon):
        return None
    low, high = 0, horizon  # over(high) is True; find the first month that is
    while high - low > 1:
        mid = (low + high) // 2
        if over(mid):
            high = mid
        else:
            low = mid
    return high
