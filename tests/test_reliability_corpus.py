"""The corpus of hostile files (tests/data/bad/) through the CLI: exit 2, one line, no traceback.

Most cases run ``kickoff_tui.cli.main`` in-process (the same code path as the installed
``kickoff`` script, hundreds of cases in a second or two); a sample also runs as a real process
so that what reaches a user's terminal is checked byte for byte.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kickoff_tui.cli import main

BAD = Path(__file__).resolve().parent / "data" / "bad"
SESSIONS = sorted(BAD.glob("session-*.toml"))
QUESTIONNAIRES = sorted(BAD.glob("questionnaire-*.toml"))

SESSION_COMMANDS: dict[str, list[str]] = {
    "replay": ["replay", "{file}"],
    "replay-json": ["replay", "{file}", "--json"],
    "size": ["size", "{file}"],
    "export": ["export", "{file}", "--markdown"],
    "diff": ["diff", "{file}", "{example}"],
}
"""Every command that reads a session file ({file} is the bad file, {example} a good one)."""

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "session-support-assistant.toml"

NOT_A_SESSION_FOR_SIZE = {"session-empty.toml"}
"""``kickoff size`` also reads sizing-inputs files, where an empty file is valid (every input
defaults); for it, that file is not hostile."""

WELL_FORMED = {"session-foreign-questionnaire.toml"}
"""A file that loads (it is well-formed) and fails later, when the command needs the
questionnaire it was recorded with; its one line names the session rather than the file."""

KNOWN_BUGS: dict[tuple[str, str], str] = {}
"""Failures outside the files this suite owns, reported to their owner; strict, so the test
fails (and this entry must go) once they are fixed."""


def test_the_corpus_is_there() -> None:
    assert len(SESSIONS) >= 30 and len(QUESTIONNAIRES) >= 15


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse exits; never expected here, but report it plainly
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _assert_one_clean_line(code: int, err: str, file: Path, *, names_file: bool = True) -> None:
    assert code == 2, f"exit {code}: {err!r}"
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {err[:500]!r}"
    line = lines[0]
    assert line.startswith("kickoff: ")
    if names_file:
        assert file.name in line, "the message names the file"
    assert "\x1b" not in line and "\x07" not in line, "no control character reaches the terminal"
    assert len(line) < 2_000, "a long file gives a short message"


@pytest.fixture
def bad_copy(tmp_path: Path) -> Path:
    """The corpus copied to a temp dir (export writes next to the file it reads)."""
    target = tmp_path / "bad"
    shutil.copytree(BAD, target)
    return target


@pytest.mark.parametrize("command", sorted(SESSION_COMMANDS))
def test_every_bad_session_file_is_one_line_and_exit_2(
    command: str, bad_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failures: list[str] = []
    for original in SESSIONS:
        file = bad_copy / original.name
        if command == "size" and file.name in NOT_A_SESSION_FOR_SIZE:
            continue
        argv = [part.format(file=file, example=EXAMPLE) for part in SESSION_COMMANDS[command]]
        code, out, err = _run(argv, capsys)
        known = KNOWN_BUGS.get((command, file.name))
        try:
            _assert_one_clean_line(code, err, file, names_file=file.name not in WELL_FORMED)
        except AssertionError as problem:
            if known is None:
                failures.append(f"{file.name}: {problem}")
        else:
            if known is not None:
                failures.append(f"{file.name}: listed in KNOWN_BUGS but now passes; remove the entry")
        assert not list(bad_copy.glob("*.md")), f"{file.name}: a report was written for a bad file"
    assert not failures, "\n".join(failures)


def test_every_bad_questionnaire_is_refused(bad_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``questionnaire check`` prints one line per problem (each naming the file); every other
    way a questionnaire is read (``--questionnaire`` of replay/export) gives exactly one line."""
    failures: list[str] = []
    for original in QUESTIONNAIRES:
        file = bad_copy / original.name
        code, out, err = _run(["questionnaire", "check", str(file)], capsys)
        lines = err.splitlines()
        if code != 2 or "Traceback" in err or not lines or out:
            failures.append(f"check {file.name}: exit {code}, stderr {err[:300]!r}")
        elif not all(line.startswith((f"{file}: ", "kickoff: ")) and file.name in line for line in lines):
            failures.append(f"check {file.name}: a line that does not name the file: {err[:300]!r}")
        elif any("\x1b" in line for line in lines):
            failures.append(f"check {file.name}: control character on stderr")
        for argv in (
            ["replay", str(EXAMPLE), "--questionnaire", str(file)],
            ["export", str(EXAMPLE), "--markdown", "--out", "-", "--questionnaire", str(file)],
        ):
            code, out, err = _run(argv, capsys)
            try:
                _assert_one_clean_line(code, err, file)
            except AssertionError as problem:
                failures.append(f"{argv[0]} --questionnaire {file.name}: {problem}")
    assert not failures, "\n".join(failures)


def test_absurd_answers_of_an_older_questionnaire(bad_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Answers recorded against another questionnaire version are not range-checked on load (the
    bounds may have changed since); the file replays, and sizing refuses the absurd input in
    one line instead of computing with it."""
    file = bad_copy / "tolerated-session-old-questionnaire-absurd.toml"
    code, out, err = _run(["replay", str(file)], capsys)
    assert code == 0 and not err
    code, out, err = _run(["size", str(file)], capsys)
    _assert_one_clean_line(code, err, file, names_file=False)
    assert "avg_input_tokens" in err


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kickoff_tui.record.io import MAX_SESSION_BYTES

    huge = tmp_path / "huge.toml"
    with open(huge, "wb") as handle:  # sparse: costs no disk and no time
        handle.truncate(MAX_SESSION_BYTES + 1)
    for argv in (["replay", str(huge)], ["export", str(huge), "--markdown"]):
        code, _, err = _run(argv, capsys)
        _assert_one_clean_line(code, err, huge)
        assert "too large" in err


def test_not_a_regular_file_does_not_hang(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)  # reading a FIFO with no writer would block forever
    code, _, err = _run(["replay", str(fifo)], capsys)
    _assert_one_clean_line(code, err, fifo)
    assert "not a regular file" in err
    code, _, err = _run(["questionnaire", "check", str(fifo)], capsys)
    _assert_one_clean_line(code, err, fifo)


SAMPLE = (
    "session-binary.toml",
    "session-control-escape.toml",
    "session-deep-tables.toml",
    "session-nan.toml",
    "session-schema-newer.toml",
)
"""Files also run through a real ``kickoff`` process (the rest only in-process, for speed)."""


def test_a_real_process_prints_one_line(bad_copy: Path, tmp_path: Path) -> None:
    env = {**os.environ, "KICKOFF_DATA_DIR": str(tmp_path / "data"), "NO_COLOR": "1"}
    env.pop("KICKOFF_DEBUG", None)
    script = (
        "import sys\nfrom kickoff_tui.cli import main\n"
        "codes = [main(['replay', f]) for f in sys.argv[1:]]\n"
        "sys.stdout.write(' '.join(map(str, codes)))\n"
    )
    files = [str(bad_copy / name) for name in SAMPLE]
    done = subprocess.run(
        [sys.executable, "-c", script, *files], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.stdout.split() == ["2"] * len(SAMPLE)
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == len(SAMPLE), done.stderr
    for line, name in zip(lines, SAMPLE):
        assert line.startswith("kickoff: ") and name in line
        assert "\x1b" not in line
    # And the installed entry point itself, once.
    kickoff = Path(sys.executable).with_name("kickoff")
    if kickoff.exists():
        done = subprocess.run(
            [str(kickoff), "export", files[1], "--markdown"], capture_output=True, text=True, env=env, timeout=60
        )
        assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
        assert "control character U+001B" in done.stderr and "Traceback" not in done.stderr
