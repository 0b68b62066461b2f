"""The session: answers, events, owners, sign-off, cadence, flags and autosave."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from kickoff_tui.errors import KickoffError
from kickoff_tui.record import (
    Session,
    inputs_from_answers,
    load_session,
    next_review_date,
)
from kickoff_tui.record.example import stepping_clock
from kickoff_tui.record.session import add_months

START = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)


def new_session(**kwargs) -> Session:
    return Session.new(
        "Test kickoff",
        participants=[("Dana", "app_owner"), ("Sam", "ai_team"), ("Priya", "it")],
        clock=stepping_clock(START, timedelta(minutes=1)),
        session_id="test",
        **kwargs,
    )


def ready_session() -> Session:
    """Enough answers for a feasible spec on a named SKU."""
    s = new_session()
    s.record_answer("model", "llama-3.1-8b", "Sam", "ai_team", "small is enough")
    s.record_answer("gpu", "h100-sxm", "Priya", "it")
    s.record_answer("precision", "fp8", "Sam", "ai_team")
    s.record_answer("peak_concurrency", 40, "Dana", "app_owner")
    return s


def test_new_session_lists_participants_as_events() -> None:
    s = new_session()
    assert [(e.seq, e.kind, e.by, e.role) for e in s.events] == [
        (1, "participant", "Dana", "app_owner"),
        (2, "participant", "Sam", "ai_team"),
        (3, "participant", "Priya", "it"),
    ]
    assert s.created == START
    assert s.events[0].at == START + timedelta(minutes=1)
    assert {f.id for f in s.open_flags()} == {"spec-not-signed-off", "no-review-cadence"}
    assert s.add_participant("Dana", "app_owner") is None  # already there: no event


def test_record_answer_appends_answer_then_change() -> None:
    s = new_session()
    first = s.record_answer("peak_concurrency", "1,200", "Dana", "app_owner", " from logs ")
    assert first is not None and first.value == 1200 and first.rationale == "from logs"
    s.record_answer("peak_concurrency", 900, "Dana", "app_owner", "after the load test")
    answer_events = [e for e in s.events if e.question == "peak_concurrency"]
    assert [(e.kind, e.value, e.previous) for e in answer_events] == [
        ("answer", 1200, None),
        ("change", 900, 1200),
    ]
    assert s.answers["peak_concurrency"].value == 900
    assert s.sizing_inputs().peak_concurrency == 900


def test_same_answer_again_records_nothing() -> None:
    s = new_session()
    s.record_answer("use_case", "rag", "Dana", "app_owner", "why")
    count = len(s.events)
    s.record_answer("use_case", "rag", "Dana", "app_owner", "why")
    assert len(s.events) == count


def test_owner_mismatch_is_allowed_recorded_and_flagged() -> None:
    s = new_session()
    answer = s.record_answer("peak_concurrency", 80, "Sam", "ai_team", "guess")
    assert answer is not None and answer.owner_mismatch
    assert "decision-by-non-owner:peak_concurrency" in {f.id for f in s.open_flags()}
    s.record_answer("peak_concurrency", 120, "Dana", "app_owner", "measured")
    assert not s.answers["peak_concurrency"].owner_mismatch
    assert s.flag("decision-by-non-owner:peak_concurrency").state == "resolved"


@pytest.mark.parametrize(
    ("question", "value", "words"),
    [
        ("peak_concurrency", 0, "below the minimum"),
        ("peak_concurrency", 2.5, "whole number"),
        ("peak_concurrency", "lots", "not a number"),
        ("use_case", "chatbot", "not one of"),
        ("model", "gpt-17", "not one of"),
        ("continuous_batching", "maybe", "yes or no"),
        ("maintenance_window_length", "a while", "not a duration"),
    ],
)
def test_bad_values_are_refused_without_an_event(question: str, value: object, words: str) -> None:
    s = new_session()
    count = len(s.events)
    with pytest.raises(KickoffError, match=words) as err:
        s.record_answer(question, value, "Dana", "app_owner")
    assert question in str(err.value)
    assert len(s.events) == count


def test_unknown_question_and_role_are_refused() -> None:
    s = new_session()
    with pytest.raises(KickoffError, match="unknown question"):
        s.record_answer("colour", "blue", "Dana", "app_owner")
    with pytest.raises(KickoffError, match="unknown role"):
        s.record_answer("use_case", "chat", "Dana", "ceo")


def test_contradicting_answers_are_refused_naming_the_questions() -> None:
    s = new_session()
    s.record_answer("max_context_tokens", 4096, "Sam", "ai_team")
    s.record_answer("avg_output_tokens", 500, "Sam", "ai_team")
    with pytest.raises(KickoffError, match="max context"):
        s.record_answer("avg_input_tokens", 8000, "Sam", "ai_team")
    assert "avg_input_tokens" not in s.answers


def test_yes_no_and_scaled_numbers_feed_sizing() -> None:
    s = new_session()
    s.record_answer("prefix_caching", "no", "Sam", "ai_team")
    s.record_answer("expected_growth", 30, "Dana", "app_owner")
    s.record_answer("gpu", "recommend", "Priya", "it")
    inputs = s.sizing_inputs()
    assert inputs.prefix_caching is False
    assert inputs.expected_growth == pytest.approx(0.30)
    assert inputs.gpu is None


def test_defaults_fill_inputs_and_are_listed_as_assumptions() -> None:
    s = new_session()
    inputs = s.sizing_inputs()
    assert inputs.finetuned_variants == 1 and inputs.speculative_decoding is False
    spec = s.spec()
    assert spec is not None
    assumed = {a.field: a for a in spec.assumptions}
    assert "finetuned_variants" in assumed
    assert "questionnaire default" in assumed["finetuned_variants"].reason
    s.record_answer("finetuned_variants", 2, "Sam", "ai_team")
    assert not s.spec().is_assumed("finetuned_variants")


def test_inputs_from_bare_values() -> None:
    s = new_session()
    inputs = inputs_from_answers(s.questionnaire, {"peak_concurrency": 5, "rack_power_kw": 17.5})
    assert inputs.peak_concurrency == 5 and inputs.rack_power_kw == 17.5


def test_clear_answer() -> None:
    s = new_session()
    s.record_answer("users", 500, "Dana", "app_owner")
    s.clear_answer("users", "Dana", "app_owner", "not known after all")
    assert "users" not in s.answers
    assert s.events[-1].kind == "clear" and s.events[-1].previous == 500


def test_sign_off_snapshots_the_spec_and_needs_the_right_role() -> None:
    s = ready_session()
    with pytest.raises(KickoffError, match="must come from"):
        s.sign_off("it", "Sam")
    with pytest.raises(KickoffError, match="sign-off is by"):
        s.sign_off("app_owner", "Dana")
    s.sign_off("ai_team", "Sam")
    assert not s.is_signed_off
    s.record_answer("signoff_it", "yes", "Priya", "it", "fits the racks")
    assert s.is_signed_off
    assert s.answers["signoff_it"].value is True
    assert s.signed_spec is not None and s.signed_spec.comparison == []
    assert s.signed_spec.total_gpus == s.spec().total_gpus
    assert "spec-not-signed-off" not in {f.id for f in s.active_flags()}


def test_changing_an_input_withdraws_both_signoffs() -> None:
    s = ready_session()
    s.sign_off("ai_team", "Sam")
    s.sign_off("it", "Priya")
    s.record_answer("dev_cluster", "mirror", "Priya", "it")  # feeds nothing: sign-offs stand
    assert s.is_signed_off
    s.record_answer("peak_concurrency", 400, "Dana", "app_owner", "second desk joins")
    assert s.signoffs == [] and s.signed_spec is None
    assert "signoff_it" not in s.answers
    assert s.flag("spec-not-signed-off").state == "open"


def test_withdraw_signoff_by_answering_no() -> None:
    s = ready_session()
    s.sign_off("ai_team", "Sam")
    s.record_answer("signoff_ai_team", False, "Sam", "ai_team", "eval not finished")
    assert s.signoff("ai_team") is None
    assert s.events[-1].kind == "signoff" and s.events[-1].value is False


def test_infeasible_spec_cannot_be_signed_off() -> None:
    s = new_session()
    s.record_answer("model", "llama-3.1-405b", "Sam", "ai_team")
    s.record_answer("precision", "bf16", "Sam", "ai_team")
    s.record_answer("gpu", "l4", "Priya", "it")
    s.record_answer("gpus_per_node", 1, "Priya", "it")
    spec = s.spec()
    assert spec is not None and not spec.feasible
    assert "model-does-not-fit" in {f.id for f in s.open_flags()}
    with pytest.raises(KickoffError, match="infeasible"):
        s.sign_off("it", "Priya")


def test_cadence_sets_next_review_and_answers_the_question() -> None:
    s = new_session()
    cadence = s.set_cadence("quarterly", "Priya", by_role="it", rationale="with maintenance")
    assert cadence.every == "quarterly"
    assert cadence.next_review == date(2026, 4, 15)
    assert s.answers["review_cadence"].value == "quarterly"
    s.record_answer("review_cadence", "monthly", "Priya", "it")
    assert s.cadence is not None and s.cadence.next_review == date(2026, 2, 15)
    with pytest.raises(KickoffError, match="not one of"):
        s.record_answer("review_cadence", "weekly", "Priya", "it")
    assert s.flag("no-review-cadence").state == "resolved"


@pytest.mark.parametrize(
    ("start", "cadence", "expected"),
    [
        (date(2026, 1, 31), "monthly", date(2026, 2, 28)),
        (date(2024, 1, 31), "monthly", date(2024, 2, 29)),
        (date(2026, 11, 30), "quarterly", date(2027, 2, 28)),
        (date(2026, 8, 31), "half-yearly", date(2027, 2, 28)),
        (date(2024, 2, 29), "yearly", date(2025, 2, 28)),
    ],
)
def test_next_review_date(start: date, cadence: str, expected: date) -> None:
    assert next_review_date(start, cadence) == expected


def test_add_months_across_years() -> None:
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 1, 15), 24) == date(2028, 1, 15)


def test_acknowledge_and_resolve_flags() -> None:
    s = new_session()
    s.record_answer("dev_cluster", "none", "Priya", "it", "no budget")
    with pytest.raises(KickoffError, match="needs a reason"):
        s.acknowledge_flag("no-dev-cluster", "  ", "Priya")
    with pytest.raises(KickoffError, match="no red flag"):
        s.acknowledge_flag("no-such-flag", "x", "Priya")
    record = s.acknowledge_flag("no-dev-cluster", "pilot box until Q3", "Priya")
    assert record.state == "acknowledged" and record.reason == "pilot box until Q3"
    assert s.events[-1].kind == "flag_ack"
    assert "no-dev-cluster" not in {f.id for f in s.open_flags()}
    assert "no-dev-cluster" in {f.id for f in s.active_flags()}
    s.resolve_flag("no-dev-cluster", "two L40S ordered", "Priya")
    assert s.flag("no-dev-cluster").state == "resolved"
    with pytest.raises(KickoffError, match="already resolved"):
        s.resolve_flag("no-dev-cluster", "again", "Priya")


def test_flag_goes_away_when_the_answer_changes_and_comes_back() -> None:
    s = new_session()
    s.record_answer("dev_cluster", "none", "Priya", "it")
    s.record_answer("dev_cluster", "scaled-down", "Priya", "it")
    assert s.flag("no-dev-cluster").state == "resolved"
    s.record_answer("dev_cluster", "none", "Priya", "it")
    assert s.flag("no-dev-cluster").state == "open"


def test_clock_is_injectable_and_timestamps_deterministic() -> None:
    a, b = ready_session(), ready_session()
    assert a == b
    assert a.updated == START + timedelta(minutes=len(a.events))


def test_equality_ignores_bindings() -> None:
    a = ready_session()
    b = a.model_copy(deep=True)
    b.bind(clock=lambda: START)
    assert a == b
    b.title = "Other"
    assert a != b


def test_set_title_is_an_event() -> None:
    s = new_session()
    s.set_title("Renamed kickoff", "Dana")
    assert s.title == "Renamed kickoff" and s.events[-1].kind == "title"


def test_autosave_writes_every_event_to_the_data_dir(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("KICKOFF_DATA_DIR", str(tmp_path))
    s = new_session(autosave=True)
    path = tmp_path / "sessions" / "test.toml"
    assert s.autosave_file == path and path.exists()
    s.record_answer("use_case", "chat", "Dana", "app_owner")
    saved = load_session(path)
    assert saved == s
    assert not list(path.parent.glob("*.tmp"))


def test_autosave_to_a_given_path(tmp_path) -> None:
    target = tmp_path / "kickoff" / "mine.toml"
    s = new_session(autosave=target)
    s.record_answer("users", 10, "Dana", "app_owner")
    assert load_session(target).answers["users"].value == 10


def test_autosave_path_is_a_safe_file_name(tmp_path, monkeypatch) -> None:
    from kickoff_tui.record import autosave_path

    monkeypatch.setenv("KICKOFF_DATA_DIR", str(tmp_path))
    assert autosave_path("../../etc/passwd") == tmp_path / "sessions" / "etc-passwd.toml"
    assert autosave_path("2026-01-15-desk") == tmp_path / "sessions" / "2026-01-15-desk.toml"
