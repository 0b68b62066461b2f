"""The questionnaire: shipped file, loader (wheel and checkout), validation messages."""

from __future__ import annotations

import tomllib
import typing
from pathlib import Path

import pytest

from kickoff_tui.cli import main
from kickoff_tui.errors import KickoffError
from kickoff_tui.record import (
    CADENCE_MONTHS,
    QuestionnaireError,
    default_questionnaire,
    load_questionnaire,
    parse_questionnaire,
)
from kickoff_tui.record import questionnaire as qmod
from kickoff_tui.record.questionnaire import parse_duration_hours
from kickoff_tui.sizing.inputs import Cooling, Fabric, Percentile, PriceBasis, Redundancy, SizingInputs, UseCase

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "questionnaires" / "kickoff.toml"

REQUIRED = {
    # application owner
    "use_case": "app_owner",
    "users": "app_owner",
    "peak_concurrency": "app_owner",
    "requests_per_second": "app_owner",
    "ttft_target_ms": "app_owner",
    "tpot_target_ms": "app_owner",
    "redundancy": "app_owner",
    # AI team
    "model": "ai_team",
    "precision": "ai_team",
    "avg_input_tokens": "ai_team",
    "max_context_tokens": "ai_team",
    "size_for_max_context": "ai_team",
    "serving_engine": "ai_team",
    "continuous_batching": "ai_team",
    "paged_attention": "ai_team",
    "prefix_caching": "ai_team",
    "speculative_decoding": "ai_team",
    "speculative_evidence": "ai_team",
    "finetuned_variants": "ai_team",
    "lora_adapters": "ai_team",
    # IT
    "gpu": "it",
    "gpu_count_budget": "it",
    "fabric": "it",
    "rack_power_kw": "it",
    "cooling": "it",
    "maintenance_window": "it",
    "dev_cluster": "it",
    # sign-off and review
    "review_cadence": "it",
    "signoff_it": "it",
    "signoff_ai_team": "ai_team",
}


def test_shipped_questionnaire_covers_the_kickoff() -> None:
    q = default_questionnaire()
    assert q.id == "kickoff"
    for qid, role in REQUIRED.items():
        assert q.get(qid).role == role, qid
    for question in q.questions:
        assert question.help and len(question.help) > 40, question.id
        assert question.prompt.endswith("?"), question.id
    assert q.cadence_question() is not None
    assert {q.signoff_question(r).id for r in ("it", "ai_team")} == {"signoff_it", "signoff_ai_team"}


@pytest.mark.parametrize(
    ("question", "literal"),
    [
        ("use_case", UseCase),
        ("redundancy", Redundancy),
        ("cooling", Cooling),
        ("price_basis", PriceBasis),
        ("fabric", Fabric),
        ("slo_percentile", Percentile),
    ],
)
def test_choice_vocabularies_match_sizing_literals(question: str, literal) -> None:
    values = [c.value for c in default_questionnaire().get(question).choices]
    assert sorted(values) == sorted(typing.get_args(literal))


def test_precisions_and_catalog_choices() -> None:
    q = default_questionnaire()
    assert sorted(c.value for c in q.get("precision").choices) == sorted(("fp16", "bf16", "fp8", "int8", "fp4", "int4"))
    assert q.get("model").choices_from == "models" and "llama-3.3-70b" in q.get("model").choice_values()
    gpu_values = q.get("gpu").choice_values()
    assert gpu_values[0] == "recommend" and "h100-sxm" in gpu_values
    assert q.get("review_cadence").choice_values() == list(CADENCE_MONTHS)


def test_every_sizing_feed_is_a_real_input() -> None:
    fed = [q.feeds for q in default_questionnaire().questions if q.feeds]
    assert len(fed) == len(set(fed))
    assert set(fed) <= set(SizingInputs.model_fields)


def test_loader_prefers_the_packaged_copy(tmp_path: Path, monkeypatch) -> None:
    """In a wheel the file sits in kickoff_tui/questionnaires/ (pyproject force-include)."""
    package = tmp_path / "kickoff_tui"
    (package / "questionnaires").mkdir(parents=True)
    text = SHIPPED.read_text().replace('title = "AI inference', 'title = "Packaged AI inference')
    (package / "questionnaires" / "kickoff.toml").write_text(text)
    monkeypatch.setattr(qmod.resources, "files", lambda name: package)
    qmod.default_questionnaire.cache_clear()
    try:
        assert default_questionnaire().title.startswith("Packaged")
    finally:
        qmod.default_questionnaire.cache_clear()


def test_loader_falls_back_to_the_checkout(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(qmod.resources, "files", lambda name: tmp_path)  # no questionnaires/ inside
    qmod.default_questionnaire.cache_clear()
    try:
        assert default_questionnaire().title == tomllib.loads(SHIPPED.read_text())["title"]
    finally:
        qmod.default_questionnaire.cache_clear()


def test_pyproject_ships_the_folder() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = data["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include["questionnaires"] == "kickoff_tui/questionnaires"


# --- broken questionnaires ---------------------------------------------------------------------------

HEAD = 'id = "acme"\nversion = "1"\n'


def one(body: str) -> str:
    return HEAD + '[[questions]]\nsection = "S"\nprompt = "P?"\n' + body


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (one('id = "q1"\nrole = "cfo"\ntype = "text"'), "question 'q1' field 'role'"),
        (one('id = "q1"\nrole = "it"\ntype = "choice"'), "question 'q1': a choice question needs choices"),
        (one('id = "q1"\nrole = "it"\ntype = "number"\nfeeds = "gpu_count"'), "question 'q1' field 'feeds'"),
        (
            one('id = "q1"\nrole = "it"\ntype = "choice"\nfeeds = "cooling"\nchoices = [{ value = "water" }]'),
            "choice 'water' is not accepted by sizing input 'cooling'",
        ),
        (one('id = "q1"\nrole = "it"\ntype = "number"\nmin = 5\nmax = 1'), "min 5 is above max 1"),
        (one('id = "q1"\nrole = "it"\ntype = "number"\nmax = 10\ndefault = 20'), "default"),
        (one('id = "Bad Id"\nrole = "it"\ntype = "text"'), "field 'id'"),
        (one('id = "q1"\nrole = "it"\ntype = "text"\ncolour = "red"'), "question 'q1' field 'colour'"),
        (one('id = "q1"\nrole = "app_owner"\ntype = "yes_no"\naction = "signoff"'), "sign-off belongs to"),
        (
            one('id = "q1"\nrole = "it"\ntype = "choice"\naction = "cadence"\nchoices = [{ value = "weekly" }]'),
            "cadence choice 'weekly' unknown",
        ),
        (one('role = "it"\ntype = "text"'), "question #1 field 'id': Field required"),
        (HEAD, "field 'questions': Field required"),
        ("id = [", "not valid TOML"),
    ],
)
def test_broken_questionnaire_names_question_and_field(text: str, words: str) -> None:
    with pytest.raises(KickoffError) as err:
        parse_questionnaire(text, "team.toml")
    assert words in str(err.value)
    assert "\n" not in str(err.value)


def test_duplicate_ids_and_feeds() -> None:
    body = one('id = "q1"\nrole = "it"\ntype = "number"\nfeeds = "rack_power_kw"')
    twice = body + '\n[[questions]]\nid = "q1"\nrole = "it"\nsection = "S"\nprompt = "P?"\ntype = "text"\n'
    with pytest.raises(QuestionnaireError, match="'q1' .#2. repeats an id"):
        parse_questionnaire(twice)
    fed = body + '\n[[questions]]\nid = "q2"\nrole = "it"\nsection = "S"\nprompt = "P?"\ntype = "number"\nfeeds = "rack_power_kw"\n'
    with pytest.raises(QuestionnaireError, match="already fed by question 'q1'"):
        parse_questionnaire(fed)


def test_all_problems_listed(tmp_path: Path, capsys) -> None:
    path = tmp_path / "team.toml"
    path.write_text(
        one('id = "q1"\nrole = "cfo"\ntype = "text"')
        + '\n[[questions]]\nid = "q2"\nrole = "it"\nsection = "S"\nprompt = "P?"\ntype = "dial"\n'
    )
    with pytest.raises(QuestionnaireError) as err:
        load_questionnaire(path)
    assert len(err.value.problems) == 2
    assert main(["questionnaire", "check", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert "question 'q1' field 'role'" in lines[0] and "question 'q2' field 'type'" in lines[1]


def test_cli_check_ok_and_show(capsys) -> None:
    assert main(["questionnaire", "check", str(SHIPPED)]) == 0
    assert "ok: questionnaire 'kickoff'" in capsys.readouterr().out
    assert main(["questionnaire", "show"]) == 0
    out = capsys.readouterr().out
    assert "peak_concurrency" in out and "-> peak_concurrency" in out


def test_missing_questionnaire_file(tmp_path: Path) -> None:
    with pytest.raises(KickoffError, match="no such questionnaire"):
        load_questionnaire(tmp_path / "nope.toml")


def test_custom_questionnaire_drives_a_session(tmp_path: Path, capsys) -> None:
    from kickoff_tui.record import Session, save_session

    text = one('id = "load"\nrole = "app_owner"\ntype = "number"\nfeeds = "peak_concurrency"\nmin = 1')
    path = tmp_path / "acme.toml"
    path.write_text(text)
    q = load_questionnaire(path)
    s = Session.new("Acme", questionnaire=q, session_id="acme", clock=lambda: qmod_time())
    s.record_answer("load", 64, "Ann", "app_owner")
    assert s.sizing_inputs().peak_concurrency == 64
    file = tmp_path / "acme-session.toml"
    save_session(s, file)
    assert main(["replay", str(file)]) == 2
    assert "--questionnaire" in capsys.readouterr().err
    assert main(["replay", str(file), "--questionnaire", str(path)]) == 0
    assert "load = 64" in capsys.readouterr().out


def qmod_time():
    from datetime import datetime, timezone

    return datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("text", "hours"), [("30m", 0.5), ("4h", 4.0), ("2d", 48.0), ("1w", 168.0), ("90 min", 1.5)])
def test_durations(text: str, hours: float) -> None:
    assert parse_duration_hours(text) == pytest.approx(hours)


def test_value_normalisation() -> None:
    q = default_questionnaire()
    assert q.get("maintenance_window_length").validate_value(" 4 H ") == "4h"
    assert q.get("rack_power_kw").validate_value("17.5") == 17.5
    assert q.get("users").validate_value(12.0) == 12 and isinstance(q.get("users").validate_value(12.0), int)
    assert q.get("lora_adapters").validate_value("Yes") is True
    assert q.get("users").label_of(1200) == "1,200 users"
    assert q.get("prefix_caching").label_of(False) == "no"


def test_empty_text_is_refused_and_catalog_labels_are_names() -> None:
    note = parse_questionnaire(one('id = "note"\nrole = "it"\ntype = "text"')).get("note")
    with pytest.raises(KickoffError, match="question 'note': the answer is empty"):
        note.validate_value("  ")
    assert note.validate_value(" Saturday 06:00 ") == "Saturday 06:00"
    q = default_questionnaire()
    assert q.get("model").label_of("llama-3.3-70b").endswith("(llama-3.3-70b)")
    assert q.get("finetuned_variants").label_of(1) == "1 variant"
    assert q.get("expected_growth").label_of(30) == "30%"


@pytest.mark.parametrize(("typed", "readings"), [
    ("32k", ("32,000", "32,768")),
    ("128 K", ("128,000", "131,072")),
    ("1.5M", ("1,500,000", "1,572,864")),
])
def test_a_number_written_with_k_or_m_is_refused_with_both_readings(typed: str, readings: tuple[str, str]) -> None:
    """People type "32k" for a context length (32,768) and "1.5k" for users (1,500): Kickoff
    cannot tell which, so it spells out both instead of a bare "is not a number"."""
    q = default_questionnaire().get("max_context_tokens")
    with pytest.raises(KickoffError) as err:
        q.validate_value(typed)
    assert all(r in str(err.value) for r in readings), err.value


def test_the_1024_reading_is_offered_for_token_counts_only() -> None:
    """ "50k" dollars is 50,000 (51,200 is no reading of it); "1m" on a time may mean a minute."""
    questions = default_questionnaire()
    with pytest.raises(KickoffError) as err:
        questions.get("monthly_budget_usd").validate_value("50k")
    assert "50,000" in str(err.value) and "51,200" not in str(err.value)
    with pytest.raises(KickoffError) as err:
        questions.get("ttft_target_ms").validate_value("1m")
    assert "write it in full" not in str(err.value)
