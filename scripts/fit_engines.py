"""Fit the engine-profile values that published measurements pin down (build time).

    python scripts/fit_engines.py [--write] [--exclude-gpu ID]

Two values per engine, both physics of the engine and never of a row or a GPU:

* ``request_overhead_s``: the engine's fixed per-request cost (tokenisation, HTTP, scheduling,
  detokenisation), the median over its rows at <= 16 requests in flight of measured TTFT less the
  modelled TTFT without that cost;
* one kernel-efficiency multiplier (GEMM, bandwidth, attention and MoE GEMM scaled together),
  minimising the median |log error| of its throughput and TPOT rows. TensorRT-LLM is the
  reference engine (its multipliers stay 1.0: the catalog's hardware measurements set them).

``--write`` rewrites the values in ``kickoff_tui/catalog/data/engines.toml``. ``fit()`` is also
used by ``scripts/leave_one_gpu_out.py``.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kickoff_tui.catalog import engines as E  # noqa: E402
from kickoff_tui.commands.sizing import read_calibration  # noqa: E402
from kickoff_tui.sizing import calibration as CAL  # noqa: E402

DATA = ROOT.parent / "shared" / "calibration"
MULTIPLIERS = ("gemm_efficiency", "bandwidth_efficiency", "attention_efficiency", "moe_gemm_efficiency")
REFERENCE = "tensorrt-llm"
LOW_LOAD = 16
"""Rows at or below this many in flight measure the fixed per-request cost (little queueing)."""
SEARCH = (0.35, 1.4)


def set_profile(engine_id: str, **values: float) -> None:
    index = E._index()
    index[engine_id] = index[engine_id].model_copy(update=values)
    E.engine_for.cache_clear()


def engine_rows(rows: list[CAL.CalibrationRow], engine_id: str) -> list[CAL.CalibrationRow]:
    return [r for r in rows if r.engine == engine_id]


def _rescore(rows: list[CAL.CalibrationRow]) -> list[CAL.CalibrationRow]:
    return CAL.score([(r.source, r.row, r.metric, r.measured) for r in rows])


def fit_overhead(cases: list[CAL.CalibrationRow], engine_id: str) -> float | None:
    ttft = [r for r in cases if CAL.FAMILY.get(r.metric) == "ttft" and r.row.concurrency is not None
            and r.row.concurrency <= LOW_LOAD]
    if len(ttft) < 3:
        return None
    current = E.get_engine(engine_id).request_overhead_s
    scored = _rescore(ttft)
    gaps = [(r.measured / 1e3) - (r.predicted / 1e3 - current) for r in scored if r.predicted is not None]
    return max(round(statistics.median(gaps), 3), 0.0) if gaps else None


def _loss(cases: list[CAL.CalibrationRow]) -> float:
    errors = [abs(r.log_error) for r in _rescore(cases) if r.log_error is not None]
    return statistics.median(errors) if errors else math.inf


def fit_multiplier(cases: list[CAL.CalibrationRow], engine_id: str) -> float | None:
    rows = [r for r in cases if CAL.FAMILY.get(r.metric) in ("throughput", "tpot")]
    if len(rows) < 3 or engine_id == REFERENCE:
        return None
    base = {k: getattr(E.get_engine(engine_id), k) for k in MULTIPLIERS}
    ratio = {k: base[k] / base["gemm_efficiency"] for k in MULTIPLIERS}

    def loss(m: float) -> float:
        set_profile(engine_id, **{k: min(m * ratio[k], 1.5) for k in MULTIPLIERS})
        return _loss(rows)

    lo, hi = SEARCH
    golden = (math.sqrt(5) - 1) / 2
    a, b = hi - golden * (hi - lo), lo + golden * (hi - lo)
    fa, fb = loss(a), loss(b)
    for _ in range(10):
        if fa <= fb:
            hi, b, fb = b, a, fa
            a = hi - golden * (hi - lo)
            fa = loss(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + golden * (hi - lo)
            fb = loss(b)
    best = round((lo + hi) / 2, 3)
    set_profile(engine_id, **{k: min(best * ratio[k], 1.5) for k in MULTIPLIERS})
    return best


def fit(cases: list[CAL.CalibrationRow]) -> dict[str, dict[str, float]]:
    """Fit every engine with rows in ``cases``; leaves the fitted values in the loaded profiles."""
    fitted: dict[str, dict[str, float]] = {}
    for engine_id in E.ENGINE_IDS:
        mine = engine_rows(cases, engine_id)
        if not mine:
            continue
        values: dict[str, float] = {}
        multiplier = fit_multiplier(mine, engine_id)
        if multiplier is not None:
            profile = E.get_engine(engine_id)
            values.update({k: round(getattr(profile, k), 3) for k in MULTIPLIERS})
        overhead = fit_overhead(mine, engine_id)
        if overhead is not None:
            set_profile(engine_id, request_overhead_s=overhead)
            values["request_overhead_s"] = overhead
        if values:
            fitted[engine_id] = values
    # Engines without low-load TTFT rows take the mean fixed cost of the calibrated engines of
    # their vendor (the same HTTP/tokeniser path is common to them); generic takes the largest.
    by_vendor: dict[str, list[float]] = {}
    for engine_id, values in fitted.items():
        if "request_overhead_s" in values:
            by_vendor.setdefault(E.get_engine(engine_id).vendor, []).append(values["request_overhead_s"])
    every = [v for vs in by_vendor.values() for v in vs]
    for engine_id in E.ENGINE_IDS:
        if "request_overhead_s" in fitted.get(engine_id, {}):
            continue
        vendor = E.get_engine(engine_id).vendor
        pool = by_vendor.get(vendor) if vendor != "any" else None
        if pool:
            value = round(sum(pool) / len(pool), 3)
        elif every and vendor == "any":
            value = max(every)
        else:
            continue
        set_profile(engine_id, request_overhead_s=value)
        fitted.setdefault(engine_id, {})["request_overhead_s"] = value
    return fitted


def all_cases() -> list[CAL.CalibrationRow]:
    return CAL.score(CAL.read_cases(read_calibration(str(DATA))))


def write(fitted: dict[str, dict[str, float]]) -> None:
    path = ROOT / "kickoff_tui" / "catalog" / "data" / "engines.toml"
    text = path.read_text("utf-8")
    blocks = text.split("[[engine]]")
    for i, block in enumerate(blocks):
        m = re.search(r'^id = "([^"]+)"', block, re.M)
        if not m or m.group(1) not in fitted:
            continue
        for key, value in fitted[m.group(1)].items():
            block = re.sub(rf"^{key} = .*$", f"{key} = {value:g}", block, count=1, flags=re.M)
        blocks[i] = block
    path.write_text("[[engine]]".join(blocks), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--exclude-gpu")
    args = parser.parse_args()
    cases = [r for r in all_cases() if r.row.gpu != args.exclude_gpu]
    fitted = fit(cases)
    for engine_id, values in fitted.items():
        print(engine_id, ", ".join(f"{k}={v:g}" for k, v in values.items()))
    if args.write:
        write(fitted)
        print("engines.toml updated")


if __name__ == "__main__":
    main()
