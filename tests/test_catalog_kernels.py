"""Measured kernel curves distilled from aiconfigurator-core: data, physics and lookups."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from kickoff_tui.catalog import get_gpu, gpus
from kickoff_tui.catalog import kernels as k

NVIDIA_MEASURED = ("h100-sxm", "h200-sxm", "b200", "b300", "gb200", "gb300", "a100-80gb", "l40s")
ENGINES = ("tensorrt-llm", "sglang", "vllm")
DATA = Path(k.__file__).parent / "data" / "kernels"


@pytest.fixture(autouse=True)
def _fresh_cache():
    k.clear_cache()
    yield
    k.clear_cache()


def shipped_files():
    for gpu_id in k.measured_gpus():
        for part in ("", "moe"):
            data = k._file(gpu_id, part)
            if data is not None:
                yield gpu_id, part, data


def all_rows():
    for gpu_id, _, data in shipped_files():
        for curve in data.curve:
            for series, row in curve.rows():
                yield gpu_id, curve, series, row


# ------------------------------------------------------------------------------ the data
def test_every_shipped_file_loads_and_names_a_catalog_gpu():
    catalog = {g.id for g in gpus()}
    assert set(k.measured_gpus()) == set(NVIDIA_MEASURED)
    for gpu_id, part, data in shipped_files():
        assert data.gpu == gpu_id and gpu_id in catalog
        assert data.source_package == "aiconfigurator-core 0.12.0"
        assert data.licence == "Apache-2.0"
        assert data.curve, gpu_id
        kinds = {c.kind for c in data.curve}
        for c in data.curve:
            assert c.source.startswith("aiconfigurator-core 0.12.0, systems/data/")
            by = "by_inter" if c.inter else None
            key = "_".join(p for p in (c.kind, c.attention, c.library, c.experts, by) if p)
            assert key in data.method, (gpu_id, key)
            assert c.kind in data.units
            assert (k.PARTS.get(c.kind, "") == part), (gpu_id, c.kind, part)
        if not part:
            assert {"gemm", "context_attention", "generation_attention", "allreduce"} <= kinds, gpu_id
        else:
            assert kinds <= {"moe_gemm", "moe_alltoall"}
    assert (DATA / "NOTICE").read_text().count("Apache License, Version 2.0") == 1


def test_every_measured_gpu_has_all_three_engines_for_gemm_and_attention():
    for gpu_id in NVIDIA_MEASURED:
        assert k.measured_engines(gpu_id) == ENGINES, gpu_id
        for engine in ENGINES:
            assert k.gemm_tflops(gpu_id, engine, "bf16", 1024) is not None, (gpu_id, engine)
            assert k.generation_attention_bandwidth(gpu_id, engine, 16, 4096) is not None


def test_dense_lookups_never_read_the_moe_file(monkeypatch):
    read = []
    real = k.load_file
    monkeypatch.setattr(k, "load_file", lambda text, name: read.append(name) or real(text, name))
    k.gemm_tflops("b200", "vllm", "fp8", 64)
    k.generation_attention_bandwidth("b200", "vllm", 8, 2048)
    k.allreduce_seconds("b200", "vllm", 8, 1e6)
    assert read == ["b200.toml"]
    k.moe_gemm_tflops("b200", "vllm", "fp8", 64)
    assert read == ["b200.toml", "b200.moe.toml"]


def test_kernel_data_stays_small():
    total = sum(p.stat().st_size for p in DATA.glob("*.toml"))
    assert total < 1_500_000


def test_no_rate_beats_the_datasheet_peak():
    # A measured GEMM rate above the dense tensor-core peak would mean a unit or FLOP-count error.
    peak_key = {"bf16": "bf16", "fp8": "fp8", "fp8_block": "fp8", "fp4": "fp4", "int8": "int8"}
    for gpu_id, curve, _, row in all_rows():
        if curve.kind != "gemm" or curve.precision not in peak_key:
            continue
        peak = get_gpu(gpu_id).dense_tflops.get(peak_key[curve.precision])
        if peak:
            assert max(row.y) <= peak * 1.02, (gpu_id, curve.engine, curve.precision)


def test_decode_attention_reads_at_most_a_little_over_hbm_bandwidth():
    # Small KV working sets hit L2 (L40S has 96 MB), so allow headroom, but not an order of
    # magnitude: bytes are counted per GPU, not per model.
    for gpu_id, curve, _, row in all_rows():
        if curve.kind == "generation_attention":
            hbm = get_gpu(gpu_id).memory_bandwidth_tbs * 1000
            assert max(row.y) <= hbm * 1.6, (gpu_id, curve.engine, curve.attention)


# ------------------------------------------------------------------------------- physics
def test_gemm_rate_grows_with_tokens_until_it_saturates():
    # Below ~1K tokens a projection GEMM is weight-read bound: the rate grows about linearly with
    # tokens. Kernel switches (e.g. DeepGEMM tile changes) cause dips of up to ~17% in the data.
    for gpu_id, curve, _, row in all_rows():
        if curve.kind != "gemm":
            continue
        ys = [y for x, y in zip(row.x, row.y, strict=True) if x <= 1024]
        for a, b in itertools.pairwise(ys):
            assert b >= 0.8 * a, (gpu_id, curve.engine, curve.precision)
        assert row.at(1024) >= 50 * row.at(1), (gpu_id, curve.engine, curve.precision)
        assert row.x[row.y.index(max(row.y))] >= 256, (gpu_id, curve.engine, curve.precision)


def test_collective_time_never_falls_as_the_message_grows():
    for gpu_id, curve, series, row in all_rows():
        if curve.kind in ("allreduce", "alltoall", "moe_alltoall"):
            assert list(row.y) == sorted(row.y), (gpu_id, curve.engine, series)


def test_moe_rate_never_falls_with_more_tokens_per_expert():
    for gpu_id, curve, _, row in all_rows():
        if curve.kind == "moe_gemm":
            assert list(row.y) == sorted(row.y), (gpu_id, curve.engine, curve.precision)


def test_prefill_attention_rate_grows_with_sequence_length():
    for gpu_id, curve, batch, row in all_rows():
        if curve.kind != "context_attention":
            continue
        ys = [y for x, y in zip(row.x, row.y, strict=True) if x <= 4096]
        for a, b in itertools.pairwise(ys):
            assert b >= 0.75 * a, (gpu_id, curve.engine, curve.attention, batch)
        if row.x[-1] >= 2048:  # big batches were only measured at short sequences
            assert row.at(2048) > 1.5 * row.y[0], (gpu_id, curve.engine, curve.attention, batch)


def test_allreduce_grows_with_group_size_at_large_messages():
    # Ring / tree all-reduce moves 2 (n - 1) / n of the message: more GPUs, more time (NCCL).
    for gpu_id in NVIDIA_MEASURED:
        sizes = [n for n in (2, 4, 8) if k.allreduce_seconds(gpu_id, "generic", n, 256e6) is not None]
        times = [k.allreduce_seconds(gpu_id, "generic", n, 256e6) for n in sizes]
        assert len(sizes) >= 2, gpu_id
        assert times[-1] >= times[0], gpu_id


# ------------------------------------------------------------------- spot values (raw DB)
def test_h100_fp8_gemm_at_4096_tokens_matches_the_raw_measurement():
    # systems/data/h100_sxm/gemm/trtllm/1.3.0rc20/gemm_perf.parquet, fp8, m=4096 n=8192 k=8192:
    # latency 0.4466 ms -> 2*4096*8192*8192 / 0.4466e-3 = 1231 TFLOP/s. The curve aggregates 64
    # shapes (4096 <= n, k <= 16384) and lands within 5% of this representative one.
    assert k.gemm_tflops("h100-sxm", "tensorrt-llm", "fp8", 4096) == pytest.approx(1231, rel=0.05)


def test_h100_bf16_gemm_at_one_token_is_weight_read_bound():
    # Same table, bfloat16, m=1 n=8192 k=8192: 0.04918 ms -> 2.73 TFLOP/s, i.e. 134 MB of weights
    # read at 2.73 TB/s (82% of the 3.35 TB/s HBM3). Within 5%.
    assert k.gemm_tflops("h100-sxm", "tensorrt-llm", "bf16", 1) == pytest.approx(2.73, rel=0.05)
    share = k.gemm_tflops("h100-sxm", "tensorrt-llm", "bf16", 1) / get_gpu("h100-sxm").dense_tflops["bf16"]
    assert share < 0.01


def test_b200_trtllm_custom_allreduce_matches_the_raw_measurement():
    # systems/data/b200_sxm/comm/trtllm/1.3.0rc20/custom_allreduce_perf.parquet, 8 GPUs:
    # 8192 elements (16 KiB bf16) 0.005933 ms; 8388608 elements (16 MiB) 0.08476 ms.
    t_small = k.allreduce_seconds("b200", "tensorrt-llm", 8, 16 * 1024, library="custom")
    t_big = k.allreduce_seconds("b200", "tensorrt-llm", 8, 16 * 1024**2, library="custom")
    assert t_small == pytest.approx(5.93e-6, rel=0.05)
    assert t_big == pytest.approx(84.8e-6, rel=0.05)


def test_gb300_trtllm_allreduce_spans_trays_over_nvlink():
    # systems/data/gb300/comm/trtllm/1.3.0rc20/custom_allreduce_perf.parquet: 16 GPUs (four trays
    # of the NVL72 domain), TRTLLM_MNNVL_twoshot, 8388608 elements (16 MiB bf16): 0.070486 ms;
    # TRTLLM_MNNVL_oneshot at 8192 elements (16 KiB): 0.005020 ms.
    assert k.allreduce_seconds("gb300", "tensorrt-llm", 16, 16 * 1024**2) == pytest.approx(70.5e-6, rel=0.05)
    assert k.allreduce_seconds("gb300", "tensorrt-llm", 16, 16 * 1024) == pytest.approx(5.02e-6, rel=0.05)
    assert k.allreduce_seconds("gb300", "vllm", 16, 16 * 1024) is None  # vLLM 0.24.0: 2 and 4 only


def test_h100_deepep_dispatch_matches_the_raw_measurement():
    # systems/data/h100_sxm/comm/trtllm/1.3.0rc11/moe_a2a_perf.parquet, trtllm_deepep_ht dispatch,
    # bfloat16, EP 8, hidden 7168, top-8 of 256 experts, 4096 tokens per GPU: 813.2 us.
    t = k.moe_alltoall_seconds("h100-sxm", "tensorrt-llm", 8, 4096, mode="ht", precision="bf16")
    assert t == pytest.approx(813.2e-6, rel=0.05)


def test_h200_vllm_decode_attention_bandwidth_is_close_to_a_raw_row():
    # systems/data/h200_sxm/attention/vllm/0.24.0/generation_attention_perf.parquet: batch 64,
    # step 4095, 32 query / 4 KV heads, head_dim 128, bf16 KV: 0.1363 ms for 64*4096*4*128*2*2
    # bytes = 3.94 TB/s. The curve sums all GQA shapes and lands within 10%.
    bw = k.generation_attention_bandwidth("h200-sxm", "vllm", 64, 4096)
    assert bw == pytest.approx(3.94e12, rel=0.10)


def test_h100_trtllm_decode_attention_follows_the_served_gqa_shapes():
    # systems/data/h100_sxm/attention/trtllm/1.3.0rc20/generation_attention_perf.parquet: batch
    # 64, step 1023, head_dim 128, FP8 KV: 32 query / 8 KV heads (Llama 3.1 8B at TP1) 2.40 TB/s,
    # 64 / 8 2.29 TB/s, 16 / 2 1.42 TB/s; the 64 / 1 and 128 / 1 shapes (no served model) 0.03-
    # 0.05 TB/s. Summed with those, the curve read 0.48 TB/s, a third of vLLM's.
    trt = k.generation_attention_bandwidth("h100-sxm", "tensorrt-llm", 64, 1024, kv_precision="fp8")
    vllm = k.generation_attention_bandwidth("h100-sxm", "vllm", 64, 1024, kv_precision="fp8")
    assert 1.4e12 < trt < 2.4e12
    assert trt > vllm


# ------------------------------------------------------------------------------- lookups
def test_unknown_gpu_engine_or_precision_returns_none():
    assert k.gemm_tflops("mi300x", "vllm", "fp8", 256) is None  # AMD: not in NVIDIA's database
    assert k.gemm_tflops("mi325x", "vllm-rocm", "fp8", 256) is None
    assert k.gemm_tflops("no-such-gpu", "vllm", "fp8", 256) is None
    assert k.gemm_tflops("h100-sxm", "vllm-rocm", "fp8", 256) is None  # ROCm build on NVIDIA
    assert k.gemm_tflops("h100-sxm", "atom", "bf16", 256) is None
    assert k.gemm_tflops("h100-sxm", "vllm", "fp4", 256) is None  # Hopper has no FP4 GEMM
    assert k.allreduce_seconds("gb200", "vllm", 8, 1e6) is None  # tray of 4: 8 not measured
    assert k.measured_engines("mi300x") == ()
    assert k.curve_source("mi300x", "gemm") is None
    assert k.curve_source("h100-sxm", "no-such-kind") is None


def test_bad_numbers_return_none_not_an_error():
    for bad in (0, -5, math.nan, math.inf):
        assert k.gemm_tflops("h100-sxm", "vllm", "bf16", bad) is None
        assert k.allreduce_seconds("h100-sxm", "vllm", 8, -1 if bad == 0 else bad) is None
    assert k.allreduce_seconds("h100-sxm", "vllm", 0, 1e6) is None
    assert k.generation_attention_bandwidth("h100-sxm", "vllm", 0, 4096) is not None  # batch clamps


def test_interpolation_is_log_log_and_clamps_at_the_ends():
    row = k.Row((1.0, 4.0, 16.0), (1.0, 4.0, 8.0))
    assert row.at(2.0) == pytest.approx(2.0)  # power law y = x between 1 and 4
    assert row.at(8.0) == pytest.approx(math.sqrt(32))
    assert row.at(0.1) == 1.0 and row.at(1e6) == 8.0
    first = k.gemm_tflops("h100-sxm", "vllm", "bf16", 1)
    assert k.gemm_tflops("h100-sxm", "vllm", "bf16", 0.25) == first
    lo, hi = k.gemm_tflops("h100-sxm", "vllm", "bf16", 64), k.gemm_tflops("h100-sxm", "vllm", "bf16", 128)
    assert lo < k.gemm_tflops("h100-sxm", "vllm", "bf16", 90) < hi


def test_monotone_reads_the_running_maximum():
    # L40S SGLang FP8 falls from 324 to 180 TFLOP/s at 16K tokens in the data (power limit).
    raw = k.gemm_tflops("l40s", "sglang", "fp8", 16384)
    env = k.gemm_tflops("l40s", "sglang", "fp8", 16384, monotone=True)
    assert env > raw
    assert env == pytest.approx(max(k.gemm_tflops("l40s", "sglang", "fp8", 2.0**i) for i in range(15)))


def test_fp16_reads_the_bf16_curve_and_engines_differ():
    assert k.gemm_tflops("h100-sxm", "vllm", "fp16", 512) == k.gemm_tflops("h100-sxm", "vllm", "bf16", 512)
    trt = k.gemm_tflops("h100-sxm", "tensorrt-llm", "fp8", 64)
    vllm = k.gemm_tflops("h100-sxm", "vllm", "fp8", 64)
    assert trt != vllm


def test_missing_engine_curve_borrows_the_median_and_says_so():
    # SGLang on B200 measured block-FP8 MoE but not per-tensor FP8: TensorRT-LLM and vLLM did.
    got = k.moe_gemm_tflops("b200", "sglang", "fp8", 32)
    donors = [k.moe_gemm_tflops("b200", e, "fp8", 32) for e in ("tensorrt-llm", "vllm")]
    assert got == pytest.approx(sum(donors) / 2)
    assert "no measurement for this engine" in k.curve_source("b200", "moe_gemm", "sglang", "fp8")
    assert "tensorrt-llm, vllm" in k.curve_source("b200", "moe_gemm", "sglang", "fp8")


def test_generic_engine_is_the_median_of_the_engines():
    values = sorted(k.gemm_tflops("h200-sxm", e, "bf16", 256) for e in ENGINES)
    assert k.gemm_tflops("h200-sxm", "generic", "bf16", 256) == pytest.approx(values[1])
    assert "median of tensorrt-llm, sglang, vllm" in k.curve_source("h200-sxm", "gemm", "generic")


def test_curve_source_cites_the_folder_and_date():
    text = k.curve_source("h100-sxm", "gemm", "vllm", "fp8")
    assert text.startswith("aiconfigurator-core 0.12.0, systems/data/h100_sxm/gemm/vllm/0.24.0")
    assert "Apache-2.0" in text and "distilled 20" in text
    assert "aiconfigurator-core 0.12.0" in k.curve_source("h100-sxm", "allreduce")


def test_attention_families_interpolate_between_batches():
    b1 = k.context_attention_tflops("h100-sxm", "tensorrt-llm", 1024, batch=1)
    b4 = k.context_attention_tflops("h100-sxm", "tensorrt-llm", 1024, batch=4)
    b2 = k.context_attention_tflops("h100-sxm", "tensorrt-llm", 1024, batch=2)
    assert min(b1, b4) < b2 < max(b1, b4)
    assert k.context_attention_tflops("h100-sxm", "sglang", 4096, "mla") is not None
    mla = k.generation_attention_bandwidth("h200-sxm", "tensorrt-llm", 64, 8192, "mla")
    assert mla is not None and mla > 1e12


def test_allreduce_auto_is_the_faster_of_custom_and_nccl_and_tp1_is_free():
    custom = k.allreduce_seconds("h100-sxm", "vllm", 8, 64 * 1024, library="custom")
    nccl = k.allreduce_seconds("h100-sxm", "vllm", 8, 64 * 1024, library="nccl")
    assert custom < nccl  # one-shot custom kernels win on small decode messages
    assert k.allreduce_seconds("h100-sxm", "vllm", 8, 64 * 1024) == min(custom, nccl)
    assert k.allreduce_seconds("h100-sxm", "vllm", 1, 1e9) == 0.0
    assert k.alltoall_seconds("h100-sxm", "sglang", 8, 1e6) > 0


def test_moe_rate_grows_with_the_expert_width_on_the_gpu():
    # DeepSeek-V3 experts (inter 2048) at moe_tp 8 leave 256 columns per GPU; at EP they keep
    # 2048. Wider slices run the grouped GEMM far more efficiently at the same tokens per expert.
    narrow = k.moe_gemm_tflops("h100-sxm", "tensorrt-llm", "fp8_block", 256, inter_per_gpu=256)
    wide = k.moe_gemm_tflops("h100-sxm", "tensorrt-llm", "fp8_block", 256, inter_per_gpu=2048)
    mid = k.moe_gemm_tflops("h100-sxm", "tensorrt-llm", "fp8_block", 256, inter_per_gpu=724)
    assert wide > 2.5 * narrow
    assert narrow < mid < wide
    assert k.moe_gemm_tflops("h100-sxm", "tensorrt-llm", "fp8_block", 256, inter_per_gpu=0) is None
    median = k.moe_gemm_tflops("h100-sxm", "tensorrt-llm", "fp8_block", 256)
    assert narrow < median < wide


def test_moe_alltoall_modes_and_layouts():
    ll = k.moe_alltoall_seconds("h100-sxm", "tensorrt-llm", 8, 32, mode="ll")
    ht = k.moe_alltoall_seconds("h100-sxm", "tensorrt-llm", 8, 32, mode="ht")
    assert ll < ht  # low-latency kernels win at decode batch sizes
    assert k.moe_alltoall_seconds("h100-sxm", "tensorrt-llm", 8, 32) == ll
    # past the low-latency range (256 tokens) auto uses the high-throughput kernels
    big = k.moe_alltoall_seconds("h100-sxm", "tensorrt-llm", 8, 8192)
    assert big == k.moe_alltoall_seconds("h100-sxm", "tensorrt-llm", 8, 8192, mode="ht")
    combine = k.moe_alltoall_seconds("h100-sxm", "tensorrt-llm", 8, 8192, phase="combine")
    assert combine > 0 and combine != big
    assert k.moe_alltoall_seconds("h100-sxm", "tensorrt-llm", 1, 8192) == 0.0
    assert k.moe_alltoall_seconds("h100-sxm", "tensorrt-llm", 4, 64) is None  # EP 8 only
    assert k.moe_alltoall_seconds("gb200", "vllm", 4, 64) is not None  # a GB200 tray is 4
    assert k.moe_alltoall_seconds("h100-sxm", "tensorrt-llm", 8, 64, phase="gather") is None
    assert k.moe_alltoall_seconds("a100-80gb", "vllm", 8, 64) is None  # not measured
    # SGLang has no DeepEP table of its own: it borrows, and says so
    assert k.moe_alltoall_seconds("h100-sxm", "sglang", 8, 64) is not None
    assert "no measurement for this engine" in k.curve_source("h100-sxm", "moe_alltoall", "sglang")


def test_transfer_times_grow_in_proportion_past_the_largest_measured_size():
    at_1g = k.allreduce_seconds("h100-sxm", "vllm", 8, 2**30, library="nccl")
    assert k.allreduce_seconds("h100-sxm", "vllm", 8, 2**32, library="nccl") == pytest.approx(4 * at_1g)
    at_64k = k.moe_alltoall_seconds("h100-sxm", "tensorrt-llm", 8, 65536, mode="ht")
    assert k.moe_alltoall_seconds("h100-sxm", "tensorrt-llm", 8, 131072, mode="ht") == pytest.approx(2 * at_64k)


def test_blackwell_fp4_gemm_is_faster_than_fp8_at_large_batches():
    assert k.gemm_tflops("b200", "tensorrt-llm", "fp4", 4096) > k.gemm_tflops("b200", "tensorrt-llm", "fp8", 4096)


# --------------------------------------------------------------------------- validation
GOOD = """
schema_version = 1
gpu = "{gpu}"
source_package = "hand-entered"
licence = "test"
distilled = 2026-01-01
{extra}
"""
CURVE = """
[[curve]]
kind = "gemm"
engine = "vllm-rocm"
engine_version = "0.1"
precision = "fp8"
x = [1, 1024]
y = [5.0, 900.0]
source = "a vendor blog, 2026"
"""


def _folder(tmp_path, monkeypatch, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(k, "_data_dir", lambda: tmp_path)
    k.clear_cache()


def test_a_part_may_inherit_another_parts_curves(tmp_path, monkeypatch):
    moe = CURVE.replace('kind = "gemm"', 'kind = "moe_gemm"\nexperts = "fine"')
    _folder(tmp_path, monkeypatch, {
        "mi300x.toml": GOOD.format(gpu="mi300x", extra="") + CURVE,
        "mi300x.moe.toml": GOOD.format(gpu="mi300x", extra="") + moe,
        "mi325x.toml": GOOD.format(gpu="mi325x", extra='inherits = "mi300x"'),
    })
    assert k.measured_gpus() == ("mi300x", "mi325x")
    assert k.gemm_tflops("mi325x", "vllm-rocm", "fp8", 1024) == 900.0
    assert k.moe_gemm_tflops("mi325x", "vllm-rocm", "fp8", 1024) == 900.0
    assert k.measured_engines("mi325x") == ("vllm-rocm",)
    assert "measured on mi300x" in k.curve_source("mi325x", "gemm", "vllm-rocm")
    assert k.gemm_tflops("mi325x", "vllm", "fp8", 1024) is None


@pytest.mark.parametrize("bad, message", [
    (CURVE.replace('kind = "gemm"', 'kind = "gemm"\nsurprise = 1'), "surprise"),
    (CURVE.replace("x = [1, 1024]", "x = [1024, 1]"), "increase"),
    (CURVE.replace("y = [5.0, 900.0]", "y = [5.0]"), "points"),
    (CURVE.replace("y = [5.0, 900.0]", "y = [0.0, 900.0]"), "positive"),
    (CURVE.replace('precision = "fp8"\n', ""), "precision"),
    (CURVE.replace('kind = "gemm"', 'kind = "allreduce"').replace('precision = "fp8"\n', ""), "group"),
    ("[[curve", "TOML"),
])
def test_a_broken_file_gives_a_one_line_error(tmp_path, monkeypatch, bad, message):
    _folder(tmp_path, monkeypatch, {"x1.toml": GOOD.format(gpu="x1", extra="") + bad})
    with pytest.raises(k.KernelDataError) as err:
        k.gemm_tflops("x1", "vllm-rocm", "fp8", 10)
    assert "\n" not in str(err.value) and message in str(err.value)


def test_inheritance_loops_and_mismatched_names_are_errors(tmp_path, monkeypatch):
    _folder(tmp_path, monkeypatch, {
        "a.toml": GOOD.format(gpu="a", extra='inherits = "b"'),
        "b.toml": GOOD.format(gpu="b", extra='inherits = "a"'),
        "c.toml": GOOD.format(gpu="zzz", extra="") + CURVE,
    })
    with pytest.raises(k.KernelDataError, match="loop"):
        k.measured_engines("a")
    with pytest.raises(k.KernelDataError, match="file name"):
        k.measured_engines("c")
