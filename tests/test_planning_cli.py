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
