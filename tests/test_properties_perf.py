"""Property tests of the performance model (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kickoff_tui.catalog import get_gpu, get_model
from kickoff_tui.catalog.schema import BYTES_PER_VALUE
from kickoff_tui.sizing import estimate, perf
from kickoff_tui.sizing.estimate import ServingOptions, estimate_for

CASES = [
    ("llama-3.1-8b", "h100-sxm", "fp8"),
    ("llama-3.1-70b", "h200-sxm", "fp8"),
    ("llama-3.1-70b", "a100-80gb", "bf16"),
    ("mixtral-8x7b", "h100-sxm", "bf16"),
    ("deepseek-v3", "h200-sxm", "fp8"),
    ("gemma-3-27b", "l40s", "fp8"),
    ("qwen3-30b-a3b", "mi300x", "bf16"),
    ("gpt-oss-120b", "b200", "fp4"),
]
case = st.sampled_from(CASES)
CLOSED_LOOP_TPOT_SLACK = 0.01
tokens = st.integers(min_value=16, max_value=16_000)
ROUNDED_TPS = 0.01
ROUNDED_MS = 0.001
"""An Estimate rounds tokens/s to 0.01 and latencies to 0.001 ms: two nearly equal figures can
land one step apart (6145.52 -> 6145.51 tok/s for a 2e-6 change)."""

def smallest_tp(model_id: str, gpu_id: str, precision: str, context: int, engine: str | None = None) -> int | None:
    """The smallest tensor-parallel size that holds the model and one request on 8 GPUs (None
    where none does): the layout the monotonicity properties hold fixed while the load moves."""
    from kickoff_tui.catalog.engines import engine_for
    from kickoff_tui.sizing.estimate import smallest_layout

    model, gpu = get_model(model_id), get_gpu(gpu_id)
    profile = engine_for(engine, gpu.vendor)[0]
    kv = perf.default_kv_precision(gpu, precision, model, profile)
    layout = smallest_layout(model, gpu, precision, kv, 8, context, ServingOptions(engine=engine), profile)
    return layout.tp if layout is not None and layout.pp == 1 else None


SETTINGS = settings(max_examples=int(__import__("os").environ.get("KICKOFF_HYP_EXAMPLES", 60)), deadline=None)


@SETTINGS
@given(case, tokens, tokens, st.integers(1, 300), st.integers(1, 300))
def test_more_concurrency_never_lowers_tpot(c, isl, osl, a, b):
    model, gpu, precision = c
    lo, hi = sorted((a, b))
    tp = smallest_tp(model, gpu, precision, isl + osl)  # one layout for both loads
    first = estimate(model, gpu, 8, isl, osl, precision=precision, concurrency=lo, tensor_parallel=tp)
    second = estimate(model, gpu, 8, isl, osl, precision=precision, concurrency=hi, tensor_parallel=tp)
    if first.fits:
        assert second.tpot_ms >= first.tpot_ms - ROUNDED_MS


@SETTINGS
@given(case, tokens, tokens, st.integers(1, 32), st.integers(1, 32), st.booleans())
def test_more_gpus_never_lower_throughput(c, isl, osl, a, b, saturate):
    model, gpu, precision = c
    few, many = sorted((a, b))
    kwargs = dict(precision=precision, max_throughput=True) if saturate else dict(precision=precision, concurrency=64)
    small = estimate(model, gpu, few, isl, osl, **kwargs)
    large = estimate(model, gpu, many, isl, osl, **kwargs)
    if small.fits:
        assert large.fits
        assert large.output_tokens_per_s >= small.output_tokens_per_s * (1 - 1e-9) - ROUNDED_TPS


@SETTINGS
@given(case, tokens, tokens, st.integers(1, 512), st.floats(1.05, 3.0))
def test_more_bandwidth_never_slows_decode(c, isl, osl, batch, factor):
    model_id, gpu_id, precision = c
    model, gpu = get_model(model_id), get_gpu(gpu_id)
    faster = gpu.model_copy(update={
        "memory_bandwidth_tbs": gpu.memory_bandwidth_tbs * factor,
        "measured_bandwidth_tbs": gpu.measured_bandwidth_tbs * factor if gpu.measured_bandwidth_tbs else None,
    })
    kv = perf.default_kv_precision(gpu, precision)
    slow = perf.step_time(model, gpu, precision, kv, 8, 1, batch, isl + osl / 2).total
    fast = perf.step_time(model, faster, precision, kv, 8, 1, batch, isl + osl / 2).total
    assert fast <= slow
    options = ServingOptions()
    a = estimate_for(model, gpu, 8, isl, osl, precision, None, None, batch, False, options)
    b = estimate_for(model, faster, 8, isl, osl, precision, None, None, batch, False, options)
    if a.fits:
        # At a fixed number of requests in the system, a faster part serves more of them per
        # second; its shorter TTFT moves a few more into decoding at once, so TPOT may creep up
        # by that larger batch (a closed-loop effect, well under a percent), never by more.
        assert b.output_tokens_per_s >= a.output_tokens_per_s * (1 - 1e-9) - ROUNDED_TPS
        assert b.tpot_ms <= a.tpot_ms * (1 + CLOSED_LOOP_TPOT_SLACK) + ROUNDED_MS


@SETTINGS
@given(case, tokens, tokens, st.integers(1, 64), st.one_of(st.none(), st.integers(1, 2000)))
def test_never_above_the_roofline(c, isl, osl, gpus, concurrency):
    """Throughput can never beat a pure roofline: every step must at least read the weights it
    touches at PEAK bandwidth and do its FLOPs at PEAK dense throughput, with zero overhead."""
    model_id, gpu_id, precision = c
    model, gpu = get_model(model_id), get_gpu(gpu_id)
    result = estimate(model_id, gpu_id, gpus, isl, osl, precision=precision,
                      concurrency=concurrency, max_throughput=concurrency is None)
    if not result.fits:
        return
    tp, pp, replicas = result.tensor_parallel, result.pipeline_parallel, result.replicas
    running = result.running_per_replica
    peak_bw = gpu.memory_bandwidth_tbs * 1e12
    math_precision, _ = perf.compute_precision(gpu, precision)
    peak_flops = gpu.dense_tflops[math_precision] * 1e12
    # per output token of one sequence, the replica must at least process 1 + ISL/OSL tokens
    tokens_per_step = running * (1 + isl / osl)
    weights = perf.touched_weight_bytes(model, precision, running) / (tp * pp)
    flops = 2 * model.active_params * tokens_per_step / (tp * pp)
    step_floor = max(weights / peak_bw, flops / peak_flops) * pp
    roofline_tps = running / step_floor * replicas
    assert result.output_tokens_per_s <= roofline_tps * (1 + 1e-9)
    assert result.tpot_ms / 1e3 >= max(weights / peak_bw, 0) * pp * (1 - 1e-9)
    assert BYTES_PER_VALUE[precision] > 0


FLAT_WAVE = 2e-2
"""Relative dip of a flat (compute-bound) throughput that the monotonicity property allows.
Largest found by a sweep (8 GPUs at the smallest TP, prompts 16-16,000, answers 16-4,000,
1-400 in flight, every engine; 2026-12-02): 1.6%, Qwen3 30B-A3B on MI300X, 8,000-token
prompts, 16-token answers, SGLang ROCm, 24 -> 256 in flight, where every step is a full
prefill budget and the decodes that share it slow it a little. The serving-model fault this
guards against, prompts credited with more prefill than the steps hold, showed dips of 6-11%
on the same sweep (tests/test_perf.py::test_prompt_heavy_throughput_is_flat_past_its_peak).
A random hunt (KICKOFF_HYP_RANDOM=1) also found 0.2% at 3,107/16 on H100 (the arrival
theorem's share of the others' prompts tending to one) and 1.1e-4 from measured curves' waves."""

ENGINES = st.sampled_from(["vllm", "sglang", "tensorrt-llm", "generic"])


@SETTINGS
@given(case, tokens, tokens, st.integers(1, 400), st.integers(1, 400), ENGINES)
def test_more_concurrency_never_lowers_throughput_while_kv_has_room(c, isl, osl, a, b, engine):
    """Closed loop, fixed concurrency: while the KV cache holds every request, more requests in
    flight never lower throughput (and never lower TTFT or TPOT), for every engine profile."""
    model, gpu, precision = c
    if get_gpu(gpu).vendor == "AMD":
        engine = {"vllm": "vllm-rocm", "sglang": "sglang-rocm", "tensorrt-llm": "atom"}.get(engine, engine)
    lo, hi = sorted((a, b))
    # One layout for both loads (with none given, estimate picks the size serving the most at
    # each load, so its throughput can only rise more; the latencies are a layout's property).
    tp = smallest_tp(model, gpu, precision, isl + osl, engine)
    first = estimate(model, gpu, 8, isl, osl, precision=precision, concurrency=lo, engine=engine,
                     tensor_parallel=tp)
    second = estimate(model, gpu, 8, isl, osl, precision=precision, concurrency=hi, engine=engine,
                      tensor_parallel=tp)
    if first.fits and not second.queued:
        # Where the steps are compute bound the throughput is flat, and the measured kernel
        # curves make it wave by up to ~1e-5 of itself (on H100 the measured all-reduce time
        # grows slightly faster than the message beyond a few MB): no drop that any figure shows.
        assert second.output_tokens_per_s >= first.output_tokens_per_s * (1 - FLAT_WAVE)
        assert second.tpot_ms >= first.tpot_ms - ROUNDED_MS
        assert second.ttft_ms >= first.ttft_ms * (1 - 1e-6) - ROUNDED_MS
        assert first.ttft_ms_low <= first.ttft_ms <= first.ttft_ms_high
        assert first.output_tokens_per_s_low <= first.output_tokens_per_s <= first.output_tokens_per_s_high
