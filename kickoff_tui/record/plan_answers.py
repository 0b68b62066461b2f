"""From answers to planning overrides, generically through each question's ``planning`` key.

A question may feed the sizer (``feeds = "peak_concurrency"``) or, instead, the planning sections
(cost, growth, business case): ``planning = "cost.power_usd_per_kwh"`` is a dotted path into
:class:`~kickoff_tui.planning.PlanningOverrides`, section then field. The path, the question's
type, its fixed choices, default and number range are checked against that model when the
questionnaire loads, and every answer is checked against the field when it is recorded, so a
session's answers always build a valid ``PlanningOverrides``.

The vendor scorecard is not an answer (it is a table, set with ``Session.set_scorecard``), so
``scorecard`` is not a planning path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from kickoff_tui.errors import SessionContentError

if TYPE_CHECKING:
    from kickoff_tui.planning import PlanningOverrides, Scorecard
    from kickoff_tui.record.models import Answer
    from kickoff_tui.record.questionnaire import AnswerValue, Question, Questionnaire

PLANNING_SECTIONS: tuple[str, ...] = ("cost", "growth", "business")
"""Sections of ``PlanningOverrides`` an answer may feed (``scorecard`` is set as a whole)."""

BUSINESS_VALUE_FIELDS: tuple[str, ...] = ("value_per_request_usd", "replaced_cost_per_year_usd")
"""A business case exists once one of these is answered (``BusinessCase`` needs one of them);
until then its other answers (setup cost, requests per month) wait and the section stays off."""


def _section_model(section: str) -> type[BaseModel]:
    from kickoff_tui.planning import BusinessCase, CostOverrides, GrowthSettings

    return {"cost": CostOverrides, "growth": GrowthSettings, "business": BusinessCase}[section]


def planning_path_problem(path: str) -> str | None:
    """Why ``path`` names no planning field (``None`` when it does)."""
    section, dot, field = path.partition(".")
    if not dot or not field or "." in field:
        return (
            f"planning {path!r} must be SECTION.FIELD with SECTION one of "
            f"{', '.join(PLANNING_SECTIONS)}"
        )
    if section not in PLANNING_SECTIONS:
        return f"planning {path!r}: unknown section {section!r}; use {', '.join(PLANNING_SECTIONS)}"
    if field not in _section_model(section).model_fields:
        return f"planning {path!r}: {section} has no field {field!r}"
    return None


@lru_cache(maxsize=64)
def field_adapter(path: str) -> TypeAdapter[Any]:
    """A validator for the one field ``path`` names: its type with its own constraints (range,
    length), without the section's cross-field checks."""
    section, _, field = path.partition(".")
    info = _section_model(section).model_fields[field]
    return TypeAdapter(Annotated[(info.annotation, *info.metadata)])  # type: ignore[misc]


def check_field_value(path: str, value: Any) -> str | None:
    """Why the planning field ``path`` refuses ``value`` (``None`` when it accepts it)."""
    try:
        field_adapter(path).validate_python(value)
    except ValidationError as err:
        return err.errors()[0]["msg"].removeprefix("Value error, ")
    return None


def planning_question_problem(question: Question) -> str | None:
    """Why a question's ``planning`` key does not fit it (``None`` when it does). Used by the
    questionnaire loader: the path must exist, the question must not also feed sizing or carry an
    action, and its choices, default and number range must be values the field accepts."""
    path = question.planning
    if path is None:
        return None
    problem = planning_path_problem(path)
    if problem is not None:
        return problem
    if question.feeds is not None:
        return "a question feeds sizing or planning, not both"
    if question.action is not None:
        return "a signoff or cadence question cannot feed planning"
    samples: list[tuple[str, AnswerValue]] = [
        (f"choice {c.value!r}", c.value) for c in question.choices
    ]
    if question.type == "yes_no":
        samples.append(("a yes/no answer", True))
    elif question.type in ("text", "duration"):
        samples.append(("a text answer", "text"))
    elif question.type == "number":
        bounds = [("min", question.min), ("max", question.max)]
        samples += [(f"{name} {bound:g}", bound) for name, bound in bounds if bound is not None]
        if question.min is None and question.max is None:
            samples.append(("a number", 1))
    if question.default is not None:
        samples.append((f"default {question.default!r}", question.default))
    for what, value in samples:
        reason = check_field_value(path, question.to_input(value))
        if reason is not None:
            return f"{what} is not accepted by planning field {path!r}: {reason}"
    return None


def duplicate_planning_problem(questions: Iterable[Question]) -> str | None:
    """Two questions feeding the same planning field (one line), else ``None``."""
    seen: dict[str, str] = {}
    for question in questions:
        if question.planning is None:
            continue
        if question.planning in seen:
            return (
                f"question {question.id!r}: planning field {question.planning!r} is already fed "
                f"by question {seen[question.planning]!r}"
            )
        seen[question.planning] = question.id
    return None


def planning_questions(questionnaire: Questionnaire, *paths: str) -> tuple[str, ...]:
    """Ids of the questions feeding these planning fields (those the questionnaire has)."""
    found = {q.planning: q.id for q in questionnaire.questions if q.planning is not None}
    return tuple(found[p] for p in paths if p in found)


def _value(answer: Answer | AnswerValue | None) -> AnswerValue | None:
    from kickoff_tui.record.models import Answer

    return answer.value if isinstance(answer, Answer) else answer


def planning_from_answers(
    questionnaire: Questionnaire,
    answers: Mapping[str, Answer | AnswerValue],
    scorecard: Scorecard | None = None,
) -> PlanningOverrides:
    """``PlanningOverrides`` from the answers to questions with a ``planning`` key (unanswered
    ones take their default when they have one), plus the scorecard the session holds.

    Raises :class:`KickoffError` naming the question when an answer is refused (only possible
    for a file edited by hand: answers are checked when recorded)."""
    from kickoff_tui.planning import PlanningOverrides

    data: dict[str, dict[str, Any]] = {section: {} for section in PLANNING_SECTIONS}
    source: dict[tuple[str, str], str] = {}
    for question in questionnaire.questions:
        if question.planning is None:
            continue
        value = _value(answers.get(question.id))
        if value is None:
            value = question.default
        if value is None:
            continue
        section, _, field = question.planning.partition(".")
        data[section][field] = question.to_input(value)
        source[(section, field)] = question.id
    built: dict[str, Any] = {"cost": data["cost"], "growth": data["growth"]}
    if any(field in data["business"] for field in BUSINESS_VALUE_FIELDS):
        built["business"] = data["business"]
    if scorecard is not None:
        built["scorecard"] = scorecard
    try:
        return PlanningOverrides.model_validate(built)
    except ValidationError as err:
        problems = []
        for item in err.errors():
            loc = tuple(str(p) for p in item["loc"])
            msg = item["msg"].removeprefix("Value error, ")
            qid = source.get(loc[:2]) if len(loc) >= 2 else None
            path = ".".join(loc)
            where = f"question {qid!r} ({'.'.join(loc[:2])})" if qid else path or "planning"
            problems.append(f"{where}: {msg}")
        raise SessionContentError("; ".join(problems)) from None
