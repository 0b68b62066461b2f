"""Measured kernel curves: achieved GEMM / attention / MoE rates and collective times per GPU.

The data are distilled at build time (``scripts/distil_kernels.py``) from NVIDIA's measured
per-kernel database in the Apache-2.0 package aiconfigurator-core; this module only reads the
shipped TOML files (``catalog/data/kernels/<gpu-id>.toml``, plus ``<gpu-id>.moe.toml`` for the
MoE kinds) and never imports aiconfigurator.
docs/kernels.md describes what each curve is and how it was reduced.

Every lookup returns ``None`` when nothing is measured for that GPU / engine / precision, so
callers fall back to the catalog's efficiencies. Rules:

* Engine ids are Kickoff's (``vllm``, ``sglang``, ``tensorrt-llm``, ``vllm-rocm``, ``sglang-rocm``,
  ``atom``, ``generic``). An engine with no curve of that kind and precision on that GPU borrows
  the median of the engines that have one (``curve_source`` says so); ``generic`` always takes
  that median. Engine-independent curves (NCCL collectives) carry ``engine = "*"``.
* Interpolation is log-log (power law between measured points) and clamps at the ends: below the
  first point the first value is returned, above the last the last one, except that times of
  transfers (all-reduce, all-to-all, DeepEP) grow in proportion past the largest measured size.
  Families (attention by batch, MoE by expert width or hidden size) interpolate in log(row).
* ``fp16`` reads the ``bf16`` curves (same tensor-core rate); ``fp8-block`` = ``fp8_block``.
* Lookups load one GPU's main file on first use (5-10 ms) and its MoE file on the first MoE
  lookup; both stay cached.
"""

from __future__ import annotations

import bisect
import itertools
import math
import statistics
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = [
    "ENGINE_ORDER",
    "KINDS",
    "KernelCurve",
    "KernelDataError",
    "KernelFile",
    "Row",
    "allreduce_seconds",
    "alltoall_seconds",
    "clear_cache",
    "context_attention_tflops",
    "curve_source",
    "gemm_tflops",
    "generation_attention_bandwidth",
    "measured_engines",
    "measured_gpus",
    "moe_alltoall_seconds",
    "moe_gemm_tflops",
]

Kind = Literal["gemm", "context_attention", "generation_attention", "moe_gemm", "allreduce",
               "alltoall", "moe_alltoall"]
KINDS: tuple[str, ...] = ("gemm", "context_attention", "generation_attention", "moe_gemm",
                          "allreduce", "alltoall", "moe_alltoall")
TIME_KINDS = frozenset({"allreduce", "alltoall", "moe_alltoall"})
"""Curves of time against size: past the largest measured size they grow in proportion (the
bandwidth-bound regime) instead of clamping."""
ENGINE_ORDER: tuple[str, ...] = ("tensorrt-llm", "sglang", "vllm", "vllm-rocm", "sglang-rocm",
                                 "atom")
"""Kickoff engine ids that may carry measured curves, in display order."""
ANY_ENGINE = "*"
"""Engine field of a curve measured below the engine (a collective library such as NCCL)."""
GENERIC = "generic"
PRECISION_ALIASES = {"fp16": "bf16", "fp8-block": "fp8_block", "nvfp4": "fp4"}
MOE_FINE_MIN_EXPERTS = 64
"""Experts at which an MoE counts as fine-grained (the distiller splits curves the same way)."""
DATA_PACKAGE = "kickoff_tui.catalog"
DATA_FOLDER = ("data", "kernels")


class KernelDataError(ValueError):
    """A shipped kernel file is invalid; the message is one line."""


class KernelCurve(BaseModel):
    """One measured curve entry: y against x for one GPU, engine, kind and precision.

    A family (attention by batch size, collectives by GPU count) is one entry: ``batch`` or
    ``group`` lists the rows and ``y`` holds one row each; a row may stop before the end of ``x``
    (big batches were measured at shorter contexts only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    engine: str = Field(min_length=1)
    engine_version: str = Field(min_length=1)
    precision: str | None = None
    attention: Literal["gqa", "mla"] | None = None
    batch: list[float] | None = None
    experts: Literal["fine", "coarse"] | None = None
    library: Literal["nccl", "rccl", "custom", "deepep_ht", "deepep_ll"] | None = None
    phase: Literal["dispatch", "combine"] | None = None
    ep: int | None = Field(default=None, ge=2)
    group: list[int] | None = None
    inter: list[float] | None = None
    """MoE rows: per-GPU expert intermediate width (inter_size / moe_tp)."""
    hidden: list[float] | None = None
    """MoE all-to-all rows: model hidden size."""
    x: list[float] = Field(min_length=2)
    y: list[float] | list[list[float]]
    source: str = Field(min_length=1)

    @field_validator("x")
    @classmethod
    def _increasing(cls, xs: list[float]) -> list[float]:
        if any(v <= 0 or not math.isfinite(v) for v in xs):
            raise ValueError("x values must be positive")
        if any(b <= a for a, b in itertools.pairwise(xs)):
            raise ValueError("x values must increase strictly")
        return xs

    @model_validator(mode="after")
    def _shape(self) -> KernelCurve:
        named = [v for v in (self.batch, self.group, self.inter, self.hidden) if v is not None]
        if len(named) > 1:
            raise ValueError("a curve has rows by one of batch, group, inter or hidden, not several")
        series = named[0] if named else None
        if self.inter is not None and self.kind != "moe_gemm":
            raise ValueError("only moe_gemm curves have rows by inter")
        rows = self.rows_y()
        if series is None and isinstance(self.y[0], list):
            raise ValueError("y has rows but no batch, group, inter or hidden names them")
        if series is not None:
            if len(series) != len(rows):
                raise ValueError(f"{len(series)} rows named but y has {len(rows)}")
            if any(v <= 0 for v in series) or any(b <= a for a, b in itertools.pairwise(series)):
                raise ValueError("batch / group values must be positive and increase strictly")
        for row in rows:
            if not 2 <= len(row) <= len(self.x) and not (series is not None and len(row) >= 1
                                                          and len(row) <= len(self.x)):
                raise ValueError(f"a row has {len(row)} values for {len(self.x)} x points")
            if any(v <= 0 or not math.isfinite(v) for v in row):
                raise ValueError("y values must be positive and finite")
        if series is None and len(rows[0]) != len(self.x):
            raise ValueError(f"x has {len(self.x)} points but y has {len(rows[0])}")
        if self.kind in ("allreduce", "alltoall") and self.group is None:
            raise ValueError(f"{self.kind} curve needs group sizes")
        if self.kind in ("context_attention", "generation_attention") and (
                self.attention is None or self.batch is None):
            raise ValueError(f"{self.kind} curve needs attention and batch")
        if self.kind in ("gemm", "moe_gemm") and self.precision is None:
            raise ValueError(f"{self.kind} curve needs a precision")
        if self.kind == "moe_alltoall" and (self.phase is None or self.ep is None
                                            or self.library not in ("deepep_ht", "deepep_ll")):
            raise ValueError("moe_alltoall curve needs phase, ep and a deepep library")
        return self

    def rows_y(self) -> list[list[float]]:
        return [list(r) for r in self.y] if isinstance(self.y[0], list) else [list(self.y)]  # type: ignore[arg-type]

    def rows(self) -> list[tuple[float | None, Row]]:
        """(batch, group or inter value, row) per row."""
        series = next((v for v in (self.batch, self.group, self.inter, self.hidden)
                       if v is not None), None)
        grows = self.kind in TIME_KINDS
        out = []
        for i, ys in enumerate(self.rows_y()):
            out.append((float(series[i]) if series is not None else None,
                        Row(tuple(self.x[: len(ys)]), tuple(ys), grows)))
        return out


@dataclass(frozen=True)
class Row:
    """One measured row; ``at`` interpolates log-log and clamps at both ends."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    proportional_tail: bool = False
    """Past the last point, y grows in proportion to x (times of bandwidth-bound transfers)."""

    @cached_property
    def envelope(self) -> Row:
        """The running maximum of this row (a rate that never falls as x grows)."""
        peak, ys = 0.0, []
        for v in self.y:
            peak = max(peak, v)
            ys.append(peak)
        return Row(self.x, tuple(ys), self.proportional_tail)

    def at(self, x: float) -> float:
        xs, ys = self.x, self.y
        if x <= xs[0]:
            return ys[0]
        if x >= xs[-1]:
            return ys[-1] * x / xs[-1] if self.proportional_tail else ys[-1]
        i = bisect.bisect_right(xs, x)
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        t = (math.log(x) - math.log(x0)) / (math.log(x1) - math.log(x0))
        return math.exp(math.log(y0) + t * (math.log(y1) - math.log(y0)))


class KernelFile(BaseModel):
    """One GPU's measured curves (``catalog/data/kernels/<gpu-id>.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    gpu: str = Field(min_length=1)
    source_system: str | None = None
    source_package: str = Field(min_length=1)
    licence: str = Field(min_length=1)
    distilled: date
    inherits: str | None = None
    """Another GPU id whose curves this one uses (same silicon); then ``curve`` stays empty."""
    method: dict[str, str] = {}
    units: dict[str, tuple[str, str]] = {}
    curve: list[KernelCurve] = []

    @model_validator(mode="after")
    def _inherit_xor_curves(self) -> KernelFile:
        if self.inherits is not None and self.curve:
            raise ValueError("a file that inherits another GPU's curves holds none of its own")
        if self.inherits == self.gpu:
            raise ValueError("a GPU cannot inherit from itself")
        return self


# ------------------------------------------------------------------------------- loading
def _data_dir():
    folder = resources.files(DATA_PACKAGE)
    for part in DATA_FOLDER:
        folder = folder.joinpath(part)
    return folder


PARTS = {"moe_gemm": "moe", "moe_alltoall": "moe"}
"""Kinds kept in a second file per GPU (``<gpu>.moe.toml``), read only by MoE lookups: they are
most of the data, and dense models never need them."""


@lru_cache(maxsize=1)
def _file_names() -> frozenset[str]:
    folder = _data_dir()
    if not folder.is_dir():
        return frozenset()
    return frozenset(p.name for p in folder.iterdir() if p.name.endswith(".toml"))


def measured_gpus() -> tuple[str, ...]:
    """GPU ids with a kernel file (including ones that inherit another GPU's curves)."""
    return tuple(sorted(n[:-5] for n in _file_names() if n.count(".") == 1))


def load_file(text: str, name: str) -> KernelFile:
    """Parse and validate one kernel file; a bad file raises a one-line KernelDataError."""
    try:
        data = KernelFile.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise KernelDataError(f"{name}: not valid TOML ({exc})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KernelDataError(f"{name}: {where}: {first['msg']}") from None
    return data


@cache
def _file(gpu_id: str, part: str = "") -> KernelFile | None:
    name = f"{gpu_id}.{part}.toml" if part else f"{gpu_id}.toml"
    if name not in _file_names():
        return None
    data = load_file(_data_dir().joinpath(name).read_text("utf-8"), name)
    if data.gpu != gpu_id:
        raise KernelDataError(f"{name}: gpu = {data.gpu!r} does not match the file name")
    if part and data.inherits is not None:
        raise KernelDataError(f"{name}: only the main file of a GPU may inherit")
    return data


@cache
def _resolved(gpu_id: str) -> KernelFile | None:
    """The main file holding this GPU's curves, following ``inherits``."""
    data = _file(gpu_id)
    seen = {gpu_id}
    while data is not None and data.inherits is not None:
        if data.inherits in seen:
            raise KernelDataError(f"{gpu_id}.toml: inheritance loop through {data.inherits}")
        seen.add(data.inherits)
        data = _file(data.inherits)
    return data


Family = tuple[tuple[float | None, Row], ...]
"""Rows of one curve family, sorted by batch (attention); a single row otherwise."""


@dataclass(frozen=True)
class _Index:
    file: KernelFile
    by_key: dict[tuple, Family]
    engines: tuple[str, ...]


def _key(c: KernelCurve, group: int | None) -> tuple:
    return (c.kind, c.engine, c.precision, c.attention, c.experts, c.library,
            group if group is not None else c.ep, c.phase)


@cache
def _index(gpu_id: str, part: str = "") -> _Index | None:
    main = _resolved(gpu_id)
    if main is None:
        return None
    data = main if not part else _file(main.gpu, part)
    if data is None:
        return None
    groups: dict[tuple, list[tuple[float | None, Row]]] = {}
    for c in data.curve:
        for value, row in c.rows():
            if c.group is not None:  # collectives: one family per GPU count
                groups.setdefault(_key(c, int(value or 0)), []).append((None, row))
            else:
                groups.setdefault(_key(c, None), []).append((value, row))
    by_key = {k: tuple(sorted(v, key=lambda r: r[0] or 0.0)) for k, v in groups.items()}
    engines = {c.engine for c in (*main.curve, *data.curve) if c.engine != ANY_ENGINE}
    order = [e for e in ENGINE_ORDER if e in engines] + sorted(engines - set(ENGINE_ORDER))
    return _Index(data, by_key, tuple(order))


def clear_cache() -> None:
    """Forget loaded files (tests that swap the data folder call this)."""
    _file_names.cache_clear()
    _file.cache_clear()
    _resolved.cache_clear()
    _index.cache_clear()


# ------------------------------------------------------------------------------- lookup
def _precision(p: str | None) -> str | None:
    if p is None:
        return None
    p = p.strip().lower()
    return PRECISION_ALIASES.get(p, p)


def _family_value(rows: Family, x: float, batch: float | None, monotone: bool = False) -> float:
    """Value of a curve family at x: one row, or interpolation in log(batch) between two."""
    if monotone:
        rows = tuple((b, r.envelope) for b, r in rows)
    if batch is None or len(rows) == 1:
        return rows[0][1].at(x)
    batches = [b or 1.0 for b, _ in rows]
    if batch <= batches[0]:
        return rows[0][1].at(x)
    if batch >= batches[-1]:
        return rows[-1][1].at(x)
    i = bisect.bisect_right(batches, batch)
    lo, hi = rows[i - 1][1], rows[i][1]
    t = (math.log(batch) - math.log(batches[i - 1])) / (math.log(batches[i]) - math.log(batches[i - 1]))
    ylo, yhi = lo.at(x), hi.at(x)
    return math.exp(math.log(ylo) + t * (math.log(yhi) - math.log(ylo)))


@dataclass(frozen=True)
class _Pick:
    engines: tuple[str, ...]
    """Engines whose curves produced the value (one, or several for a median)."""
    substituted: bool


def _candidates(idx: _Index, engine: str, kind: str, own_only: bool = False,
                **fields) -> tuple[list[Family], _Pick] | None:
    def family(e: str):
        return idx.by_key.get((kind, e, fields.get("precision"), fields.get("attention"),
                               fields.get("experts"), fields.get("library"), fields.get("group"),
                               fields.get("phase")))

    engine = engine.strip().lower()
    own = family(engine) if engine != GENERIC else None
    if own:
        return [own], _Pick((engine,), False)
    if own_only or (engine not in idx.engines and engine != GENERIC):
        # an engine never measured on this GPU (e.g. a ROCm build on an NVIDIA part): nothing
        return None
    others = [(e, family(e)) for e in idx.engines]
    others = [(e, f) for e, f in others if f]
    if not others:
        return None
    return [f for _, f in others], _Pick(tuple(e for e, _ in others), engine != GENERIC)


def _lookup(gpu_id: str, engine: str, kind: str, x: float, batch: float | None = None,
            monotone: bool = False, **fields) -> float | None:
    if not (isinstance(x, int | float) and math.isfinite(x) and x > 0):
        return None
    idx = _index(gpu_id, PARTS.get(kind, ""))
    if idx is None:
        return None
    found = _candidates(idx, engine, kind, **fields)
    if found is None:
        return None
    families, _ = found
    values = [_family_value(f, x, batch, monotone) for f in families]
    return values[0] if len(values) == 1 else statistics.median(values)


def measured_engines(gpu_id: str) -> tuple[str, ...]:
    """Kickoff engine ids with measured curves on this GPU (empty when none)."""
    idx = _index(gpu_id)
    return idx.engines if idx is not None else ()


def gemm_tflops(gpu_id: str, engine: str, precision: str, tokens: float, *,
                monotone: bool = False) -> float | None:
    """Achieved dense GEMM TFLOP/s at ``tokens`` rows per step (serving projection shapes:
    FLOP-weighted over n, k in 4096-16384).

    ``monotone=True`` reads the running maximum of the measured curve instead, for callers that
    need a rate that never drops as the batch grows (the measured curves dip by up to ~20% where
    a library switches kernels, and fall at 16K tokens on power-limited parts such as L40S)."""
    return _lookup(gpu_id, engine, "gemm", tokens, monotone=monotone,
                   precision=_precision(precision))


def context_attention_tflops(gpu_id: str, engine: str, seq_len: float, attention: str = "gqa",
                             *, batch: float = 1.0, kv_precision: str = "bf16") -> float | None:
    """Achieved causal prefill-attention TFLOP/s for ``batch`` sequences of ``seq_len`` tokens.

    FLOPs counted as 2 x heads x seq^2 x head_dim per sequence for GQA (head_dim 128) and
    heads x seq^2 x (192 + 128) for MLA, i.e. causal (half of the full square)."""
    return _lookup(gpu_id, engine, "context_attention", seq_len, batch=_positive(batch),
                   attention=attention.strip().lower(), precision=_precision(kv_precision))


def generation_attention_bandwidth(gpu_id: str, engine: str, batch: float, context: float,
                                   attention: str = "gqa", *, kv_precision: str = "bf16"
                                   ) -> float | None:
    """Achieved bytes/s of KV-cache read by one decode step of ``batch`` sequences of ``context``
    tokens (per GPU; for MLA the bytes are the compressed latent, 576 values per token)."""
    gbs = _lookup(gpu_id, engine, "generation_attention", context, batch=_positive(batch),
                  attention=attention.strip().lower(), precision=_precision(kv_precision))
    return None if gbs is None else gbs * 1e9


def moe_gemm_tflops(gpu_id: str, engine: str, precision: str, tokens_per_expert: float,
                    num_experts: int | None = None, *, inter_per_gpu: float | None = None
                    ) -> float | None:
    """Achieved per-GPU grouped-GEMM TFLOP/s of an MoE layer at ``tokens_per_expert`` routed rows
    per expert (tokens x top-k / experts), balanced routing, FLOPs = 6 x hidden x inter per
    routed token (gate, up, down).

    Pass ``inter_per_gpu`` (the expert's intermediate size / MoE tensor parallel) where known: the
    rate at a given tokens per expert grows ~7x from a 128-wide to a 2048-wide expert slice, and
    the rows by width capture that (interpolated in log width, clamped at 128 and 8192). Without
    it, ``num_experts`` picks a median over measured shapes: fine-grained (64 or more experts,
    the default) or coarse (Mixtral style); when one is not measured the other is used."""
    if inter_per_gpu is not None:
        width = _positive(inter_per_gpu)
        if width is None:
            return None
        v = _lookup(gpu_id, engine, "moe_gemm", tokens_per_expert, batch=width,
                    precision=_precision(precision))
        if v is not None:
            return v
    fine = num_experts is None or num_experts >= MOE_FINE_MIN_EXPERTS
    for experts in (("fine", "coarse") if fine else ("coarse", "fine")):
        v = _lookup(gpu_id, engine, "moe_gemm", tokens_per_expert,
                    precision=_precision(precision), experts=experts)
        if v is not None:
            return v
    return None


def _collective(gpu_id: str, engine: str, kind: str, group: int, message_bytes: float,
                library: str) -> float | None:
    if not isinstance(group, int) or group < 1:
        return None
    if not (isinstance(message_bytes, int | float) and math.isfinite(message_bytes)
            and message_bytes >= 0):
        return None
    if group == 1 or message_bytes == 0:
        return 0.0
    idx = _index(gpu_id)
    if idx is None:
        return None
    engine = engine.strip().lower()
    times = []
    if library in ("auto", "custom") and kind == "allreduce":
        found = _candidates(idx, engine, kind, library="custom", group=group)
        if found is not None and not found[1].substituted and engine != GENERIC:
            times.append(_family_value(found[0][0], message_bytes, None))
    if library in ("auto", "nccl", "rccl"):
        for lib in ("nccl", "rccl"):
            fam = idx.by_key.get((kind, ANY_ENGINE, None, None, None, lib, group, None))
            if fam:
                times.append(fam[0][1].at(message_bytes))
    if not times:
        return None
    # an engine picks its custom kernel where it is faster and NCCL beyond (vLLM / SGLang /
    # TensorRT-LLM all switch by message size), so the auto time is the faster of the two
    return min(times) * 1e-6


def allreduce_seconds(gpu_id: str, engine: str, tp: int, message_bytes: float,
                      library: str = "auto") -> float | None:
    """Time of one all-reduce of ``message_bytes`` (bf16 payload) across ``tp`` GPUs.

    ``library``: ``auto`` (the faster of the engine's custom all-reduce and NCCL, as engines
    switch between them by size), ``custom`` or ``nccl``. ``generic`` and engines without a
    custom all-reduce of their own get NCCL (no borrowing of another engine's kernel). ``tp`` = 1 costs nothing; a group size
    that was not measured (e.g. 8 on a GB200 tray of 4) returns None."""
    return _collective(gpu_id, engine, "allreduce", tp, message_bytes, library)


def alltoall_seconds(gpu_id: str, engine: str, ep: int, message_bytes: float) -> float | None:
    """Time of one NCCL all-to-all of ``message_bytes`` per GPU (fp16 payload) across ``ep``
    GPUs. Engine-independent (the library measurement); ``engine`` is accepted for symmetry."""
    return _collective(gpu_id, engine, "alltoall", ep, message_bytes, "nccl")


def moe_alltoall_seconds(gpu_id: str, engine: str, ep: int, tokens_per_gpu: float, *,
                         hidden: float = 7168, phase: str = "dispatch", mode: str = "auto",
                         precision: str | None = None) -> float | None:
    """Time of one MoE layer's DeepEP ``phase`` (``dispatch`` or ``combine``) across ``ep`` GPUs
    of one node with ``tokens_per_gpu`` tokens on each GPU (top-8 of 256 experts as measured).

    ``mode``: ``ll`` (low-latency kernels, decode, measured to ~256 tokens), ``ht``
    (high-throughput, prefill, from 16 tokens) or ``auto`` (the faster of the two where both
    were measured; ``ht`` beyond the low-latency range). ``precision``: the payload
    (``bf16``, ``fp8``, ``fp4``; default: the engine's default, else bf16). Rows by hidden size
    (3072, 6144, 7168) are interpolated in log(hidden). ``ep`` = 1 costs nothing; an EP size
    that was not measured (e.g. 4 on an 8-GPU board) returns None."""
    if not isinstance(ep, int) or ep < 1 or phase not in ("dispatch", "combine"):
        return None
    if mode not in ("auto", "ll", "ht"):
        return None
    tokens, width = _positive(tokens_per_gpu), _positive(hidden)
    if ep == 1 or tokens_per_gpu == 0:
        return 0.0
    if tokens is None or width is None:
        return None
    idx = _index(gpu_id, PARTS["moe_alltoall"])
    if idx is None:
        return None
    wanted = _precision(precision)
    options = []
    for lib in (("deepep_ll", "deepep_ht") if mode == "auto" else (f"deepep_{mode}",)):
        # the engine's own curve at any acceptable payload first, then borrow from others
        tries = [(prec, own) for own in (True, False)
                 for prec in ((wanted,) if wanted is not None else (None, "bf16"))]
        for prec, own in tries:
            found = _candidates(idx, engine, "moe_alltoall", own_only=own, precision=prec,
                                library=lib, group=ep, phase=phase)
            if found is None:
                continue
            families = found[0]
            if mode == "auto" and lib == "deepep_ll" and tokens > max(r.x[-1] for _, r in families[0]):
                break  # past the low-latency buffers: engines switch to the high-throughput kernels
            values = [_family_value(f, tokens, width) for f in families]
            options.append(values[0] if len(values) == 1 else statistics.median(values))
            break
    return min(options) * 1e-6 if options else None


def _positive(v: float) -> float | None:
    return v if isinstance(v, int | float) and math.isfinite(v) and v > 0 else None


def curve_source(gpu_id: str, kind: str, engine: str | None = None,
                 precision: str | None = None) -> str | None:
    """The dated source text to cite for a curve kind on a GPU (and engine, if given).

    Names the measuring engine when another engine's curve stands in, e.g. for ``generic``."""
    if kind not in KINDS:
        return None
    idx = _index(gpu_id, PARTS.get(kind, ""))
    if idx is None:
        return None
    data = idx.file
    when = f"distilled {data.distilled.isoformat()}"
    origin = "" if data.gpu == gpu_id else f"; measured on {data.gpu}, same silicon"
    curves = [c for c in data.curve if c.kind == kind
              and (precision is None or c.precision == _precision(precision))]
    if not curves:
        return None
    if engine is None:
        return f"{data.source_package} ({data.licence}), measured kernels, {when}{origin}"
    engine = engine.strip().lower()
    own = [c for c in curves if c.engine in (engine, ANY_ENGINE)]
    if own and engine != GENERIC:
        own.sort(key=lambda c: c.engine == ANY_ENGINE)
        return f"{own[0].source} ({data.licence}), {when}{origin}"
    if engine not in idx.engines and engine != GENERIC:
        return None
    donors = sorted({c.engine for c in curves if c.engine != ANY_ENGINE},
                    key=lambda e: ENGINE_ORDER.index(e) if e in ENGINE_ORDER else 99)
    if not donors:
        return None
    what = "median of " + ", ".join(donors) if len(donors) > 1 else donors[0]
    lead = "no measurement for this engine; " if engine != GENERIC else ""
    return f"{data.source_package} ({data.licence}), {lead}{what} curves, {when}{origin}"
