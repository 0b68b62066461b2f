"""From the kickoff's answers to a sized spec: ``size(inputs) -> SizedSpec``.

Steps (``docs/sizing.md`` walks through one example):
1. Resolve every unanswered input to a stated default and record it as an assumption.
2. For each candidate SKU: pick the replica layout (TP, and PP when a node is not enough), find
   the highest per-replica concurrency that meets both the TTFT and TPOT targets, then
   replicas = ceil(peak in-flight / that concurrency), plus headroom and redundancy.
3. Pack nodes into racks under the rack power budget, choose fabric and cooling, price it.
4. Rank SKUs by monthly cost (then power); the spec is the chosen SKU's sizing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kickoff_tui.catalog import GPU, Model, get_gpu, get_model, gpus
from kickoff_tui.catalog.schema import BYTES_PER_VALUE, SaleUnit
from kickoff_tui.sizing import constants as C
from kickoff_tui.sizing import defaults as D
from kickoff_tui.sizing import perf, speculative
from kickoff_tui.catalog.engines import engine_for, normalise_engine, not_run_reason
from kickoff_tui.sizing.estimate import (
    Layout,
    Operating,
    ServingOptions,
    moe_layout,
    operate,
    operating_point,
    operating_points,
    powers_of_two,
    replica_capacity,
    tp_divides,
)
from kickoff_tui.sizing.inputs import SizingInputs
from kickoff_tui.sizing.spec import Assumption, PhysicalLimits, SizedSpec, SkuOption

COOLING_ORDER = ("air", "rdhx", "dlc")
COOLING_LABEL = {"air": "air", "rdhx": "rear-door heat exchanger", "dlc": "direct liquid cooling"}
COOLING_MAX_RACK_KW = {"air": C.AIR_MAX_RACK_KW, "rdhx": C.RDHX_MAX_RACK_KW, "dlc": math.inf}
"""Heat one rack may give off under each cooling tier (the constants' ceilings; direct liquid
cooling is taken as unbounded at the densities a feed allows)."""


# ----------------------------------------------------------------------------------------------
# 1. Resolve inputs
# ----------------------------------------------------------------------------------------------


@dataclass
class Resolved:
    """Inputs with every gap filled, plus the record of which were filled."""

    use_case: str
    model: Model
    precision: str | None
    kv_precision: str | None
    input_tokens: int
    output_tokens: int
    sized_context: int
    peak_concurrency: int
    """The design load: stated in-flight x burst (unless the stated peak includes bursts)."""
    concurrency_note: str
    ttft_ms: float
    tpot_ms: float
    percentile: str
    redundancy: str
    headroom: float
    options: ServingOptions
    variants: int
    lora: bool
    gpu_id: str | None
    gpus_per_node: int | None
    fabric: str
    rack_power_kw: float
    cooling: str | None
    price_basis: str
    latency_scale: tuple[float, float] = (1.0, 1.0)
    """(TTFT, TPOT) multipliers: 1 for the estimate, the band's ends for the GPU-count band."""
    stated_concurrency: int = 0
    average_concurrency: float = 0.0
    burst: float = 1.0
    burst_included: bool = False
    load_note: str = ""
    spare_nodes: int = 1
    rack_power_basis: str = D.DEFAULT_RACK_POWER_BASIS
    speculative: bool = False
    spec_method: str | None = None
    spec_draft_tokens: int | None = None
    spec_acceptance: float | None = None
    spec_speedup: float | None = None
    spec_measured: bool = False
    draft_model: Model | None = None
    assumptions: list[Assumption] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _pick(inputs: SizingInputs, name: str, default, reason: str, out: list[Assumption]):
    value = getattr(inputs, name)
    if value is None:
        out.append(Assumption(field=name, value=str(default), reason=reason))
        return default
    return value


def resolve(inputs: SizingInputs) -> Resolved:
    assumed: list[Assumption] = []
    warnings: list[str] = []
    use_case = _pick(inputs, "use_case", D.DEFAULT_USE_CASE, "no use case given", assumed)
    profile = D.USE_CASE_PROFILES[use_case]
    model_id = _pick(inputs, "model", D.DEFAULT_MODEL, "no model named yet", assumed)
    model = get_model(model_id)
    isl = _pick(inputs, "avg_input_tokens", profile.input_tokens, f"{use_case} default: {profile.source}", assumed)
    osl = _pick(inputs, "avg_output_tokens", profile.output_tokens, f"{use_case} default", assumed)
    ttft = _pick(inputs, "ttft_target_ms", profile.ttft_ms, f"{use_case} default", assumed)
    tpot = _pick(inputs, "tpot_target_ms", profile.tpot_ms, f"{use_case} default", assumed)
    percentile = _pick(inputs, "slo_percentile", D.DEFAULT_SLO_PERCENTILE, "targets read as p95", assumed)
    sized_context = isl + osl
    if inputs.size_for_max_context:
        max_ctx = inputs.max_context_tokens or model.native_context
        sized_context = max(max_ctx, osl + 1)
        isl = sized_context - osl
        warnings.append(
            f"sized for the max context ({sized_context:,} tokens per request) instead of the "
            f"average; most applications use far less"
        )

    stated, note = _stated_concurrency(inputs, ttft, osl, tpot, assumed)
    design, average, burst, included, load_note = design_load(inputs, stated, assumed)
    redundancy = _pick(inputs, "redundancy", D.DEFAULT_REDUNDANCY, "one spare replica for failures and updates", assumed)
    spare_nodes = inputs.spare_nodes or D.DEFAULT_SPARE_NODES
    if redundancy == "spare-nodes" and inputs.spare_nodes is None:
        assumed.append(Assumption(field="spare_nodes", value=str(spare_nodes), reason="how many nodes may fail at once was not said"))
    headroom = _pick(inputs, "growth_headroom", D.DEFAULT_GROWTH_HEADROOM, "no growth headroom", assumed)

    continuous = _pick(inputs, "continuous_batching", True, "modern engines batch continuously", assumed)
    paged = _pick(inputs, "paged_attention", True, "modern engines page the KV cache", assumed)
    prefix = _pick(inputs, "prefix_caching", True, "modern engines cache prefixes", assumed)
    hit = inputs.prefix_hit_rate if inputs.prefix_hit_rate is not None else D.DEFAULT_PREFIX_HIT_RATE
    if prefix and inputs.prefix_hit_rate is None:
        assumed.append(Assumption(field="prefix_hit_rate", value="0", reason="no measured prefix reuse"))
    speculative = bool(inputs.speculative_decoding)
    draft = get_model(inputs.draft_model) if (speculative and inputs.draft_model) else None
    measured = bool(inputs.speculative_evidence)
    engine = normalise_engine(inputs.serving_engine)
    if engine is None:
        assumed.append(Assumption(field="serving_engine", value="vllm",
                                  reason="no engine named: vLLM (the CUDA build on NVIDIA, ROCm on AMD, "
                                  "a generic profile elsewhere)"))
    options = ServingOptions(
        engine=engine,
        continuous_batching=continuous,
        paged_attention=paged,
        prefix_hit_rate=hit if prefix else 0.0,
        max_context_tokens=inputs.max_context_tokens or model.native_context,
        gpu_memory_utilization=inputs.gpu_memory_utilization,
    )
    r = Resolved(
        use_case=use_case, model=model, precision=inputs.precision, kv_precision=inputs.kv_precision,
        input_tokens=isl, output_tokens=osl, sized_context=sized_context, peak_concurrency=design,
        concurrency_note=note, ttft_ms=ttft, tpot_ms=tpot, percentile=percentile,
        redundancy=redundancy, headroom=headroom, options=options, variants=inputs.finetuned_variants or 1,
        lora=inputs.lora_adapters if inputs.lora_adapters is not None else True,
        gpu_id=inputs.gpu if inputs.gpu not in (None, "", "recommend") else None,
        gpus_per_node=inputs.gpus_per_node, fabric=inputs.fabric or "auto",
        rack_power_kw=_pick(inputs, "rack_power_kw", D.DEFAULT_RACK_POWER_KW, "no rack power budget given", assumed),
        cooling=inputs.cooling,
        price_basis=_pick(inputs, "price_basis", D.DEFAULT_PRICE_BASIS, "list prices", assumed),
        stated_concurrency=stated, average_concurrency=average, burst=burst, burst_included=included,
        load_note=load_note, spare_nodes=spare_nodes,
        rack_power_basis=_pick(inputs, "rack_power_basis", D.DEFAULT_RACK_POWER_BASIS,
                               "the rack figure is read as a breaker rating (80% continuous) until IT "
                               "says it is a contracted IT-load cap", assumed),
        speculative=speculative, spec_method=inputs.speculative_method,
        spec_draft_tokens=inputs.speculative_draft_tokens, spec_acceptance=inputs.speculative_acceptance,
        spec_speedup=inputs.speculative_speedup, spec_measured=measured, draft_model=draft,
        assumptions=assumed, warnings=warnings,
    )
    if r.gpu_id is None:
        assumed.append(Assumption(field="gpu", value="recommend", reason="every catalog SKU compared"))
    if speculative:
        sp = speculative_plan(r, r.precision or model.native_precision)
        r.options = options.model_copy(update={"speculative_speedup": sp.net_speedup,
                                               "speculative_positions": float(sp.verified_positions)})
        if inputs.speculative_acceptance is None and inputs.speculative_speedup is None:
            assumed.append(Assumption(
                field="speculative_acceptance", value=f"{sp.acceptance:g}",
                reason=f"default for {sp.method}: {sp.source}; until it is measured on your traffic "
                "it stays an assumption"))
        elif not measured:
            assumed.append(Assumption(
                field="speculative_speedup", value=f"{sp.accepted_per_step:.2f} tokens per step",
                reason="speculative decoding divides TPOT by the accepted tokens per step; until it is "
                "measured on your traffic it stays an assumption"))
    return r


def speculative_plan(r: Resolved, precision: str) -> speculative.SpeculativePlan:
    """The speculative-decoding plan for this answer set at ``precision`` (drafter bytes)."""
    return speculative.plan(r.model, precision, r.spec_method, r.spec_draft_tokens, r.spec_acceptance,
                            r.spec_speedup, r.draft_model, r.spec_measured)


def design_load(inputs: SizingInputs, stated: int,
                assumed: list[Assumption]) -> tuple[int, float, float, bool, str]:
    """(design in flight, average in flight, burst, burst included?, note).

    The design load is the stated peak x burst whenever a burst is given, unless the peak
    already includes bursts; the average (what cost per token is priced at) is the stated
    peak, or peak / burst when the peak includes the bursts."""
    burst = inputs.burst_factor
    included = bool(inputs.burst_included)
    if burst is None:
        burst = D.DEFAULT_BURST_FACTOR
        assumed.append(Assumption(field="burst_factor", value=f"{burst:g}",
                                  reason="no burst given: the stated peak is both the design load and "
                                  "the average load that cost per token is priced at"))
        return stated, float(stated), burst, included, (
            f"design load {stated:,} in flight (no burst given); average taken as the same")
    if included:
        average = stated / burst
        return stated, average, burst, True, (
            f"design load {stated:,} in flight (the stated peak includes bursts of {burst:g}x); "
            f"average {average:,.0f} = {stated:,} / {burst:g}")
    design = max(1, math.ceil(stated * burst - 1e-9))
    return design, float(stated), burst, False, (
        f"design load {design:,} in flight = stated peak {stated:,} x burst {burst:g}; "
        f"average {stated:,} (the stated peak) for cost")


def _stated_concurrency(inputs: SizingInputs, ttft_ms: float, osl: int, tpot_ms: float,
                        assumed: list[Assumption]) -> tuple[int, str]:
    """In-flight requests as stated: given directly, or Little's law L = lambda x W from a rate
    (the burst is applied afterwards, in :func:`design_load`)."""
    if inputs.peak_concurrency is not None:
        return inputs.peak_concurrency, "given by the application owner"
    duration_s = (ttft_ms + osl * tpot_ms) / 1000  # time one request stays in flight at target SLO
    rate = None
    if inputs.requests_per_second is not None:
        rate, basis = inputs.requests_per_second, f"{inputs.requests_per_second:g} req/s"
    elif inputs.users is not None:
        per_hour = inputs.requests_per_user_per_hour
        if per_hour is None:
            per_hour = D.DEFAULT_REQUESTS_PER_USER_PER_HOUR
            assumed.append(Assumption(field="requests_per_user_per_hour", value=f"{per_hour:g}",
                                      reason="an active user sends a request every ~3 minutes"))
        rate = inputs.users * per_hour / 3600
        basis = f"{inputs.users:,} users x {per_hour:g} req/h"
    if rate is None:
        assumed.append(Assumption(field="peak_concurrency", value=str(D.DEFAULT_PEAK_CONCURRENCY),
                                  reason="no traffic figure yet: pilot-sized"))
        return D.DEFAULT_PEAK_CONCURRENCY, "assumed (pilot size)"
    peak = max(1, math.ceil(rate * duration_s))
    note = (f"Little's law: {basis} x {duration_s:.1f} s in flight "
            f"(TTFT + {osl} tokens x TPOT) = {peak} in flight")
    return peak, note


# ----------------------------------------------------------------------------------------------
# 2. Per-SKU sizing
# ----------------------------------------------------------------------------------------------


@dataclass
class SkuSizing:
    gpu: GPU
    fits: bool
    reason: str = ""
    precision: str = ""
    kv_precision: str = ""
    weight_only: bool = False
    layout: Layout | None = None
    concurrency: int = 0
    bound: str = "none"
    ttft_s: float = 0.0
    """At the per-replica concurrency limit (the SLO check)."""
    tpot_s: float = 0.0
    tokens_per_s: float = 0.0
    ttft_pct_s: float = 0.0
    tpot_pct_s: float = 0.0
    engine: str = ""
    cap: int = 0
    plan: perf.MemoryPlan | None = None
    options: ServingOptions | None = None
    replicas_for_load: int = 0
    replicas_for_headroom: int = 0
    replicas_for_redundancy: int = 0
    replicas: int = 0
    deployments: int = 1
    total_gpus: int = 0
    gpus_per_node: int = 0
    domain: int = 0
    nodes: int = 0
    racks: int = 0
    nodes_per_rack: int = 0
    sites: int = 1
    unit: SaleUnit | None = None
    units: int = 0
    gpus_bought: int = 0
    failure_domain: str = ""
    failures_survived: int = 0
    failure_unit: str = "none"
    it_power_kw: float = 0.0
    typical_power_kw: float = 0.0
    rack_density_kw: float = 0.0
    rack_usable_kw: float = 0.0
    cooling: str = ""
    cooling_ok: bool = True
    price: float | None = None
    price_source: str = ""
    price_estimate: bool = False
    price_formula: str = ""
    cost_per_hour: float | None = None
    design: Operating | None = None
    average: Operating | None = None
    spec_plan: speculative.SpeculativePlan | None = None
    notes: list[str] = field(default_factory=list)
    bound_note: str = ""
    """Why the per-replica concurrency is what it is, for the SKU comparison (not a warning)."""


def serving_precision(r: Resolved, gpu: GPU) -> tuple[str, bool]:
    """(precision, assumed?) FP8 where the part has FP8 math and the model ships 16-bit."""
    if r.precision:
        return r.precision, False
    native = r.model.native_precision
    if BYTES_PER_VALUE[native] >= 2 and "fp8" in gpu.native_precisions:
        return "fp8", True
    return native, True


def nvlink_domain(gpu: GPU, node: int) -> int:
    """GPUs a replica's TP/EP may span over the scale-up link: the whole NVL72 rack for
    rack-scale systems, else one node."""
    return gpu.scale_up_domain if is_rack_scale(gpu) else node


def layout_options(r: Resolved, gpu: GPU, precision: str, gpus: int, engine=None) -> ServingOptions:
    """Serving options for one layout: a draft model's weights take memory on every GPU of the
    replica (sharded like the target), so less is left for KV cache."""
    if not r.speculative:
        return r.options
    sp = speculative_plan(r, precision)
    if not sp.draft_weight_bytes:
        return r.options
    share = sp.draft_weight_bytes / max(gpus, 1) / gpu.memory_bytes
    engine = engine or perf.default_engine(gpu)
    base = r.options.gpu_memory_utilization
    if base is None:
        base = engine.memory_fraction
    util = max(base - share, C.MIN_MEMORY_FRACTION_WITH_DRAFT)
    return r.options.model_copy(update={"gpu_memory_utilization": util,
                                        "speculative_speedup": sp.net_speedup,
                                        "speculative_positions": float(sp.verified_positions)})


def best_concurrency(r: Resolved, gpu: GPU, precision: str, kv_precision: str, layout: Layout,
                     cap: int, engine=None, could_win=None,
                     options: ServingOptions | None = None) -> tuple[int, str, object | None]:
    """Highest per-replica concurrency meeting both targets at the asked percentile (latency
    rises with the sequences decoding, so a binary search on them finds it; the concurrency is
    the requests in the system at that point). Returns (concurrency, what bound it, point)."""
    ttft_target, tpot_target = r.ttft_ms / 1000, r.tpot_ms / 1000
    ttft_scale, tpot_scale = r.latency_scale
    point = operating_points(r.model, gpu, precision, kv_precision, layout, r.input_tokens,
                             r.output_tokens, options or r.options, engine)

    def check(c: int):
        op = point(c)
        if op.prefill_saturated:
            # Prompts arrive faster than the step budget prefills them: no steady state at this
            # many decoding, its TTFT has no bound.
            return False, "ttft", op
        if op.tpot_at(r.percentile) * tpot_scale > tpot_target:
            return False, "tpot", op
        if op.ttft_at(r.percentile) * ttft_scale > ttft_target:
            return False, "ttft", op
        return True, "", op

    at_cap = None
    if could_win is not None:
        # Against the best layout so far, first the most this one holds (at its capacity): if
        # even that buys more GPUs, no point below it can do better, so nothing else is checked.
        at_cap = check(cap)
        if not could_win(max(1, int(at_cap[2].in_system))):
            return -1, "dominated", at_cap[2]
    ok, why, op = check(1)
    if not ok:
        return 0, why, op
    ok, why, op_cap = at_cap or check(cap)
    if ok:
        return max(1, int(op_cap.in_system)), "memory", op_cap
    # Bracketed search (Illinois regula falsi on the worse of the two latency ratios, which
    # rise almost linearly with the sequences decoding), finished by bisection to 1%.
    def excess(o) -> float:
        if o.prefill_saturated:
            return math.inf  # (bisection until a point with a steady state bounds the search)
        return max(o.tpot_at(r.percentile) * tpot_scale / tpot_target,
                   o.ttft_at(r.percentile) * ttft_scale / ttft_target) - 1.0

    lo, hi, lo_op, hi_why = 1, cap, op, why
    f_lo, f_hi = excess(op), excess(op_cap)
    side = 0
    while hi - lo > max(1, lo // C.SIZER_SEARCH_RESOLUTION):
        if f_lo < f_hi < math.inf:
            guess = int(lo + (hi - lo) * (-f_lo) / (f_hi - f_lo))
        else:
            guess = (lo + hi) // 2
        mid = min(max(guess, lo + 1), hi - 1)
        ok, why, op_mid = check(mid)
        value = excess(op_mid)
        if ok:
            lo, lo_op, f_lo = mid, op_mid, value
            if side == -1:
                f_hi /= 2
            side = -1
        else:
            if could_win is not None and not could_win(max(1, int(op_mid.in_system))):
                # The answer lies below this point, and even this many in flight buys more GPUs
                # than the best layout so far (the fleet only grows as the concurrency falls):
                # the search could end only in a layout the caller discards.
                return -1, "dominated", op_mid
            hi, hi_why, f_hi = mid, why, value
            if side == 1:
                f_lo /= 2
            side = 1
    return max(1, int(lo_op.in_system)), hi_why, lo_op


def layout_choices(r: Resolved, tp: int, pp: int, engine) -> list[Layout]:
    """The layouts tried at one TP size: as asked (or the engine default) and, for MoE models
    where nobody fixed them, expert parallelism and DP attention too."""
    asked = moe_layout(r.model, tp, pp, engine, r.options)
    if not r.model.is_moe or tp <= 1:
        return [asked]
    out = [asked]
    if r.options.expert_parallel is None and r.options.dp_attention is None:
        for extra in (Layout(tp, pp), Layout(tp, pp, ep=tp), Layout(tp, pp, ep=tp, dp=tp)):
            if extra not in out:
                out.append(extra)
    return out


def candidate_layouts(r: Resolved, gpu: GPU, precision: str, kv_precision: str, node: int,
                      engine=None) -> list[Layout]:
    """Every power-of-two TP size within the node (or the NVLink domain of a rack-scale system)
    that holds the model and one request (larger TP cuts latency, smaller TP wastes fewer
    GPUs), with the MoE layout choices; PP only when that cannot hold it."""
    engine = engine or perf.default_engine(gpu)
    layouts: list[Layout] = []
    domain = nvlink_domain(gpu, node)
    for tp in powers_of_two(domain):
        if not tp_divides(r.model, tp):
            continue
        if tp > node and layouts:
            break  # beyond the node only when nothing inside it fits
        opts = layout_options(r, gpu, precision, tp, engine)
        for layout in layout_choices(r, tp, 1, engine):
            plan = perf.memory_plan(r.model, gpu, precision, tp, 1, opts.gpu_memory_utilization,
                                    engine, layout.dp)
            if perf.max_sequences(r.model, plan, kv_precision, r.sized_context, tp, 1, layout.dp) >= 1:
                layouts.append(layout)
    if layouts:
        if domain > node:
            # Inside an NVL72 rack: TP beyond a few times the smallest fit only adds all-reduce
            # traffic for little latency; keep the search (and the sizer) fast.
            limit = max(2 * node, C.RACK_DOMAIN_TP_SPAN * layouts[0].tp)
            layouts = [layout for layout in layouts if layout.tp <= limit]
        return layouts
    sizes = [tp for tp in powers_of_two(domain) if tp_divides(r.model, tp)]
    if not sizes:
        return []
    tp = max(sizes)
    for pp in range(2, C.MAX_PIPELINE_STAGES + 1):
        opts = layout_options(r, gpu, precision, tp * pp, engine)
        plan = perf.memory_plan(r.model, gpu, precision, tp, pp, opts.gpu_memory_utilization, engine)
        if perf.max_sequences(r.model, plan, kv_precision, r.sized_context, tp, pp) >= 1:
            return [Layout(tp, pp)]
    return []


def replicas_lost_per_node(gpus_per_replica: int, node: int) -> int:
    """Replicas one node failure takes down at worst: every replica packed on the fullest node
    (replicas inside a node), or one (a replica that spans nodes)."""
    if gpus_per_replica <= node:
        return max(1, node // gpus_per_replica)
    return 1


def redundancy_replicas(kind: str, load: int, replicas_per_node: float, spare_nodes: int = 1) -> int:
    """Extra replicas the failure domain adds on top of the load (and headroom) replicas.

    ``replicas_per_node`` is what one node failure takes down (:func:`replicas_lost_per_node`)."""
    lost = max(1, math.ceil(replicas_per_node))
    if kind == "none":
        return 0
    if kind == "n+1":
        return 1
    if kind == "n+2":
        return 2
    if kind == "spare-node":
        return lost
    if kind == "n+2-node":
        return 2 * lost
    if kind == "spare-nodes":
        return max(1, spare_nodes) * lost
    # 2n: a second, full copy in the same site; multi-site: the second copy in the other site
    return load


def failure_domain(kind: str, spare_nodes: int, replicas: int, load: int, nodes: int,
                   sites: int, lost_per_node: int = 1, deployments: int = 1,
                   lora_variants: int = 1, design: int | None = None) -> tuple[str, int, str]:
    """(what the fleet survives in words, how many may fail, of what).

    ``replicas``, ``load`` and ``nodes`` are those of ONE deployment. With several deployments
    (fine-tuned variants without LoRA, each on its own replicas and nodes) every deployment
    carries its own share of the design load and survives the named failure on its own, and
    the text says so; LoRA variants ride on every replica of the one deployment. ``load`` counts
    the replicas for the design load and the growth headroom; ``design`` those for the design load
    alone (a node failure the headroom absorbs is said to cost the headroom, not to be lost)."""
    text, k, unit = _one_domain(kind, spare_nodes, replicas, load, nodes, sites, lost_per_node, design)
    if deployments > 1:
        text = (f"each of the {deployments} deployments (one per fine-tuned variant without LoRA, "
                f"on its own replicas and nodes) {text.replace('the design load', 'its share of the design load')}")
    elif lora_variants > 1 and kind != "none":
        text += f"; all {lora_variants} LoRA variants ride on every replica, so they survive it together"
    return text, k, unit


def _one_domain(kind: str, spare_nodes: int, replicas: int, load: int, nodes: int,
                sites: int, lost_per_node: int = 1, design: int | None = None) -> tuple[str, int, str]:
    if kind == "none":
        return "no failure: one failed GPU takes capacity below the design load", 0, "none"
    if kind in ("n+1", "n+2"):
        k = 1 if kind == "n+1" else 2
        word = "one replica (GPU)" if k == 1 else "two replicas (GPUs)"
        text = (f"survives {word} failing or updating: {replicas - k} of {replicas} replicas carry "
                f"the design load")
        covered = k // max(lost_per_node, 1)
        if covered < 1 and design is not None and replicas - lost_per_node >= design:
            text += (f"; a node failure (up to {lost_per_node} replicas) leaves {replicas - lost_per_node}, "
                     f"enough for today's design load ({design}) only by spending the growth headroom: "
                     "choose N+1 nodes to keep both")
        elif covered < 1:
            text += (f"; a node failure (up to {lost_per_node} replicas) is NOT covered: choose "
                     f"N+1 nodes for that")
        elif lost_per_node > 1:
            text += (f" (a node holds {lost_per_node} replicas, so also {covered} node "
                     f"failure{'s' if covered > 1 else ''})")
        else:
            text += f" (each replica owns whole nodes, so {k} node failure{'s' if k > 1 else ''} too)"
        return text, k, "replica"
    if kind in ("spare-node", "n+2-node", "spare-nodes"):
        k = {"spare-node": 1, "n+2-node": 2}.get(kind, max(1, spare_nodes))
        word = "one node failure" if k == 1 else f"{k} node failures"
        return f"survives {word}: {nodes - k} of {nodes} nodes carry the design load", k, "node"
    if kind == "2n":
        return (f"survives half the fleet failing: {load} of {replicas} replicas carry the design "
                "load (both halves in one site)"), replicas - load, "half"
    return (f"survives a site failure: each of {sites} sites carries the design load on its own "
            f"({replicas // max(sites, 1)} replicas per site)"), 1, "site"


def sale_unit(r: Resolved, gpu: GPU) -> SaleUnit:
    """How this fleet is ordered: bought (purchase basis) or rented (every other basis)."""
    return gpu.bought_in if r.price_basis == "purchase" else gpu.rented_in


def units_for(replicas: int, gpus_per_replica: int, unit_gpus: int) -> int:
    """Whole units that hold ``replicas`` replicas: replicas pack inside a unit when they fit,
    else each replica takes whole units."""
    if replicas <= 0:
        return 0
    if gpus_per_replica <= unit_gpus:
        return math.ceil(replicas / (unit_gpus // gpus_per_replica))
    return replicas * math.ceil(gpus_per_replica / unit_gpus)


PREFILL_SATURATION_WARNING = (
    "at the design load prompts reach a replica faster than its step budget prefills them: the "
    "prefill queue has no steady state, the modelled TTFT is a lower bound and a replica may "
    "carry fewer requests than sized; measure TTFT on one replica at this load before ordering "
    "(docs/model.md, section 5)")


def size_on(r: Resolved, gpu: GPU, gpus_only: bool = False) -> SkuSizing:
    """The SKU's sizing; ``gpus_only`` stops once the layout and GPU count are known (no
    operating points at the load, racks or price: for the GPU-count band).

    With the KV precision unanswered and a 16-bit default only because the engine's FP8-KV
    decode kernel is slower on this part (perf.default_kv_precision), an FP8 cache is sized too
    where the 16-bit one fits nothing or its KV cache is what bounds a replica: it holds twice
    the tokens, which can buy fewer GPUs for long contexts at load. The one that buys fewer GPUs
    is kept (the 16-bit default on a tie)."""
    sized = _size_on(r, gpu, gpus_only)
    if r.kv_precision is not None or (sized.fits and sized.bound != "memory"):
        return sized  # answered, or a replica bound by latency, not by its KV cache
    precision, _ = serving_precision(r, gpu)
    engine, _ = engine_for(r.options.engine, gpu.vendor)
    if not engine.runs_on(gpu.vendor) or not perf.fp8_kv_held_back(gpu, precision, r.model, engine):
        return sized
    other = _size_on(r, gpu, gpus_only, kv_precision="fp8")
    if other.fits and (not sized.fits or (other.gpus_bought, other.total_gpus) < (sized.gpus_bought, sized.total_gpus)):
        return other
    return sized


def _size_on(r: Resolved, gpu: GPU, gpus_only: bool = False, kv_precision: str | None = None) -> SkuSizing:
    precision, _ = serving_precision(r, gpu)
    engine, _ = engine_for(r.options.engine, gpu.vendor)
    kv_precision = kv_precision or r.kv_precision or perf.default_kv_precision(gpu, precision, r.model, engine)
    _, weight_only = perf.compute_precision(gpu, precision)
    node = r.gpus_per_node or gpu.gpus_per_node
    out = SkuSizing(gpu=gpu, fits=False, precision=precision, kv_precision=kv_precision,
                    weight_only=weight_only, gpus_per_node=node, domain=nvlink_domain(gpu, node))
    if r.sized_context > r.model.native_context:
        out.reason = (f"{r.sized_context:,}-token requests exceed {r.model.id}'s "
                      f"{r.model.native_context:,}-token context")
        return out
    if not engine.runs_on(gpu.vendor):
        out.reason = not_run_reason(engine, gpu.vendor)  # no build runs here: no engine to name
        return out
    out.engine = engine.id
    layouts = candidate_layouts(r, gpu, precision, kv_precision, node, engine)
    if not layouts:
        need = perf.weight_bytes(r.model, precision) / 1e9
        out.reason = (f"{r.model.id} at {precision} ({need:,.0f} GB of weights) plus KV for a "
                      f"{r.sized_context:,}-token request does not fit in up to {C.MAX_PIPELINE_STAGES} nodes of {gpu.id}")
        return out
    deployments = 1 if (r.lora or r.variants == 1) else r.variants
    share = 1.0 / deployments  # each separate deployment carries its variant's share of traffic
    lora_factor = C.LORA_THROUGHPUT_FACTOR if (r.lora and r.variants > 1) else 1.0
    unit = sale_unit(r, gpu)
    sites = C.SITES_FOR_MULTI_SITE if r.redundancy == "multi-site" else 1
    best: SkuSizing | None = None
    best_reason = ""
    best_excess = math.inf  # the missed target's ratio for best_reason: the layout that came closest
    idle_only: tuple | None = None  # (layout, op at one request, op at two, KV sequences)
    for layout in layouts:
        def could_win(conc: int | None, layout: Layout = layout) -> bool:
            # Would this layout buy fewer GPUs than the best so far at ``conc`` in flight per
            # replica (None: any number, so one replica carries the load)? The fleet only grows
            # as the concurrency falls, and a layout is kept only when it buys fewer.
            if best is None:
                return True
            load = 1 if conc is None else math.ceil(r.peak_concurrency * share / max(1, int(conc * lora_factor)))
            with_headroom = math.ceil(load * (1 + r.headroom))
            lost = replicas_lost_per_node(layout.gpus, node)
            replicas = with_headroom + redundancy_replicas(r.redundancy, with_headroom, lost, r.spare_nodes)
            units = sites * deployments * units_for(math.ceil(replicas / sites), layout.gpus, unit.gpus)
            total = replicas * layout.gpus * deployments
            return (units * unit.gpus, total) < (best.gpus_bought, best.total_gpus)

        if not could_win(None):
            continue  # even one replica (plus headroom and redundancy) buys more than the best
        opts = layout_options(r, gpu, precision, layout.gpus)
        cap, plan = replica_capacity(r.model, gpu, precision, kv_precision, layout,
                                     r.input_tokens, r.output_tokens, opts, engine)
        if cap < 1:
            continue
        conc, bound, op = best_concurrency(r, gpu, precision, kv_precision, layout, cap, engine,
                                           could_win if best is not None else None, opts)
        if conc == -1:
            continue
        if (conc == 1 and bound == "ttft" and cap > 1 and r.peak_concurrency * share > 1
                and op.tpot_s * r.output_tokens > op.ttft_s):
            # The TTFT target holds only while a replica serves one request: a second prompt in
            # the queue already breaks it, so the fleet would be one replica per request in
            # flight, each spending most of the request decoding a single sequence (a fraction
            # of the GPU). Not a layout anyone orders; a batching layout (or none) is sought. A
            # replica that spends most of each request prefilling (very long prompts) is busy
            # at one request, and is sized as it is.
            if idle_only is None:
                second = operating_point(r.model, gpu, precision, kv_precision, layout, r.input_tokens,
                                         r.output_tokens, 2, opts, engine)
                idle_only = (layout, op, second, cap)
            continue
        if conc < 1:
            if op is not None:  # keep the reason of the layout that came closest to its target
                if bound == "tpot":
                    value, target, what = op.tpot_at(r.percentile) * 1e3 * r.latency_scale[1], r.tpot_ms, "TPOT"
                else:
                    value, target, what = op.ttft_at(r.percentile) * 1e3 * r.latency_scale[0], r.ttft_ms, "TTFT"
                if value / target < best_excess:
                    best_excess = value / target
                    best_reason = (f"{what} at one request is {value:.0f} ms ({r.percentile}) > target "
                                   f"{target:g} ms" + (f" (closest layout: TP{layout.tp})" if layout.tp > 1 else ""))
            continue
        effective = max(1, int(conc * lora_factor))
        load = math.ceil(r.peak_concurrency * share / effective)
        with_headroom = math.ceil(load * (1 + r.headroom))
        lost = replicas_lost_per_node(layout.gpus, node)
        extra = redundancy_replicas(r.redundancy, with_headroom, lost, r.spare_nodes)
        replicas = with_headroom + extra
        per_site = math.ceil(replicas / sites)
        units = sites * deployments * units_for(per_site, layout.gpus, unit.gpus)
        total = replicas * layout.gpus * deployments
        if best is not None and (units * unit.gpus, total) >= (best.gpus_bought, best.total_gpus):
            continue  # no fewer GPUs than the best layout so far
        best = SkuSizing(
            gpu=gpu, fits=True, precision=precision, kv_precision=kv_precision,
            weight_only=weight_only, layout=layout, concurrency=effective, bound=bound,
            ttft_s=op.ttft_s, tpot_s=op.tpot_s, tokens_per_s=op.tokens_per_s, cap=cap, plan=plan,
            ttft_pct_s=op.ttft_at(r.percentile), tpot_pct_s=op.tpot_at(r.percentile), engine=engine.id,
            options=opts, replicas_for_load=load, replicas_for_headroom=with_headroom - load,
            replicas_for_redundancy=extra, replicas=replicas, deployments=deployments,
            total_gpus=total, gpus_per_node=node,
            domain=nvlink_domain(gpu, node), sites=sites, unit=unit, units=units,
            gpus_bought=units * unit.gpus,
        )
    if best is None:
        out.reason = best_reason or "no layout meets the latency targets"
        if idle_only is not None:
            out.reason = idle_only_reason(r, idle_only)
        return out
    if gpus_only:
        return best
    if best.bound == "ttft" and best.layout is not None:
        lay = best.layout
        prompt = r.input_tokens * (1 - r.options.prefix_hit_rate)
        prefill = perf.prefill_seconds(r.model, gpu, precision, kv_precision, lay.tp, lay.pp, prompt,
                                       engine=engine, ep=lay.ep, dp=lay.dp) * r.latency_scale[0]
        best.bound_note = (
            f"TTFT binds at {best.concurrency} in flight per replica (its KV cache holds {best.cap}): "
            f"one {prompt:,.0f}-token prompt takes {prefill * 1e3:,.0f} ms to prefill at TP{lay.tp}, plus "
            f"{engine.request_overhead_s * 1e3:.0f} ms per request in {engine.name}"
            + (f" and {engine.first_token_steps:g} decode steps of first-token lag"
               if perf.first_token_lag_seconds(engine, 1.0, r.model) > 0 else "")
            + f", of the {r.ttft_ms:g} ms target; the rest is the wait behind other prompts")
    _operate_at_load(r, best)
    _place(r, best)
    _price(r, best)
    if r.speculative:
        best.spec_plan = speculative_plan(r, precision)
    return best


def idle_only_reason(r: Resolved, found: tuple) -> str:
    """Why a part that meets TTFT only with one request per replica is not offered."""
    layout, one, two, cap = found
    scale = r.latency_scale[0]
    share = r.peak_concurrency / (1 if (r.lora or r.variants == 1) else r.variants)
    return (f"meets the {r.percentile} TTFT target of {r.ttft_ms:g} ms only without batching: "
            f"TP{layout.tp} reaches {one.ttft_at(r.percentile) * 1e3 * scale:.0f} ms with one request per "
            f"replica, {two.ttft_at(r.percentile) * 1e3 * scale:.0f} ms with two, although its KV cache "
            f"holds {cap}; serving {share:,.0f} in flight would take one replica per request, decoding "
            f"a single sequence ({math.ceil(share):,} x {layout.gpus} GPUs before redundancy): loosen "
            f"the TTFT target, "
            f"shorten the prompts or choose a faster part")


def _operate_at_load(r: Resolved, s: SkuSizing) -> None:
    """The replica's steady state at the DESIGN load and at the AVERAGE load, spread over all
    replicas (not at the most each replica could take)."""
    assert s.layout is not None and s.options is not None
    serving = max(s.replicas, 1)
    share = 1.0 / s.deployments
    for name, load in (("design", r.peak_concurrency), ("average", r.average_concurrency)):
        per_replica = max(load * share / serving, 1e-6)
        engine, _ = engine_for(s.options.engine, s.gpu.vendor)
        op = operate(r.model, s.gpu, s.precision, s.kv_precision, s.layout, r.input_tokens,
                     r.output_tokens, per_replica, s.cap, s.options, engine)
        setattr(s, name, op)


# ----------------------------------------------------------------------------------------------
# 3. Racks, power, cooling, price
# ----------------------------------------------------------------------------------------------


def node_count(total_gpus: int, gpus_per_replica: int, replicas: int, node: int) -> int:
    if gpus_per_replica >= node:
        return replicas * math.ceil(gpus_per_replica / node)
    return math.ceil(total_gpus / node)


def node_power_kw(gpu: GPU, node: int) -> float:
    """Nameplate (maximum input) power of a node holding ``node`` GPUs (scaled when IT uses
    smaller servers)."""
    return gpu.node_power_kw * node / gpu.gpus_per_node


def typical_node_power_kw(gpu: GPU, node: int) -> tuple[float, str]:
    """(average draw of a serving node, where from): the nameplate less the gap between each
    GPU's power limit and its measured serving average where published, else a stated share."""
    nameplate = node_power_kw(gpu, node)
    if gpu.typical_gpu_power_w:
        saved = node * max(gpu.tdp_w - gpu.typical_gpu_power_w, 0) / 1000
        return nameplate - saved, (f"measured: {gpu.typical_gpu_power_w:g} W per GPU while serving "
                                   f"({gpu.typical_power_source})")
    return nameplate * C.TYPICAL_DRAW_FRACTION, (
        f"Kickoff estimate: {C.TYPICAL_DRAW_FRACTION:.0%} of nameplate (no serving measurement published)")


def required_cooling(gpu: GPU, rack_kw: float) -> str:
    """Cheapest tier that removes ``rack_kw`` per rack and that the SKU's system allows."""
    return max(density_cooling(rack_kw), gpu.min_cooling, key=COOLING_ORDER.index)


def is_consumer(gpu: GPU) -> bool:
    """Consumer cards (GeForce) are compared but never recommended: no ECC, no datacenter
    support, and NVIDIA's GeForce driver licence excludes datacenter deployment."""
    return "consumer" in gpu.form_factor.lower()


def is_rack_scale(gpu: GPU) -> bool:
    """True for systems whose NVLink domain spans a whole rack (GB200/GB300 NVL72)."""
    return gpu.scale_up_domain > gpu.gpus_per_node


def density_cooling(rack_kw: float) -> str:
    """The cheapest tier that removes ``rack_kw`` per rack, whatever the system ships with."""
    return next(tier for tier in COOLING_ORDER if rack_kw <= COOLING_MAX_RACK_KW[tier])


def cooling_why(gpu: GPU, rack_kw: float, tier: str) -> str:
    """Why the cooling tier: the rack's density, or the SKU's own system when that asks for more."""
    by_density = density_cooling(rack_kw)
    limits = f"(air <= {C.AIR_MAX_RACK_KW:g} kW, rear-door <= {C.RDHX_MAX_RACK_KW:g} kW)"
    variants = ""
    if gpu.cooling_variants:
        variants = f"; {gpu.name} ships {' or '.join(COOLING_LABEL[v] for v in gpu.cooling_variants)}-cooled"
    if tier != by_density:
        return (f"{gpu.name} ships with {COOLING_LABEL[tier]}; its {rack_kw:.1f} kW racks alone "
                f"would allow {COOLING_LABEL[by_density]} {limits}")
    return f"{rack_kw:.1f} kW per rack needs {COOLING_LABEL[tier]} {limits}{variants}"


def rack_usable_kw(rack_power_kw: float, basis: str = "breaker") -> float:
    """What servers may draw in one rack: all of a contracted IT-load cap, 80% of a breaker rating."""
    if basis == "it-cap":
        return rack_power_kw * C.RACK_IT_CAP_FRACTION
    return rack_power_kw * C.RACK_CONTINUOUS_LOAD_FRACTION


def article(number: str) -> str:
    """"a" or "an" before a number as it is read aloud: an 8, an 11, an 18, an 80-89, an 800;
    a 3, a 35, a 100."""
    whole = number.split(".")[0].replace(",", "")
    if whole.startswith("8") or (whole[:2] in ("11", "18") and len(whole) % 3 == 2):
        return "an"
    return "a"


def _rack_words(rack_power_kw: float, basis: str) -> str:
    usable = rack_usable_kw(rack_power_kw, basis)
    rack = f"{rack_power_kw:g}"
    if basis == "it-cap":
        return f"{article(rack)} {rack} kW IT-load cap per rack ({usable:.1f} kW for servers)"
    return f"{article(rack)} {rack} kW rack feed carries {usable:.1f} kW of continuous load"


def rack_plan(gpu: GPU, nodes: int, node: int, rack_power_kw: float,
              basis: str = "breaker", whole_racks: bool = True,
              cooling: str | None = None) -> tuple[int, int, float, str]:
    """(nodes per rack, racks, rack density kW, note) under the rack's power limit and, when the
    facility's ``cooling`` is known, under what that cooling removes per rack: a bigger feed
    never packs more nodes into a rack than the room can cool (it would turn a design that fits
    into one that needs liquid cooling).

    ``whole_racks=False``: a rack-scale system rented by the instance (a 4-GPU VM of an NVL72)
    sits in the provider's racks; only the rented trays are counted."""
    node_kw = node_power_kw(gpu, node)
    usable = rack_usable_kw(rack_power_kw, basis)
    if is_rack_scale(gpu) and not whole_racks:
        per_rack = gpu.scale_up_domain // node
        racks = math.ceil(nodes / per_rack) if nodes else 0
        return per_rack, racks, min(per_rack, nodes) * node_kw, (
            f"{gpu.node_name}: rented by the instance, so the provider's NVL72 racks host it; "
            f"{nodes} tray{'' if nodes == 1 else 's'} of {node_kw:.1f} kW counted")
    if is_rack_scale(gpu):
        # NVL72-class systems are built, cooled and powered as whole racks of one NVLink domain.
        per_rack = gpu.scale_up_domain // node
        rack_kw = per_rack * node_kw
        if usable < rack_kw:
            return 0, 0, rack_kw, (
                f"{gpu.node_name} is a rack-scale system: one rack of {gpu.scale_up_domain} GPUs "
                f"draws {rack_kw:.0f} kW, but {_rack_words(rack_power_kw, basis)}: no rack can host it"
            )
        racks = math.ceil(nodes / per_rack) if nodes else 0
        return per_rack, racks, rack_kw, (
            f"{gpu.node_name} comes as whole racks of {gpu.scale_up_domain} GPUs ({rack_kw:.0f} kW each)"
        )
    per_rack = int(usable // node_kw + 1e-9)
    if per_rack < 1:
        return 0, 0, node_kw, (
            f"one {gpu.node_name} node draws {node_kw:.1f} kW but {_rack_words(rack_power_kw, basis)}: "
            f"no rack can host it"
        )
    cooled = ""
    if cooling in COOLING_MAX_RACK_KW and COOLING_ORDER.index(gpu.min_cooling) <= COOLING_ORDER.index(cooling):
        limit = COOLING_MAX_RACK_KW[cooling]
        by_cooling = int(limit // node_kw + 1e-9) if math.isfinite(limit) else per_rack
        if 1 <= by_cooling < per_rack:
            per_rack = by_cooling
            cooled = f"; the facility's {COOLING_LABEL[cooling]} removes up to {limit:g} kW a rack"
    racks = math.ceil(nodes / per_rack) if nodes else 0
    density = min(per_rack, nodes) * node_kw
    note = ""
    if nodes >= 2 and per_rack < nodes:
        note = (f"{_rack_words(rack_power_kw, basis)}{cooled}: "
                f"{per_rack} {gpu.node_name} node{'' if per_rack == 1 else 's'} of {node_kw:.1f} kW per rack"
                f"{'' if per_rack > 1 else f'; a pair would need {2 * node_kw:.1f} kW'}, so {racks} racks")
    return per_rack, racks, density, note


def _place(r: Resolved, s: SkuSizing) -> None:
    assert s.layout is not None and s.unit is not None
    gpu, node = s.gpu, s.gpus_per_node
    # Every GPU bought is racked and powered; a unit smaller than a node (a 1-GPU rental) is
    # counted as its share of a node.
    s.nodes = max(math.ceil(s.gpus_bought / node), 1 if s.gpus_bought else 0)
    per_site_nodes = math.ceil(s.nodes / s.sites)
    per_rack, site_racks, s.rack_density_kw, note = rack_plan(gpu, per_site_nodes, node, r.rack_power_kw,
                                                              r.rack_power_basis, s.unit.kind == "rack",
                                                              r.cooling)
    s.nodes_per_rack, s.racks = per_rack, site_racks * s.sites
    s.rack_usable_kw = rack_usable_kw(r.rack_power_kw, r.rack_power_basis)
    if note:
        s.notes.append(note)
    per_gpu_kw = node_power_kw(gpu, node) / node
    typical_kw, _ = typical_node_power_kw(gpu, node)
    s.it_power_kw = s.gpus_bought * per_gpu_kw * (1 + C.NETWORK_OVERHEAD_FRACTION)
    s.typical_power_kw = s.gpus_bought * typical_kw / node * (1 + C.NETWORK_OVERHEAD_FRACTION)
    needed = required_cooling(gpu, s.rack_density_kw)
    s.cooling = needed
    if r.cooling is not None and COOLING_ORDER.index(r.cooling) < COOLING_ORDER.index(needed):
        s.cooling_ok = False
        if COOLING_ORDER.index(density_cooling(s.rack_density_kw)) < COOLING_ORDER.index(needed):
            # the system's own cooling, not the rack's density, asks for more
            s.notes.append(f"{gpu.name} systems ship with {COOLING_LABEL[needed]} only; the facility offers "
                           f"{COOLING_LABEL[r.cooling]}")
        else:
            s.notes.append(
                f"racks of {s.rack_density_kw:.1f} kW need {COOLING_LABEL[needed]}; the facility offers "
                f"{COOLING_LABEL[r.cooling]}"
            )
    # A rack feed below one node is a power problem, not a cooling one: the SKU comparison
    # refuses the SKU for it (nodes_per_rack < 1) and the spec's rack-power-short flag names it;
    # cooling_ok stays what the cooling asks (before, a 'dlc' facility read "needs more than dlc").
    # Each deployment is packed into its own units (``size_on``), so its nodes are its own.
    deployment_nodes = max(math.ceil(s.gpus_bought / max(s.deployments, 1) / node), 1 if s.gpus_bought else 0)
    s.failure_domain, s.failures_survived, s.failure_unit = failure_domain(
        r.redundancy, r.spare_nodes, s.replicas, s.replicas_for_load + s.replicas_for_headroom,
        deployment_nodes, s.sites, replicas_lost_per_node(s.layout.gpus, node), s.deployments,
        r.variants if r.lora else 1, s.replicas_for_load)


def gpu_hour_price(gpu: GPU, basis: str) -> tuple[float | None, str, bool]:
    """(USD per GPU-hour, where from, estimate?) for a price basis, derived when not listed."""
    price, source, estimate, _ = gpu_hour_quote(gpu, basis)
    return price, source, estimate


def gpu_hour_quote(gpu: GPU, basis: str) -> tuple[float | None, str, bool, str]:
    """(USD per GPU-hour, where from, estimate?, formula of a Kickoff estimate)."""
    listed = [p for p in gpu.prices if p.basis == basis and p.usd_per_gpu_hour]
    if basis == "purchase":
        bought = [p for p in gpu.prices if p.basis == "purchase" and p.usd_per_gpu]
        if bought:
            p = min(bought, key=lambda x: x.usd_per_gpu or 0)
            hourly = (p.usd_per_gpu or 0) / (C.PURCHASE_AMORTISATION_YEARS * C.HOURS_PER_YEAR)
            formula = (f"${p.usd_per_gpu:,.0f} / ({C.PURCHASE_AMORTISATION_YEARS:g} years x "
                       f"{C.HOURS_PER_YEAR:,.0f} h) = ${hourly:.2f}/GPU-h")
            label = "Kickoff's estimate" if p.estimate else p.provider
            return hourly, (f"{label} ${p.usd_per_gpu:,.0f} ({p.date}) over "
                            f"{C.PURCHASE_AMORTISATION_YEARS:g} years, hardware only"), True, (
                                f"{p.formula or p.source}; amortised {formula}")
        return None, "no purchase price in the catalog", True, ""
    if listed:
        p = min(listed, key=lambda x: x.usd_per_gpu_hour or 0)
        if p.estimate:
            return p.usd_per_gpu_hour, f"Kickoff's estimate ({p.date})", True, p.formula or p.source
        return p.usd_per_gpu_hour, f"{p.provider} {p.basis} ({p.date})", False, ""
    on_demand = [p for p in gpu.prices if p.basis == "on-demand" and p.usd_per_gpu_hour]
    if not on_demand:
        return None, "no price in the catalog", True, ""
    p = min(on_demand, key=lambda x: x.usd_per_gpu_hour or 0)
    discount = C.COMMITMENT_DISCOUNT.get(basis, 0.0)
    price = (p.usd_per_gpu_hour or 0) * (1 - discount)
    origin = f"Kickoff's estimate ({p.date})" if p.estimate else f"{p.provider} on-demand ({p.date})"
    formula = (f"{'(' + (p.formula or p.source) + ') ' if p.estimate else ''}"
               f"${p.usd_per_gpu_hour:.2f} x (1 - {discount:.0%}) = ${price:.2f}/GPU-h")
    return price, f"{origin} less {discount:.0%} for {basis}", True, formula


def _price(r: Resolved, s: SkuSizing) -> None:
    price, source, estimate, formula = gpu_hour_quote(s.gpu, r.price_basis)
    s.price, s.price_source, s.price_estimate, s.price_formula = price, source, estimate, formula
    if price is not None:
        s.cost_per_hour = price * s.gpus_bought


# ----------------------------------------------------------------------------------------------
# 4. Physical limits, comparison, the spec
# ----------------------------------------------------------------------------------------------


def physical_limits(r: Resolved) -> PhysicalLimits | None:
    """Best batch-1 TPOT and TTFT for this model over every SKU and TP size within a node."""
    best_tpot: tuple[float, str] | None = None
    best_ttft: tuple[float, str] | None = None
    prefill_tokens = r.input_tokens * (1 - r.options.prefix_hit_rate)
    # Loop invariants; the loop reads each layout's step coefficients directly (perf.step_time()
    # and perf.prefill_seconds() on one stage, the same arithmetic: this runs for every GPU and
    # TP size on every sizing).
    positions = r.options.speculative_positions or r.options.speculative_speedup
    context = r.input_tokens + r.output_tokens
    decode_context = r.input_tokens + r.output_tokens / 2
    for gpu in gpus():
        precision, _ = serving_precision(r, gpu)
        engine, _ = engine_for(r.options.engine, gpu.vendor)
        kv_precision = r.kv_precision or perf.default_kv_precision(gpu, precision, r.model, engine)
        if not engine.runs_on(gpu.vendor):
            continue
        fixed = perf.request_fixed_seconds(r.model, engine)
        for tp in powers_of_two(gpu.gpus_per_node):
            plan = perf.memory_plan(r.model, gpu, precision, tp, 1, r.options.gpu_memory_utilization, engine)
            if perf.max_sequences(r.model, plan, kv_precision, context, tp) < 1:
                continue
            k = perf.step_coefficients(r.model, gpu, precision, kv_precision, tp, 1, engine)
            step = k.with_decode(k.decode(1, decode_context, positions))
            tpot = step.total / r.options.speculative_speedup
            ttft = fixed + (k.prefill_alone(prefill_tokens) if prefill_tokens > 0 else 0.0)
            ttft += perf.first_token_lag_seconds(engine, tpot, r.model)
            if best_tpot is None or tpot < best_tpot[0]:
                best_tpot = (tpot, gpu.id)
            if best_ttft is None or ttft < best_ttft[0]:
                best_ttft = (ttft, gpu.id)
    if best_tpot is None or best_ttft is None:
        return None
    return PhysicalLimits(best_tpot_ms=round(best_tpot[0] * 1e3, 2), best_tpot_gpu=best_tpot[1],
                          best_ttft_ms=round(best_ttft[0] * 1e3, 2), best_ttft_gpu=best_ttft[1],
                          prefill_tokens=int(round(prefill_tokens)),
                          prefill_input="size_for_max_context" if r.sized_context > r.input_tokens + r.output_tokens
                          or r.warnings and "max context" in r.warnings[0] else "avg_input_tokens")


def _option(s: SkuSizing) -> SkuOption:
    if s.fits and is_consumer(s.gpu):
        s.notes.append("consumer card: not recommended for datacenter serving (no ECC, GeForce licence)")
    return SkuOption(
        gpu=s.gpu.id, gpu_name=s.gpu.name, fits=s.fits and s.cooling_ok and s.nodes_per_rack >= 1,
        reason=s.reason or "; ".join([*s.notes, *([s.bound_note] if s.bound_note else [])]),
        engine=s.engine,
        tensor_parallel=s.layout.tp if s.layout else 0,
        pipeline_parallel=s.layout.pp if s.layout else 1,
        expert_parallel=s.layout.ep if s.layout else 1,
        dp_attention=bool(s.layout and s.layout.dp > 1),
        concurrency_per_replica=s.concurrency, replicas=s.replicas * s.deployments,
        total_gpus=s.total_gpus, nodes=s.nodes, it_power_kw=round(s.it_power_kw, 1),
        cost_per_month=round(s.cost_per_hour * C.HOURS_PER_MONTH, 0) if s.cost_per_hour else None,
        tpot_ms=round(s.design.tpot_s * 1e3, 1) if s.fits and s.design else None,
        ttft_ms=round(s.design.ttft_s * 1e3, 1) if s.fits and s.design else None,
        price_is_estimate=s.price_estimate,
    )


def _rank_key(o: SkuOption) -> tuple:
    cost = o.cost_per_month if o.cost_per_month is not None else math.inf
    return (not o.fits, cost, o.it_power_kw, o.gpu)


def size(inputs: SizingInputs, compare: bool = True) -> SizedSpec:
    """Size the deployment for the kickoff's answers. Pure and fast; raises CatalogError only
    for an unknown model or GPU id.

    ``compare=False`` sizes only the fixed SKU (no comparison table, no physical limits): for
    callers that re-size many variants of one answer set (growth, sensitivity)."""
    r = resolve(inputs)
    fixed = get_gpu(r.gpu_id) if r.gpu_id else None
    if fixed is not None and not compare:
        sized = size_on(r, fixed)
        return _with_band(r, sized, _spec(r, sized, [], "", "", None))
    sizings = {g.id: size_on(r, g) for g in gpus()}
    comparison = sorted((_option(s) for s in sizings.values()), key=_rank_key)
    viable = [o for o in comparison if o.fits and not is_consumer(get_gpu(o.gpu))]
    recommended = viable[0].gpu if viable else ""
    runner_up = viable[1].gpu if len(viable) > 1 else ""
    chosen_id = fixed.id if fixed else (recommended or comparison[0].gpu)
    chosen = sizings[chosen_id]
    return _with_band(r, chosen, _spec(r, chosen, comparison, recommended, runner_up, physical_limits(r)))


def _with_band(r: Resolved, s: SkuSizing, spec: SizedSpec) -> SizedSpec:
    """Attach the error band: latencies and throughput at the band's ends, and the GPU count
    sized again with latencies at the optimistic and pessimistic ends of the band."""
    from dataclasses import replace

    from kickoff_tui.sizing.bands import band_for

    if not spec.feasible or not s.engine:
        return spec
    band = band_for(s.engine, s.gpu, r.model)
    counts, units = [], []
    for end in ("low", "high"):
        scaled = replace(r, latency_scale=(band.factor("ttft", end), band.factor("tpot", end)))
        other = size_on(scaled, s.gpu, gpus_only=True)
        counts.append(other.total_gpus if other.fits else None)
        units.append(other.units if other.fits else None)
    ttft_lo, ttft_hi = band.latency_range("ttft", spec.ttft_ms or 0.0)
    tpot_lo, tpot_hi = band.latency_range("tpot", spec.tpot_ms or 0.0)
    tps_lo, tps_hi = band.throughput_range(spec.output_tokens_per_s)
    low = min(counts[0], spec.total_gpus) if counts[0] is not None else spec.total_gpus
    high = max(counts[1], spec.total_gpus) if counts[1] is not None else None
    units_low = min(units[0], spec.units) if units[0] is not None else spec.units
    units_high = max(units[1], spec.units) if units[1] is not None else None
    note = band.note
    if high is None:
        note += "; at the pessimistic end of the band no layout meets the targets"
    banded = spec.model_copy(update=dict(units_low=units_low, units_high=units_high))
    why = dict(spec.why)
    if "units" in why and banded.units_band_text:
        why["units"] += f"; {banded.units_band_text}"
    return spec.model_copy(update=dict(
        why=why, engine=s.engine, total_gpus_low=low, total_gpus_high=high, units_low=units_low, units_high=units_high,
        band_group=band.group, band_note=note,
        ttft_ms_low=round(ttft_lo, 1), ttft_ms_high=round(ttft_hi, 1),
        tpot_ms_low=round(tpot_lo, 2), tpot_ms_high=round(tpot_hi, 2),
        output_tokens_per_s_low=round(tps_lo, 1), output_tokens_per_s_high=round(tps_hi, 1),
    ))


def _lag_words(r: Resolved, s: SkuSizing) -> str:
    """"; the design-load figure includes N ms of the engine's first-token lag ..." where the
    engine profile carries a calibrated lag for this model (perf.first_token_lag_seconds), so
    that a TTFT dominated by it says where it comes from; empty otherwise."""
    if not s.engine:
        return ""
    engine, _ = engine_for(r.options.engine, s.gpu.vendor)
    lag = perf.first_token_lag_seconds(engine, s.design.tpot_s, r.model)
    if lag <= 0:
        return ""
    return (f"; the design-load figure includes {lag * 1e3:.0f} ms of {engine.name}'s first-token lag "
            f"({engine.first_token_steps:g} decode steps between a prompt's prefill and its first "
            "token at the client, as calibrated on the InferenceX benchmark's MoE runs; docs/model.md "
            "section 5)")


def _spec(r: Resolved, s: SkuSizing, comparison: list[SkuOption], recommended: str,
          runner_up: str, limits: PhysicalLimits | None) -> SizedSpec:
    model = r.model
    assumptions = list(r.assumptions)
    if r.precision is None:
        assumptions.append(Assumption(field="precision", value=s.precision,
                                      reason="FP8 on parts with FP8 math, else the release precision"))
    if r.kv_precision is None:
        reason = "FP8 KV with FP8 (or lower) weights on FP8 parts, else 16-bit"
        engine, _ = engine_for(r.options.engine, s.gpu.vendor)
        if perf.fp8_kv_held_back(s.gpu, s.precision, model, engine):
            slower = perf.fp8_kv_slower_words(s.gpu, engine)
            if s.kv_precision == "fp8":
                reason = f"FP8: buys fewer GPUs than a 16-bit cache here (twice the tokens), although {slower}"
            else:
                reason = (f"16-bit: {slower} (docs/model.md, section 3); FP8 is sized too only where the "
                          "KV cache bounds a replica")
        assumptions.append(Assumption(field="kv_precision", value=s.kv_precision, reason=reason))
    base = dict(
        model=model.id, model_name=model.name, gpu=s.gpu.id, gpu_name=s.gpu.name,
        precision=s.precision, kv_precision=s.kv_precision, weight_only=s.weight_only,
        use_case=r.use_case, avg_input_tokens=r.input_tokens, avg_output_tokens=r.output_tokens,
        sized_context_tokens=r.sized_context, peak_concurrency=r.peak_concurrency,
        concurrency_note=r.concurrency_note, ttft_target_ms=r.ttft_ms, tpot_target_ms=r.tpot_ms,
        slo_percentile=r.percentile, assumptions=assumptions, warnings=list(r.warnings),
        recommended=recommended, runner_up=runner_up, comparison=comparison,
        physical_limits=limits, price_basis=r.price_basis,
        stated_concurrency=r.stated_concurrency, burst_factor=r.burst, burst_included=r.burst_included,
        average_concurrency=round(r.average_concurrency, 2), load_note=r.load_note,
        redundancy=r.redundancy, rack_power_basis=r.rack_power_basis,
    )
    if not s.fits or s.layout is None:
        return SizedSpec(feasible=False, infeasible_reason=s.reason, binding_constraint="memory"
                         if "fit" in s.reason else "tpot" if "TPOT" in s.reason else "ttft", **base)
    layout = s.layout
    plan = s.plan
    unit = s.unit
    assert plan is not None and unit is not None and s.design is not None and s.average is not None
    warnings = base.pop("warnings")
    warnings.extend(s.notes)
    build_note = engine_for(r.options.engine, s.gpu.vendor)[1] if r.options.engine else ""
    if build_note:
        warnings.append(build_note)
    if s.weight_only:
        warnings.append(f"{s.gpu.id} runs {s.precision} as weights only: weights are stored compressed "
                        f"but the matmuls run at 16-bit, so prefill gets no low-precision speed-up")
    spans_domain = layout.gpus > s.domain
    spans_nodes = layout.gpus > s.gpus_per_node
    scale_up = (f"{s.gpu.name.split()[0]} scale-up link, {s.gpu.scale_up_gbs:g} GB/s per GPU, "
                f"domain of {s.gpu.scale_up_domain}" if s.gpu.scale_up_gbs else "PCIe only (no scale-up link)")
    if spans_domain:
        scale_out = (f"InfiniBand NDR/XDR or RoCE 400G+ (a replica spans {layout.pp} pipeline stages "
                     f"beyond the {s.domain}-GPU NVLink domain: pipeline traffic)")
        if r.fabric == "ethernet":
            warnings.append("a replica spans nodes but the fabric is plain Ethernet: use InfiniBand or RoCE")
    elif spans_nodes:
        scale_out = (f"NVLink inside the {s.domain}-GPU rack domain carries each TP{layout.tp} replica "
                     f"across compute trays; Ethernet front-end only between replicas")
    else:
        scale_out = "Ethernet front-end (replicas are independent; no GPU traffic between nodes)"
    if layout.tp > 1 and not s.gpu.scale_up_gbs:
        warnings.append(f"TP{layout.tp} over PCIe on {s.gpu.id}: all-reduces are slow without a scale-up link")
    if s.design.prefill_saturated:
        warnings.append(PREFILL_SATURATION_WARNING)
    serving = s.replicas * s.deployments
    fleet_capacity = s.concurrency * serving
    design_tps = s.design.tokens_per_s * serving
    avg_tps = s.average.tokens_per_s * serving
    avg_in_tps = avg_tps * r.input_tokens / r.output_tokens
    per_replica_design = r.peak_concurrency / serving
    spare = s.gpus_bought - s.total_gpus
    at_design = f"at the design load ({r.peak_concurrency:,} in flight, {per_replica_design:.1f} per replica)"
    why = {
        "load": r.load_note + (f" ({r.concurrency_note})" if r.concurrency_note else ""),
        "gpus_per_replica": (
            f"{layout.gpus} = TP{layout.tp}" + (f" x PP{layout.pp}" if layout.pp > 1 else "")
            + (f", experts split whole over {layout.ep} GPUs (EP{layout.ep})" if layout.ep > 1 else "")
            + (f", attention data-parallel over {layout.dp} ranks (each its own sequences)" if layout.dp > 1 else "")
            + f": weights {plan.weights / 1e9:.1f} GB per GPU at {s.precision}"
            + f" leave {plan.kv / 1e9:.1f} GB per GPU for KV cache"
            + (f"; TP stays inside the {s.domain}-GPU NVLink domain" if s.domain > s.gpus_per_node else "")
        ),
        "concurrency_per_replica": (
            f"{s.concurrency} in flight per replica at most: "
            + {"memory": f"KV memory / engine cap ({s.cap} sequences of {r.sized_context:,} tokens)",
               "tpot": f"more would push {r.percentile} TPOT past {r.tpot_ms:g} ms",
               "ttft": f"more would push {r.percentile} TTFT past {r.ttft_ms:g} ms"}.get(s.bound, s.bound)
        ),
        "replicas": (
            f"{s.replicas} = ceil({r.peak_concurrency} in flight (design load)"
            + (f" / {s.deployments} deployments" if s.deployments > 1 else "")
            + f" / {s.concurrency} per replica) = {s.replicas_for_load}"
            + (f", + {s.replicas_for_headroom} headroom ({r.headroom:.0%})" if s.replicas_for_headroom else "")
            + (f", + {s.replicas_for_redundancy} for {r.redundancy}" if s.replicas_for_redundancy else "")
            + (f"; x {s.deployments} separate deployments (variants without LoRA)" if s.deployments > 1 else "")
        ),
        "failure_domain": s.failure_domain,
        "total_gpus": f"{s.total_gpus} = {serving} replicas x {layout.gpus} GPUs",
        "units": (f"{s.total_gpus} GPUs needed, {s.gpus_bought} bought: {s.units} x {unit.name} "
                  f"({unit.gpus} GPUs each, {unit.kind}; {unit.source})"
                  + (f"; {spare} spare" if spare else "")),
        "nodes": f"{s.nodes} node{'' if s.nodes == 1 else 's'} of {s.gpus_per_node} GPUs ({s.gpu.node_name})",
        "racks": (f"{s.racks} rack{'' if s.racks == 1 else 's'}, up to {s.nodes_per_rack} node{'' if s.nodes_per_rack == 1 else 's'} each: "
                  f"{_rack_words(r.rack_power_kw, r.rack_power_basis)}"
                  + (f"; {s.sites} sites" if s.sites > 1 else "")
                  if s.nodes_per_rack else
                  f"one {s.gpu.node_name} node draws {node_power_kw(s.gpu, s.gpus_per_node):.1f} kW but "
                  f"{_rack_words(r.rack_power_kw, r.rack_power_basis)}: no rack can host it; raise the feed "
                  "or choose a SKU whose node fits"),
        "it_power_kw": (f"nameplate, for provisioning: {s.gpus_bought} GPUs bought = "
                        f"{s.gpus_bought / s.gpus_per_node:g} x {node_power_kw(s.gpu, s.gpus_per_node):.1f} kW "
                        f"per node + {C.NETWORK_OVERHEAD_FRACTION:.0%} network and management"),
        "typical_power_kw": (f"average draw, for energy cost: {typical_node_power_kw(s.gpu, s.gpus_per_node)[1]}"),
        "cooling": cooling_why(s.gpu, s.rack_density_kw, s.cooling),
        "tpot_ms": (f"{s.design.tpot_s * 1e3:.1f} ms mean ({s.design.tpot_at(r.percentile) * 1e3:.1f} ms at "
                    f"{r.percentile}) {at_design}; at the per-replica limit "
                    f"{s.tpot_s * 1e3:.1f} ms mean ({s.tpot_pct_s * 1e3:.1f} ms at {r.percentile})"),
        "ttft_ms": (f"{s.design.ttft_s * 1e3:.0f} ms mean ({s.design.ttft_at(r.percentile) * 1e3:.0f} ms at "
                    f"{r.percentile}) {at_design}; at the per-replica limit "
                    f"{s.ttft_s * 1e3:.0f} ms mean ({s.ttft_pct_s * 1e3:.0f} ms at {r.percentile})"
                    + _lag_words(r, s)),
        "output_tokens_per_s": f"{design_tps:,.0f} output tokens/s {at_design}",
        "utilisation": (f"design load {r.peak_concurrency:,} / capacity {fleet_capacity:,} in flight "
                        f"= {r.peak_concurrency / fleet_capacity:.0%}; average "
                        f"{r.average_concurrency:,.0f} / {fleet_capacity:,} = "
                        f"{r.average_concurrency / fleet_capacity:.0%}"),
    }
    if s.spec_plan is not None:
        why["speculative"] = s.spec_plan.why()
    unit_price = None
    if s.price is not None:
        unit_price = s.price * unit.gpus
        why["cost_per_hour"] = (f"{s.units} x {unit.name} x ${unit_price:,.2f}/unit-hour "
                                f"({unit.gpus} x ${s.price:.2f}/GPU-hour; {s.price_source})")
        if s.price_formula:
            why["price"] = f"Kickoff's estimate, not a list price: {s.price_formula}"
    binding = s.bound
    if s.replicas_for_redundancy and s.replicas_for_redundancy >= s.replicas_for_load:
        binding = "redundancy"
    if s.nodes_per_rack < 1:
        binding = "power"
    cost_per_hour = s.cost_per_hour
    cost_per_m = cost_per_m_all = None
    if cost_per_hour and avg_tps > 0:
        cost_per_m = cost_per_hour / (avg_tps * 3600) * 1e6
        cost_per_m_all = cost_per_hour / ((avg_tps + avg_in_tps) * 3600) * 1e6
        why["cost_per_million_tokens"] = (
            f"at the average load ({r.average_concurrency:,.0f} in flight): ${cost_per_hour:,.2f}/h / "
            f"({avg_tps:,.0f} output + {avg_in_tps:,.0f} input tokens/s x 3,600) = "
            f"${cost_per_m_all:.3f} per million tokens; ${cost_per_m:.3f} per million output tokens")
    return SizedSpec(
        feasible=True,
        tensor_parallel=layout.tp, pipeline_parallel=layout.pp, expert_parallel=layout.ep,
        dp_attention=layout.dp > 1, gpus_per_replica=layout.gpus,
        concurrency_per_replica=s.concurrency, deployments=s.deployments,
        replicas_for_load=s.replicas_for_load, replicas_for_redundancy=s.replicas_for_redundancy,
        replicas_for_headroom=s.replicas_for_headroom, replicas=serving,
        total_gpus=s.total_gpus, gpus_per_node=s.gpus_per_node, nodes=s.nodes, racks=s.racks,
        nodes_per_rack=s.nodes_per_rack, scale_up_fabric=scale_up, scale_out_fabric=scale_out,
        unit_kind=unit.kind, unit_name=unit.name, unit_gpus=unit.gpus, units=s.units,
        gpus_bought=s.gpus_bought, spare_gpus=spare, failure_domain=s.failure_domain,
        failures_survived=s.failures_survived, failure_unit=s.failure_unit, sites=s.sites,
        rack_usable_kw=round(s.rack_usable_kw, 2), nvlink_domain=s.domain,
        node_power_kw=round(node_power_kw(s.gpu, s.gpus_per_node), 2),
        it_power_kw=round(s.it_power_kw, 1), facility_power_kw=round(s.it_power_kw * C.PUE_DEFAULT, 1),
        typical_power_kw=round(s.typical_power_kw, 1),
        typical_power_source=typical_node_power_kw(s.gpu, s.gpus_per_node)[1],
        rack_density_kw=round(s.rack_density_kw, 1), cooling=s.cooling, cooling_ok=s.cooling_ok,
        ttft_ms=round(s.design.ttft_s * 1e3, 1), tpot_ms=round(s.design.tpot_s * 1e3, 2),
        ttft_ms_at_capacity=round(s.ttft_s * 1e3, 1), tpot_ms_at_capacity=round(s.tpot_s * 1e3, 2),
        output_tokens_per_s=round(design_tps, 1),
        utilisation_at_design=round(r.peak_concurrency / fleet_capacity, 4),
        average_utilisation=round(r.average_concurrency / fleet_capacity, 4),
        output_tokens_per_s_average=round(avg_tps, 1), input_tokens_per_s_average=round(avg_in_tps, 1),
        speculative=s.spec_plan.why() if s.spec_plan else "",
        speculative_accepted_per_step=round(s.spec_plan.accepted_per_step, 3) if s.spec_plan else 1.0,
        kv_cache_tokens_per_replica=perf.kv_token_capacity(model, plan, s.kv_precision, layout.tp, layout.pp, layout.dp),
        weights_gb_per_gpu=round(plan.weights / 1e9, 2), kv_gb_per_gpu=round(max(plan.kv, 0) / 1e9, 2),
        overhead_gb_per_gpu=round(plan.overhead / 1e9, 2),
        memory_gb_per_gpu=round(s.gpu.memory_gb, 1),
        price_usd_per_gpu_hour=round(s.price, 4) if s.price is not None else None,
        price_source=s.price_source, price_is_estimate=s.price_estimate,
        unit_price_per_hour=round(unit_price, 2) if unit_price is not None else None,
        cost_per_hour=round(cost_per_hour, 2) if cost_per_hour is not None else None,
        cost_per_month=round(cost_per_hour * C.HOURS_PER_MONTH, 0) if cost_per_hour is not None else None,
        cost_per_million_output_tokens=round(cost_per_m, 3) if cost_per_m is not None else None,
        cost_per_million_tokens=round(cost_per_m_all, 3) if cost_per_m_all is not None else None,
        binding_constraint=binding, why=why, warnings=warnings, **base,
    )


def size_pinned(inputs: SizingInputs) -> SizedSpec:
    """``size`` without the SKU comparison (when ``inputs.gpu`` is fixed): re-sizing what-ifs."""
    return size(inputs, compare=False)
