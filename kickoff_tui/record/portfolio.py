"""The portfolio file: one shared platform (IT's answers) and several workloads.

A portfolio is a TOML file with a top-level ``[[workloads]]`` array::

    schema_version = 1
    title = "Shared inference platform"
    budget_usd_per_month = 150000        # optional: the model-mix optimiser's budget

    [platform]                           # IT's answers, shared by every workload
    gpu_candidates = ["h100-sxm", "h200-sxm", "b200"]   # omit to compare every catalog SKU
    rack_power_kw = 35
    cooling = "rdhx"
    price_basis = "reserved-1y"

    [[workloads]]
    name = "chat"
    peak_hours = "08-18"                 # local hours of the peak; elsewhere off-peak
    off_peak_fraction = 0.2              # off-peak load as a fraction of the peak
    history = [41000, 45500, 52000]      # monthly request counts, oldest first
    # ... any application-owner or AI-team answer of a single-workload sizing file:
    use_case = "chat"
    peak_concurrency = 120
    model = "llama-3.3-70b"

    [[workloads.candidates]]             # models the AI team accepts, best first
    model = "llama-3.3-70b"
    quality_rank = 1

The file is untrusted input: every field is bounded, unknown keys are refused and every problem
comes back as one line naming the workload and the field (:class:`PortfolioError`).

Migration: a single-workload sizing file (or a session) is a portfolio of one
(:func:`portfolio_of_one`), so every old file keeps working.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from kickoff_tui.validation import NoYesNoNumbers
from kickoff_tui.sizing.inputs import SizingInputs

PORTFOLIO_SCHEMA_VERSION = 1
"""Version written by Kickoff; files with a newer version are refused (not guessed at)."""

MAX_WORKLOADS = 32
"""Workloads in one portfolio (a platform team's inventory; more is a different tool)."""
MAX_CANDIDATES = 8
"""Candidate models per workload for the budget optimiser."""
MAX_GPU_CANDIDATES = 32
MAX_HISTORY_MONTHS = 240
"""Twenty years of monthly counts."""
MAX_HISTORY_FILE_BYTES = 1_000_000
MAX_REQUESTS_PER_MONTH = 1e15
MAX_NAME_CHARS = 60
MAX_TEXT_CHARS = 2_000

IT_FIELDS: tuple[str, ...] = (
    "gpu", "gpu_count_budget", "gpus_per_node", "fabric", "rack_power_kw", "rack_power_basis",
    "cooling", "price_basis", "monthly_budget_usd",
)
"""Sizing inputs IT answers once for the whole platform (a workload may not set them)."""

WORKLOAD_KEYS: tuple[str, ...] = (
    "name", "description", "peak_hours", "off_peak_fraction", "history", "history_csv", "candidates",
)
"""Keys of a ``[[workloads]]`` entry that are not sizing inputs."""

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._()/+-]*")
PEAK_RE = re.compile(r"\s*(\d{1,2})(?::00)?\s*-\s*(\d{1,2})(?::00)?\s*")


class PortfolioError(ValueError):
    """A portfolio file Kickoff refuses; ``str(err)`` is one line."""


def parse_peak_hours(text: str) -> tuple[int, int]:
    """``"08-18"`` -> (8, 18): the peak runs from 08:00 up to 18:00. ``"22-06"`` wraps midnight."""
    match = PEAK_RE.fullmatch(text)
    if not match:
        raise ValueError('write the peak window as "HH-HH" in local hours, e.g. "08-18" or "22-06"')
    start, end = int(match.group(1)), int(match.group(2))
    if start > 23 or end > 24:
        raise ValueError("peak hours run from 00 to 24")
    if start == end % 24:
        raise ValueError("the peak window is empty (start equals end); omit peak_hours for all day")
    return start, end % 24


def peak_hour_set(text: str | None) -> frozenset[int]:
    """The hours (0-23) of the day a workload is at its peak; every hour when no window is given."""
    if text is None:
        return frozenset(range(24))
    start, end = parse_peak_hours(text)
    if start < end:
        return frozenset(range(start, end))
    return frozenset(list(range(start, 24)) + list(range(end)))


class _Strict(NoYesNoNumbers):
    model_config = ConfigDict(extra="forbid")


class Candidate(_Strict):
    """A model the AI team accepts for a workload, with the team's quality rank (1 = best)."""

    model: str = Field(min_length=1, max_length=64)
    precision: str | None = Field(default=None, max_length=16)
    kv_precision: str | None = Field(default=None, max_length=16)
    quality_rank: int = Field(ge=1, le=100)
    """The AI team's ranking: 1 is their first choice. Ranks add up across workloads."""
    note: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)


def _split(data: Any, own: tuple[str, ...], what: str) -> Any:
    """Move every key that is not one of ``own`` under ``answers`` (validated as SizingInputs)."""
    if not isinstance(data, dict):
        raise ValueError(f"{what} must be a table")
    if "answers" in data:
        raise ValueError("write the answers directly in the table, not under 'answers'")
    mine = {k: v for k, v in data.items() if k in own}
    mine["answers"] = {k: v for k, v in data.items() if k not in own}
    return mine


class Workload(_Strict):
    """One service on the platform: its owners' answers, its peak window, its history."""

    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    description: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)
    peak_hours: str | None = Field(default=None, max_length=16)
    """Local hours of the daily peak, ``"08-18"``; omitted = the peak may come at any hour."""
    off_peak_fraction: float | None = Field(default=None, ge=0, le=1)
    """Load outside the peak window as a fraction of the peak (0 for a job that only runs then)."""
    history: list[float] | None = Field(default=None, max_length=MAX_HISTORY_MONTHS)
    """Monthly request counts, oldest first (for the growth fit)."""
    history_csv: str | None = Field(default=None, max_length=255)
    """A CSV of monthly request counts, relative to the portfolio file's folder."""
    candidates: list[Candidate] = Field(default_factory=list, max_length=MAX_CANDIDATES)
    answers: SizingInputs = Field(default_factory=SizingInputs)

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, data: Any) -> Any:
        data = _split(data, WORKLOAD_KEYS, "a workload")
        it = [k for k in data["answers"] if k in IT_FIELDS]
        if it:
            raise ValueError(f"{it[0]} is IT's answer for the whole platform: set it under [platform]")
        return data

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME_RE.fullmatch(value):
            raise ValueError("a workload name is letters, digits, spaces and . _ - ( ) / +, "
                             "starting with a letter or digit")
        # "chat  assistant" and "chat assistant " read as "chat assistant" in every table: the
        # name is kept as shown (spaces collapsed, as a session records it), so the portfolio's
        # one-name-once check sees them as the same workload
        return " ".join(value.split())

    @field_validator("peak_hours")
    @classmethod
    def _peak(cls, value: str | None) -> str | None:
        if value is not None:
            parse_peak_hours(value)
        return value

    @field_validator("history")
    @classmethod
    def _history(cls, value: list[float] | None) -> list[float] | None:
        if value is None:
            return value
        for count in value:
            if not math.isfinite(count) or count < 0 or count > MAX_REQUESTS_PER_MONTH:
                raise ValueError("monthly request counts are finite numbers from 0 to 1e15")
        return value

    @model_validator(mode="after")
    def _one_history(self) -> Workload:
        if self.history is not None and self.history_csv is not None:
            raise ValueError("give history or history_csv, not both")
        models = [(c.model, c.precision) for c in self.candidates]
        if len(set(models)) != len(models):
            raise ValueError("the same candidate model and precision is listed twice")
        return self

    def peak_hour_set(self) -> frozenset[int]:
        return peak_hour_set(self.peak_hours)


class Platform(_Strict):
    """IT's answers, shared by every workload: SKU candidates, servers, racks, cooling, price."""

    gpu_candidates: list[str] | None = Field(default=None, min_length=1, max_length=MAX_GPU_CANDIDATES)
    """Catalog GPU ids IT will consider; omitted = every catalog SKU (consumer cards excluded)."""
    answers: SizingInputs = Field(default_factory=SizingInputs)

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, data: Any) -> Any:
        data = _split(data, ("gpu_candidates",), "[platform]")
        answers = data["answers"]
        gpu = answers.pop("gpu", None)
        if gpu is not None:
            if "gpu_candidates" in data:
                raise ValueError("give gpu or gpu_candidates, not both")
            if gpu != "recommend":
                data["gpu_candidates"] = [gpu]
        other = [k for k in answers if k not in IT_FIELDS]
        if other:
            raise ValueError(f"{other[0]} is a per-workload answer: set it in each [[workloads]] entry")
        return data

    @field_validator("gpu_candidates")
    @classmethod
    def _ids(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        for gpu in value:
            if not isinstance(gpu, str) or not (1 <= len(gpu) <= 64):
                raise ValueError("GPU ids are catalog ids such as 'h100-sxm'")
        if len(set(value)) != len(value):
            raise ValueError("a GPU id is listed twice")
        return value


class Portfolio(_Strict):
    """Several workloads on one shared fleet."""

    schema_version: int = Field(default=PORTFOLIO_SCHEMA_VERSION, ge=1)
    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)
    budget_usd_per_month: float | None = Field(default=None, gt=0, le=1e10)
    """Monthly budget for the model-mix optimiser (``kickoff portfolio --budget`` overrides)."""
    growth_months: int | None = Field(default=None, ge=1, le=120)
    """How far the growth projection looks ahead (default 24 months)."""
    platform: Platform = Field(default_factory=Platform)
    workloads: list[Workload] = Field(min_length=1, max_length=MAX_WORKLOADS)

    @field_validator("schema_version")
    @classmethod
    def _version(cls, value: int) -> int:
        if value > PORTFOLIO_SCHEMA_VERSION:
            raise ValueError(f"portfolio schema {value} is newer than this Kickoff reads "
                             f"({PORTFOLIO_SCHEMA_VERSION}): upgrade Kickoff")
        return value

    @model_validator(mode="after")
    def _unique(self) -> Portfolio:
        seen: set[str] = set()
        for w in self.workloads:
            key = w.name.casefold()
            if key in seen:
                raise ValueError(f"two workloads are named {w.name!r}")
            seen.add(key)
        return self

    def inputs_for(self, workload: Workload) -> SizingInputs:
        """The workload's answers plus IT's shared answers (the SKU is left to the fleet)."""
        it = self.platform.answers.model_dump(exclude_none=True, include=set(IT_FIELDS))
        return workload.answers.model_copy(update=it)

    def to_toml_dict(self) -> dict[str, Any]:
        """The portfolio as the flat TOML layout it is read from (None values dropped)."""
        out: dict[str, Any] = {"schema_version": self.schema_version}
        for key in ("title", "description", "budget_usd_per_month", "growth_months"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        platform: dict[str, Any] = {}
        if self.platform.gpu_candidates is not None:
            platform["gpu_candidates"] = list(self.platform.gpu_candidates)
        platform.update(self.platform.answers.model_dump(exclude_none=True))
        if platform:
            out["platform"] = platform
        rows = []
        for w in self.workloads:
            row: dict[str, Any] = {"name": w.name}
            for key in ("description", "peak_hours", "off_peak_fraction", "history", "history_csv"):
                if getattr(w, key) is not None:
                    row[key] = getattr(w, key)
            row.update(w.answers.model_dump(exclude_none=True))
            if w.candidates:
                row["candidates"] = [c.model_dump(exclude_none=True) for c in w.candidates]
            rows.append(row)
        out["workloads"] = rows
        return out


def is_portfolio_data(data: dict[str, Any]) -> bool:
    """A portfolio file has a top-level ``workloads`` key; a sizing file has not, and a session
    file (which may hold ``[[workloads]]`` too) has a ``questionnaire_id`` or events."""
    return (isinstance(data, dict) and "workloads" in data
            and not any(key in data for key in ("questionnaire_id", "events", "answers")))


def error_message(err: ValidationError, data: Any = None) -> str:
    """One line for the first validation problem, naming the workload by its name."""
    errors = err.errors()
    first = errors[0]
    loc = [p for p in first.get("loc", ()) if p != "answers"]
    parts: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        if part == "workloads" and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = loc[i + 1]
            name = None
            if isinstance(data, dict) and isinstance(data.get("workloads"), list):
                rows = data["workloads"]
                if 0 <= index < len(rows) and isinstance(rows[index], dict):
                    raw = rows[index].get("name")
                    ok = isinstance(raw, str) and len(raw) <= MAX_NAME_CHARS and NAME_RE.fullmatch(raw)
                    name = raw if ok else None
            parts.append(f"workload {index + 1}" + (f" ({name})" if name else ""))
            i += 2
            continue
        if isinstance(part, str) and part.startswith(("function-", "model-")):
            i += 1
            continue
        parts.append(f"[{part + 1}]" if isinstance(part, int) else str(part))
        i += 1
    where = ".".join(parts).replace(".[", "[") or "portfolio"
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    more = len(errors) - 1
    line = f"{where}: {message}" + (f" (and {more} more)" if more > 0 else "")
    return " ".join(line.split())[:400]


def portfolio_from_data(data: Any, base_dir: Path | None = None) -> Portfolio:
    """Validate a parsed portfolio TOML. Raises :class:`PortfolioError` (one line).

    ``base_dir`` is the file's folder: ``history_csv`` files are read from it (and only from it)."""
    if not isinstance(data, dict):
        raise PortfolioError("a portfolio file is a TOML table")
    try:
        portfolio = Portfolio.model_validate(data)
    except ValidationError as err:
        raise PortfolioError(error_message(err, data)) from None
    except (ValueError, TypeError, RecursionError) as err:  # a validator's own refusal
        raise PortfolioError(" ".join(str(err).split())[:400] or "invalid portfolio") from None
    return read_history_files(portfolio, base_dir)


def read_history_files(portfolio: Portfolio, base_dir: Path | None) -> Portfolio:
    """Replace every ``history_csv`` with the counts it holds (bounded, inside ``base_dir``)."""
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.planning.history import parse_history_csv
    from kickoff_tui.record.safe_read import read_user_text

    if not any(w.history_csv for w in portfolio.workloads):
        return portfolio
    workloads = []
    for w in portfolio.workloads:
        if w.history_csv is None:
            workloads.append(w)
            continue
        label = f"workload {w.name}: history_csv"
        if base_dir is None:
            raise PortfolioError(f"{label}: a CSV file can only be read from a portfolio file on disk")
        root = base_dir.resolve()
        path = (root / w.history_csv).resolve()
        if not path.is_relative_to(root):
            raise PortfolioError(f"{label}: the CSV must sit in the portfolio's folder or below it")
        if not path.exists():
            raise PortfolioError(f"{label}: no such file {w.history_csv[:80]!r}")
        try:  # regular files only, bounded read (a FIFO or /dev/zero cannot hang or flood it)
            text = read_user_text(path, MAX_HISTORY_FILE_BYTES, "CSV file")
        except KickoffError as err:
            raise PortfolioError(f"{label}: {err}") from None
        try:
            counts = parse_history_csv(text)
        except ValueError as err:
            raise PortfolioError(f"{label}: {err}") from None
        if len(counts) > MAX_HISTORY_MONTHS:
            raise PortfolioError(f"{label}: more than {MAX_HISTORY_MONTHS} months")
        workloads.append(w.model_copy(update={"history": counts, "history_csv": None}))
    return portfolio.model_copy(update={"workloads": workloads})


def portfolio_of_one(inputs: SizingInputs, name: str | None = None, title: str | None = None) -> Portfolio:
    """Migration: today's single-workload answers as a portfolio of one workload.

    IT's fields move to the platform (a fixed ``gpu`` becomes the only SKU candidate); the rest
    stay the workload's answers. Sizing it gives exactly the single-workload spec."""
    it = inputs.model_dump(exclude_none=True, include=set(IT_FIELDS))
    rest = inputs.model_dump(exclude_none=True, exclude=set(IT_FIELDS))
    label = name or _safe_name(title) or (inputs.use_case or "workload")
    platform = Platform.model_validate(it)
    workload = Workload.model_validate({"name": label, **rest})
    return Portfolio(title=title, platform=platform, workloads=[workload])


def _safe_name(text: str | None) -> str | None:
    if not text:
        return None
    cleaned = re.sub(r"[^A-Za-z0-9 ._()/+-]", " ", text)
    cleaned = " ".join(cleaned.split()).lstrip(" ._()/+-")[:MAX_NAME_CHARS].strip()
    return cleaned if cleaned and NAME_RE.fullmatch(cleaned) else None


# ----------------------------------------------------------------------------------------------
# for the sizer
# ----------------------------------------------------------------------------------------------


def demands(portfolio: Portfolio):
    """The workloads as the portfolio sizer reads them (answers + IT's shared answers)."""
    from kickoff_tui.sizing.portfolio import Demand

    return [Demand(name=w.name, inputs=portfolio.inputs_for(w), peak_hours=w.peak_hour_set(),
                   off_peak_fraction=w.off_peak_fraction) for w in portfolio.workloads]


def mix_options(portfolio: Portfolio):
    """Per workload, the candidate models for the budget optimiser; a workload without
    candidates keeps its own model (one option, rank 1)."""
    from kickoff_tui.sizing import defaults as D
    from kickoff_tui.sizing.portfolio import MixOption

    out = []
    for w in portfolio.workloads:
        if w.candidates:
            out.append([MixOption(model=c.model, quality_rank=c.quality_rank, precision=c.precision,
                                  kv_precision=c.kv_precision) for c in w.candidates])
        else:
            a = w.answers
            out.append([MixOption(model=a.model or D.DEFAULT_MODEL, quality_rank=1,
                                  precision=a.precision, kv_precision=a.kv_precision)])
    return out


def unknown_ids(portfolio: Portfolio) -> str | None:
    """The first model or GPU id the catalog does not know, as a one-line problem (else None)."""
    from kickoff_tui.catalog import CatalogError, get_gpu, get_model
    from kickoff_tui.catalog.schema import PRECISIONS

    for gpu in portfolio.platform.gpu_candidates or []:
        try:
            get_gpu(gpu)
        except CatalogError:
            return f"platform.gpu_candidates: unknown GPU {gpu[:64]!r} (see `kickoff catalog gpus`)"
    for w in portfolio.workloads:
        precisions = [w.answers.precision, w.answers.kv_precision]
        precisions += [p for c in w.candidates for p in (c.precision, c.kv_precision)]
        for precision in precisions:
            if precision is not None and precision not in PRECISIONS:
                return (f"workload {w.name}: unknown precision {precision[:16]!r} "
                        f"(one of {', '.join(PRECISIONS)})")
        models = [w.answers.model] + [c.model for c in w.candidates]
        for model in models:
            if model is None:
                continue
            try:
                get_model(model)
            except CatalogError:
                return f"workload {w.name}: unknown model {model[:64]!r} (see `kickoff catalog models`)"
    return None
