"""Speed of the sizing core (a benchmark, not a test).

    python scripts/bench_sizing.py

Prints: one `estimate` call (median of many), a full `size()` with the SKU comparison over the
whole catalog (a dense model, and an MoE model for which the sizer also tries expert parallelism
and DP attention), and `kickoff estimate --batch` of 500 rows end to end (a fresh process, which
includes loading the measured kernel curves once).
Targets: estimate < 1 ms, size < 20 ms, 500-row batch < 2 s. ``size()`` is shown three ways:
asked again with the same inputs (warm: the operating-point memo answers most of it, as when a
session recomputes after a change that leaves the serving physics alone, e.g. the redundancy or
the rack power), cold (the memo cleared before each call: every operating point computed again),
and with a different answer each call (the prompt length changes, nothing is cleared: what a
user waits for after changing an answer that moves the physics). Medians; README.md
(Development) lists measured figures and the machine they were measured on.
"""

from __future__ import annotations

import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kickoff_tui.sizing import SizingInputs, estimate, size
from kickoff_tui.sizing.estimate import clear_memo

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int, cold: bool = False) -> float:
    samples = []
    for _ in range(repeat):
        if cold:
            clear_memo()  # forget the memoised operating points: a first computation
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    estimate("llama-3.1-70b", "h100-sxm", 8, 2000, 400, concurrency=64)  # warm the catalog cache
    one = timed(lambda: estimate("llama-3.1-70b", "h100-sxm", 8, 2000, 400, concurrency=64), 500)
    print(f"estimate (one call, median of 500):   {one * 1e3:.3f} ms   target < 1 ms")
    inputs = SizingInputs(model="llama-3.3-70b", peak_concurrency=300)
    full = timed(lambda: size(inputs), 30)
    print(f"size() with full SKU comparison:      {full * 1e3:.1f} ms   target < 20 ms (same inputs again: memo warm)")
    cold = timed(lambda: size(inputs), 30, cold=True)
    print(f"size() full SKU comparison, cold:     {cold * 1e3:.1f} ms   target < 20 ms (operating-point memo cleared before each call)")
    answers = iter(range(10_000))
    changed = timed(lambda: size(inputs.model_copy(update={"avg_input_tokens": 1000 + 7 * next(answers)})), 30)
    print(f"size() after a changed answer:        {changed * 1e3:.1f} ms   (a new prompt length each call, nothing cleared)")
    moe = SizingInputs(model="deepseek-r1", peak_concurrency=300, serving_engine="sglang")
    size(moe)
    moe_full = timed(lambda: size(moe), 10)
    moe_cold = timed(lambda: size(moe), 10, cold=True)
    print(f"size() MoE (TP / EP / DP-attention):  {moe_full * 1e3:.1f} ms warm, {moe_cold * 1e3:.1f} ms cold   (DeepSeek-R1, more layouts tried)")
    models = ["llama-3.1-8b", "llama-3.1-70b", "mixtral-8x7b", "deepseek-v3", "qwen3-32b"]
    gpu_ids = ["h100-sxm", "h200-sxm", "b200", "a100-80gb", "mi300x"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["model", "gpu", "gpus", "tensor_parallel", "precision", "kv_precision",
                             "input_tokens", "output_tokens", "concurrency"])
            for i in range(500):
                writer.writerow([models[i % 5], gpu_ids[(i // 5) % 5], 8, "", "", "", 500 + 37 * i,
                                 100 + 13 * i % 900, "max" if i % 3 == 0 else 1 + i % 200])
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "kickoff_tui", "estimate", "--batch", str(path), "--json"],
                              capture_output=True, text=True, cwd=ROOT)
        elapsed = time.perf_counter() - start
        assert done.returncode == 0, done.stderr
    print(f"estimate --batch 500 rows (process):  {elapsed:.2f} s    target < 2 s")


if __name__ == "__main__":
    main()
