"""``kickoff estimate --batch FILE.csv``: many estimates, one JSON array, rows in order."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kickoff_tui.catalog import CatalogError
from kickoff_tui.sizing.constants import MAX_GPUS
from kickoff_tui.sizing.estimate import ServingOptions, estimate

MAX_BATCH_ROWS = 10_000
"""Most rows in one batch file (each is a full estimate; a sweep of every model on every GPU
at a dozen shapes stays below this)."""

MAX_CELL_CHARS = 1_000
"""Longest cell: ids are under 100 characters, numbers under 20."""

MAX_NUMBER_CHARS = 40
"""Longest text read as a number (a 10,000-digit cell is refused before it is converted)."""

MAX_CELL_NUMBER = 1e15
"""Largest magnitude of a numeric cell; the sizing limits downstream are far lower."""

BATCH_COLUMNS = ("model", "gpu", "gpus", "tensor_parallel", "precision", "kv_precision",
                 "input_tokens", "output_tokens", "concurrency", "engine", "expert_parallel", "dp_attention")
"""The last three are optional: blank means the default for that engine and model."""

TRUE_WORDS = ("true", "yes", "1", "on")
FALSE_WORDS = ("false", "no", "0", "off")


class BatchRow(BaseModel):
    """One CSV row; blank cells mean "default"."""

    model_config = ConfigDict(extra="forbid")

    line: int = 0
    model: str
    gpu: str
    gpus: int = Field(ge=1, le=MAX_GPUS)
    tensor_parallel: int | None = Field(default=None, ge=1)
    precision: str | None = None
    kv_precision: str | None = None
    input_tokens: int = Field(ge=1)
    output_tokens: int = Field(ge=1)
    concurrency: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    max_throughput: bool = False
    engine: str | None = None
    expert_parallel: bool | None = None
    dp_attention: bool | None = None
    static_batch: bool = False
    """One static batch of ``concurrency`` requests, prefilled together and decoded to the end
    (continuous batching off; offline latency benchmarks). Not a CSV column: the calibration
    report sets it for published static-batch latencies."""

    @classmethod
    def from_csv(cls, raw: dict[str, str | None], line: int) -> "BatchRow":
        def cell(name: str) -> str:
            return (raw.get(name) or "").strip()

        def number(name: str, kind: type = int) -> Any:
            text = cell(name)
            if not text:
                return None
            shown = text[:40] + ("..." if len(text) > 40 else "")
            if len(text) > MAX_NUMBER_CHARS:
                raise ValueError(f"line {line}: {name} must be a number, got {len(text):,} characters")
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"line {line}: {name} must be a number, got {shown!r}") from None
            if not math.isfinite(value) or abs(value) > MAX_CELL_NUMBER:
                raise ValueError(f"line {line}: {name} must be a finite number up to {MAX_CELL_NUMBER:g}, got {shown!r}")
            if kind is int and not value.is_integer():
                raise ValueError(f"line {line}: {name} must be a whole number, got {shown!r}")
            return int(value) if kind is int else kind(value)

        for name, text in raw.items():
            if isinstance(text, str) and len(text) > MAX_CELL_CHARS:
                raise ValueError(f"line {line}: {name}: a cell of {len(text):,} characters (at most {MAX_CELL_CHARS:,})")

        def flag(name: str) -> bool | None:
            text = cell(name).lower()
            if not text:
                return None
            if text in TRUE_WORDS:
                return True
            if text in FALSE_WORDS:
                return False
            raise ValueError(f"line {line}: {name} must be true/false, got {text[:40]!r}")

        def expert_parallel_size() -> bool | None:
            """``true`` / ``false``, or an expert-parallel size as InferenceX writes it: 1 = off,
            more = on; a size must be a whole number from 1 to the row's GPUs."""
            text = cell("expert_parallel").lower()
            if not text or (text in TRUE_WORDS + FALSE_WORDS and text != "1"):  # "1": a size of one rank
                return flag("expert_parallel")
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"line {line}: expert_parallel must be true/false or an expert-parallel size, "
                                 f"got {text[:40]!r}") from None
            gpus = number("gpus")
            if not (math.isfinite(value) and value.is_integer() and value >= 1) or (gpus and value > gpus):
                most = f" to the row's {gpus:,} GPUs" if gpus else ""
                raise ValueError(f"line {line}: expert_parallel size must be a whole number from 1{most}, "
                                 f"got {text[:40]!r}")
            return value > 1

        engine_text = cell("engine")
        engine = None
        if engine_text:
            from kickoff_tui.catalog.engines import ENGINE_IDS, normalise_engine

            engine = normalise_engine(engine_text)
            if engine == "generic" and engine_text.lower() not in ("generic", "other", "tgi"):
                raise ValueError(f"line {line}: engine must be one of {', '.join(ENGINE_IDS)}, got {engine_text[:40]!r}")
        concurrency_text = cell("concurrency").lower()
        values: dict[str, Any] = dict(
            line=line,
            model=cell("model"),
            gpu=cell("gpu"),
            gpus=number("gpus"),
            tensor_parallel=number("tensor_parallel"),
            precision=cell("precision").lower() or None,
            kv_precision=cell("kv_precision").lower() or None,
            input_tokens=number("input_tokens"),
            output_tokens=number("output_tokens"),
            max_throughput=concurrency_text == "max",
            concurrency=None if concurrency_text in ("", "max") else number("concurrency", float),
            engine=engine,
            expert_parallel=expert_parallel_size(),
            dp_attention=flag("dp_attention"),
        )
        for key in ("model", "gpu", "gpus", "input_tokens", "output_tokens"):
            if values[key] in (None, ""):
                raise ValueError(f"line {line}: {key} is required")
        try:
            return cls(**values)
        except Exception as err:  # pydantic ValidationError -> one line
            errors = getattr(err, "errors", None)
            first = errors()[0] if callable(errors) else {"loc": ("?",), "msg": str(err)}
            field = ".".join(str(p) for p in first.get("loc", ()))
            raise ValueError(f"line {line}: {field}: {first.get('msg')}") from None


def refuse_repeated_columns(fieldnames: list[str]) -> None:
    """:class:`ValueError` for a CSV header that names a column twice (``csv.DictReader`` would
    keep the last one's cells silently); blank names are left to the caller."""
    seen: set[str] = set()
    for name in fieldnames:
        if name.strip() and name in seen:
            shown = name[:40] + ("..." if len(name) > 40 else "")
            raise ValueError(f"line 1: the header names the column {shown!r} twice; name each column once")
        seen.add(name)


def parse_batch(text: str) -> list[BatchRow]:
    """The rows of a batch CSV; :class:`ValueError` (one line, naming the line) for a file that
    is not one: a missing header, a malformed or over-long field (``csv.Error``), a cell that is
    not a finite number where one is needed, more than :data:`MAX_BATCH_ROWS` rows, a column
    the header names twice (``csv.DictReader`` would keep the last one silently), a column it
    does not know (a misspelt ``expert_paralel`` would be ignored), a row with more (non-blank)
    cells than the header has columns."""
    reader = csv.DictReader(io.StringIO(text))
    rows: list[BatchRow] = []
    try:
        if reader.fieldnames:  # " concurrency" (a space after the comma) names the column
            reader.fieldnames = [name.strip() for name in reader.fieldnames]
        if not reader.fieldnames or not {"model", "gpu"} <= set(reader.fieldnames):
            raise ValueError(f"batch CSV needs a header with the columns {','.join(BATCH_COLUMNS)}")
        refuse_repeated_columns(reader.fieldnames)
        unknown = [name for name in reader.fieldnames if name.strip() and name.strip() not in BATCH_COLUMNS]
        if unknown:
            shown = unknown[0][:40] + ("..." if len(unknown[0]) > 40 else "")
            raise ValueError(f"line 1: unknown column {shown!r} (refused rather than ignored, in case it is misspelt); "
                             f"the columns are {','.join(BATCH_COLUMNS)}")
        for n, raw in enumerate(reader, start=2):
            if len(rows) >= MAX_BATCH_ROWS:
                raise ValueError(f"more than {MAX_BATCH_ROWS:,} rows; split the file")
            extra = raw.get(None) or []  # DictReader's restkey: the cells past the header
            if any(cell.strip() for cell in extra):  # blank ones (a trailing comma) say nothing
                raise ValueError(f"line {n}: {len(reader.fieldnames) + len(extra)} cells, but the header "
                                 f"has {len(reader.fieldnames)} columns")
            rows.append(BatchRow.from_csv(raw, n))
    except csv.Error as err:  # e.g. a field larger than csv.field_size_limit() (131,072)
        raise ValueError(f"line {reader.line_num}: not a usable CSV row ({err})") from None
    return rows


def run_row(row: BatchRow) -> dict[str, Any]:
    """Estimate one row; an unknown id or impossible input becomes ``fits = false`` + reason."""
    try:
        result = estimate(
            row.model, row.gpu, row.gpus, row.input_tokens, row.output_tokens,
            precision=row.precision, kv_precision=row.kv_precision,
            tensor_parallel=row.tensor_parallel, concurrency=row.concurrency,
            max_throughput=row.max_throughput, engine=row.engine,
            expert_parallel=row.expert_parallel, dp_attention=row.dp_attention,
            options=ServingOptions(continuous_batching=False) if row.static_batch else None,
        )
    except (CatalogError, ValueError) as err:
        return {"line": row.line, "model": row.model, "gpu": row.gpu, "fits": False, "refused": True,
                "reason": str(err)}
    out = {"line": row.line, **result.model_dump()}
    if row.static_batch and result.fits and result.requests_per_s:
        # One batch's life: its prefill and every decode step (Little's law over the batch).
        out["e2e_static_s"] = result.concurrency / result.requests_per_s
    return out
