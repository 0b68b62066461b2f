"""The portfolio questions of the questionnaire: peak window, off-peak share, request history and
the AI team's candidate models, asked once per workload in a session of two or more workloads."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kickoff_tui.errors import KickoffError
from kickoff_tui.record import Session, dumps_session, loads_session
from kickoff_tui.record.example import stepping_clock
from kickoff_tui.record.portfolio import MAX_HISTORY_MONTHS
from kickoff_tui.record.questionnaire import default_questionnaire, parse_questionnaire
from kickoff_tui.record.replay import rebuild
from kickoff_tui.record.workloads import is_per_workload, parse_history_text

DATA = Path(__file__).parent / "data"
OLD_FILE = DATA / "session-v1-single-workload.toml"
START = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
PORTFOLIO_QUESTIONS = ("peak_hours", "off_peak_share", "request_history", "candidate_models")


def day_and_night(*, peaks: bool) -> Session:
    """A daytime chat service and a nightly batch job (different models, so no shared replicas)
    on one platform of H100s; with ``peaks``
    the owners say when each peaks (and that the other hours are nearly quiet)."""
    s = Session.new("Day and night", participants=[("Dana", "app_owner"), ("Sam", "ai_team"),
                                                   ("Priya", "it")],
                    clock=stepping_clock(START, timedelta(minutes=1)), session_id="day-night")
    s.record_answer("gpu", "h100-sxm", "Priya", "it")
    s.add_workload("chat", "Dana", by_role="app_owner")
    s.add_workload("batch", "Dana", by_role="app_owner")
    for name, model in (("chat", "llama-3.3-70b"), ("batch", "qwen3-235b-a22b")):
        s.record_answer("model", model, "Sam", "ai_team", workload=name)
        s.record_answer("precision", "fp8", "Sam", "ai_team", workload=name)
        s.record_answer("peak_concurrency", 200, "Dana", "app_owner", workload=name)
    s.record_answer("use_case", "batch", "Dana", "app_owner", workload="batch")
    if peaks:
        s.record_answer("peak_hours", "8-18", "Dana", "app_owner", workload="chat")
        s.record_answer("off_peak_share", 10, "Dana", "app_owner", workload="chat")
        s.record_answer("peak_hours", "22-06", "Dana", "app_owner", workload="batch")
        s.record_answer("off_peak_share", 0, "Dana", "app_owner", workload="batch")
    return s


def test_the_portfolio_questions_are_per_workload_and_feed_no_sizing_input() -> None:
    q = default_questionnaire()
    for qid in PORTFOLIO_QUESTIONS:
        question = q.get(qid)
        assert question.portfolio is not None and question.feeds is None and question.optional
        assert is_per_workload(question), qid
        assert question.help, qid


def test_they_are_asked_only_with_two_or_more_workloads() -> None:
    s = Session.new("One", participants=[("Dana", "app_owner")],
                    clock=stepping_clock(START, timedelta(minutes=1)), session_id="one")
    shown = {q.id for q in s.applicable()}
    assert not shown & set(PORTFOLIO_QUESTIONS)
    s.add_workload("chat", "Dana", by_role="app_owner")
    assert not {q.id for q in s.applicable("chat")} & set(PORTFOLIO_QUESTIONS)
    s.add_workload("batch", "Dana", by_role="app_owner")
    for name in ("chat", "batch"):
        assert set(PORTFOLIO_QUESTIONS) <= {q.id for q in s.applicable(name)}, name
    assert s.is_hidden("peak_hours", "chat") is False


def test_peaks_that_do_not_coincide_need_a_smaller_fleet() -> None:
    at_once, staggered = day_and_night(peaks=False), day_and_night(peaks=True)
    assert [w.peak_hours for w in staggered.portfolio().workloads] == ["08-18", "22-06"]
    assert [w.off_peak_fraction for w in staggered.portfolio().workloads] == [pytest.approx(0.1), 0.0]
    assert [w.peak_hours for w in at_once.portfolio().workloads] == [None, None]
    big, small = at_once.portfolio_spec(), staggered.portfolio_spec()
    assert big is not None and small is not None, (at_once.portfolio_error(), staggered.portfolio_error())
    assert small.fleet.total_gpus < big.fleet.total_gpus
    assert small.saving_peaks_gpus > 0 and big.saving_peaks_gpus == 0


def test_an_answer_changes_the_shared_fleet_at_once() -> None:
    s = day_and_night(peaks=False)
    before = s.portfolio_spec().fleet.total_gpus
    s.record_answer("peak_hours", "08-18", "Dana", "app_owner", workload="chat")
    s.record_answer("off_peak_share", 0, "Dana", "app_owner", workload="chat")
    s.record_answer("peak_hours", "20-06", "Dana", "app_owner", workload="batch")
    s.record_answer("off_peak_share", 0, "Dana", "app_owner", workload="batch")
    assert s.portfolio_spec().fleet.total_gpus < before


@pytest.mark.parametrize("text, message", [
    ("morning", "HH-HH"),
    ("25-03", "00 to 24"),
    ("08-08", "empty"),
])
def test_a_bad_peak_window_is_a_clear_error_naming_the_question(text: str, message: str) -> None:
    s = day_and_night(peaks=False)
    with pytest.raises(KickoffError, match=message) as err:
        s.record_answer("peak_hours", text, "Dana", "app_owner", workload="chat")
    assert "peak_hours" in str(err.value)
    assert "peak_hours" not in s.answers_for("chat")


def test_the_peak_window_is_written_one_way() -> None:
    question = default_questionnaire().get("peak_hours")
    assert question.validate_value(" 8 - 18 ") == "08-18"
    assert question.validate_value("22:00-06:00") == "22-06"
    assert question.validate_value("18-24") == "18-24"


def test_history_is_typed_or_pasted() -> None:
    question = default_questionnaire().get("request_history")
    assert question.validate_value("41000, 45500, 52000") == "41000, 45500, 52000"
    assert question.validate_value("41000\n45500\n52000\n") == "41000, 45500, 52000"
    assert question.validate_value("41_000; 45500 52000.5") == "41000, 45500, 52000.5"
    pasted = "month,requests\n2025-10,41000\n2025-11,45500\n2025-12,52000\n"
    assert question.validate_value(pasted) == "41000, 45500, 52000"
    assert parse_history_text("1, 2, 4") == [1.0, 2.0, 4.0]


@pytest.mark.parametrize("text, message", [
    ("41000, -5, 52000", "positive"),
    ("41000, 0, 52000", "positive"),
    ("41000, lots, 52000", "not a request count"),
    ("41000, 45500", "at least 3 months"),
    (", ".join(["100"] * (MAX_HISTORY_MONTHS + 1)), f"{MAX_HISTORY_MONTHS}"),
    ("2025-10,1\n2025-12,2\n2026-01,3", "follow each other"),
    ("1e400, 1, 2", "positive"),
])
def test_a_bad_history_is_a_clear_error(text: str, message: str) -> None:
    s = day_and_night(peaks=False)
    with pytest.raises(KickoffError, match=message):
        s.record_answer("request_history", text, "Dana", "app_owner", workload="chat")
    assert "request_history" not in s.answers_for("chat")


def test_history_and_candidates_reach_the_portfolio_and_the_growth_fit() -> None:
    from kickoff_tui.planning.history import portfolio_growth
    from kickoff_tui.record.portfolio import demands

    s = day_and_night(peaks=True)
    s.record_answer("request_history", "100000, 110000, 121000, 133100", "Dana", "app_owner",
                    workload="chat")
    s.record_answer("candidate_models", "llama-3.1-8b, llama-3.2-3b", "Sam", "ai_team", workload="chat")
    portfolio = s.portfolio()
    chat, batch = portfolio.workloads
    assert chat.history == [100000, 110000, 121000, 133100] and batch.history is None
    assert [(c.model, c.quality_rank, c.precision) for c in chat.candidates] == [
        ("llama-3.1-8b", 1, "fp8"), ("llama-3.2-3b", 2, "fp8")], "served as the AI team answered"
    assert portfolio.budget_usd_per_month is None, "IT gave no budget"
    s.record_answer("monthly_budget_usd", 50000, "Priya", "it")
    assert s.portfolio().budget_usd_per_month == 50000, "IT's budget drives the model mix"
    growth = portfolio_growth(demands(portfolio), s.portfolio_spec(), [w.history for w in portfolio.workloads])
    assert growth is not None
    fit = growth.workloads[0]
    assert fit.fit is not None and fit.fit.monthly_rate == pytest.approx(0.10, abs=1e-6)


def test_unknown_candidate_models_are_refused() -> None:
    s = day_and_night(peaks=False)
    with pytest.raises(KickoffError, match="not a catalog model"):
        s.record_answer("candidate_models", "llama-3.1-8b, gpt-99", "Sam", "ai_team", workload="chat")
    with pytest.raises(KickoffError, match="twice"):
        s.record_answer("candidate_models", "llama-3.1-8b, llama-3.1-8b", "Sam", "ai_team", workload="chat")


def test_a_portfolio_answer_round_trips_and_replays() -> None:
    s = day_and_night(peaks=True)
    s.record_answer("request_history", "1, 2, 3", "Dana", "app_owner", workload="batch")
    again = loads_session(dumps_session(s), "s.toml")
    assert again.portfolio() == s.portfolio()
    assert rebuild(again) == again


def test_a_hand_edited_bad_peak_window_is_one_line_not_a_crash() -> None:
    s = day_and_night(peaks=True)
    text = dumps_session(s).replace('"22-06"', '"nightly"')
    try:
        loaded = loads_session(text, "edited.toml")
    except KickoffError as err:  # refused on load: one line naming the question
        assert "peak_hours" in str(err) and "\n" not in str(err)
        return
    assert loaded.portfolio_spec() is None and "peak" in loaded.portfolio_error()


def test_a_session_of_one_workload_ignores_them() -> None:
    s = day_and_night(peaks=True)
    s.remove_workload("batch", "Dana", by_role="app_owner")
    assert s.portfolio().workloads[0].peak_hours is None, "hidden with one workload: feeds nothing"


def test_the_old_single_workload_file_still_loads_and_saves_byte_identical() -> None:
    text = OLD_FILE.read_text(encoding="utf-8")
    session = loads_session(text, "old.toml")
    assert dumps_session(session) == text


def test_the_questionnaire_refuses_a_portfolio_question_of_the_wrong_kind() -> None:
    head = 'id = "t"\nversion = "1"\n[[questions]]\nid = "a"\nrole = "{role}"\nsection = "S"\n' \
           'prompt = "p"\ntype = "{kind}"\nportfolio = "{field}"\n'
    for role, kind, field, message in [
        ("it", "text", "peak_hours", "application owner or the AI team"),
        ("app_owner", "number", "peak_hours", "takes a text question"),
        ("app_owner", "text", "off_peak_fraction", "takes a number question"),
        ("app_owner", "text", "nonsense", "portfolio"),
    ]:
        with pytest.raises(KickoffError, match=message):
            parse_questionnaire(head.format(role=role, kind=kind, field=field), "t.toml")


def test_a_peak_window_that_moves_the_signed_fleet_withdraws_the_signoffs_also_on_replay() -> None:
    s = day_and_night(peaks=False)
    s.sign_off("ai_team", "Sam")
    s.sign_off("it", "Priya")
    s.record_answer("request_history", "1, 2, 3", "Dana", "app_owner", workload="batch")
    assert s.is_signed_off, "a history does not move today's fleet"
    s.record_answer("peak_hours", "08-18", "Dana", "app_owner", workload="chat")
    s.record_answer("off_peak_share", 0, "Dana", "app_owner", workload="chat")
    s.record_answer("peak_hours", "22-06", "Dana", "app_owner", workload="batch")
    s.record_answer("off_peak_share", 0, "Dana", "app_owner", workload="batch")
    assert s.signoffs == []
    assert any("shared fleet" in e.reason for e in s.events), [e.reason for e in s.events]
    again = loads_session(dumps_session(s), "s.toml")
    assert rebuild(again) == again and again.signoffs == []
