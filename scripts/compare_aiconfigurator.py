"""Kickoff against NVIDIA's aiconfigurator on the NVIDIA calibration rows (build time).

aiconfigurator (Apache-2.0, PyPI ``aiconfigurator`` + ``aiconfigurator-core``) is NVIDIA's
profiled-kernel serving simulator. This script runs its single-point aggregated estimate (the
``aiconfigurator cli estimate --mode agg`` path: in-flight batching at a given batch size) on
every calibration row Kickoff scores that aiconfigurator supports, and reports both tools'
errors on the SAME rows. aiconfigurator is never needed by Kickoff or its tests: it lives in a
separate virtual environment that also holds Kickoff (run from the repository root, the shared
calibration folder next to it)::

    python3 -m venv /tmp/aicvenv
    /tmp/aicvenv/bin/pip install aiconfigurator-core==0.12.0 aiconfigurator==0.12.0
    /tmp/aicvenv/bin/pip install -e .
    /tmp/aicvenv/bin/python scripts/compare_aiconfigurator.py --markdown --loo

``--loo`` adds Kickoff's leave-one-GPU-out figure on the same rows (``scripts/
leave_one_gpu_out.py``'s loop, about 80 s); ``--rows FILE.csv`` writes every compared row with
both predictions; ``--cache FILE.json`` keeps aiconfigurator's answers between runs.

How a row becomes an aiconfigurator call (nothing of aiconfigurator is tuned; every value not
listed here is its own default, as its CLI would use it):

* system: Kickoff GPU id -> aiconfigurator system (``SYSTEMS``); backend: Kickoff engine ->
  ``trtllm`` / ``sglang`` / ``vllm``; database version: aiconfigurator's default ("current")
  for that system and backend.
* model and precision: the Hugging Face config aiconfigurator ships for the model; where the
  row's precision is not the checkpoint's own, the NVIDIA ModelOpt checkpoint of that precision
  is described to aiconfigurator by a local folder (the shipped ``config.json`` plus an
  ``hf_quant_config.json`` of that ModelOpt recipe, with Kickoff's KV-cache precision), from
  which aiconfigurator infers its quantisation modes itself. DeepSeek-R1 FP4 uses the shipped
  ``nvidia/DeepSeek-V3.1-NVFP4`` config (the same architecture and ModelOpt NVFP4 recipe as
  ``nvidia/DeepSeek-R1-FP4``).
* layout: the one Kickoff's estimate uses for the row (TP, PP, expert parallelism, DP
  attention); DP attention is aiconfigurator's ``attention_dp_size`` with ``tp_size = 1``.
* batch size: the row's concurrency per replica (``gpus / (tp * pp)`` replicas), divided by
  aiconfigurator's per-rank scale (``pp * attention_dp_size``: its batch size is per DP rank).
  Max-throughput rows have no concurrency: they use the number of sequences Kickoff's own
  max-throughput estimate decodes at once. ``ctx_tokens`` is aiconfigurator's default (the ISL).
* metrics: output tokens/s (aiconfigurator's ``tokens/s`` for one replica, times replicas),
  TPOT and TTFT (means and medians: aiconfigurator's single figure is compared with both;
  p99 rows are not compared).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import math
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import fit_engines as F
from aiconfigurator_ids import BACKENDS, SYSTEMS

from kickoff_tui.sizing import calibration as CAL
from kickoff_tui.sizing.batch import run_row

MODELS = {
    "llama-3.1-8b": "meta-llama/Meta-Llama-3.1-8B",
    "llama-3.1-70b": "meta-llama/Meta-Llama-3.1-70B",
    "llama-3.3-70b": "meta-llama/Meta-Llama-3.1-70B",
    "llama-3.1-405b": "meta-llama/Meta-Llama-3.1-405B",
    "deepseek-r1": "deepseek-ai/DeepSeek-R1",
    "deepseek-v3": "deepseek-ai/DeepSeek-V3",
    "qwen3-32b": "Qwen/Qwen3-32B",
    "qwen3-8b": "Qwen/Qwen3-8B",
    "qwen3-235b-a22b": "Qwen/Qwen3-235B-A22B",
    "qwen3-30b-a3b": "Qwen/Qwen3-30B-A3B",
    "mixtral-8x7b": "mistralai/Mixtral-8x7B-v0.1",
    "mixtral-8x22b": "mistralai/Mixtral-8x22B-v0.1",
    "gpt-oss-120b": "openai/gpt-oss-120b",
    "gpt-oss-20b": "openai/gpt-oss-20b",
}
"""Kickoff model id -> the Hugging Face config aiconfigurator ships (model_configs/). Llama 3.3
70B has the architecture of Llama 3.1 70B."""

NATIVE = {"deepseek-r1": "fp8", "deepseek-v3": "fp8", "gpt-oss-120b": "fp4", "gpt-oss-20b": "fp4"}
"""Precision of the shipped checkpoint where it is not bf16."""

CHECKPOINTS = {
    ("deepseek-r1", "fp4"): "nvidia/DeepSeek-V3.1-NVFP4",
    ("deepseek-v3", "fp4"): "nvidia/DeepSeek-V3.1-NVFP4",
}
"""Shipped NVIDIA checkpoints used for a precision (same architecture and ModelOpt recipe)."""

MODELOPT = {"fp8": "FP8", "fp4": "NVFP4"}
"""Row precision -> ModelOpt ``quant_algo`` of NVIDIA's published checkpoint of that precision."""

COMPARED = {
    "output_tokens_per_s": "throughput",
    "tpot_ms": "tpot",
    "tpot_p50_ms": "tpot",
    "ttft_ms": "ttft",
    "ttft_p50_ms": "ttft",
}
FAMILIES = ("throughput", "tpot", "ttft")


def _quiet() -> None:
    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore")


def aic_version() -> str:
    from importlib.metadata import version

    return f"aiconfigurator {version('aiconfigurator')}, aiconfigurator-core {version('aiconfigurator-core')}"


class Aic:
    """aiconfigurator's ``cli_estimate`` (agg mode) with the database version resolved once per
    (system, backend) the way ``cli_estimate`` resolves it, and answers cached."""

    def __init__(self, cache_path: str | None) -> None:
        _quiet()
        from aiconfigurator.cli.api import cli_estimate
        from aiconfigurator.sdk.perf_database import get_latest_database_version

        self._estimate = cli_estimate
        self._latest = get_latest_database_version
        self._versions: dict[tuple[str, str], str | None] = {}
        self._dir = Path(tempfile.mkdtemp(prefix="aic-models-"))
        self.cache_path = Path(cache_path) if cache_path else None
        self.cache: dict[str, dict] = {}
        if self.cache_path and self.cache_path.exists():
            self.cache = json.loads(self.cache_path.read_text())

    def version(self, system: str, backend: str) -> str | None:
        key = (system, backend)
        if key not in self._versions:
            self._versions[key] = self._latest(system=system, backend=backend)
        return self._versions[key]

    def model_path(self, model: str, precision: str, kv_precision: str) -> str:
        """The model argument for aiconfigurator: its shipped config, or a local folder that
        describes NVIDIA's ModelOpt checkpoint of ``precision``."""
        base = MODELS[model]
        if precision == NATIVE.get(model, "bf16"):
            return base
        if (model, precision) in CHECKPOINTS:
            return CHECKPOINTS[(model, precision)]
        from aiconfigurator_core import __file__ as core_file

        src = Path(core_file).parent / "model_configs" / f"{base.replace('/', '--')}_config.json"
        folder = self._dir / f"{model}-{precision}-kv{kv_precision}"
        if not folder.exists():
            folder.mkdir(parents=True)
            config = json.loads(src.read_text())
            config.pop("quantization_config", None)
            (folder / "config.json").write_text(json.dumps(config))
            quant = {"quant_algo": MODELOPT[precision], "exclude_modules": ["lm_head"]}
            if precision == "fp4":
                quant["group_size"] = 16
            if kv_precision == "fp8":
                quant["kv_cache_quant_algo"] = "FP8"
            (folder / "hf_quant_config.json").write_text(
                json.dumps({"producer": {"name": "modelopt"}, "quantization": quant})
            )
        return str(folder)

    def estimate(self, call: dict) -> dict:
        key = json.dumps(call, sort_keys=True)
        if key in self.cache:
            return self.cache[key]
        args = dict(call)
        model = args.pop("model")
        precision = args.pop("precision")
        kv_precision = args.pop("kv_precision")
        try:
            path = self.model_path(model, precision, kv_precision)
            version = self.version(args["system_name"], args["backend_name"])
            if version is None:
                raise ValueError("no database for this system and backend")
            result = self._estimate(
                path, args.pop("system_name"), mode="agg", backend_version=version, **args
            )
            raw = result.raw
            out = {
                "ok": True,
                "ttft_ms": float(result.ttft),
                "tpot_ms": float(result.tpot),
                "tokens_per_s": float(raw["tokens/s"]),
                "version": version,
                "parallel": raw["parallel"],
                "quant": f"gemm {raw['gemm']}, moe {raw['moe']}, kv {raw['kvcache']}, fmha {raw['fmha']}",
                "kv_warning": bool(result.kv_cache_warning),
            }
        except Exception as err:  # noqa: BLE001 - every failure is a reason to report
            out = {"ok": False, "reason": reason(err)}
        self.cache[key] = out
        return out

    def save(self) -> None:
        if self.cache_path:
            self.cache_path.write_text(json.dumps(self.cache, indent=0))


def reason(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    if text.startswith("OOM"):
        return (
            "aiconfigurator: out of memory (weights + activations + KV of every sequence in the "
            "batch exceed the GPU; it refuses the point where the engine would queue)"
        )
    if "perf data" in text.lower() or "database" in text.lower() or "no data" in text.lower():
        return f"aiconfigurator: missing kernel data ({text[:90]})"
    return f"aiconfigurator: {type(err).__name__}: {text[:110]}"


def call_for(r: CAL.CalibrationRow, est: dict) -> tuple[dict | None, str]:
    """The aiconfigurator call for a calibration row (given Kickoff's estimate of it), or the
    reason there is none."""
    row = r.row
    if row.model not in MODELS:
        return None, f"no aiconfigurator model config for {row.model}"
    if row.gpu not in SYSTEMS:
        return None, f"no aiconfigurator system for {row.gpu}"
    if r.engine not in BACKENDS:
        return None, f"no aiconfigurator backend for {r.engine}"
    if not est.get("fits"):
        return None, "Kickoff gives no layout (does not fit)"
    precision = est["precision"]
    if precision not in ("bf16", "fp8", "fp4") or (
        precision != NATIVE.get(row.model, "bf16") and precision not in MODELOPT
    ):
        return None, f"precision {precision} not mapped"
    tp, pp, ep, dp_on = (
        est["tensor_parallel"],
        est["pipeline_parallel"],
        est["expert_parallel"],
        est["dp_attention"],
    )
    replicas = est["replicas"]
    moe = r.kind == "moe"
    aic_tp, aic_dp = (1, tp) if dp_on else (tp, 1)
    if row.concurrency is not None:
        per_replica = row.concurrency / replicas
        basis = "row concurrency"
    else:
        per_replica = est["running_per_replica"]
        basis = "Kickoff's max-throughput batch"
    batch = max(1, round(per_replica / (pp * aic_dp)))
    call = {
        "model": row.model,
        "precision": precision,
        "kv_precision": est["kv_precision"],
        "system_name": SYSTEMS[row.gpu],
        "backend_name": BACKENDS[r.engine],
        "isl": row.input_tokens,
        "osl": row.output_tokens,
        "batch_size": batch,
        "tp_size": aic_tp,
        "pp_size": pp,
        "attention_dp_size": aic_dp,
    }
    if moe:
        call["moe_ep_size"] = max(1, ep)
        call["moe_tp_size"] = (aic_tp * aic_dp) // call["moe_ep_size"]
    return call, basis


SWEEP = tuple(2**i for i in range(12))
"""Batch sizes aiconfigurator tries for a max-throughput row in the "aiconfigurator's own batch"
line (1 to 2,048, plus Kickoff's batch)."""


def own_max_throughput(aic: Aic, call: dict) -> tuple[float, int] | None:
    """aiconfigurator's own max-throughput point for a row without a concurrency: the highest
    tokens/s over :data:`SWEEP` among the batch sizes it estimates to fit (weights, activations
    and the KV of every sequence: no OOM and no KV warning)."""
    best = None
    for batch in sorted({*SWEEP, call["batch_size"]}):
        answer = aic.estimate({**call, "batch_size": batch})
        if (
            answer["ok"]
            and not answer["kv_warning"]
            and (best is None or answer["tokens_per_s"] > best[0])
        ):
            best = (answer["tokens_per_s"], batch)
    return best


def aic_value(metric: str, answer: dict, replicas: int) -> float:
    if metric == "output_tokens_per_s":
        return answer["tokens_per_s"] * replicas
    return answer["tpot_ms"] if metric.startswith("tpot") else answer["ttft_ms"]


def key_of(r: CAL.CalibrationRow) -> tuple:
    return (r.source, r.row.model_dump_json(exclude={"line"}), r.metric)


def leave_one_gpu_out(rows: list[CAL.CalibrationRow]) -> dict[tuple, float | None]:
    """Kickoff's held-out predictions (scripts/leave_one_gpu_out.py's loop), by row key."""
    import leave_one_gpu_out as L

    out: dict[tuple, float | None] = {}
    for gpu in sorted({r.row.gpu for r in rows}):
        L.restore(prior=True)
        F.fit([r for r in rows if r.row.gpu != gpu], analog_multipliers=L.FITTED)
        for s in CAL.score(
            [(r.source, r.row, r.metric, r.measured) for r in rows if r.row.gpu == gpu]
        ):
            out[key_of(s)] = s.predicted
    L.restore()
    return out


def summarise(pairs: list[tuple[float, float | None]]) -> tuple[float | None, float | None]:
    """Median |error| and within-2x share of (measured, predicted) pairs (None = no estimate,
    counted outside 2x)."""
    errors = [abs(p - m) / m for m, p in pairs if p is not None and p > 0]
    inside = sum(
        1 for m, p in pairs if p is not None and p > 0 and abs(math.log(p / m)) <= math.log(2)
    )
    if not pairs:
        return None, None
    return (statistics.median(errors) if errors else None), inside / len(pairs)


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


GROUP_NAMES = {"tensorrt-llm": "TensorRT-LLM", "sglang": "SGLang", "vllm": "vLLM"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument(
        "--loo", action="store_true", help="add Kickoff's leave-one-GPU-out figure (~80 s)"
    )
    parser.add_argument("--rows", metavar="FILE.csv", help="write every compared row")
    parser.add_argument(
        "--cache", metavar="FILE.json", help="keep aiconfigurator's answers between runs"
    )
    args = parser.parse_args()

    try:
        import aiconfigurator.cli.api  # noqa: F401
    except ImportError:
        print(
            "aiconfigurator is not installed in this Python; see the commands at the top of "
            "scripts/compare_aiconfigurator.py (a separate virtual environment)",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    started = time.time()
    rows = F.all_cases()
    aic = Aic(args.cache)
    estimates: dict[str, dict] = {}
    compared: list[dict] = []
    skipped: Counter[str] = Counter()
    not_compared: Counter[str] = Counter()
    kv_warned = 0
    own: list[dict] = []
    for r in rows:
        if r.vendor != "nvidia":
            not_compared["not an NVIDIA GPU"] += 1
            continue
        family = COMPARED.get(r.metric)
        if family is None:
            why = "p99" if "p99" in r.metric else "a static batch's life, not a serving figure"
            not_compared[f"{r.metric} ({why}: not compared)"] += 1
            continue
        k = r.row.model_dump_json(exclude={"line"})
        if k not in estimates:
            estimates[k] = run_row(r.row)
        est = estimates[k]
        call, basis = call_for(r, est)
        if call is None:
            skipped[basis] += 1
            continue
        if r.row.concurrency is None and r.metric == "output_tokens_per_s":
            best = own_max_throughput(aic, call)
            if best is not None:
                own.append({"r": r, "aic": best[0] * est["replicas"], "batch": best[1]})
        answer = aic.estimate(call)
        if not answer["ok"]:
            skipped[answer["reason"]] += 1
            continue
        kv_warned += answer["kv_warning"]
        compared.append(
            {
                "r": r,
                "family": family,
                "aic": aic_value(r.metric, answer, est["replicas"]),
                "call": call,
                "basis": basis,
                "answer": answer,
            }
        )
    aic.save()

    held_out = leave_one_gpu_out(rows) if args.loo else {}
    for c in compared:
        c["loo"] = held_out.get(key_of(c["r"])) if args.loo else None

    groups: dict[str, list[dict]] = defaultdict(list)
    for c in compared:
        r = c["r"]
        groups[c["family"]].append(c)
        groups[f"{c['family']}|{GROUP_NAMES.get(r.engine, r.engine)} / {r.row.gpu}"].append(c)
    order = [f for f in FAMILIES if f in groups]
    order += sorted(
        (g for g in groups if "|" in g), key=lambda g: (FAMILIES.index(g.split("|")[0]), g)
    )

    header = ["metric", "group", "rows", "aiconfigurator", "Kickoff (in sample)"]
    if args.loo:
        header.append("Kickoff (GPU held out)")
    lines = []
    if args.markdown:
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|---|---|---:|---:|---:|" + ("---:|" if args.loo else ""))
    for g in order:
        family, _, group = g.partition("|")
        cs = groups[g]
        cells = []
        for who in ("aic", "kickoff", "loo"):
            if who == "loo" and not args.loo:
                continue
            pairs = [
                (
                    c["r"].measured,
                    c["aic"]
                    if who == "aic"
                    else c["r"].predicted
                    if who == "kickoff"
                    else c["loo"],
                )
                for c in cs
            ]
            err, two = summarise(pairs)
            cells.append(f"{pct(err)} ({pct(two)} in 2x)")
        name = {"throughput": "throughput", "tpot": "TPOT", "ttft": "TTFT"}[family]
        row = [
            f"**{name}**" if not group else name,
            group or "all compared rows",
            str(len(cs)),
            *cells,
        ]
        lines.append(("| " + " | ".join(row) + " |") if args.markdown else "  ".join(row))
    if own:
        pairs_a = [(c["r"].measured, c["aic"]) for c in own]
        pairs_k = [(c["r"].measured, c["r"].predicted) for c in own]
        (ea, ta), (ek, tk) = summarise(pairs_a), summarise(pairs_k)
        row = [
            "throughput",
            "max-throughput rows, aiconfigurator's own batch",
            str(len(own)),
            f"{pct(ea)} ({pct(ta)} in 2x)",
            f"{pct(ek)} ({pct(tk)} in 2x)",
        ]
        if args.loo:
            pairs_l = [(c["r"].measured, held_out.get(key_of(c["r"]))) for c in own]
            el, tl = summarise(pairs_l)
            row.append(f"{pct(el)} ({pct(tl)} in 2x)")
        lines.append(("| " + " | ".join(row) + " |") if args.markdown else "  ".join(row))
    print("\n".join(lines))
    print()
    versions = sorted(
        {
            (c["call"]["system_name"], c["call"]["backend_name"], c["answer"]["version"])
            for c in compared
        }
    )
    print(
        f"{aic_version()}; database versions (its defaults): "
        + ", ".join(f"{s} {b} {v}" for s, b, v in versions)
    )
    print(
        f"cells: median absolute error (share of rows within 2x); {len(compared)} rows compared "
        f"in {time.time() - started:.0f} s; aiconfigurator warned that the batch exceeds its KV "
        f"estimate on {kv_warned} of them"
    )
    bases = Counter(c["basis"] for c in compared)
    print("batch size from: " + ", ".join(f"{b} ({n} rows)" for b, n in bases.most_common()))
    print()
    print("NVIDIA rows aiconfigurator could not estimate (rows per reason):")
    for why, n in skipped.most_common():
        print(f"- {n} x {why}")
    if not skipped:
        print("- none")
    print("Not compared:")
    for why, n in not_compared.most_common():
        print(f"- {n} x {why}")

    if args.rows:
        with open(args.rows, "w", newline="") as handle:
            w = csv.writer(handle)
            w.writerow(
                [
                    "source",
                    "model",
                    "gpu",
                    "gpus",
                    "engine",
                    "precision",
                    "isl",
                    "osl",
                    "concurrency",
                    "metric",
                    "measured",
                    "kickoff",
                    "kickoff_held_out",
                    "aiconfigurator",
                    "aic_parallel",
                    "aic_batch",
                    "aic_quant",
                    "aic_version",
                    "aic_kv_warning",
                    "batch_from",
                ]
            )
            for c in compared:
                r = c["r"]
                w.writerow(
                    [
                        r.source,
                        r.row.model,
                        r.row.gpu,
                        r.row.gpus,
                        r.engine,
                        r.row.precision,
                        r.row.input_tokens,
                        r.row.output_tokens,
                        r.row.concurrency or "max",
                        r.metric,
                        r.measured,
                        r.predicted,
                        c["loo"],
                        round(c["aic"], 3),
                        c["answer"]["parallel"],
                        c["call"]["batch_size"],
                        c["answer"]["quant"],
                        c["answer"]["version"],
                        c["answer"]["kv_warning"],
                        c["basis"],
                    ]
                )


if __name__ == "__main__":
    main()
