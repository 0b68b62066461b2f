"""Question conditions: ``when = "speculative_decoding == true"`` in a questionnaire file.

A small expression language, parsed here (never ``eval``), so a questionnaire that travels by
email cannot run code. A question whose condition is false does not apply: the wizard hides it,
the progress count leaves it out, and its answer (kept in the log) does not feed sizing.

Grammar::

    condition  := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | "(" condition ")" | test
    test       := QUESTION ("==" | "!=" | ">" | ">=" | "<" | "<=") LITERAL
                | QUESTION "is" ["not"] ("answered" | "unanswered")
    LITERAL    := number | true | false | 'text' | "text"

A comparison reads the question's answer, else its default; with neither (or when the question
itself does not apply) every comparison is false. ``is answered`` looks at the answer only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Union

MAX_CONDITION_CHARS = 500
"""Longest condition accepted (the shipped ones are under 40 characters)."""

_TOKEN = re.compile(
    r"\s*(?:(?P<number>-?\d+(?:\.\d+)?)|(?P<string>'[^']*'|\"[^\"]*\")|(?P<op>==|!=|>=|<=|>|<)"
    r"|(?P<paren>[()])|(?P<word>[A-Za-z_][A-Za-z0-9_]*))"
)
_KEYWORDS = {"and", "or", "not", "is", "answered", "unanswered", "true", "false"}
COMPARISONS = ("==", "!=", ">", ">=", "<", "<=")
ORDERING = (">", ">=", "<", "<=")

Literal_ = Union[bool, int, float, str]


@dataclass(frozen=True)
class Compare:
    question: str
    op: str
    value: Literal_


@dataclass(frozen=True)
class Answered:
    question: str
    answered: bool


@dataclass(frozen=True)
class Not:
    operand: "Node"


@dataclass(frozen=True)
class BoolOp:
    op: str
    operands: tuple["Node", ...]


Node = Union[Compare, Answered, Not, BoolOp]


class ConditionError(ValueError):
    """A condition that cannot be parsed; the message says where."""


def _tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ConditionError(f"cannot read {text[pos:pos + 20]!r} (at character {pos + 1})")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        pos = match.end()
    return found


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ConditionError("the condition ends too early")
        self.pos += 1
        return token

    def word(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token[0] == "word" and token[1] in words:
            self.pos += 1
            return True
        return False

    def condition(self) -> Node:
        operands = [self.conjunction()]
        while self.word("or"):
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def conjunction(self) -> Node:
        operands = [self.negation()]
        while self.word("and"):
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def negation(self) -> Node:
        if self.word("not"):
            return Not(self.negation())
        token = self.peek()
        if token == ("paren", "("):
            self.pos += 1
            inner = self.condition()
            if self.peek() != ("paren", ")"):
                raise ConditionError("a '(' is not closed")
            self.pos += 1
            return inner
        return self.test()

    def test(self) -> Node:
        kind, name = self.take()
        if kind != "word" or name in _KEYWORDS:
            raise ConditionError(f"expected a question id, found {name!r}")
        if self.word("is"):
            negated = self.word("not")
            if self.word("answered"):
                return Answered(name, not negated)
            if self.word("unanswered"):
                return Answered(name, negated)
            raise ConditionError(f"after '{name} is' write answered or unanswered")
        kind, op = self.take()
        if kind != "op":
            raise ConditionError(f"expected ==, !=, >, >=, < or <= after {name!r}, found {op!r}")
        return Compare(name, op, self.literal())

    def literal(self) -> Literal_:
        kind, text = self.take()
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "string":
            return text[1:-1]
        if kind == "word" and text in ("true", "false"):
            return text == "true"
        raise ConditionError(f"expected a number, true, false or 'text', found {text!r}")


@lru_cache(maxsize=512)
def parse_condition(text: str) -> Node:
    """The condition's syntax tree; :class:`ConditionError` saying what is wrong."""
    if len(text) > MAX_CONDITION_CHARS:
        raise ConditionError(f"{len(text):,} characters; at most {MAX_CONDITION_CHARS}")
    parser = _Parser(_tokens(text))
    if not parser.tokens:
        raise ConditionError("the condition is empty")
    node = parser.condition()
    if parser.peek() is not None:
        raise ConditionError(f"unexpected {parser.peek()[1]!r} after a complete condition")  # type: ignore[index]
    return node


def referenced(node: Node) -> list[str]:
    """Question ids a condition reads, in order."""
    if isinstance(node, (Compare, Answered)):
        return [node.question]
    if isinstance(node, Not):
        return referenced(node.operand)
    return [q for operand in node.operands for q in referenced(operand)]


def comparisons(node: Node) -> list[Compare]:
    if isinstance(node, Compare):
        return [node]
    if isinstance(node, Answered):
        return []
    if isinstance(node, Not):
        return comparisons(node.operand)
    return [c for operand in node.operands for c in comparisons(operand)]


Lookup = Callable[[str], "tuple[bool, object]"]
"""question id -> (answered and applicable, value: the answer, else the default, else None)."""


def evaluate(node: Node, lookup: Lookup) -> bool:
    """Whether the condition holds for the values ``lookup`` gives."""
    if isinstance(node, BoolOp):
        results = (evaluate(operand, lookup) for operand in node.operands)
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Not):
        return not evaluate(node.operand, lookup)
    answered, value = lookup(node.question)
    if isinstance(node, Answered):
        return answered == node.answered
    return _compare(value, node.op, node.value)


def _compare(value: object, op: str, literal: Literal_) -> bool:
    if value is None:
        return False
    if isinstance(literal, bool) or isinstance(value, bool):
        if not (isinstance(literal, bool) and isinstance(value, bool)):
            return False
        return (value == literal) if op == "==" else (value != literal) if op == "!=" else False
    if isinstance(literal, str) or isinstance(value, str):
        if not (isinstance(literal, str) and isinstance(value, str)):
            return False
        return (value == literal) if op == "==" else (value != literal) if op == "!=" else False
    number, bound = float(value), float(literal)  # type: ignore[arg-type]
    return {
        "==": number == bound, "!=": number != bound, ">": number > bound,
        ">=": number >= bound, "<": number < bound, "<=": number <= bound,
    }[op]


def hidden_questions(
    conditions: Mapping[str, str],
    answers: Mapping[str, object],
    defaults: Mapping[str, object],
) -> set[str]:
    """Ids of the questions whose condition is false.

    ``conditions``: question id -> condition text (questions without one always apply);
    ``answers``: question id -> answered value; ``defaults``: question id -> default. A question
    that does not apply counts as unanswered in the conditions of others. Cycles are refused when
    the questionnaire loads; here a cycle simply counts as applying."""
    state: dict[str, bool] = {}
    visiting: set[str] = set()

    def applies(qid: str) -> bool:
        if qid in state:
            return state[qid]
        text = conditions.get(qid)
        if text is None or qid in visiting:
            return True
        visiting.add(qid)
        try:
            result = evaluate(parse_condition(text), lookup)
        finally:
            visiting.discard(qid)
        state[qid] = result
        return result

    def lookup(qid: str) -> tuple[bool, object]:
        if not applies(qid):
            return False, None
        if answers.get(qid) is not None:
            return True, answers[qid]
        return False, defaults.get(qid)

    return {qid for qid in conditions if not applies(qid)}


def find_cycle(conditions: Mapping[str, str]) -> list[str] | None:
    """A chain of questions whose conditions read each other in a circle, if any."""
    graph = {qid: referenced(parse_condition(text)) for qid, text in conditions.items()}
    done: set[str] = set()

    def visit(qid: str, path: list[str]) -> list[str] | None:
        if qid in path:
            return [*path[path.index(qid):], qid]
        if qid in done or qid not in graph:
            return None
        for nxt in graph[qid]:
            found = visit(nxt, [*path, qid])
            if found:
                return found
        done.add(qid)
        return None

    for start in graph:
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None
