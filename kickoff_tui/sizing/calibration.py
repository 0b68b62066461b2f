"""Accuracy report: run the estimate over published measurements and compare.

Input is a CSV with the columns of ``kickoff estimate --batch`` plus ``source``, ``metric``
(``output_tokens_per_s`` for all GPUs of the row, ``tpot_ms`` or ``ttft_ms``) and ``measured``.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict

from pydantic import BaseModel, ConfigDict

from kickoff_tui.sizing.batch import BatchRow, run_row

METRICS = ("output_tokens_per_s", "tpot_ms", "ttft_ms")


class CalibrationRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    row: BatchRow
    metric: str
    measured: float
    predicted: float | None
    error: float | None
    """(predicted - measured) / measured; None when the estimate does not fit."""


class GroupStats(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    rows: int
    median_abs_error: float | None
    within_25: float | None


class CalibrationReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rows: list[CalibrationRow]
    by_metric: list[GroupStats]
    by_source: list[GroupStats]
    overall: GroupStats

    def worst(self, count: int = 10) -> list[CalibrationRow]:
        scored = [r for r in self.rows if r.error is not None]
        return sorted(scored, key=lambda r: abs(r.error or 0), reverse=True)[:count]


def _stats(name: str, rows: list[CalibrationRow]) -> GroupStats:
    errors = [abs(r.error) for r in rows if r.error is not None]
    if not errors:
        return GroupStats(name=name, rows=len(rows), median_abs_error=None, within_25=None)
    return GroupStats(
        name=name,
        rows=len(rows),
        median_abs_error=statistics.median(errors),
        within_25=sum(e <= 0.25 for e in errors) / len(errors),
    )


def parse_cases(text: str) -> list[tuple[str, BatchRow, str, float]]:
    reader = csv.DictReader(io.StringIO(text))
    required = {"model", "gpu", "gpus", "input_tokens", "output_tokens", "metric", "measured"}
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"calibration CSV lacks columns: {', '.join(sorted(missing))}")
    out = []
    for number, raw in enumerate(reader, start=2):
        metric = (raw.get("metric") or "").strip()
        if metric not in METRICS:
            raise ValueError(f"line {number}: metric must be one of {', '.join(METRICS)}")
        try:
            measured = float(raw["measured"])
        except (TypeError, ValueError):
            raise ValueError(f"line {number}: measured is not a number") from None
        row = BatchRow.from_csv(raw, number)
        out.append(((raw.get("source") or "").strip() or "unknown", row, metric, measured))
    return out


def calibrate(text: str) -> CalibrationReport:
    rows: list[CalibrationRow] = []
    for source, row, metric, measured in parse_cases(text):
        result = run_row(row)
        value = result.get(metric) if result.get("fits") else None
        predicted = float(value) if value is not None else None
        error = (predicted - measured) / measured if predicted is not None and measured else None
        rows.append(CalibrationRow(source=source, row=row, metric=metric, measured=measured,
                                   predicted=predicted, error=error))
    by_source: dict[str, list[CalibrationRow]] = defaultdict(list)
    by_metric: dict[str, list[CalibrationRow]] = defaultdict(list)
    for r in rows:
        by_source[r.source].append(r)
        by_metric[r.metric].append(r)
    return CalibrationReport(
        rows=rows,
        by_metric=[_stats(m, by_metric[m]) for m in METRICS if m in by_metric],
        by_source=[_stats(s, v) for s, v in by_source.items()],
        overall=_stats("all rows", rows),
    )
