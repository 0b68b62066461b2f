"""`kickoff cost|growth|sensitivity|deploy|scorecard`: output, JSON, files, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kickoff_tui.cli import main

ROOT = Path(__file__).resolve().parents[1]
CHAT = str(ROOT / "examples" / "chat-assistant.toml")
SESSION = ROOT / "examples" / "session-support-assistant.toml"

SMALL = """\
title = "small"
model = "llama-3.1-8b"
gpu = "l40s"
peak_concurrency = 40
avg_input_tokens = 2000
avg_output_tokens = 300
burst_factor = 2.0
expected_growth = 0.5

[planning.cost]
on_demand_usd_per_gpu_hour = 1.5
price_provider = "ACME"
price_date = "2026-09-01"

[planning.growth]
monthly_rate = 0.1
months = 12

[planning.business]
value_per_request_usd = 0.02
"""


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return str(path)


def test_cost_table_with_traces(small, capsys):
    assert main(["cost", small]) == 0
    out = capsys.readouterr().out
    assert "reserved-3y" in out and "buy" in out
    assert "ACME" in out and "2026-09-01" in out
    assert "How each figure was computed" in out and "spec.gpus_bought" in out  # whole units
    assert "Business case" in out


def test_cost_json_and_flags(small, capsys):
    assert main(["cost", small, "--json", "--on-demand", "2.0", "--api-price-out", "5"]) == 0
    data = json.loads(capsys.readouterr().out)
    od = next(o for o in data["cost"]["options"] if o["option"] == "on-demand")
    assert od["quote"]["usd_per_gpu_hour"] == 2.0
    assert data["cost"]["managed_api"] and data["business"]["verdict"] in (
        "strong",
        "adequate",
        "weak",
        "red",
    )


def test_cost_of_an_example_agrees_with_size(capsys):
    from kickoff_tui.commands.sizing import load_inputs
    from kickoff_tui.sizing import size

    spec = size(load_inputs(CHAT)[0])
    assert main(["cost", CHAT, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["cost"]
    chosen = next(o for o in data["options"] if o["option"] == data["chosen_option"])
    assert chosen["per_month"]["value"] == pytest.approx(spec.cost_per_month, abs=1)


def test_growth(small, capsys):
    assert main(["growth", small, "--ascii"]) == 0
    out = capsys.readouterr().out
    assert "Spec per growth scenario" in out and "aggressive 3x" in out and "expected +50%" in out
    assert "month" in out and "GPUs sized" in out
    assert main(["growth", small, "--json", "--scenario", "1.2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["multiplier"] for s in data["scenarios"]][0] == 1.2
    assert data["monthly_rate"]["value"] == 0.1


def test_sensitivity(small, capsys):
    assert main(["sensitivity", small, "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert "Sensitivity of" in out and "change in GPUs bought" in out
    assert main(["sensitivity", small, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"] and data["baseline_gpus"] >= 1


def test_deploy_writes_files(small, tmp_path, capsys):
    out_dir = tmp_path / "deploy"
    assert main(["deploy", small, "--out", str(out_dir), "--engine", "sglang"]) == 0
    printed = capsys.readouterr().out.split()
    assert len(printed) == 9 and all(Path(p).exists() for p in printed)
    assert "sglang.launch_server" in (out_dir / "kubernetes.yaml").read_text()


def test_deploy_streams_to_stdout_for_kubectl(small, tmp_path, capsys, monkeypatch):
    import yaml

    monkeypatch.chdir(tmp_path)
    assert main(["deploy", small, "--out", "-", "--target", "k8s"]) == 0
    docs = [d for d in yaml.safe_load_all(capsys.readouterr().out) if d]
    kinds = [d["kind"] for d in docs]
    assert kinds[:2] == ["Deployment", "Service"] and "PrometheusRule" in kinds
    assert "HorizontalPodAutoscaler" in kinds and "ServiceMonitor" in kinds
    assert not (tmp_path / "-").exists()  # no folder called '-'
    assert main(["deploy", small, "--out", "-", "--target", "helm-production-stack"]) == 0
    values = yaml.safe_load(capsys.readouterr().out)
    assert values["servingEngineSpec"]["modelSpec"][0]["replicaCount"] >= 1


def test_deploy_json_and_bad_names(small, tmp_path, capsys):
    assert main(["deploy", small, "--out", str(tmp_path / "d"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == 1 and len(data["written"]) == 9
    assert main(["deploy", small, "--out", "-", "--name", "123"]) == 2
    assert "must start with a letter" in capsys.readouterr().err
    assert main(["deploy", small, "--out", "-", "--name", "yes"]) == 0
    assert "name: 'yes'" in capsys.readouterr().out


def test_json_outputs_carry_a_schema_version(small, capsys):
    for argv in (["cost", small, "--json"], ["growth", small, "--json"],
                 ["sensitivity", small, "--json"], ["scorecard", "--example", "--json"]):
        assert main(argv) == 0
        assert json.loads(capsys.readouterr().out)["schema_version"] == 1, argv


def test_exit_codes(small, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('model = "llama-3.1-405b"\ngpu = "l4"\npeak_concurrency = 500\n')
    assert main(["size", str(bad)]) == 1  # ran fine; the answer is "cannot be served"
    assert main(["size", str(bad), "--json"]) == 1
    for command in (["deploy", str(bad), "--out", "-"], ["cost", str(bad)], ["growth", str(bad)]):
        assert main(command) == 1, command  # the same answer from every command
        assert "no feasible spec" in capsys.readouterr().err
    bad.write_text('model = "no-such-model"\n')
    assert main(["size", str(bad)]) == 2  # bad input
    assert main(["size", small]) == 0


def test_did_you_mean(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["sizee", "x"])
    assert exit_.value.code == 2
    assert "did you mean 'size'?" in capsys.readouterr().err


def test_completion_scripts(tmp_path, capsys):

    for shell in ("bash", "zsh"):
        assert main(["completion", shell]) == 0
        script = capsys.readouterr().out
        assert "deploy)" in script and "--target" in script and "helm-production-stack" in script
        path = tmp_path / f"c.{shell}"
        path.write_text(script)
        if shell == "bash":
            assert subprocess.run(["bash", "-n", str(path)]).returncode == 0
            # complete `kickoff dep` and `kickoff deploy --tar` in a real bash
            probe = (
                f"source {path}; COMP_WORDS=(kickoff dep); COMP_CWORD=1; _kickoff; "
                'echo "${COMPREPLY[*]}"; COMP_WORDS=(kickoff deploy --tar); COMP_CWORD=2; '
                '_kickoff; echo "${COMPREPLY[*]}"'
            )
            out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True).stdout
            assert out.splitlines()[:2] == ["deploy", "--target"]


def _run(*argv, stdin=None, env=None):
    import os

    return subprocess.run(
        [sys.executable, "-m", "kickoff_tui.cli", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_stdin_pipes_and_width(small, monkeypatch, capsys):
    import io

    def stdin(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8"))

    stdin(Path(small).read_text())
    assert main(["size", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["feasible"]
    stdin("model = 5\n")
    assert main(["size", "-"]) == 2
    assert capsys.readouterr().err.startswith("kickoff: <stdin>:")
    monkeypatch.setenv("COLUMNS", "70")
    assert main(["size", small]) == 0
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= 70
    # a reader that stops early: exit 0 and nothing on stderr

    shell = f"{sys.executable} -m kickoff_tui.cli replay {SESSION} --json | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True)
    assert done.stdout.strip() == "0" and done.stderr == ""


def test_json_on_export_questionnaire_and_replay(tmp_path, capsys):
    copy = tmp_path / "s.toml"
    copy.write_text(SESSION.read_text("utf-8"), "utf-8")
    assert main(["export", str(copy), "--html", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == 1 and data["written"] == [str(tmp_path / "s.html")]
    assert main(["questionnaire", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["schema_version"] == 1 and shown["questions"][0]["id"]
    root = Path(__file__).resolve().parents[1]
    assert main(["questionnaire", "check", str(root / "questionnaires" / "kickoff.toml"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert main(["replay", str(copy), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["schema_version"] == 1


def test_export_html_to_stdout_and_markdown_from_stdin(monkeypatch, capsys):
    import io

    assert main(["export", str(SESSION), "--html", "--out", "-"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 3
    stdin = io.TextIOWrapper(io.BytesIO(SESSION.read_bytes()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["export", "-", "--markdown"]) == 0  # a report of stdin goes to stdout
    assert "## Decision memo" in capsys.readouterr().out


def test_cost_shows_the_one_monthly_cost_and_both_costs_per_million_tokens(capsys):
    """`kickoff cost` leads with the monthly figure the spec panel and the report show (staff
    included, basis named) and the cost per million tokens, input + output and output only, at
    the average load; the chosen row of the table carries the same figures."""
    from kickoff_tui.commands.sizing import load_inputs
    from kickoff_tui.planning import cost_report
    from kickoff_tui.planning.cost import spec_monthly_cost
    from kickoff_tui.planning.figures import usd
    from kickoff_tui.planning.markdown import cost_markdown
    from kickoff_tui.sizing import size

    bank = str(ROOT / "examples" / "bank-rag.toml")
    inputs = load_inputs(bank)[0]
    spec = size(inputs)
    panel = spec_monthly_cost(spec, inputs)  # what the spec panel shows
    assert main(["cost", bank]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert f"Cost per month: {usd(panel.value)}" in first and panel.basis in first
    report = cost_report(spec, inputs)
    both, output = report.per_million_tokens.value, report.per_million_output_tokens.value
    assert f"${both:,.3f} per million tokens (input + output)" in out
    assert f"{usd(output)} per million output tokens" in out and "average load" in out
    # one monthly figure over fewer tokens: output only = (input + output) x (1 + ISL / OSL)
    assert output == pytest.approx(both * (1 + spec.avg_input_tokens / spec.avg_output_tokens), rel=1e-6)
    row = next(line for line in out.splitlines() if "reserved-1y *" in line)
    assert usd(panel.value) in row and f"${both:,.3f}" in row and usd(output) in row
    section = "\n".join(cost_markdown(report, spec))
    assert f"**{usd(panel.value)}/month**" in section and report.per_million_tokens.text() in section
    assert main(["cost", bank, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["cost"]
    assert data["monthly"]["value"] == pytest.approx(panel.value)
    assert data["per_million_tokens"]["value"] == pytest.approx(both)


def test_size_prints_the_same_one_monthly_cost_as_cost(capsys):
    bank = str(ROOT / "examples" / "bank-rag.toml")
    assert main(["cost", bank]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    figure = first.split("Cost per month: ")[1].split(" ")[0]
    assert main(["size", bank]) == 0
    out = capsys.readouterr().out
    assert f"Cost per month: {figure} (1-year reserved rent, incl. staff)" in out
    assert "per million tokens (input + output)" in out and "GPU cost per month" in out


# --- absurd option values: one line, exit 2 (never an OverflowError or "unexpected error") -------


def _exit_code(argv: list[str]) -> int:
    """The exit code of a command, whether it returns it or argparse exits."""
    try:
        return main(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)


@pytest.mark.parametrize("value", ["1e308", "inf", "nan", "-inf", "1e20", "0", "-1"])
def test_growth_refuses_non_finite_or_absurd_scenarios(value, small, capsys):
    code = _exit_code(["growth", small, f"--scenario={value}"])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kickoff: ") and "--scenario" in lines[0], err
    assert "unexpected error" not in err and "Traceback" not in err
    assert ("finite number" in err) if "inf" in value or "nan" in value else ("at most 1,000" in err)


def test_growth_accepts_the_largest_scenario_and_the_library_never_overflows(small, capsys):
    from kickoff_tui.commands.sizing import load_inputs
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.planning import GrowthSettings, growth_report
    from kickoff_tui.planning.growth import MAX_SCENARIO_MULTIPLIER, grown_inputs
    from kickoff_tui.sizing import size

    assert main(["growth", small, "--json", "--scenario", str(MAX_SCENARIO_MULTIPLIER)]) == 0
    assert json.loads(capsys.readouterr().out)["scenarios"][0]["multiplier"] == 1000
    inputs = load_inputs(small)[0]
    spec = size(inputs)
    for k in (float("inf"), float("nan"), 1e308):
        with pytest.raises(KickoffError, match="not a finite number"):
            grown_inputs(inputs, spec, k)
    with pytest.raises(ValueError, match="less than or equal to 1000"):
        GrowthSettings(scenarios=[1e308])
    with pytest.raises(ValueError, match="finite number"):
        GrowthSettings(scenarios=[float("inf")])
    assert growth_report(spec, inputs, GrowthSettings(scenarios=[1000.0])).scenarios


def _strict_json(text: str):
    """``json.loads`` refusing the NaN / Infinity tokens Python writes and no parser must read."""

    def refuse(token: str):
        raise ValueError(f"invalid JSON token {token}")

    return json.loads(text, parse_constant=refuse)


def test_sensitivity_json_is_valid_when_a_change_cannot_be_served(capsys):
    """chat-assistant: continuous batching off cannot be served, its swing was Infinity."""
    assert main(["sensitivity", CHAT, "--json"]) == 0
    data = _strict_json(capsys.readouterr().out)
    unservable = [r for r in data["rows"] if r["unservable"]]
    assert unservable and all(r["swing"] is None for r in unservable)
    assert data["rows"][0]["unservable"]  # ranks first, as in the table
    assert all(isinstance(r["swing"], (int, float)) for r in data["rows"] if not r["unservable"])
    from kickoff_tui.planning.sensitivity import SensitivityReport

    data.pop("schema_version")
    back = SensitivityReport.model_validate(data)  # null reads back as infinite
    assert back.rows[0].swing == float("inf")
    assert main(["sensitivity", CHAT]) == 0
    assert "cannot be served" in capsys.readouterr().out


@pytest.mark.parametrize(
    "example", sorted(p.name for p in (ROOT / "examples").glob("*.toml"))
)
def test_every_json_output_of_every_example_is_valid_json(example, capsys):
    path = str(ROOT / "examples" / example)
    for command in ("cost", "growth", "sensitivity"):
        code = main([command, path, "--json"])
        out, err = capsys.readouterr()
        assert code in (0, 1, 2) and "unexpected error" not in err, (command, err)
        if out.strip():
            _strict_json(out)


def test_the_json_helper_writes_null_for_non_finite_numbers():
    from kickoff_tui.commands.json_output import dumps

    data = {"a": float("inf"), "b": [float("nan"), 1.5, (float("-inf"),)], "c": "x"}
    assert _strict_json(dumps(data)) == {"a": None, "b": [None, 1.5, [None]], "c": "x"}


@pytest.mark.parametrize(
    "flag, value, said",
    [
        ("--on-demand", "nan", "--on-demand: must be a finite number, got 'nan'"),
        ("--on-demand", "inf", "must be a finite number"),
        ("--pue", "-inf", "must be a finite number"),
        ("--value-per-request", "nan", "must be a finite number"),
        ("--price-date", "2026-13-45", "--price-date: expected a date as YYYY-MM-DD"),
        ("--price-date", "garbage[/]", "expected a date as YYYY-MM-DD, got 'garbage[/]'"),
        ("--price-date", "2026-02-29", "expected a date as YYYY-MM-DD"),
        ("--price-date", "26-1-1", "expected a date as YYYY-MM-DD"),
    ],
)
def test_cost_flags_say_what_is_wrong_in_one_line(flag, value, said, small, capsys):
    code = _exit_code(["cost", small, f"{flag}={value}"])
    err = capsys.readouterr().err
    assert code == 2 and said in err, err
    assert len(err.splitlines()) == 1 and "less than or equal" not in err


def test_a_real_price_date_is_kept(small, capsys):
    assert main(["cost", small, "--json", "--price-date", "2028-02-29"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert any(q["date"] == "2028-02-29" for q in data["cost"]["quotes"])


@pytest.mark.parametrize(
    "argv, said",
    [
        (["estimate", "--precision", "fp3"], "--precision: unknown precision 'fp3'; did you mean 'fp8'?"),
        (["estimate", "--kv-precision", "zz"], "--kv-precision: unknown kv precision 'zz'; choose from"),
        (["deploy", "f", "--out", "x", "--target", "k9s"], "--target: unknown target 'k9s'"),
        (["completion", "fish"], "unknown shell 'fish'; choose from bash, zsh"),
        (["catalog", "gpuz"], "unknown command 'gpuz'; did you mean 'gpus'?"),
    ],
)
def test_an_unknown_option_value_is_not_called_a_command(argv, said, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and said in err, err
    assert len(err.splitlines()) == 1
    if argv[0] != "catalog":
        assert "unknown command" not in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("argv", [["size", CHAT],
                                  ["replay", str(SESSION), "--json"],
                                  ["catalog", "gpus"]])
def test_a_full_standard_output_is_one_line_not_an_unexpected_error(argv):
    """``kickoff size FILE > /dev/full`` ended in "unexpected error: [Errno 28] ...", exit 1 (the
    code for "cannot be served"); it is now one line naming standard output, exit 2."""
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "kickoff_tui.cli", *argv], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "kickoff: cannot write to standard output: No space left on device\n"


def test_a_closed_standard_output_is_read_like_a_closed_pipe(tmp_path):
    """``kickoff ... >&-`` (Python then has no sys.stdout) ended in "unexpected error:
    'NoneType' object has no attribute 'isatty'"; the command now does its work, quietly."""
    out = tmp_path / "r.md"
    shell = (f"{sys.executable} -m kickoff_tui.cli export {SESSION} --markdown --out {out} >&-; echo $? >&2;"
             f"{sys.executable} -m kickoff_tui.cli size {CHAT} >&-; echo $? >&2")
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120)
    assert done.stderr.split() == ["0", "0"], done.stderr
    assert out.read_text(encoding="utf-8").startswith("#")


@pytest.mark.parametrize("text", ['planning = "oops"\n', "planning = 5\n[cost]\nreserved_1y_usd_per_gpu_hour = 1.0\n",
                                  "[[planning]]\n[planning.cost]\nreserved_1y_usd_per_gpu_hour = 1.0\n"])
def test_a_planning_file_whose_planning_is_not_a_table_is_refused(tmp_path, capsys, text):
    """`--planning` dropped a `planning` that was not a table and priced with the defaults: the
    1-year reserved quote of the file was lost without a word (exit 0, $37,113 instead of $15,680)."""
    plan = tmp_path / "plan.toml"
    plan.write_text(text)
    portfolio = str(ROOT / "examples" / "portfolio.toml")
    for command, file in (("cost", CHAT), ("growth", CHAT), ("sensitivity", CHAT), ("cost", portfolio)):
        assert main([command, file, "--planning", str(plan)]) == 2, command
        err = capsys.readouterr().err
        assert err == f"kickoff: {plan}: [planning] must be a table\n", err
    plan.write_text("[cost]\nreserved_1y_usd_per_gpu_hour = 1.0\n")  # the file itself as the table
    assert main(["cost", CHAT, "--planning", str(plan)]) == 0
    assert "$15,680" in capsys.readouterr().out


def test_a_rounded_figure_keeps_its_zeros_before_the_point():
    """num(430.4, 0) read "43" and num(100.4, 0) "1": trailing zeros were stripped from a whole
    number. The decision memo's "TTFT 43 ms" came from there."""
    from kickoff_tui.planning.figures import num

    assert [num(v, 0) for v in (430.4, 100.4, 1234.6, 0.4)] == ["430", "100", "1,235", "0"]
    assert [num(v) for v in (430.40, 2.25, 10.0)] == ["430.4", "2.25", "10"]


def test_a_fractional_request_count_is_shown_as_used(capsys):
    """--requests-per-month 1.4 showed "x 1 requests/month" beside a value computed from 1.4."""
    assert main(["cost", CHAT, "--requests-per-month", "1.4", "--value-per-request", "1"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "x 1.4 requests/month x 12" in out
