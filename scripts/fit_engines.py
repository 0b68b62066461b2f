"""Fit the engine-profile values that published measurements pin down (build time).

    python scripts/fit_engines.py [--write] [--exclude-gpu ID]

Four kinds of value per engine, all physics of the engine and never of a row or a GPU:

* ``request_overhead_s``: the engine's fixed per-request cost (HTTP, tokenisation, scheduling,
  detokenisation), the median over its DENSE rows at <= 16 requests in flight of measured TTFT
  less the modelled TTFT without that cost;
* ``moe_prefill_layer_s``: what each MoE layer adds to a prompt's way to its first token
  (eager, host-synchronised MoE prefill), the value at which the median log error of the
  engine's MoE rows at <= 16 in flight is zero, with the request overhead fixed;
* ``first_token_steps``: decode steps between a MoE prompt's prefill and its first token at the
  client, minimising the median |log error| of ALL the engine's MoE TTFT rows (the MoE prefill
  cost refitted at each trial value); engines without MoE TTFT rows keep 0 (stream at once);
* one kernel-efficiency multiplier (GEMM, bandwidth, attention and MoE GEMM scaled together),
  minimising the median |log error| of its throughput and TPOT rows. TensorRT-LLM is the
  reference engine (its multipliers stay 1.0: the catalog's hardware measurements set them).

Engines without the rows for a value take it by analogy (see ``_by_analogy``).

``--write`` rewrites the values in ``kickoff_tui/catalog/data/engines.toml``. ``fit()`` is also
used by ``scripts/leave_one_gpu_out.py``.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kickoff_tui.catalog import engines as E  # noqa: E402
from kickoff_tui.commands.sizing import read_calibration  # noqa: E402
from kickoff_tui.sizing import calibration as CAL  # noqa: E402

DATA = ROOT.parent / "shared" / "calibration"
MULTIPLIERS = ("gemm_efficiency", "bandwidth_efficiency", "attention_efficiency", "moe_gemm_efficiency")
REFERENCE = "tensorrt-llm"
FIT_ROUNDS = 2
"""Passes over the engines (the MoE prefill cost and the multiplier interact a little)."""
LOW_LOAD = 16
"""Rows at or below this many in flight measure the fixed per-request cost (little queueing)."""
SEARCH = (0.35, 1.4)
MIN_TTFT_ROWS = 3
"""Fewest low-load TTFT rows that pin a fixed cost."""
MOE_PREFILL_SEARCH = (0.0, 5e-3)
"""Range searched for the per-MoE-layer prefill cost (0 to 5 ms a layer)."""
MOE_PREFILL_STEPS = 16


def set_profile(engine_id: str, **values: float) -> None:
    index = E._index()
    index[engine_id] = index[engine_id].model_copy(update=values)
    E.engine_for.cache_clear()


def engine_rows(rows: list[CAL.CalibrationRow], engine_id: str) -> list[CAL.CalibrationRow]:
    return [r for r in rows if r.engine == engine_id]


def _rescore(rows: list[CAL.CalibrationRow]) -> list[CAL.CalibrationRow]:
    return CAL.score([(r.source, r.row, r.metric, r.measured) for r in rows])


def low_load_ttft(cases: list[CAL.CalibrationRow], kind: str) -> list[CAL.CalibrationRow]:
    """TTFT means / medians of ``kind`` (dense or moe) rows at <= LOW_LOAD requests in flight."""
    return [r for r in cases if CAL.FAMILY.get(r.metric) == "ttft" and r.kind == kind
            and r.row.concurrency is not None and r.row.concurrency <= LOW_LOAD]


def fit_overhead(cases: list[CAL.CalibrationRow], engine_id: str) -> float | None:
    """Fixed per-request cost from the engine's DENSE low-load TTFT rows: the median of measured
    TTFT less the modelled TTFT without it (MoE rows also carry the MoE prefill cost, fitted
    apart by ``fit_moe_prefill``)."""
    ttft = low_load_ttft(cases, "dense")
    if len(ttft) < MIN_TTFT_ROWS:
        return None
    current = E.get_engine(engine_id).request_overhead_s
    scored = _rescore(ttft)
    gaps = [(r.measured / 1e3) - (r.predicted / 1e3 - current) for r in scored if r.predicted is not None]
    return max(round(statistics.median(gaps), 3), 0.0) if gaps else None


def fit_moe_prefill(cases: list[CAL.CalibrationRow], engine_id: str) -> float | None:
    """Per-MoE-layer cost of a prompt-carrying forward, from the engine's MoE low-load TTFT rows
    (request overhead already set): the value at which the median log error of those rows is
    zero (bisection; TTFT rises monotonically with it)."""
    ttft = low_load_ttft(cases, "moe")
    if len(ttft) < MIN_TTFT_ROWS:
        return None

    def bias(value: float) -> float:
        set_profile(engine_id, moe_prefill_layer_s=value)
        errors = [r.log_error for r in _rescore(ttft) if r.log_error is not None]
        return statistics.median(errors) if errors else 0.0

    lo, hi = MOE_PREFILL_SEARCH
    if bias(lo) >= 0:
        best = lo
    elif bias(hi) <= 0:
        best = hi
    else:
        for _ in range(MOE_PREFILL_STEPS):
            mid = (lo + hi) / 2
            if bias(mid) > 0:
                hi = mid
            else:
                lo = mid
        best = (lo + hi) / 2
    best = round(best, 6)
    set_profile(engine_id, moe_prefill_layer_s=best)
    return best


FIRST_TOKEN_SEARCH = (0.0, 40.0)
"""Range searched for the first-token lag (0 to 40 decode steps)."""
FIRST_TOKEN_STEPS = 12
"""Golden-section steps of that search (the interval shrinks to ~0.1 step)."""


def fit_first_token_steps(cases: list[CAL.CalibrationRow], engine_id: str) -> float | None:
    """Decode steps between a MoE prompt's prefill and its first token at the client, from ALL
    the engine's MoE TTFT rows (every concurrency: the lag is counted in decode steps, which
    lengthen with the batch, so only the rows under load tell it apart from the fixed MoE
    prefill cost): the value minimising their median |log error|, the MoE prefill cost refitted
    on the low-load rows at each trial value (golden-section search). 0 when no lag fits better
    than none."""
    ttft = [r for r in cases if CAL.FAMILY.get(r.metric) == "ttft" and r.kind == "moe"]
    if len(ttft) < 2 * MIN_TTFT_ROWS or len(low_load_ttft(cases, "moe")) < MIN_TTFT_ROWS:
        return None

    def loss(steps: float) -> float:
        set_profile(engine_id, first_token_steps=steps)
        fit_moe_prefill(cases, engine_id)
        return _loss(ttft)

    lo, hi = golden_section(loss, *FIRST_TOKEN_SEARCH, FIRST_TOKEN_STEPS)
    best = round((lo + hi) / 2, 1)
    if loss(0.0) <= loss(best):
        best = 0.0
    loss(best)
    return best


MULTIPLIER_STEPS = 10
"""Golden-section steps for a kernel multiplier (the bracket shrinks to 0.8% of its width)."""


def golden_section(loss: Callable[[float], float], lo: float, hi: float, steps: int) -> tuple[float, float]:
    """The bracket [lo, hi] left around the minimum of ``loss`` after ``steps`` golden-section
    steps (``loss`` is called with every point tried, in order)."""
    golden = (math.sqrt(5) - 1) / 2
    a, b = hi - golden * (hi - lo), lo + golden * (hi - lo)
    fa, fb = loss(a), loss(b)
    for _ in range(steps):
        if fa <= fb:
            hi, b, fb = b, a, fa
            a = hi - golden * (hi - lo)
            fa = loss(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + golden * (hi - lo)
            fb = loss(b)
    return lo, hi


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

    lo, hi = golden_section(loss, *SEARCH, MULTIPLIER_STEPS)
    best = round((lo + hi) / 2, 3)
    set_profile(engine_id, **{k: min(best * ratio[k], 1.5) for k in MULTIPLIERS})
    return best


def fit(cases: list[CAL.CalibrationRow], analog_multipliers: tuple[str, ...] = ()) -> dict[str, dict[str, float]]:
    """Fit every engine with rows in ``cases``; leaves the fitted values in the loaded profiles.

    Per engine: kernel multiplier on throughput / TPOT rows, then the per-request cost on dense
    low-load TTFT rows, then the MoE prefill cost on MoE low-load TTFT rows; twice, since the
    prefill cost also lengthens the decode steps that carry prompt chunks. An engine without the
    rows for a value takes it by analogy (``_by_analogy``)."""
    fitted: dict[str, dict[str, float]] = {}
    for _ in range(FIT_ROUNDS):
        for engine_id in E.ENGINE_IDS:
            mine = engine_rows(cases, engine_id)
            if not mine:
                continue
            values = fitted.setdefault(engine_id, {})
            multiplier = fit_multiplier(mine, engine_id)
            if multiplier is not None:
                profile = E.get_engine(engine_id)
                values.update({k: round(getattr(profile, k), 3) for k in MULTIPLIERS})
            overhead = fit_overhead(mine, engine_id)
            if overhead is not None:
                set_profile(engine_id, request_overhead_s=overhead)
                values["request_overhead_s"] = overhead
            if "request_overhead_s" not in values and low_load_ttft(mine, "moe"):
                # MoE-only engine: its HTTP / tokeniser path is taken from the engines measured on
                # dense models before the MoE prefill cost is fitted on top.
                _by_analogy(fitted, "request_overhead_s", engine_id)
            moe = fit_moe_prefill(mine, engine_id)
            if moe is not None:
                values["moe_prefill_layer_s"] = moe
            lag = fit_first_token_steps(mine, engine_id)
            if lag is not None:
                values["first_token_steps"] = lag
                values["moe_prefill_layer_s"] = E.get_engine(engine_id).moe_prefill_layer_s
    fitted = {k: v for k, v in fitted.items() if v}
    for engine_id in analog_multipliers:
        # An engine normally calibrated but without throughput / TPOT rows here (a held-out GPU
        # took them all) takes the mean multiplier of its vendor's calibrated engines.
        if engine_id == REFERENCE or "gemm_efficiency" in fitted.get(engine_id, {}):
            continue
        vendor = E.get_engine(engine_id).vendor
        pool = [v["gemm_efficiency"] for e, v in fitted.items() if "gemm_efficiency" in v
                and E.get_engine(e).vendor == vendor and e != engine_id]
        if pool:
            mean = sum(pool) / len(pool)
            base = E.get_engine(engine_id)
            set_profile(engine_id, **{k: min(mean * getattr(base, k) / base.gemm_efficiency, 1.5) for k in MULTIPLIERS})
            fitted.setdefault(engine_id, {}).update({k: round(getattr(E.get_engine(engine_id), k), 3) for k in MULTIPLIERS})
    for key in ("request_overhead_s", "moe_prefill_layer_s"):
        for engine_id in E.ENGINE_IDS:
            if key not in fitted.get(engine_id, {}):
                _by_analogy(fitted, key, engine_id)
    return fitted


def _by_analogy(fitted: dict[str, dict[str, float]], key: str, engine_id: str) -> None:
    """Set ``key`` of an engine without the rows to fit it: the mean of the fitted engines of its
    vendor (same kernels and host software stack), else the smallest value fitted for any engine
    (the other vendor's software says nothing about this one's; the leanest measured engine is
    the least presumptuous guess); ``generic`` takes the largest fitted value."""
    if key in fitted.get(engine_id, {}):
        return
    done = {e: v[key] for e, v in fitted.items() if key in v and e != engine_id}
    if not done:
        return
    vendor = E.get_engine(engine_id).vendor
    pool = [v for e, v in done.items() if E.get_engine(e).vendor == vendor]
    if vendor == "any":
        value = max(done.values())
    elif pool:
        value = sum(pool) / len(pool)
    else:
        value = min(done.values())
    value = round(value, 6 if key == "moe_prefill_layer_s" else 3)
    set_profile(engine_id, **{key: value})
    fitted.setdefault(engine_id, {})[key] = value


def all_cases() -> list[CAL.CalibrationRow]:
    return CAL.score(CAL.read_cases(read_calibration(str(DATA))))


def write(fitted: dict[str, dict[str, float]]) -> None:
    """Rewrite the fitted values in engines.toml (the [engine.sources] strings are kept)."""
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
