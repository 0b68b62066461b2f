"""A number with its provenance, and the few formatting helpers the planning output shares.

Every cost and growth figure Kickoff prints is a :class:`Figure`: the value, its unit and a
``trace`` that spells the arithmetic with the named inputs and dated catalog prices it used, so a
reader six months later can redo it by hand.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict


class Figure(BaseModel):
    """One figure of the planning output and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    """Stable identifier (``"reserved-3y.per_month"``), for tests and the JSON output."""
    label: str
    """What the figure is, in words."""
    value: float | None
    """``None`` when it cannot be computed (the trace then says what is missing)."""
    unit: str
    """``USD``, ``USD/h``, ``USD/month``, ``GPUs``, ``months``, ``%``, ``x`` ..."""
    trace: str
    """The arithmetic, naming each input (``spec.total_gpus``) and each price with its date."""
    assumed: bool = False
    """True when a Kickoff default stands in for an answer or a quoted price."""

    def text(self) -> str:
        """The value formatted for its unit."""
        return format_value(self.value, self.unit)


def usd(value: float | None) -> str:
    """Dollars: cents below $100, whole dollars above, thousands separated."""
    if value is None or not math.isfinite(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    if abs(value) < 100:
        return f"{sign}${abs(value):,.2f}"
    return f"{sign}${abs(value):,.0f}"


def pct(value: float | None, digits: int = 0) -> str:
    """A fraction as a percentage."""
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 2) -> str:
    """A plain number without trailing zeros."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.{digits}f}"
    # trailing zeros only after a decimal point: "430" at digits=0 stays 430 (it read 43)
    return text.rstrip("0").rstrip(".") if "." in text else text


WHOLE_COUNT_FROM = 100
"""A count at or above this is shown whole (1,234,568 requests); below it with its decimals
(1.4 requests a month is what was used, not 1)."""


def count(value: float | None) -> str:
    """A count as it was used: whole from :data:`WHOLE_COUNT_FROM` up, else up to two decimals."""
    return num(value, 0 if value is not None and abs(value) >= WHOLE_COUNT_FROM else 2)


def format_value(value: float | None, unit: str) -> str:
    """Format ``value`` for ``unit`` (money, percentages, counts)."""
    if value is None:
        return "n/a"
    if unit.startswith("USD"):
        suffix = unit[3:]
        return usd(value) + suffix
    if unit == "%":
        return pct(value, 1)
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "month":
        return f"month {num(value)}"
    return f"{num(value)} {unit}".strip()
