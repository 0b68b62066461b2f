"""TTFT physics: the engine's fixed costs, MoE prefill, expert-slice GEMM efficiency, DP balance.

Each test pins a piece of physics to a public measurement or to a direction physics dictates,
so that re-inflating a per-request constant or dropping a term makes it fail.
"""

from __future__ import annotations

import pytest

from kickoff_tui.catalog import get_gpu, get_model
from kickoff_tui.catalog.engines import get_engine
from kickoff_tui.sizing import perf
from kickoff_tui.sizing.batch import BatchRow
from kickoff_tui.sizing.estimate import (
    Layout,
    ServingOptions,
    _Ctx,
    dp_balance_wait,
    estimate,
    evaluate,
)

NIM_TTFT_500_MS = 47.8
"""NVIDIA NIM benchmarking docs (NIM 1.8.0): Llama 3.3 70B FP8 on 2x H100 (TP2), 500 input /
2,000 output tokens, one request in flight: TTFT 47.8 ms."""
NIM_TTFT_5000_MS = 406.77
"""Same page, 5,000 input / 500 output tokens, one request in flight: TTFT 406.77 ms."""


def _nim(isl: int, osl: int) -> float:
    e = estimate("llama-3.3-70b", "h100-sxm", 2, isl, osl, precision="fp8", tensor_parallel=2,
                 concurrency=1, engine="tensorrt-llm")
    assert e.fits and e.ttft_ms is not None
    return e.ttft_ms


def test_dense_low_load_ttft_is_near_the_nim_measurement():
    """A dense model at one request in flight pays kernel time plus an HTTP / tokeniser path of
    tens of ms, not the 100+ ms a MoE prefill adds: within 1.6x of NIM's 47.8 ms (it was 3.2x when
    the per-request constant also carried DeepSeek's MoE prefill cost)."""
    ttft = _nim(500, 2000)
    assert NIM_TTFT_500_MS / 1.6 < ttft < NIM_TTFT_500_MS * 1.6


def test_dense_long_prompt_ttft_is_near_the_nim_measurement():
    ttft = _nim(5000, 500)
    assert NIM_TTFT_5000_MS / 1.25 < ttft < NIM_TTFT_5000_MS * 1.25


def test_request_overhead_is_an_http_path_not_a_prefill():
    """Every engine's fixed per-request cost is tens of milliseconds (HTTP, tokeniser,
    detokeniser); the MoE prefill cost lives in its own per-layer figure."""
    for engine_id in ("vllm", "sglang", "tensorrt-llm", "vllm-rocm", "sglang-rocm", "atom", "generic"):
        engine = get_engine(engine_id)
        assert 0.005 <= engine.request_overhead_s <= 0.06, engine_id
        assert engine.sources["moe_prefill_layer_s"]


def test_moe_fixed_prefill_cost_is_zero_for_dense_and_scales_with_moe_layers():
    engine = get_engine("tensorrt-llm")
    dense, moe = get_model("llama-3.1-70b"), get_model("deepseek-r1")
    assert perf.moe_prefill_fixed_seconds(dense, engine) == 0.0
    assert perf.moe_prefill_fixed_seconds(moe, engine) == pytest.approx(moe.moe_layers * engine.moe_prefill_layer_s)
    assert perf.request_fixed_seconds(moe, engine) > perf.request_fixed_seconds(dense, engine)


def test_moe_prefill_is_slower_than_a_dense_model_with_more_active_parameters():
    """DeepSeek-R1 (37.6B active) against Llama 3.1 70B (70.6B active), 1K-token prompt on 8x H200:
    the MoE prompt touches every expert (all 671B weights are read) and pays the eager,
    host-synchronised MoE prefill, so it reaches its first token later although it does about
    half the math per token."""
    gpu, sglang = get_gpu("h200-sxm"), get_engine("sglang")
    moe, dense = get_model("deepseek-r1"), get_model("llama-3.1-70b")
    assert moe.active_params < dense.active_params
    kernel_moe = perf.prefill_seconds(moe, gpu, "fp8", "fp8", 8, 1, 1024, engine=sglang, ep=8)
    kernel_dense = perf.prefill_seconds(dense, gpu, "fp8", "fp8", 8, 1, 1024, engine=sglang)
    assert kernel_moe > kernel_dense
    ttft = {m: estimate(m, "h200-sxm", 8, 1024, 1024, precision="fp8", tensor_parallel=8, concurrency=1,
                        engine="sglang").ttft_ms for m in ("deepseek-r1", "llama-3.1-70b")}
    assert ttft["deepseek-r1"] > 2 * ttft["llama-3.1-70b"]


def _ctx(engine_id: str, dp: int) -> _Ctx:
    model, gpu = get_model("deepseek-r1"), get_gpu("b200")
    return _Ctx(model, gpu, "fp4", "fp8", Layout(8, 1, ep=8, dp=dp), 1024, 1024, ServingOptions(),
                get_engine(engine_id))


def test_dp_balance_hold_follows_arrivals_and_is_capped_by_the_timeout():
    ctx = _ctx("tensorrt-llm", 8)
    steps = ctx.engine.dp_balance_timeout_steps
    assert steps > 0
    assert dp_balance_wait(ctx, rate=10.0, step_s=0.02) == pytest.approx(7 / 20)
    assert dp_balance_wait(ctx, rate=0.1, step_s=0.02) == pytest.approx(steps * 0.02)
    assert dp_balance_wait(_ctx("tensorrt-llm", 1), rate=10.0, step_s=0.02) == 0.0
    assert dp_balance_wait(_ctx("sglang", 8), rate=10.0, step_s=0.02) == 0.0


def test_dp_attention_balance_raises_ttft_under_load():
    """InferenceX, TensorRT-LLM with attention DP on 8x B200 at 128 in flight, 1K/1K: TTFT
    ~0.7 s against ~0.1 s without DP attention; the balance hold is most of the difference."""
    balanced = evaluate(_ctx("tensorrt-llm", 8), 96.0)
    unbalanced_engine = get_engine("tensorrt-llm").model_copy(update={"dp_balance_timeout_steps": 0})
    ctx = _ctx("tensorrt-llm", 8)
    plain = evaluate(_Ctx(ctx.model, ctx.gpu, ctx.precision, ctx.kv_precision, ctx.layout, ctx.isl, ctx.osl,
                          ctx.options, unbalanced_engine), 96.0)
    assert balanced.ttft_s > plain.ttft_s + 0.2
    assert balanced.ttft_at("p99") > balanced.ttft_at("p50")


@pytest.mark.parametrize(("cell", "expected"), [("1", False), ("8", True), ("4", True), ("true", True),
                                                ("false", False), ("", None)])
def test_batch_expert_parallel_is_a_size(cell, expected):
    """The InferenceX export writes the expert-parallel size: 1 means experts split by TP."""
    row = BatchRow.from_csv({"model": "deepseek-r1", "gpu": "b200", "gpus": "8", "input_tokens": "1024",
                             "output_tokens": "1024", "expert_parallel": cell}, 2)
    assert row.expert_parallel is expected


SGLANG_B200_TTFT_MS = {1: 157.4, 64: 545.4}
"""InferenceX nightly benchmark (SemiAnalysis): DeepSeek-R1 FP8 on 8x B200 (TP8) with SGLang,
1K/1K, median TTFT at 1 and 64 requests in flight (TPOT 7.2 and 21.8 ms)."""
TRT_B200_TTFT_MS = {4: 163.6, 16: 162.7}
"""Same benchmark, TensorRT-LLM (TP8, EP8, FP8): the median TTFT does not grow with load."""


def test_first_token_lag_is_counted_in_decode_steps_of_moe_models():
    sglang, trt = get_engine("sglang"), get_engine("tensorrt-llm")
    moe, dense = get_model("deepseek-r1"), get_model("llama-3.1-70b")
    assert sglang.first_token_steps > 5 and sglang.sources["first_token_steps"]
    assert perf.first_token_lag_seconds(sglang, 0.02, moe) == pytest.approx(sglang.first_token_steps * 0.02)
    assert perf.first_token_lag_seconds(sglang, 0.04, moe) == pytest.approx(2 * perf.first_token_lag_seconds(sglang, 0.02, moe))
    assert perf.first_token_lag_seconds(sglang, 0.02, dense) == 0.0
    assert perf.first_token_lag_seconds(trt, 0.02, moe) == pytest.approx(trt.first_token_steps * 0.02)


def _b200_ttft(engine: str, concurrency: int, ep: bool = False) -> float:
    e = estimate("deepseek-r1", "b200", 8, 1024, 1024, precision="fp8", tensor_parallel=8,
                 concurrency=concurrency, engine=engine, expert_parallel=ep)
    assert e.fits and e.ttft_ms is not None
    return e.ttft_ms


def test_sglang_moe_ttft_grows_with_load_and_tensorrt_llm_does_not():
    """SGLang's measured TTFT on B200 grows 3.5x from 1 to 64 in flight while TensorRT-LLM's stays
    flat: the first-token lag in decode steps lengthens with the batch; a fixed cost would not.
    Before the lag was modelled SGLang's predicted TTFT grew 6% (210 -> 222 ms)."""
    growth = _b200_ttft("sglang", 64) / _b200_ttft("sglang", 1)
    measured = SGLANG_B200_TTFT_MS[64] / SGLANG_B200_TTFT_MS[1]
    assert measured / 1.5 < growth < measured * 1.5
    for c, ms in SGLANG_B200_TTFT_MS.items():
        assert ms / 1.35 < _b200_ttft("sglang", c) < ms * 1.35
    trt = _b200_ttft("tensorrt-llm", 16, ep=True) / _b200_ttft("tensorrt-llm", 4, ep=True)
    assert trt < 1.15


def test_first_token_lag_adds_to_ttft_but_keeps_the_request_decoding():
    """The lag's steps are the request's own first decode steps: at the same number decoding, a
    lag raises TTFT by lag steps x TPOT and leaves throughput and requests in the system alone
    (throughput must not fall because the first token is streamed late)."""
    ctx = _ctx("sglang", 1)
    plain_engine = ctx.engine.model_copy(update={"first_token_steps": 0.0})
    plain = evaluate(_Ctx(ctx.model, ctx.gpu, ctx.precision, ctx.kv_precision, ctx.layout, ctx.isl, ctx.osl,
                          ctx.options, plain_engine), 32.0)
    lagged = evaluate(ctx, 32.0)
    assert lagged.ttft_s - plain.ttft_s == pytest.approx(ctx.engine.first_token_steps * lagged.tpot_s, rel=1e-4)
    assert lagged.tokens_per_s == pytest.approx(plain.tokens_per_s, rel=1e-4)
    assert lagged.in_system == pytest.approx(plain.in_system, rel=1e-4)
    assert lagged.ttft_at("p99") - plain.ttft_at("p99") == pytest.approx(lagged.ttft_s - plain.ttft_s, rel=1e-4)


AMD_STATIC_70B_2048_B128_S = 52.394
"""AMD ROCm docs, vLLM inference performance testing (rocm/vllm-dev, vLLM 0.10.0, ROCm 6.4.1):
Llama 3.1 70B FP8 on 8x MI300X (TP8), benchmark_latency with 2,048 input / 2,048 output tokens
and a batch of 128: 52.394 s for the whole batch."""


def _static_70b(batch: int):
    e = estimate("llama-3.1-70b", "mi300x", 8, 2048, 2048, precision="fp8", tensor_parallel=8,
                 concurrency=batch, engine="vllm-rocm",
                 options=ServingOptions(continuous_batching=False))
    assert e.fits and e.requests_per_s and e.tpot_ms
    return e, e.concurrency / e.requests_per_s


def test_a_static_batch_prefills_its_prompts_side_by_side_not_as_one_long_prompt():
    """A static batch of 128 prompts of 2,048 tokens: each token attends to its own prompt. The
    batch's prefill (its life less its decode steps) costs about what the 128 prompts cost one by
    one, not what one 262,144-token prompt would (its attention grows with the square of the
    length: it was 41 s of the 45 s predicted, and the whole batch 38% over AMD's 52.4 s)."""
    e, life = _static_70b(128)
    prefill = life - 2048 * e.tpot_ms / 1e3
    one = perf.prefill_seconds(get_model("llama-3.1-70b"), get_gpu("mi300x"), "fp8", "fp8", 8, 1, 2048,
                               engine=get_engine("vllm-rocm"))
    assert prefill <= 128 * one * 1.05
    assert abs(life / AMD_STATIC_70B_2048_B128_S - 1) <= 0.25


def test_batched_prefill_of_one_prompt_is_the_prompt_alone():
    k = dict(engine=get_engine("vllm-rocm"))
    args = (get_model("llama-3.1-70b"), get_gpu("mi300x"), "fp8", "fp8", 8, 1, 20_000)
    assert perf.prefill_seconds(*args, **k, prompts=1) == perf.prefill_seconds(*args, **k)


def test_the_sized_ttft_says_how_much_of_it_is_the_engines_first_token_lag():
    """SGLang's calibrated first-token lag is most of a MoE TTFT: the spec's TTFT explanation
    names it, in ms at the design load (lag steps x the design TPOT); a dense model or an engine
    without a lag says nothing of it."""
    from kickoff_tui.sizing import SizingInputs, size

    base = dict(model="deepseek-r1", gpu="h200-sxm", peak_concurrency=64, avg_input_tokens=1000,
                avg_output_tokens=500, max_context_tokens=8192, ttft_target_ms=3000, tpot_target_ms=80)
    spec = size(SizingInputs(**base, serving_engine="sglang"))
    steps = get_engine("sglang").first_token_steps
    assert spec.feasible and steps > 0
    why = spec.why["ttft_ms"]
    assert f"SGLang (CUDA)'s first-token lag ({steps:g} decode steps" in why
    assert f"includes {steps * spec.tpot_ms:.0f} ms of" in why
    for other in (dict(base, serving_engine="tensorrt-llm"), dict(base, model="llama-3.3-70b", serving_engine="sglang")):
        assert "first-token lag" not in size(SizingInputs(**other)).why["ttft_ms"]


def test_estimate_reports_the_first_token_lag_it_adds(capsys):
    """``first_token_lag_ms`` is the lag part of ``ttft_ms`` (steps x TPOT) and the estimate card
    says so in a line; zero and no line for TensorRT-LLM (no lag) or a dense model."""
    import json

    from kickoff_tui.cli import main

    args = ["estimate", "--model", "deepseek-r1", "--gpu", "b200", "--gpus", "8", "--input-tokens", "1024",
            "--output-tokens", "1024", "--concurrency", "64"]
    assert main([*args, "--engine", "sglang", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    steps = get_engine("sglang").first_token_steps
    assert r["first_token_lag_ms"] == pytest.approx(steps * r["tpot_ms"], rel=1e-3)
    assert 0 < r["first_token_lag_ms"] < r["ttft_ms"]
    assert main([*args, "--engine", "sglang"]) == 0
    assert f"TTFT includes {r['first_token_lag_ms']:,.0f} ms of sglang's first-token" in " ".join(capsys.readouterr().out.split())
    assert main([*args, "--engine", "tensorrt-llm", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["first_token_lag_ms"] == 0
    assert main([*args, "--engine", "tensorrt-llm"]) == 0
    assert "first-token lag" not in capsys.readouterr().out
