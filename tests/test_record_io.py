"""Session files: round trip (hypothesis), atomic writes, readable layout, one-line errors."""

from __future__ import annotations

import os
import string
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kickoff_tui.errors import KickoffError
from kickoff_tui.record import (
    Answer,
    Event,
    FlagRecord,
    Participant,
    ReviewCadence,
    Session,
    SessionFileError,
    SignOff,
    atomic_write_text,
    dumps_session,
    load_session,
    loads_session,
    save_session,
)
from kickoff_tui.record.models import EVENT_KINDS
from kickoff_tui.record.questionnaire import MAX_ABS_NUMBER, control_character
from kickoff_tui.catalog import gpus as catalog_gpus
from kickoff_tui.sizing.spec import Assumption, PhysicalLimits, SizedSpec

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "session-support-assistant.toml"

# --- strategies -------------------------------------------------------------------------------------

text = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n\r"), max_size=40).filter(
    lambda t: control_character(t) is None
)
"""Any text a session file may hold: no surrogates (not UTF-8), no control characters but tab,
newline and carriage return (the loader refuses them, see ``control_character``)."""
names = st.text(st.characters(exclude_categories=("Cs", "Z", "Cc")), min_size=1, max_size=20).filter(
    lambda t: control_character(t) is None
)
roles = st.sampled_from(["app_owner", "ai_team", "it"])
moments = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(timezone.utc)
) | st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1))  # naive = UTC
days = st.dates(min_value=date(1970, 1, 1), max_value=date(2200, 1, 1))
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-MAX_ABS_NUMBER, max_value=MAX_ABS_NUMBER)
figures = st.floats(allow_nan=False, allow_infinity=False, min_value=0, max_value=MAX_ABS_NUMBER)
"""A sized spec's figures: counts, sizes, times, powers and prices, none below zero (the loader
refuses a negative one: test_cli_audit.py::test_a_signed_spec_with_a_negative_figure_is_refused_on_loading)."""
values = (
    st.booleans()
    | st.integers(min_value=-int(MAX_ABS_NUMBER), max_value=int(MAX_ABS_NUMBER))
    | finite
    | text
)
event_values = values.filter(lambda v: v != "")  # an event always carries a value
keys = st.text(string.ascii_lowercase + "_", min_size=1, max_size=12) | names


@st.composite
def events(draw) -> list[Event]:
    found = []
    for index in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(EVENT_KINDS))
        fields: dict = {"seq": index + 1, "at": draw(moments), "kind": kind, "by": draw(names)}
        if kind in ("participant", "participant_remove", "participant_rename", "answer", "change",
                    "rationale", "clear", "signoff"):
            fields["role"] = draw(roles)
        if kind in ("answer", "change", "rationale", "clear"):
            fields["question"] = draw(keys)
        if kind in ("answer", "change", "title", "cadence", "participant_rename"):
            fields["value"] = draw(event_values) if kind in ("answer", "change") else draw(names)
        if kind == "change":
            fields["previous"] = draw(st.none() | event_values)
        if kind == "signoff":
            fields["value"] = draw(st.booleans())
        if kind in ("flag_ack", "flag_resolve"):
            fields["flag"] = draw(keys)
            fields["reason"] = draw(names)
        if kind == "cadence":
            fields["next_review"] = draw(days)
        if kind.startswith("workload_") or (kind in ("answer", "change", "rationale", "clear")
                                            and draw(st.booleans())):
            fields["workload"] = draw(names)
        if kind == "workload_rename":
            fields["value"] = draw(names)
        fields["rationale"] = draw(text)
        found.append(Event(**fields))
    return found


answers = st.builds(
    Answer,
    value=values,
    answered_by=names,
    role=roles,
    rationale=text,
    at=moments,
    owner_mismatch=st.booleans(),
)

flag_records = st.builds(
    FlagRecord,
    id=keys,
    rule=keys,
    severity=st.sampled_from(["info", "warning", "critical"]),
    owner=roles,
    message=text,
    fix=text,
    questions=st.lists(keys, max_size=3),
    state=st.sampled_from(["open", "acknowledged", "resolved"]),
    raised_at=moments,
    by=text,
    reason=text,
    changed_at=st.none() | moments,
    raised=st.booleans(),
)

specs = st.builds(
    SizedSpec,
    feasible=st.booleans(),
    infeasible_reason=text,
    model=keys,
    model_name=text,
    # a signed spec's GPU is a catalog id: the loader refuses one it does not know
    # (test_cli_audit.py::test_a_signed_spec_naming_an_unknown_gpu_is_refused_on_loading)
    gpu=st.sampled_from([g.id for g in catalog_gpus()]),
    gpu_name=text,
    precision=st.sampled_from(["fp8", "bf16", "int4"]),
    kv_precision=st.sampled_from(["fp8", "bf16"]),
    expert_parallel=st.sampled_from([1, 8]),
    dp_attention=st.booleans(),
    use_case=st.sampled_from(["chat", "rag"]),
    avg_input_tokens=st.integers(1, 10**6),
    avg_output_tokens=st.integers(1, 10**5),
    sized_context_tokens=st.integers(1, 10**6),
    peak_concurrency=st.integers(1, 10**6),
    ttft_target_ms=figures,
    tpot_target_ms=figures,
    slo_percentile=st.sampled_from(["p50", "p95"]),
    total_gpus=st.integers(0, 10**5),
    it_power_kw=figures,
    ttft_ms=st.none() | figures,
    cost_per_month=st.none() | figures,
    why=st.dictionaries(keys, text, max_size=3),
    assumptions=st.lists(st.builds(Assumption, field=keys, value=text, reason=text), max_size=2),
    warnings=st.lists(text, max_size=2),
    physical_limits=st.none()
    | st.builds(PhysicalLimits, best_tpot_ms=figures, best_tpot_gpu=keys, best_ttft_ms=figures, best_ttft_gpu=keys),
)


@st.composite
def sessions(draw) -> Session:
    signoff_roles = draw(st.lists(st.sampled_from(["it", "ai_team"]), unique=True))
    return Session(
        id=draw(names),
        title=draw(names),
        questionnaire_id=draw(st.sampled_from(["kickoff", "acme-kickoff"])),
        questionnaire_version=draw(text),
        catalog_version=draw(text),
        created=draw(moments),
        updated=draw(moments),
        participants=draw(st.lists(st.builds(Participant, name=names, role=roles), max_size=4)),
        answers=draw(st.dictionaries(keys, answers, max_size=5)),
        signoffs=[SignOff(role=r, name=draw(names), at=draw(moments)) for r in signoff_roles],
        cadence=draw(
            st.none()
            | st.builds(
                ReviewCadence,
                every=st.sampled_from(["monthly", "quarterly", "half-yearly", "yearly"]),
                next_review=days,
                set_by=names,
                at=moments,
            )
        ),
        flags=draw(st.lists(flag_records, max_size=4, unique_by=lambda f: f.id)),
        events=draw(events()),
        signed_spec=draw(st.none() | specs),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions())
def test_any_session_round_trips(session: Session) -> None:
    from kickoff_tui.record import default_questionnaire

    text_out = dumps_session(session)
    # Read back without the shipped questionnaire's value checks: generated answers are arbitrary.
    q = default_questionnaire().model_copy(update={"id": session.questionnaire_id, "version": "generated"})
    again = loads_session(text_out, "generated", questionnaire=q)
    assert again == session
    assert dumps_session(again) == text_out


@settings(max_examples=20, deadline=None)
@given(sessions())
def test_files_round_trip_through_disk(tmp_path_factory, session: Session) -> None:
    from kickoff_tui.record import default_questionnaire

    path = tmp_path_factory.mktemp("rt") / "s.toml"
    save_session(session, path)
    q = default_questionnaire().model_copy(update={"id": session.questionnaire_id, "version": "generated"})
    assert load_session(path, questionnaire=q) == session


# --- layout -----------------------------------------------------------------------------------------


def test_example_file_is_stable_and_readable() -> None:
    text_in = EXAMPLE.read_text("utf-8")
    session = load_session(EXAMPLE)
    assert dumps_session(session) == text_in  # writing it back changes nothing: diff-friendly
    assert "null" not in text_in and "None" not in text_in
    assert "[answers.peak_concurrency]" in text_in
    assert text_in.count("[[events]]") == len(session.events)
    # scalars first, then answers in questionnaire order, then flags, events and the spec
    positions = [text_in.index(m) for m in ("schema_version", "[answers.", "[[flags]]", "[[events]]", "[signed_spec]")]
    assert positions == sorted(positions)
    order = list(session.answers)
    assert order.index("use_case") < order.index("model") < order.index("gpu") < order.index("signoff_it")
    assert session.is_signed_off and session.cadence is not None and session.signed_spec is not None


def test_none_values_are_left_out() -> None:
    session = load_session(EXAMPLE)
    assert session.signed_spec is not None
    spec = session.signed_spec.model_copy(update={"cost_per_month": None, "physical_limits": None})
    session.signed_spec = spec
    out = dumps_session(session)
    assert "cost_per_month" not in out and "physical_limits" not in out
    assert loads_session(out).signed_spec == spec


def test_moe_layout_round_trips_and_dense_layout_stays_out_of_the_file() -> None:
    from kickoff_tui.sizing.spec import SkuOption

    session = load_session(EXAMPLE)
    assert session.signed_spec is not None
    dense = SkuOption(gpu="b200", gpu_name="B200", fits=True, tensor_parallel=4)
    moe = SkuOption(gpu="h200-sxm", gpu_name="H200", fits=True, tensor_parallel=8, expert_parallel=8,
                    dp_attention=True)
    spec = session.signed_spec.model_copy(update={"expert_parallel": 8, "dp_attention": True,
                                                  "comparison": [moe, dense]})
    session.signed_spec = spec
    out = dumps_session(session)
    again = loads_session(out).signed_spec
    assert again == spec and again.layout.endswith("EP8, DP attention")
    assert again.comparison[0].layout == "TP8, EP8, DP attention" and again.comparison[1].layout == "TP4"
    assert out.count("expert_parallel") == 2 and out.count("dp_attention") == 2  # spec + the MoE row


# --- atomic writes ----------------------------------------------------------------------------------


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "s.toml"
    atomic_write_text(target, "one\n")
    atomic_write_text(target, "two\n")
    assert target.read_text() == "two\n"
    assert os.listdir(target.parent) == ["s.toml"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "s.toml"
    target.write_text("old\n")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(KickoffError, match="cannot write .*No space left"):
        atomic_write_text(target, "new\n")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["s.toml"]


def test_unwritable_place_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(KickoffError, match="cannot write"):
        atomic_write_text(blocker / "s.toml", "x")


# --- loading errors ---------------------------------------------------------------------------------


def _example_with(old: str, new: str) -> str:
    text_in = EXAMPLE.read_text("utf-8")
    assert old in text_in
    return text_in.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('role = "app_owner"\nrationale = "Agents ask', 'role = "boss"\nrationale = "Agents ask', "answers.use_case.role"),
        ("schema_version = 1", "schema_version = 9", "schema_version 9 is newer"),
        ('kind = "participant"', 'kind = "party"', "events[0].kind"),
        ("seq = 2\n", "seq = 7\n", "seq is 7, expected 2"),
        ('value = "rag"', 'value = "rga"', "answers.use_case.value"),
        ('[answers.users]', '[answers.userz]', "answers.userz: no such question"),
        ('value = 1200\n', 'value = [1200]\n', "answers.users.value"),
        ("created = 2026-01-15 09:00:00+00:00", 'created = "yesterday"', "created"),
    ],
)
def test_bad_files_give_one_line_per_problem(old: str, new: str, words: str) -> None:
    with pytest.raises(SessionFileError) as err:
        loads_session(_example_with(old, new), "s.toml")
    message = str(err.value)
    assert "\n" not in message and message.startswith("s.toml: ")
    assert words in message
    assert all("\n" not in p for p in err.value.problems)


def test_several_problems_are_all_reported() -> None:
    text_in = _example_with('title = "Support', 'title = 5 #').replace("schema_version = 1", "schema_version = 1", 1)
    text_in = text_in.replace('id = "2026-01-15-support-assistant"', "id = true", 1)
    with pytest.raises(SessionFileError) as err:
        loads_session(text_in, "s.toml")
    assert len(err.value.problems) == 2
    assert "2 problems" in str(err.value)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("this is = = not toml", "not valid TOML"),
        ('title = "no version"', "schema_version: missing"),
        ("schema_version = 1", "id: Field required"),
    ],
)
def test_not_a_session(content: str, words: str) -> None:
    with pytest.raises(KickoffError, match=words):
        loads_session(content, "x.toml")


def test_missing_and_odd_paths(tmp_path: Path) -> None:
    with pytest.raises(KickoffError, match="no such session file"):
        load_session(tmp_path / "nope.toml")
    with pytest.raises(KickoffError, match="is a folder"):
        load_session(tmp_path)
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(KickoffError, match="cannot read"):
        load_session(binary)


def test_foreign_questionnaire_needs_the_file() -> None:
    text_in = _example_with('questionnaire_id = "kickoff"', 'questionnaire_id = "acme"')
    session = loads_session(text_in)  # loads; the questionnaire is asked for when needed
    with pytest.raises(KickoffError, match="pass it with --questionnaire"):
        session.sizing_inputs()


def test_datetimes_are_utc_and_dates_are_dates() -> None:
    session = load_session(EXAMPLE)
    assert session.created == datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
    assert session.created.utcoffset() == timedelta(0)
    assert session.cadence is not None and isinstance(session.cadence.next_review, date)
    naive = Session(id="x", title="x", created=datetime(2026, 1, 1, 12), updated=datetime(2026, 1, 1, 12))
    assert naive.created.tzinfo is not None


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("updated = 2026-01-15 10:38:00+00:00", "updated = 9999-12-31 23:59:59-23:59", "updated: the year 9999"),
        ("created = 2026-01-15 09:00:00+00:00", "created = 0001-01-01 00:00:00+23:59", "created: the year 1 "),
        ("updated = 2026-01-15 10:38:00+00:00", "updated = 9999-12-31 23:59:59", "updated: the year 9999"),
        ("next_review = 2026-04-15", "next_review = 9999-12-31", "cadence.next_review: the year 9999"),
    ],
)
def test_a_date_out_of_range_is_one_line_naming_the_field(old: str, new: str, words: str, tmp_path: Path,
                                                          capsys) -> None:
    """``9999-12-31 23:59:59-23:59`` is past the last datetime in UTC: converting it raised
    OverflowError ("unexpected error" from replay, diff and export)."""
    from kickoff_tui.cli import main

    text_in = _example_with(old, new)
    with pytest.raises(SessionFileError) as err:
        loads_session(text_in, "s.toml")
    assert words in str(err.value) and "\n" not in str(err.value)
    path = tmp_path / "far.toml"
    path.write_text(text_in, encoding="utf-8")
    for argv in (["replay", str(path)], ["diff", str(path), str(EXAMPLE)],
                 ["export", str(path), "--markdown", "--out", "-"], ["size", str(path)]):
        assert main(argv) == 2, argv
        said = capsys.readouterr().err
        assert said.count("\n") == 1 and words in said and "unexpected error" not in said, said


def test_the_date_range_keeps_every_derived_date_in_range() -> None:
    """The latest date a record holds, a year of cadence and two weeks later, still a date."""
    from kickoff_tui.record.models import EARLIEST_YEAR, LATEST_YEAR, _utc
    from kickoff_tui.record.session import add_months

    latest = _utc(datetime(LATEST_YEAR, 12, 31, 23, 59, 59, tzinfo=timezone(-timedelta(hours=23, minutes=59))))
    assert latest.year == LATEST_YEAR + 1
    assert add_months((latest + timedelta(days=14)).date(), 12).year == LATEST_YEAR + 2
    earliest = _utc(datetime(EARLIEST_YEAR, 1, 1, tzinfo=timezone(timedelta(hours=23, minutes=59))))
    assert earliest.year == EARLIEST_YEAR - 1
