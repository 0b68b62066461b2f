"""The `kickoff` command's sizing face: estimate, --batch, size, calibrate, catalog."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kickoff_tui.cli import main

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT.parent / "shared" / "calibration" / "cases.csv"
REQUIRED = {"fits", "tensor_parallel", "replicas", "concurrency", "ttft_ms", "tpot_ms", "output_tokens_per_s",
            "output_tokens_per_s_per_gpu", "kv_cache_tokens", "weights_gb_per_gpu", "bound"}


def run(*args: str) -> subprocess.CompletedProcess:
    """``kickoff ARGS`` in this process (a real process is tested by ``test_version`` and the
    reliability suites): exit code, stdout and stderr as a finished process would give them."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse
            code = int(exit_.code or 0)
    return subprocess.CompletedProcess(["kickoff", *args], code, out.getvalue(), err.getvalue())


def run_process(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kickoff_tui", *args], capture_output=True, text=True, cwd=ROOT)


def test_estimate_json_has_the_scripting_fields(capsys):
    assert main(["estimate", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--gpus", "8",
                 "--input-tokens", "2000", "--output-tokens", "400", "--concurrency", "32", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert REQUIRED <= set(out)
    assert out["fits"] and out["replicas"] == 8 // out["tensor_parallel"]


def test_estimate_max_throughput_and_precision(capsys):
    assert main(["estimate", "--model", "llama-3.1-8b", "--gpu", "h200-sxm", "--gpus", "1", "--input-tokens",
                 "128", "--output-tokens", "128", "--precision", "fp8", "--max-throughput", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["precision"] == "fp8" and out["output_tokens_per_s"] > 5000


def test_unknown_id_one_line_exit_2(capsys):
    code = main(["estimate", "--model", "lama-3.1-70b", "--gpu", "h100-sxm", "--gpus", "8",
                 "--input-tokens", "2000", "--output-tokens", "400"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "llama-3.1-70b" in err


def test_missing_arguments_are_named(capsys):
    assert main(["estimate", "--model", "llama-3.1-8b"]) == 2
    assert "--gpu" in capsys.readouterr().err


def test_batch_is_one_json_array_in_row_order(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "model,gpu,gpus,tensor_parallel,precision,kv_precision,input_tokens,output_tokens,concurrency\n"
        "llama-3.1-8b,h100-sxm,1,,fp8,,1000,200,max\n"
        "llama-3.1-405b,l4,1,,,,1000,200,1\n"
        "nonsense-model,h100-sxm,1,,,,1000,200,1\n"
        "llama-3.1-70b,h100-sxm,8,8,fp8,fp8,2000,400,64\n"
    )
    done = run("estimate", "--batch", str(rows), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert isinstance(out, list) and len(out) == 4
    assert out[0]["fits"] and REQUIRED <= set(out[0])
    assert out[1]["fits"] is False and out[1]["reason"]
    assert out[2]["fits"] is False and "unknown model" in out[2]["reason"]
    assert out[3]["tensor_parallel"] == 8


def test_batch_with_bad_cell_is_one_line(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("model,gpu,gpus,input_tokens,output_tokens\nllama-3.1-8b,h100-sxm,lots,1,1\n")
    done = run("estimate", "--batch", str(rows), "--json")
    assert done.returncode == 2
    assert "line 2" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "examples").glob("*.toml")
                                         if not p.name.startswith("session")))
def test_size_every_example(name, capsys):
    assert main(["size", str(ROOT / "examples" / name)]) == 0
    assert "Sized spec" in capsys.readouterr().out


def test_size_json_round_trips(capsys):
    from kickoff_tui.sizing import SizedSpec

    assert main(["size", str(ROOT / "examples" / "chat-assistant.toml"), "--json"]) == 0
    spec = SizedSpec.model_validate_json(capsys.readouterr().out)
    assert spec.feasible and spec.gpu == "h100-sxm"


@pytest.mark.parametrize("content, needle", [
    ("peak_concurrency = -5", "peak_concurrency"),
    ("model = [1, 2", "not valid TOML"),
    ("unknown_key = 1", "unknown_key"),
    ("avg_input_tokens = 1e308", "avg_input_tokens"),
    ("tpot_target_ms = nan", "tpot_target_ms"),
])
def test_size_bad_files_one_line(tmp_path, content, needle):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    done = run("size", str(path))
    assert done.returncode == 2
    assert needle in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


@pytest.mark.skipif(not CASES.exists(), reason="shared calibration file not present")
def test_calibration_targets_hold(capsys):
    from kickoff_tui.sizing.calibration import calibrate

    report = calibrate(CASES.read_text())
    stats = {g.name: g for g in report.by_metric}
    assert stats["throughput"].median_abs_error <= 0.20
    latency = [abs(r.error) for r in report.rows if r.metric in ("tpot_ms", "ttft_ms") and r.error is not None]
    latency.sort()
    assert latency[len(latency) // 2] <= 0.25
    assert main(["calibrate", str(CASES)]) == 0


@pytest.mark.skipif(not CASES.exists(), reason="shared calibration files not present")
def test_calibration_targets_hold_on_every_shared_file():
    """The issue's targets over every file in ../shared/calibration (throughput <= 20%, TPOT
    <= 15%, TTFT <= 35% median absolute error; >= 90% of rows within 2x). p99 TTFT is reported,
    not targeted (closed-loop benchmarks start all clients at once)."""
    from kickoff_tui.commands.sizing import read_calibration
    from kickoff_tui.sizing.calibration import calibrate_texts

    report = calibrate_texts(read_calibration(str(CASES.parent)))
    stats = {g.name: g for g in report.by_metric}
    assert stats["throughput"].median_abs_error <= 0.20
    assert stats["tpot"].median_abs_error <= 0.15
    assert stats["ttft"].median_abs_error <= 0.35
    assert report.overall.within_2x >= 0.90
    groups = {g.name for g in report.by_group}
    assert {"sglang / nvidia / moe", "tensorrt-llm / nvidia / moe", "atom / amd / moe"} <= groups


PUBLISHED_HEADER = ("source_type,model,precision,gpu,gpu_count,parallelism,engine,input_len,output_len,"
                    "workload_note,scenario,load,e2e_latency_s,output_tok_s\n")


def test_published_static_batch_latencies_are_scored_apart_from_the_targets():
    """benchmark_latency rows of the raw table: one static batch's end-to-end time, scored
    against the model's static batch (prefill + every decode step), reported as their own
    family and kept out of the headline row. A bare 'H200' is the SXM board; a row whose engine
    is not stated is skipped, as is a max-throughput row of a source cases.csv already holds."""
    from kickoff_tui.sizing.calibration import FAMILY, parse_published, report, score

    text = PUBLISHED_HEADER + (
        "vLLM CI performance benchmark (buildkite),Llama-3.1-8B,,H200,1,TP1,vLLM (CI build 9515),32,128,,"
        "static batch latency,batch_size=8,0.8334,\n"
        "Oracle OCI blog,Llama-3.1-405B,FP8,MI300X 192GB (OCI BM.GPU.MI300X.8),8,TP8,vLLM (benchmark_latency.py),"
        "128,128,,static batch latency,batch_size=256,17.75,\n"
        "Azure AI-benchmarking-guide results,Llama-3-8B,,H200 141GB,1,single GPU,not stated in results file,"
        "128,8,,static batch,batch_size=64,1.0,\n"
        "AMD ROCm vLLM docs (dev-docker),Llama-3.1-70B-Instruct (amd/...-FP8-KV),FP8 (weights+KV),MI300X 192GB 750W,"
        "8,TP8,vLLM v0.10.0,128,2048,,max throughput (infinite request rate),num_prompts=3200,,13383.3\n")
    cases = parse_published(text)
    assert [(c[1].model, c[1].gpu, c[1].concurrency, c[2]) for c in cases] == [
        ("llama-3.1-8b", "h200-sxm", 8, "e2e_static_s"), ("llama-3.1-405b", "mi300x", 256, "e2e_static_s")]
    assert all(c[1].static_batch for c in cases)
    rows = score(cases)
    assert all(r.predicted is not None and abs(r.error) < 0.25 for r in rows), [(r.predicted, r.measured) for r in rows]
    rep = report(rows)
    assert [g.name for g in rep.by_metric] == ["static batch e2e"] and FAMILY["e2e_static_s"] == "static batch e2e"
    assert rep.overall.rows == 0


def test_catalog_lists(capsys):
    assert main(["catalog", "gpus"]) == 0
    assert "h100-sxm" in capsys.readouterr().out
    assert main(["catalog", "models", "--json"]) == 0
    assert any(m["id"] == "deepseek-r1" for m in json.loads(capsys.readouterr().out))


def test_headless_commands_do_not_import_textual():
    code = ("import sys; from kickoff_tui.cli import main; main(['catalog','gpus']); "
            "main(['size','examples/half-answered.toml']); "
            "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules), 'textual imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_version():
    done = run_process("--version")
    assert done.returncode == 0 and done.stdout.startswith("kickoff ")


def test_size_resizes_a_session_and_compares_with_sign_off(capsys):
    assert main(["size", str(ROOT / "examples" / "session-support-assistant.toml")]) == 0
    out = capsys.readouterr().out
    assert "Sized spec" in out and "since sign-off" in out


def test_infinite_concurrency_is_refused(capsys):
    code = main(["estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--gpus", "1",
                 "--input-tokens", "100", "--output-tokens", "100", "--concurrency", "inf", "--json"])
    assert code == 2 and "finite" in capsys.readouterr().err


def test_models_import_refuses_ids_that_escape_the_folder(tmp_path, capsys):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                                  "vocab_size": 100}))
    for bad in ("../../escaped", "", "Has Space", "\x1b[31mred"):
        assert main(["models", "import", str(config), "--id", bad]) == 2
        err = capsys.readouterr().err
        assert "--id" in err and "\x1b" not in err
    assert not (tmp_path.parent / "escaped.toml").exists()


def test_size_comparison_shows_why_not_zeros_for_parts_that_do_not_fit(capsys, monkeypatch):
    """A part with no layout shows '-' in every figure (never '0 GPUs, 0.0 kW') and its whole
    reason, not a reason cut mid-word."""
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["size", str(ROOT / "examples" / "bank-rag.toml"), "--json"]) == 0
    spec = json.loads(capsys.readouterr().out)
    unfit = [o for o in spec["comparison"] if not o["fits"]]
    assert unfit, "the bank case has parts that do not meet its targets"
    assert main(["size", str(ROOT / "examples" / "bank-rag.toml")]) == 0
    text = capsys.readouterr().out
    lines = [line for line in text.splitlines() if line.startswith("│ " + unfit[0]["gpu"] + " ")]
    assert lines, text
    cells = [c.strip() for c in lines[0].split("│")[1:-1]]
    assert cells[1] == "no" and set(cells[2:9]) == {"-"}, cells
    longest = max(unfit, key=lambda o: len(o["reason"]))
    assert len(longest["reason"]) > 90  # longer than the old cut
    assert longest["reason"].split()[-1] in text.split()  # printed to its end


def test_size_names_each_assumption_in_words_with_its_reason(capsys):
    assert main(["size", str(ROOT / "examples" / "chat-assistant.toml")]) == 0
    out = capsys.readouterr().out
    assert "burst_factor=" not in out and "rack_power_basis" not in out
    assert "  - burst factor = 1: no burst given" in out
    assert "  - rack power basis = breaker: " in out


@pytest.mark.parametrize("gpus", ["100000000000", "1000001"])
def test_an_impossible_gpu_count_is_refused(gpus, tmp_path):
    from kickoff_tui.sizing.constants import MAX_GPUS

    base = ["estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--input-tokens", "100",
            "--output-tokens", "100"]
    result = run(*base, "--gpus", gpus)
    assert result.returncode == 2 and f"at most {MAX_GPUS:,}" in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1 and not result.stdout
    assert run(*base, "--gpus", str(MAX_GPUS)).returncode == 0
    batch = tmp_path / "b.csv"
    batch.write_text("model,gpu,gpus,tensor_parallel,precision,kv_precision,input_tokens,"
                     f"output_tokens,concurrency\nllama-3.1-8b,h100-sxm,{gpus},,,,100,100,1\n")
    result = run("estimate", "--batch", str(batch))
    assert result.returncode == 2 and "line 2: gpus" in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1
    from kickoff_tui.sizing import estimate

    with pytest.raises(ValueError, match="at most"):
        estimate("llama-3.1-8b", "h100-sxm", int(gpus), 100, 100)


def test_an_estimate_an_engine_cannot_run_says_cannot_be_served_not_does_not_fit() -> None:
    """An engine built for another vendor is not a memory problem: the card words it as one
    reason a request cannot be served, as it does a model too large for the part."""
    engine = run("estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--gpus", "1", "--engine", "atom",
                 "--input-tokens", "100", "--output-tokens", "100")
    memory = run("estimate", "--model", "llama-3.1-405b", "--gpu", "l4", "--gpus", "1",
                 "--input-tokens", "100", "--output-tokens", "100")
    assert "Cannot be served:" in engine.stdout and "does not run on NVIDIA" in engine.stdout
    assert "Does not fit" not in engine.stdout + memory.stdout and "Cannot be served:" in memory.stdout
    # exit 1, as `kickoff size` for a spec that cannot be served: done, and the answer is "no"
    # (a script reading the exit status no longer takes "cannot be served" for a result)
    assert engine.returncode == 1 and memory.returncode == 1 and not engine.stderr + memory.stderr
    served = run("estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--gpus", "1",
                 "--input-tokens", "100", "--output-tokens", "100", "--json")
    assert served.returncode == 0 and json.loads(served.stdout)["fits"] is True
    refused = run("estimate", "--model", "llama-3.1-405b", "--gpu", "l4", "--gpus", "1",
                  "--input-tokens", "100", "--output-tokens", "100", "--json")
    assert refused.returncode == 1 and json.loads(refused.stdout)["fits"] is False


def test_size_footer_gives_the_design_load_with_its_burst(capsys):
    """The bank example's owner gave a peak of 200 with bursts of 2x: the footer read "Peak in
    flight: 400 (given by the application owner)", which nobody said. It now gives the design
    load with how it was reached."""
    assert main(["size", str(ROOT / "examples" / "bank-rag.toml")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Load: design load 400 in flight = stated peak 200 x burst 2" in out
    assert "Peak in flight: 400" not in out
    # the comparison's marker and its GPU column (needed) against its cost (whole units) are explained
    assert "* the cheapest SKU that fits. GPUs: what the replicas need; USD/month pays for the whole units" in out


def test_a_misspelt_engine_in_a_sizing_file_is_refused_not_sized_as_generic(capsys, tmp_path):
    """``serving_engine = "sglan"`` was sized with the generic profile without a word; it is now
    a one-line error (exit 2) naming the engines. Aliases and spelling variants still load."""
    text = (ROOT / "examples" / "chat-assistant.toml").read_text("utf-8")
    typo = tmp_path / "typo.toml"
    typo.write_text(text.replace('serving_engine = "vllm"', 'serving_engine = "sglan"'), "utf-8")
    assert main(["size", str(typo)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown serving engine 'sglan'; use vllm, sglang" in err
    assert "Value error" not in err
    for spelling in ("TensorRT LLM", "trtllm", "tgi", "other"):
        ok = tmp_path / "ok.toml"
        ok.write_text(text.replace('serving_engine = "vllm"', f'serving_engine = "{spelling}"'), "utf-8")
        assert main(["size", str(ok)]) == 0, spelling
        capsys.readouterr()


def test_batch_refuses_a_column_it_does_not_read(tmp_path, capsys):
    """A misspelt ``expert_paralel`` was ignored (EP stayed off, no word): now a one-line error."""
    csv_file = tmp_path / "typo.csv"
    csv_file.write_text("model,gpu,gpus,input_tokens,output_tokens,expert_paralel\n"
                        "mixtral-8x7b,h100-sxm,2,1000,200,1\n", "utf-8")
    assert main(["estimate", "--batch", str(csv_file)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown column 'expert_paralel'" in err


def test_batch_table_keeps_every_digit_at_100_columns_and_says_why_a_row_is_missing(tmp_path, capsys, monkeypatch):
    """At 120 columns the bands ended in "…" ("(2,166-…") and an unknown model read "does not
    fit" in the narrow last column. The figures now keep their digits at 100 columns, a refused
    row names its CSV line and the reason follows the table; --json rows carry ``line``."""
    monkeypatch.setenv("COLUMNS", "100")
    csv_file = tmp_path / "rows.csv"
    csv_file.write_text("model,gpu,gpus,tensor_parallel,input_tokens,output_tokens,concurrency,engine\n"
                        "deepseek-x,h100-sxm,2,,1000,200,1,\n"
                        "deepseek-r1,b200,8,8,1024,1024,64,sglang\n", "utf-8")
    assert main(["estimate", "--batch", str(csv_file), "--json"]) == 0
    refused, served = json.loads(capsys.readouterr().out)
    assert (refused["line"], refused["refused"], served["line"]) == (2, True, 3)
    band = f"({served['output_tokens_per_s_low']:,.0f}-{served['output_tokens_per_s_high']:,.0f})"
    assert main(["estimate", "--batch", str(csv_file)]) == 0
    out = capsys.readouterr().out
    assert band in out and "…" not in out
    assert "(line 2)" in out and "line 2: refused: unknown model 'deepseek-x'" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_estimate_says_what_it_ignores_and_breaks_tp_ties_on_ttft():
    """Four of 12 GPUs left over at TP8, and --expert-parallel on a dense model, were dropped
    without a word; two TP sizes that queue at the same tokens/s took the smaller one with four
    times the TTFT."""
    from kickoff_tui.sizing import estimate

    idle = estimate("llama-3.1-70b", "h100-sxm", 12, 1000, 200, concurrency=8, tensor_parallel=8,
                    expert_parallel=True)
    assert idle.fits and idle.replicas == 1
    assert "4 of the 12 GPUs serve nothing" in idle.layout_note
    assert "ignored for llama-3.1-70b" in idle.layout_note
    tie = estimate("deepseek-r1", "b200", 16, 32000, 400, concurrency=32, engine="sglang")
    assert tie.tensor_parallel == 8 and "a tie in tokens/s: the shortest TTFT" in tie.layout_note
    narrow = estimate("deepseek-r1", "b200", 16, 32000, 400, concurrency=32, engine="sglang", tensor_parallel=4)
    assert narrow.output_tokens_per_s == pytest.approx(tie.output_tokens_per_s, rel=0.005)
    assert tie.ttft_ms < narrow.ttft_ms


def test_a_system_that_ships_liquid_cooled_says_so_not_that_its_racks_need_it():
    """MI355X systems are liquid-cooled whatever the rack density: the warning read "racks of
    15.2 kW need direct liquid cooling" while the cooling row said the density alone allows air."""
    from kickoff_tui.sizing import SizingInputs, size

    spec = size(SizingInputs(model="deepseek-r1", gpu="mi355x", serving_engine="atom", peak_concurrency=64,
                             cooling="rdhx", rack_power_kw=35))
    assert "MI355X 288GB systems ship with direct liquid cooling only; the facility offers rear-door" in " ".join(spec.warnings)
    assert not any(w.startswith("racks of") for w in spec.warnings)


def test_the_sku_comparison_says_which_build_of_the_engine_each_row_used(capsys, tmp_path):
    """SGLang answered, no GPU fixed: AMD rows are sized with SGLang on ROCm, NVIDIA rows with the
    CUDA build; each row carries its engine and the table names the build where it differs from
    the spec's."""
    from kickoff_tui.sizing import SizingInputs, size

    spec = size(SizingInputs(model="deepseek-r1", serving_engine="sglang", peak_concurrency=120,
                             ttft_target_ms=1000, tpot_target_ms=50, rack_power_kw=35, cooling="rdhx"))
    engines = {o.gpu: o.engine for o in spec.comparison}
    assert engines["mi300x"] == "sglang-rocm" and engines["h200-sxm"] == "sglang"
    other = next(o for o in spec.comparison if o.fits and o.engine != spec.engine)
    path = tmp_path / "ds.toml"
    path.write_text('model = "deepseek-r1"\nserving_engine = "sglang"\npeak_concurrency = 120\n'
                    'ttft_target_ms = 1000\ntpot_target_ms = 50\nrack_power_kw = 35\ncooling = "rdhx"\n', "utf-8")
    assert main(["size", str(path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    rows = rows.get("spec", rows)["comparison"]
    assert {r["gpu"]: r["engine"] for r in rows} == engines
    from kickoff_tui.record.text import engine_words

    assert main(["size", str(path)]) == 0
    assert f"with {engine_words(other.engine)}" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("line", ["peak_concurrency = true", "use_case = false", "avg_input_tokens = true",
                                  "gpu_memory_utilization = true"])
def test_a_yes_no_where_a_number_or_choice_belongs_is_refused(tmp_path, capsys, line):
    """TOML ``true`` in a number field was read as 1 (one request in flight sized the fleet)."""
    path = tmp_path / "answers.toml"
    path.write_text(line + "\n")
    assert main(["size", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{line.split()[0]}: a number or a choice, not" in err
    # a yes/no question still takes one
    path.write_text('size_for_max_context = false\nprefix_caching = true\nmodel = "llama-3.1-8b"\n')
    assert main(["size", str(path), "--json"]) == 0


@pytest.mark.parametrize("text", ["", "# nothing answered yet\n", "[inputs]\n", 'title = "x"\ndescription = "y"\n[planning]\n'])
def test_a_sizing_file_with_no_answer_is_refused(tmp_path, capsys, text):
    """An empty file (a truncated copy, the wrong file) was sized from the defaults alone and
    printed a spec for a chat assistant nobody described."""
    path = tmp_path / "answers.toml"
    path.write_text(text)
    for command in ("size", "cost"):
        assert main([command, str(path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "no sizing inputs" in err and str(path) in err


def test_a_rack_feed_below_one_node_never_reads_as_zero_racks(tmp_path, capsys, monkeypatch):
    """A 3 kW feed cannot host a 10.2 kW DGX H100: the Racks row read "0" (as if none were
    needed) beside a warning; it now says none can host a node, and why, in numbers."""
    from kickoff_tui.record.summary import spec_rows
    from kickoff_tui.sizing import SizingInputs, size

    path = tmp_path / "answers.toml"
    path.write_text('model = "llama-3.1-70b"\ngpu = "h100-sxm"\npeak_concurrency = 50\nrack_power_kw = 3\n')
    monkeypatch.setenv("COLUMNS", "240")  # each row on one line
    assert main(["size", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "│ Racks │ none: a 10.2 kW node outdraws the rack feed │" in out
    assert "one DGX H100 node draws 10.2 kW but a 3 kW rack feed carries 2.4 kW" in out
    spec = size(SizingInputs(model="llama-3.1-70b", gpu="h100-sxm", peak_concurrency=50, rack_power_kw=3))
    assert dict(spec_rows(spec))["Racks"] == "none: a 10.2 kW node outdraws the rack feed"
    roomy = size(SizingInputs(model="llama-3.1-70b", gpu="h100-sxm", peak_concurrency=50, rack_power_kw=40))
    assert dict(spec_rows(roomy))["Racks"] == "1" and roomy.racks_text == "1"


def test_a_rack_figure_takes_the_article_it_is_read_with():
    """"a 8 kW rack feed" (a TUI audit): an 8, an 11, an 18, an 80; a 3, a 35, a 100."""
    from kickoff_tui.sizing.sizer import _rack_words, article

    assert [article(n) for n in ("8", "11", "18", "80", "800", "18.5")] == ["an"] * 6
    assert [article(n) for n in ("3", "35", "100", "110", "1800")] == ["a"] * 5
    assert _rack_words(8, "breaker").startswith("an 8 kW rack feed carries 6.4 kW")
    assert _rack_words(35, "it-cap").startswith("a 35 kW IT-load cap per rack")
