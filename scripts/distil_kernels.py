"""Distil NVIDIA's measured per-kernel database into Kickoff's compact kernel curves.

Build-time only. The shipped package never imports this script nor aiconfigurator-core; it reads
the TOML files this script writes (``kickoff_tui/catalog/data/kernels/<gpu-id>.toml`` and, for the
MoE kinds, ``<gpu-id>.moe.toml``).

Source: the Apache-2.0 PyPI package ``aiconfigurator-core`` (NVIDIA), which ships per-kernel
latencies measured on real GPUs under ``aiconfigurator_core/systems/data/<system>/<op>/<engine>/
<version>/*.parquet``. Parsing needs pandas + pyarrow, so run it from a throw-away build venv,
never the project venv::

    python3 -m venv /tmp/aic-venv
    /tmp/aic-venv/bin/pip install pandas pyarrow pyyaml
    pip download --no-deps aiconfigurator-core==0.12.0 -d /tmp/aic
    unzip -q /tmp/aic/aiconfigurator_core-0.12.0-*.whl -d /tmp/aic/x
    /tmp/aic-venv/bin/python scripts/distil_kernels.py --aic /tmp/aic/x/aiconfigurator_core

Options: ``--out DIR`` (default: the catalog's kernels folder), ``--date YYYY-MM-DD`` (the
distillation date written into every file; default today), ``--only h100_sxm,...``.

What is distilled (docs/kernels.md has the full story):

* Units in the database: ``latency`` is milliseconds for every table except the DeepEP all-to-all
  table (``latency`` / ``transmit_us`` in microseconds); NCCL and custom all-reduce
  ``message_size`` counts ELEMENTS (aiconfigurator multiplies hidden size by tokens), so bytes =
  elements x 2 for half / bf16 and x 1 for int8.
* Engine version per system: aiconfigurator's own ``query_versions.yaml`` "current" slot; when an
  op has no data at that version, the newest older version (aiconfigurator's backward fill), else
  the newest one present.
* Where an engine measured several kernels for one shape and precision (e.g. vLLM's CUTLASS,
  DeepGEMM and FlashInfer block-FP8 kernels), the fastest is kept: the engine can be configured to
  use it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aiconfigurator_ids import BACKENDS, SYSTEMS, WITHOUT_KERNEL_DATA  # noqa: E402

PACKAGE = "aiconfigurator-core"
PACKAGE_VERSION = "0.12.0"
LICENCE = "Apache-2.0"

SYSTEM_TO_GPU = {system: gpu for gpu, system in SYSTEMS.items() if system not in WITHOUT_KERNEL_DATA}
"""aiconfigurator system -> Kickoff GPU id, for the systems that ship kernel data."""

ENGINES = {backend: engine for engine, backend in BACKENDS.items()}

GEMM_PRECISIONS = {
    "bfloat16": "bf16",
    "fp8": "fp8",
    "fp8_block": "fp8_block",
    "nvfp4": "fp4",
    "int4_wo": "int4",  # weight-only INT4 (W4A16)
    "int8_wo": "int8_wo",  # weight-only INT8 (W8A16)
    "sq": "int8",  # SmoothQuant W8A8
}
MOE_PRECISIONS = {
    "bfloat16": "bf16",
    "fp8": "fp8",
    "fp8_block": "fp8_block",
    "nvfp4": "fp4",
    "int4_wo": "int4",
    "w4a16_mxfp4": "w4a16_mxfp4",
    "w4a8_mxfp4_mxfp8": "w4a8_mxfp4",
}
KV_PRECISIONS = {"bfloat16": "bf16", "fp8": "fp8"}
KV_BYTES = {"bf16": 2, "fp8": 1}

TOKENS_GRID = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]
"""GEMM rows (tokens per step) kept: log-spaced, all measured exactly in the tables."""
GEMM_NK_MIN, GEMM_NK_MAX = 4096, 16384
"""Projection shapes of 7B-405B dense models (hidden 4096-16384, per-GPU slices of 4096+)."""
SEQ_GRID = [128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768]
CTX_BATCHES = [1, 4, 16, 64]
CTX_HEADS = (8, 64)
"""Per-GPU query heads for GQA prefill: 8 (e.g. 64 heads at TP8) to 64 (70B at TP1)."""
GEN_CONTEXTS = [128, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072]
GEN_BATCHES = [1, 8, 64, 512]
GEN_GROUP = (4, 16)
"""Query heads per KV head of the decode-attention shapes summed into a curve: the GQA groups
served models have per GPU (Mistral / Qwen 4-8, Llama 8, Llama 3.1 405B at TP8 16). The database
also times 1-KV-head shapes with 64-128 query heads (a group of 64-128, no served model), where
TensorRT-LLM's kernel runs at 0.03-0.06 TB/s on H100 against 2.0-2.4 TB/s on the real GQA
shapes; summed in, those few slow shapes dominated the total time and put its curve at a third
of the other engines'."""
TPE_GRID = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
"""MoE tokens per expert (tokens x top-k / experts) kept."""
MOE_HIDDEN_MIN = 2048
MOE_MAX_GPUS = 8
"""MoE layouts kept: moe_tp x moe_ep within one 8-GPU node (the serving layouts sized today)."""
COMM_SIZES_BYTES = [2**p for p in range(10, 31, 2)]
"""1 KiB ... 1 GiB, every factor 4."""
MLA_QK_DIM, MLA_V_DIM = 192, 128
"""DeepSeek-V3 / R1 prefill MLA head dims (128 no-RoPE + 64 RoPE for Q.K, 128 for V)."""
MLA_LATENT = 576
"""Elements of compressed KV per token and layer (512 latent + 64 RoPE key)."""
SIG = 3
"""Significant digits kept."""


def rnd(x: float) -> float:
    if x == 0 or not math.isfinite(x):
        return 0.0
    return float(f"{x:.{SIG}g}")


def version_key(v: str) -> tuple:
    parts = []
    for p in v.replace("post", ".").replace("rc", ".-1.").replace("dev", ".-2.").split("."):
        try:
            parts.append(int(p))
        except ValueError:
            parts.append(0)
    return tuple(parts)


class Source:
    def __init__(self, root: Path):
        self.root = root
        self.systems = root / "systems"
        q = yaml.safe_load((self.systems / "query_versions.yaml").read_text())
        self.defaults = q["defaults"]
        self.overrides = q.get("overrides") or {}

    def system_spec(self, system: str) -> dict:
        return yaml.safe_load((self.systems / f"{system}.yaml").read_text())

    def mem_bw(self, system: str) -> float:
        return float(self.system_spec(system)["gpu"]["mem_bw"])

    def current(self, system: str, engine: str) -> str | None:
        slot = (self.overrides.get(system) or {}).get(engine) or self.defaults.get(engine)
        return slot["current"] if slot else None

    def pick(self, system: str, op: str, engine: str, table: str, current: str | None) -> Path | None:
        """The table file aiconfigurator would read: current, else backward fill, else newest."""
        base = self.systems / "data" / system / op / engine
        if not base.is_dir():
            return None
        versions = sorted((p.name for p in base.iterdir() if (p / table).is_file()), key=version_key)
        if not versions:
            return None
        if current is not None:
            older = [v for v in versions if version_key(v) <= version_key(current)]
            if older:
                return base / older[-1] / table
        return base / versions[-1] / table

    def rel(self, path: Path) -> str:
        return "systems/" + str(path.parent.relative_to(self.systems))


def log_interp(xs, ys, x):
    """Log-log interpolation inside the measured range; None outside."""
    xs = np.asarray(xs, float)
    ys = np.asarray(ys, float)
    if x < xs[0] * 0.999 or x > xs[-1] * 1.001:
        return None
    return float(np.exp(np.interp(math.log(x), np.log(xs), np.log(ys))))


def curve(kind, engine, version, precision, x, y, src, method, **extra) -> dict:
    d = {"kind": kind, "engine": engine, "engine_version": version}
    if precision is not None:
        d["precision"] = precision
    UNITS[kind] = (extra.pop("x_unit"), extra.pop("y_unit"))
    d.update(extra)
    d["x"] = [int(v) if float(v).is_integer() else rnd(v) for v in x]
    d["y"] = [rnd(v) for v in y]
    d["source"] = src
    METHODS[method_key(kind, extra.get("attention"), extra.get("library"), extra.get("experts"),
                       "by_inter" if "inter" in extra else None)] = method
    return d


UNITS: dict[str, tuple[str, str]] = {}
METHODS: dict[str, str] = {}
"""How each kind of curve was reduced, written once per file under [method]."""


def method_key(kind, attention=None, library=None, experts=None, by=None) -> str:
    return "_".join(p for p in (kind, attention, library, experts, by) if p)


def src_text(source: Source, path: Path) -> str:
    return f"{PACKAGE} {PACKAGE_VERSION}, {source.rel(path)}"


# ----------------------------------------------------------------------------------- GEMM
def gemm_curves(source: Source, system: str, engine: str, current: str | None) -> list[dict]:
    path = source.pick(system, "gemm", engine, "gemm_perf.parquet", current)
    if path is None:
        return []
    df = pd.read_parquet(path, columns=["gemm_dtype", "m", "n", "k", "latency"])
    df = df[(df.n >= GEMM_NK_MIN) & (df.n <= GEMM_NK_MAX) & (df.k >= GEMM_NK_MIN) & (df.k <= GEMM_NK_MAX)]
    df = df[df.m.isin(TOKENS_GRID)]
    df = df.groupby(["gemm_dtype", "m", "n", "k"], as_index=False).latency.min()
    out = []
    version = path.parent.name
    for dtype, g in df.groupby("gemm_dtype"):
        prec = GEMM_PRECISIONS.get(dtype)
        if prec is None:
            continue
        # same (n, k) set at every m: keep shapes measured at all kept m
        shapes = g.groupby(["n", "k"]).m.nunique()
        full = shapes[shapes == shapes.max()].index
        g = g.set_index(["n", "k"]).loc[full].reset_index()
        g = g.assign(flop=2.0 * g.m * g.n * g.k)
        agg = g.groupby("m").agg(flop=("flop", "sum"), ms=("latency", "sum"))
        tflops = agg.flop / (agg.ms * 1e-3) / 1e12
        out.append(curve(
            "gemm", ENGINES[engine], version, prec, agg.index.tolist(), tflops.tolist(),
            src_text(source, path),
            f"sum FLOPs / sum time over {len(full)} (n, k) shapes with {GEMM_NK_MIN} <= n, k <= "
            f"{GEMM_NK_MAX}, fastest measured kernel per shape",
            x_unit="tokens", y_unit="TFLOP/s"))
    return out


# ------------------------------------------------------------------------------ attention
def with_defaults(df: pd.DataFrame) -> pd.DataFrame:
    """Older tables (A100, TensorRT-LLM 1.0) predate sliding-window and FP8-attention columns."""
    if "window_size" not in df.columns:
        df = df.assign(window_size=0)
    if "attn_dtype" not in df.columns:
        df = df.assign(attn_dtype="bfloat16")
    if "kv_cache_dtype" not in df.columns:
        df = df.assign(kv_cache_dtype="bfloat16")
    return df


def context_attention_curves(source, system, engine, current) -> list[dict]:
    path = source.pick(system, "attention", engine, "context_attention_perf.parquet", current)
    if path is None:
        return []
    df = with_defaults(pd.read_parquet(path))
    df = df[(df.head_dim == 128) & (df.window_size == 0) & (df.attn_dtype == "bfloat16")
            & (df.num_heads >= CTX_HEADS[0]) & (df.num_heads <= CTX_HEADS[1])
            & (df.num_heads >= df.num_key_value_heads)]
    keys = ["kv_cache_dtype", "batch_size", "isl", "num_heads", "num_key_value_heads"]
    df = df.groupby(keys, as_index=False).latency.min()
    # causal prefill: Q.K^T and P.V each 2 s^2 d per head, halved by the causal mask
    df = df.assign(flop=2.0 * df.batch_size * df.num_heads * df.isl.astype(float) ** 2 * 128)
    out = []
    for kvd, g in df.groupby("kv_cache_dtype"):
        prec = KV_PRECISIONS.get(kvd)
        for b in CTX_BATCHES:
            gb = g[(g.batch_size == b) & g.isl.isin(SEQ_GRID)]
            if gb.empty:
                continue
            agg = gb.groupby("isl").agg(flop=("flop", "sum"), ms=("latency", "sum"))
            t = agg.flop / (agg.ms * 1e-3) / 1e12
            out.append(curve(
                "context_attention", ENGINES[engine], path.parent.name, prec, agg.index.tolist(),
                t.tolist(), src_text(source, path),
                "causal FLOPs (2 x batch x heads x seq^2 x 128) / time, summed over GQA shapes with "
                f"head_dim 128 and {CTX_HEADS[0]}-{CTX_HEADS[1]} query heads per GPU",
                attention="gqa", batch=b, x_unit="tokens", y_unit="TFLOP/s"))
    return out


def generation_attention_curves(source, system, engine, current) -> list[dict]:
    path = source.pick(system, "attention", engine, "generation_attention_perf.parquet", current)
    if path is None:
        return []
    df = with_defaults(pd.read_parquet(path))
    df = df[(df.head_dim == 128) & (df.window_size == 0) & (df.num_key_value_heads <= 8)
            & (df.num_heads >= GEN_GROUP[0] * df.num_key_value_heads)
            & (df.num_heads <= GEN_GROUP[1] * df.num_key_value_heads)]
    keys = ["kv_cache_dtype", "batch_size", "step", "num_heads", "num_key_value_heads"]
    df = df.groupby(keys, as_index=False).latency.min()
    out = []
    for kvd, g in df.groupby("kv_cache_dtype"):
        prec = KV_PRECISIONS.get(kvd)
        if prec is None:
            continue
        ctx = g.step + 1
        g = g.assign(ctx=ctx, kvbytes=g.batch_size * ctx * g.num_key_value_heads * 128 * 2.0 * KV_BYTES[prec])
        g = sol_clamp(g, source.mem_bw(system))
        for b in GEN_BATCHES:
            gb = g[(g.batch_size == b) & g.ctx.isin(GEN_CONTEXTS)]
            if gb.empty:
                continue
            agg = gb.groupby("ctx").agg(by=("kvbytes", "sum"), ms=("latency", "sum"))
            bw = agg.by / (agg.ms * 1e-3) / 1e9
            out.append(curve(
                "generation_attention", ENGINES[engine], path.parent.name, prec, agg.index.tolist(),
                bw.tolist(), src_text(source, path),
                "KV bytes read (batch x context x kv_heads x 128 x 2 x bytes) / time, summed over GQA "
                f"shapes (head_dim 128, 1-8 KV heads per GPU, {GEN_GROUP[0]}-{GEN_GROUP[1]} query heads "
                "per KV head); each time floored at bytes / HBM peak",
                attention="gqa", batch=b, x_unit="tokens of context", y_unit="GB/s"))
    return out


def sol_clamp(g: pd.DataFrame, mem_bw: float) -> pd.DataFrame:
    """Floor each decode latency at the time to read its KV bytes at the HBM peak (the system
    yaml's mem_bw), as aiconfigurator does for generation attention ("SOL correction"): some rows
    (A100 above 256 MiB, a few long-context rows elsewhere) time faster than DRAM allows."""
    floor_ms = g.kvbytes / mem_bw * 1e3
    return g.assign(latency=np.maximum(g.latency, floor_ms))


def mla_curves(source, system, engine, current) -> list[dict]:
    out = []
    path = source.pick(system, "mla", engine, "context_mla_perf.parquet", current)
    if path is not None:
        df = pd.read_parquet(path)
        df = df[(df.num_heads >= 16) & (df.mla_dtype == "bfloat16")]
        df = df.groupby(["kv_cache_dtype", "batch_size", "isl", "num_heads"], as_index=False).latency.min()
        df = df.assign(flop=df.batch_size * df.num_heads * df.isl.astype(float) ** 2
                       * (MLA_QK_DIM + MLA_V_DIM))
        for kvd, g in df.groupby("kv_cache_dtype"):
            prec = KV_PRECISIONS.get(kvd)
            for b in CTX_BATCHES:
                gb = g[(g.batch_size == b) & g.isl.isin(SEQ_GRID)]
                if gb.empty:
                    continue
                agg = gb.groupby("isl").agg(flop=("flop", "sum"), ms=("latency", "sum"))
                t = agg.flop / (agg.ms * 1e-3) / 1e12
                out.append(curve(
                    "context_attention", ENGINES[engine], path.parent.name, prec,
                    agg.index.tolist(), t.tolist(), src_text(source, path),
                    "causal MLA prefill FLOPs (batch x heads x seq^2 x (192 + 128)) / time, summed "
                    "over 16-128 query heads per GPU (DeepSeek-V3 dims)",
                    attention="mla", batch=b, x_unit="tokens", y_unit="TFLOP/s"))
    path = source.pick(system, "mla", engine, "generation_mla_perf.parquet", current)
    if path is not None:
        df = pd.read_parquet(path)
        df = df[(df.num_heads >= 16) & (df.mla_dtype == "bfloat16")]
        df = df.groupby(["kv_cache_dtype", "batch_size", "step", "num_heads"], as_index=False).latency.min()
        for kvd, g in df.groupby("kv_cache_dtype"):
            prec = KV_PRECISIONS.get(kvd)
            if prec is None:
                continue
            ctx = g.step + 1
            g = g.assign(ctx=ctx, kvbytes=g.batch_size * ctx * MLA_LATENT * float(KV_BYTES[prec]))
            g = sol_clamp(g, source.mem_bw(system))
            for b in GEN_BATCHES:
                gb = g[(g.batch_size == b) & g.ctx.isin(GEN_CONTEXTS)]
                if gb.empty:
                    continue
                agg = gb.groupby("ctx").agg(by=("kvbytes", "sum"), ms=("latency", "sum"))
                bw = agg.by / (agg.ms * 1e-3) / 1e9
                out.append(curve(
                    "generation_attention", ENGINES[engine], path.parent.name, prec,
                    agg.index.tolist(), bw.tolist(), src_text(source, path),
                    "latent KV bytes read (batch x context x 576 x bytes) / time, summed over 16-128 "
                    "query heads per GPU (absorbed MLA decode, DeepSeek-V3 dims); each time floored at bytes / "
                    "HBM peak",
                    attention="mla", batch=b, x_unit="tokens of context", y_unit="GB/s"))
    return out


# -------------------------------------------------------------------------------------- MoE
def moe_curves(source, system, engine, current) -> list[dict]:
    path = source.pick(system, "moe", engine, "moe_perf.parquet", current)
    if path is None:
        return []
    df = pd.read_parquet(path)
    df = df[(df.distribution == "balanced") & ~df.kernel_source.str.contains("nongated")
            & (df.hidden_size >= MOE_HIDDEN_MIN) & (df.moe_tp_size * df.moe_ep_size <= MOE_MAX_GPUS)]
    if df.empty:
        return []
    shape = ["moe_dtype", "hidden_size", "inter_size", "topk", "num_experts", "moe_tp_size", "moe_ep_size"]
    df = df.groupby(shape + ["num_tokens"], as_index=False).latency.min()
    # gated MLP per routed token: gate + up (2 x h x i) and down (h x i), 2 FLOPs per MAC,
    # spread over moe_tp x moe_ep GPUs
    df = df.assign(
        flop=df.num_tokens * df.topk * 6.0 * df.hidden_size * df.inter_size / (df.moe_tp_size * df.moe_ep_size),
        tpe=df.num_tokens * df.topk / df.num_experts)
    df = df.assign(inter_row=(df.inter_size / df.moe_tp_size).map(inter_bucket))
    method = ("per-GPU grouped-GEMM TFLOP/s (tokens x topk x 6 x hidden x inter / (tp x ep) / time), "
              f"median over gated MoE shapes with hidden >= {MOE_HIDDEN_MIN}, moe_tp x moe_ep <= "
              f"{MOE_MAX_GPUS}, balanced routing, fastest kernel, held non-decreasing; x = tokens x "
              "topk / experts")
    out = []
    for (dtype, family), g in df.groupby(["moe_dtype", df.num_experts.map(moe_family)]):
        prec = MOE_PRECISIONS.get(dtype)
        if prec is None:
            continue
        xs, ys = moe_median(g, shape[1:], MOE_MIN_SHAPES)
        if len(xs) >= 3:
            out.append(curve(
                "moe_gemm", ENGINES[engine], path.parent.name, prec, xs, ys, src_text(source, path),
                method + f"; {MOE_FAMILIES[family]}",
                experts=family, x_unit="tokens per expert", y_unit="TFLOP/s"))
    for (dtype, width), g in df.groupby(["moe_dtype", "inter_row"]):
        prec = MOE_PRECISIONS.get(dtype)
        if prec is None:
            continue
        xs, ys = moe_median(g, shape[1:], MOE_MIN_SHAPES_ROW)
        if len(xs) >= 3:
            out.append(curve(
                "moe_gemm", ENGINES[engine], path.parent.name, prec, xs, ys, src_text(source, path),
                method + "; one row per expert width on the GPU (inter / moe_tp, nearest power of 2)",
                inter=int(width), x_unit="tokens per expert", y_unit="TFLOP/s"))
    return out


def moe_median(g: pd.DataFrame, shape: list[str], min_shapes: int) -> tuple[list, list]:
    """Median TFLOP/s over shapes at each tokens-per-expert grid point."""
    per_grid = defaultdict(list)
    for _, s in g.groupby(shape):
        s = s.sort_values("tpe").groupby("tpe", as_index=False).agg(
            flop=("flop", "first"), latency=("latency", "first"))
        if len(s) < 3:
            continue
        tf = (s.flop / (s.latency * 1e-3) / 1e12).to_numpy()
        for x in TPE_GRID:
            v = log_interp(s.tpe.to_numpy(), tf, x)
            if v is not None:
                per_grid[x].append(v)
    xs = [x for x in TPE_GRID if len(per_grid[x]) >= min_shapes]
    # keep the leading run only (rows must be prefixes of the grid)
    xs = [x for i, x in enumerate(xs) if TPE_GRID[i] == x]
    # the shape mix thins out at large tokens per expert, so hold the curve non-decreasing (more
    # rows per expert never lowers the grouped-GEMM rate)
    ys = np.maximum.accumulate([float(np.median(per_grid[x])) for x in xs]).tolist() if xs else []
    return xs, ys


MOE_INTER_ROWS = (128, 256, 512, 1024, 2048, 4096, 8192)
"""Per-GPU expert intermediate widths (inter / moe_tp) kept as rows: the rate at a given tokens
per expert grows about 7x from 128 to 2048 (H100 block-FP8), so one median curve is too coarse."""
MOE_MIN_SHAPES_ROW = 2


def inter_bucket(width: float) -> int | None:
    b = 2 ** round(math.log2(width))
    return b if b in MOE_INTER_ROWS else None


MOE_FAMILIES = {"fine": "64 or more experts (DeepSeek, Qwen3, GPT-OSS, Kimi style)",
                "coarse": "8-32 experts (Mixtral style)"}
MOE_MIN_SHAPES = 3
"""A grid point needs this many measured shapes to be kept."""


def moe_family(num_experts: int) -> str | None:
    return "fine" if num_experts >= 64 else "coarse"


# ----------------------------------------------------------------------------------- comm
def _comm_curve(g, elem_bytes):
    g = g.assign(bytes=g.message_size * float(elem_bytes))
    agg = g.groupby("bytes").latency.median().sort_index()
    # a bigger message never takes less time: clip isolated slow repeats at small sizes with a
    # running minimum taken from the large end (keeps every large-message point as measured)
    lat = np.minimum.accumulate(agg.to_numpy()[::-1])[::-1]
    xs, ys = [], []
    for b in COMM_SIZES_BYTES:
        v = log_interp(agg.index.to_numpy(), lat, b)
        if v is not None:
            xs.append(b)
            ys.append(v * 1e3)  # ms -> us
    return xs, ys


def comm_curves(source, system, spec) -> list[dict]:
    out = []
    nccl_version = str((spec.get("misc") or {}).get("nccl_version", ""))
    base = source.systems / "data" / system / "comm" / "nccl"
    path = base / nccl_version / "nccl_perf.parquet"
    if not path.is_file():
        cands = sorted(base.glob("*/nccl_perf.parquet"), key=lambda p: version_key(p.parent.name))
        path = cands[-1] if cands else None
    if path is not None:
        df = pd.read_parquet(path)
        df = df[df.nccl_dtype == "half"]
        lib = f"nccl {df.version.iloc[0] if 'version' in df and len(df) else path.parent.name}"
        for op, kind in (("all_reduce", "allreduce"), ("alltoall", "alltoall")):
            for n, g in df[df.op_name == op].groupby("num_gpus"):
                xs, ys = _comm_curve(g, 2)
                if len(xs) >= 3:
                    out.append(curve(
                        kind, "*", lib.split()[1], None, xs, ys, src_text(source, path),
                        "NCCL time per collective (median of repeats), fp16 payload; message bytes = "
                        "elements x 2", library="nccl", group=int(n), x_unit="bytes", y_unit="us"))
    for engine, engine_id in ENGINES.items():
        current = source.current(system, engine)
        path = source.pick(system, "comm", engine, "custom_allreduce_perf.parquet", current)
        if path is None:
            continue
        df = pd.read_parquet(path)
        if "backend" in df.columns:
            graph = df[df.backend.str.endswith("graph")]
            df = graph if not graph.empty else df
        df = df[df.kernel_source.str.upper().str.startswith(("TRTLLM", "SGLANG", "VLLM"))]
        for n, g in df.groupby("num_gpus"):
            # several kernels per size (TensorRT-LLM's multi-node-NVLink one-shot and two-shot
            # all-reduce across GB200 / GB300 trays): the engine picks the faster by size
            g = (g.groupby(["kernel_source", "message_size"], as_index=False).latency.median()
                 .groupby("message_size", as_index=False).latency.min())
            xs, ys = _comm_curve(g, 2)
            if len(xs) >= 3:
                out.append(curve(
                    "allreduce", engine_id, path.parent.name, None, xs, ys, src_text(source, path),
                    "engine custom all-reduce (CUDA-graph mode where measured; the faster kernel per size "
                    "where several were measured, e.g. MNNVL one-shot / two-shot), bf16 payload; "
                    "message bytes = elements x 2", library="custom", group=int(n), x_unit="bytes", y_unit="us"))
    return out


A2A_PRECISIONS = {"bfloat16": "bf16", "fp8": "fp8", "nvfp4": "fp4", "fp4": "fp4", "default": None}
A2A_SHAPE = {"topk": 8, "num_experts": 256}
"""DeepEP rows kept: top-8 routing over 256 experts (DeepSeek-V3 / R1, Kimi-K2 style)."""


def moe_a2a_curves(source, system) -> list[dict]:
    """DeepEP dispatch / combine time per MoE layer vs tokens per GPU (expert parallel)."""
    out = []
    for engine in ("trtllm", "vllm"):
        path = source.pick(system, "comm", engine, "moe_a2a_perf.parquet", source.current(system, engine))
        if path is None:
            continue
        df = pd.read_parquet(path)
        df = df[(df.topk == A2A_SHAPE["topk"]) & (df.num_experts == A2A_SHAPE["num_experts"])
                & (df.node_num == 1) & df.comm_backend.str.contains("deepep_(?:ht|ll)$")]
        df = df.assign(mode=df.comm_backend.str.extract(r"deepep_(ht|ll)$", expand=False))
        keys = ["mode", "phase", "comm_dtype", "ep_size", "hidden_size", "num_tokens"]
        df = df.groupby(keys, as_index=False).latency.min()  # fastest SM budget measured
        for (mode, phase, dtype, ep, hidden), g in df.groupby(keys[:-1]):
            if dtype not in A2A_PRECISIONS:
                continue
            g = g.sort_values("num_tokens")
            lat = np.minimum.accumulate(g.latency.to_numpy()[::-1])[::-1]
            if len(g) < 3:
                continue
            out.append(curve(
                "moe_alltoall", ENGINES[engine], path.parent.name, A2A_PRECISIONS[dtype],
                g.num_tokens.tolist(), lat.tolist(), src_text(source, path),
                "DeepEP time per MoE layer (microseconds, fastest SM budget measured), top-8 of 256 "
                "experts, one node; x = tokens per GPU; running minimum from the large end",
                library=f"deepep_{mode}", phase=phase, ep=int(ep), hidden=int(hidden),
                x_unit="tokens per GPU", y_unit="us"))
    return out


# ----------------------------------------------------------------------------------- main
def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(float(f"{v:.{SIG}g}"))
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(type(v))


def write_file(path: Path, header: dict, curves: list[dict]) -> None:
    lines = [
        f"# Measured kernel curves for {header['gpu']}, distilled by scripts/distil_kernels.py.",
        f"# Derived from {PACKAGE} {PACKAGE_VERSION} (NVIDIA, {LICENCE}); see NOTICE in this folder.",
        "# Regenerate, never hand-edit: docs/kernels.md says how.",
        "",
    ]
    for k, v in header.items():
        lines.append(f"{k} = {toml_value(v)}")
    kinds = {c["kind"] for c in curves}
    lines.append("")
    lines.append("[method]")
    for k in sorted(METHODS):
        if any(k == kind or k.startswith(kind + "_") for kind in kinds):
            lines.append(f"{k} = {toml_value(METHODS[k])}")
    lines.append("")
    lines.append("[units]")
    for k in sorted(UNITS):
        if k in kinds:
            lines.append(f"{k} = {toml_value(list(UNITS[k]))}")
    for c in curves:
        lines.append("")
        lines.append("[[curve]]")
        for k, v in c.items():
            lines.append(f"{k} = {toml_value(v)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


MOE_PART_KINDS = ("moe_gemm", "moe_alltoall")
"""Written to <gpu>.moe.toml, which the loader reads only for MoE lookups (most of the data)."""

SERIES = ("batch", "group", "inter", "hidden")
"""Curves that differ only by one of these fields are written as one entry with a row each."""


def merge_series(curves: list[dict]) -> list[dict]:
    """Fold curve families (one curve per batch size or GPU count) into one entry each.

    Rows must be prefixes of the shared x grid (large batches stop at shorter contexts, where the
    memory ran out); a row that is not stays an entry of its own."""
    out: list[dict] = []
    families: dict[tuple, list[dict]] = {}
    for c in curves:
        axis = next((a for a in SERIES if a in c), None)
        if axis is None:
            out.append(c)
            continue
        key = (axis,) + tuple((k, v if not isinstance(v, list) else None) for k, v in c.items()
                              if k not in ("x", "y", axis))
        families.setdefault(key, []).append(c)
    for key, members in families.items():
        axis = key[0]
        grid = sorted({x for m in members for x in m["x"]})
        rows, lone = [], []
        for m in sorted(members, key=lambda m: m[axis]):
            (rows if m["x"] == grid[: len(m["x"])] else lone).append(m)
        for group in ([rows] if rows else []) + [[m] for m in lone]:
            head = {k: v for k, v in group[0].items() if k not in ("x", "y", axis, "source")}
            head[axis] = [m[axis] for m in group]
            head["x"] = grid if group is rows else group[0]["x"]
            head["y"] = [m["y"] for m in group]
            head["source"] = group[0]["source"]
            out.append(head)
    return out


def distil_system(source: Source, system: str) -> list[dict]:
    spec = source.system_spec(system)
    curves: list[dict] = []
    METHODS.clear()
    for engine in ENGINES:
        current = source.current(system, engine)
        curves += gemm_curves(source, system, engine, current)
        curves += context_attention_curves(source, system, engine, current)
        curves += generation_attention_curves(source, system, engine, current)
        curves += mla_curves(source, system, engine, current)
        curves += moe_curves(source, system, engine, current)
    curves += comm_curves(source, system, spec)
    curves += moe_a2a_curves(source, system)
    return merge_series(curves)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--aic", required=True, type=Path, help="unpacked aiconfigurator_core folder")
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parent.parent / "kickoff_tui/catalog/data/kernels")
    ap.add_argument("--date", default=dt.date.today().isoformat())
    ap.add_argument("--only", default="")
    args = ap.parse_args(argv)
    source = Source(args.aic)
    args.out.mkdir(parents=True, exist_ok=True)
    only = {s for s in args.only.split(",") if s}
    for system, gpu in SYSTEM_TO_GPU.items():
        if only and system not in only:
            continue
        curves = distil_system(source, system)
        header = {
            "schema_version": 1,
            "gpu": gpu,
            "source_system": system,
            "source_package": f"{PACKAGE} {PACKAGE_VERSION}",
            "licence": LICENCE,
            "distilled": args.date,
        }
        main = [c for c in curves if c["kind"] not in MOE_PART_KINDS]
        moe = [c for c in curves if c["kind"] in MOE_PART_KINDS]
        for path, part in ((args.out / f"{gpu}.toml", main), (args.out / f"{gpu}.moe.toml", moe)):
            if not part:
                path.unlink(missing_ok=True)
                continue
            write_file(path, header, part)
            kinds = sorted({(c["kind"], c["engine"]) for c in part})
            print(f"{path.name:18s} {len(part):4d} curves {path.stat().st_size / 1024:6.1f} KiB  "
                  f"{len(kinds)} kind x engine", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
