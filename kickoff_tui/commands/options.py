"""argparse value types shared by the sub-commands: a bad value is one line, exit 2.

argparse turns the :class:`argparse.ArgumentTypeError` raised here into
``kickoff: argument --on-demand: must be a finite number, got 'nan'`` (``cli._Parser``), before
any file is read.
"""

from __future__ import annotations

import argparse
import math
import re
from datetime import date

SHOWN_CHARS = 40
"""Longest part of a refused value quoted back (a pasted page is cut)."""

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _shown(text: str) -> str:
    return repr(text[:SHOWN_CHARS] + ("..." if len(text) > SHOWN_CHARS else ""))


def finite_float(text: str) -> float:
    """A number, refusing ``nan``, ``inf`` and ``1e999`` (which ``float()`` accepts): the range
    checks downstream would otherwise report "less than or equal to 1000" for a NaN."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {_shown(text)}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {_shown(text)}")
    return value


def _count(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {_shown(text)}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
    return value


def positive_int(text: str) -> int:
    """A count of rows to show, at least 1 (``--top -1`` printed every row but the last, as a
    Python slice would)."""
    return _count(text, 1)


def nonnegative_int(text: str) -> int:
    """A count of rows to list where 0 means none (``--worst 0``); never negative."""
    return _count(text, 0)


def iso_date(text: str) -> str:
    """A calendar date written YYYY-MM-DD (``2026-09-01``), kept as the text given."""
    problem = argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {_shown(text)}")
    if not ISO_DATE.fullmatch(text):
        raise problem
    try:
        date.fromisoformat(text)  # 2026-13-45 and 2026-02-29 match the pattern but are no dates
    except ValueError:
        raise problem from None
    return text
