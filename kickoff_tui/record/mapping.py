"""From answers to sizing inputs, generically through each question's ``feeds``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from kickoff_tui.errors import SessionContentError
from kickoff_tui.record.models import Answer
from kickoff_tui.record.questionnaire import AnswerValue, Questionnaire
from kickoff_tui.sizing.inputs import SizingInputs
from kickoff_tui.sizing.spec import Assumption, SizedSpec


def _value(answer: Answer | AnswerValue | None) -> AnswerValue | None:
    return answer.value if isinstance(answer, Answer) else answer


def inputs_from_answers(
    questionnaire: Questionnaire,
    answers: Mapping[str, Answer | AnswerValue],
    *,
    use_defaults: bool = True,
) -> SizingInputs:
    """Sizing inputs from answers (``Answer`` objects or bare values) keyed by question id.

    Unanswered questions take their questionnaire default when ``use_defaults`` (see
    :func:`assumed_defaults`); answers to questions that feed nothing are ignored. Raises
    :class:`KickoffError` naming the questions when the answers contradict each other.
    """
    data: dict[str, Any] = {}
    source: dict[str, str] = {}
    hidden = questionnaire.hidden(answers)  # questions that do not apply feed nothing
    for question in questionnaire.questions:
        if question.feeds is None or question.id in hidden:
            continue
        value = _value(answers.get(question.id))
        if value is None and use_defaults:
            value = question.default
        if value is None:
            continue
        converted = question.to_input(value)
        if converted is None:
            continue
        data[question.feeds] = converted
        source[question.feeds] = question.id
    try:
        return SizingInputs.model_validate(data)
    except ValidationError as err:
        problems = []
        for item in err.errors():
            field = str(item["loc"][0]) if item["loc"] else ""
            msg = item["msg"].removeprefix("Value error, ")
            if field in source:
                problems.append(f"question {source[field]!r} ({field}): {msg}")
            else:
                problems.append(msg)
        raise SessionContentError("; ".join(problems)) from None


def assumed_defaults(
    questionnaire: Questionnaire, answers: Mapping[str, Answer | AnswerValue]
) -> list[Assumption]:
    """Questionnaire defaults standing in for unanswered questions that feed sizing."""
    found: list[Assumption] = []
    hidden = questionnaire.hidden(answers)
    for question in questionnaire.questions:
        if question.feeds is None or question.default is None or question.id in hidden:
            continue
        if _value(answers.get(question.id)) is not None:
            continue
        found.append(
            Assumption(
                field=question.feeds,
                value=question.label_of(question.default),
                reason=f"questionnaire default: question {question.id!r} not answered",
            )
        )
    return found


def with_assumptions(spec: SizedSpec, extra: list[Assumption]) -> SizedSpec:
    """The spec with questionnaire defaults added to its assumptions (no duplicates)."""
    if not extra:
        return spec
    known = {a.field for a in spec.assumptions}
    added = [a for a in extra if a.field not in known]
    if not added:
        return spec
    return spec.model_copy(update={"assumptions": [*spec.assumptions, *added]})
