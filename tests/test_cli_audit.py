"""Findings of the headless-CLI audit (2026-12): each test runs a command the README or docs/
show and checks what the user reads against the same figure elsewhere."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kickoff_tui.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SESSION = str(EXAMPLES / "session-support-assistant.toml")
PORTFOLIO_SESSION = str(EXAMPLES / "session-portfolio.toml")
CASES = ROOT.parent / "shared" / "calibration" / "cases.csv"


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:
                code = int(exit_.code or 0)
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


# --- --json carries schema_version on every command (README, docs/planning.md conventions) ----


def test_estimate_json_carries_schema_version():
    code, out, _ = run("estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--gpus", "1",
                       "--input-tokens", "500", "--output-tokens", "100", "--json")
    assert code == 0 and json.loads(out)["schema_version"] == 1


@pytest.mark.parametrize("command", ["portfolio", "size"])
def test_portfolio_json_carries_schema_version(command):
    code, out, _ = run(command, str(EXAMPLES / "portfolio.toml"), "--json")
    data = json.loads(out)
    assert code == 0 and data["schema_version"] == 1 and "portfolio" in data


@pytest.mark.skipif(not CASES.exists(), reason="shared calibration data not checked out")
def test_calibrate_json_carries_schema_version():
    code, out, _ = run("calibrate", str(CASES), "--json")
    data = json.loads(out)
    assert code == 0 and data["schema_version"] == 1 and data["overall"]["rows"] > 0


# --- what `kickoff size` prints -------------------------------------------------------------


def test_size_from_stdin_names_stdin_not_a_temporary_path():
    text = (EXAMPLES / "chat-assistant.toml").read_text()
    code, out, _ = run("size", "-", stdin=text)
    assert code == 0
    assert "Sized spec for <stdin>" in out and "kickoff-stdin" not in out


def test_size_with_a_fixed_gpu_does_not_call_another_sku_recommended():
    code, out, _ = run("size", str(EXAMPLES / "bank-rag.toml"))
    assert code == 0
    assert "Recommended: b200" not in out
    assert "Cheapest in the comparison:" in out and "sized on h200-sxm" in out


def test_size_of_a_session_with_a_quoted_price_explains_the_gpu_rows():
    """The GPU rows are at the catalog price ($49,669); the one monthly cost uses the quoted
    $2.45/GPU-h ($42,924 + $6,000 staff = $48,924): "before staff" would contradict it."""
    code, out, _ = run("size", SESSION)
    flat = " ".join(out.split())
    assert code == 0 and "Cost per month: $48,924" in flat
    assert "The GPU rows above are before staff" not in flat
    assert "at the catalog GPU price ($49,669/month)" in flat and "$42,924/month + staff $6,000/month" in flat
    assert "at the quoted $2.45/GPU-h" in flat


def test_size_table_puts_what_survives_in_value_and_why_in_why_and_counts_in_words():
    """The Survives row held the whole sentence in Value with Why empty; the two cost-per-token
    rows printed the same derivation twice; racks read "1 rack(s), up to 3 node(s)"."""
    code, out, _ = run("size", SESSION)
    assert code == 0
    line = next(ln for ln in out.splitlines() if ln.startswith("│ Survives"))
    cells = [c.strip() for c in line.strip("│").split("│")]
    assert cells[1].startswith("one replica (GPU) failing") and cells[2].startswith("11 of 12 replicas")
    assert "(the derivation in the row above)" in out
    flat = " ".join(out.split())
    assert "rack(s)" not in flat and "node(s)" not in flat and "1 rack, up to 3 nodes each" in flat


def test_size_on_the_purchase_basis_names_what_the_gpu_cost_counts_not_a_quote(tmp_path: Path):
    """Bought, the monthly GPU cost adds the server share and power to the catalog GPU price:
    the line said "prices the GPUs at $30,000/GPU (Kickoff estimate)", the catalog price itself,
    as if a quote explained the gap."""
    buy = tmp_path / "buy.toml"
    text = (EXAMPLES / "chat-assistant.toml").read_text()
    assert 'price_basis = "reserved-1y"' in text
    buy.write_text(text.replace('price_basis = "reserved-1y"', 'price_basis = "purchase"'))
    code, out, _ = run("size", str(buy))
    flat = " ".join(out.split())
    assert code == 0 and "counts the GPUs as bought" in flat, flat[-600:]
    assert "quoted" not in flat and "prices the GPUs at" not in flat


# --- cooling in words, everywhere a spec is shown -------------------------------------------


def test_portfolio_fleet_names_the_cooling_in_words():
    code, out, _ = run("portfolio", PORTFOLIO_SESSION)
    row = next(line for line in out.splitlines() if "Cooling" in line)
    assert "rear-door heat exchanger" in row and "rdhx" not in row


def test_replay_state_names_cooling_and_the_catalog_gpu_cost():
    code, out, _ = run("replay", SESSION)
    assert code == 0
    cooling = next(line for line in out.splitlines() if line.strip().startswith("Cooling"))
    assert "rear-door heat exchanger" in cooling
    assert "Cost per month (USD)" not in out  # the report's one monthly cost is $48,924, not this
    assert "GPU cost per month (USD, catalog price, before staff)" in out


# --- the Markdown report --------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> str:
    code, out, _ = run("export", SESSION, "--markdown", "--out", "-")
    assert code == 0
    return out


def test_report_spec_table_names_cooling_in_words(report):
    assert "| Cooling | rear-door heat exchanger |" in report and "| Cooling | rdhx |" not in report


def test_report_staff_is_not_labelled_a_gpu_cost(report):
    assert "staff GPU cost per month" not in report
    assert "**operations staff per month**: $6,000/month" in report


def test_report_cost_per_million_tokens_reads_once(report):
    assert "/M tokens** per million tokens" not in report
    assert "**$0.290 per million tokens** (input + output), and $5.25 per million output tokens" in report


def test_report_business_verdict_matches_the_memo(report):
    memo = report.split("## Status")[0]
    assert "Business case (reserved-1y): **adequate**" in memo
    assert "## Business case\n\n**ADEQUATE**:" in report


def test_report_cost_table_per_million_matches_kickoff_cost(report):
    """`kickoff cost` and the report's cost table give the same per-million figures per basis
    (staff included), not a GPU-only figure in one and the total in the other."""
    code, out, _ = run("cost", SESSION)
    assert code == 0
    cli = {}
    for line in out.splitlines():
        m = re.match(r"│ ([a-z0-9-]+)(?: \*)? +│.*│ +(\$[\d.,]+) │ +(\$[\d.,]+) │ +[\d.%-]+ +│$", line)
        if m:
            cli[m.group(1)] = (m.group(2), m.group(3))
    md = {}
    for line in report.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 7 and cells[1].endswith("/month") and cells[0].split()[0] in cli:
            md[cells[0].split()[0]] = (cells[3], cells[4])
    assert cli and md.keys() == cli.keys()
    assert md == cli


# --- deployment files -------------------------------------------------------------------------


def test_deploy_readme_says_why_that_tensor_parallel(tmp_path):
    """bank-rag: TP1 and TP2 hold the FP8 70B weights on an H200; TP4 is chosen because it meets
    the SLOs with the fewest GPUs, so "smallest TP that fits in memory" was wrong."""
    code, _, _ = run("deploy", str(EXAMPLES / "bank-rag.toml"), "--out", str(tmp_path))
    text = (tmp_path / "README.md").read_text()
    assert code == 0 and "| tensor parallel | 4 |" in text
    assert "smallest TP that fits in memory" not in text and "fewest GPUs bought" in text


def test_the_readme_deploy_targets_all_run(tmp_path):
    """Every `kickoff deploy` line of the README, on a sizing example."""
    file = str(EXAMPLES / "bank-rag.toml")
    readme = (ROOT / "README.md").read_text()
    lines = [line for line in readme.splitlines() if line.startswith("$ kickoff deploy FILE")]
    assert len(lines) >= 4
    for i, line in enumerate(lines):
        words = line.split("#")[0].split("|")[0].split()[2:]  # drop "$ kickoff"
        words = [file if w == "FILE" else str(tmp_path / f"d{i}") if w == "deploy/" else w for w in words]
        proc = subprocess.run([sys.executable, "-m", "kickoff_tui", *words], capture_output=True,
                              text=True, cwd=ROOT)
        assert proc.returncode == 0, (line, proc.stderr)


def test_kickoff_cost_words_an_adequate_business_case_as_the_report_does():
    """The report says ADEQUATE, the app "adequate"; `kickoff cost` still said "OK"."""
    code, out, _ = run("cost", SESSION)
    line = next(x for x in out.splitlines() if x.startswith("Business case"))
    assert code == 0 and "ADEQUATE" in line and " OK " not in f" {line} ", line


def test_the_growth_note_names_no_cli_flag_but_the_cli_adds_its_own():
    """The planning layer's note reached the app's Plan tab as "(or pass --monthly-growth 0.05
    on the CLI)"; the flag is the command's to mention."""
    from kickoff_tui.planning import growth_report
    from kickoff_tui.planning.growth import GrowthSettings
    from kickoff_tui.sizing import SizingInputs, size

    inputs = SizingInputs()
    notes = growth_report(size(inputs), inputs, GrowthSettings()).notes
    assert any("no monthly growth rate" in n for n in notes) and not any("--" in n for n in notes)
    code, out, _ = run("growth", str(EXAMPLES / "bank-rag.toml"))
    assert code == 0 and "--monthly-growth 0.05" in out


def test_an_answer_refused_after_the_file_loaded_names_the_file(tmp_path: Path):
    """A hand-written session without a questionnaire version loads; its bad answer is refused
    when sized, and the one-line error said which question but not which file."""
    bad = tmp_path / "hand-made.toml"
    bad.write_text('schema_version = 1\nid = "s"\ntitle = "x"\ncreated = 2026-01-15 09:00:00+00:00\n'
                   'updated = 2026-01-15 09:00:00+00:00\nquestionnaire_id = "kickoff"\n'
                   '[answers.use_case]\nvalue = "rga"\nanswered_by = "a"\nrole = "app_owner"\n'
                   'at = 2026-01-15 09:14:00+00:00\n', encoding="utf-8")
    for command in ("size", "cost", "growth"):
        code, out, err = run(command, str(bad))
        assert code == 2 and err.count("\n") == 1, (command, err)
        assert err.startswith(f"kickoff: {bad}: question 'use_case'"), (command, err)
    code, _, err = run("size", "-", stdin=bad.read_text())
    assert code == 2 and err.startswith("kickoff: <stdin>: question 'use_case'"), err
    foreign = Path(__file__).parent / "data" / "bad" / "session-foreign-questionnaire.toml"
    code, _, err = run("replay", str(foreign))
    assert code == 2 and err.startswith(f"kickoff: {foreign}: session ") and "--questionnaire" in err


@pytest.mark.skipif(not CASES.exists(), reason="shared calibration data not checked out")
def test_calibrate_worst_rows_keep_metric_and_error_whole_at_80_columns(monkeypatch):
    """Eleven columns at 80 (or 120) columns cut the metric to "ttft_p50_…" / "TTFT …" and the
    error to "+3…": which row missed, and by how much, could not be read."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run("calibrate", str(CASES), "--worst", "4")
    assert code == 0
    table = out.split("Worst 4 rows", 1)[1]
    assert "…" not in table
    errors = re.findall(r"│ +([+-]\d+%) │", table)
    assert len(errors) == 4, table
    assert any(w in table for w in ("TTFT ms", "TPOT ms", "tokens/s"))


@pytest.mark.parametrize("which", ["gpus", "models"])
@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_catalog_tables_keep_ids_and_figures_whole_at_any_width(monkeypatch, which, columns):
    """The GPU table cut the precisions to "fp16,bf16,fp…" at 120 columns and the ids to "a10…"
    at 80; the model table cut "131,072" to "131,0…". Columns that do not fit are left out
    and named instead."""
    from kickoff_tui.catalog import gpus, models

    monkeypatch.setenv("COLUMNS", columns)
    code, out, _ = run("catalog", which)
    assert code == 0 and "…" not in out
    assert max(len(line) for line in out.splitlines()) <= int(columns)
    # nothing cropped at the right edge either: every table line ends on its border
    table = [ln.rstrip() for ln in out.splitlines() if ln[:1] in ("┏", "┃", "┡", "│", "└")]
    assert table and all(ln[-1] in "┓┃┩│┘" for ln in table)
    for item in (gpus() if which == "gpus" else models()):
        assert f"│ {item.id} " in out
    if columns == "120" and which == "gpus":
        assert "left out" not in out
    if columns == "60":
        assert "left out at this width: " in " ".join(out.split()) and "name" in out.split("left out")[1]


def test_size_comparison_at_80_columns_lists_notes_under_the_table(monkeypatch):
    """At 80 columns the note column was five letters wide ("with / vLLM / (ROC…", twenty lines
    a GPU) and the recommended GPU read "h200-…"."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run("size", str(EXAMPLES / "chat-assistant.toml"))
    assert code == 0
    table = out.split("SKU comparison", 1)[1].split("Notes:", 1)
    assert len(table) == 2 and "h200-sxm *" in table[0] and "…" not in table[0]
    assert "  mi300x: with vLLM (ROCm)" in table[1] and "~19,316" in table[0]
    assert max(len(line) for line in out.splitlines()) <= 80
    monkeypatch.setenv("COLUMNS", "140")
    code, out, _ = run("size", str(EXAMPLES / "chat-assistant.toml"))
    assert "Notes:" not in out and "(est.)" in out and "┃ note" in out


@pytest.mark.parametrize("columns", ["80", "100", "120"])
def test_batch_table_never_folds_an_id_mid_word(tmp_path: Path, monkeypatch, columns):
    """At 80 columns the ids stacked three letters a line ("dee / pse / ek-") under the bands;
    below 100 columns the bands now go (--json has them) and every id stays whole."""
    rows = tmp_path / "rows.csv"
    rows.write_text("model,gpu,gpus,input_tokens,output_tokens,concurrency,engine,expert_parallel\n"
                    "deepseek-r1,b200,8,1024,1024,32,sglang,8\nllama-3.3-70b,h100-sxm,2,2000,300,16,,\n"
                    "qwen3-235b-a22b,mi355x,8,1024,1024,64,atom,\n", encoding="utf-8")
    monkeypatch.setenv("COLUMNS", columns)
    code, out, _ = run("estimate", "--batch", str(rows))
    assert code == 0 and max(len(line) for line in out.splitlines()) <= int(columns)
    for word in ("deepseek-r1", "llama-3.3-70b", "qwen3-235b-a22b", "h100-sxm", "mi355x", "sglang",
                 "memory", "(queued)"):
        assert word in out, (columns, word)
    assert ("(band)" in out) == (int(columns) >= 100)


def test_a_signed_spec_naming_an_unknown_gpu_is_refused_on_loading(tmp_path: Path):
    """A received session whose signed spec says gpu = "../../etc" loaded, and `export` then
    stopped half-way with "unexpected error" (exit 1)."""
    text = (EXAMPLES / "session-support-assistant.toml").read_text(encoding="utf-8")
    head, signed = text.split("\n[signed_spec]\n", 1)
    assert '\ngpu = "h100-sxm"\n' in signed
    bad = tmp_path / "received.toml"
    bad.write_text(head + "\n[signed_spec]\n" + signed.replace('\ngpu = "h100-sxm"\n', '\ngpu = "../../etc"\n', 1),
                   encoding="utf-8")
    for args in (("export", "--markdown", "--out", str(tmp_path / "r.md")), ("replay",), ("size",)):
        code, out, err = run(*args, str(bad))
        assert code == 2 and err.count("\n") == 1 and "unexpected" not in err, (args, err)
        assert f"{bad}: 1 problem: signed_spec.gpu: unknown GPU '../../etc'" in err
    assert not (tmp_path / "r.md").exists()


@pytest.mark.parametrize(("field", "value"), [("total_gpus", "-5"), ("nodes", "-1"), ("it_power_kw", "-0.5"),
                                            ("cost_per_month", "-100.0")])
def test_a_signed_spec_with_a_negative_figure_is_refused_on_loading(tmp_path: Path, field: str, value: str):
    """``total_gpus = -5`` in a hand-edited signed spec reached the memo and the replay as the
    figure IT signed."""
    text = (EXAMPLES / "session-support-assistant.toml").read_text(encoding="utf-8")
    head, signed = text.split("\n[signed_spec]\n", 1)
    body, rest = signed.split("\n[", 1)
    edited, count = re.subn(rf"^{field} = .*$", f"{field} = {value}", body, count=1, flags=re.M)
    assert count == 1, field
    bad = tmp_path / "received.toml"
    bad.write_text(head + "\n[signed_spec]\n" + edited + "\n[" + rest, encoding="utf-8")
    for args in (("export", "--markdown", "--out", str(tmp_path / "r.md")), ("replay",), ("size",)):
        code, out, err = run(*args, str(bad))
        assert code == 2 and err.count("\n") == 1, (args, err)
        assert f"signed_spec.{field}: {float(value) if '.' in value else value} is not a figure" in err, err
    assert not (tmp_path / "r.md").exists()


@pytest.mark.parametrize("name", ["..", "../../etc", " ", "-rf"])
def test_a_session_workload_the_app_could_not_name_is_refused_on_loading(tmp_path: Path, name: str):
    """A received portfolio session with a workload named ".." loaded; `export --deploy` then
    stopped with pydantic's three-line message (its name becomes a folder of the deploy files)."""
    text = (EXAMPLES / "session-portfolio.toml").read_text(encoding="utf-8")
    assert text.count('"chat assistant"') > 2
    bad = tmp_path / "received.toml"
    bad.write_text(text.replace('"chat assistant"', json.dumps(name)), encoding="utf-8")
    for args in (("export", "--deploy", str(tmp_path / "deploy")), ("replay",), ("portfolio",)):
        code, out, err = run(*args, str(bad))
        assert code == 2 and err.count("\n") == 1 and "pydantic" not in err, (args, err)
        assert f"{bad}: 1 problem: workloads[1].name: a workload" in err, err
    assert not (tmp_path / "deploy").exists()


def test_an_unknown_catalog_id_anywhere_is_bad_input_not_an_unexpected_error(monkeypatch):
    """CatalogError is a ValueError, not a KickoffError: one that escaped a command printed
    "unexpected error" with exit 1; it is bad input (exit 2, one line)."""
    from kickoff_tui.catalog import CatalogError
    from kickoff_tui.commands import sizing

    def boom(args):  # noqa: ANN001, ANN202
        raise CatalogError("unknown GPU 'x9000'")

    monkeypatch.setattr(sizing, "cmd_size", boom)
    code, _, err = run("size", str(EXAMPLES / "chat-assistant.toml"))
    assert code == 2 and err == f"kickoff: {EXAMPLES / 'chat-assistant.toml'}: unknown GPU 'x9000'\n"


def test_fuzzed_counts_and_measurements_are_refused_in_one_line(tmp_path: Path):
    """From a fuzz run: --top -1 / --worst -1 acted as Python slices (every row but the last);
    a measured inf printed "math domain error", 0 dropped the row, 1e-300 a 300-digit error;
    --concurrency 1e308 gave TTFT inf with exit 0."""
    code, _, err = run("sensitivity", "--top", "-1", str(EXAMPLES / "chat-assistant.toml"))
    assert code == 2 and "--top: must be at least 1, got -1" in err
    code, _, err = run("calibrate", "--worst", "-1", str(EXAMPLES / "chat-assistant.toml"))
    assert code == 2 and "--worst: must be at least 0, got -1" in err
    head = "source,model,gpu,gpus,tensor_parallel,precision,kv_precision,input_tokens,output_tokens,concurrency,metric,measured\n"
    for value in ("inf", "nan", "0", "-1", "1e-300"):
        csv_file = tmp_path / f"m{value}.csv"
        csv_file.write_text(head + f"x,llama-3.3-70b,h100-sxm,2,2,fp8,,5000,500,1,ttft_ms,{value}\n", encoding="utf-8")
        code, _, err = run("calibrate", str(csv_file))
        assert code == 2 and err.count("\n") == 1, (value, err)
        assert "line 2: measured must be a positive finite measurement" in err, (value, err)
    code, _, err = run("estimate", "--model", "llama-3.3-70b", "--gpu", "h100-sxm", "--gpus", "8",
                       "--input-tokens", "1000", "--output-tokens", "200", "--concurrency", "1e308")
    assert code == 2 and "concurrency must be at most 100,000,000" in err
