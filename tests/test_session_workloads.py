"""A session holding several workloads: per-workload questions, the log, migration, replay."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kickoff_tui.errors import KickoffError
from kickoff_tui.record import Session, diff_sessions, dumps_session, load_session, loads_session
from kickoff_tui.record.example import stepping_clock
from kickoff_tui.record.replay import rebuild, replay_states
from kickoff_tui.record.workloads import flag_workload, is_per_workload

DATA = Path(__file__).parent / "data"
OLD_FILE = DATA / "session-v1-single-workload.toml"
START = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)


def new_session() -> Session:
    s = Session.new(
        "Platform kickoff",
        participants=[("Dana", "app_owner"), ("Sam", "ai_team"), ("Priya", "it")],
        clock=stepping_clock(START, timedelta(minutes=1)),
        session_id="platform",
    )
    s.record_answer("gpu", "h100-sxm", "Priya", "it", "what the lab already runs")
    s.record_answer("model", "llama-3.1-8b", "Sam", "ai_team")
    s.record_answer("precision", "fp8", "Sam", "ai_team")
    s.record_answer("peak_concurrency", 40, "Dana", "app_owner")
    return s


def two_workloads() -> Session:
    s = new_session()
    s.add_workload("chat", "Dana", by_role="app_owner")
    s.add_workload("batch", "Dana", by_role="app_owner", rationale="nightly summaries")
    s.record_answer("model", "llama-3.1-8b", "Sam", "ai_team", workload="batch")
    s.record_answer("peak_concurrency", 200, "Dana", "app_owner", "the nightly job", workload="batch")
    s.record_answer("use_case", "batch", "Dana", "app_owner", workload="batch")
    return s


# --- which questions are per workload ----------------------------------------------------------


def test_app_owner_and_ai_team_sizing_questions_are_per_workload_it_is_shared() -> None:
    q = new_session().questionnaire
    assert is_per_workload(q.get("peak_concurrency")) and is_per_workload(q.get("model"))
    assert is_per_workload(q.get("serving_engine")) and is_per_workload(q.get("redundancy"))
    for shared in ("gpu", "rack_power_kw", "cooling", "price_basis", "growth_headroom",
                   "value_per_request", "signoff_it", "review_cadence", "dev_cluster"):
        assert not is_per_workload(q.get(shared)), shared


# --- a single-workload session becomes a portfolio of one ---------------------------------------


def test_naming_the_workload_keeps_the_answers_and_the_exact_spec() -> None:
    s = new_session()
    before = s.spec()
    s.add_workload("support", "Dana", by_role="app_owner")
    assert s.workload_names() == ["support"]
    assert "peak_concurrency" in s.workload("support").answers and "peak_concurrency" not in s.answers
    assert "gpu" in s.answers and "gpu" not in s.workload("support").answers
    assert s.spec().model_dump() == before.model_dump()
    fleet = s.portfolio_spec()
    assert fleet is not None and fleet.feasible
    assert fleet.fleet.total_gpus == before.total_gpus and fleet.fleet.pools[0].gpu == before.gpu
    # with one workload, an answer needs no workload name
    s.record_answer("peak_concurrency", 50, "Dana", "app_owner")
    assert s.events[-1].workload == "support" and s.answer("peak_concurrency").value == 50


# --- several workloads ---------------------------------------------------------------------------------


def test_per_workload_answers_are_kept_apart_and_the_log_names_the_workload() -> None:
    s = two_workloads()
    assert s.answer("peak_concurrency", "chat").value == 40
    assert s.answer("peak_concurrency", "batch").value == 200
    assert s.answer("precision", "batch") is None  # asked again for the new workload
    assert s.answers_for("batch")["gpu"].value == "h100-sxm"  # IT's answer is shared
    last = s.events[-2]
    assert last.kind == "answer" and last.question == "peak_concurrency" and last.workload == "batch"
    s.record_answer("rack_power_kw", 40, "Priya", "it", workload="batch")
    assert s.events[-1].workload is None and s.answers["rack_power_kw"].value == 40
    with pytest.raises(KickoffError, match="once per workload"):
        s.record_answer("model", "llama-3.1-8b", "Sam", "ai_team")
    with pytest.raises(KickoffError, match="no workload"):
        s.record_answer("model", "llama-3.1-8b", "Sam", "ai_team", workload="nope")
    assert s.spec("batch").peak_concurrency == 200 and s.spec("chat").peak_concurrency == 40


def test_unanswered_questions_are_asked_once_per_workload() -> None:
    s = two_workloads()
    open_ = s.unanswered_by_workload()
    per = [(w, q.id) for w, q in open_ if w is not None]
    shared = [q.id for w, q in open_ if w is None]
    assert ("batch", "precision") in per and ("chat", "precision") not in per
    assert ("chat", "users") in per and ("batch", "users") in per
    assert shared.count("rack_power_kw") <= 1 and all(not s.is_per_workload(q) for q in shared)


def test_clear_answer_for_one_workload() -> None:
    s = two_workloads()
    s.clear_answer("use_case", "Dana", "app_owner", workload="batch")
    assert s.answer("use_case", "batch") is None
    assert s.events[-1].kind == "clear" and s.events[-1].workload == "batch"


def test_rename_and_remove() -> None:
    s = two_workloads()
    s.rename_workload("batch", "nightly batch", "Dana")
    assert s.workload_names() == ["chat", "nightly batch"]
    assert s.answer("peak_concurrency", "nightly batch").value == 200
    with pytest.raises(KickoffError, match="already a workload"):
        s.rename_workload("chat", "Nightly Batch", "Dana")
    with pytest.raises(KickoffError, match="already a workload"):
        s.add_workload("CHAT", "Dana")
    with pytest.raises(KickoffError, match="letters, digits"):
        s.add_workload("bad\tname!", "Dana")
    s.remove_workload("nightly batch", "Dana", rationale="moved to the data platform")
    assert s.workload_names() == ["chat"]
    with pytest.raises(KickoffError, match="at least one workload"):
        s.remove_workload("chat", "Dana")
    kinds = [e.kind for e in s.events if e.kind.startswith("workload_")]
    assert kinds == ["workload_add", "workload_add", "workload_rename", "workload_remove"]


def test_flags_name_their_workload() -> None:
    s = two_workloads()
    s.record_answer("precision", "fp16", "Sam", "ai_team", workload="batch")  # fp16 on Hopper
    ids = {f.id for f in s.active_flags()}
    assert "fp16-on-fp8-hardware@batch" in ids and "fp16-on-fp8-hardware@chat" not in ids
    flag = s.flag("fp16-on-fp8-hardware@batch")
    assert flag.message.startswith("Workload 'batch':") and flag_workload(flag.id) == "batch"
    platform_wide = [f for f in s.active_flags() if flag_workload(f.id) is None]
    assert any(f.id == "no-review-cadence" for f in platform_wide)
    s.acknowledge_flag("fp16-on-fp8-hardware@batch", "accuracy tests pending", "Sam")
    s.rename_workload("batch", "nightly", "Dana")
    assert s.flag("fp16-on-fp8-hardware@nightly").state == "acknowledged"


def test_adding_a_workload_withdraws_the_signoffs_and_a_portfolio_signs_off_as_a_fleet() -> None:
    s = new_session()
    s.sign_off("ai_team", "Sam")
    s.add_workload("chat", "Dana", by_role="app_owner")
    assert s.signoffs == [] and "withdraws the sign-offs" in s.events[-1].reason
    s.add_workload("batch", "Dana")
    s.record_answer("peak_concurrency", 20, "Dana", "app_owner", workload="batch")
    s.record_answer("model", "llama-3.1-8b", "Sam", "ai_team", workload="batch")
    s.sign_off("ai_team", "Sam")
    s.sign_off("it", "Priya")
    assert s.is_signed_off and s.signed_spec is None
    s.record_answer("dev_cluster", "mirror", "Priya", "it")  # feeds nothing: sign-offs stand
    assert s.is_signed_off
    s.record_answer("peak_concurrency", 400, "Dana", "app_owner", workload="batch")
    assert s.signoffs == [] and "batch: " in s.events[-1].reason


def test_adding_a_workload_never_lowers_the_fleet() -> None:
    s = new_session()
    s.add_workload("chat", "Dana")
    one = s.portfolio_spec().fleet.total_gpus
    s.add_workload("batch", "Dana")
    s.record_answer("model", "llama-3.1-8b", "Sam", "ai_team", workload="batch")
    s.record_answer("peak_concurrency", 30, "Dana", "app_owner", workload="batch")
    two = s.portfolio_spec()
    assert two.feasible and two.fleet.total_gpus >= one
    assert [w.name for w in two.workloads] == ["chat", "batch"]


# --- files, replay, diff ---------------------------------------------------------------------------


def test_an_old_single_workload_file_loads_unchanged() -> None:
    text = OLD_FILE.read_text(encoding="utf-8")
    assert "schema_version = 1" in text and "workload" not in text
    session = loads_session(text, "old.toml")
    assert not session.is_portfolio and session.file_schema_version() == 1
    assert dumps_session(session) == text, "saved back byte for byte, still schema 1"
    rebuilt = rebuild(session)
    assert rebuilt.answers == session.answers and rebuilt.workloads == []
    assert session.spec() is not None


def test_an_old_file_claiming_workloads_is_refused() -> None:
    text = OLD_FILE.read_text(encoding="utf-8") + '\n[[workloads]]\nname = "x"\n'
    with pytest.raises(KickoffError, match="version-1 session has no"):
        loads_session(text, "odd.toml")


def test_a_portfolio_session_round_trips_and_replays(tmp_path: Path) -> None:
    s = two_workloads()
    path = tmp_path / "p.toml"
    from kickoff_tui.record import save_session

    save_session(s, path)
    text = path.read_text(encoding="utf-8")
    assert "schema_version = 2" in text and "[[workloads]]" in text and 'workload = "batch"' in text
    loaded = load_session(path)
    assert loaded == s
    assert rebuild(loaded) == loaded
    states = list(replay_states(loaded))
    assert states[-1].workloads["batch"]["peak_concurrency"].value == 200
    add = next(st for st in states if st.event.kind == "workload_add")
    assert add.workloads == {"chat": add.workloads["chat"]} and "model" in add.workloads["chat"]


def test_a_shared_answer_under_a_workload_is_refused_on_load(tmp_path: Path) -> None:
    s = two_workloads()
    text = dumps_session(s).replace('[workloads.answers.model]', '[workloads.answers.gpu]', 1)
    with pytest.raises(KickoffError, match="shared by every workload"):
        loads_session(text, "bad.toml")


def test_diff_names_the_workload() -> None:
    a = two_workloads()
    b = two_workloads()
    b.record_answer("peak_concurrency", 300, "Dana", "app_owner", workload="batch")
    diff = diff_sessions(a, b)
    keys = [e.key for e in diff.entries]
    assert "batch: peak_concurrency" in keys
    assert not diff_sessions(a, two_workloads()).entries


@pytest.mark.parametrize(("question", "value", "shown"), [
    ("request_history", "400000, 800000, 1600000", "400000, 800000, 1600000"),
    ("off_peak_share", 90, "90"),
    ("peak_hours", "00-23", "00-23"),
])
def test_diff_shows_a_workloads_own_answers_that_feed_no_sizing_input(question, value, shown) -> None:
    """A workload's history, off-peak share or peak window moves the fleet's growth and off-peak
    figures, yet diff said "no differences" (exit 0): they feed no SizingInputs field, so the
    per-workload comparison never looked at them."""
    a = load_session(EXAMPLES / "session-portfolio.toml")
    b = load_session(EXAMPLES / "session-portfolio.toml")
    b.record_answer(question, value, "Dana Okafor", "app_owner", workload="chat assistant")
    entries = [(e.section, e.key, e.b) for e in diff_sessions(a, b).entries]
    assert any(sec == "answers" and key == f"chat assistant: {question}" and shown in right
               for sec, key, right in entries), entries
    assert not [e for e in diff_sessions(a, load_session(EXAMPLES / "session-portfolio.toml")).entries]


def test_markdown_export_lists_the_workloads_and_the_fleet() -> None:
    from kickoff_tui.record import session_markdown

    s = two_workloads()
    text = session_markdown(s)
    assert "## Workloads" in text and "### batch" in text and "Shared fleet" in text


# --- the example portfolio session -----------------------------------------------------------------

EXAMPLES = Path(__file__).parent.parent / "examples"
PORTFOLIO_SESSION = EXAMPLES / "session-portfolio.toml"


def test_example_portfolio_session_matches_its_builder() -> None:
    from kickoff_tui.record.example_portfolio import build_portfolio_session

    assert dumps_session(build_portfolio_session()) == PORTFOLIO_SESSION.read_text(encoding="utf-8"), (
        "regenerate: python -m kickoff_tui.record.example_portfolio examples/session-portfolio.toml")


def test_example_portfolio_session_sizes_replays_diffs_exports_and_deploys(tmp_path: Path, capsys) -> None:
    from kickoff_tui.cli import main

    session = load_session(PORTFOLIO_SESSION)
    assert session.workload_names() == ["chat assistant", "ticket classifier", "coding agent"]
    assert session.is_signed_off and rebuild(session) == session
    f = str(PORTFOLIO_SESSION)
    assert main(["size", f]) == 0
    out = capsys.readouterr().out
    assert "coding agent" in out and "Shared fleet" in out
    assert main(["replay", f]) == 0
    assert "workload 'coding agent' added" in capsys.readouterr().out
    assert main(["diff", f, str(EXAMPLES / "session-support-assistant.toml")]) == 1
    assert "ticket classifier" in capsys.readouterr().out
    assert main(["export", f, "--markdown", "--out", str(tmp_path / "r.md")]) == 0
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "Approve the shared fleet" in report and "### coding agent" in report
    capsys.readouterr()
    assert main(["deploy", f, "--out", str(tmp_path / "d")]) == 0
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["chat-assistant", "coding-agent",
                                                                  "ticket-classifier"]
    capsys.readouterr()
    for command in ("cost", "growth", "sensitivity"):
        assert main([command, f, "--json"]) == 0, command
        data = __import__("json").loads(capsys.readouterr().out)
        assert [w["name"] for w in data["workloads"]] == session.workload_names(), command


def test_replay_of_a_portfolio_ends_on_the_shared_fleet_and_who_signed(capsys) -> None:
    """It ended on the first workload's spec alone (10 GPUs of a 30-GPU fleet) and said nothing
    of the two sign-offs in the log."""
    from kickoff_tui.cli import main

    f = str(PORTFOLIO_SESSION)
    session = load_session(PORTFOLIO_SESSION)
    fleet = session.portfolio_spec().fleet
    assert main(["replay", f]) == 0
    tail = capsys.readouterr().out.split("State after event")[-1]
    assert "the shared fleet, re-sized with today's catalog" in tail
    assert f"fleet GPUs                                {fleet.total_gpus}" in tail
    for w in session.workload_names():
        assert f"{w}: replicas" in tail
    assert "signed off by IT (Priya Raman" in tail and "AI team (Sam Lindqvist" in tail
    assert "Peak in-flight requests" not in tail  # not one workload's rows standing for the fleet
    # before the sign-offs: the fleet as it stood then, and no signature
    assert main(["replay", f, "--at", "40"]) == 0
    early = capsys.readouterr().out.split("State after event")[-1]
    assert "not signed off" in early and "fleet GPUs" in early and "coding agent: replicas" in early


def test_portfolio_cost_breaks_down_per_workload(capsys) -> None:
    from kickoff_tui.cli import main

    assert main(["cost", str(EXAMPLES / "portfolio.toml")]) == 0
    out = capsys.readouterr().out
    assert "Cost per workload" in out and "sum of the workloads" in out and "Shared fleet" in out


def test_a_log_naming_an_unknown_workload_is_one_line_exit_2(tmp_path: Path, capsys) -> None:
    from kickoff_tui.cli import main

    text = dumps_session(two_workloads())
    marker = 'question = "use_case"\nworkload = "batch"'
    assert marker in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(marker, 'question = "use_case"\nworkload = "ghost"'), encoding="utf-8")
    assert main(["replay", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no workload 'ghost'" in err and "Traceback" not in err


def test_growth_of_a_portfolio_says_which_basis_each_table_uses(capsys) -> None:
    """Table one stands each workload alone (its own whole units, the answered rate); it read
    "GPUs sized 16 ... no growth rate given" above the history fit of the same workload."""
    from kickoff_tui.cli import main

    assert main(["growth", str(PORTFOLIO_SESSION)]) == 0
    flat = " ".join(capsys.readouterr().out.split())
    assert "as if it were bought on its own" in flat and "GPUs bought alone" in flat
    assert "no growth rate given" not in flat and "(fit below)" in flat
