"""Hostile input through every CLI command (issue 15): files that are not files, absurd numbers,
brackets and escape sequences, sessions from strangers, symlinks planted where Kickoff writes.

Property: every command, on every file of the hostile corpus (``tests/data/bad/``, plus FIFOs,
device symlinks, folders and symlink loops made here at test time) and on fuzzed variants of a
good input, exits 0 or 2; on 2 it prints exactly one line starting ``kickoff:``; it never prints
a traceback or "unexpected error" (exit 1), never hangs, and never lets a control character
reach the terminal. Commands run in-process (``kickoff_tui.cli.main``) for speed; a few run as
real processes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kickoff_tui.cli import main

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
EXAMPLE_SESSION = ROOT / "examples" / "session-support-assistant.toml"
SMALL = 'model = "llama-3.1-8b"\ngpu = "h100-sxm"\npeak_concurrency = 8\n'
CARD = (
    '[[scorecard.criteria]]\nname = "price"\nweight = 2\n'
    '[[scorecard.criteria]]\nname = "support"\nweight = 1\n'
    '[[scorecard.providers]]\nname = "Acme"\nscores = { price = 7, support = 5 }\n'
)
BATCH = (
    "model,gpu,gpus,tensor_parallel,precision,kv_precision,input_tokens,output_tokens,concurrency\n"
    "llama-3.1-8b,h100-sxm,1,,fp8,,1000,128,4\n"
)
CONFIG = json.dumps(
    {"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
     "num_key_value_heads": 8, "vocab_size": 128256, "intermediate_size": 14336,
     "max_position_embeddings": 131072, "torch_dtype": "bfloat16"}
)
CALIBRATION = (
    "source,model,gpu,gpus,tensor_parallel,precision,kv_precision,input_tokens,output_tokens,"
    "concurrency,metric,measured\n"
    "docs,llama-3.1-8b,h100-sxm,1,1,fp8,,1000,128,1,ttft_ms,40\n"
)

EXAMPLES = int(os.environ.get("KICKOFF_HYP_EXAMPLES", 20))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- running a command ------------------------------------------------------------------------


@contextlib.contextmanager
def no_hang(seconds: int = 60) -> Iterator[None]:
    """Fail (instead of hanging the suite) if a command blocks, e.g. on a FIFO."""

    def _alarm(signum, frame):  # noqa: ANN001
        raise TimeoutError(f"a command blocked for {seconds} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with no_hang(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse
            code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def assert_clean(code: int, out: str, err: str, what: str, *, lines_per_problem: bool = False) -> None:
    """Exit 0, 1 (the answer is "no": infeasible, or sessions differ; issue 13's exit codes) or
    2; on 2 exactly one line (``questionnaire check``: one per problem), each ``kickoff: ...``;
    never a traceback, "unexpected error" (a bug, also exit 1) or a control character."""
    assert code in (0, 1, 2), f"{what}: exit {code}: {err[:400]!r}"
    assert "Traceback" not in err and "unexpected error" not in err, f"{what}: {err[:400]!r}"
    for stream in (out, err):
        assert "\x1b" not in stream and "\x07" not in stream and "\x9b" not in stream, f"{what}: control character printed"
    lines = err.splitlines()
    if code == 1:  # a "no" answer says why in at most one line (size and diff say it on stdout)
        assert len(lines) <= 1 and all(line.startswith("kickoff: ") for line in lines), f"{what}: {err[:400]!r}"
    if code == 2:
        assert lines, f"{what}: exit 2 without a word"
        if not lines_per_problem:
            assert len(lines) == 1, f"{what}: {len(lines)} lines on stderr: {err[:400]!r}"
        assert all(line.startswith("kickoff: ") for line in lines), f"{what}: {err[:400]!r}"
        assert len(lines[0]) < 2_000


class Workspace:
    """A good session, a good sizing file and an output folder, fresh for every run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0

    def argv(self, template: list[str], file: Path) -> list[str]:
        self.count += 1
        here = self.root / f"run{self.count}"
        here.mkdir(parents=True)
        session = here / "session.toml"
        shutil.copyfile(EXAMPLE_SESSION, session)
        small = here / "small.toml"
        small.write_text(SMALL)
        out = here / "out"
        return [
            part.format(f=file, session=session, small=small, out=out, id=f"fuzzed-{self.count}")
            for part in template
        ]


COMMANDS: dict[str, list[str]] = {
    "size": ["size", "{f}"],
    "portfolio": ["portfolio", "{f}"],
    "cost": ["cost", "{f}"],
    "growth": ["growth", "{f}"],
    "sensitivity": ["sensitivity", "{f}"],
    "deploy": ["deploy", "{f}", "--out", "{out}"],
    "cost --planning": ["cost", "{small}", "--planning", "{f}"],
    "scorecard": ["scorecard", "{f}"],
    "scorecard --set": ["scorecard", "{session}", "--set", "{f}", "--by", "Priya Raman"],
    "estimate --batch": ["estimate", "--batch", "{f}"],
    "estimate --batch --json": ["estimate", "--batch", "{f}", "--json"],
    "calibrate": ["calibrate", "{f}"],
    "models import": ["models", "import", "{f}", "--id", "{id}"],
    "replay": ["replay", "{f}"],
    "diff": ["diff", "{f}", "{session}"],
    "export --markdown": ["export", "{f}", "--markdown", "--out", "{out}.md"],
    "export --deploy": ["export", "{f}", "--deploy", "{out}"],
    "questionnaire check": ["questionnaire", "check", "{f}"],
    "questionnaire show": ["questionnaire", "show", "{f}"],
    "replay --questionnaire": ["replay", "{session}", "--questionnaire", "{f}"],
}
"""Every command that reads a user file, with the file in each place a command reads one."""


def special_files(folder: Path) -> list[Path]:
    """Files that are not files, made at test time (never committed): a FIFO (reading it would
    block forever), a symlink to /dev/zero (endless), to /dev/null, a folder, a dangling symlink
    and a symlink loop."""
    folder.mkdir(parents=True, exist_ok=True)
    fifo = folder / "pipe.toml"
    os.mkfifo(fifo)
    zero = folder / "zero.toml"
    zero.symlink_to("/dev/zero")
    null = folder / "null.csv"
    null.symlink_to("/dev/null")
    directory = folder / "folder.toml"
    directory.mkdir()
    dangling = folder / "dangling.toml"
    dangling.symlink_to(folder / "nowhere.toml")
    loop = folder / "loop.toml"
    loop.symlink_to(loop)
    return [fifo, zero, null, directory, dangling, loop]


CORPUS = sorted(p for p in BAD.iterdir() if p.is_file() and p.suffix in (".toml", ".csv", ".json"))

SESSION_LIKE = ("session-", "tolerated-session-")
KINDS: dict[str, tuple[str, ...]] = {
    "size": ("sizing-", *SESSION_LIKE), "portfolio": ("sizing-", "portfolio-", *SESSION_LIKE),
    "cost": ("sizing-", *SESSION_LIKE),
    "growth": ("sizing-", *SESSION_LIKE), "sensitivity": ("sizing-", *SESSION_LIKE),
    "deploy": ("sizing-", *SESSION_LIKE), "cost --planning": ("sizing-", "scorecard-"),
    "scorecard": ("scorecard-", "sizing-", *SESSION_LIKE), "scorecard --set": ("scorecard-", "sizing-"),
    "estimate --batch": ("batch-",), "estimate --batch --json": ("batch-",), "calibrate": ("batch-",),
    "models import": ("config-",), "replay": SESSION_LIKE, "diff": SESSION_LIKE,
    "export --markdown": SESSION_LIKE, "export --deploy": SESSION_LIKE,
    "questionnaire check": ("questionnaire-",), "questionnaire show": ("questionnaire-",),
    "replay --questionnaire": ("questionnaire-",),
}
"""The files each command is meant to read (all of them run through it)."""

CROSS = (
    "session-binary.toml", "session-deep-tables.toml", "session-control-escape.toml",
    "questionnaire-control-chars.toml", "sizing-escape.toml", "sizing-huge-int.toml",
    "config-deep.json", "config-escape.json", "batch-huge-field.csv", "batch-escape.csv",
    "usermodel-deep.toml", "scorecard-brackets.toml", "tolerated-session-brackets.toml",
)
"""A sample of every other kind of file, run through every command too (a CSV given to
``replay``, a session given to ``models import``...)."""

SLOW_TO_PARSE = {"session-many-values.toml"}
"""250,000 values take ~2 s to parse; ``test_reliability_corpus.py`` runs it through the
session commands, so it is left out here."""


def files_for(command: str) -> list[Path]:
    return [
        p for p in CORPUS
        if p.name not in SLOW_TO_PARSE and (p.name.startswith(KINDS[command]) or p.name in CROSS)
    ]


def test_the_corpus_covers_every_kind_of_input() -> None:
    names = {p.name for p in CORPUS}
    for prefix in ("session-escape-in-", "sizing-", "batch-", "config-", "usermodel-", "scorecard-"):
        assert any(n.startswith(prefix) for n in names), prefix
    assert {"tolerated-session-brackets.toml", "tolerated-session-path-id-climb.toml"} <= names
    assert len(CORPUS) >= 95
    assert set(KINDS) == set(COMMANDS) and all((BAD / name).is_file() for name in CROSS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_on_the_hostile_corpus(command: str, tmp_path: Path) -> None:
    """Every command x its hostile files, a sample of the others and the files that are not
    files: exit 0 or 2, one line, no hang."""
    space = Workspace(tmp_path / "w")
    files = [*files_for(command), *special_files(tmp_path / "special")]
    failures: list[str] = []
    for file in files:
        argv = space.argv(COMMANDS[command], file)
        code, out, err = run(argv)
        try:
            assert_clean(code, out, err, f"{command} {file.name}", lines_per_problem=command == "questionnaire check")
        except AssertionError as problem:
            failures.append(str(problem).splitlines()[0])
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("command", ["size", "cost", "estimate --batch", "models import", "replay", "scorecard --set", "open"])
def test_files_that_are_not_files_are_refused_in_one_line(command: str, tmp_path: Path) -> None:
    space = Workspace(tmp_path / "w")
    for file in special_files(tmp_path / "special"):
        template = ["open", "{f}"] if command == "open" else COMMANDS[command]
        code, out, err = run(space.argv(template, file))
        if command == "open":
            assert code == 2 and ("not a file" in err or "no such file" in err), err
            continue
        assert_clean(code, out, err, f"{command} {file.name}")
        assert code == 2, f"{command} {file.name} accepted"
        if file.name in ("pipe.toml", "zero.toml", "null.csv"):
            assert "not a regular file" in err, err
        if file.name == "folder.toml":
            assert "folder" in err, err


# --- the one safe reader ----------------------------------------------------------------------


def test_the_reader_is_bounded_whatever_the_size_claims(tmp_path: Path) -> None:
    """Files in /proc claim 0 bytes and are regular: only a bounded read stops at the limit."""
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.record.safe_read import read_user_bytes

    claims_zero = Path("/proc/self/maps")
    if not claims_zero.exists() or claims_zero.stat().st_size != 0:
        pytest.skip("needs Linux /proc")
    with pytest.raises(KickoffError, match="too large"):
        read_user_bytes(claims_zero, 64, "file")
    assert len(read_user_bytes(claims_zero, 10_000_000, "file")) > 64


def test_a_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text(SMALL)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    code, out, err = run(["size", str(link)])
    assert code == 0, err


def test_dev_zero_is_refused_before_a_byte_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.record import safe_read

    link = tmp_path / "zero.toml"
    link.symlink_to("/dev/zero")
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(safe_read.os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    with pytest.raises(KickoffError, match="a device"):
        safe_read.read_user_bytes(link, 1_000, "file")
    assert reads == []


# --- exit 2, one line: the audit's cases --------------------------------------------------------

AUDIT_CASES: list[tuple[list[str], str]] = [
    (["size", "sizing-precision-fp3.toml"], "precision: unknown precision 'fp3'"),
    (["cost", "sizing-kv-precision-fp3.toml"], "kv_precision: unknown precision 'fp3'"),
    (["deploy", "sizing-precision-fp3.toml", "--out", "{out}"], "unknown precision"),
    (["estimate", "--batch", "batch-inf.csv"], "finite number"),
    (["estimate", "--batch", "batch-nan.csv"], "finite number"),
    (["estimate", "--batch", "batch-10000-digits.csv"], "10,000 characters"),
    (["estimate", "--batch", "batch-huge-field.csv"], "not a usable CSV row"),
    (["models", "import", "config-10000-digits.json", "--id", "x"], "not valid JSON"),
    (["models", "import", "config-hidden-1e308.json", "--id", "x"], "hidden_size"),
    (["models", "import", "config-hidden-1e12.json", "--id", "x"], "hidden_size"),
    (["models", "import", "config-kv-heads-above-heads.json", "--id", "x"], "KV heads"),
    (["models", "import", "config-context-1e30.json", "--id", "x"], "max_position_embeddings"),
]
"""Audit findings of issue 15 item 4, each once exit 1 "unexpected error" or a silent accept."""


@pytest.mark.parametrize("argv, needle", AUDIT_CASES)
def test_audit_cases_exit_2_with_a_clear_line(argv: list[str], needle: str, tmp_path: Path) -> None:
    from kickoff_tui.catalog import user_models_dir

    argv = [str(BAD / a) if (BAD / a).is_file() else a.format(out=tmp_path / "out") for a in argv]
    code, out, err = run(argv)
    assert_clean(code, out, err, " ".join(argv))
    assert code == 2 and needle in err, err
    assert not (user_models_dir() / "x.toml").exists(), "validated before anything is written"
    assert not (tmp_path / "out").exists()


def test_a_broken_file_in_models_never_breaks_sizing(tmp_path: Path) -> None:
    from kickoff_tui.catalog import clear_cache, user_models_dir

    folder = user_models_dir()
    folder.mkdir(parents=True)
    for source in BAD.glob("usermodel-*.toml"):
        shutil.copyfile(source, folder / source.name)
    (folder / "binary.toml").write_bytes(bytes(range(256)))
    os.mkfifo(folder / "fifo.toml")
    (folder / "zero.toml").symlink_to("/dev/zero")
    (folder / "dir.toml").mkdir()
    clear_cache()
    try:
        code, out, err = run(["catalog", "models"])
        assert code == 0 and "llama-3.1-8b" in out
        assert "Traceback" not in err and all(line.startswith("kickoff: warning: ") for line in err.splitlines())
        assert "fifo.toml" in err and "zero.toml" in err and "usermodel-hidden-1e18.toml" in err
        code, out, err = run(["estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--gpus", "1",
                              "--input-tokens", "1000", "--output-tokens", "100"])
        assert code == 0, err
        code, out, err = run(["size", str(BAD.parent.parent.parent / "examples" / "chat-assistant.toml")])
        assert code == 0, err
    finally:
        clear_cache()


def test_a_good_import_loads_back_and_escapes_its_text(tmp_path: Path) -> None:
    from kickoff_tui.catalog import clear_cache, get_model

    code, out, err = run(["models", "import", str(BAD / "config-escape.json"), "--id", "mine", "--name", "Mine [/] ok"])
    assert code == 0, err
    clear_cache()
    try:
        model = get_model("mine")
        assert "\x1b" not in model.family and model.name == "Mine [/] ok"
        code, out, err = run(["catalog", "models"])
        assert code == 0 and "Mine [/] ok" in out and not err
    finally:
        clear_cache()


@pytest.mark.parametrize("name", ["Mine\x1b[2J", "x" * 5_000])
def test_an_import_name_that_would_not_load_back_is_refused(name: str) -> None:
    from kickoff_tui.catalog import user_models_dir

    config = BAD.parent / "config.json"
    code, out, err = run(["models", "import", str(BAD / "config-escape.json"), "--id", "mine", "--name", name])
    assert_clean(code, out, err, "import")
    assert code == 2 and not (user_models_dir() / "mine.toml").exists()
    del config


# --- fuzzed values ----------------------------------------------------------------------------

NASTY = [
    "inf", "-inf", "nan", "NaN", "1e308", "-1e308", "1e-320", "0", "-1", "9" * 10_000,
    "1" + "0" * 30, "\x1b[2J", "\x1b]0;owned\x07", "[/]", "[bold]", "\x00", "\ufeff", "\u202e",
    '"', "'", ",", "\n", "\r", "{", "[[[[", "]", "=", "x" * 131_073, "true", "fp3", "../..",
]
"""Values the audit found trouble with, and their neighbours."""


def _mutate(seed: str) -> st.SearchStrategy[str]:
    """``seed`` with a nasty value inserted at, or put in place of a token at, any place."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        text = seed
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(text)))
            cut = draw(st.integers(0, 12))
            text = text[:at] + draw(st.sampled_from(NASTY)) + text[at + cut:]
        return text

    return st.one_of(build(), st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1")))


def _fuzz(command: str, text: str, root: Path, suffix: str) -> None:
    space = Workspace(root / f"f{time.monotonic_ns()}")
    root.mkdir(parents=True, exist_ok=True)
    file = root / f"fuzz{time.monotonic_ns()}{suffix}"
    file.write_bytes(text.encode("utf-8", "surrogatepass"))
    code, out, err = run(space.argv(COMMANDS[command], file))
    assert_clean(code, out, err, f"{command} on {text[:80]!r}")


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(text=_mutate(SMALL))
def test_fuzzed_sizing_files(text: str, fuzz_root: Path) -> None:
    _fuzz("size", text, fuzz_root, ".toml")


@FUZZ
@given(text=_mutate(SMALL + '[planning.cost]\npue = 1.3\n'))
def test_fuzzed_planning_files(text: str, fuzz_root: Path) -> None:
    _fuzz("cost", text, fuzz_root, ".toml")


@FUZZ
@given(text=_mutate(BATCH))
def test_fuzzed_batch_csv(text: str, fuzz_root: Path) -> None:
    _fuzz("estimate --batch", text, fuzz_root, ".csv")


@FUZZ
@given(text=_mutate(CALIBRATION))
def test_fuzzed_calibration_csv(text: str, fuzz_root: Path) -> None:
    _fuzz("calibrate", text, fuzz_root, ".csv")


@FUZZ
@given(text=_mutate(CONFIG))
def test_fuzzed_model_imports(text: str, fuzz_root: Path) -> None:
    _fuzz("models import", text, fuzz_root, ".json")


@FUZZ
@given(text=_mutate(CARD))
def test_fuzzed_scorecards(text: str, fuzz_root: Path) -> None:
    _fuzz("scorecard", text, fuzz_root, ".toml")
    _fuzz("scorecard --set", text, fuzz_root, ".toml")


@FUZZ
@given(
    field=st.sampled_from(["model", "gpu", "gpus", "input_tokens", "output_tokens", "concurrency",
                           "precision", "kv_precision", "tensor_parallel"]),
    value=st.one_of(st.sampled_from(NASTY), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.integers(min_value=-(10**40), max_value=10**40).map(str)),
)
def test_fuzzed_estimate_flags(field: str, value: str) -> None:
    argv = {"model": "llama-3.1-8b", "gpu": "h100-sxm", "gpus": "1", "input_tokens": "1000",
            "output_tokens": "100"}
    argv[field] = value
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in argv.items()]
    code, out, err = run(["estimate", *flags])
    assert_clean(code, out, err, f"estimate {field}={value[:40]!r}")


# --- escape sequences and markup never reach the terminal ---------------------------------------


def test_visible_shows_every_control_character() -> None:
    from kickoff_tui.record.text import plain_markup_safe, visible

    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("\x07\x9b\u202e\r") == "\\x07\\x9b\\u202e\\x0d"
    assert visible("line\nnext") == "line\\nnext"
    assert visible("line\nnext", keep_newlines=True) == "line\nnext"
    assert visible("tab\tok, café, 日本") == "tab\tok, café, 日本"
    assert plain_markup_safe("see [/] the \x1b logs") == "see \\[/] the \\x1b logs"
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]:
        if chr(code) not in "\t":
            assert chr(code) not in visible(chr(code))


def test_a_file_name_with_escapes_is_shown_not_obeyed(tmp_path: Path) -> None:
    name = tmp_path / "evil\x1b]0;owned\x07\x1b[2J.toml"
    for argv in (["size", str(name)], ["replay", str(name)], ["estimate", "--batch", str(name)],
                 ["models", "import", str(name), "--id", "x"], ["questionnaire", "check", str(name)],
                 ["open", str(name)]):
        code, out, err = run(argv)
        assert_clean(code, out, err, argv[0])
        assert code == 2 and "\\x1b]0;owned\\x07" in err, err
    name.write_text("not = [toml")
    code, out, err = run(["size", str(name)])
    assert code == 2 and "\\x1b" in err and "\x1b" not in err


def test_output_paths_with_escapes_are_shown_not_obeyed(tmp_path: Path) -> None:
    session = tmp_path / "s.toml"
    shutil.copyfile(EXAMPLE_SESSION, session)
    out = tmp_path / "out\x1b[2J"
    for argv in (["export", str(session), "--markdown", "--out", str(tmp_path / "r\x1b[2J.md")],
                 ["export", str(session), "--deploy", str(out)], ["deploy", str(session), "--out", str(out), "--force"],
                 ["calibrate", str(BAD / "batch-calibration-escape.csv")],
                 ["calibrate", str(BAD / "batch-calibration-escape.csv"), "--markdown"]):
        code, o, err = run(argv)
        assert_clean(code, o, err, argv[0])
        assert code == 0, err
        assert "\\x1b" in o + err


def test_escape_and_markup_in_batch_cells_are_printed_as_text() -> None:
    code, out, err = run(["estimate", "--batch", str(BAD / "batch-escape.csv")])
    assert_clean(code, out, err, "batch-escape")
    assert code == 0 and "\\x1b]0" in out  # the cell, shown (the table may shorten it)


def test_brackets_everywhere_in_a_session_print_as_written(tmp_path: Path) -> None:
    session = tmp_path / "brackets.toml"
    shutil.copyfile(BAD / "tolerated-session-brackets.toml", session)
    for argv in (["replay", str(session)], ["diff", str(session), str(EXAMPLE_SESSION)],
                 ["size", str(session)], ["export", str(session), "--markdown", "--out", "-"],
                 ["cost", str(session)], ["scorecard", str(session), "--set", str(BAD / "scorecard-brackets.toml"),
                                          "--by", "Priya [/] Raman"]):
        code, out, err = run(argv)
        assert_clean(code, out, err, argv[0])
        assert code == (1 if argv[0] == "diff" else 0), f"{argv[0]}: {err}"  # diff: they differ
        if argv[0] == "replay":
            assert "see [/] the [bold]logs[/bold]" in out and "Dana see [/]" in out
    code, out, err = run(["scorecard", str(BAD / "scorecard-brackets.toml")])
    assert code == 0 and "Acme [/] Cloud" in out and "price [/]" in out


# --- writes stay where the user asked ---------------------------------------------------------


@pytest.mark.parametrize("session_id", ["/srv/escape/by-id", "../../../../srv/escape/by-id", "..", ".hidden", "a/" * 90])
def test_export_names_from_a_session_stay_in_the_folder(session_id: str, tmp_path: Path) -> None:
    from kickoff_tui.record import Session, save_session
    from kickoff_tui.record.io import autosave_path, export_file_name

    folder = tmp_path / "exports" / "here"
    folder.mkdir(parents=True)
    for suffix in (".toml", ".md", "-deploy"):
        name = export_file_name(session_id, suffix)
        assert "/" not in name and not name.startswith(".") and ".." not in name and len(name) < 120
        assert (folder / name).resolve().parent == folder.resolve()
    session = Session.new("Stranger's session", session_id=session_id)
    target = save_session(session, folder / export_file_name(session.id))
    assert target.parent == folder and target.exists()
    assert autosave_path(session_id).parent.name == "sessions"
    assert not Path("/srv/escape").exists()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [target.name]


def test_the_app_exports_with_the_safe_name() -> None:
    source = (ROOT / "kickoff_tui" / "app" / "screens" / "review.py").read_text("utf-8")
    assert 'f"{session.id}' not in source and "export_file_name(session.id" in source


def test_a_symlink_planted_at_a_temp_name_is_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    victim.chmod(0o600)
    for name in (".vllm-serve.sh.tmp", ".README.md.tmp", ".kubernetes.yaml.tmp"):
        (out / name).symlink_to(victim)
    small = tmp_path / "small.toml"
    small.write_text(SMALL)
    code, _, err = run(["deploy", str(small), "--out", str(out)])
    assert code == 0, err
    assert victim.read_text() == "keep me" and victim.stat().st_mode & 0o777 == 0o600
    assert (out / "vllm-serve.sh").stat().st_mode & 0o777 == 0o755
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp") and not p.is_symlink()]


@pytest.mark.parametrize("how", ["deploy", "export"])
def test_existing_files_are_not_overwritten_without_force(how: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("my notes")
    (out / "vllm-serve.sh").write_text("my script")
    session = tmp_path / "s.toml"
    shutil.copyfile(EXAMPLE_SESSION, session)
    argv = ["deploy", str(session), "--out", str(out)] if how == "deploy" else ["export", str(session), "--deploy", str(out)]
    code, o, err = run(argv)
    assert_clean(code, o, err, how)
    assert code == 2 and "README.md" in err and "vllm-serve.sh" in err and "--force" in err
    assert (out / "README.md").read_text() == "my notes" and sorted(p.name for p in out.iterdir()) == ["README.md", "vllm-serve.sh"]
    code, o, err = run([*argv, "--force"])
    assert code == 0, err
    assert (out / "README.md").read_text() != "my notes"


def test_an_existing_symlink_target_is_replaced_not_written_through(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.md"
    victim.write_text("keep me")
    (out / "README.md").symlink_to(victim)
    small = tmp_path / "small.toml"
    small.write_text(SMALL)
    assert run(["deploy", str(small), "--out", str(out), "--force"])[0] == 0
    assert victim.read_text() == "keep me" and not (out / "README.md").is_symlink()


def test_a_report_next_to_a_received_session_never_writes_through_a_planted_link(tmp_path: Path) -> None:
    session = tmp_path / "received.toml"
    shutil.copyfile(EXAMPLE_SESSION, session)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "received.md").symlink_to(victim)
    code, out, err = run(["export", str(session), "--markdown"])
    assert code == 0, err
    assert victim.read_text() == "keep me" and not (tmp_path / "received.md").is_symlink()
    assert (tmp_path / "received.md").stat().st_mode & 0o777 == 0o644


def test_a_charts_folder_planted_as_a_symlink_is_refused(tmp_path: Path) -> None:
    """``received-charts -> /elsewhere`` next to a received session would carry the SVG charts
    out of the folder: refused in one line before anything is written."""
    session = tmp_path / "received.toml"
    shutil.copyfile(EXAMPLE_SESSION, session)
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "received-charts").symlink_to(outside)
    for argv in (["export", str(session), "--markdown"],
                 ["export", str(session), "--markdown", "--deploy", str(tmp_path / "deploy")]):
        code, out, err = run(argv)
        assert_clean(code, out, err, "export")
        assert code == 2 and "received-charts is a symbolic link" in err
        assert list(outside.iterdir()) == []
        assert not (tmp_path / "received.md").exists() and not (tmp_path / "deploy").exists()
    (tmp_path / "received-charts").unlink()
    (tmp_path / "received-charts").write_text("a file")
    code, out, err = run(["export", str(session), "--markdown"])
    assert_clean(code, out, err, "export")
    assert code == 2 and "is a file, not a folder" in err


def test_the_apps_report_export_refuses_a_planted_charts_link(tmp_path: Path) -> None:
    """The app writes its Markdown report through ``record.markdown.write_report``: the same
    refusal as ``kickoff export`` (it made the charts folder with mkdir and wrote through it)."""
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.record import load_session
    from kickoff_tui.record.markdown import write_report

    session = load_session(EXAMPLE_SESSION)
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "received-charts").symlink_to(outside)
    with pytest.raises(KickoffError, match="received-charts is a symbolic link"):
        write_report(session, tmp_path / "received.md")
    assert list(outside.iterdir()) == [] and not (tmp_path / "received.md").exists()
    (tmp_path / "received-charts").unlink()
    written = write_report(session, tmp_path / "received.md")
    assert (tmp_path / "received.md") in written and (tmp_path / "received-charts").is_dir()


@pytest.mark.parametrize("how", ["export --deploy", "deploy --out", "deploy --out --force"])
def test_a_workload_folder_planted_as_a_symlink_is_refused(how: str, tmp_path: Path) -> None:
    """A portfolio writes DIR/<workload>/: ``DIR/chat-assistant -> /elsewhere`` is refused
    (one line, nothing written anywhere), with or without --force."""
    out = tmp_path / "deploy"
    out.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (out / "chat-assistant").symlink_to(outside)
    if how == "export --deploy":
        session = tmp_path / "session-portfolio.toml"
        shutil.copyfile(ROOT / "examples" / "session-portfolio.toml", session)
        argv = ["export", str(session), "--deploy", str(out)]
    else:
        argv = ["deploy", str(ROOT / "examples" / "portfolio.toml"), "--out", str(out)]
        argv += ["--force"] if how.endswith("--force") else []
    code, o, err = run(argv)
    assert_clean(code, o, err, how)
    assert code == 2 and "chat-assistant is a symbolic link" in err and "nothing was written" in err
    assert list(outside.iterdir()) == [] and [p.name for p in out.iterdir()] == ["chat-assistant"]


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_output_that_is_a_fifo_or_a_device_is_refused(kind: str, tmp_path: Path) -> None:
    """A FIFO or a device where a report or a deployment file goes is refused in one line,
    never opened (no hang) and never replaced by a file; no charts folder appears."""
    import stat

    session = tmp_path / "s.toml"
    shutil.copyfile(EXAMPLE_SESSION, session)
    out = tmp_path / "out"
    out.mkdir()

    def plant(path: Path) -> None:
        if kind == "fifo":
            os.mkfifo(path)
            return
        try:
            os.mknod(path, 0o644 | stat.S_IFCHR, os.makedev(1, 3))  # /dev/null's numbers
        except PermissionError:
            pytest.skip("making a device needs root")

    check = stat.S_ISFIFO if kind == "fifo" else stat.S_ISCHR
    report = tmp_path / "null"
    plant(report)
    plant(out / "README.md")
    for argv in (["export", str(session), "--markdown", "--out", str(report)],
                 ["export", str(session), "--html", "--out", str(report)],
                 ["deploy", str(session), "--out", str(out), "--force"],
                 ["export", str(session), "--deploy", str(out), "--force"]):
        code, o, err = run(argv)
        assert_clean(code, o, err, " ".join(argv[:3]))
        assert code == 2 and "not a regular file" in err, err
    assert check(os.lstat(report).st_mode) and check(os.lstat(out / "README.md").st_mode)
    assert not (tmp_path / "null-charts").exists() and [p.name for p in out.iterdir()] == ["README.md"]


def test_a_newline_in_checkpoint_is_refused_not_written_into_the_scripts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for value in ("org/model\ntouch /tmp/PWNED #", "org/model\rx", "org/\u2028model", "org/\x1b[2Jm"):
        code, o, err = run(["deploy", str(ROOT / "examples" / "chat-assistant.toml"), "--out", str(out),
                            "--checkpoint", value])
        assert_clean(code, o, err, "deploy --checkpoint")
        assert code == 2 and "--checkpoint" in err and "control character" in err
        assert not out.exists()


@pytest.mark.parametrize(("text", "said"), [
    (BATCH.replace("concurrency\n", "concurrency,model\n").replace(",4\n", ",4,llama-3.3-70b\n"),
     "line 1: the header names the column 'model' twice"),
    (BATCH.replace(",4\n", ",4,8\n"), "line 2: 10 cells, but the header has 9 columns"),
])
def test_a_batch_csv_with_a_duplicate_column_or_extra_cells_is_refused(text: str, said: str, tmp_path: Path) -> None:
    """csv.DictReader keeps the last of two same-named columns and files extra cells away under
    None: either would size something other than what the file seems to say."""
    batch = tmp_path / "batch.csv"
    batch.write_text(text)
    code, out, err = run(["estimate", "--batch", str(batch), "--json"])
    assert_clean(code, out, err, "estimate --batch")
    assert code == 2 and said in err, err
    batch.write_text(BATCH.replace(",4\n", ",4,\n"))  # a trailing comma: a blank extra cell is fine
    assert run(["estimate", "--batch", str(batch), "--json"])[0] == 0


@pytest.mark.parametrize("header", [
    "model,gpu,gpus,input_tokens,output_tokens,metric,measured,measured",
    "source,date,engine,engine_image,model,gpu,gpus,tensor_parallel,expert_parallel,dp_attention,precision,"
    "input_tokens,output_tokens,concurrency,median_ttft_ms,p99_ttft_ms,median_tpot_ms,p99_tpot_ms,"
    "output_tokens_per_s,total_tokens_per_s,median_tpot_ms",
])
def test_a_calibration_csv_naming_a_column_twice_is_refused(header: str, tmp_path: Path) -> None:
    """Either kind of calibration file: the last of two same-named columns would be scored."""
    cells = ",".join(["1"] * len(header.split(",")))
    data = tmp_path / "calib.csv"
    data.write_text(f"{header}\n{cells}\n")
    code, out, err = run(["calibrate", str(data)])
    assert_clean(code, out, err, "calibrate")
    assert code == 2 and "twice" in err and ("'measured'" in err or "'median_tpot_ms'" in err), err


def test_a_session_saved_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    from kickoff_tui.record import load_session

    real = tmp_path / "real" / "s.toml"
    real.parent.mkdir()
    shutil.copyfile(EXAMPLE_SESSION, real)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    session = load_session(link)
    session.enable_autosave(link)
    before = len(load_session(real).events)
    session.set_title("Renamed through the link", by="Priya Raman")
    assert link.is_symlink(), "the link was replaced by a plain file"
    assert len(load_session(real).events) == before + 1
    assert load_session(real).title == "Renamed through the link"
    assert not [p for p in tmp_path.rglob("*.tmp")]


# --- one lock for every writer ----------------------------------------------------------------


def test_a_symlink_and_its_target_share_one_lock(tmp_path: Path) -> None:
    from kickoff_tui.record.lock import SessionLocked, acquire_lock, is_locked, lock_path

    real = tmp_path / "real.toml"
    shutil.copyfile(EXAMPLE_SESSION, real)
    link = tmp_path / "elsewhere" / "link.toml"
    link.parent.mkdir()
    link.symlink_to(real)
    assert lock_path(link) == lock_path(real)
    with acquire_lock(link):
        assert is_locked(real) is not None
        assert lock_path(real).exists() and not (link.parent / "link.toml.lock").exists()
    holder = _hold_lock_in_child(real)
    try:
        with pytest.raises(SessionLocked, match="in use by kickoff"):
            acquire_lock(link)
    finally:
        holder.kill()
        holder.wait()


def _hold_lock_in_child(path: Path) -> subprocess.Popen[str]:
    script = (
        "import sys, time\nfrom kickoff_tui.record.lock import acquire_lock\n"
        "lock = acquire_lock(sys.argv[1])\nprint('held', flush=True)\ntime.sleep(120)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


def test_scorecard_set_refuses_while_the_app_holds_the_session(tmp_path: Path) -> None:
    session = tmp_path / "s.toml"
    shutil.copyfile(EXAMPLE_SESSION, session)
    card = tmp_path / "card.toml"
    card.write_text(CARD)
    link = tmp_path / "link.toml"
    link.symlink_to(session)
    before = session.read_bytes()
    holder = _hold_lock_in_child(session)
    try:
        for target in (session, link):
            code, out, err = run(["scorecard", str(target), "--set", str(card), "--by", "Priya Raman"])
            assert_clean(code, out, err, "scorecard --set")
            assert code == 2 and "in use by kickoff (pid" in err, err
        assert session.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
    code, out, err = run(["scorecard", str(session), "--set", str(card), "--by", "Priya Raman"])
    assert code == 0, err
    assert session.read_bytes() != before and not (tmp_path / "s.toml.lock").exists()


@pytest.mark.parametrize("by", ["Priya\x1b[2J", "P" * 20_000])
def test_scorecard_set_refuses_what_the_loader_would_refuse(by: str, tmp_path: Path) -> None:
    session = tmp_path / "s.toml"
    shutil.copyfile(EXAMPLE_SESSION, session)
    card = tmp_path / "card.toml"
    card.write_text(CARD)
    before = session.read_bytes()
    code, out, err = run(["scorecard", str(session), "--set", str(card), "--by", by])
    assert_clean(code, out, err, "scorecard --by")
    assert code == 2 and session.read_bytes() == before
    assert run(["replay", str(session)])[0] == 0


def test_a_lock_file_planted_as_a_symlink_or_fifo_is_harmless(tmp_path: Path) -> None:
    from kickoff_tui.record.lock import LockError, acquire_lock, read_lock

    session = tmp_path / "s.toml"
    shutil.copyfile(EXAMPLE_SESSION, session)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "s.toml.lock").symlink_to(victim)
    with pytest.raises(LockError):
        acquire_lock(session)
    assert victim.read_text() == "keep me"
    (tmp_path / "s.toml.lock").unlink()
    os.mkfifo(tmp_path / "s.toml.lock")
    with no_hang(20):
        assert read_lock(session) is None


def test_a_lock_holder_with_escapes_in_its_host_is_shown_safely(tmp_path: Path) -> None:
    session = tmp_path / "s.toml"
    shutil.copyfile(EXAMPLE_SESSION, session)
    card = tmp_path / "card.toml"
    card.write_text(CARD)
    (tmp_path / "s.toml.lock").write_text(json.dumps(
        {"pid": 1, "host": "laptop[/]7\x1b[2J", "since": "2026-01-15T09:00:00+00:00"}))
    code, out, err = run(["scorecard", str(session), "--set", str(card), "--by", "Priya Raman"])
    assert_clean(code, out, err, "scorecard --set")
    assert code == 2 and "laptop[/]7\\x1b[2J" in err


# --- smaller ----------------------------------------------------------------------------------


def test_stale_temp_files_are_cleaned_and_fresh_ones_kept(tmp_path: Path) -> None:
    from kickoff_tui.record.io import clean_stale_temp_files

    old = tmp_path / ".s.toml.abcd1234.tmp"
    fresh = tmp_path / ".s.toml.efgh5678.tmp"
    other = tmp_path / "notes.tmp"
    link = tmp_path / ".t.toml.zzzz9999.tmp"
    for path in (old, fresh, other):
        path.write_text("x")
    link.symlink_to(other)
    past = time.time() - 3_600
    for path in (old, other):
        os.utime(path, (past, past))
    os.utime(link, (past, past), follow_symlinks=False)
    assert clean_stale_temp_files(tmp_path) == [old]
    assert fresh.exists() and other.exists() and link.is_symlink()


def test_the_app_commands_clean_stale_temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kickoff_tui.commands import app as app_commands
    from kickoff_tui.record.io import sessions_dir

    folder = sessions_dir()
    folder.mkdir(parents=True)
    stale = folder / ".x.toml.abcd1234.tmp"
    stale.write_text("half a session")
    os.utime(stale, (time.time() - 3_600,) * 2)
    monkeypatch.setattr("kickoff_tui.app.KickoffApp", None, raising=False)
    with pytest.raises(TypeError):  # the app itself is not started here
        app_commands._run("start")
    assert not stale.exists()


def test_questionnaire_check_lines_say_kickoff() -> None:
    code, out, err = run(["questionnaire", "check", str(BAD / "questionnaire-min-above-max.toml")])
    assert code == 2 and err and all(line.startswith("kickoff: ") for line in err.splitlines())


def test_a_new_session_on_a_read_only_data_dir_says_none_was_started(monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from kickoff_tui.errors import KickoffError
    from kickoff_tui.record import Session

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("kickoff_tui.record.io.tempfile.mkstemp", refuse)
    with pytest.raises(KickoffError) as caught:
        Session.new("Kickoff", autosave=True)
    message = str(caught.value)
    assert "No session was started" in message and "read-only" in message
    assert "still open" not in message


def test_a_real_process_keeps_the_terminal_clean(tmp_path: Path) -> None:
    """The installed entry point, for the cases a terminal would show worst."""
    kickoff = Path(sys.executable).with_name("kickoff")
    if not kickoff.exists():
        pytest.skip("kickoff entry point not installed")
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    env = {**os.environ, "KICKOFF_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("KICKOFF_DEBUG", None)
    for argv in (["size", str(fifo)], ["estimate", "--batch", str(BAD / "batch-escape.csv")],
                 ["size", str(tmp_path / "evil\x1b[2J.toml")]):
        done = subprocess.run([str(kickoff), *argv], capture_output=True, text=True, env=env, timeout=60)
        assert_clean(done.returncode, done.stdout, done.stderr, argv[0])
