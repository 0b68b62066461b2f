"""Replay, diff, Markdown export and the record CLI commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kickoff_tui.cli import main
from kickoff_tui.errors import KickoffError
from kickoff_tui.record import (
    diff_sessions,
    dumps_session,
    load_session,
    rebuild,
    replay_states,
    session_markdown,
    snapshot_spec,
)
from kickoff_tui.record.example import build_example_session

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "session-support-assistant.toml"


@pytest.fixture(scope="module")
def example():
    return load_session(EXAMPLE)


def test_replaying_the_example_reproduces_the_signed_spec(example) -> None:
    states = list(replay_states(example))
    assert [s.step for s in states] == list(range(1, len(example.events) + 1))
    last_signoff = max(s.step for s in states if s.event is not None and s.event.kind == "signoff")
    at_signoff = states[last_signoff - 1]
    assert at_signoff.spec is not None
    assert example.signed_spec is not None
    assert snapshot_spec(at_signoff.spec) == example.signed_spec
    assert at_signoff.open_flags == []


def test_rebuilding_from_events_gives_the_recorded_session(example) -> None:
    assert rebuild(example) == example


def test_example_file_matches_its_builder(example) -> None:
    """The checked-in example is what the builder produces (regenerate it after sizer or catalog
    changes with `python -m kickoff_tui.record.example`)."""
    assert dumps_session(build_example_session()) == EXAMPLE.read_text("utf-8")


def test_replay_shows_the_meeting_moving(example) -> None:
    states = list(replay_states(example, include_start=True))
    assert states[0].step == 0 and states[0].event is None
    by_step = {s.step: s for s in states}
    raised = [s.step for s in states if "fp16-on-fp8-hardware" in {f.id for f in s.open_flags}]
    assert raised, "the example raises the FP16-on-Hopper flag once the GPU is chosen"
    after = by_step[raised[-1] + 1]
    assert after.event is not None and after.event.question == "precision"
    assert "fp16-on-fp8-hardware" not in {f.id for f in after.open_flags}
    gpus = [s.spec.total_gpus for s in states if s.spec is not None]
    assert len(set(gpus)) > 1


def test_replay_upto_stops_at_event(example) -> None:
    states = list(replay_states(example, upto=5))
    assert [s.step for s in states] == [1, 2, 3, 4, 5]
    assert rebuild(example, upto=5).answers.keys() == states[-1].answers.keys()
    with pytest.raises(KickoffError, match="events 1 to"):
        list(replay_states(example, upto=999))


def test_diff_of_identical_sessions_is_empty(example) -> None:
    result = diff_sessions(example, example)
    assert result.is_empty
    assert result.lines()[-1] == "no differences"


def test_diff_finds_inputs_owners_and_spec(example) -> None:
    other = load_session(EXAMPLE)
    other.bind(clock=lambda: example.updated)
    other.record_answer("peak_concurrency", 300, "Sam Lindqvist", "ai_team", "second desk")
    other.record_answer("dev_cluster", "scaled-down", "Priya Raman", "it", "two L40S")
    result = diff_sessions(example, other)
    keys = {(e.section, e.key) for e in result.entries}
    assert ("inputs", "peak_concurrency") in keys
    assert ("owners", "peak_concurrency") in keys
    assert ("answers", "dev_cluster") in keys
    assert ("spec", "total_gpus") in keys
    assert ("signoff", "IT") in keys
    entry = next(e for e in result.entries if e.key == "peak_concurrency" and e.section == "inputs")
    assert (entry.a, entry.b) == ("120", "300")
    assert "re-sized now" in result.b_spec_source


def test_diff_shows_a_replaced_vendor_scorecard(example) -> None:
    """A new scorecard (a tender result) changes the provider IT buys from; diff said "no
    differences" and exited 0."""
    from kickoff_tui.planning.scorecard import Scorecard

    other = load_session(EXAMPLE)
    other.bind(clock=lambda: example.updated)
    card = Scorecard.model_validate({
        "criteria": [{"name": "Price", "weight": 60}, {"name": "Support", "weight": 40}],
        "providers": [{"name": "Alpha", "scores": {"Price": 6, "Support": 9}},
                      {"name": "Beta", "scores": {"Price": 8, "Support": 4}}]})
    other.set_scorecard(card, "Priya Raman", "it", "tender result")
    result = diff_sessions(example, other)
    got = {e.key: (e.a, e.b) for e in result.section("scorecard")}
    assert got["weight: Price"] == ("25", "60") and got["Alpha: Support"] == ("-", "9")
    assert got["ranking"][1] == "1. Alpha 7.20, 2. Beta 6.40" and got["why"][1] == "tender result"
    assert list(got)[-2:] == ["ranking", "why"]  # after every weight and score
    assert "Vendor scorecard:" in result.lines() and not result.is_empty
    assert diff_sessions(other, other).is_empty


def test_markdown_report_has_the_three_artifacts(example) -> None:
    md = session_markdown(example)
    assert md.startswith("# Kickoff: Support assistant")
    for heading in ("## Sized spec (as signed off)", "## Decision log", "## Red flags", "## Review cadence"):
        assert heading in md
    assert "| How many people use it during the busiest hour? | 1,200 users |" in md
    assert "Acknowledged by Priya Raman" in md
    assert "next review on **2026-04-15**" in md
    assert "Pilot gateway logs" in md


def test_markdown_escapes_table_cells(example) -> None:
    s = load_session(EXAMPLE)
    s.bind(clock=lambda: example.updated)
    s.record_answer("users", 1300, "Dana Okafor", "app_owner", "a | b\nnext line")
    md = session_markdown(s)
    assert "a \\| b<br>next line" in md
    assert "not signed off" in md


# --- CLI ------------------------------------------------------------------------------------------


def test_cli_replay_prints_steps_and_confirms_the_spec(capsys) -> None:
    assert main(["replay", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "[ 1]" in out and "spec: " in out and "open flags:" in out
    assert "Replay reproduces the spec signed off." in out


def test_cli_replay_at_and_json(capsys) -> None:
    assert main(["replay", str(EXAMPLE), "--at", "7", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["step"] for s in data["steps"]] == list(range(1, 8))
    assert data["steps"][-1]["question"] == "peak_concurrency"
    assert data["steps"][-1]["spec"]["peak_concurrency"] == 120
    assert main(["replay", str(EXAMPLE), "--at", "3"]) == 0
    out = capsys.readouterr().out
    assert "State after event 3" in out and "[ 4]" not in out


def test_cli_replay_bad_at_is_one_line(capsys) -> None:
    assert main(["replay", str(EXAMPLE), "--at", "500"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kickoff: --at 500") and err.count("\n") == 1


def test_cli_diff(tmp_path, capsys) -> None:
    copy = tmp_path / "b.toml"
    shutil.copy(EXAMPLE, copy)
    text = copy.read_text().replace('value = "reserved-1y"', 'value = "reserved-3y"', 1)
    copy.write_text(text)
    assert main(["diff", str(EXAMPLE), str(copy)]) == 1  # differences found
    out = capsys.readouterr().out
    assert "price_basis" in out and "reserved-1y -> reserved-3y" in out
    assert main(["diff", str(EXAMPLE), str(copy), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert any(d["key"] == "price_basis" for d in data["differences"])


def test_cli_export_markdown(tmp_path, capsys) -> None:
    copy = tmp_path / "s.toml"
    shutil.copy(EXAMPLE, copy)
    assert main(["export", str(copy), "--markdown"]) == 0
    assert (tmp_path / "s.md").read_text().startswith("# Kickoff:")
    out = tmp_path / "report" / "r.md"
    assert main(["export", str(copy), "--markdown", "--out", str(out)]) == 0
    assert out.exists()
    assert main(["export", str(copy), "--markdown", "--out", "-"]) == 0
    assert "## Decision log" in capsys.readouterr().out
    assert main(["export", str(copy), "--markdown", "--out", str(copy)]) == 2


def test_cli_reports_a_broken_session_in_one_line(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace('role = "app_owner"', 'role = "boss"', 1))
    assert main(["replay", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "participants[0].role" in err
    assert main(["export", str(tmp_path / "missing.toml"), "--markdown"]) == 2
    assert "no such session file" in capsys.readouterr().err


def test_headless_commands_do_not_import_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from kickoff_tui.cli import main; "
        f"main(['replay', {str(EXAMPLE)!r}, '--at', '2']); "
        "import kickoff_tui.record; "
        "sys.exit(1 if 'textual' in sys.modules else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_cli_replay_at_zero_shows_the_starting_state(capsys) -> None:
    assert main(["replay", str(EXAMPLE), "--at", "0"]) == 0
    out = capsys.readouterr().out
    assert "State before any event:" in out and "[ 1]" not in out


def test_cli_replay_tui_hands_over_to_the_app(monkeypatch) -> None:
    import kickoff_tui.commands.app as app_commands

    seen: list[str] = []
    monkeypatch.setattr(app_commands, "run_replay_tui", lambda path: seen.append(str(path)) or 0)
    assert main(["replay", str(EXAMPLE), "--tui"]) == 0
    assert seen == [str(EXAMPLE)]


def _replay_with_signed_line(capsys, path, key: str, line: str) -> str:  # type: ignore[no-untyped-def]
    """``kickoff replay`` of the example with the ``key = ...`` line of its signed spec replaced
    by ``line``; the output on one line."""
    lines = EXAMPLE.read_text("utf-8").splitlines(keepends=True)
    start = next(i for i, text in enumerate(lines) if text.startswith("[signed_spec]"))
    at = next(i for i in range(start, len(lines)) if lines[i].startswith(f"{key} = "))
    lines[at] = line + "\n"
    path.write_text("".join(lines), "utf-8")
    assert main(["replay", str(path)]) == 0
    return " ".join(capsys.readouterr().out.split())


def test_cli_replay_names_what_moved_since_sign_off(capsys, tmp_path) -> None:
    """A replay that no longer matches the signed spec says which signed figure moved (a new GPU
    count), or, when every signed figure holds, that it does and which other fields moved."""
    out = _replay_with_signed_line(capsys, tmp_path / "moved.toml", "total_gpus", "total_gpus = 999")
    assert "Replay does NOT reproduce the spec signed off" in out
    assert "total GPUs 999 -> " in out
    out = _replay_with_signed_line(capsys, tmp_path / "noted.toml", "band_note",
                                   'band_note = "worded differently when it was signed"')
    assert "Replay reproduces the signed figures" in out and "band_note" in out
    assert "NOT reproduce" not in out


def test_the_red_flag_table_in_the_docs_lists_every_rule() -> None:
    """docs/record.md's table of red flags had fallen three rules behind flags.RULES."""
    import re

    from kickoff_tui.record.flags import RULES

    doc = (Path(__file__).resolve().parents[1] / "docs" / "record.md").read_text(encoding="utf-8")
    table = doc.split("| id | raised when |", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.M))
    assert listed == set(RULES)
