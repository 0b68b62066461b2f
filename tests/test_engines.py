"""Engine profiles, MoE layouts, topology and error bands."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest
from pydantic import ValidationError

from kickoff_tui.catalog import get_gpu
from kickoff_tui.catalog.engines import ENGINE_IDS, EngineProfile, engine_for, engines
from kickoff_tui.cli import main
from kickoff_tui.sizing import SizingInputs, estimate, perf, size
from kickoff_tui.sizing.batch import parse_batch


def test_every_engine_is_profiled_and_sourced():
    assert {e.id for e in engines()} == set(ENGINE_IDS)
    raw = tomllib.loads(resources.files("kickoff_tui.catalog").joinpath("data", "engines.toml").read_text())
    entry = dict(raw["engine"][0])
    with pytest.raises(ValidationError):
        EngineProfile.model_validate({**entry, "surprise": 1})
    sources = dict(entry["sources"])
    sources.pop("step_overhead_s")
    with pytest.raises(ValidationError, match="no source for step_overhead_s"):
        EngineProfile.model_validate({**entry, "sources": sources})


def test_default_engine_follows_the_vendor():
    assert engine_for(None, "NVIDIA")[0].id == "vllm"
    assert engine_for(None, "AMD")[0].id == "vllm-rocm"
    assert engine_for("vllm", "AMD")[0].id == "vllm-rocm"
    assert engine_for("sglang", "AMD")[0].id == "sglang-rocm"
    assert engine_for("tgi", "NVIDIA")[0].id == "generic"


def test_tensorrt_llm_is_faster_than_vllm_on_h100_for_llama_70b_at_load():
    kwargs = dict(precision="fp8", tensor_parallel=4, concurrency=64)
    trt = estimate("llama-3.1-70b", "h100-sxm", 4, 2000, 400, engine="tensorrt-llm", **kwargs)
    vllm = estimate("llama-3.1-70b", "h100-sxm", 4, 2000, 400, engine="vllm", **kwargs)
    assert trt.output_tokens_per_s > vllm.output_tokens_per_s
    assert trt.tpot_ms < vllm.tpot_ms


def test_an_engine_that_does_not_run_on_the_vendor_does_not_fit():
    result = estimate("llama-3.1-8b", "mi300x", 1, 1000, 100, engine="tensorrt-llm")
    assert not result.fits and "does not run on AMD" in result.reason


def test_deepseek_r1_fp8_fits_four_b200():
    """InferenceX runs exactly this: 673 GB of FP8 weights over 4 x 180 GB (192.3 GB usable)."""
    for engine in (None, "sglang", "tensorrt-llm"):
        result = estimate("deepseek-r1", "b200", 4, 1024, 1024, precision="fp8", tensor_parallel=4,
                          concurrency=4, engine=engine)
        assert result.fits, (engine, result.reason)
        assert result.weights_gb_per_gpu == pytest.approx(168.3, abs=0.1)
    assert main(["estimate", "--model", "deepseek-r1", "--gpu", "b200", "--gpus", "4", "--tensor-parallel",
                 "4", "--precision", "fp8", "--input-tokens", "1024", "--output-tokens", "1024"]) == 0


def test_memory_semantics_differ_by_engine():
    model, gpu = "llama-3.1-70b", "h100-sxm"
    free = estimate(model, gpu, 2, 2000, 200, precision="fp8", tensor_parallel=2, engine="tensorrt-llm")
    total = estimate(model, gpu, 2, 2000, 200, precision="fp8", tensor_parallel=2, engine="vllm")
    # TensorRT-LLM: 0.9 of what is FREE after weights; vLLM: 0.9 of TOTAL memory
    usable = get_gpu(gpu).usable_memory_gb
    assert free.kv_gb_per_gpu == pytest.approx(0.9 * (usable - free.weights_gb_per_gpu - free.overhead_gb_per_gpu), abs=0.02)
    assert total.kv_gb_per_gpu == pytest.approx(0.9 * usable - total.weights_gb_per_gpu - total.overhead_gb_per_gpu, abs=0.02)


def test_mi325x_inherits_mi300x_measured_efficiencies():
    assert perf.gemm_efficiency(get_gpu("mi325x")) == perf.gemm_efficiency(get_gpu("mi300x"))
    assert perf.bandwidth_fraction(get_gpu("mi325x")) == perf.bandwidth_fraction(get_gpu("mi300x"))
    assert perf.measured_efficiency_source(get_gpu("mi325x")) == "inherited from mi300x"
    assert perf.measured_efficiency_source(get_gpu("tpu-v5p")) == "none"


def test_infinity_fabric_pair_uses_one_link():
    mi300x = get_gpu("mi300x")
    pair, _ = perf.tp_link(mi300x, 2)
    eight, _ = perf.tp_link(mi300x, 8)
    assert pair == pytest.approx(128e9 / 2)  # one 128 GB/s link, per direction
    assert eight == pytest.approx(896e9 / 2)  # seven links to seven peers
    h100 = get_gpu("h100-sxm")
    assert perf.tp_link(h100, 2)[0] == perf.tp_link(h100, 8)[0]  # NVSwitch: full bandwidth to any peer


def test_nvls_speeds_up_all_reduce_for_the_engine_that_uses_it():
    gpu = get_gpu("h100-sxm")
    trt, vllm = engine_for("tensorrt-llm", "NVIDIA")[0], engine_for("vllm", "NVIDIA")[0]
    message = 64e6
    assert perf.allreduce_call(gpu, 8, message, trt) < perf.allreduce_call(gpu, 8, message, vllm)


def test_moe_layouts_change_memory_and_kv():
    base = dict(precision="fp8", tensor_parallel=8, concurrency=64, engine="sglang")
    tp = estimate("deepseek-r1", "b200", 8, 1024, 1024, **base)
    ep = estimate("deepseek-r1", "b200", 8, 1024, 1024, expert_parallel=True, **base)
    dp = estimate("deepseek-r1", "b200", 8, 1024, 1024, dp_attention=True, **base)
    assert tp.expert_parallel == 1 and ep.expert_parallel == 8 and dp.dp_attention
    # DP attention keeps the attention weights whole on every rank but splits the MLA latent
    assert dp.weights_gb_per_gpu > tp.weights_gb_per_gpu
    assert dp.kv_cache_tokens > 4 * tp.kv_cache_tokens
    assert ep.tpot_ms != tp.tpot_ms


def test_bands_are_present_and_ordered():
    for engine in ENGINE_IDS:
        gpu = "mi355x" if engine in ("vllm-rocm", "sglang-rocm", "atom") else "h200-sxm"
        r = estimate("llama-3.1-8b", gpu, 1, 1000, 200, concurrency=8, engine=engine)
        assert r.fits and r.band_group.startswith(engine)
        assert r.ttft_ms_low <= r.ttft_ms <= r.ttft_ms_high
        assert r.tpot_ms_low <= r.tpot_ms <= r.tpot_ms_high
        assert r.output_tokens_per_s_low <= r.output_tokens_per_s <= r.output_tokens_per_s_high
    generic = estimate("llama-3.1-8b", "h200-sxm", 1, 1000, 200, concurrency=8, engine="generic")
    trt = estimate("llama-3.1-8b", "h200-sxm", 1, 1000, 200, concurrency=8, engine="tensorrt-llm")
    assert (generic.tpot_ms_high / generic.tpot_ms) > (trt.tpot_ms_high / trt.tpot_ms)
    assert "pooled band" in generic.band_note
    # a group nobody measured says so in words, not "only 0 published measurement(s)"
    assert generic.band_note.startswith("no published serving measurement (throughput, TPOT or TTFT) of generic / nvidia / dense")
    assert "(s)" not in generic.band_note and " 0 " not in generic.band_note


def test_percentiles_come_from_the_model_and_are_ordered():
    r = estimate("llama-3.1-70b", "h100-sxm", 4, 2000, 400, precision="fp8", concurrency=64)
    assert r.ttft_p50_ms <= r.ttft_p90_ms <= r.ttft_p95_ms <= r.ttft_p99_ms
    assert r.tpot_p50_ms <= r.tpot_p99_ms
    lone = estimate("llama-3.1-70b", "h100-sxm", 4, 2000, 400, precision="fp8", concurrency=1)
    assert lone.tpot_p99_ms == pytest.approx(lone.tpot_p50_ms)  # nothing interrupts a lone request


def test_the_engine_answer_changes_the_sized_spec():
    inputs = dict(model="llama-3.1-70b", gpu="h100-sxm", peak_concurrency=1000, precision="fp8")
    vllm = size(SizingInputs(**inputs, serving_engine="vllm"))
    trt = size(SizingInputs(**inputs, serving_engine="tensorrt-llm"))
    assert vllm.engine == "vllm" and trt.engine == "tensorrt-llm"
    assert trt.concurrency_per_replica > vllm.concurrency_per_replica
    assert trt.tpot_ms < vllm.tpot_ms
    assert trt.total_gpus <= vllm.total_gpus
    # A few percent more per replica is a whole replica fewer once the fleet is large enough
    # (at 1,000 in flight both round up to the same replica count).
    bigger = {**inputs, "peak_concurrency": 3000}
    assert (size(SizingInputs(**bigger, serving_engine="tensorrt-llm")).total_gpus
            < size(SizingInputs(**bigger, serving_engine="vllm")).total_gpus)
    assert not vllm.is_assumed("serving_engine")
    assumed = size(SizingInputs(**inputs))
    assert assumed.is_assumed("serving_engine") and assumed.engine == "vllm"


def test_sized_spec_carries_a_gpu_count_band():
    spec = size(SizingInputs(model="llama-3.1-70b", gpu="h100-sxm", peak_concurrency=400,
                             serving_engine="tensorrt-llm"))
    assert spec.feasible and spec.total_gpus_low is not None
    assert spec.total_gpus_low <= spec.total_gpus
    assert spec.total_gpus_high is None or spec.total_gpus <= spec.total_gpus_high
    assert spec.gpu_count_text.startswith(f"{spec.total_gpus} GPUs (")
    from kickoff_tui.app.widgets.spec_panel import gpu_band

    assert gpu_band(spec).startswith(f"{spec.total_gpus} (")


def test_the_gpu_band_is_also_given_in_whole_units_bought():
    """The band counts GPUs needed ("36 GPUs (22-64)"), which nobody orders: the spec also
    carries the whole units bought at each end, in the reason for what is bought and in the
    report's "How sure" section."""
    from kickoff_tui.record.markdown import _band_lines

    spec = size(SizingInputs(model="llama-3.1-70b", gpu="h100-sxm", peak_concurrency=1000,
                             serving_engine="vllm"))  # vLLM / NVIDIA / dense: the pooled, wide band
    assert spec.units_low is not None and spec.units_low <= spec.units
    assert spec.units_high is None or spec.units <= spec.units_high
    # the band's ends in units follow its ends in GPUs, in the unit's size
    assert spec.units_low * spec.unit_gpus >= spec.total_gpus_low
    if spec.total_gpus_high is not None:
        assert spec.units_high * spec.unit_gpus >= spec.total_gpus_high
    assert spec.units_low < spec.units_high, "this load should span several 8-GPU units"
    words = f"{spec.units_low}-{spec.units_high} units across the band"
    assert spec.units_band_text == words and spec.why["units"].endswith(words)
    assert any(line.startswith(f"- **Bought**: {spec.units} x ") and line.endswith(words)
               for line in _band_lines(spec))
    one = size(SizingInputs(model="llama-3.1-8b", gpu="h100-sxm", peak_concurrency=4, serving_engine="tensorrt-llm"))
    assert one.units == one.units_low == one.units_high == 1
    assert one.units_band_text == "the same 1 unit at both ends of the band"


def test_a_sku_no_build_of_the_engine_runs_on_names_no_engine():
    """With "vLLM on ROCm" answered, the SKUs tab named "vLLM (ROCm)" on the Gaudi 3, TPU v5p and
    Trainium2 rows, beside the reason that vLLM reaches them only through a vendor plugin."""
    spec = size(SizingInputs(model="llama-3.1-70b", serving_engine="vllm-rocm"))
    rows = {o.gpu: o for o in spec.comparison}
    for gpu in ("gaudi3", "tpu-v5p", "trainium2"):
        assert not rows[gpu].fits and rows[gpu].engine == "" and "plugin" in rows[gpu].reason
    assert rows["mi300x"].engine == "vllm-rocm" and rows["h100-sxm"].engine == "vllm"


def test_batch_columns_engine_and_layout():
    rows = parse_batch("model,gpu,gpus,input_tokens,output_tokens,engine,expert_parallel,dp_attention\n"
                       "deepseek-r1,b200,8,1024,1024,sglang,8,true\n"
                       "llama-3.1-8b,h100-sxm,1,1000,100,,,\n")
    assert rows[0].engine == "sglang" and rows[0].expert_parallel and rows[0].dp_attention
    assert rows[1].engine is None and rows[1].expert_parallel is None
    with pytest.raises(ValueError, match="engine must be one of"):
        parse_batch("model,gpu,gpus,input_tokens,output_tokens,engine\nllama-3.1-8b,h100-sxm,1,10,10,nope\n")


BATCH_HEAD = "model,gpu,gpus,tensor_parallel,input_tokens,output_tokens,concurrency,engine,expert_parallel,dp_attention\n"


@pytest.mark.parametrize(("cells", "words"), [
    ("llama-3.1-8b,h100-sxm,1.9,,100,100,1,,,", "gpus must be a whole number, got '1.9'"),
    ("llama-3.1-8b,h100-sxm,1,,100.5,100,1,,,", "input_tokens must be a whole number"),
    ("deepseek-r1,b200,8,8,1024,1024,4,sglang,999,", "expert_parallel size must be a whole number from 1 to the row's 8 GPUs, got '999'"),
    ("deepseek-r1,b200,8,8,1024,1024,4,sglang,-1,", "got '-1'"),
    ("deepseek-r1,b200,8,8,1024,1024,4,sglang,nan,", "got 'nan'"),
    ("deepseek-r1,b200,8,8,1024,1024,4,sglang,2.5,", "got '2.5'"),
    ("deepseek-r1,b200,8,8,1024,1024,4,sglang,lots,", "expert_parallel must be true/false or an expert-parallel size"),
    ("deepseek-r1,b200,8,8,1024,1024,4,sglang,8,nan", "dp_attention must be true/false, got 'nan'"),
    ("deepseek-r1,b200,8,8,1024,1024,4,sglang,8,2", "dp_attention must be true/false, got '2'"),
])
def test_batch_cells_that_mean_nothing_are_refused_not_rounded(cells, words):
    """Before, ``gpus = 1.9`` was read as 1 GPU, and an expert-parallel size of 999, -1 or nan
    or a dp_attention of nan quietly became on or off."""
    with pytest.raises(ValueError, match="line 2: .*" + re.escape(words)):
        parse_batch(BATCH_HEAD + cells + "\n")


def test_batch_expert_parallel_sizes_and_words_keep_their_meaning():
    rows = parse_batch(BATCH_HEAD + "deepseek-r1,b200,8,8,1024,1024,4,sglang,1,\n"
                       "deepseek-r1,b200,8,8,1024,1024,4,sglang,8,1\n"
                       "deepseek-r1,b200,8,8,1024,1024,4,sglang,4.0,false\n"
                       "deepseek-r1,b200,8,8,1024,1024,4,sglang,true,0\n"
                       "llama-3.1-8b,h100-sxm,2.0,,100,100,1,,,\n")
    assert [r.expert_parallel for r in rows[:4]] == [False, True, True, True]  # InferenceX: 1 = off
    assert [r.dp_attention for r in rows[:4]] == [None, True, False, False]
    assert rows[4].gpus == 2  # a whole number written as 2.0 (a spreadsheet export) is 2


def test_a_space_after_a_header_comma_still_names_the_column():
    """``model, gpu, concurrency``: the padded ``concurrency`` column was ignored (every row at
    one request in flight); the header's names are read without their spaces."""
    rows = parse_batch("model, gpu, gpus, input_tokens, output_tokens, concurrency\n"
                       "llama-3.1-8b,h100-sxm,1,100,100,64\n")
    assert rows[0].concurrency == 64 and rows[0].gpu == "h100-sxm"
    with pytest.raises(ValueError, match="names the column 'gpu' twice"):
        parse_batch("model,gpu, gpu,gpus,input_tokens,output_tokens\nllama-3.1-8b,h100-sxm,h100-sxm,1,1,1\n")


def test_cli_engine_flag(capsys):
    args = ["estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--gpus", "1",
            "--input-tokens", "1000", "--output-tokens", "100"]
    assert main([*args, "--engine", "tensorrt-llm", "--json"]) == 0
    assert '"engine": "tensorrt-llm"' in capsys.readouterr().out
    assert main([*args, "--engine", "warp-drive"]) == 2
    assert "expected one of" in capsys.readouterr().err


def test_default_kv_cache_follows_the_engines_measured_fp8_kernel():
    """FP8 KV is the default only where the engine's FP8 decode attention is not slower than its
    16-bit one: SGLang's MLA decode on Hopper with an FP8 cache measures under a tenth of its
    16-bit rate, so SGLang serves DeepSeek-R1 on H200 with a 16-bit cache unless told otherwise."""
    from kickoff_tui.catalog import get_model
    from kickoff_tui.catalog.engines import get_engine

    r1, h200, b200 = get_model("deepseek-r1"), get_gpu("h200-sxm"), get_gpu("b200")
    assert perf.default_kv_precision(h200, "fp8", r1, get_engine("sglang")) == "bf16"
    assert perf.default_kv_precision(h200, "fp8", r1, get_engine("tensorrt-llm")) == "fp8"
    assert perf.default_kv_precision(b200, "fp8", r1, get_engine("sglang")) == "fp8"
    assert perf.default_kv_precision(h200, "fp8") == "fp8"
    kwargs = dict(precision="fp8", tensor_parallel=8, concurrency=64, engine="sglang")
    default = estimate("deepseek-r1", "h200-sxm", 8, 8192, 1024, **kwargs)
    forced = estimate("deepseek-r1", "h200-sxm", 8, 8192, 1024, kv_precision="fp8", **kwargs)
    assert (default.kv_precision, forced.kv_precision) == ("bf16", "fp8")
    assert "slower per token" in default.kv_note and forced.kv_note == ""
    # The measured FP8-KV kernel reads the 8K contexts about 5x slower than the 16-bit one.
    assert default.tpot_ms < 0.6 * forced.tpot_ms
    assert default.output_tokens_per_s > 1.5 * forced.output_tokens_per_s
    spec = size(SizingInputs(model="deepseek-r1", gpu="h200-sxm", serving_engine="sglang", peak_concurrency=64,
                             avg_input_tokens=8192, avg_output_tokens=1024))
    kv = next(a for a in spec.assumptions if a.field == "kv_precision")
    assert (spec.kv_precision, kv.value) == ("bf16", "bf16") and "slower per token" in kv.reason


def test_sizer_takes_an_fp8_cache_where_the_kv_cache_bounds_a_replica():
    """Long answers at a loose TPOT target: the 16-bit cache bounds each replica, and an FP8
    cache (twice the tokens, slower SGLang kernel on H200) buys fewer GPUs, so the sizer keeps it
    and says why; an answered KV precision is sized as given."""
    base = dict(model="deepseek-r1", gpu="h200-sxm", serving_engine="sglang", peak_concurrency=512,
                avg_input_tokens=1024, avg_output_tokens=8192, tpot_target_ms=300, ttft_target_ms=60000)
    chosen = size(SizingInputs(**base))
    forced = size(SizingInputs(**base, kv_precision="bf16"))
    assert (chosen.kv_precision, forced.kv_precision) == ("fp8", "bf16")
    assert chosen.total_gpus < forced.total_gpus
    kv = next(a for a in chosen.assumptions if a.field == "kv_precision")
    assert "buys fewer GPUs" in kv.reason
    assert not any(a.field == "kv_precision" for a in forced.assumptions)


def test_naming_the_other_vendors_build_says_what_is_used():
    profile, note = engine_for("sglang-rocm", "NVIDIA")
    assert profile.id == "sglang" and "AMD build" in note
    assert engine_for("sglang", "AMD") == (engine_for("sglang-rocm", "AMD")[0], "")
    assert "AMD build" in estimate("llama-3.1-8b", "h100-sxm", 1, 500, 100, engine="vllm-rocm").engine_note


def test_kv_reason_names_the_kernel_only_where_fp8_was_the_rule():
    """BF16 weights (or a part without FP8 math) keep a 16-bit cache for the plain reason."""
    base = dict(model="deepseek-r1", serving_engine="sglang", peak_concurrency=64)
    for extra in ({"gpu": "h200-sxm", "precision": "bf16"}, {"gpu": "a100-80gb"}):
        spec = size(SizingInputs(**base, **extra))
        kv = next(a for a in spec.assumptions if a.field == "kv_precision")
        assert kv.value == "bf16" and "slower per token" not in kv.reason, extra


def test_vllm_refused_on_a_plugin_vendor_says_what_to_do():
    """vLLM (either build's name) on Gaudi / TPU / Trainium: refused, since no profile of the
    vendor plugin exists, with a reason naming the way out (it read "vLLM (ROCm) does not run on
    Intel GPUs")."""
    for gpu_id in ("gaudi3", "tpu-v5p", "trainium2"):
        for name in ("vllm", "vllm-rocm"):
            result = estimate("llama-3.1-8b", gpu_id, 1, 1000, 200, engine=name, concurrency=8)
            assert not result.fits and "plugin" in result.reason and "generic" in result.reason
            assert "ROCm" not in result.reason
            # the way out in both front ends' words, not the app's alone ("answer another engine")
            assert "'Something else', or --engine generic" in result.reason
        assert "does not run on google accelerators" in estimate(
            "llama-3.1-8b", "tpu-v5p", 1, 1000, 200, engine="sglang", concurrency=8).reason.lower()
        assert estimate("llama-3.1-8b", gpu_id, 1, 1000, 200, engine="generic", concurrency=8).fits
