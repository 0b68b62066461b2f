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
