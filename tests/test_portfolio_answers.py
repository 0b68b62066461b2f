"""The portfolio answers typed or pasted into a one-line box: request history, candidate models."""

from __future__ import annotations

import pytest

from kickoff_tui.record.questionnaire import default_questionnaire
from kickoff_tui.record.workloads import parse_history_text, pasted_answer_text

SPREADSHEET = "month\trequests\n2026-01\t41,000\n2026-02\t45,500\n2026-03\t52,000\n"


@pytest.mark.parametrize("pasted, counts", [
    ("41000\n45500\n52000\n", [41000, 45500, 52000]),
    ("41000\r\n45500\r\n52000\r\n", [41000, 45500, 52000]),  # from a Windows spreadsheet
    ("41,000\n45,500\n52,000", [41000, 45500, 52000]),  # cells formatted with separators
    (SPREADSHEET, [41000, 45500, 52000]),  # two columns with a header
    ("2026-01,41000\n\n2026-02,45500\n2026-03,52000\n", [41000, 45500, 52000]),
    ("requests\n41000\n45500\n52000", [41000, 45500, 52000]),
])
def test_a_pasted_column_keeps_every_month(pasted: str, counts: list[int]) -> None:
    text = pasted_answer_text("history", pasted)
    assert "\n" not in text and "\r" not in text and "\t" not in text
    assert parse_history_text(text) == counts
    question = default_questionnaire().get("request_history")
    assert question.validate_value(text) == ", ".join(str(c) for c in counts)


def test_month_rows_on_one_line_are_read_too() -> None:
    assert parse_history_text("2026-01,41000; 2026-02,45500; 2026-03,52000") == [41000, 45500, 52000]


@pytest.mark.parametrize("pasted, message", [
    ("41000\nlots\n52000", "month 2: 'lots' is not a request count"),
    ("2026-01\t41000\n2026-02\tlots\n2026-03\t52000", "row 2: the request count is not a number"),
    ("2026-01\t41000\n2026-03\t45500\n2026-04\t52000", "months must follow each other"),
    ("41000\n45500", "at least 3 months"),
])
def test_what_a_paste_cannot_read_is_named(pasted: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_history_text(pasted_answer_text("history", pasted))


def test_a_paste_without_line_breaks_is_left_alone() -> None:
    assert pasted_answer_text("history", "41000, 45500") == "41000, 45500"
    assert pasted_answer_text(None, "Dana Whitfield") == "Dana Whitfield"


def test_other_pasted_answers_keep_their_lines() -> None:
    assert pasted_answer_text("candidates", "llama-3.3-70b\nllama-3.1-8b\n") == "llama-3.3-70b, llama-3.1-8b"
    assert pasted_answer_text(None, "first line\nsecond line\n") == "first line second line"


# --- candidate models with their own precision ------------------------------------------------

def test_a_candidate_may_name_its_precision() -> None:
    from kickoff_tui.record.workloads import parse_candidates

    assert parse_candidates("llama-3.3-70b, qwen3-235b-a22b@FP8\nllama-3.1-8b @ int4") == [
        ("llama-3.3-70b", None), ("qwen3-235b-a22b", "fp8"), ("llama-3.1-8b", "int4")]
    question = default_questionnaire().get("candidate_models")
    assert question.validate_value("llama-3.3-70b,qwen3-235b-a22b@FP8") == "llama-3.3-70b, qwen3-235b-a22b@fp8"
    # the same model at two precisions is two candidates
    assert question.validate_value("llama-3.3-70b@fp8, llama-3.3-70b@bf16") == "llama-3.3-70b@fp8, llama-3.3-70b@bf16"


@pytest.mark.parametrize("text, message", [
    ("llama-3.3-70b@fp9", "the precision after '@' is one of"),
    ("@fp8", "name the model before '@'"),
    ("llama-3.3-70b@fp8, llama-3.3-70b@fp8", "listed twice"),
    ("gpt-99@fp8", "not a catalog model"),
])
def test_a_bad_candidate_precision_is_named(text: str, message: str) -> None:
    from kickoff_tui.errors import KickoffError

    with pytest.raises(KickoffError, match=message):
        default_questionnaire().get("candidate_models").validate_value(text)


def _two_workloads():
    from datetime import datetime, timedelta, timezone

    from kickoff_tui.record import Session
    from kickoff_tui.record.example import stepping_clock

    s = Session.new("Mix", participants=[("Dana", "app_owner"), ("Sam", "ai_team"), ("Priya", "it")],
                    clock=stepping_clock(datetime(2026, 1, 15, 9, tzinfo=timezone.utc), timedelta(minutes=1)),
                    session_id="mix")
    s.record_answer("gpu", "h100-sxm", "Priya", "it")
    s.add_workload("chat", "Dana", by_role="app_owner")
    s.add_workload("agent", "Dana", by_role="app_owner")
    for name in ("chat", "agent"):
        s.record_answer("model", "llama-3.1-8b", "Sam", "ai_team", workload=name)
        s.record_answer("precision", "bf16", "Sam", "ai_team", workload=name)
        s.record_answer("peak_concurrency", 64, "Dana", "app_owner", workload=name)
    return s


def test_each_candidate_is_sized_at_its_own_precision() -> None:
    from kickoff_tui.record.portfolio import demands, mix_options
    from kickoff_tui.sizing.portfolio import Sizings, optimise_mix

    s = _two_workloads()
    s.record_answer("candidate_models", "qwen3-30b-a3b@fp8, llama-3.1-8b, llama-3.1-8b@bf16", "Sam",
                    "ai_team", workload="agent")
    agent = s.portfolio().workloads[1]
    assert [(c.model, c.precision, c.quality_rank) for c in agent.candidates] == [
        ("qwen3-30b-a3b", "fp8", 1), ("llama-3.1-8b", "bf16", 2)], "no precision: the workload's; repeats dropped"
    portfolio = s.portfolio()
    mix = optimise_mix(demands(portfolio), mix_options(portfolio), 1e9, ["h100-sxm"], Sizings())
    assert mix.feasible
    chosen = {a.workload: (a.model, a.precision) for a in mix.assignment}
    assert chosen == {"chat": ("llama-3.1-8b", "bf16"), "agent": ("qwen3-30b-a3b", "fp8")}
    from kickoff_tui.sizing.portfolio import apply_option, size_portfolio

    work, options = demands(portfolio), mix_options(portfolio)
    spec = size_portfolio([apply_option(work[0], options[0][0]), apply_option(work[1], options[1][0])],
                          ["h100-sxm"])
    assert [(w.model, w.precision) for w in spec.workloads] == [("llama-3.1-8b", "bf16"), ("qwen3-30b-a3b", "fp8")]


def test_the_question_help_says_how_to_name_a_precision() -> None:
    from kickoff_tui.catalog.schema import PRECISIONS

    help_text = default_questionnaire().get("candidate_models").help
    assert "model@precision" in help_text and all(p in help_text for p in PRECISIONS)
