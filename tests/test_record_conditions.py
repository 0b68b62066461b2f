"""Question conditions (``when = ...``): parsed safely, checked on load, applied to sizing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kickoff_tui.cli import main
from kickoff_tui.errors import KickoffError
from kickoff_tui.record import Session, default_questionnaire
from kickoff_tui.record.conditions import ConditionError, evaluate, parse_condition
from kickoff_tui.record.example import stepping_clock
from kickoff_tui.record.questionnaire import parse_questionnaire

START = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)


def lookup(values: dict[str, object]):  # type: ignore[no-untyped-def]
    return lambda qid: (qid in values, values.get(qid))


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("speculative_decoding == true", {"speculative_decoding": True}, True),
        ("speculative_decoding == true", {"speculative_decoding": False}, False),
        ("speculative_decoding == true", {}, False),
        ("finetuned_variants > 1", {"finetuned_variants": 3}, True),
        ("finetuned_variants > 1", {"finetuned_variants": 1}, False),
        ("finetuned_variants >= 1.5", {"finetuned_variants": 2}, True),
        ("peak_concurrency is unanswered", {}, True),
        ("peak_concurrency is unanswered", {"peak_concurrency": 40}, False),
        ("peak_concurrency is not answered", {}, True),
        ("peak_concurrency is answered", {"peak_concurrency": 40}, True),
        ("use_case == 'rag' or use_case == \"agent\"", {"use_case": "agent"}, True),
        ("not (a == 1 and b != 'x')", {"a": 1, "b": "y"}, False),
        ("a == 1 and b < 2 or c == true", {"a": 2, "c": True}, True),
        ("a == 'x'", {"a": 3}, False),  # wrong type never matches
    ],
)
def test_conditions_evaluate(text: str, values: dict[str, object], expected: bool) -> None:
    assert evaluate(parse_condition(text), lookup(values)) is expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("a ==", "ends too early"),
        ("a = 1", "cannot read"),
        ("a == 1 extra", "unexpected"),
        ("(a == 1", "not closed"),
        ("a is maybe", "answered or unanswered"),
        ("__import__('os').system('x')", "cannot read"),
        ("a == b", "expected a number"),
        ("x" * 600, "at most"),
    ],
)
def test_bad_conditions_say_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(ConditionError, match=words):
        parse_condition(text)


QUESTIONNAIRE = """
id = "t"
version = "1"

[[questions]]
id = "spec"
role = "ai_team"
section = "S"
prompt = "Speculative?"
type = "yes_no"

[[questions]]
id = "variants"
role = "ai_team"
section = "S"
prompt = "Variants?"
type = "number"

[[questions]]
id = "kind"
role = "app_owner"
section = "S"
prompt = "Kind?"
type = "choice"
choices = [{ value = "chat" }, { value = "rag" }]

[[questions]]
id = "follow"
role = "ai_team"
section = "S"
prompt = "Follow-up"
type = "text"
when = "{when}"
"""


@pytest.mark.parametrize(
    ("when", "words"),
    [
        ("nosuch == 1", "unknown question 'nosuch'"),
        ("spec == 1", "'spec' is yes/no; compare it with true or false"),
        ("variants == 'many'", "'variants' is a number"),
        ("kind > 'chat'", "use == or !="),
        ("kind == 'batch'", "'batch' is not a choice of 'kind'"),
        ("follow is answered", "cannot depend on itself"),
        ("spec ==", "condition"),
    ],
)
def test_questionnaire_check_names_condition_problems(
    when: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = QUESTIONNAIRE.replace("{when}", when)
    with pytest.raises(KickoffError, match="follow") as err:
        parse_questionnaire(text, "t.toml")
    assert words in str(err.value)
    path = tmp_path / "q.toml"
    path.write_text(text, "utf-8")
    assert main(["questionnaire", "check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert words in out + err and err.startswith("kickoff:") and err.count("\n") == 1


def test_circular_conditions_are_refused() -> None:
    text = QUESTIONNAIRE.replace("{when}", "variants > 1").replace(
        'prompt = "Variants?"\ntype = "number"', 'prompt = "Variants?"\ntype = "number"\nwhen = "follow is answered"')
    with pytest.raises(KickoffError, match="circle: variants -> follow -> variants|circle: follow -> variants -> follow"):
        parse_questionnaire(text, "t.toml")


def test_valid_conditions_load() -> None:
    questionnaire = parse_questionnaire(QUESTIONNAIRE.replace("{when}", "spec == true and variants > 1"))
    assert questionnaire.hidden({}) == {"follow"}
    assert questionnaire.hidden({"spec": True, "variants": 2}) == set()


def new_session() -> Session:
    return Session.new("Conditions", participants=[("Dana", "app_owner"), ("Sam", "ai_team"),
                                                   ("Priya", "it")],
                       clock=stepping_clock(START, timedelta(minutes=1)), session_id="when")


def test_shipped_follow_ups_apply_only_when_their_answer_calls_for_them() -> None:
    s = new_session()
    unanswered = {q.id for q in s.questionnaire.questions if q.id not in s.answers}
    hidden = s.questionnaire.hidden(s.answers)
    # Defaults: no speculative decoding, one variant, nothing about the peak yet.
    speculative = {"speculative_speedup", "speculative_evidence", "speculative_method",
                   "speculative_draft_tokens", "speculative_acceptance", "draft_model"}
    assert speculative | {"lora_adapters", "spare_nodes", "burst_included"} <= hidden
    assert {"requests_per_second", "burst_factor", "requests_per_user_per_hour"} <= unanswered - hidden
    s.record_answer("peak_concurrency", 200, "Dana", "app_owner", "gateway logs")
    hidden = s.questionnaire.hidden(s.answers)
    assert {"requests_per_second", "requests_per_user_per_hour"} <= hidden
    # Bursts multiply a direct peak too; whether the peak includes them matters only with a burst.
    assert "burst_factor" not in hidden and "burst_included" in hidden
    s.record_answer("burst_factor", 2, "Dana", "app_owner", "month-end")
    assert "burst_included" not in s.questionnaire.hidden(s.answers)
    s.record_answer("redundancy", "spare-nodes", "Dana", "app_owner")
    assert "spare_nodes" not in s.questionnaire.hidden(s.answers)
    s.record_answer("speculative_decoding", True, "Sam", "ai_team")
    s.record_answer("finetuned_variants", 3, "Sam", "ai_team")
    hidden = s.questionnaire.hidden(s.answers)
    assert not (speculative | {"lora_adapters"}) & hidden
    s.record_answer("speculative_method", "eagle", "Sam", "ai_team")
    assert "draft_model" in s.questionnaire.hidden(s.answers)


def test_a_hidden_answer_is_kept_but_feeds_nothing() -> None:
    s = new_session()
    s.record_answer("speculative_decoding", True, "Sam", "ai_team")
    s.record_answer("speculative_speedup", 2.5, "Sam", "ai_team", "measured on our prompts")
    assert s.sizing_inputs().speculative_speedup == 2.5
    s.record_answer("speculative_decoding", False, "Sam", "ai_team", "draft model not ready")
    assert s.answers["speculative_speedup"].value == 2.5  # kept in the record
    assert s.is_hidden("speculative_speedup")
    assert s.sizing_inputs().speculative_speedup is None
    assert "speculative_speedup" not in {q.id for q in s.applicable()}


def test_hidden_questions_are_not_counted_as_missing() -> None:
    s = new_session()
    assert "lora_adapters" not in {q.id for q in s.unanswered()}
    shipped = default_questionnaire()
    assert all(q.when is None or q.optional for q in shipped.questions)
