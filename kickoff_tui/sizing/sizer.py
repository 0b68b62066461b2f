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
from kickoff_tui.catalog.schema import BYTES_PER_VALUE
from kickoff_tui.sizing import constants as C
from kickoff_tui.sizing import defaults as D
from kickoff_tui.sizing import perf
from kickoff_tui.catalog.engines import engine_for, normalise_engine
from kickoff_tui.sizing.estimate import (
    Layout,
    ServingOptions,
    moe_layout,
    operating_point,
    powers_of_two,
    replica_capacity,
    tp_divides,
)
from kickoff_tui.sizing.inputs import SizingInputs
from kickoff_tui.sizing.spec import Assumption, PhysicalLimits, SizedSpec, SkuOption

COOLING_ORDER = ("air", "rdhx", "dlc")
COOLING_LABEL = {"air": "air", "rdhx": "rear-door heat exchanger", "dlc": "direct liquid cooling"}


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

    peak, note = _peak_concurrency(inputs, ttft, osl, tpot, assumed)
    redundancy = _pick(inputs, "redundancy", D.DEFAULT_REDUNDANCY, "one spare replica for failures and updates", assumed)
    headroom = _pick(inputs, "growth_headroom", D.DEFAULT_GROWTH_HEADROOM, "no growth headroom", assumed)

    continuous = _pick(inputs, "continuous_batching", True, "modern engines batch continuously", assumed)
    paged = _pick(inputs, "paged_attention", True, "modern engines page the KV cache", assumed)
    prefix = _pick(inputs, "prefix_caching", True, "modern engines cache prefixes", assumed)
    hit = inputs.prefix_hit_rate if inputs.prefix_hit_rate is not None else D.DEFAULT_PREFIX_HIT_RATE
    if prefix and inputs.prefix_hit_rate is None:
        assumed.append(Assumption(field="prefix_hit_rate", value="0", reason="no measured prefix reuse"))
    speculative = bool(inputs.speculative_decoding)
    speedup = 1.0
    if speculative:
        speedup = inputs.speculative_speedup or D.DEFAULT_SPECULATIVE_SPEEDUP
        if inputs.speculative_speedup is None or not inputs.speculative_evidence:
            assumed.append(Assumption(
                field="speculative_speedup", value=f"{speedup:g}x",
                reason="speculative decoding divides TPOT by its speed-up; until it is measured "
                "on your traffic it stays an assumption",
            ))
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
        speculative_speedup=speedup,
        max_context_tokens=inputs.max_context_tokens or model.native_context,
        gpu_memory_utilization=inputs.gpu_memory_utilization,
    )
    variants = inputs.finetuned_variants or 1
    lora = inputs.lora_adapters if inputs.lora_adapters is not None else True
    gpu_id = inputs.gpu if inputs.gpu not in (None, "", "recommend") else None
    if gpu_id is None:
        assumed.append(Assumption(field="gpu", value="recommend", reason="every catalog SKU compared"))
    rack_kw = _pick(inputs, "rack_power_kw", D.DEFAULT_RACK_POWER_KW, "no rack power budget given", assumed)
    price_basis = _pick(inputs, "price_basis", D.DEFAULT_PRICE_BASIS, "list prices", assumed)
    return Resolved(
        use_case=use_case, model=model, precision=inputs.precision, kv_precision=inputs.kv_precision,
        input_tokens=isl, output_tokens=osl, sized_context=sized_context, peak_concurrency=peak,
        concurrency_note=note, ttft_ms=ttft, tpot_ms=tpot, percentile=percentile,
        redundancy=redundancy, headroom=headroom, options=options, variants=variants, lora=lora,
        gpu_id=gpu_id, gpus_per_node=inputs.gpus_per_node, fabric=inputs.fabric or "auto",
        rack_power_kw=rack_kw, cooling=inputs.cooling, price_basis=price_basis,
        assumptions=assumed, warnings=warnings,
    )


def _peak_concurrency(inputs: SizingInputs, ttft_ms: float, osl: int, tpot_ms: float,
                      assumed: list[Assumption]) -> tuple[int, str]:
    """Peak in-flight requests: given directly, or Little's law L = lambda x W from a rate."""
    if inputs.peak_concurrency is not None:
        return inputs.peak_concurrency, "given by the application owner"
    duration_s = (ttft_ms + osl * tpot_ms) / 1000  # time one request stays in flight at target SLO
    burst = inputs.burst_factor
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
    if burst is None:
        burst = D.DEFAULT_BURST_FACTOR
        assumed.append(Assumption(field="burst_factor", value=f"{burst:g}", reason="traffic taken as the peak"))
    peak = max(1, math.ceil(rate * burst * duration_s))
    note = (f"Little's law: {basis} x burst {burst:g} x {duration_s:.1f} s in flight "
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
    tpot_s: float = 0.0
    tokens_per_s: float = 0.0
    ttft_pct_s: float = 0.0
    tpot_pct_s: float = 0.0
    engine: str = ""
    cap: int = 0
    plan: perf.MemoryPlan | None = None
    replicas_for_load: int = 0
    replicas_for_headroom: int = 0
    replicas_for_redundancy: int = 0
    replicas: int = 0
    deployments: int = 1
    total_gpus: int = 0
    gpus_per_node: int = 0
    nodes: int = 0
    racks: int = 0
    nodes_per_rack: int = 0
    it_power_kw: float = 0.0
    rack_density_kw: float = 0.0
    cooling: str = ""
    cooling_ok: bool = True
    price: float | None = None
    price_source: str = ""
    price_estimate: bool = False
    cost_per_hour: float | None = None
    notes: list[str] = field(default_factory=list)


def serving_precision(r: Resolved, gpu: GPU) -> tuple[str, bool]:
    """(precision, assumed?) FP8 where the part has FP8 math and the model ships 16-bit."""
    if r.precision:
        return r.precision, False
    native = r.model.native_precision
    if BYTES_PER_VALUE[native] >= 2 and "fp8" in gpu.native_precisions:
        return "fp8", True
    return native, True


def best_concurrency(r: Resolved, gpu: GPU, precision: str, kv_precision: str, layout: Layout,
                     cap: int, engine=None, could_win=None) -> tuple[int, str, object | None]:
    """Highest per-replica concurrency meeting both targets at the asked percentile (latency
    rises with the sequences decoding, so a binary search on them finds it; the concurrency is
    the requests in the system at that point). Returns (concurrency, what bound it, point)."""
    ttft_target, tpot_target = r.ttft_ms / 1000, r.tpot_ms / 1000
    ttft_scale, tpot_scale = r.latency_scale

    def check(c: int):
        op = operating_point(r.model, gpu, precision, kv_precision, layout, r.input_tokens,
                             r.output_tokens, c, r.options, engine)
        if op.tpot_at(r.percentile) * tpot_scale > tpot_target:
            return False, "tpot", op
        if op.ttft_at(r.percentile) * ttft_scale > ttft_target:
            return False, "ttft", op
        return True, "", op

    ok, why, op = check(1)
    if not ok:
        return 0, why, op
    ok, why, op_cap = check(cap)
    if ok:
        return max(1, int(op_cap.in_system)), "memory", op_cap
    if could_win is not None and not could_win(max(1, int(op_cap.in_system))):
        return -1, "dominated", op_cap  # even the memory-bound load would not beat the best layout
    # Bracketed search (Illinois regula falsi on the worse of the two latency ratios, which
    # rise almost linearly with the sequences decoding), finished by bisection to 1%.
    def excess(o) -> float:
        return max(o.tpot_at(r.percentile) * tpot_scale / tpot_target,
                   o.ttft_at(r.percentile) * ttft_scale / ttft_target) - 1.0

    lo, hi, lo_op, hi_why = 1, cap, op, why
    f_lo, f_hi = excess(op), excess(op_cap)
    side = 0
    while hi - lo > max(1, lo // C.SIZER_SEARCH_RESOLUTION):
        if f_hi > f_lo:
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
    domain = max(node, gpu.scale_up_domain if gpu.scale_up_gbs else 1)
    for tp in powers_of_two(domain):
        if not tp_divides(r.model, tp):
            continue
        if tp > node and layouts:
            break  # beyond the node only when nothing inside it fits
        for layout in layout_choices(r, tp, 1, engine):
            plan = perf.memory_plan(r.model, gpu, precision, tp, 1, r.options.gpu_memory_utilization,
                                    engine, layout.dp)
            if perf.max_sequences(r.model, plan, kv_precision, r.sized_context, tp, 1, layout.dp) >= 1:
                layouts.append(layout)
    if layouts:
        return layouts
    sizes = [tp for tp in powers_of_two(node) if tp_divides(r.model, tp)]
    if not sizes:
        return []
    tp = max(sizes)
    for pp in range(2, C.MAX_PIPELINE_STAGES + 1):
        plan = perf.memory_plan(r.model, gpu, precision, tp, pp, r.options.gpu_memory_utilization, engine)
        if perf.max_sequences(r.model, plan, kv_precision, r.sized_context, tp, pp) >= 1:
            return [Layout(tp, pp)]
    return []


def redundancy_replicas(kind: str, load: int, replicas_per_node: float) -> int:
    """Extra replicas the redundancy posture adds on top of the load (and headroom) replicas."""
    if kind == "none":
        return 0
    if kind == "n+1":
        return 1
    if kind == "n+2":
        return 2
    if kind == "spare-node":
        return max(1, math.ceil(replicas_per_node))
    # 2n and multi-site: a second, full copy (for multi-site, in the other site)
    return load


def size_on(r: Resolved, gpu: GPU) -> SkuSizing:
    precision, _ = serving_precision(r, gpu)
    kv_precision = r.kv_precision or perf.default_kv_precision(gpu, precision)
    _, weight_only = perf.compute_precision(gpu, precision)
    node = r.gpus_per_node or gpu.gpus_per_node
    out = SkuSizing(gpu=gpu, fits=False, precision=precision, kv_precision=kv_precision,
                    weight_only=weight_only, gpus_per_node=node)
    if r.sized_context > r.model.native_context:
        out.reason = (f"{r.sized_context:,}-token requests exceed {r.model.id}'s "
                      f"{r.model.native_context:,}-token context")
        return out
    engine, _ = engine_for(r.options.engine, gpu.vendor)
    out.engine = engine.id
    if not engine.runs_on(gpu.vendor):
        out.reason = f"{engine.name} does not run on {gpu.vendor} GPUs"
        return out
    layouts = candidate_layouts(r, gpu, precision, kv_precision, node, engine)
    if not layouts:
        need = perf.weight_bytes(r.model, precision) / 1e9
        out.reason = (f"{r.model.id} at {precision} ({need:,.0f} GB of weights) plus KV for a "
                      f"{r.sized_context:,}-token request does not fit in up to {C.MAX_PIPELINE_STAGES} nodes of {gpu.id}")
        return out
    deployments = 1 if (r.lora or r.variants == 1) else r.variants
    share = 1.0 / deployments  # each separate deployment carries its variant's share of traffic
    lora_factor = C.LORA_THROUGHPUT_FACTOR if (r.lora and r.variants > 1) else 1.0
    best: SkuSizing | None = None
    best_reason = ""
    for layout in layouts:
        cap, plan = replica_capacity(r.model, gpu, precision, kv_precision, layout,
                                     r.input_tokens, r.output_tokens, r.options, engine)
        if cap < 1:
            continue
        def could_win(conc: int, layout: Layout = layout) -> bool:
            if best is None:
                return True
            load = math.ceil(r.peak_concurrency * share / max(1, int(conc * lora_factor)))
            with_headroom = math.ceil(load * (1 + r.headroom))
            per_node = node / layout.gpus if layout.gpus <= node else 1 / math.ceil(layout.gpus / node)
            total = (with_headroom + redundancy_replicas(r.redundancy, with_headroom, per_node)) * layout.gpus * deployments
            return total < best.total_gpus

        conc, bound, op = best_concurrency(r, gpu, precision, kv_precision, layout, cap, engine, could_win)
        if conc == -1:
            continue
        if conc < 1:
            if op is not None:  # keep the reason of the largest (fastest) layout tried
                if bound == "tpot":
                    best_reason = (f"TPOT at one request is {op.tpot_at(r.percentile) * 1e3 * r.latency_scale[1]:.0f} ms "
                                    f"({r.percentile}) > target {r.tpot_ms:g} ms")
                else:
                    best_reason = (f"TTFT at one request is {op.ttft_at(r.percentile) * 1e3 * r.latency_scale[0]:.0f} ms "
                                    f"({r.percentile}) > target {r.ttft_ms:g} ms")
            continue
        effective = max(1, int(conc * lora_factor))
        load = math.ceil(r.peak_concurrency * share / effective)
        with_headroom = math.ceil(load * (1 + r.headroom))
        per_node = node / layout.gpus if layout.gpus <= node else 1 / math.ceil(layout.gpus / node)
        extra = redundancy_replicas(r.redundancy, with_headroom, per_node)
        replicas = with_headroom + extra
        total = replicas * layout.gpus * deployments
        candidate = SkuSizing(
            gpu=gpu, fits=True, precision=precision, kv_precision=kv_precision,
            weight_only=weight_only, layout=layout, concurrency=effective, bound=bound,
            ttft_s=op.ttft_s, tpot_s=op.tpot_s, tokens_per_s=op.tokens_per_s, cap=cap, plan=plan,
            ttft_pct_s=op.ttft_at(r.percentile), tpot_pct_s=op.tpot_at(r.percentile), engine=engine.id,
            replicas_for_load=load, replicas_for_headroom=with_headroom - load,
            replicas_for_redundancy=extra, replicas=replicas, deployments=deployments,
            total_gpus=total, gpus_per_node=node,
        )
        if best is None or candidate.total_gpus < best.total_gpus:
            best = candidate
    if best is None:
        out.reason = best_reason or "no layout meets the latency targets"
        return out
    _place(r, best)
    _price(r, best)
    return best


# ----------------------------------------------------------------------------------------------
# 3. Racks, power, cooling, price
# ----------------------------------------------------------------------------------------------


def node_count(total_gpus: int, gpus_per_replica: int, replicas: int, node: int) -> int:
    if gpus_per_replica >= node:
        return replicas * math.ceil(gpus_per_replica / node)
    return math.ceil(total_gpus / node)


def node_power_kw(gpu: GPU, node: int) -> float:
    """Power of a node holding ``node`` GPUs (scaled when IT uses smaller servers)."""
    return gpu.node_power_kw * node / gpu.gpus_per_node


def required_cooling(gpu: GPU, rack_kw: float) -> str:
    """Cheapest tier that removes ``rack_kw`` per rack and that the SKU's system allows."""
    by_density = "air" if rack_kw <= C.AIR_MAX_RACK_KW else "rdhx" if rack_kw <= C.RDHX_MAX_RACK_KW else "dlc"
    return max(by_density, gpu.min_cooling, key=COOLING_ORDER.index)


def is_consumer(gpu: GPU) -> bool:
    """Consumer cards (GeForce) are compared but never recommended: no ECC, no datacenter
    support, and NVIDIA's GeForce driver licence excludes datacenter deployment."""
    return "consumer" in gpu.form_factor.lower()


def is_rack_scale(gpu: GPU) -> bool:
    """True for systems whose NVLink domain spans a whole rack (GB200/GB300 NVL72)."""
    return gpu.scale_up_domain > gpu.gpus_per_node


def cooling_why(gpu: GPU, rack_kw: float, tier: str) -> str:
    """Why the cooling tier: the rack's density, or the SKU's own system when that asks for more."""
    by_density = required_cooling(gpu.model_copy(update={"min_cooling": "air"}), rack_kw)
    limits = f"(air <= {C.AIR_MAX_RACK_KW:g} kW, rear-door <= {C.RDHX_MAX_RACK_KW:g} kW)"
    if tier != by_density:
        return (f"{gpu.name} ships with {COOLING_LABEL[tier]}; its {rack_kw:.1f} kW racks alone "
                f"would allow {COOLING_LABEL[by_density]} {limits}")
    return f"{rack_kw:.1f} kW per rack needs {COOLING_LABEL[tier]} {limits}"


def rack_plan(gpu: GPU, nodes: int, node: int, rack_power_kw: float) -> tuple[int, int, float, str]:
    """(nodes per rack, racks, rack density kW, note) under the rack's continuous-load limit."""
    node_kw = node_power_kw(gpu, node)
    usable = rack_power_kw * C.RACK_CONTINUOUS_LOAD_FRACTION
    if is_rack_scale(gpu):
        # NVL72-class systems are built, cooled and powered as whole racks of one NVLink domain.
        per_rack = gpu.scale_up_domain // node
        rack_kw = per_rack * node_kw
        if usable < rack_kw:
            return 0, 0, rack_kw, (
                f"{gpu.node_name} is a rack-scale system: one rack of {gpu.scale_up_domain} GPUs "
                f"draws {rack_kw:.0f} kW, but a {rack_power_kw:g} kW rack carries {usable:.1f} kW "
                f"continuous: no rack can host it"
            )
        racks = math.ceil(nodes / per_rack) if nodes else 0
        return per_rack, racks, rack_kw, (
            f"{gpu.node_name} comes as whole racks of {gpu.scale_up_domain} GPUs ({rack_kw:.0f} kW each)"
        )
    per_rack = int(usable // node_kw)
    if per_rack < 1:
        return 0, 0, node_kw, (
            f"one {gpu.node_name} node draws {node_kw:.1f} kW but a {rack_power_kw:g} kW rack carries "
            f"{usable:.1f} kW of continuous load: no rack can host it"
        )
    racks = math.ceil(nodes / per_rack) if nodes else 0
    density = min(per_rack, nodes) * node_kw
    note = ""
    if nodes >= 2 and per_rack < nodes:
        note = (f"a {rack_power_kw:g} kW rack carries {usable:.1f} kW of continuous load: "
                f"{per_rack} {gpu.node_name} node(s) of {node_kw:.1f} kW per rack"
                f"{'' if per_rack > 1 else f'; a pair would need {2 * node_kw:.1f} kW'}, so {racks} racks")
    return per_rack, racks, density, note


def _place(r: Resolved, s: SkuSizing) -> None:
    assert s.layout is not None
    gpu, node = s.gpu, s.gpus_per_node
    s.nodes = node_count(s.total_gpus, s.layout.gpus, s.replicas * s.deployments, node)
    s.nodes_per_rack, s.racks, s.rack_density_kw, note = rack_plan(gpu, s.nodes, node, r.rack_power_kw)
    if note:
        s.notes.append(note)
    powered_nodes = s.racks * s.nodes_per_rack if is_rack_scale(gpu) else s.nodes
    s.it_power_kw = powered_nodes * node_power_kw(gpu, node) * (1 + C.NETWORK_OVERHEAD_FRACTION)
    needed = required_cooling(gpu, s.rack_density_kw)
    s.cooling = needed
    if r.cooling is not None and COOLING_ORDER.index(r.cooling) < COOLING_ORDER.index(needed):
        s.cooling_ok = False
        s.notes.append(
            f"racks of {s.rack_density_kw:.1f} kW need {COOLING_LABEL[needed]}; the facility offers "
            f"{COOLING_LABEL[r.cooling]}"
        )
    if s.nodes_per_rack < 1:
        s.cooling_ok = False


def gpu_hour_price(gpu: GPU, basis: str) -> tuple[float | None, str, bool]:
    """(USD per GPU-hour, where from, estimate?) for a price basis, derived when not listed."""
    listed = [p for p in gpu.prices if p.basis == basis and p.usd_per_gpu_hour]
    if basis == "purchase":
        bought = [p for p in gpu.prices if p.basis == "purchase" and p.usd_per_gpu]
        if bought:
            p = min(bought, key=lambda x: x.usd_per_gpu or 0)
            hourly = (p.usd_per_gpu or 0) / (C.PURCHASE_AMORTISATION_YEARS * C.HOURS_PER_YEAR)
            return hourly, (f"{p.provider} ${p.usd_per_gpu:,.0f} ({p.date}) over "
                            f"{C.PURCHASE_AMORTISATION_YEARS:g} years, hardware only"), True
        return None, "no purchase price in the catalog", True
    if listed:
        p = min(listed, key=lambda x: x.usd_per_gpu_hour or 0)
        return p.usd_per_gpu_hour, f"{p.provider} {p.basis} ({p.date})", p.estimate
    on_demand = [p for p in gpu.prices if p.basis == "on-demand" and p.usd_per_gpu_hour]
    if not on_demand:
        return None, "no price in the catalog", True
    p = min(on_demand, key=lambda x: x.usd_per_gpu_hour or 0)
    discount = C.COMMITMENT_DISCOUNT.get(basis, 0.0)
    return ((p.usd_per_gpu_hour or 0) * (1 - discount),
            f"{p.provider} on-demand ({p.date}) less {discount:.0%} for {basis}", True)


def _price(r: Resolved, s: SkuSizing) -> None:
    price, source, estimate = gpu_hour_price(s.gpu, r.price_basis)
    s.price, s.price_source, s.price_estimate = price, source, estimate
    if price is not None:
        s.cost_per_hour = price * s.total_gpus


# ----------------------------------------------------------------------------------------------
# 4. Physical limits, comparison, the spec
# ----------------------------------------------------------------------------------------------


def physical_limits(r: Resolved) -> PhysicalLimits | None:
    """Best batch-1 TPOT and TTFT for this model over every SKU and TP size within a node."""
    best_tpot: tuple[float, str] | None = None
    best_ttft: tuple[float, str] | None = None
    for gpu in gpus():
        precision, _ = serving_precision(r, gpu)
        kv_precision = r.kv_precision or perf.default_kv_precision(gpu, precision)
        engine, _ = engine_for(r.options.engine, gpu.vendor)
        if not engine.runs_on(gpu.vendor):
            continue
        for tp in powers_of_two(gpu.gpus_per_node):
            plan = perf.memory_plan(r.model, gpu, precision, tp, 1, r.options.gpu_memory_utilization, engine)
            if perf.max_sequences(r.model, plan, kv_precision, r.input_tokens + r.output_tokens, tp) < 1:
                continue
            step = perf.step_time(r.model, gpu, precision, kv_precision, tp, 1, 1,
                                  r.input_tokens + r.output_tokens / 2, engine=engine)
            tpot = step.total / r.options.speculative_speedup
            ttft = engine.request_overhead_s + perf.prefill_seconds(
                r.model, gpu, precision, kv_precision, tp, 1,
                r.input_tokens * (1 - r.options.prefix_hit_rate), engine=engine)
            if best_tpot is None or tpot < best_tpot[0]:
                best_tpot = (tpot, gpu.id)
            if best_ttft is None or ttft < best_ttft[0]:
                best_ttft = (ttft, gpu.id)
    if best_tpot is None or best_ttft is None:
        return None
    return PhysicalLimits(best_tpot_ms=round(best_tpot[0] * 1e3, 2), best_tpot_gpu=best_tpot[1],
                          best_ttft_ms=round(best_ttft[0] * 1e3, 2), best_ttft_gpu=best_ttft[1])


def _option(s: SkuSizing) -> SkuOption:
    if s.fits and is_consumer(s.gpu):
        s.notes.append("consumer card: not recommended for datacenter serving (no ECC, GeForce licence)")
    return SkuOption(
        gpu=s.gpu.id, gpu_name=s.gpu.name, fits=s.fits and s.cooling_ok and s.nodes_per_rack >= 1,
        reason=s.reason or "; ".join(s.notes),
        tensor_parallel=s.layout.tp if s.layout else 0,
        pipeline_parallel=s.layout.pp if s.layout else 1,
        concurrency_per_replica=s.concurrency, replicas=s.replicas * s.deployments,
        total_gpus=s.total_gpus, nodes=s.nodes, it_power_kw=round(s.it_power_kw, 1),
        cost_per_month=round(s.cost_per_hour * C.HOURS_PER_MONTH, 0) if s.cost_per_hour else None,
        tpot_ms=round(s.tpot_s * 1e3, 1) if s.fits else None,
        ttft_ms=round(s.ttft_s * 1e3, 1) if s.fits else None,
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
    counts = []
    for end in ("low", "high"):
        scaled = replace(r, latency_scale=(band.factor("ttft", end), band.factor("tpot", end)))
        other = size_on(scaled, s.gpu)
        counts.append(other.total_gpus if other.fits else None)
    ttft_lo, ttft_hi = band.latency_range("ttft", spec.ttft_ms or 0.0)
    tpot_lo, tpot_hi = band.latency_range("tpot", spec.tpot_ms or 0.0)
    tps_lo, tps_hi = band.throughput_range(spec.output_tokens_per_s)
    low = min(counts[0], spec.total_gpus) if counts[0] is not None else spec.total_gpus
    high = max(counts[1], spec.total_gpus) if counts[1] is not None else None
    note = band.note
    if high is None:
        note += "; at the pessimistic end of the band no layout meets the targets"
    return spec.model_copy(update=dict(
        engine=s.engine, total_gpus_low=low, total_gpus_high=high, band_group=band.group, band_note=note,
        ttft_ms_low=round(ttft_lo, 1), ttft_ms_high=round(ttft_hi, 1),
        tpot_ms_low=round(tpot_lo, 2), tpot_ms_high=round(tpot_hi, 2),
        output_tokens_per_s_low=round(tps_lo, 1), output_tokens_per_s_high=round(tps_hi, 1),
    ))


def _spec(r: Resolved, s: SkuSizing, comparison: list[SkuOption], recommended: str,
          runner_up: str, limits: PhysicalLimits | None) -> SizedSpec:
    model = r.model
    assumptions = list(r.assumptions)
    if r.precision is None:
        assumptions.append(Assumption(field="precision", value=s.precision,
                                      reason="FP8 on parts with FP8 math, else the release precision"))
    if r.kv_precision is None:
        assumptions.append(Assumption(field="kv_precision", value=s.kv_precision,
                                      reason="FP8 KV with FP8 (or lower) weights on FP8 parts, else 16-bit"))
    base = dict(
        model=model.id, model_name=model.name, gpu=s.gpu.id, gpu_name=s.gpu.name,
        precision=s.precision, kv_precision=s.kv_precision, weight_only=s.weight_only,
        use_case=r.use_case, avg_input_tokens=r.input_tokens, avg_output_tokens=r.output_tokens,
        sized_context_tokens=r.sized_context, peak_concurrency=r.peak_concurrency,
        concurrency_note=r.concurrency_note, ttft_target_ms=r.ttft_ms, tpot_target_ms=r.tpot_ms,
        slo_percentile=r.percentile, assumptions=assumptions, warnings=list(r.warnings),
        recommended=recommended, runner_up=runner_up, comparison=comparison,
        physical_limits=limits, price_basis=r.price_basis,
    )
    if not s.fits or s.layout is None:
        return SizedSpec(feasible=False, infeasible_reason=s.reason, binding_constraint="memory"
                         if "fit" in s.reason else "tpot" if "TPOT" in s.reason else "ttft", **base)
    layout = s.layout
    plan = s.plan
    assert plan is not None
    warnings = base.pop("warnings")
    warnings.extend(s.notes)
    if s.weight_only:
        warnings.append(f"{s.gpu.id} has no native {s.precision.upper()} math: weights are stored at "
                        f"{s.precision} but the matmuls run at 16-bit (weight-only)")
    spans_nodes = layout.gpus > s.gpus_per_node
    scale_up = (f"{s.gpu.name.split()[0]} scale-up link, {s.gpu.scale_up_gbs:g} GB/s per GPU, "
                f"domain of {s.gpu.scale_up_domain}" if s.gpu.scale_up_gbs else "PCIe only (no scale-up link)")
    if spans_nodes:
        scale_out = "InfiniBand NDR/XDR or RoCE 400G+ (a replica spans nodes: pipeline traffic)"
        if r.fabric == "ethernet":
            warnings.append("a replica spans nodes but the fabric is plain Ethernet: use InfiniBand or RoCE")
    else:
        scale_out = "Ethernet front-end (replicas are independent; no GPU traffic between nodes)"
    if layout.tp > 1 and not s.gpu.scale_up_gbs:
        warnings.append(f"TP{layout.tp} over PCIe on {s.gpu.id}: all-reduces are slow without a scale-up link")
    tokens_total = s.tokens_per_s * s.replicas_for_load * s.deployments
    served = min(r.peak_concurrency, s.concurrency * s.replicas_for_load * s.deployments)
    tokens_at_peak = served / (s.tpot_s if s.tpot_s else 1)
    why = {
        "gpus_per_replica": (
            f"{layout.gpus} = TP{layout.tp}" + (f" x PP{layout.pp}" if layout.pp > 1 else "")
            + f": weights {plan.weights / 1e9:.1f} GB per GPU at {s.precision}"
            + f" leave {plan.kv / 1e9:.1f} GB per GPU for KV cache"
        ),
        "concurrency_per_replica": (
            f"{s.concurrency} in flight per replica: "
            + {"memory": f"KV memory / engine cap ({s.cap} sequences of {r.sized_context:,} tokens)",
               "tpot": f"more would push {r.percentile} TPOT past {r.tpot_ms:g} ms",
               "ttft": f"more would push {r.percentile} TTFT past {r.ttft_ms:g} ms"}.get(s.bound, s.bound)
        ),
        "replicas": (
            f"{s.replicas} = ceil({r.peak_concurrency} in flight"
            + (f" / {s.deployments} deployments" if s.deployments > 1 else "")
            + f" / {s.concurrency} per replica) = {s.replicas_for_load}"
            + (f", + {s.replicas_for_headroom} headroom ({r.headroom:.0%})" if s.replicas_for_headroom else "")
            + (f", + {s.replicas_for_redundancy} for {r.redundancy}" if s.replicas_for_redundancy else "")
            + (f"; x {s.deployments} separate deployments (variants without LoRA)" if s.deployments > 1 else "")
        ),
        "total_gpus": f"{s.total_gpus} = {s.replicas * s.deployments} replicas x {layout.gpus} GPUs",
        "nodes": f"{s.nodes} nodes of {s.gpus_per_node} GPUs ({s.gpu.node_name})",
        "racks": (f"{s.racks} rack(s), up to {s.nodes_per_rack} node(s) each: {r.rack_power_kw:g} kW feed x "
                  f"{C.RACK_CONTINUOUS_LOAD_FRACTION:.0%} continuous = "
                  f"{r.rack_power_kw * C.RACK_CONTINUOUS_LOAD_FRACTION:.1f} kW per rack"
                  if s.nodes_per_rack else "no rack of this budget can host one node"),
        "it_power_kw": (f"{s.nodes} x {node_power_kw(s.gpu, s.gpus_per_node):.1f} kW per node "
                        f"+ {C.NETWORK_OVERHEAD_FRACTION:.0%} network and management"),
        "cooling": cooling_why(s.gpu, s.rack_density_kw, s.cooling),
        "tpot_ms": f"{s.tpot_s * 1e3:.1f} ms mean ({s.tpot_pct_s * 1e3:.1f} ms at {r.percentile})",
        "ttft_ms": f"{s.ttft_s * 1e3:.0f} ms mean ({s.ttft_pct_s * 1e3:.0f} ms at {r.percentile})",
    }
    if s.price is not None:
        why["cost_per_hour"] = f"{s.total_gpus} GPUs x ${s.price:.2f}/GPU-hour ({s.price_source})"
    binding = s.bound
    if s.replicas_for_redundancy and s.replicas_for_redundancy >= s.replicas_for_load:
        binding = "redundancy"
    if s.nodes_per_rack < 1:
        binding = "power"
    cost_per_hour = s.cost_per_hour
    cost_per_m = None
    if cost_per_hour and tokens_at_peak > 0:
        cost_per_m = cost_per_hour / (tokens_at_peak * 3600) * 1e6
    return SizedSpec(
        feasible=True,
        tensor_parallel=layout.tp, pipeline_parallel=layout.pp, gpus_per_replica=layout.gpus,
        concurrency_per_replica=s.concurrency, deployments=s.deployments,
        replicas_for_load=s.replicas_for_load, replicas_for_redundancy=s.replicas_for_redundancy,
        replicas_for_headroom=s.replicas_for_headroom, replicas=s.replicas * s.deployments,
        total_gpus=s.total_gpus, gpus_per_node=s.gpus_per_node, nodes=s.nodes, racks=s.racks,
        nodes_per_rack=s.nodes_per_rack, scale_up_fabric=scale_up, scale_out_fabric=scale_out,
        node_power_kw=round(node_power_kw(s.gpu, s.gpus_per_node), 2),
        it_power_kw=round(s.it_power_kw, 1), facility_power_kw=round(s.it_power_kw * C.PUE_DEFAULT, 1),
        rack_density_kw=round(s.rack_density_kw, 1), cooling=s.cooling, cooling_ok=s.cooling_ok,
        ttft_ms=round(s.ttft_s * 1e3, 1), tpot_ms=round(s.tpot_s * 1e3, 2),
        output_tokens_per_s=round(tokens_total, 1),
        kv_cache_tokens_per_replica=perf.kv_token_capacity(model, plan, s.kv_precision, layout.tp, layout.pp),
        weights_gb_per_gpu=round(plan.weights / 1e9, 2), kv_gb_per_gpu=round(max(plan.kv, 0) / 1e9, 2),
        overhead_gb_per_gpu=round(plan.overhead / 1e9, 2),
        memory_gb_per_gpu=round(s.gpu.memory_gb, 1),
        price_usd_per_gpu_hour=round(s.price, 4) if s.price is not None else None,
        price_source=s.price_source, price_is_estimate=s.price_estimate,
        cost_per_hour=round(cost_per_hour, 2) if cost_per_hour is not None else None,
        cost_per_month=round(cost_per_hour * C.HOURS_PER_MONTH, 0) if cost_per_hour is not None else None,
        cost_per_million_output_tokens=round(cost_per_m, 3) if cost_per_m is not None else None,
        binding_constraint=binding, why=why, warnings=warnings, **base,
    )


def size_pinned(inputs: SizingInputs) -> SizedSpec:
    """``size`` without the SKU comparison (when ``inputs.gpu`` is fixed): re-sizing what-ifs."""
    return size(inputs, compare=False)
