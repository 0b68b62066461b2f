"""``--json`` output that is always valid JSON.

Python's ``json`` writes ``NaN``, ``Infinity`` and ``-Infinity`` for non-finite floats, which no
JSON parser has to accept (RFC 8259). A figure that has no finite value ("cannot be served",
"no price known") is written as ``null`` instead, and ``allow_nan=False`` makes any such float
that slipped through a bug, never invalid output.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any, TextIO

SCHEMA_VERSION = 1
"""``schema_version`` of every ``--json`` output of the CLI; raised when a field changes meaning."""


def finite(data: Any) -> Any:
    """``data`` with every non-finite float (in dicts, lists and tuples) replaced by ``None``."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(value) for value in data]
    return data


def dumps(data: Any, **kwargs: Any) -> str:
    """:func:`json.dumps` of :func:`finite` data, refusing any NaN or infinity left."""
    return json.dumps(finite(data), allow_nan=False, **kwargs)


def dump(data: Any, stream: TextIO | None = None, **kwargs: Any) -> None:
    """:func:`dumps` written to ``stream`` (standard output by default), without a newline."""
    (stream or sys.stdout).write(dumps(data, **kwargs))
