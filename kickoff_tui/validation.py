"""One rule every model read from a user's file keeps: a TOML ``true`` / ``false`` is a yes/no,
never a number. Pydantic's lax mode reads ``True`` as 1 for an ``int`` or ``float`` field, so
``peak_concurrency = true`` sized one request and ``budget_usd_per_month = true`` a $1 budget.

Pure (pydantic only): used by the sizing inputs, the planning tables, the portfolio file, the
scorecard and the questionnaire's question fields."""

from __future__ import annotations

from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationInfo, field_validator


def admits_bool(annotation: Any) -> bool:
    """Whether a field's type takes a yes/no anywhere (``bool``, ``bool | None``, ``Any``...)."""
    if annotation is bool or annotation is Any:
        return True
    return any(admits_bool(arg) for arg in get_args(annotation))


def admits_number(annotation: Any) -> bool:
    """Whether a field's type takes a plain number (``int``, ``float``, ``Any``...)."""
    if annotation in (int, float) or annotation is Any:
        return True
    return any(admits_number(arg) for arg in get_args(annotation))


def yes_no_problem(annotation: Any, value: Any) -> str | None:
    """Why ``value`` cannot fill a field of ``annotation`` (a yes/no where only numbers, text or
    choices belong, also as an item of a list or a table's value; a number where only a yes/no
    belongs: ``prefix_caching = 0``), or None."""
    if admits_bool(annotation):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not admits_number(annotation):
            return f"true or false, not {value!r}"
        return None
    if isinstance(value, bool):
        return f"a number or a choice, not {str(value).lower()}"
    if not _is_container(annotation):
        return None  # a nested model's table is checked by that model's own fields
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        if isinstance(item, bool):
            return f"holds {str(item).lower()} where a number or a choice belongs"
    return None


def _is_container(annotation: Any) -> bool:
    """``dict[str, float]``, ``list[int] | None``...: a table or list of plain values."""
    if get_origin(annotation) in (dict, list, tuple, set, frozenset):
        return True
    return any(_is_container(arg) for arg in get_args(annotation))


class NoYesNoNumbers(BaseModel):
    """Base of the models read from user files: every field refuses a yes/no it cannot mean."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_yes_no_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is not None:
            problem = yes_no_problem(field.annotation, value)
            if problem is not None:
                raise ValueError(problem)
        return value
