"""The inference performance model: memory, decode and prefill time, continuous-batching steady state.

Pure functions over catalog entries. Every formula lives in exactly one function here and is
written out in ``docs/model.md``; every constant is in :mod:`kickoff_tui.sizing.constants`.

Units: bytes, seconds, FLOPs inside; the public result reports GB, ms and tokens/s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from functools import lru_cache

from kickoff_tui.catalog import kernels as K
from kickoff_tui.catalog.engines import EngineProfile, engine_for
from kickoff_tui.catalog.schema import BYTES_PER_VALUE, GPU, PRECISIONS, WEIGHT_ONLY_PRECISIONS, Model
from kickoff_tui.sizing import constants as C

SIXTEEN_BIT = ("bf16", "fp16")


# ----------------------------------------------------------------------------------------------
# Precision
# ----------------------------------------------------------------------------------------------


def check_precision(name: str) -> str:
    if name not in PRECISIONS:
        raise ValueError(f"unknown precision {name!r}; expected one of {', '.join(PRECISIONS)}")
    return name


def compute_precision(gpu: GPU, precision: str) -> tuple[str, bool]:
    """Precision the tensor cores actually run at, and whether the weights are weight-only.

    A format without native math on the part (FP8 on Ampere, FP4 on Hopper) is stored compressed
    and dequantised to 16-bit for the matmul: memory and bandwidth shrink, compute does not.
    Weight-only formats (W4A16/W8A16: AWQ, GPTQ) do that on every part: their activations stay
    16-bit, so prefill gets no speed-up (A100's INT4 tensor rate is never used by them).
    """
    if precision in WEIGHT_ONLY_PRECISIONS:
        sixteen = [p for p in SIXTEEN_BIT if p in gpu.dense_tflops]
        return (sixteen[0] if sixteen else max(gpu.dense_tflops, key=lambda k: BYTES_PER_VALUE[k])), True
    if precision in gpu.native_precisions and precision in gpu.dense_tflops:
        return precision, False
    for fallback in SIXTEEN_BIT:
        if fallback in gpu.dense_tflops:
            return fallback, precision not in SIXTEEN_BIT
    best = max(gpu.dense_tflops, key=lambda k: BYTES_PER_VALUE[k])
    return best, True


def default_precision(model: Model) -> str:
    """What ``kickoff estimate`` serves at when no precision is given: the release precision
    (the estimate never quantises silently; the sizer's own default is in ``sizer.py``)."""
    return model.native_precision


def default_kv_precision(gpu: GPU, precision: str, model: Model | None = None,
                         engine: EngineProfile | None = None) -> str:
    """FP8 KV cache when weights are served at 8 bits or less on a part with FP8 math (what
    TensorRT-LLM / NIM FP8 checkpoints and vLLM ``--kv-cache-dtype fp8`` do), else 16-bit.

    FP8 KV is an opt-in in every engine (``--kv-cache-dtype`` defaults to the model's dtype), and
    teams turn it on where the engine has a fast FP8 attention kernel. So where the engine's
    measured FP8-KV decode attention on this part (``model``'s attention kind) reads a token's
    KV slower than its 16-bit kernel does, the default stays 16-bit: e.g. SGLang's MLA decode
    on Hopper with an FP8 KV cache, measured at under a tenth of its 16-bit rate in NVIDIA's
    kernel database (docs/kernels.md). A user's explicit KV precision is never changed."""
    if BYTES_PER_VALUE[precision] > 1 or "fp8" not in gpu.native_precisions:
        return "bf16"
    if model is not None and engine is not None and fp8_kv_decode_slower(model, gpu, engine):
        return "bf16"
    return "fp8"


def fp8_kv_held_back(gpu: GPU, precision: str, model: Model, engine: EngineProfile) -> bool:
    """Whether the default KV cache is 16-bit only because the engine's FP8-KV decode kernel is
    slower here (:func:`default_kv_precision` without the kernel check would say FP8)."""
    return default_kv_precision(gpu, precision) == "fp8" and fp8_kv_decode_slower(model, gpu, engine)


def fp8_kv_slower_words(gpu: GPU, engine: EngineProfile) -> str:
    """Why :func:`fp8_kv_held_back`, in words for a note or an assumption."""
    return f"{engine.name}'s measured FP8-KV decode attention on {gpu.id} is slower per token than its 16-bit kernel"


def fp8_kv_decode_slower(model: Model, gpu: GPU, engine: EngineProfile) -> bool:
    """Whether the engine's measured decode attention on this part takes longer per token with
    an FP8 KV cache than with a 16-bit one, at a mid-load decode step (C.KV_PROBE_BATCH sequences
    of C.KV_PROBE_CONTEXT tokens). False where either curve is not measured."""
    part = curve_part(gpu)
    if part is None or not engine.kernel_curves:
        return False
    kind = "mla" if model.attention == "mla" else "gqa"
    rates = [_kernel_decode_attention_at(float(C.KV_PROBE_BATCH), float(C.KV_PROBE_CONTEXT), part.gpu_id,
                                         engine.kernel_curves, kind, kv) for kv in ("fp8", "bf16")]
    if not all(rates):
        return False
    fp8_rate, bf16_rate = rates
    # Time per token is bytes / rate; an FP8 token is half the bytes of a 16-bit one.
    return BYTES_PER_VALUE["fp8"] / fp8_rate > C.KV_FP8_SLOWER_MARGIN * BYTES_PER_VALUE["bf16"] / bf16_rate


# ----------------------------------------------------------------------------------------------
# Achievable rates of one GPU
# ----------------------------------------------------------------------------------------------


def default_engine(gpu: GPU) -> EngineProfile:
    """The engine assumed on this GPU when nobody named one (vLLM in the vendor's build)."""
    return engine_for(None, gpu.vendor)[0]


def _reference(gpu: GPU) -> GPU | None:
    """The part whose measured efficiencies this one inherits (same compute die), if any."""
    if not gpu.efficiency_from:
        return None
    from kickoff_tui.catalog import CatalogError, get_gpu

    try:
        return get_gpu(gpu.efficiency_from)
    except CatalogError:
        return None


def bandwidth_fraction(gpu: GPU) -> float:
    """Share of peak HBM bandwidth decode kernels reach: measured STREAM x kernel fraction on
    this part, or inherited from its reference part, else the default."""
    if gpu.measured_bandwidth_tbs:
        return gpu.measured_bandwidth_tbs / gpu.memory_bandwidth_tbs * C.BANDWIDTH_KERNEL_FRACTION
    ref = _reference(gpu)
    if ref is not None and ref.measured_bandwidth_tbs:
        return ref.measured_bandwidth_tbs / ref.memory_bandwidth_tbs * C.BANDWIDTH_KERNEL_FRACTION
    return C.MEMORY_BANDWIDTH_EFFICIENCY


def achievable_bandwidth(gpu: GPU, engine: EngineProfile | None = None) -> float:
    """Bytes/s decode kernels reach on one GPU with ``engine``."""
    scale = engine.bandwidth_efficiency if engine is not None else 1.0
    return gpu.memory_bandwidth_tbs * 1e12 * bandwidth_fraction(gpu) * scale


def gemm_efficiency(gpu: GPU) -> float:
    """Fraction of dense peak that big GEMMs reach on this part (measured when published, or
    inherited from the part with the same compute die)."""
    for part in (gpu, _reference(gpu)):
        if part is not None and part.measured_gemm_tflops and part.measured_gemm_precision in part.dense_tflops:
            return min(part.measured_gemm_tflops / part.dense_tflops[part.measured_gemm_precision], 1.0)
    return C.GEMM_EFFICIENCY


def measured_efficiency_source(gpu: GPU) -> str:
    """``measured``, ``inherited from X`` or ``none`` (the error band widens for ``none``)."""
    if gpu.measured_gemm_tflops or gpu.measured_bandwidth_tbs:
        return "measured"
    if has_kernel_curves(gpu.id):
        return "measured"
    ref = _reference(gpu)
    if ref is not None:
        return f"inherited from {ref.id}"
    return "none"


@lru_cache(maxsize=8192)
def _kernel_gemm(tokens: float, gpu_id: str, engine: str, precision: str) -> float | None:
    return K.gemm_tflops(gpu_id, engine, precision, tokens, monotone=True)


@lru_cache(maxsize=8192)
def _kernel_moe(tokens_per_expert: float, gpu_id: str, engine: str, precision: str, experts: int) -> float | None:
    return K.moe_gemm_tflops(gpu_id, engine, precision, tokens_per_expert, experts)


@lru_cache(maxsize=8192)
def _kernel_decode_attention_at(batch: float, context: float, gpu_id: str, engine: str, attention: str,
                                kv_precision: str) -> float | None:
    return K.generation_attention_bandwidth(gpu_id, engine, batch, context, attention, kv_precision=kv_precision)


def _kernel_decode_attention(batch: float, context: float, gpu_id: str, engine: str, attention: str,
                             kv_precision: str) -> float | None:
    """Decode-attention bandwidth, interpolated on the grid in batch (context read on its grid)."""
    ctx = _edges(context)[0]
    return _smooth(_kernel_decode_attention_at, batch, ctx, gpu_id, engine, attention, kv_precision)


@lru_cache(maxsize=8192)
def _kernel_prefill_attention(seq_len: float, gpu_id: str, engine: str, attention: str) -> float | None:
    return K.context_attention_tflops(gpu_id, engine, seq_len, attention)


@lru_cache(maxsize=8192)
def _kernel_moe_dispatch(tokens_per_gpu: float, gpu_id: str, engine: str, ep: int, hidden: int) -> float | None:
    dispatch = K.moe_alltoall_seconds(gpu_id, engine, ep, tokens_per_gpu, hidden=hidden, phase="dispatch")
    combine = K.moe_alltoall_seconds(gpu_id, engine, ep, tokens_per_gpu, hidden=hidden, phase="combine")
    return dispatch + combine if dispatch and combine else None


def moe_dispatch_combine(model: Model, gpu: GPU, ep: int, tokens_per_gpu: float,
                         engine: EngineProfile | None = None) -> float:
    """One MoE layer's dispatch + combine all-to-all across ``ep`` GPUs with ``tokens_per_gpu``
    tokens on each: DeepEP's measured times where NVIDIA's database has them, else two
    all-to-alls of tokens x top-k x hidden activations."""
    if ep <= 1 or tokens_per_gpu <= 0:
        return 0.0
    if engine is not None and engine.kernel_curves and has_kernel_curves(gpu.id):
        measured = _smooth(_kernel_moe_dispatch, tokens_per_gpu, gpu.id, engine.kernel_curves, ep, model.hidden_size)
        if measured:
            return measured
    message = tokens_per_gpu * model.experts_per_token * model.hidden_size * C.ACTIVATION_BYTES
    return 2 * alltoall_call(gpu, ep, message, engine)


@lru_cache(maxsize=64)
def has_kernel_curves(gpu_id: str) -> bool:
    """True when NVIDIA's measured kernel database covers this part."""
    return bool(K.measured_engines(gpu_id))


@dataclass(frozen=True)
class CurvePart:
    """Whose measured compute and memory kernels a part reads, and how to scale them: its own,
    or those of the part with the same compute die (``efficiency_from``) scaled by the ratio of
    the two parts' rated peaks (the same kernels at other clocks, SM counts and HBM speeds).
    Communication kernels are never inherited: they depend on the part's own links."""

    gpu_id: str
    compute_scale: dict[str, float]
    bandwidth_scale: float

    def compute(self, precision: str) -> float:
        return self.compute_scale.get(precision, self.compute_scale.get(C.ATTENTION_PRECISION, 1.0))


_CURVE_PARTS: dict[int, tuple[GPU, CurvePart | None]] = {}


def curve_part(gpu: GPU) -> CurvePart | None:
    """The measured curves ``gpu`` reads (memoised on the catalog entry's identity)."""
    hit = _CURVE_PARTS.get(id(gpu))
    if hit is not None and hit[0] is gpu:
        return hit[1]
    part = _curve_part(gpu)
    if len(_CURVE_PARTS) >= _COEFFICIENTS_MAX:
        _CURVE_PARTS.clear()
    _CURVE_PARTS[id(gpu)] = (gpu, part)
    return part


def _curve_part(gpu: GPU) -> CurvePart | None:
    if has_kernel_curves(gpu.id):
        return CurvePart(gpu.id, {}, 1.0)
    ref = _reference(gpu)
    if ref is None or not has_kernel_curves(ref.id):
        return None
    ratios = {p: gpu.dense_tflops[p] / ref.dense_tflops[p]
              for p in gpu.dense_tflops if ref.dense_tflops.get(p)}
    return CurvePart(ref.id, ratios, gpu.memory_bandwidth_tbs / ref.memory_bandwidth_tbs)


@lru_cache(maxsize=8192)
def _kernel_allreduce(message: float, gpu_id: str, engine: str, tp: int) -> float | None:
    return K.allreduce_seconds(gpu_id, engine, tp, message)


@lru_cache(maxsize=8192)
def _kernel_alltoall(message: float, gpu_id: str, engine: str, ep: int) -> float | None:
    return K.alltoall_seconds(gpu_id, engine, ep, message)


def _edges(value: float) -> tuple[float, float, float]:
    """Bracketing 1/8-octave grid points of ``value`` and its log-position between them, so
    kernel lookups are cached on the grid and interpolated smoothly (no steps between points,
    which would make a step's time jump down as the batch grows)."""
    value = max(value, 1.0)
    position = math.log2(value) * C.KERNEL_GRID_PER_OCTAVE
    low = math.floor(position)
    return 2 ** (low / C.KERNEL_GRID_PER_OCTAVE), 2 ** ((low + 1) / C.KERNEL_GRID_PER_OCTAVE), position - low


@lru_cache(maxsize=65536)
def _smooth(lookup, value: float, *args) -> float | None:
    """``lookup(grid_value, *args)`` interpolated log-log between the grid points around value
    (memoised on the exact value: the solver asks for the same batch sizes again and again)."""
    lo, hi, t = _edges(value)
    a, b = lookup(lo, *args), lookup(hi, *args)
    if not a or not b:
        return a or b or None
    return math.exp(math.log(a) * (1 - t) + math.log(b) * t)


def achievable_flops(gpu: GPU, precision: str, engine: EngineProfile | None = None,
                     tokens: float | None = None) -> float:
    """FLOP/s serving GEMMs reach at ``precision`` (already the compute precision): the
    measured kernel curve at this many tokens per step where NVIDIA's database has one for the
    engine, else dense peak x part efficiency x serving-shape fraction x engine multiplier."""
    part = curve_part(gpu) if engine is not None and engine.kernel_curves and tokens else None
    if part is not None:
        measured = _smooth(_kernel_gemm, max(tokens, C.KERNEL_GEMM_MIN_TOKENS), part.gpu_id,
                           engine.kernel_curves, precision)
        if measured:
            return measured * 1e12 * part.compute(precision)
    scale = engine.gemm_efficiency if engine is not None else 1.0
    return gpu.dense_tflops[precision] * 1e12 * gemm_efficiency(gpu) * C.SERVING_GEMM_FRACTION * scale


def moe_flops(gpu: GPU, precision: str, engine: EngineProfile | None, tokens: float, model: Model) -> float:
    """FLOP/s of the routed-expert grouped GEMMs: measured vs tokens per expert where available
    (the median over measured fine-grained shapes; reading the curve at the layout's expert slice
    width was tried and left out: it changed no calibration figure by more than a point),
    else dense GEMM rate x MoE fraction x engine multiplier."""
    per_expert = tokens * model.experts_per_token / max(model.experts, 1)
    part = curve_part(gpu) if engine is not None and engine.kernel_curves and per_expert > 0 else None
    if part is not None:
        measured = _smooth(_kernel_moe, max(per_expert, C.KERNEL_GEMM_MIN_TOKENS), part.gpu_id,
                           engine.kernel_curves, precision, model.experts)
        if measured:
            return measured * 1e12 * part.compute(precision)
    scale = engine.moe_gemm_efficiency / engine.gemm_efficiency if engine is not None else 1.0
    return achievable_flops(gpu, precision, engine) * C.MOE_GEMM_FRACTION * scale


def attention_flops_rate(gpu: GPU, engine: EngineProfile | None = None) -> float:
    precision = C.ATTENTION_PRECISION if C.ATTENTION_PRECISION in gpu.dense_tflops else None
    if precision is None:
        precision = max(gpu.dense_tflops, key=lambda k: BYTES_PER_VALUE[k])
    scale = engine.attention_efficiency if engine is not None else 1.0
    return gpu.dense_tflops[precision] * 1e12 * C.ATTENTION_EFFICIENCY * scale


# ----------------------------------------------------------------------------------------------
# Memory
# ----------------------------------------------------------------------------------------------


def weight_bytes(model: Model, precision: str) -> float:
    """Bytes of all weights at ``precision`` (the official mixed-precision size at native)."""
    if precision == model.native_precision and model.native_weights_bytes:
        return float(model.native_weights_bytes)
    return model.total_params * BYTES_PER_VALUE[precision]


def kv_heads_per_gpu(model: Model, tp: int) -> int:
    """KV heads each TP rank stores: split across ranks, replicated once TP exceeds them."""
    return max(1, math.ceil(model.kv_heads / tp))


def kv_bytes_per_token_per_layer(model: Model, kv_precision: str, tp: int = 1) -> float:
    """KV bytes one token adds to one layer on one GPU of a TP group."""
    nbytes = BYTES_PER_VALUE[kv_precision]
    if model.attention == "mla":
        # One compressed latent plus the shared RoPE key, identical on every rank.
        return (model.kv_lora_rank + model.qk_rope_head_dim) * nbytes
    return 2 * kv_heads_per_gpu(model, tp) * model.head_dim * nbytes


def kv_bytes_per_token(model: Model, kv_precision: str, tp: int = 1) -> float:
    """KV bytes per token per GPU, all layers, ignoring sliding windows (the engine's unit)."""
    return model.layers * kv_bytes_per_token_per_layer(model, kv_precision, tp)


def kv_bytes_per_sequence(model: Model, kv_precision: str, context: float, tp: int = 1) -> float:
    """KV bytes one sequence of ``context`` tokens holds on one GPU (sliding layers capped)."""
    per_layer = kv_bytes_per_token_per_layer(model, kv_precision, tp)
    windowed = model.sliding_window_layers
    full = model.layers - windowed
    return per_layer * (full * context + windowed * min(context, model.sliding_window or context))


def activation_bytes(model: Model, tp: int, budget: int = C.MAX_TOKENS_PER_STEP) -> float:
    return budget * model.hidden_size * C.ACTIVATION_BYTES_PER_TOKEN_PER_HIDDEN / tp


def attention_params(model: Model) -> float:
    """Parameters of the attention projections, all layers (replicated under DP attention).
    GQA/MHA: q, k, v, o = H d (2h + 2k). MLA (no q-LoRA assumed, so an upper bound): the KV
    down-projection H (r + rope), up-projection r h 2 dv, output h dv H and query H h d."""
    h, d, hidden = model.heads, model.head_dim, model.hidden_size
    if model.attention == "mla":
        dv = max(d - model.qk_rope_head_dim, 1)
        per_layer = (hidden * (model.kv_lora_rank + model.qk_rope_head_dim)
                     + model.kv_lora_rank * h * 2 * dv + h * dv * hidden + hidden * h * d)
    else:
        per_layer = hidden * d * (2 * h + 2 * model.kv_heads)
    return float(model.layers * per_layer)


def weight_bytes_per_gpu(model: Model, precision: str, tp: int, pp: int = 1, dp: int = 1) -> float:
    """Weights one GPU holds: everything split over TP x PP, except that data-parallel attention
    keeps a whole copy of the attention projections on every rank."""
    total = weight_bytes(model, precision)
    if dp <= 1:
        return total / (tp * pp)
    per_param = total / model.total_params
    attn = min(attention_params(model) * per_param, total)
    return (attn + (total - attn) / tp) / pp


@dataclass(frozen=True)
class MemoryPlan:
    """Where one GPU's memory goes for a replica of TP x PP GPUs."""

    weights: float
    overhead: float
    kv: float
    usable: float

    @property
    def fits(self) -> bool:
        return self.kv > 0


def memory_plan(
    model: Model,
    gpu: GPU,
    precision: str,
    tp: int,
    pp: int = 1,
    gpu_memory_utilization: float | None = None,
    engine: EngineProfile | None = None,
    dp: int = 1,
) -> MemoryPlan:
    """KV space per GPU under the engine's memory semantics (``docs/model.md`` section 3):
    ``total`` (vLLM) caps weights + runtime + KV at a fraction of device memory, ``static``
    (SGLang) caps weights + KV and leaves the runtime the rest, ``free`` (TensorRT-LLM) gives KV
    a fraction of what is free after weights and runtime."""
    engine = engine or default_engine(gpu)
    key = (id(model), id(gpu), id(engine), precision, tp, pp, gpu_memory_utilization, dp)
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is model and hit[1] is gpu and hit[2] is engine:
        return hit[3]
    plan = _memory_plan(model, gpu, precision, tp, pp, gpu_memory_utilization, engine, dp)
    if len(_PLANS) >= _COEFFICIENTS_MAX:
        _PLANS.clear()
    _PLANS[key] = (model, gpu, engine, plan)
    return plan


_PLANS: dict[tuple, tuple[Model, GPU, EngineProfile, MemoryPlan]] = {}
"""Memo of :func:`memory_plan` (the sizer asks for the same layouts' plans several times),
keyed on the catalog entries' identity like the step coefficients."""


def _memory_plan(model: Model, gpu: GPU, precision: str, tp: int, pp: int,
                 gpu_memory_utilization: float | None, engine: EngineProfile, dp: int) -> MemoryPlan:
    fraction = gpu_memory_utilization if gpu_memory_utilization is not None else engine.memory_fraction
    total = gpu.usable_memory_bytes
    weights = weight_bytes_per_gpu(model, precision, tp, pp, dp)
    overhead = C.RUNTIME_OVERHEAD_GB * 1e9 + activation_bytes(model, tp, engine.max_num_batched_tokens)
    if engine.kv_memory == "total":
        usable = total * fraction
        kv = usable - weights - overhead
    elif engine.kv_memory == "static":
        kv = min(total * fraction - weights, total - weights - overhead)
        usable = weights + overhead + kv
    else:  # free
        free = total - weights - overhead
        kv = fraction * free if free > 0 else free
        usable = weights + overhead + max(kv, 0.0)
    return MemoryPlan(weights=weights, overhead=overhead, kv=kv, usable=usable)


def kv_per_sequence_per_gpu(model: Model, kv_precision: str, context: float, tp: int, pp: int = 1,
                            dp: int = 1) -> float:
    """KV bytes one sequence costs the GPU that holds it, averaged over a replica's GPUs
    (DP attention spreads sequences over ``dp`` ranks, each holding its own sequences' KV)."""
    return kv_bytes_per_sequence(model, kv_precision, context, max(tp // dp, 1)) / pp / dp


def max_sequences(
    model: Model, plan: MemoryPlan, kv_precision: str, context: float, tp: int, pp: int = 1, dp: int = 1
) -> int:
    """Sequences of ``context`` tokens whose KV fits next to the weights (per replica)."""
    if plan.kv <= 0:
        return 0
    per_seq = kv_per_sequence_per_gpu(model, kv_precision, context, tp, pp, dp)
    return int(plan.kv // per_seq) if per_seq > 0 else 0


def kv_token_capacity(model: Model, plan: MemoryPlan, kv_precision: str, tp: int, pp: int = 1, dp: int = 1) -> int:
    """KV tokens the replica can hold, counted as the engine does (all layers per token)."""
    if plan.kv <= 0:
        return 0
    return int(plan.kv // (kv_bytes_per_token(model, kv_precision, max(tp // dp, 1)) / pp / dp))


# ----------------------------------------------------------------------------------------------
# Time of one engine step
# ----------------------------------------------------------------------------------------------


def expected_experts_hit(model: Model, tokens: float) -> float:
    """Distinct routed experts a layer reads when ``tokens`` tokens are routed (uniform routing):
    E * (1 - (1 - k/E)^tokens)."""
    experts, k = model.experts, model.experts_per_token
    if not experts:
        return 0.0
    miss = (1.0 - k / experts) ** (tokens if tokens > 0.0 else 0.0)  # max(), without a call (hot path)
    hit = experts * (1.0 - miss) * C.MOE_ROUTING_SKEW
    return hit if hit < experts else experts


def touched_weight_bytes(model: Model, precision: str, tokens: float) -> float:
    """Weight bytes one step reads: everything for dense models; for MoE the always-active part
    plus the experts that the step's tokens hit."""
    total = weight_bytes(model, precision)
    if not model.is_moe:
        return total
    per_param = total / model.total_params
    hit = expected_experts_hit(model, tokens)
    params = model.always_active_params + model.moe_layers * hit * model.expert_params
    return min(total, params * per_param)


def decode_attention_flops_per_ctx(model: Model) -> float:
    """FLOPs per generated token per cached token (QK^T + AV), whole model."""
    if model.attn_flops_per_ctx_token:
        return float(model.attn_flops_per_ctx_token)
    return 4.0 * model.layers * model.heads * model.head_dim


def prefill_attention_flops_per_pair(model: Model) -> float:
    """FLOPs per (query token, earlier token) pair in prefill, whole model (no absorption):
    2 x heads x (query-key width + value width) per layer. MHA/GQA: both widths are head_dim.
    MLA prefill runs as multi-head attention on the up-projected latent (DeepSeek-V2 paper,
    2024-05, section 2.1): keys are head_dim wide (128 + the 64-wide RoPE part for DeepSeek-V3),
    values head_dim - rope wide (128), so 2 x h x (192 + 128), not 4 x h x 192."""
    if model.attention == "mla" and model.qk_rope_head_dim:
        value = max(model.head_dim - model.qk_rope_head_dim, 1)
        return 2.0 * model.layers * model.heads * (model.head_dim + value)
    return 4.0 * model.layers * model.heads * model.head_dim


def attended_context(model: Model, context: float) -> float:
    """Average number of cached tokens a layer attends to at ``context`` (windows capped)."""
    windowed = model.sliding_window_layers
    if not windowed:
        return context
    full = model.layers - windowed
    return (full * context + windowed * min(context, model.sliding_window)) / model.layers


@dataclass(init=False, slots=True)
class Step:
    """Time of one scheduler step of one pipeline stage, split into its parts (seconds), and
    their total (summed once here: the steady-state solver builds and reads thousands of steps
    per sizing)."""

    weights: float
    linear_compute: float
    kv_read: float
    decode_attention_compute: float
    prefill_attention: float
    communication: float
    overhead: float
    total: float

    def __init__(self, weights: float, linear_compute: float, kv_read: float, decode_attention_compute: float,
                 prefill_attention: float, communication: float, overhead: float) -> None:
        self.weights, self.linear_compute, self.kv_read = weights, linear_compute, kv_read
        self.decode_attention_compute, self.prefill_attention = decode_attention_compute, prefill_attention
        self.communication, self.overhead = communication, overhead
        self.total = ((weights if weights > linear_compute else linear_compute)  # max(), without a call
                      + (kv_read if kv_read > decode_attention_compute else decode_attention_compute)
                      + prefill_attention + communication + overhead)

    @property
    def linear(self) -> float:
        return max(self.weights, self.linear_compute)

    @property
    def decode_attention(self) -> float:
        return max(self.kv_read, self.decode_attention_compute)

    @property
    def bound(self) -> Literal["memory", "compute"]:
        memory = self.weights + self.kv_read
        compute = self.linear_compute + self.decode_attention_compute + self.prefill_attention
        return "memory" if memory >= compute else "compute"


def layer_floor(model: Model) -> float:
    """Fixed per-step time of running every layer's kernels once (launch and sync floor)."""
    return model.layers * C.LAYER_FLOOR_S + model.moe_layers * C.MOE_LAYER_EXTRA_FLOOR_S


def tp_link(gpu: GPU, tp: int) -> tuple[float, float]:
    """(bytes/s per direction, latency per collective) for a group of ``tp`` GPUs. On switched
    fabrics (NVSwitch) every GPU drives its whole scale-up bandwidth; on point-to-point fabrics
    (Infinity Fabric) a GPU reaches its ``tp - 1`` peers over one link each."""
    if gpu.scale_up_gbs > 0 and tp <= gpu.scale_up_domain:
        bandwidth = gpu.scale_up_gbs
        if gpu.scale_up_topology == "point-to-point" and gpu.scale_up_link_gbs:
            bandwidth = min(bandwidth, (tp - 1) * gpu.scale_up_link_gbs)
        return bandwidth * 1e9 / 2, C.ALLREDUCE_LATENCY_S
    return gpu.pcie_gbs * 1e9 / 2, C.PCIE_ALLREDUCE_LATENCY_S


def allreduce_call(gpu: GPU, tp: int, message: float, engine: EngineProfile | None = None) -> float:
    """One all-reduce of ``message`` bytes over ``tp`` GPUs: the measured curve where NVIDIA's
    database has it, else latency + 2(t-1)/t x bytes / (link x efficiency), faster with NVLS."""
    if tp <= 1:
        return 0.0
    if engine is not None and engine.kernel_curves and has_kernel_curves(gpu.id):
        measured = _smooth(_kernel_allreduce, message, gpu.id, engine.kernel_curves, tp)
        if measured:
            return measured
    latency, spread, rate = allreduce_terms(gpu, tp, engine)
    return latency + spread * message / rate


def allreduce_terms(gpu: GPU, tp: int, engine: EngineProfile | None = None) -> tuple[float, float, float]:
    """(latency, 2(t-1)/t, link bytes/s x efficiency) of the all-reduce model above."""
    bandwidth, latency = tp_link(gpu, tp)
    efficiency = C.LINK_EFFICIENCY
    if engine is not None and engine.nvls and gpu.nvls and tp <= gpu.scale_up_domain:
        efficiency *= C.NVLS_BANDWIDTH_GAIN
    return latency, 2 * (tp - 1) / tp, bandwidth * efficiency


def allreduce_time(model: Model, gpu: GPU, tp: int, tokens: float, layers: float,
                   engine: EngineProfile | None = None) -> float:
    """Tensor-parallel all-reduces of the step's activations, twice per layer."""
    if tp <= 1:
        return 0.0
    message = tokens * model.hidden_size * C.ACTIVATION_BYTES
    return layers * C.ALLREDUCES_PER_LAYER * allreduce_call(gpu, tp, message, engine)


def alltoall_call(gpu: GPU, ep: int, message: float, engine: EngineProfile | None = None) -> float:
    """One expert-parallel all-to-all where each GPU sends ``message`` bytes in total (measured
    where available, else latency + (e-1)/e x bytes / (link x efficiency))."""
    if ep <= 1:
        return 0.0
    if engine is not None and engine.kernel_curves and has_kernel_curves(gpu.id):
        measured = _smooth(_kernel_alltoall, message, gpu.id, engine.kernel_curves, ep)
        if measured:
            return measured
    bandwidth, latency = tp_link(gpu, ep)
    return latency + (ep - 1) / ep * message / (bandwidth * C.LINK_EFFICIENCY)


_STEP_MEMO_MAX = 4096
"""Most curve readings one layout remembers (StepCoefficients.memo)."""
_UNSET = object()
"""Not yet read (a reading may be None: nothing measured)."""
_DECODE_CURVE, _GEMM_CURVE, _MOE_CURVE, _ALLREDUCE_CURVE, _PREFILL_CURVE = range(5)
"""Which measured curve a StepCoefficients.memo key reads."""


@dataclass(frozen=True, slots=True)
class StepCoefficients:
    """What one step's time needs that does not depend on the batch, computed once per layout
    (model, GPU, precisions, TP x PP, engine, EP, DP): :meth:`step` is the hot path of the
    steady-state solver, so the lookups and per-layout products are done here."""

    model: Model
    gpu: GPU
    engine: EngineProfile
    kv_precision: str
    tp: int
    pp: int
    ep: int
    dp: int
    bandwidth: float
    share: float
    total_weights: float
    per_param: float
    attn_bytes: float
    dense_weights_s: float
    """Weight read time of a dense model's step (every weight, every step)."""
    math_precision: str
    fallback_rate: float
    fallback_moe_rate: float
    kernel_moe_fallback_rate: float
    """:func:`moe_flops` when the part has curves but none for this MoE shape."""
    kernel_engine: str
    curve_gpu: str
    """Part whose measured curves are read (itself or its reference part)."""
    compute_scale: float
    attention_compute_scale: float
    bandwidth_scale: float
    comm_engine: str
    """Engine whose measured all-reduce curve this part has ("" when none)."""
    attention_kind: str
    attn_rate: float
    kv_per_token_layer: float
    full_layers: int
    windowed_layers: int
    window: float
    layers: int
    decode_flops_per_ctx: float
    prefill_flops_per_pair: float
    routed_per_token: float
    active_per_token: float
    overhead: float
    moe_layers: int
    always_active: int
    expert_params: int
    experts_per_token: int
    experts_divisor: int
    hidden_size: int
    allreduce_model: tuple[float, float, float]
    """:func:`allreduce_terms` of the TP group."""
    allreduce_layers: float
    """Layers x all-reduces per layer of one stage (the dense layers only under DP attention)."""
    dp_moe_layers: float
    """MoE layers of one stage that dispatch / combine under DP attention (0 otherwise)."""
    imbalance: float
    memo: dict[tuple, float | None] = field(default_factory=dict, repr=False, compare=False)
    """The layout's measured-curve readings by (curve, value...): the solver asks for the same batch
    sizes again and again, and a lookup here is a fraction of one through ``_smooth``'s cache
    (whose key also hashes the part, engine and precision). Cleared past ``_STEP_MEMO_MAX``."""

    def _curve_at(self, key: tuple, lookup, value: float, *args) -> float | None:  # type: ignore[no-untyped-def]
        """``_smooth(lookup, value, *args)``, remembered under ``key`` in :attr:`memo`."""
        memo = self.memo
        if len(memo) >= _STEP_MEMO_MAX:
            memo.clear()
        found = memo[key] = _smooth(lookup, value, *args)
        return found

    def prefill_alone(self, tokens: float, prompts: float = 1.0) -> float:
        """One stage's time to prefill ``prompts`` prompts of ``tokens`` tokens each (``tokens``
        > 0) with nothing decoding, in chunks of the engine's step budget
        (:func:`prefill_seconds` adds the stages)."""
        total_tokens = tokens * prompts if prompts > 1.0 else tokens
        chunks = max(1, math.ceil(total_tokens / self.engine.max_num_batched_tokens))
        chunk = total_tokens / chunks
        alone = self.decode(0.0, 0.0)  # a prefill step decodes nothing
        if prompts > 1.0:
            # A batch of prompts (a static batch), packed into budget-sized chunks: each token
            # attends only to its own prompt, half of it on average (a prompt is not a context
            # for the next one).
            return chunks * self.with_decode(alone, chunk, tokens / 2).total
        total = 0.0
        for index in range(chunks):
            # Later chunks attend to the earlier ones: average position inside this chunk.
            total += self.with_decode(alone, chunk, index * chunk + chunk / 2).total
        return total

    def step(self, decode_tokens: float, decode_context: float, prefill_tokens: float = 0.0,
             prefill_context: float = 0.0, tokens_per_sequence: float = 1.0) -> Step:
        """:func:`step_time` for this layout."""
        return self.with_decode(self.decode(decode_tokens, decode_context, tokens_per_sequence),
                                prefill_tokens, prefill_context)

    def decode(self, decode_tokens: float, decode_context: float,
               tokens_per_sequence: float = 1.0) -> tuple[float, float, float, float]:
        """The decode half of a step (the same in every step of one batch, with or without
        prompt chunks): (sequences, decode positions, KV read time, decode-attention math time)."""
        k = self
        if k.windowed_layers:
            windowed = k.windowed_layers * min(decode_context, k.window)
            kv_per_seq = k.kv_per_token_layer * (k.full_layers * decode_context + windowed)
            attended = (k.full_layers * decode_context + windowed) / k.layers  # attended_context()
        else:
            kv_per_seq = k.kv_per_token_layer * k.full_layers * decode_context
            attended = decode_context
        kv_read = decode_tokens * kv_per_seq / k.bandwidth
        if k.kernel_engine and decode_tokens > 0:
            # Decode attention: the engine's own measured paged-KV kernel (an engine without one on
            # this part borrows the median of those measured: catalog/kernels.py).
            measured_bw = k.memo.get((_DECODE_CURVE, decode_tokens, decode_context), _UNSET)
            if measured_bw is _UNSET:
                measured_bw = k._curve_at((_DECODE_CURVE, decode_tokens, decode_context), _kernel_decode_attention_at,
                                          decode_tokens, _grid_floor(decode_context), k.curve_gpu,
                                          k.kernel_engine, k.attention_kind, k.kv_precision)
            if measured_bw:
                kv_read = decode_tokens * kv_per_seq / (measured_bw * k.bandwidth_scale)
        positions = decode_tokens * tokens_per_sequence
        decode_attn_flops = positions * attended * k.decode_flops_per_ctx * k.share
        return decode_tokens, positions, kv_read, decode_attn_flops / k.attn_rate

    def with_decode(self, decode: tuple[float, float, float, float], prefill_tokens: float = 0.0,
                    prefill_context: float = 0.0) -> Step:
        """A step with the decode half ``decode`` (:meth:`decode`) that also prefills
        ``prefill_tokens`` prompt tokens at an average position ``prefill_context``."""
        k = self
        share, tp = k.share, k.tp
        _, positions, kv_read, decode_attention = decode
        tokens = positions + prefill_tokens

        # Weight bytes read: touched_weight_bytes(), written out with the layout's coefficients
        # (the same arithmetic, the experts-hit count computed once).
        imbalance = k.imbalance
        if k.moe_layers:
            hit = expected_experts_hit(k.model, tokens)
            # (conditional expressions for min(): the same values without the calls)
            touched = (k.always_active + k.moe_layers * hit * k.expert_params) * k.per_param
            if touched > k.total_weights:
                touched = k.total_weights
            if k.ep > 1:
                routed = k.moe_layers * hit * k.expert_params * k.per_param
                touched = touched + (routed if routed < touched else touched) * (imbalance - 1.0)
            weights = touched * share
            if k.dp > 1:
                attention = k.attn_bytes if k.attn_bytes < touched else touched
                weights += attention * (1.0 - 1.0 / tp) / k.pp  # every rank reads the whole attention copy
            weights /= k.bandwidth
        else:
            weights = k.dense_weights_s
        routed_flops = k.routed_per_token * tokens * share
        dense_flops = k.active_per_token * tokens * share - routed_flops
        rate, moe_rate = k.fallback_rate, k.fallback_moe_rate
        if k.kernel_engine and tokens > 0:
            # achievable_flops() and moe_flops() on the measured curves
            gemm_tokens = tokens * share * tp  # at least KERNEL_GEMM_MIN_TOKENS (max(), without a call)
            if gemm_tokens < C.KERNEL_GEMM_MIN_TOKENS:
                gemm_tokens = C.KERNEL_GEMM_MIN_TOKENS
            measured = k.memo.get((_GEMM_CURVE, gemm_tokens), _UNSET)
            if measured is _UNSET:
                measured = k._curve_at((_GEMM_CURVE, gemm_tokens), _kernel_gemm, gemm_tokens, k.curve_gpu,
                                       k.kernel_engine, k.math_precision)
            if measured:
                rate = measured * 1e12 * k.compute_scale
            if routed_flops:
                per_expert = tokens * k.experts_per_token / k.experts_divisor
                if per_expert < C.KERNEL_GEMM_MIN_TOKENS:
                    per_expert = C.KERNEL_GEMM_MIN_TOKENS
                measured = k.memo.get((_MOE_CURVE, per_expert), _UNSET)
                if measured is _UNSET:
                    measured = k._curve_at((_MOE_CURVE, per_expert), _kernel_moe, per_expert, k.curve_gpu,
                                           k.kernel_engine, k.math_precision, k.model.experts)
                moe_rate = measured * 1e12 * k.compute_scale if measured else k.kernel_moe_fallback_rate
        linear_compute = dense_flops / rate
        if routed_flops:
            linear_compute += routed_flops * imbalance / moe_rate

        if k.windowed_layers:
            prefill_attended = (k.full_layers * prefill_context
                                + k.windowed_layers * min(prefill_context, k.window)) / k.layers
        else:
            prefill_attended = prefill_context
        prefill_attn_flops = prefill_tokens * prefill_attended * k.prefill_flops_per_pair * share
        communication = 0.0
        if k.dp_moe_layers:
            # DP attention: no attention all-reduce; each MoE layer dispatches its rank's tokens to
            # the experts' ranks and combines them back (two all-to-alls); dense layers all-reduce.
            communication = k.dp_moe_layers * moe_dispatch_combine(k.model, k.gpu, tp, tokens / k.dp, k.engine)
        if tp > 1:
            # allreduce_time(): two all-reduces of the step's activations per layer
            message = tokens * k.hidden_size * C.ACTIVATION_BYTES
            per_call = None
            if k.comm_engine:
                per_call = k.memo.get((_ALLREDUCE_CURVE, message), _UNSET)
                if per_call is _UNSET:
                    per_call = k._curve_at((_ALLREDUCE_CURVE, message), _kernel_allreduce, message, k.gpu.id,
                                           k.comm_engine, tp)
            if not per_call:  # allreduce_call()'s model where nothing is measured
                latency, spread, link = k.allreduce_model
                per_call = latency + spread * message / link
            communication += k.allreduce_layers * per_call
        prefill_rate = k.attn_rate
        if k.kernel_engine and prefill_tokens > 0:
            pair_context = 2 * prefill_context
            if pair_context < 1.0:
                pair_context = 1.0
            measured_rate = k.memo.get((_PREFILL_CURVE, pair_context), _UNSET)
            if measured_rate is _UNSET:
                measured_rate = k._curve_at((_PREFILL_CURVE, pair_context), _kernel_prefill_attention, pair_context,
                                            k.curve_gpu, k.kernel_engine, k.attention_kind)
            if measured_rate:
                prefill_rate = measured_rate * 1e12 * k.attention_compute_scale
        return Step(weights, linear_compute, kv_read, decode_attention, prefill_attn_flops / prefill_rate,
                    communication, k.overhead)


_COEFFICIENTS: dict[tuple, StepCoefficients] = {}
_COEFFICIENTS_MAX = 4096


def step_coefficients(model: Model, gpu: GPU, precision: str, kv_precision: str, tp: int, pp: int,
                      engine: EngineProfile, ep: int = 1, dp: int = 1) -> StepCoefficients:
    """The layout's step coefficients (memoised on the catalog entries' identity)."""
    key = (id(model), id(gpu), id(engine), precision, kv_precision, tp, pp, ep, dp)
    hit = _COEFFICIENTS.get(key)
    if hit is not None and hit.model is model and hit.gpu is gpu and hit.engine is engine:
        return hit
    math_precision, _ = compute_precision(gpu, precision)
    total = weight_bytes(model, precision)
    per_param = total / model.total_params
    rate = achievable_flops(gpu, math_precision, engine)
    bandwidth = achievable_bandwidth(gpu, engine)
    share = 1.0 / (tp * pp)
    attn_bytes = min(attention_params(model) * per_param, total) if dp > 1 else 0.0
    dense_weights = total * share
    if dp > 1:
        dense_weights += min(attn_bytes, total) * (1.0 - 1.0 / tp) / pp
    part = curve_part(gpu)
    layers = model.layers / pp
    dp_moe_layers = model.moe_layers / pp if dp > 1 and model.is_moe else 0.0
    coeffs = StepCoefficients(
        model=model,
        gpu=gpu,
        engine=engine,
        kv_precision=kv_precision,
        tp=tp,
        pp=pp,
        ep=ep,
        dp=dp,
        bandwidth=bandwidth,
        share=share,
        total_weights=total,
        per_param=per_param,
        attn_bytes=attn_bytes,
        dense_weights_s=dense_weights / bandwidth,
        math_precision=math_precision,
        fallback_rate=rate,
        fallback_moe_rate=rate * C.MOE_GEMM_FRACTION * engine.moe_gemm_efficiency / engine.gemm_efficiency,
        kernel_moe_fallback_rate=rate * C.MOE_GEMM_FRACTION * (engine.moe_gemm_efficiency / engine.gemm_efficiency),
        kernel_engine=engine.kernel_curves if part is not None else "",
        curve_gpu=part.gpu_id if part is not None else "",
        compute_scale=part.compute(math_precision) if part is not None else 1.0,
        attention_compute_scale=part.compute(C.ATTENTION_PRECISION) if part is not None else 1.0,
        bandwidth_scale=part.bandwidth_scale if part is not None else 1.0,
        comm_engine=engine.kernel_curves if engine.kernel_curves and has_kernel_curves(gpu.id) else "",
        attention_kind="mla" if model.attention == "mla" else "gqa",
        attn_rate=attention_flops_rate(gpu, engine),
        kv_per_token_layer=kv_bytes_per_token_per_layer(model, kv_precision, max(tp // dp, 1)) / pp / dp,
        full_layers=model.layers - model.sliding_window_layers,
        windowed_layers=model.sliding_window_layers,
        window=float(model.sliding_window or 0),
        layers=model.layers,
        decode_flops_per_ctx=decode_attention_flops_per_ctx(model),
        prefill_flops_per_pair=prefill_attention_flops_per_pair(model),
        routed_per_token=2.0 * model.moe_layers * model.experts_per_token * model.expert_params,
        active_per_token=2.0 * model.active_params,
        overhead=engine.step_overhead_s + layer_floor(model) / pp,
        moe_layers=model.moe_layers,
        always_active=model.always_active_params if model.is_moe else 0,
        expert_params=model.expert_params if model.is_moe else 0,
        experts_per_token=model.experts_per_token,
        experts_divisor=max(model.experts, 1),
        hidden_size=model.hidden_size,
        allreduce_model=allreduce_terms(gpu, tp, engine) if tp > 1 else (0.0, 0.0, 1.0),
        allreduce_layers=(layers - dp_moe_layers if dp_moe_layers else layers) * C.ALLREDUCES_PER_LAYER,
        dp_moe_layers=dp_moe_layers,
        imbalance=C.EXPERT_LOAD_IMBALANCE if ep > 1 else 1.0,
    )
    if len(_COEFFICIENTS) >= _COEFFICIENTS_MAX:
        _COEFFICIENTS.clear()
    _COEFFICIENTS[key] = coeffs
    return coeffs


@lru_cache(maxsize=4096)
def _grid_floor(value: float) -> float:
    """The grid point at or below ``value`` (context lengths are read on the grid)."""
    return _edges(value)[0]


def step_time(
    model: Model,
    gpu: GPU,
    precision: str,
    kv_precision: str,
    tp: int,
    pp: int,
    decode_tokens: float,
    decode_context: float,
    prefill_tokens: float = 0.0,
    prefill_context: float = 0.0,
    tokens_per_sequence: float = 1.0,
    engine: EngineProfile | None = None,
    ep: int = 1,
    dp: int = 1,
) -> Step:
    """One step of one pipeline stage that decodes ``decode_tokens`` sequences at an average
    context of ``decode_context`` and prefills ``prefill_tokens`` tokens whose own context
    averages ``prefill_context`` (position inside their prompt). With speculative decoding each
    sequence verifies ``tokens_per_sequence`` positions per step: more math, same weight and
    KV reads. ``ep`` > 1 places whole experts on ranks (expert parallelism); ``dp`` > 1 runs
    attention data-parallel (each rank its own sequences, attention weights replicated).
    The arithmetic is :meth:`StepCoefficients.step`."""
    engine = engine or default_engine(gpu)
    k = step_coefficients(model, gpu, precision, kv_precision, tp, pp, engine, ep, dp)
    return k.step(decode_tokens, decode_context, prefill_tokens, prefill_context, tokens_per_sequence)


def moe_prefill_fixed_seconds(model: Model, engine: EngineProfile) -> float:
    """Fixed cost a MoE model's prompt pays once on its way to the first token, on top of the
    prefill's kernel time: per MoE layer, the engine's measured cost of a prefill forward that
    runs eagerly (engines capture CUDA / HIP graphs for decode batches only) and synchronises
    with the host to size its grouped GEMMs and all-to-all buffers from the routing result
    (DeepEP's normal-mode dispatch and the fused-MoE paths wait for the per-expert token counts).
    Zero for dense models. It is kept out of the decode steps' time: the measured decode rates of
    the same engines already carry what it costs the other requests."""
    return model.moe_layers * engine.moe_prefill_layer_s


def first_token_lag_seconds(engine: EngineProfile, tpot_s: float, model: Model | None = None) -> float:
    """Time between the end of a prompt's prefill and its first token reaching the client: the
    engine's ``first_token_steps`` decode steps of the batch the request has joined (``tpot_s``
    each). Zero for an engine that streams the prefill's token at once."""
    if model is not None and not model.is_moe:
        return 0.0
    return engine.first_token_steps * tpot_s


def request_fixed_seconds(model: Model, engine: EngineProfile, pp: int = 1) -> float:
    """Everything of a request's TTFT that is not kernel time or queueing: the engine's HTTP /
    tokeniser / detokeniser path plus, for MoE models, the fixed prefill cost above (once per
    pipeline stage)."""
    return engine.request_overhead_s + moe_prefill_fixed_seconds(model, engine) * pp


def prefill_seconds(
    model: Model, gpu: GPU, precision: str, kv_precision: str, tp: int, pp: int, tokens: float,
    engine: EngineProfile | None = None, ep: int = 1, dp: int = 1, prompts: float = 1.0,
) -> float:
    """Time to prefill one prompt of ``tokens`` tokens alone (or ``prompts`` such prompts
    together, as a static batch does), in chunks of the step budget, through all pipeline
    stages (no per-request fixed cost)."""
    if tokens <= 0:
        return 0.0
    engine = engine or default_engine(gpu)
    k = step_coefficients(model, gpu, precision, kv_precision, tp, pp, engine, ep, dp)
    return k.prefill_alone(tokens, prompts) * pp + (pp - 1) * C.PIPELINE_HOP_S
