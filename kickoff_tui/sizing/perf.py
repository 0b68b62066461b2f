"""The inference performance model: memory, decode and prefill time, continuous-batching steady state.

Pure functions over catalog entries. Every formula lives in exactly one function here and is
written out in ``docs/model.md``; every constant is in :mod:`kickoff_tui.sizing.constants`.

Units: bytes, seconds, FLOPs inside; the public result reports GB, ms and tokens/s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

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


def default_kv_precision(gpu: GPU, precision: str) -> str:
    """FP8 KV cache when weights are served at 8 bits or less on a part with FP8 math (what
    TensorRT-LLM / NIM FP8 checkpoints and vLLM ``--kv-cache-dtype fp8`` do), else 16-bit."""
    if BYTES_PER_VALUE[precision] <= 1 and "fp8" in gpu.native_precisions:
        return "fp8"
    return "bf16"


# ----------------------------------------------------------------------------------------------
# Achievable rates of one GPU
# ----------------------------------------------------------------------------------------------


def achievable_bandwidth(gpu: GPU) -> float:
    """Bytes/s decode kernels reach on one GPU."""
    if gpu.measured_bandwidth_tbs:
        return gpu.measured_bandwidth_tbs * 1e12 * C.BANDWIDTH_KERNEL_FRACTION
    return gpu.memory_bandwidth_tbs * 1e12 * C.MEMORY_BANDWIDTH_EFFICIENCY


def gemm_efficiency(gpu: GPU) -> float:
    """Fraction of dense peak that big GEMMs reach on this part (measured when published)."""
    if gpu.measured_gemm_tflops and gpu.measured_gemm_precision in gpu.dense_tflops:
        return min(gpu.measured_gemm_tflops / gpu.dense_tflops[gpu.measured_gemm_precision], 1.0)
    return C.GEMM_EFFICIENCY


def achievable_flops(gpu: GPU, precision: str) -> float:
    """FLOP/s serving GEMMs reach at ``precision`` (already the compute precision)."""
    return gpu.dense_tflops[precision] * 1e12 * gemm_efficiency(gpu) * C.SERVING_GEMM_FRACTION


def attention_flops_rate(gpu: GPU) -> float:
    precision = C.ATTENTION_PRECISION if C.ATTENTION_PRECISION in gpu.dense_tflops else None
    if precision is None:
        precision = max(gpu.dense_tflops, key=lambda k: BYTES_PER_VALUE[k])
    return gpu.dense_tflops[precision] * 1e12 * C.ATTENTION_EFFICIENCY


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


def activation_bytes(model: Model, tp: int) -> float:
    return C.MAX_TOKENS_PER_STEP * model.hidden_size * C.ACTIVATION_BYTES_PER_TOKEN_PER_HIDDEN / tp


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
    gpu_memory_utilization: float = C.GPU_MEMORY_UTILIZATION,
) -> MemoryPlan:
    usable = gpu.memory_bytes * gpu_memory_utilization
    weights = weight_bytes(model, precision) / (tp * pp)
    overhead = C.RUNTIME_OVERHEAD_GB * 1e9 + activation_bytes(model, tp)
    return MemoryPlan(weights=weights, overhead=overhead, kv=usable - weights - overhead, usable=usable)


def max_sequences(
    model: Model, plan: MemoryPlan, kv_precision: str, context: float, tp: int, pp: int = 1
) -> int:
    """Sequences of ``context`` tokens whose KV fits next to the weights (per replica)."""
    if plan.kv <= 0:
        return 0
    per_seq = kv_bytes_per_sequence(model, kv_precision, context, tp) / pp
    return int(plan.kv // per_seq) if per_seq > 0 else 0


def kv_token_capacity(model: Model, plan: MemoryPlan, kv_precision: str, tp: int, pp: int = 1) -> int:
    """KV tokens the replica can hold, counted as the engine does (all layers per token)."""
    if plan.kv <= 0:
        return 0
    return int(plan.kv // (kv_bytes_per_token(model, kv_precision, tp) / pp))


# ----------------------------------------------------------------------------------------------
# Time of one engine step
# ----------------------------------------------------------------------------------------------


def expected_experts_hit(model: Model, tokens: float) -> float:
    """Distinct routed experts a layer reads when ``tokens`` tokens are routed (uniform routing):
    E * (1 - (1 - k/E)^tokens)."""
    experts, k = model.experts, model.experts_per_token
    if not experts:
        return 0.0
    miss = (1.0 - k / experts) ** max(tokens, 0.0)
    return min(experts, experts * (1.0 - miss) * C.MOE_ROUTING_SKEW)


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
    """FLOPs per (query token, earlier token) pair in prefill, whole model (no absorption)."""
    return 4.0 * model.layers * model.heads * model.head_dim


def attended_context(model: Model, context: float) -> float:
    """Average number of cached tokens a layer attends to at ``context`` (windows capped)."""
    windowed = model.sliding_window_layers
    if not windowed:
        return context
    full = model.layers - windowed
    return (full * context + windowed * min(context, model.sliding_window)) / model.layers


@dataclass(frozen=True)
class Step:
    """Time of one scheduler step of one pipeline stage, split into its parts (seconds)."""

    weights: float
    linear_compute: float
    kv_read: float
    decode_attention_compute: float
    prefill_attention: float
    communication: float
    overhead: float

    @property
    def linear(self) -> float:
        return max(self.weights, self.linear_compute)

    @property
    def decode_attention(self) -> float:
        return max(self.kv_read, self.decode_attention_compute)

    @property
    def total(self) -> float:
        return self.linear + self.decode_attention + self.prefill_attention + self.communication + self.overhead

    @property
    def bound(self) -> Literal["memory", "compute"]:
        memory = self.weights + self.kv_read
        compute = self.linear_compute + self.decode_attention_compute + self.prefill_attention
        return "memory" if memory >= compute else "compute"


def layer_floor(model: Model) -> float:
    """Fixed per-step time of running every layer's kernels once (launch and sync floor)."""
    return model.layers * C.LAYER_FLOOR_S + model.moe_layers * C.MOE_LAYER_EXTRA_FLOOR_S


def tp_link(gpu: GPU, tp: int) -> tuple[float, float]:
    """(bytes/s per direction, latency per all-reduce) for a TP group of ``tp`` GPUs."""
    if gpu.scale_up_gbs > 0 and tp <= gpu.scale_up_domain:
        return gpu.scale_up_gbs * 1e9 / 2, C.ALLREDUCE_LATENCY_S
    return gpu.pcie_gbs * 1e9 / 2, C.PCIE_ALLREDUCE_LATENCY_S


def allreduce_time(model: Model, gpu: GPU, tp: int, tokens: float, layers: float) -> float:
    """Ring all-reduce of the step's activations, twice per layer: latency + 2(t-1)/t x bytes/bw."""
    if tp <= 1:
        return 0.0
    bandwidth, latency = tp_link(gpu, tp)
    message = tokens * model.hidden_size * C.ACTIVATION_BYTES
    per_call = latency + 2 * (tp - 1) / tp * message / (bandwidth * C.LINK_EFFICIENCY)
    return layers * C.ALLREDUCES_PER_LAYER * per_call


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
) -> Step:
    """One step of one pipeline stage that decodes ``decode_tokens`` sequences at an average
    context of ``decode_context`` and prefills ``prefill_tokens`` tokens whose own context
    averages ``prefill_context`` (position inside their prompt). With speculative decoding each
    sequence verifies ``tokens_per_sequence`` positions per step: more math, same weight and
    KV reads."""
    math_precision, _ = compute_precision(gpu, precision)
    bandwidth = achievable_bandwidth(gpu)
    share = 1.0 / (tp * pp)  # each GPU holds 1/(tp*pp) of the weights and does that share of math
    tokens = decode_tokens * tokens_per_sequence + prefill_tokens

    weights = touched_weight_bytes(model, precision, tokens) * share / bandwidth
    routed_flops = 2.0 * model.moe_layers * model.experts_per_token * model.expert_params * tokens * share
    dense_flops = 2.0 * model.active_params * tokens * share - routed_flops
    rate = achievable_flops(gpu, math_precision)
    linear_compute = dense_flops / rate + routed_flops / (rate * C.MOE_GEMM_FRACTION)

    kv_per_seq = kv_bytes_per_sequence(model, kv_precision, decode_context, tp) / pp
    kv_read = decode_tokens * kv_per_seq / bandwidth
    attn_rate = attention_flops_rate(gpu)
    decode_attn_flops = (
        decode_tokens * tokens_per_sequence * attended_context(model, decode_context) * decode_attention_flops_per_ctx(model) * share
    )
    prefill_attn_flops = (
        prefill_tokens * attended_context(model, prefill_context) * prefill_attention_flops_per_pair(model) * share
    )
    communication = allreduce_time(model, gpu, tp, tokens / 1.0, model.layers / pp)
    return Step(
        weights=weights,
        linear_compute=linear_compute,
        kv_read=kv_read,
        decode_attention_compute=decode_attn_flops / attn_rate,
        prefill_attention=prefill_attn_flops / attn_rate,
        communication=communication,
        overhead=C.STEP_OVERHEAD_S + layer_floor(model) / pp,
    )


def prefill_seconds(
    model: Model, gpu: GPU, precision: str, kv_precision: str, tp: int, pp: int, tokens: float
) -> float:
    """Time to prefill one prompt of ``tokens`` tokens alone, in chunks of the step budget,
    through all pipeline stages."""
    if tokens <= 0:
        return 0.0
    chunks = max(1, math.ceil(tokens / C.MAX_TOKENS_PER_STEP))
    chunk = tokens / chunks
    total = 0.0
    for index in range(chunks):
        # Later chunks attend to the earlier ones: average position inside this chunk.
        position = index * chunk + chunk / 2
        step = step_time(model, gpu, precision, kv_precision, tp, pp, 0.0, 0.0, chunk, position)
        total += step.total
    return total * pp + (pp - 1) * C.PIPELINE_HOP_S
