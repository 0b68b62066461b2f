"""How long the portfolio takes: the example, a model-mix search, and the largest portfolio.

Run: ``python scripts/bench_portfolio.py``. Times, each from a cold cache (a fresh
``Sizings``): sizing ``examples/portfolio.toml`` (three workloads, five SKU candidates), the same
with the model-mix optimiser over its 18 assignments, and a 32-workload portfolio (the file
format's limit) over every datacenter SKU. Prints seconds and sizer calls per case and exits 1
when the example misses its target.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_EXAMPLE_S = 2.0
"""`kickoff portfolio examples/portfolio.toml` should answer while the meeting watches."""

MODELS = ("llama-3.1-8b", "qwen3-8b", "mistral-7b", "qwen2.5-7b", "gemma-2-9b", "phi-4",
          "llama-3.2-3b", "qwen3-30b-a3b")
WINDOWS = (None, "08-18", "01-05", "22-06", "10-14", "13-20", "00-03", "05-09")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from kickoff_tui.commands.portfolio import load_portfolio
    from kickoff_tui.record.portfolio import demands, mix_options, peak_hour_set
    from kickoff_tui.sizing import SizingInputs
    from kickoff_tui.sizing.portfolio import Demand, Sizings, optimise_mix, size_portfolio

    portfolio = load_portfolio(str(ROOT / "examples" / "portfolio.toml"))
    work = demands(portfolio)
    candidates = portfolio.platform.gpu_candidates
    rows = []

    sizings = Sizings()
    start = time.perf_counter()
    size_portfolio(work, candidates, sizings)
    example_s = time.perf_counter() - start
    rows.append(("example portfolio (3 workloads)", example_s, sizings.calls))

    sizings = Sizings()
    start = time.perf_counter()
    optimise_mix(work, mix_options(portfolio), 1.0, candidates, sizings)  # nothing fits: all 18 costed
    rows.append(("model mix, every assignment (18)", time.perf_counter() - start, sizings.calls))

    big = [Demand(f"w{i}", SizingInputs(model=MODELS[i % len(MODELS)], peak_concurrency=10 + 7 * i,
                                        tpot_target_ms=40 + i), peak_hour_set(WINDOWS[i % len(WINDOWS)]), 0.3)
           for i in range(32)]
    sizings = Sizings()
    start = time.perf_counter()
    size_portfolio(big, None, sizings)
    rows.append(("32 workloads, every datacenter SKU", time.perf_counter() - start, sizings.calls))

    for label, seconds, calls in rows:
        print(f"{label:40} {seconds:7.2f} s  {calls:6d} sizer calls")
    ok = example_s <= TARGET_EXAMPLE_S
    print(f"example target {TARGET_EXAMPLE_S:g} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
