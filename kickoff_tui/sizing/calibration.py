"""Accuracy report: run the estimate over published measurements and compare.

Reads three layouts of CSV (one file or every ``*.csv`` in a folder):

* the ``kickoff estimate --batch`` columns plus ``source``, ``metric`` (``output_tokens_per_s``
  for all GPUs of the row, ``tpot_ms`` / ``ttft_ms`` means, ``*_p50_ms`` / ``*_p99_ms``) and
  ``measured``; an optional ``engine`` column, else the engine is read from the source's name;
* the InferenceX benchmark export (``median_ttft_ms``, ``p99_tpot_ms``, ...: one row per
  configuration, several metrics each, with engine, expert parallelism and DP attention);
* the raw published-measurements table (``source_type``, ``output_tok_s``, ...), from which only
  max-throughput rows not already in another file and with catalog model / GPU ids are used.

Errors are broken down by metric, source, and group (engine x vendor x dense/MoE).
"""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
from collections import defaultdict

from pydantic import BaseModel, ConfigDict

from kickoff_tui.sizing.batch import BatchRow, refuse_repeated_columns, run_row

METRICS = ("output_tokens_per_s", "tpot_ms", "ttft_ms", "tpot_p50_ms", "ttft_p50_ms", "tpot_p99_ms", "ttft_p99_ms",
           "e2e_static_s")
FAMILY = {"output_tokens_per_s": "throughput", "tpot_ms": "tpot", "tpot_p50_ms": "tpot", "ttft_ms": "ttft",
          "ttft_p50_ms": "ttft", "tpot_p99_ms": "tpot p99", "ttft_p99_ms": "ttft p99",
          "e2e_static_s": "static batch e2e"}
"""Metric families: the targets are stated for the first three (means and medians together);
p99 and the end-to-end latency of one static batch (offline latency benchmarks: a check of the
prefill and decode steps without a server around them) are reported apart."""
FAMILIES = ("throughput", "tpot", "ttft", "tpot p99", "ttft p99", "static batch e2e")
TARGETED = ("throughput", "tpot", "ttft")
"""The families of the headline row ("all rows (means and medians)")."""


class CalibrationRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    row: BatchRow
    metric: str
    measured: float
    predicted: float | None
    error: float | None
    """(predicted - measured) / measured; None when the estimate does not fit."""
    engine: str = ""
    vendor: str = ""
    kind: str = ""
    """``dense`` or ``moe``."""

    @property
    def group(self) -> str:
        return f"{self.engine} / {self.vendor} / {self.kind}"

    @property
    def log_error(self) -> float | None:
        if self.predicted is None or self.predicted <= 0 or self.measured <= 0:
            return None
        return math.log(self.predicted / self.measured)


class GroupStats(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    rows: int
    median_abs_error: float | None
    within_25: float | None
    within_2x: float | None = None


class CalibrationReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rows: list[CalibrationRow]
    by_metric: list[GroupStats]
    by_source: list[GroupStats]
    by_group: list[GroupStats] = []
    by_group_metric: list[GroupStats] = []
    overall: GroupStats

    def worst(self, count: int = 10) -> list[CalibrationRow]:
        scored = [r for r in self.rows if r.error is not None]
        return sorted(scored, key=lambda r: abs(r.error or 0), reverse=True)[:count]


def stats(name: str, rows: list[CalibrationRow]) -> GroupStats:
    errors = [abs(r.error) for r in rows if r.error is not None]
    ratios = [abs(r.log_error) for r in rows if r.log_error is not None]
    if not errors:
        return GroupStats(name=name, rows=len(rows), median_abs_error=None, within_25=None)
    return GroupStats(
        name=name,
        rows=len(rows),
        median_abs_error=statistics.median(errors),
        within_25=sum(e <= 0.25 for e in errors) / len(errors),
        within_2x=sum(e <= math.log(2) for e in ratios) / max(len(rows), 1),
    )


_stats = stats


def engine_from_source(source: str) -> str | None:
    """The engine a published source ran when the file has no engine column."""
    text = source.lower()
    if "nim" in text or "tensorrt" in text or "trt-llm" in text:
        return "tensorrt-llm"
    if "sglang" in text:
        return "sglang"
    if "vllm" in text:
        return "vllm"
    return None


Case = tuple[str, BatchRow, str, float]


def parse_cases(text: str) -> list[Case]:
    reader = csv.DictReader(io.StringIO(text))
    refuse_repeated_columns(reader.fieldnames or [])
    fields = set(reader.fieldnames or [])
    if "median_ttft_ms" in fields:
        return parse_inferencex(text)
    if "source_type" in fields and "output_tok_s" in fields:
        return parse_published(text)
    required = {"model", "gpu", "gpus", "input_tokens", "output_tokens", "metric", "measured"}
    missing = required - fields
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
        _check_measured(number, "measured", measured)
        source = (raw.get("source") or "").strip() or "unknown"
        if not (raw.get("engine") or "").strip():
            raw = {**raw, "engine": engine_from_source(source) or ""}
        row = BatchRow.from_csv(raw, number)
        out.append((source, row, metric, measured))
    return out


INFERENCEX_METRICS = (("output_tokens_per_s", "output_tokens_per_s"), ("tpot_p50_ms", "median_tpot_ms"),
                      ("ttft_p50_ms", "median_ttft_ms"), ("tpot_p99_ms", "p99_tpot_ms"),
                      ("ttft_p99_ms", "p99_ttft_ms"))


def parse_inferencex(text: str) -> list[Case]:
    out = []
    for number, raw in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        source = "InferenceX nightly benchmark (SemiAnalysis)"
        row = BatchRow.from_csv({**raw, "kv_precision": ""}, number)
        for metric, column in INFERENCEX_METRICS:
            value = (raw.get(column) or "").strip()
            if not value:
                continue
            try:
                measured = float(value)
            except ValueError:
                raise ValueError(f"line {number}: {column} is not a number") from None
            _check_measured(number, column, measured)
            out.append((source, row, metric, measured))
    return out


MIN_MEASURED = 1e-6
"""Smallest measurement a calibration row may carry (a latency in ms or s, a throughput in
tokens/s): every real one is far above it; 0, a negative figure or 1e-300 is a typo that would
print a 300-digit error."""


def _check_measured(line: int, column: str, value: float) -> None:
    if not math.isfinite(value) or value < MIN_MEASURED:
        raise ValueError(f"line {line}: {column} must be a positive finite measurement, got {value!r}")


_MODEL_NAMES = {"llama-3.1-405b": "llama-3.1-405b", "llama-3.1-70b": "llama-3.1-70b", "llama-3.1-8b": "llama-3.1-8b",
                "llama-3.3-70b": "llama-3.3-70b", "llama-3-70b": "llama-3-70b", "llama-3-8b": "llama-3-8b",
                "mixtral-8x7b": "mixtral-8x7b"}
_BATCH = re.compile(r"batch_size=(\d+)")


def _gpu_id(text: str) -> str | None:
    from kickoff_tui.catalog import gpus

    lowered = text.lower()
    for gpu in sorted(gpus(), key=lambda g: -len(g.id)):
        if lowered.startswith(gpu.id) or lowered.startswith(gpu.id.replace("-sxm", " sxm")):
            return gpu.id
    # A bare name ("H200", "H100 80GB") is the SXM board, the form sold in 8-GPU servers; the
    # PCIe and NVL boards are always named as such.
    words = lowered.replace("-", " ").split()
    if words and not any(w in ("pcie", "nvl") for w in words[1:3]):
        for gpu in gpus():
            if gpu.id == f"{words[0]}-sxm":
                return gpu.id
    return None


def parse_published(text: str) -> list[Case]:
    """Max-throughput rows of the raw table that other files do not already hold, and its
    static-batch latencies (one batch prefilled and decoded to the end, no server: ``vLLM
    benchmark_latency`` and the like) of a named engine."""
    covered = ("NVIDIA NIM", "TensorRT-LLM perf-overview", "AMD ROCm vLLM", "TensorRT-LLM blog (DeepSeek")
    out = []
    for number, raw in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        source = (raw.get("source_type") or "").strip()
        scenario = raw.get("scenario") or ""
        static = "static batch latency" in scenario
        if not static and (any(source.startswith(c) for c in covered) or "max throughput" not in scenario):
            continue
        name = re.split(r"[\s(]", (raw.get("model") or "").strip().lower())[0].removesuffix("-instruct")
        model = _MODEL_NAMES.get(name)
        gpu = _gpu_id(raw.get("gpu") or "")
        engine = engine_from_source(raw.get("engine") or "") or ""
        precision = ((raw.get("precision") or "").strip().lower().split() or [""])[0] or None
        try:
            isl, osl = int(raw["input_len"]), int(raw["output_len"])
            count = int(raw["gpu_count"])
            if static:
                measured = float(raw["e2e_latency_s"])
                batch = int(_BATCH.fullmatch((raw.get("load") or "").strip()).group(1))  # type: ignore[union-attr]
            else:
                measured = float(raw["output_tok_s"])
        except (AttributeError, KeyError, TypeError, ValueError):
            continue
        if not model or not gpu or (static and not engine):
            continue
        shape = dict(line=number, model=model, gpu=gpu, gpus=count, tensor_parallel=count, precision=precision,
                     input_tokens=isl, output_tokens=osl)
        if static:
            row = BatchRow(**shape, concurrency=batch, engine=engine, static_batch=True)
        else:
            row = BatchRow(**shape, max_throughput=True, engine=engine or None)
        out.append((source, row, "e2e_static_s" if static else "output_tokens_per_s", measured))
    return out


def read_cases(texts: list[tuple[str, str]]) -> list[Case]:
    """Cases from (file name, CSV text) pairs (the caller reads the files)."""
    cases: list[Case] = []
    for name, text in texts:
        try:
            cases.extend(parse_cases(text))
        except ValueError as err:
            raise ValueError(f"{name}: {err}") from None
    return cases


def score(cases: list[Case], runner=run_row) -> list[CalibrationRow]:
    from kickoff_tui.catalog import CatalogError, get_gpu, get_model
    from kickoff_tui.catalog.engines import engine_for

    rows: list[CalibrationRow] = []
    cache: dict[tuple, dict] = {}
    for source, row, metric, measured in cases:
        key = (row.model_dump_json(exclude={"line"}),)
        if key not in cache:
            cache[key] = runner(row)
        result = cache[key]
        value = result.get(metric) if result.get("fits") else None
        predicted = float(value) if value is not None else None
        error = (predicted - measured) / measured if predicted is not None and measured else None
        try:
            gpu, model = get_gpu(row.gpu), get_model(row.model)
            vendor = gpu.vendor.lower()
            engine = engine_for(row.engine, gpu.vendor)[0].id
            kind = "moe" if model.is_moe else "dense"
        except CatalogError:
            vendor, engine, kind = "", row.engine or "", ""
        rows.append(CalibrationRow(source=source, row=row, metric=metric, measured=measured,
                                   predicted=predicted, error=error, engine=engine, vendor=vendor, kind=kind))
    return rows


def report(rows: list[CalibrationRow]) -> CalibrationReport:
    by_source: dict[str, list[CalibrationRow]] = defaultdict(list)
    by_family: dict[str, list[CalibrationRow]] = defaultdict(list)
    by_group: dict[str, list[CalibrationRow]] = defaultdict(list)
    by_group_metric: dict[str, list[CalibrationRow]] = defaultdict(list)
    for r in rows:
        by_source[r.source].append(r)
        family = FAMILY.get(r.metric, r.metric)
        by_family[family].append(r)
        by_group[r.group].append(r)
        by_group_metric[f"{r.group} / {family}"].append(r)
    return CalibrationReport(
        rows=rows,
        by_metric=[stats(m, by_family[m]) for m in FAMILIES if m in by_family],
        by_source=[stats(s, v) for s, v in by_source.items()],
        by_group=[stats(g, v) for g, v in sorted(by_group.items())],
        by_group_metric=[stats(g, v) for g, v in sorted(by_group_metric.items())],
        overall=stats("all rows (means and medians)", [r for r in rows if FAMILY.get(r.metric) in TARGETED]),
    )


def calibrate(text: str) -> CalibrationReport:
    return report(score(parse_cases(text)))


def calibrate_texts(texts: list[tuple[str, str]]) -> CalibrationReport:
    return report(score(read_cases(texts)))
