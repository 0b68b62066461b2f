"""Regenerate the corpus of hostile files: ``python tests/data/bad/make_corpus.py``.

Every ``session-*.toml`` and ``questionnaire-*.toml`` here must be refused by every command
that reads it with exit code 2, one line on stderr and no traceback
(``tests/test_reliability_corpus.py``); a ``tolerated-*`` file is well-formed enough for some
commands (each test says which). The files are committed; this script documents how each
was made and rebuilds them from the shipped example session and questionnaire.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SESSION = (ROOT / "examples" / "session-support-assistant.toml").read_text("utf-8")
QUESTIONNAIRE = (ROOT / "questionnaires" / "kickoff.toml").read_text("utf-8")


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _answer(text: str, after: str, table: str) -> str:
    """Insert an answer table before ``[answers.<after>]``."""
    return _swap(text, f"[answers.{after}]", f"{table}\n\n[answers.{after}]")


DEEP = 2_000
"""Nesting depth of the deep files: past Python's recursion limit (1,000)."""

SESSIONS: dict[str, str | bytes] = {
    "not-toml": "This is the meeting summary Dana mailed round, not a session file.\n= = =\n",
    "empty": "",
    "truncated": SESSION[: SESSION.index("[answers.model]") + 40],
    "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x04\x00" + bytes(range(256)),
    "latin1": SESSION.replace("Support", "Supp\xf6rt", 1).encode("latin-1", "replace"),
    "nul-byte": SESSION.replace("Support", "Sup\x00port", 1),
    "wrong-types": _swap(_swap(SESSION, 'title = "Support', "title = 5 # "), "value = 1200\n", 'value = { many = "users" }\n'),
    "unknown-keys": _swap(SESSION, "schema_version = 1\n", "schema_version = 1\nadmin = true\n") + '\n[extra]\nnote = "x"\n',
    "answer-unknown-key": _swap(SESSION, "value = 1200\n", "value = 1200\ncolour = \"red\"\n"),
    "negative-gpus": _answer(SESSION, "fabric", '[answers.gpu_count_budget]\nvalue = -8\nanswered_by = "Priya Raman"\nrole = "it"\nat = 2026-01-15 09:40:00+00:00'),
    "absurd-tokens": _swap(SESSION, "value = 6000\n", "value = 1e308\n"),
    "nan": _swap(SESSION, "value = 120\n", "value = nan\n"),
    "infinity": _swap(SESSION, "value = 120\n", "value = -inf\n"),
    "huge-int": _swap(SESSION, "value = 120\n", "value = 99999999999999999999999\n"),
    "giant-int": _swap(SESSION, "value = 120\n", "value = 1" + "0" * 5_000 + "\n"),
    "_old-questionnaire-absurd": _swap(
        _swap(SESSION, 'questionnaire_version = "', 'questionnaire_version = "0.0.1-'),
        "value = 6000\n", "value = 900000000000000000\n",
    ),
    "deep-arrays": "schema_version = 1\nx = " + "[" * DEEP + "]" * DEEP + "\n",
    "deep-tables": "schema_version = 1\nx = " + "{a=" * DEEP + "1" + "}" * DEEP + "\n",
    "deep-dotted": "schema_version = 1\n" + ".".join(["a"] * 200) + " = 1\n",
    "huge-string": _swap(SESSION, 'rationale = "', 'rationale = "' + "blah " * 40_000),
    "huge-key": _swap(SESSION, "[answers.users]", "[answers." + "u" * 5_000 + "]"),
    "many-values": "schema_version = 1\nid = \"x\"\nnoise = [" + ",".join(["0"] * 250_000) + "]\n",
    "schema-newer": _swap(SESSION, "schema_version = 1", "schema_version = 99"),
    "schema-zero": _swap(SESSION, "schema_version = 1", "schema_version = 0"),
    "schema-text": _swap(SESSION, "schema_version = 1", 'schema_version = "one"'),
    "schema-missing": _swap(SESSION, "schema_version = 1\n", ""),
    "control-escape": _swap(SESSION, 'title = "Support', 'title = "\\u001b[2J\\u001b[31mHACKED \\u0007Support'),
    "control-in-rationale": _swap(SESSION, 'rationale = "', 'rationale = "\\u0008\\u0008\\u0008'),
    "control-in-key": _swap(SESSION, "[answers.users]", '[answers."us\\u001bers"]'),
    "bidi-override": _swap(SESSION, 'answered_by = "Dana', 'answered_by = "\\u202eDana'),
    "events-out-of-order": _swap(SESSION, "seq = 2\n", "seq = 7\n"),
    "bad-datetime": _swap(SESSION, "created = 2026-01-15 09:00:00+00:00", "created = 2026-13-45 25:61:00+00:00"),
    "duplicate-key": _swap(SESSION, "schema_version = 1\n", "schema_version = 1\nschema_version = 1\n"),
    "foreign-questionnaire": _swap(SESSION, 'questionnaire_id = "kickoff"', 'questionnaire_id = "acme"'),
    "answers-not-table": _swap(SESSION, "schema_version = 1\n", 'schema_version = 1\nanswers = "all of them"\n'),
}
"""Hostile session files, by fault."""

QUESTIONNAIRES: dict[str, str | bytes] = {
    "not-toml": "Q1: what do you want?\nQ2: = = =\n",
    "empty": "",
    "truncated": QUESTIONNAIRE[: QUESTIONNAIRE.index('id = "model"') + 8],
    "binary": bytes(range(256)) * 4,
    "wrong-types": _swap(QUESTIONNAIRE, 'id = "users"', "id = 17"),
    "unknown-keys": _swap(QUESTIONNAIRE, 'id = "users"', 'id = "users"\ncolour = "blue"'),
    "min-above-max": _swap(QUESTIONNAIRE, "min = 1\nmax = 1_000_000_000", "min = 10\nmax = 1"),
    "nan-bound": _swap(QUESTIONNAIRE, "min = 1\nmax = 1_000_000_000", "min = 1\nmax = nan"),
    "negative-infinity": _swap(QUESTIONNAIRE, "min = 1\nmax = 1_000_000_000", "min = -inf\nmax = 1_000_000_000"),
    "absurd-bound": _swap(QUESTIONNAIRE, "min = 1\nmax = 1_000_000_000", "min = 1\nmax = 1e308"),
    "deep-arrays": "id = \"x\"\nquestions = " + "[" * DEEP + "]" * DEEP + "\n",
    "deep-dotted": ".".join(["q"] * 100) + " = 1\n",
    "huge-string": _swap(QUESTIONNAIRE, 'help = "', 'help = "' + "why " * 30_000),
    "schema-newer": 'schema_version = 5\n' + QUESTIONNAIRE,
    "schema-text": 'schema_version = "v2"\n' + QUESTIONNAIRE,
    "control-chars": _swap(QUESTIONNAIRE, 'prompt = "', 'prompt = "\\u001b]0;owned\\u0007'),
    "no-questions": 'id = "x"\nversion = "1"\nquestions = []\n',
    "duplicate-ids": _swap(QUESTIONNAIRE, 'id = "users"', 'id = "use_case"'),
    "huge-int": _swap(QUESTIONNAIRE, "min = 1\nmax = 1_000_000_000", "min = 1\nmax = " + "9" * 5_000),
}
"""Hostile questionnaire files, by fault."""


def main() -> None:
    for prefix, files in (("session", SESSIONS), ("questionnaire", QUESTIONNAIRES)):
        for name, content in files.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            # "_name": well-formed enough that some commands may read it (see the tests).
            file = f"tolerated-{prefix}-{name[1:]}" if name.startswith("_") else f"{prefix}-{name}"
            (HERE / f"{file}.toml").write_bytes(data)
    print(f"wrote {len(SESSIONS)} session and {len(QUESTIONNAIRES)} questionnaire files to {HERE}")


if __name__ == "__main__":
    main()
