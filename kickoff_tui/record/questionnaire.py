"""The kickoff questionnaire as data: pydantic models, the loader and answer validation.

The shipped questionnaire lives in the top-level ``questionnaires/`` folder of the repository. A
wheel force-includes that folder as ``kickoff_tui/questionnaires`` (see ``pyproject.toml``), so an
installed copy reads it with :mod:`importlib.resources`; a development checkout has no such folder
inside the package and falls back to the repository folder. A team may bring its own file.
"""

from __future__ import annotations

from contextlib import suppress

import math
import re
import tomllib
from datetime import date, datetime, time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kickoff_tui.validation import NoYesNoNumbers
from kickoff_tui.errors import KickoffError
from kickoff_tui.sizing.inputs import SizingInputs

Role = Literal["app_owner", "ai_team", "it"]
"""The three roles of the kickoff."""

ROLES: tuple[str, ...] = ("app_owner", "ai_team", "it")

ROLE_LABELS: dict[str, str] = {
    "app_owner": "application owner",
    "ai_team": "AI team",
    "it": "IT",
}
"""How each role is written for people (reports, CLI output)."""

SHORTHAND = re.compile(r"(\d+(?:\.\d+)?)\s*([kKM])")
"""A number written "32k" or "1.5M": refused with the number written out (for a token count
both readings, as context lengths count k as 1,024); a lower-case "m" is left alone (minutes?)."""

QuestionType = Literal["choice", "number", "yes_no", "text", "duration"]
"""Answer types. ``duration`` answers are strings such as ``"4h"`` or ``"2d"``."""

QuestionAction = Literal["signoff", "cadence"]
"""Questions whose answer is more than a value: a sign-off, or the review cadence."""

Cadence = Literal["monthly", "quarterly", "half-yearly", "yearly"]
"""How often the sized inputs are reviewed after the kickoff."""

CADENCE_MONTHS: dict[str, int] = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
"""Calendar months between two reviews, by definition of each cadence word."""

SIGNOFF_ROLES: tuple[str, ...] = ("it", "ai_team")
"""The roles whose sign-off completes the kickoff (the spec is signed off by IT and the AI team)."""

AnswerValue = bool | int | float | str
"""What an answer holds: bool (yes/no), int or float (number), str (choice, text, duration)."""

DEFAULT_QUESTIONNAIRE = "kickoff.toml"
"""File name of the shipped questionnaire, inside ``questionnaires/``."""

_ID_PATTERN = r"^[a-z][a-z0-9_]*$"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(min|m|h|d|w)\s*$", re.IGNORECASE)
_DURATION_HOURS: dict[str, float] = {"min": 1 / 60, "m": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0}
"""Hours per duration unit (by definition: 60 min an hour, 24 h a day, 7 days a week)."""

_YES = {"yes", "y", "true", "1", "on"}
_NO = {"no", "n", "false", "0", "off"}

# --- untrusted files: limits and checks -----------------------------------------------------------
# Session and questionnaire files travel by email and git, so every loader treats them as hostile:
# the limits below are far above anything Kickoff writes, and far below what could hang or crash
# the app. Measured on the shipped files: questionnaires/kickoff.toml is ~40 KB and nests 5 levels;
# examples/session-support-assistant.toml (a full meeting, signed off) is ~30 KB, nests 4 levels
# and holds ~1,500 values, the longest string ~400 characters and the largest number ~4e5.

MAX_QUESTIONNAIRE_BYTES = 2_000_000
"""Largest file read as a questionnaire (50x the shipped one, which has 42 questions)."""

MAX_NESTING_DEPTH = 16
"""Deepest nesting of tables and arrays accepted (Kickoff's own files nest at most 5 levels)."""

MAX_STRING_CHARS = 100_000
"""Longest string accepted in a file (a long help text or rationale is a few thousand)."""

MAX_KEY_CHARS = 200
"""Longest table key accepted (keys are question ids and field names: tens of characters)."""

MAX_VALUES = 200_000
"""Most values (strings, numbers, tables...) in one file; an hour-long meeting writes < 10,000."""

MAX_ABS_NUMBER = 1e18
"""Largest magnitude of any number in a file. No kickoff quantity comes near it (token counts per
month stay below 1e15), and it keeps every integer inside TOML's 64-bit range (9.2e18)."""

MAX_ANSWER_CHARS = 10_000
"""Longest text answer accepted from a person (about three pages); see ``validate_value``."""

MAX_PROBLEMS_SHOWN = 5
"""Problems spelled out in one error message; the rest are counted ("and 12 more")."""

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Characters refused in files and answers: C0/C1 controls (tab, newline and carriage return are
fine), DEL, the bidirectional overrides that make text read differently from how it is stored,
and lone surrogates (text that cannot be written back as UTF-8). An escape sequence in a title
would otherwise be sent straight to the terminal by the CLI."""


def control_character(text: str) -> str | None:
    """The first refused control character of ``text`` as ``U+XXXX``, or None if it has none."""
    match = _CONTROL.search(text)
    return f"U+{ord(match.group()):04X}" if match else None


def _path_text(path: tuple[str | int, ...]) -> str:
    """``("answers", "x", "value")`` -> ``answers.x.value``; ``("events", 3)`` -> ``events[3]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            shown = part if len(part) <= 40 and control_character(part) is None else f"{ascii(part[:40])}…"
            text += f".{shown}" if text else shown
    if len(text) > 120:
        text = f"{text[:60]}…{text[-40:]}"
    return text or "file"


def data_problems(data: Any) -> list[str]:
    """Problems of parsed TOML before any schema check: nesting, sizes, numbers, characters.

    Walks the data without recursion (a hostile file may nest thousands of levels) and stops
    early, so a huge file costs no more than reading it. An empty list means the data is safe to
    hand to pydantic; each problem is one line naming where it is."""
    problems: list[str] = []
    count = 0
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return [f"more than {MAX_VALUES:,} values; not a file Kickoff wrote"]
        if len(path) > MAX_NESTING_DEPTH:
            return [f"{_path_text(path)}: nested more than {MAX_NESTING_DEPTH} levels deep"]
        if isinstance(value, dict):
            for key, item in value.items():
                if len(key) > MAX_KEY_CHARS:
                    problems.append(f"{_path_text(path)}: a key of {len(key):,} characters (at most {MAX_KEY_CHARS})")
                    continue
                bad = control_character(key)
                if bad is not None:
                    problems.append(f"{_path_text(path + (key,))}: the key contains the control character {bad}")
                    continue
                stack.append((item, path + (key,)))
        elif isinstance(value, list):
            stack.extend((item, path + (i,)) for i, item in enumerate(value))
        elif isinstance(value, str):
            if len(value) > MAX_STRING_CHARS:
                problems.append(f"{_path_text(path)}: text of {len(value):,} characters (at most {MAX_STRING_CHARS:,})")
            else:
                bad = control_character(value)
                if bad is not None:
                    problems.append(f"{_path_text(path)}: contains the control character {bad}")
        elif isinstance(value, bool):
            continue  # true/false can carry nothing hostile
        elif isinstance(value, float):
            if not math.isfinite(value):
                problems.append(f"{_path_text(path)}: {value} is not a number Kickoff can use")
            elif abs(value) > MAX_ABS_NUMBER:
                problems.append(f"{_path_text(path)}: {value:g} is absurdly large (at most {MAX_ABS_NUMBER:g})")
        elif isinstance(value, int):
            if abs(value) > MAX_ABS_NUMBER:
                digits = len(str(abs(value)))
                problems.append(f"{_path_text(path)}: a {digits}-digit number is absurdly large (at most {MAX_ABS_NUMBER:g})")
        elif not isinstance(value, (datetime, date, time)):  # pragma: no cover - tomllib makes no other type
            problems.append(f"{_path_text(path)}: unexpected {type(value).__name__}")
        if len(problems) > MAX_PROBLEMS_SHOWN * 4:
            break
    problems.sort()
    return problems


def parse_untrusted_toml(text: str) -> tuple[dict[str, Any], list[str]]:
    """Parse TOML from a file nobody vouches for: ``(data, problems)``.

    Never raises for bad input: broken syntax, integers too long to convert, nesting deep enough
    to exhaust Python's stack, and everything :func:`data_problems` finds come back as problems
    (one line each). Use ``data`` only when ``problems`` is empty."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        return {}, [f"not valid TOML: {err}"]
    except RecursionError:
        return {}, [f"not usable TOML: nested more than {MAX_NESTING_DEPTH} levels deep"]
    except ValueError as err:  # e.g. an integer with more than 4,300 digits
        return {}, [f"not usable TOML: {err}"]
    return data, data_problems(data)


def summarize_problems(problems: list[str]) -> str:
    """Problems joined into one line: the first few in full, the rest counted."""
    shown = problems[:MAX_PROBLEMS_SHOWN]
    rest = len(problems) - len(shown)
    text = "; ".join(p if len(p) <= 300 else f"{p[:300]}…" for p in shown)
    return f"{text}; and {rest} more" if rest > 0 else text


def read_untrusted_file(path: str | Path, limit: int, what: str) -> str:
    """Read a UTF-8 text file of at most ``limit`` bytes, refusing anything but a regular file.

    The one safe reader (:mod:`kickoff_tui.record.safe_read`): opens without blocking (a FIFO or
    a device would otherwise hang the app), checks the open descriptor, reads at most
    ``limit + 1`` bytes (a file that grows while read, or ``/dev/zero``, cannot exhaust memory).
    Every failure is one :class:`KickoffError` line naming the file."""
    from kickoff_tui.record.safe_read import read_user_text

    return read_user_text(path, limit, what)


def decode_untrusted(data: bytes, source: str, what: str) -> str:
    """UTF-8 bytes to text (a leading byte-order mark is dropped); one line if not UTF-8."""
    from kickoff_tui.record.safe_read import decode_user_text

    return decode_user_text(data, source, what)


def parse_duration_hours(text: str) -> float:
    """Hours in a duration such as ``"30m"``, ``"4h"``, ``"2d"`` or ``"1w"``."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration; write e.g. 30m, 4h, 2d or 1w")
    return float(match.group(1)) * _DURATION_HOURS[match.group(2).lower()]


class Choice(NoYesNoNumbers):
    """One allowed value of a choice question."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str = Field(min_length=1)
    """What is stored in the session (and fed to sizing): must match the sizing vocabulary."""
    label: str = ""
    """What people read; the value when empty."""

    @property
    def text(self) -> str:
        return self.label or self.value


class Question(NoYesNoNumbers):
    """One question of the kickoff, owned by one role."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID_PATTERN)
    """Stable key; answers are stored under it."""
    role: Role
    """The role that owns the decision. Others may answer; the session records the mismatch."""
    section: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    help: str = ""
    """Why the question matters and what a good answer looks like."""
    type: QuestionType
    choices: tuple[Choice, ...] = ()
    """Fixed choices (choice questions). Added to the catalog ids when ``choices_from`` is set."""
    choices_from: Literal["models", "gpus"] | None = None
    """Take the choices from a catalog (model ids or GPU ids) besides the fixed ones."""
    unit: str = ""
    min: float | None = None
    max: float | None = None
    integer: bool = False
    """Number questions only: the answer must be a whole number."""
    scale: float = Field(default=1.0, gt=0)
    """Factor from the answer to the sizing input (0.01 turns a percentage into a fraction)."""
    feeds: str | None = None
    """Name of the :class:`SizingInputs` field the answer feeds, if any."""
    default: AnswerValue | None = None
    """Used when the question is not answered; the spec lists it as an assumption."""
    action: QuestionAction | None = None
    """``signoff``: a yes records the role's sign-off; ``cadence``: sets the review cadence."""
    optional: bool = False
    """May stay unanswered without being reported as missing."""
    planning: str | None = None
    """Dotted path of the :class:`~kickoff_tui.planning.PlanningOverrides` field the answer feeds
    instead of sizing (``cost.power_usd_per_kwh``); see :mod:`kickoff_tui.record.plan_answers`."""
    portfolio: Literal["peak_hours", "off_peak_fraction", "history", "candidates"] | None = None
    """The per-workload portfolio field the answer sets instead of a sizing input (peak window,
    off-peak share, monthly request history, the AI team's candidate models); asked once per
    workload, and only in a session of two or more workloads. See
    :mod:`kickoff_tui.record.workloads`."""
    when: str | None = None
    """Condition under which the question applies (``"speculative_decoding == true"``; see
    :mod:`kickoff_tui.record.conditions`). When false the question is hidden, not counted, and
    its answer does not feed sizing."""

    @field_validator("when")
    @classmethod
    def _condition_syntax(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from kickoff_tui.record.conditions import ConditionError, parse_condition

        try:
            parse_condition(value)
        except ConditionError as err:
            raise ValueError(f"condition {value[:60]!r}: {err}") from None
        return value

    @field_validator("feeds")
    @classmethod
    def _known_input(cls, value: str | None) -> str | None:
        if value is not None and value not in SizingInputs.model_fields:
            raise ValueError(f"{value!r} is not a sizing input")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Question":
        if self.type == "choice":
            if not self.choices and self.choices_from is None:
                raise ValueError("a choice question needs choices or choices_from")
            values = [c.value for c in self.choices]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"duplicate choice value {dupes[0]!r}")
        elif self.choices or self.choices_from:
            raise ValueError(f"choices only apply to choice questions, not {self.type}")
        if self.type != "number" and (
            self.min is not None
            or self.max is not None
            or self.integer
            or self.unit
            or self.scale != 1.0
        ):
            raise ValueError(f"unit/min/max/integer/scale only apply to number questions, not {self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        if self.action == "signoff":
            if self.type != "yes_no":
                raise ValueError("a signoff question must be yes_no")
            if self.role not in SIGNOFF_ROLES:
                raise ValueError(f"sign-off belongs to {' or '.join(SIGNOFF_ROLES)}, not {self.role}")
        if self.action == "cadence":
            if self.type != "choice" or self.choices_from is not None:
                raise ValueError("a cadence question must be a choice with fixed choices")
            unknown = [c.value for c in self.choices if c.value not in CADENCE_MONTHS]
            if unknown:
                raise ValueError(
                    f"cadence choice {unknown[0]!r} unknown; use {', '.join(CADENCE_MONTHS)}"
                )
        if self.action is not None and self.feeds is not None:
            raise ValueError("a signoff or cadence question cannot feed sizing")
        if self.default is not None:
            try:
                self.validate_value(self.default, check_catalog=False)
            except KickoffError as err:
                raise ValueError(f"default: {err}") from None
        if self.feeds is not None:
            self._check_feeds()
        if self.portfolio is not None:
            from kickoff_tui.record.workloads import portfolio_question_problem

            problem = portfolio_question_problem(self)
            if problem is not None:
                raise ValueError(problem)
        if self.planning is not None:
            from kickoff_tui.record.plan_answers import planning_question_problem

            problem = planning_question_problem(self)
            if problem is not None:
                raise ValueError(problem)
        return self

    def _check_feeds(self) -> None:
        """Every fixed choice and the default must be accepted by the sizing input they feed."""
        samples: list[tuple[str, AnswerValue]] = [
            (f"choice {c.value!r}", c.value) for c in self.choices if c.value != "recommend"
        ]
        if self.type == "yes_no":
            samples.append(("a yes/no answer", True))
        if self.default is not None:
            samples.append((f"default {self.default!r}", self.default))
        for what, value in samples:
            try:
                SizingInputs.model_validate({self.feeds: self.to_input(value)})
            except ValidationError as err:
                reason = err.errors()[0]["msg"]
                raise ValueError(f"{what} is not accepted by sizing input {self.feeds!r}: {reason}")

    # --- values -----------------------------------------------------------------------------

    def choice_values(self) -> list[str]:
        """Every accepted value of a choice question, catalog ids included."""
        values = [c.value for c in self.choices]
        if self.choices_from is not None:
            values += [v for v, _ in catalog_choices(self.choices_from) if v not in values]
        return values

    def all_choices(self) -> list[Choice]:
        """Fixed choices followed by the catalog's (for pickers)."""
        found = list(self.choices)
        if self.choices_from is not None:
            known = {c.value for c in found}
            found += [Choice(value=v, label=lab) for v, lab in catalog_choices(self.choices_from) if v not in known]
        return found

    def label_of(self, value: AnswerValue | None) -> str:
        """How a value reads for people: choice label, yes/no, number with unit."""
        if value is None:
            return "-"
        if self.type == "yes_no" and isinstance(value, bool):
            return "yes" if value else "no"
        if self.type == "choice":
            for choice in self.choices:
                if choice.value == value:
                    return choice.text
            if self.choices_from is not None:
                try:
                    names = dict(catalog_choices(self.choices_from))
                except Exception:  # noqa: BLE001 - a label must never break a report
                    names = {}
                if value in names:
                    return f"{names[value]} ({value})"
            return str(value)
        if self.type == "number" and not isinstance(value, str):
            number = f"{value:,}".removesuffix(".0")
            unit = self.unit
            if value == 1 and unit.endswith("s") and unit.isalpha():
                unit = unit[:-1]  # "1 user", "1 GPU"
            if unit == "%":
                return f"{number}%"
            return f"{number} {unit}".strip()
        return str(value)

    def validate_value(self, value: Any, *, check_catalog: bool = True) -> AnswerValue:
        """Check (and normalise) an answer; raise :class:`KickoffError` naming the question."""
        where = f"question {self.id!r}"
        if self.type == "yes_no":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _YES | _NO:
                return value.strip().lower() in _YES
            raise KickoffError(f"{where}: answer yes or no, not {value!r}")
        if self.type == "number":
            return self._number(value, where)
        if not isinstance(value, str):
            raise KickoffError(f"{where}: expected text, not {value!r}")
        text = value.strip()
        if len(text) > MAX_ANSWER_CHARS:
            raise KickoffError(
                f"{where}: the answer is {len(text):,} characters long; keep it under "
                f"{MAX_ANSWER_CHARS:,} (put long material in a document and link it)"
            )
        bad = control_character(text)
        if bad is not None:
            raise KickoffError(f"{where}: the answer contains the control character {bad}; type plain text")
        if self.type == "choice":
            fixed = [c.value for c in self.choices]
            if text in fixed:
                return text
            if self.choices_from is not None and check_catalog:
                if text in {v for v, _ in catalog_choices(self.choices_from)}:
                    return text
            elif self.choices_from is not None and text:
                return text
            allowed = self.choice_values() if check_catalog else fixed
            raise KickoffError(f"{where}: {text!r} is not one of {', '.join(allowed)}")
        if self.type == "duration":
            try:
                hours = parse_duration_hours(text)
            except ValueError as err:
                raise KickoffError(f"{where}: {err}") from None
            if hours <= 0:
                raise KickoffError(f"{where}: {text!r} is no time at all; give a length such as "
                                   "4h, or pick 'No window' if there is none")
            return text.replace(" ", "").lower()
        if not text:
            raise KickoffError(f"{where}: the answer is empty")
        if self.portfolio is not None:
            from kickoff_tui.record.workloads import normalise_portfolio_answer

            try:
                return normalise_portfolio_answer(self.portfolio, text, check_catalog=check_catalog)
            except ValueError as err:
                raise KickoffError(f"{where}: {err}") from None
        return text

    def _number(self, value: Any, where: str) -> int | float:
        if isinstance(value, bool):
            raise KickoffError(f"{where}: expected a number, not {value!r}")
        if isinstance(value, str):
            text = value.strip().replace(",", "").replace("_", "")
            if self.unit and text.lower().endswith(self.unit.replace(" ", "").lower()):
                text = text[: len(text) - len(self.unit.replace(" ", ""))].strip()  # "35 kW"
            elif self.unit and text.lower().endswith(self.unit.lower()):
                text = text[: len(text) - len(self.unit)].strip()
            try:
                value = int(text)
            except ValueError:
                try:
                    value = float(text)
                except ValueError:
                    short = SHORTHAND.fullmatch(text)
                    if short:  # "32k": write it in full (a token count may mean 1,024s)
                        n = float(short.group(1))
                        thousand, binary = (1e3, 1024) if short.group(2) in "kK" else (1e6, 1024 ** 2)
                        full = f"{n * thousand:,.10g}"
                        if self.unit == "tokens" and n * binary != n * thousand:
                            full += f" or {n * binary:,.10g}"
                        raise KickoffError(
                            f"{where}: {value!r} is not a number; write it in full, e.g. {full}") from None
                    raise KickoffError(f"{where}: {value!r} is not a number") from None
        if not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
            raise KickoffError(f"{where}: expected a number, not {value!r}")
        if self.integer:
            if isinstance(value, float):
                if not value.is_integer():
                    raise KickoffError(f"{where}: expected a whole number, not {value:g}")
                value = int(value)
        unit = f" {self.unit}" if self.unit else ""
        if self.min is not None and value < self.min:
            raise KickoffError(f"{where}: {value:g}{unit} is below the minimum {self.min:g}{unit}")
        if self.max is not None and value > self.max:
            raise KickoffError(f"{where}: {value:g}{unit} is above the maximum {self.max:g}{unit}")
        return value

    def to_input(self, value: AnswerValue) -> Any:
        """The answer as its sizing input expects it (scaled numbers; ``recommend`` -> None)."""
        if self.type == "number" and not isinstance(value, bool) and self.scale != 1.0:
            return float(value) * self.scale
        if self.type == "choice" and value == "recommend" and self.choices_from == "gpus":
            return None
        return value


class Questionnaire(BaseModel):
    """An ordered list of questions with an id and version (recorded in every session)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    version: str = Field(min_length=1)
    title: str = ""
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "Questionnaire":
        seen: dict[str, int] = {}
        fed: dict[str, str] = {}
        for index, question in enumerate(self.questions):
            if question.id in seen:
                raise ValueError(f"question {question.id!r} (#{index + 1}) repeats an id already used")
            seen[question.id] = index
            if question.feeds is not None:
                if question.feeds in fed:
                    raise ValueError(
                        f"question {question.id!r}: sizing input {question.feeds!r} is already "
                        f"fed by question {fed[question.feeds]!r}"
                    )
                fed[question.feeds] = question.id
        signoff_roles = [q.role for q in self.questions if q.action == "signoff"]
        if len(set(signoff_roles)) != len(signoff_roles):
            raise ValueError("two signoff questions for the same role")
        if sum(q.action == "cadence" for q in self.questions) > 1:
            raise ValueError("more than one cadence question")
        from kickoff_tui.record.plan_answers import duplicate_planning_problem

        problem = duplicate_planning_problem(self.questions)
        if problem is not None:
            raise ValueError(problem)
        problems = self._condition_problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _condition_problems(self) -> list[str]:
        """Conditions naming unknown questions, comparing with the wrong type, or in a circle."""
        from kickoff_tui.record.conditions import ORDERING, comparisons, find_cycle, parse_condition, referenced

        by_id = {q.id: q for q in self.questions}
        problems: list[str] = []
        for question in self.questions:
            if question.when is None:
                continue
            where = f"question {question.id!r} field 'when'"
            node = parse_condition(question.when)
            for name in referenced(node):
                if name == question.id:
                    problems.append(f"{where}: a question cannot depend on itself")
                elif name not in by_id:
                    problems.append(f"{where}: unknown question {name!r}")
            for test in comparisons(node):
                other = by_id.get(test.question)
                if other is None:
                    continue
                literal = test.value
                if other.type == "number":
                    if isinstance(literal, (bool, str)):
                        problems.append(f"{where}: {other.id!r} is a number; compare it with a "
                                        f"number, not {literal!r}")
                    continue
                if test.op in ORDERING:
                    problems.append(f"{where}: {other.id!r} is a {other.type.replace('_', '/')} "
                                    f"question; use == or !=, not {test.op}")
                    continue
                if other.type == "yes_no" and not isinstance(literal, bool):
                    problems.append(f"{where}: {other.id!r} is yes/no; compare it with true or "
                                    f"false, not {literal!r}")
                elif other.type != "yes_no" and not isinstance(literal, str):
                    problems.append(f"{where}: {other.id!r} is a {other.type} question; compare "
                                    f"it with 'text', not {literal!r}")
                elif (other.type == "choice" and other.choices_from is None
                      and literal not in {c.value for c in other.choices}):
                    problems.append(f"{where}: {literal!r} is not a choice of {other.id!r} "
                                    f"({', '.join(c.value for c in other.choices)})")
        if not problems:
            cycle = find_cycle({q.id: q.when for q in self.questions if q.when is not None})
            if cycle:
                problems.append(f"conditions depend on each other in a circle: {' -> '.join(cycle)}")
        return problems

    def hidden(self, answers: Mapping[str, Any]) -> set[str]:
        """Ids of the questions that do not apply to these answers (``Answer`` objects or bare
        values keyed by question id): their ``when`` condition is false."""
        conditions = {q.id: q.when for q in self.questions if q.when is not None}
        if not conditions:
            return set()
        from kickoff_tui.record.conditions import hidden_questions

        values = {qid: getattr(a, "value", a) for qid, a in answers.items()}
        defaults = {q.id: q.default for q in self.questions if q.default is not None}
        return hidden_questions(conditions, values, defaults)

    def applicable(self, answers: Mapping[str, Any]) -> list["Question"]:
        """The questions that apply to these answers, in order."""
        hidden = self.hidden(answers)
        return [q for q in self.questions if q.id not in hidden]

    def get(self, question_id: str) -> Question:
        """The question with this id; :class:`KickoffError` if there is none."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KickoffError(f"unknown question {question_id!r} in questionnaire {self.id!r}")

    def find(self, question_id: str) -> Question | None:
        for question in self.questions:
            if question.id == question_id:
                return question
        return None

    def feeding(self, field: str) -> Question | None:
        """The question that feeds a sizing input, if any."""
        for question in self.questions:
            if question.feeds == field:
                return question
        return None

    def sections(self) -> list[str]:
        """Section names in the order they first appear."""
        return list(dict.fromkeys(q.section for q in self.questions))

    def by_section(self, section: str) -> list[Question]:
        return [q for q in self.questions if q.section == section]

    def for_role(self, role: str) -> list[Question]:
        return [q for q in self.questions if q.role == role]

    def signoff_question(self, role: str) -> Question | None:
        for question in self.questions:
            if question.action == "signoff" and question.role == role:
                return question
        return None

    def cadence_question(self) -> Question | None:
        for question in self.questions:
            if question.action == "cadence":
                return question
        return None

    def order(self) -> dict[str, int]:
        return {q.id: i for i, q in enumerate(self.questions)}


def catalog_choices(kind: str) -> list[tuple[str, str]]:
    """(id, name) pairs of a catalog, for ``choices_from``."""
    from kickoff_tui import catalog

    if kind == "models":
        return [(m.id, m.name) for m in catalog.models()]
    if kind == "gpus":
        return [(g.id, g.name) for g in catalog.gpus()]
    raise KickoffError(f"unknown catalog {kind!r}")


# --- loading ------------------------------------------------------------------------------------


def _where(raw: dict[str, Any], loc: tuple[Any, ...]) -> str:
    """Turn a pydantic error location into words naming the question and field."""
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        index = loc[1]
        items = raw.get("questions")
        qid = None
        if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
            qid = items[index].get("id")
        head = f"question {qid!r}" if qid else f"question #{index + 1}"
        rest = ".".join(str(p) for p in loc[2:])
        return f"{head} field {rest!r}" if rest else head
    return f"field {'.'.join(str(p) for p in loc)!r}" if loc else "file"


QUESTIONNAIRE_SCHEMA_VERSION = 1
"""Layout version of questionnaire files. A file may state it as a top-level ``schema_version``;
a file without one is read as version 1 (every questionnaire written so far)."""


def _schema_problem(raw: dict[str, Any]) -> str | None:
    """Why the file's ``schema_version`` cannot be read, or None when it can (or is absent)."""
    if "schema_version" not in raw:
        return None
    version = raw["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        return f"field 'schema_version': expected a whole number, not {version!r}"[:200]
    if version > QUESTIONNAIRE_SCHEMA_VERSION:
        return (
            f"field 'schema_version': {version} is newer than this kickoff reads "
            f"({QUESTIONNAIRE_SCHEMA_VERSION}); upgrade kickoff"
        )
    if version < 1:
        return f"field 'schema_version': {version} is not a questionnaire layout (use 1)"
    return None


UNION_MEMBERS = frozenset({"bool", "int", "float", "str"})
"""The members of :data:`AnswerValue` as pydantic names them in an error's location."""

TOML_TYPE_WORDS = {"list": "list", "dict": "table", "datetime": "date and time", "date": "date", "time": "time"}
"""A TOML value's kind in words (a Python ``dict`` is a TOML table)."""


def questionnaire_problems(raw: dict[str, Any]) -> list[str]:
    """Every problem of a parsed questionnaire, one line each (empty when valid)."""
    schema = _schema_problem(raw)
    if schema is not None:
        return [schema]
    raw = {k: v for k, v in raw.items() if k != "schema_version"}
    try:
        Questionnaire.model_validate(raw)
    except ValidationError as err:
        problems = []
        items = err.errors()
        in_questions = any(len(i["loc"]) > 1 and i["loc"][0] == "questions" for i in items)
        union_seen: set[tuple] = set()
        for item in items:
            loc = tuple(item["loc"])
            if in_questions and loc == ("questions",) and item["type"] == "too_short":
                continue  # a side effect of the failing questions, not a problem of its own
            if loc and loc[-1] in UNION_MEMBERS:
                # one wrong value of an answer-valued field (`default = [1]`) fails each member of
                # bool | int | float | str: one problem, not four about types the field is not
                if loc[:-1] not in union_seen:
                    union_seen.add(loc[:-1])
                    given = type(item.get("input")).__name__
                    problems.append(f"{_where(raw, loc[:-1])}: a yes/no, a number or a text, not a "
                                    f"{TOML_TYPE_WORDS.get(given, given)}")
                continue
            msg = item["msg"].removeprefix("Value error, ")
            problems.append(f"{_where(raw, loc)}: {msg}")
        return problems
    return []


def parse_questionnaire(text: str, source: str = "questionnaire") -> Questionnaire:
    """Parse TOML text (treated as untrusted); raise one :class:`KickoffError` listing every
    problem: syntax, limits (size, nesting, numbers, control characters), schema and fields."""
    if len(text) > MAX_QUESTIONNAIRE_BYTES:
        raise QuestionnaireError(source, [f"{len(text):,} characters is too large for a questionnaire"])
    raw, problems = parse_untrusted_toml(text)
    if problems and not raw:
        raise KickoffError(f"{source}: {problems[0]}")
    if not problems:
        problems = questionnaire_problems(raw)
    if problems:
        raise QuestionnaireError(source, problems)
    return Questionnaire.model_validate({k: v for k, v in raw.items() if k != "schema_version"})


class QuestionnaireError(KickoffError):
    """A questionnaire file with problems; ``problems`` holds one line per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
        super().__init__(f"{source}: {count}: {summarize_problems(problems)}")


def load_questionnaire(path: str | Path | None = None) -> Questionnaire:
    """Load a questionnaire file, or the shipped one when ``path`` is None."""
    if path is None:
        return default_questionnaire()
    text = read_untrusted_file(path, MAX_QUESTIONNAIRE_BYTES, "questionnaire file")
    return parse_questionnaire(text, str(path))


def _shipped_text(name: str) -> str:
    """Read a shipped questionnaire from the wheel, or from the checkout in development."""
    with suppress(FileNotFoundError, ModuleNotFoundError, NotADirectoryError):
        packaged = resources.files("kickoff_tui").joinpath("questionnaires", name)
        if packaged.is_file():
            return packaged.read_text("utf-8")
    checkout = Path(__file__).resolve().parents[2] / "questionnaires" / name
    try:
        return checkout.read_text("utf-8")
    except OSError:
        raise KickoffError(f"the shipped questionnaire {name} is missing from this install") from None


@lru_cache(maxsize=1)
def default_questionnaire() -> Questionnaire:
    """The shipped kickoff questionnaire (parsed once)."""
    return parse_questionnaire(_shipped_text(DEFAULT_QUESTIONNAIRE), f"questionnaires/{DEFAULT_QUESTIONNAIRE}")
