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


def _everywhere(text: str, mark: str) -> str:
    """``mark`` put into every kind of free-text string of a session: title, participant names
    (everywhere they occur, so the file stays consistent), the text answer, every rationale and
    every flag reason."""
    for person in ("Dana Okafor", "Sam Lindqvist", "Priya Raman"):
        first, last = person.split()
        text = text.replace(person, f"{first} {mark} {last}")
    text = _swap(text, 'title = "Support', f'title = "Support {mark}')
    text = text.replace("Framework agreement quote FA-2026-014", f"Framework {mark} agreement quote FA-2026-014")
    text = text.replace('rationale = "', f'rationale = "{mark} ')
    return text.replace('reason = "', f'reason = "{mark} ')


BRACKETS = "see [/] the [bold]logs[/bold] [red]x[link=file:///etc/passwd]y"
"""Rich markup, balanced and not: text, never style (the app once crashed on ``[/]``)."""

SESSIONS["_brackets"] = _everywhere(SESSION, BRACKETS)
SESSIONS["_path-id-absolute"] = _swap(SESSION, 'id = "2026-01-15-support-assistant"', 'id = "/srv/escape/by-id"')
SESSIONS["_path-id-climb"] = _swap(SESSION, 'id = "2026-01-15-support-assistant"', 'id = "../../../../srv/escape/by-id"')
for _field, _old in (
    ("title", 'title = "Support'),
    ("name", 'name = "Dana'),
    ("answered-by", 'answered_by = "Dana'),
    ("by", 'by = "Dana'),
    ("rationale", 'rationale = "'),
    ("text-answer", 'value = "Framework'),
    ("id", 'id = "2026-01-15'),
    ("set-by", 'set_by = "Priya'),
    ("questionnaire-version", 'questionnaire_version = "'),
):
    # ESC (an OSC window-title sequence and a screen clear) in one string field per file: each
    # must be refused with one line that shows the character as U+001B, never prints it.
    SESSIONS[f"escape-in-{_field}"] = _swap(SESSION, _old, _old + "\\u001b]0;owned\\u0007\\u001b[2J")

OTHER: dict[str, str | bytes] = {
    # sizing-inputs files (kickoff size / cost / growth / sensitivity / deploy)
    "sizing-precision-fp3.toml": 'model = "llama-3.1-8b"\nprecision = "fp3"\n',
    "sizing-kv-precision-fp3.toml": 'model = "llama-3.1-8b"\nkv_precision = "fp3"\n',
    "sizing-huge-int.toml": 'model = "llama-3.1-8b"\npeak_concurrency = ' + "9" * 5_000 + "\n",
    "sizing-nan.toml": 'model = "llama-3.1-8b"\npeak_concurrency = nan\n',
    "sizing-escape.toml": 'model = "llama-3.1-8b\\u001b[2J"\n',
    "sizing-deep.toml": "x = " + "[" * DEEP + "]" * DEEP + "\n",
    "sizing-inputs-not-table.toml": 'inputs = "all"\n',
    "sizing-planning-not-table.toml": 'model = "llama-3.1-8b"\nplanning = 5\n',
    # estimate --batch
    "batch-inf.csv": "model,gpu,gpus,input_tokens,output_tokens,concurrency\nllama-3.1-8b,h100-sxm,1,inf,128,1\n",
    "batch-nan.csv": "model,gpu,gpus,input_tokens,output_tokens,concurrency\nllama-3.1-8b,h100-sxm,1,1000,128,nan\n",
    "batch-10000-digits.csv": "model,gpu,gpus,input_tokens,output_tokens\nllama-3.1-8b,h100-sxm," + "9" * 10_000 + ",1000,128\n",
    "batch-huge-field.csv": 'model,gpu,gpus,input_tokens,output_tokens\n"' + "m" * 131_073 + '",h100-sxm,1,1000,128\n',
    "batch-escape.csv": "model,gpu,gpus,input_tokens,output_tokens\n\x1b]0;owned\x07\x1b[2J,h100-sxm,1,1000,128\n",
    "batch-nul.csv": "model,gpu,gpus,input_tokens,output_tokens\nllama\x00,h100-sxm,1,1000,128\n",
    "batch-calibration-escape.csv": (
        "source,model,gpu,gpus,tensor_parallel,precision,kv_precision,input_tokens,output_tokens,concurrency,metric,measured\n"
        "\x1b[2J[/]docs,llama-3.1-8b,h100-sxm,1,1,fp8,,1000,128,1,ttft_ms,40\n"
    ),
    "batch-no-header.csv": "llama-3.1-8b,h100-sxm,1,1000,128\n",
    "batch-binary.csv": bytes(range(256)),
    # models import
    "config-10000-digits.json": '{"hidden_size": ' + "9" * 10_000 + ', "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000}',
    "config-hidden-1e308.json": '{"hidden_size": 1e308, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000}',
    "config-hidden-1e12.json": '{"hidden_size": 1000000000000, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000}',
    "config-kv-heads-above-heads.json": '{"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 64, "vocab_size": 32000}',
    "config-context-1e30.json": '{"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000, "max_position_embeddings": 1000000000000000000000000000000}',
    "config-deep.json": "[" * DEEP + "]" * DEEP,
    "config-not-object.json": "[1, 2, 3]",
    "config-not-json.json": "hidden_size = 4096\n",
    "config-escape.json": '{"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000, "model_type": "\\u001b[2J", "_name_or_path": "[/]"}',
    # user models/ folder entries
    "usermodel-broken.toml": 'id = "broken"\nname = \n',
    "usermodel-deep.toml": "x = " + "{a=" * DEEP + "1" + "}" * DEEP + "\n",
    "usermodel-hidden-1e18.toml": (
        'id = "absurd"\nname = "absurd"\ntotal_params = 8000000000\nactive_params = 8000000000\n'
        'layers = 32\nhidden_size = 1000000000000000000\nheads = 32\nkv_heads = 8\nhead_dim = 128\n'
        'vocab_size = 128256\nnative_context = 131072\nattention = "gqa"\nsource = "hand-written"\n'
    ),
    # scorecards (kickoff scorecard FILE / --set)
    "scorecard-brackets.toml": (
        '[[scorecard.criteria]]\nname = "price [/]"\nweight = 2\n'
        '[[scorecard.criteria]]\nname = "[bold]support"\nweight = 1\n'
        '[[scorecard.providers]]\nname = "Acme [/] Cloud"\nscores = { "price [/]" = 7, "[bold]support" = 5 }\n'
        '[[scorecard.providers]]\nname = "[red]Other"\nscores = { "price [/]" = 6, "[bold]support" = 8 }\n'
    ),
    "scorecard-nan.toml": '[[scorecard.criteria]]\nname = "price"\nweight = nan\n',
}
"""Hostile inputs of the other commands (sizing files, batch CSVs, config.json, user models,
scorecards), by file name; ``tests/test_reliability_hostile_cli.py`` says what each must give."""


def main() -> None:
    for prefix, files in (("session", SESSIONS), ("questionnaire", QUESTIONNAIRES)):
        for name, content in files.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            # "_name": well-formed enough that some commands may read it (see the tests).
            file = f"tolerated-{prefix}-{name[1:]}" if name.startswith("_") else f"{prefix}-{name}"
            (HERE / f"{file}.toml").write_bytes(data)
    for name, content in OTHER.items():
        (HERE / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    print(f"wrote {len(SESSIONS)} session, {len(QUESTIONNAIRES)} questionnaire and {len(OTHER)} other files to {HERE}")


if __name__ == "__main__":
    main()
