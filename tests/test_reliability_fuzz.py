"""Fuzz the session and questionnaire loaders with raw bytes and structured mutations.

The property, for every input: the loader either returns a model or raises one
:class:`KickoffError` whose message is a single short line without control characters; nothing
else ever escapes. A session that loads must also save and load back equal (what we accept we
can write), and size without raising. Each test states its example count; together they run
several thousand cases (about 3,000) in well under a minute on one core.
"""

from __future__ import annotations

import math
import os
import random
import tomllib
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kickoff_tui.errors import KickoffError
from kickoff_tui.record import Questionnaire, dumps_session, loads_session, parse_questionnaire
from kickoff_tui.record.io import session_from_bytes
from kickoff_tui.record.questionnaire import control_character

ROOT = Path(__file__).resolve().parents[1]
SESSION_TEXT = (ROOT / "examples" / "session-support-assistant.toml").read_text("utf-8")
SESSION_BYTES = SESSION_TEXT.encode("utf-8")
SESSION_DATA = tomllib.loads(SESSION_TEXT)
QUESTIONNAIRE_TEXT = (ROOT / "questionnaires" / "kickoff.toml").read_text("utf-8")
QUESTIONNAIRE_BYTES = QUESTIONNAIRE_TEXT.encode("utf-8")
QUESTIONNAIRE_DATA = tomllib.loads(QUESTIONNAIRE_TEXT)

MAX_MESSAGE_CHARS = 4_000
"""An error message longer than this is not "one clear line" (five problems of 300 characters
plus a long path fit easily)."""

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,  # deterministic in CI; failures print the example to reproduce
    derandomize=True,
)
"""Shared settings; each test derives its own with ``max_examples``."""

FUZZ_SCALE = float(os.environ.get("KICKOFF_FUZZ_SCALE", "0.4"))
"""Share of each fuzzer's full example count run by default. The full counts (``1``) are what
found issue 13's loader bugs; every fix since has a test of its own, and the fuzzers are
derandomized, so the default run keeps the suite inside its 5 minutes and
``KICKOFF_FUZZ_SCALE=1`` runs them whole (before a release, or after touching a loader)."""


def examples(full: int) -> int:
    """``full`` examples scaled by :data:`FUZZ_SCALE` (at least 50)."""
    return max(50, round(full * FUZZ_SCALE))


def _assert_clean_error(err: KickoffError) -> None:
    message = str(err)
    assert message, "an error says something"
    assert "\n" not in message and "\r" not in message, message[:300]
    assert len(message) < MAX_MESSAGE_CHARS, message[:300]
    assert control_character(message) is None, ascii(message[:300])


def _check_session(data: bytes) -> None:
    try:
        session = session_from_bytes(data, "fuzz.toml")
    except KickoffError as err:
        _assert_clean_error(err)
        return
    text = dumps_session(session)
    assert loads_session(text, "again.toml") == session, "what loads must save and load back equal"
    try:
        session.spec()  # sizing a loaded session may fail, but only with a reason
    except KickoffError as err:
        _assert_clean_error(err)


def _check_questionnaire(text: str) -> Questionnaire | None:
    try:
        return parse_questionnaire(text, "fuzz.toml")
    except KickoffError as err:
        _assert_clean_error(err)
        return None


# --- raw bytes ---------------------------------------------------------------------------------------


@st.composite
def byte_mutations(draw: st.DrawFn, base: bytes) -> bytes:
    """``base`` with 1-6 edits: flip, insert, delete or duplicate bytes, truncate, splice lines."""
    data = bytearray(base)
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    interesting = [b"\x00", b"\xff", b"\x1b[2J", b'"', b"'''", b"[", b"]]", b"{", b"=", b"\n", b"\\u0000",
                   b"nan", b"inf", b"-1", b"1e999", b"9" * 30, b"\xc3", b"\xef\xbb\xbf", b"[[events]]"]
    for _ in range(rnd.randint(1, 6)):
        op = rnd.randrange(6)
        at = rnd.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(at, len(data) - 1)] = rnd.randrange(256)
        elif op == 1:
            data[at:at] = rnd.choice(interesting)
        elif op == 2:
            del data[at : at + rnd.randint(1, 200)]
        elif op == 3:
            chunk = data[at : at + rnd.randint(1, 400)]
            data[at:at] = chunk * rnd.randint(1, 3)
        elif op == 4:
            del data[at:]
        else:
            lines = data.split(b"\n")
            i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@settings(FUZZ, max_examples=examples(600))
@given(st.binary(max_size=2_000) | st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_session_loader_survives_arbitrary_bytes(data: bytes) -> None:
    _check_session(data)


@settings(FUZZ, max_examples=examples(700))
@given(byte_mutations(SESSION_BYTES))
def test_session_loader_survives_mutated_bytes(data: bytes) -> None:
    _check_session(data)


@settings(FUZZ, max_examples=examples(300))
@given(st.binary(max_size=2_000))
def test_questionnaire_loader_survives_arbitrary_bytes(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # the file reader refuses it first (covered by the corpus test)
    _check_questionnaire(text)


@settings(FUZZ, max_examples=examples(400))
@given(byte_mutations(QUESTIONNAIRE_BYTES))
def test_questionnaire_loader_survives_mutated_bytes(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    _check_questionnaire(text)


# --- structured mutations ------------------------------------------------------------------------------


def _deep(levels: int) -> Any:
    value: Any = 1
    for i in range(levels):
        value = [value] if i % 2 else {"a": value}
    return value


HOSTILE = st.one_of(
    st.sampled_from(
        [math.nan, math.inf, -math.inf, 1e308, -1e308, 1e19, -1, 0, -(2**63), 2**63 - 1, "", " ",
         "\x1b[31mred", "\u202eevil", "\x00", "x" * 150_000, True, False, [], {}, "nan", "1e308",
         "-5", "yes", "recommend", "llama-3.3-70b", "quarterly", "4h"]
    ),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(),
    st.text(max_size=30),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.datetimes(timezones=st.just(timezone.utc), min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.dates(min_value=date(1, 1, 1)),
    st.integers(10, 40).map(_deep),
    st.lists(st.integers() | st.text(max_size=5), max_size=4),
    st.dictionaries(st.text(min_size=1, max_size=8), st.integers() | st.text(max_size=5), max_size=3),
)
"""Values a hostile or careless editor puts into a file."""


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@st.composite
def structured_mutations(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` with 1-4 edits at random places: replace a value, drop or add a key, change a
    list's length, or swap a container for a scalar."""
    data = _copy(base)
    for _ in range(draw(st.integers(1, 4))):
        node: Any = data
        # Walk down a random path (tables and arrays), stopping anywhere.
        for _depth in range(6):
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            children = [(k, v) for k, v in children if isinstance(v, (dict, list)) and v]
            if not children or draw(st.integers(0, 3)) == 0:
                break
            node = draw(st.sampled_from(children))[1]
        op = draw(st.sampled_from(["replace", "replace", "replace", "drop", "add", "grow"]))
        if isinstance(node, dict):
            keys = sorted(node)
            if op in ("replace", "grow") and keys:
                node[draw(st.sampled_from(keys))] = draw(HOSTILE)
            elif op == "drop" and keys:
                del node[draw(st.sampled_from(keys))]
            else:
                key = draw(st.text(min_size=1, max_size=12) | st.sampled_from(["schema_version", "id", "value", "seq"]))
                node[key] = draw(HOSTILE)
        elif isinstance(node, list):
            if op == "drop" and node:
                del node[draw(st.integers(0, len(node) - 1))]
            elif op == "grow" and node:
                node.append(_copy(node[draw(st.integers(0, len(node) - 1))]))
            elif node:
                node[draw(st.integers(0, len(node) - 1))] = draw(HOSTILE)
            else:
                node.append(draw(HOSTILE))
    return data


def _to_toml(data: dict[str, Any]) -> str | None:
    """TOML for mutated data, or None when even a writer cannot express it (mixed arrays of
    tables, values too deep for tomli-w); those never reach a file."""
    try:
        return tomli_w.dumps(data)
    except (TypeError, ValueError, RecursionError):
        return None


@settings(FUZZ, max_examples=examples(700))
@given(structured_mutations(SESSION_DATA))
def test_session_loader_survives_structured_mutations(data: dict[str, Any]) -> None:
    text = _to_toml(data)
    if text is not None:
        _check_session(text.encode("utf-8", "surrogatepass"))


@settings(FUZZ, max_examples=examples(400))
@given(structured_mutations(QUESTIONNAIRE_DATA))
def test_questionnaire_loader_survives_structured_mutations(data: dict[str, Any]) -> None:
    text = _to_toml(data)
    if text is None:
        return
    questionnaire = _check_questionnaire(text)
    if questionnaire is not None:  # a questionnaire that loads must judge answers without crashing
        for question in questionnaire.questions:
            for value in (question.default, "", "12", -1, 1e308, True):
                try:
                    question.validate_value(value, check_catalog=False)
                except KickoffError as err:
                    _assert_clean_error(err)


def test_the_unmutated_files_load() -> None:
    """The fuzz bases are valid, so a mutation is what makes a case fail."""
    assert session_from_bytes(SESSION_BYTES).title
    assert parse_questionnaire(QUESTIONNAIRE_TEXT).questions
