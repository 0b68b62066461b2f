"""Steady-state serving estimate: model M at precision P on N GPUs of SKU S for a traffic shape.

This is what ``kickoff estimate`` prints and what the sizer calls for every candidate layout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from kickoff_tui.catalog import GPU, Model, get_gpu, get_model
from kickoff_tui.sizing import constants as C
from kickoff_tui.sizing import perf


class ServingOptions(BaseModel):
    """Engine features that change the physics (all on = a modern engine's defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    continuous_batching: bool = True
    paged_attention: bool = True
    prefix_hit_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    """Share of prompt tokens served from the prefix cache (skips their prefill)."""
    speculative_speedup: float = Field(default=1.0, ge=1.0)
    """Decode speed-up from speculative decoding (tokens accepted per target step)."""
    speculative_positions: float = Field(default=0.0, ge=0.0)
    """Positions the target verifies per sequence per step (k + 1, ``sizing/speculative.py``);
    0 means the same as ``speculative_speedup`` (the older approximation)."""
    max_context_tokens: int | None = None
    """Context reserved per sequence when PagedAttention is off."""
    gpu_memory_utilization: float = C.GPU_MEMORY_UTILIZATION


class Estimate(BaseModel):
    """One row of ``kickoff estimate`` output."""

    model_config = ConfigDict(extra="forbid")

    model: str
    gpu: str
    gpus: int
    precision: str
    kv_precision: str
    compute_precision: str
    weight_only: bool
    input_tokens: int
    output_tokens: int
    fits: bool
    reason: str = ""
    tensor_parallel: int = 0
    pipeline_parallel: int = 1
    replicas: int = 0
    concurrency: float = 0
    """Requests in the system, all replicas together (queued + running)."""
    running_per_replica: float = 0
    """Sequences the engine actually runs at once per replica (capped by KV memory / engine)."""
    max_concurrency_per_replica: int = 0
    ttft_ms: float | None = None
    tpot_ms: float | None = None
    output_tokens_per_s: float = 0.0
    output_tokens_per_s_per_gpu: float = 0.0
    requests_per_s: float = 0.0
    kv_cache_tokens: int = 0
    """KV tokens one replica holds."""
    weights_gb_per_gpu: float = 0.0
    kv_gb_per_gpu: float = 0.0
    overhead_gb_per_gpu: float = 0.0
    bound: str = ""
    """``memory`` (bandwidth-bound decode) or ``compute``."""
    queued: bool = False
    """True when more requests arrive than fit: the excess waits and TTFT includes queueing."""


@dataclass(frozen=True)
class Layout:
    tp: int
    pp: int

    @property
    def gpus(self) -> int:
        return self.tp * self.pp


def powers_of_two(limit: int) -> list[int]:
    out, value = [], 1
    while value <= limit:
        out.append(value)
        value *= 2
    return out


def tp_divides(model: Model, tp: int) -> bool:
    """Engines shard attention heads evenly: query heads must split across TP ranks, and KV heads
    either split evenly or are replicated whole (vLLM/SGLang/TensorRT-LLM refuse other sizes)."""
    if model.heads % tp:
        return False
    if model.attention == "mla":
        return True
    return model.kv_heads % tp == 0 or tp % model.kv_heads == 0


def fits_one(model: Model, gpu: GPU, precision: str, kv_precision: str, layout: Layout,
             context: float, options: ServingOptions) -> bool:
    plan = perf.memory_plan(model, gpu, precision, layout.tp, layout.pp, options.gpu_memory_utilization)
    return perf.max_sequences(model, plan, kv_precision, context, layout.tp, layout.pp) >= 1


def smallest_layout(model: Model, gpu: GPU, precision: str, kv_precision: str, max_gpus: int,
                    context: float, options: ServingOptions) -> Layout | None:
    """Smallest power-of-two TP that holds the weights plus one sequence; pipeline stages are
    added (TP = one node) only when a node is not enough."""
    node = max(gpu.gpus_per_node, 1)
    sizes = [tp for tp in powers_of_two(min(max_gpus, node)) if tp_divides(model, tp)]
    for tp in sizes:
        if fits_one(model, gpu, precision, kv_precision, Layout(tp, 1), context, options):
            return Layout(tp, 1)
    if not sizes:
        return None
    tp = max(sizes)
    for pp in range(2, max_gpus // tp + 1):
        if fits_one(model, gpu, precision, kv_precision, Layout(tp, pp), context, options):
            return Layout(tp, pp)
    return None


@dataclass(frozen=True)
class Operating:
    """A replica's steady state at a given number of requests in the system."""

    running: float
    ttft_s: float
    tpot_s: float
    tokens_per_s: float
    requests_per_s: float
    bound: str
    queued: bool


def replica_capacity(model: Model, gpu: GPU, precision: str, kv_precision: str, layout: Layout,
                     isl: int, osl: int, options: ServingOptions) -> tuple[int, perf.MemoryPlan]:
    """Most sequences one replica runs at once: KV memory, engine batch cap, step token budget."""
    plan = perf.memory_plan(model, gpu, precision, layout.tp, layout.pp, options.gpu_memory_utilization)
    if options.paged_attention:
        reserve = isl + osl  # admission reserves pages for the whole request (no-evict scheduling)
    else:
        reserve = max(options.max_context_tokens or 0, isl + osl)
    by_memory = perf.max_sequences(model, plan, kv_precision, reserve, layout.tp, layout.pp)
    cap = min(by_memory, C.MAX_BATCH_SEQUENCES)
    if options.continuous_batching:
        prefill_per_decode = isl * (1 - options.prefix_hit_rate) / osl
        by_budget = int(C.MAX_TOKENS_PER_STEP / (1 + prefill_per_decode))
        cap = min(cap, max(by_budget, 1))
    else:
        cap = min(cap, C.STATIC_BATCH_SIZE_LIMIT)
    return cap, plan


def operate(model: Model, gpu: GPU, precision: str, kv_precision: str, layout: Layout,
            isl: int, osl: int, in_system: float, cap: int, options: ServingOptions) -> Operating:
    """Steady state of one replica with ``in_system`` requests (closed loop, as benchmarks run)."""
    tp, pp = layout.tp, layout.pp
    running = max(min(in_system, cap), 1e-9)
    isl_eff = isl * (1 - options.prefix_hit_rate)
    decode_ctx = isl + osl / 2
    speedup = options.speculative_speedup
    positions = options.speculative_positions or speedup  # k + 1 verified per sequence per step
    if options.continuous_batching:
        # Chunked prefill: every step decodes each running sequence once; prompts of new
        # requests (running x ISL / OSL tokens per step on average) ride along in chunks of up
        # to the step's spare token budget. Chunks come in lumps, so a share f of the steps
        # carries a whole chunk and the rest decode only; the lumps cannot hide under the
        # weight reads of the decode-only steps.
        spare = max(C.MAX_TOKENS_PER_STEP - running / pp, C.MAX_TOKENS_PER_STEP * C.MIN_PREFILL_SHARE)
        chunk = min(isl_eff, spare)
        # The prompts that interrupt a request's decoding are the OTHER requests' (its own is
        # its TTFT). Each step advances every sequence by `speedup` tokens, so requests finish
        # (and new prompts arrive) `speedup` times as often.
        others = max(running - 1.0, 0.0)
        prefill_per_step = others * isl_eff * speedup / osl
        share = min(1.0, prefill_per_step / chunk) if chunk > 0 else 0.0
        carried = chunk if share < 1.0 else prefill_per_step
        decode_only = perf.step_time(model, gpu, precision, kv_precision, tp, pp,
                                     running / pp, decode_ctx, tokens_per_sequence=positions)
        mixed = perf.step_time(model, gpu, precision, kv_precision, tp, pp,
                               running / pp, decode_ctx, carried / pp, isl / 2, positions)
        stage_s = (1 - share) * decode_only.total + share * mixed.total
        tpot = stage_s * pp / speedup
        # A new prompt needs ceil(ISL / spare) chunk steps next to the running decodes.
        chunks = max(1, math.ceil(isl_eff / spare)) if isl_eff > 0 else 0
        service = 0.0
        if chunks:
            piece = isl_eff / chunks
            for index in range(chunks):
                step = perf.step_time(model, gpu, precision, kv_precision, tp, pp, running / pp,
                                      decode_ctx, piece / pp, index * piece + piece / 2, positions)
                service += step.total
        else:
            service = decode_only.total
        service = service * pp + (pp - 1) * C.PIPELINE_HOP_S
        # Prompts queue for the prefill slots (Kingman's G/G/1 approximation), scaled by the
        # share of the requests that can be ahead (a lone request never waits: finite source).
        life = osl * tpot
        rate = running / (life + service)
        rho = min(rate * service, C.MAX_PREFILL_UTILISATION)
        contention = others / running
        wait = rho / (1 - rho) * (C.ARRIVAL_CV2 + C.PREFILL_SERVICE_CV2) / 2 * service * contention
        ttft = service + wait + 0.5 * decode_only.total * contention
        # Little's law over a request's whole life (waiting, prefill, decode).
        tokens_per_s = running * osl / (ttft + osl * tpot)
        heavier = mixed if share * mixed.total >= (1 - share) * decode_only.total else decode_only
        bound = heavier.bound
    else:
        # Static batches: prefill the whole batch, then decode it to the end; new requests
        # wait for the current batch.
        batch = running
        prefill_s = perf.prefill_seconds(model, gpu, precision, kv_precision, tp, pp, batch * isl_eff)
        stage = perf.step_time(model, gpu, precision, kv_precision, tp, pp, batch / pp, decode_ctx,
                               tokens_per_sequence=positions)
        tpot = stage.total * pp / speedup
        cycle = prefill_s + osl * tpot
        tokens_per_s = batch * osl / cycle
        ttft = prefill_s + cycle / 2
        rate = batch / cycle
        bound = stage.bound
    queued = in_system > cap + 1e-9
    if queued:
        # Little's law: requests beyond capacity wait their turn.
        rate = running / (osl * tpot + ttft)
        ttft += (in_system - running) / rate
    return Operating(running=running, ttft_s=ttft, tpot_s=tpot, tokens_per_s=tokens_per_s,
                     requests_per_s=rate if options.continuous_batching else rate,
                     bound=bound, queued=queued)


def estimate(
    model_id: str,
    gpu_id: str,
    gpus: int,
    input_tokens: int,
    output_tokens: int,
    precision: str | None = None,
    kv_precision: str | None = None,
    tensor_parallel: int | None = None,
    concurrency: float | None = None,
    max_throughput: bool = False,
    options: ServingOptions | None = None,
) -> Estimate:
    """Estimate serving performance. ``concurrency`` is the total over all replicas; with
    neither it nor ``max_throughput`` it defaults to 1 request in flight."""
    model = get_model(model_id)
    gpu = get_gpu(gpu_id)
    return estimate_for(model, gpu, gpus, input_tokens, output_tokens, precision, kv_precision,
                        tensor_parallel, concurrency, max_throughput, options or ServingOptions())


def estimate_for(model: Model, gpu: GPU, gpus: int, input_tokens: int, output_tokens: int,
                 precision: str | None, kv_precision: str | None, tensor_parallel: int | None,
                 concurrency: float | None, max_throughput: bool,
                 options: ServingOptions) -> Estimate:
    if gpus < 1:
        raise ValueError("gpus must be at least 1")
    if input_tokens < 1 or output_tokens < 1:
        raise ValueError("input and output tokens must be at least 1")
    precision = perf.check_precision(precision or perf.default_precision(model))
    kv_precision = perf.check_precision(kv_precision or perf.default_kv_precision(gpu, precision))
    math_precision, weight_only = perf.compute_precision(gpu, precision)
    base = dict(model=model.id, gpu=gpu.id, gpus=gpus, precision=precision, kv_precision=kv_precision,
                compute_precision=math_precision, weight_only=weight_only,
                input_tokens=input_tokens, output_tokens=output_tokens)
    context = input_tokens + output_tokens
    if context > model.native_context:
        return Estimate(**base, fits=False,
                        reason=f"{input_tokens:,} + {output_tokens:,} tokens exceed {model.id}'s "
                        f"{model.native_context:,}-token context")
    if tensor_parallel and not tp_divides(model, tensor_parallel):
        return Estimate(**base, fits=False, tensor_parallel=tensor_parallel,
                        reason=f"tensor parallel {tensor_parallel} does not divide {model.id}'s "
                        f"{model.heads} attention heads / {model.kv_heads} KV heads evenly")
    if tensor_parallel:
        if tensor_parallel > gpus:
            return Estimate(**base, fits=False, reason=f"tensor parallel {tensor_parallel} > {gpus} GPUs")
        layout: Layout | None = Layout(tensor_parallel, 1)
        if not fits_one(model, gpu, precision, kv_precision, layout, context, options):
            plan = perf.memory_plan(model, gpu, precision, tensor_parallel, 1, options.gpu_memory_utilization)
            return Estimate(**base, fits=False, tensor_parallel=tensor_parallel,
                            weights_gb_per_gpu=round(plan.weights / 1e9, 2),
                            reason=_no_fit_reason(model, gpu, precision, plan, tensor_parallel,
                                                  kv_precision=kv_precision, context=context))
    else:
        layout = smallest_layout(model, gpu, precision, kv_precision, gpus, context, options)
        if layout is None:
            plan = perf.memory_plan(model, gpu, precision, min(gpus, gpu.gpus_per_node), 1,
                                    options.gpu_memory_utilization)
            return Estimate(**base, fits=False,
                            reason=_no_fit_reason(model, gpu, precision, plan, min(gpus, gpu.gpus_per_node),
                                                  gpus, kv_precision=kv_precision, context=context))
    assert layout is not None
    replicas = gpus // layout.gpus
    cap, plan = replica_capacity(model, gpu, precision, kv_precision, layout, input_tokens, output_tokens, options)
    if max_throughput:
        per_replica = float(cap)
    else:
        per_replica = (concurrency if concurrency is not None else 1.0) / replicas
    op = operate(model, gpu, precision, kv_precision, layout, input_tokens, output_tokens,
                 per_replica, cap, options)
    total_tps = op.tokens_per_s * replicas
    return Estimate(
        **base,
        fits=True,
        tensor_parallel=layout.tp,
        pipeline_parallel=layout.pp,
        replicas=replicas,
        concurrency=per_replica * replicas,
        running_per_replica=round(op.running, 3),
        max_concurrency_per_replica=cap,
        ttft_ms=round(op.ttft_s * 1e3, 3),
        tpot_ms=round(op.tpot_s * 1e3, 3),
        output_tokens_per_s=round(total_tps, 2),
        output_tokens_per_s_per_gpu=round(total_tps / gpus, 2),
        requests_per_s=round(op.requests_per_s * replicas, 4),
        kv_cache_tokens=perf.kv_token_capacity(model, plan, kv_precision, layout.tp, layout.pp),
        weights_gb_per_gpu=round(plan.weights / 1e9, 2),
        kv_gb_per_gpu=round(max(plan.kv, 0) / 1e9, 2),
        overhead_gb_per_gpu=round(plan.overhead / 1e9, 2),
        bound=op.bound,
        queued=op.queued,
    )


def _no_fit_reason(model: Model, gpu: GPU, precision: str, plan: perf.MemoryPlan, tp: int,
                   gpus: int | None = None, *, kv_precision: str = "bf16", context: float = 0) -> str:
    kv = perf.kv_bytes_per_sequence(model, kv_precision, context, tp) / 1e9
    need = (plan.weights + plan.overhead) / 1e9
    have = plan.usable / 1e9
    where = f"{gpus} GPUs" if gpus else f"TP{tp}"
    return (f"{model.id} at {precision} needs {need:.1f} GB per GPU at {where} (weights + runtime) "
            f"plus {kv:.1f} GB of KV for one {context:,.0f}-token request; {gpu.id} offers "
            f"{have:.1f} GB usable")
