"""A rationale is part of the answer, and sign-offs stand until a signed figure moves (issue 12)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kickoff_tui.record import Session
from kickoff_tui.record.diff import diff_sessions
from kickoff_tui.record.example import stepping_clock
from kickoff_tui.record.markdown import session_markdown
from kickoff_tui.record.replay import rebuild
from kickoff_tui.record.session import SIGNED_FIGURES, signed_changes
from kickoff_tui.record.summary import event_line

START = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)


def signed_session() -> Session:
    s = Session.new(
        "Rationale kickoff",
        participants=[("Dana", "app_owner"), ("Sam", "ai_team"), ("Priya", "it")],
        clock=stepping_clock(START, timedelta(minutes=1)),
        session_id="why",
    )
    s.record_answer("model", "llama-3.1-8b", "Sam", "ai_team", "small is enough")
    s.record_answer("gpu", "h100-sxm", "Priya", "it")
    s.record_answer("precision", "fp8", "Sam", "ai_team")
    s.record_answer("peak_concurrency", 40, "Dana", "app_owner")
    s.record_answer("tpot_target_ms", 40, "Dana", "app_owner")
    s.sign_off("ai_team", "Sam")
    s.sign_off("it", "Priya")
    assert s.is_signed_off
    return s


def test_a_new_reason_for_the_same_value_is_a_rationale_event_not_a_change() -> None:
    s = signed_session()
    before = len(s.events)
    s.record_answer("tpot_target_ms", 40, "Dana", "app_owner", "reading speed, measured")
    event = s.events[-1]
    assert len(s.events) == before + 1
    assert event.kind == "rationale" and event.value is None
    assert s.answers["tpot_target_ms"].rationale == "reading speed, measured"
    assert s.answers["tpot_target_ms"].value == 40
    assert s.is_signed_off  # nothing the spec rests on moved
    assert "40 -> 40" not in event_line(event, s.questionnaire)
    assert "reason given" in event_line(event, s.questionnaire)
    assert "reading speed, measured" in session_markdown(s)
    assert rebuild(s) == s  # replay understands it


def test_the_same_value_and_reason_again_records_nothing() -> None:
    s = signed_session()
    before = len(s.events)
    s.record_answer("tpot_target_ms", 40, "Dana", "app_owner", "")
    assert len(s.events) == before


def test_a_choice_and_a_yes_no_keep_their_rationale() -> None:
    s = signed_session()
    s.record_answer("slo_percentile", "p95", "Dana", "app_owner", "contract says p95")
    s.record_answer("prefix_caching", True, "Sam", "ai_team", "shared system prompt")
    assert s.answers["slo_percentile"].rationale == "contract says p95"
    assert s.answers["prefix_caching"].rationale == "shared system prompt"


def test_signoffs_stand_when_the_signed_figures_do_not_move() -> None:
    s = signed_session()
    signed = s.signed_spec
    # Growth per month feeds planning only; a burst factor is unused while the peak in-flight
    # count is given: the spec both feed is the one signed.
    s.record_answer("monthly_traffic_growth", 3, "Dana", "app_owner")
    s.record_answer("burst_factor", 3, "Dana", "app_owner", "mornings")
    assert s.is_signed_off and s.signed_spec == signed
    assert s.events[-1].kind == "answer" and s.events[-1].reason == ""


def test_moving_a_signed_figure_withdraws_both_and_the_log_says_which() -> None:
    s = signed_session()
    s.record_answer("peak_concurrency", 4000, "Dana", "app_owner", "second desk joins")
    event = s.events[-1]
    assert s.signoffs == [] and s.signed_spec is None
    assert "withdraws the sign-offs" in event.reason and "total GPUs" in event.reason
    assert "total GPUs" in event_line(event, s.questionnaire)
    assert rebuild(s) == s


def test_clearing_an_answer_that_does_not_move_the_spec_keeps_the_signoffs() -> None:
    s = signed_session()
    s.record_answer("burst_factor", 2, "Dana", "app_owner")  # unused: peak in-flight is given
    assert s.is_signed_off
    s.clear_answer("burst_factor", "Dana", "app_owner")
    assert s.is_signed_off and s.events[-1].reason == ""


def test_signed_changes_names_each_figure() -> None:
    s = signed_session()
    signed = s.signed_spec
    assert signed is not None
    assert signed_changes(signed, signed) == []
    moved = signed.model_copy(update={"total_gpus": signed.total_gpus + 4, "cooling": "dlc"})
    changes = signed_changes(signed, moved)
    assert any(c.startswith("total GPUs") for c in changes)
    assert any(c.startswith("cooling") for c in changes)
    assert signed_changes(signed, None) == ["the answers can no longer be sized"]
    assert {field for field, _ in SIGNED_FIGURES} >= {"total_gpus", "gpu_name", "precision"}


def test_diff_shows_a_changed_rationale() -> None:
    a = signed_session()
    b = signed_session()
    b.record_answer("tpot_target_ms", 40, "Dana", "app_owner", "reading speed")
    entries = diff_sessions(a, b).section("rationale")
    assert [(e.key, e.a, e.b) for e in entries] == [("tpot_target_ms", "-", "reading speed")]


def test_growth_before_the_next_review_follows_the_agreed_cadence() -> None:
    from kickoff_tui.planning.growth import monthly_rate_figure

    s = signed_session()
    s.record_answer("expected_growth", 30, "Dana", "app_owner", "new branch network")
    before = monthly_rate_figure(s.sizing_inputs(), s.planning().growth)
    assert before is not None and before.assumed  # no cadence yet: spread over 12 months
    assert abs(before.value - (1.3 ** (1 / 12) - 1)) < 1e-9
    s.set_cadence("quarterly", "Priya", by_role="it")
    figure = monthly_rate_figure(s.sizing_inputs(), s.planning().growth)
    assert figure is not None and not figure.assumed
    assert abs((1 + figure.value) ** 3 - 1.3) < 1e-9  # 30% per quarter, compounding monthly
    assert "next review, in 3 months" in figure.trace
