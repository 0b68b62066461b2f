"""Hand-checked figures of the performance model."""

from __future__ import annotations

import pytest

from kickoff_tui.catalog import get_gpu, get_model
from kickoff_tui.sizing import estimate, perf


def test_kv_bytes_llama_3_1_70b_bf16():
    # 2 (K and V) x 80 layers x 8 KV heads x 128 head dim x 2 bytes
    assert perf.kv_bytes_per_token(get_model("llama-3.1-70b"), "bf16") == 327_680


def test_kv_bytes_deepseek_v3_mla_bf16():
    # 61 layers x (512 latent + 64 rope) x 2 bytes
    assert perf.kv_bytes_per_token(get_model("deepseek-v3"), "bf16") == 61 * (512 + 64) * 2 == 70_272


def test_kv_heads_split_then_replicated_across_tp():
    qwen = get_model("qwen3-235b-a22b")  # 4 KV heads
    one = perf.kv_bytes_per_token(qwen, "bf16", tp=1)
    assert perf.kv_bytes_per_token(qwen, "bf16", tp=4) == one / 4
    # TP8 > 4 KV heads: each rank still keeps a whole head, so per-GPU KV stops shrinking
    assert perf.kv_bytes_per_token(qwen, "bf16", tp=8) == one / 4


def test_mla_latent_is_not_split_by_tp():
    ds = get_model("deepseek-v3")
    assert perf.kv_bytes_per_token(ds, "fp8", tp=8) == perf.kv_bytes_per_token(ds, "fp8", tp=1)


def test_sliding_window_layers_cap_kv():
    gemma = get_model("gemma-3-27b")  # 52 of 62 layers windowed at 1,024 tokens
    full = perf.kv_bytes_per_token(gemma, "bf16") * 128_000
    capped = perf.kv_bytes_per_sequence(gemma, "bf16", 128_000)
    assert capped < full / 5
    short = perf.kv_bytes_per_sequence(gemma, "bf16", 512)
    assert short == perf.kv_bytes_per_token(gemma, "bf16") * 512


def test_8b_bf16_fits_one_l4_only_with_a_short_context():
    short = estimate("llama-3.1-8b", "l4", 1, 3000, 500, precision="bf16")
    assert short.fits
    long = estimate("llama-3.1-8b", "l4", 1, 120_000, 2000, precision="bf16", tensor_parallel=1)
    assert not long.fits
    assert "l4" in long.reason


def test_fp8_on_ampere_is_weight_only():
    result = estimate("llama-3.1-8b", "a100-80gb", 1, 1000, 200, precision="fp8")
    assert result.weight_only and result.compute_precision == "bf16"
    assert result.weights_gb_per_gpu == pytest.approx(8.03, abs=0.01)


def test_moe_decode_touches_few_experts_at_batch_one():
    mixtral = get_model("mixtral-8x7b")
    one = perf.touched_weight_bytes(mixtral, "bf16", 1)
    many = perf.touched_weight_bytes(mixtral, "bf16", 512)
    assert one == pytest.approx(mixtral.active_params * 2, rel=0.01)
    assert many == pytest.approx(mixtral.total_params * 2, rel=0.01)


def test_batch_one_decode_is_bandwidth_bound_and_near_roofline():
    result = estimate("llama-3.1-8b", "h100-sxm", 1, 1000, 200, precision="bf16")
    gpu = get_gpu("h100-sxm")
    roofline_ms = 16.06e9 / (gpu.memory_bandwidth_tbs * 1e12) * 1e3  # weights / peak bandwidth
    assert result.bound == "memory"
    assert roofline_ms < result.tpot_ms < 2.5 * roofline_ms


def test_queueing_beyond_kv_capacity_raises_ttft_not_throughput():
    fit = estimate("llama-3.3-70b", "h100-sxm", 2, 5000, 500, precision="fp8", max_throughput=True)
    over = estimate("llama-3.3-70b", "h100-sxm", 2, 5000, 500, precision="fp8",
                    concurrency=fit.concurrency * 2)
    assert over.queued
    assert over.output_tokens_per_s == pytest.approx(fit.output_tokens_per_s, rel=0.01)
    assert over.ttft_ms > 10 * fit.ttft_ms


def test_default_tp_serves_the_most_tokens_of_the_sizes_that_fit():
    # 141 GB of BF16 weights: TP1 cannot hold them. TP2 leaves ~3.9 GB per GPU for KV on the
    # 85.5 GB the driver reports (vLLM's 0.9 of total): at 100 in flight its two replicas hold
    # 11 requests each and the rest queue, while one TP4 replica holds them all.
    chosen = estimate("llama-3.1-70b", "h100-sxm", 4, 1024, 1024, precision="bf16", concurrency=100)
    tp2 = estimate("llama-3.1-70b", "h100-sxm", 4, 1024, 1024, precision="bf16", concurrency=100,
                   tensor_parallel=2)
    tp4 = estimate("llama-3.1-70b", "h100-sxm", 4, 1024, 1024, precision="bf16", concurrency=100,
                   tensor_parallel=4)
    assert tp2.queued and not tp4.queued
    assert chosen.tensor_parallel == 4 and chosen.replicas == 1
    assert chosen.output_tokens_per_s == tp4.output_tokens_per_s > tp2.output_tokens_per_s
    assert "TP2 x2" in chosen.layout_note and "TP4 x1" in chosen.layout_note
    assert tp4.layout_note == ""  # a size given is not second-guessed
    # At high load on a small model, more replicas serve more than one wide replica: the rule
    # is throughput at the load asked for, not "widest".
    many = estimate("llama-3.1-8b", "h100-sxm", 8, 1024, 256, precision="bf16", concurrency=400)
    assert many.tensor_parallel < 8 and many.replicas == 8 // many.tensor_parallel
    wide = estimate("llama-3.1-8b", "h100-sxm", 8, 1024, 256, precision="bf16", concurrency=400,
                    tensor_parallel=8)
    assert many.output_tokens_per_s > wide.output_tokens_per_s
    assert not estimate("llama-3.1-70b", "h100-sxm", 1, 2000, 200, precision="bf16").fits


def test_prompt_heavy_throughput_is_flat_past_its_peak():
    """Long prompts, a few tokens out (classification, reranking): every request's prompt passes
    through the engine's step budget, so past the load that fills every step the throughput
    stays at what full steps drain. It once peaked at 24 in flight and fell 9.5% by 392 while
    the KV cache held every request: prompts at low load were credited with more prefill than
    the steps hold (248.7 tok/s against 224 that full steps allow)."""
    series = [estimate("llama-3.1-8b", "h100-sxm", 8, 8000, 4, precision="fp8", concurrency=c,
                       engine="tensorrt-llm", tensor_parallel=1) for c in (8, 16, 24, 40, 96, 200, 392)]
    assert all(e.fits for e in series)
    # KV holds hundreds of these requests; beyond the point where prompts fill every step the
    # rest wait for a prefill slot (queued), and the TTFT, not the throughput, takes the load.
    assert series[0].kv_cache_tokens > 392 / series[0].replicas * 8004  # per replica
    tps = [e.output_tokens_per_s for e in series]
    peak = max(tps)
    assert min(tps[tps.index(peak):]) >= peak * 0.99
    ttft = [e.ttft_ms for e in series]
    assert ttft == sorted(ttft)


def test_a_lone_request_is_not_slowed_by_its_own_successor():
    """At one request in flight nothing interrupts the decode: TPOT does not depend on how long
    the answer is, and the prompt never waits in a queue."""
    short = estimate("llama-3.1-8b", "h100-sxm", 1, 30_000, 100, precision="bf16", concurrency=1)
    long = estimate("llama-3.1-8b", "h100-sxm", 1, 30_000, 5_000, precision="bf16", concurrency=1)
    assert short.tpot_ms == pytest.approx(long.tpot_ms, rel=0.1)
    # throughput follows the request's whole life: TTFT + OSL x TPOT
    assert short.output_tokens_per_s == pytest.approx(100 / (short.ttft_ms / 1e3 + 100 * short.tpot_ms / 1e3), rel=1e-3)


def test_requests_longer_than_the_context_do_not_fit():
    result = estimate("llama-2-70b", "h100-sxm", 8, 8000, 200)
    assert not result.fits and "4,096-token context" in result.reason


def test_tensor_parallel_must_divide_the_heads():
    result = estimate("llama-3.1-8b", "h100-sxm", 3, 1000, 100, tensor_parallel=3)
    assert not result.fits and "divide" in result.reason
    assert estimate("llama-3.1-8b", "h100-sxm", 4, 1000, 100, tensor_parallel=4).fits
