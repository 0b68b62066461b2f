"""Leave-one-GPU-out check of everything calibrated from data (build time).

    python scripts/leave_one_gpu_out.py [--markdown]

For every GPU in the calibration set: refit the engine-profile values that
``scripts/fit_engines.py`` fits (per-engine request overhead, MoE prefill cost, first-token lag and kernel-efficiency
multiplier)
on the rows of all OTHER GPUs, then score that GPU's rows with the refitted profiles. The
held-out errors of all GPUs together are reported per metric family and per GPU: the figure a
user should expect on a part the model was not calibrated on.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import fit_engines as F  # noqa: E402

from kickoff_tui.catalog import engines as E  # noqa: E402
from kickoff_tui.sizing import calibration as CAL  # noqa: E402


FITTED = ("sglang", "tensorrt-llm", "vllm-rocm", "sglang-rocm", "atom")
"""Engines whose values scripts/fit_engines.py fits from the data (vllm and generic derive
their fixed cost from these)."""


PRIOR_REQUEST_OVERHEAD_S = 0.05
"""Fixed per-request cost before any fit (an unprofiled engine's documented assumption)."""


def restore(prior: bool = False) -> None:
    """Reload the shipped profiles; with ``prior`` forget every fitted value first (multipliers
    back to the reference engine's 1.0, fixed costs re-derived by the fit), so that a GPU's rows
    never leak into the profile used to score them."""
    E.clear_cache()
    if not prior:
        return
    for engine_id in FITTED:
        F.set_profile(engine_id, **{k: 1.0 for k in F.MULTIPLIERS})
    for engine_id in E.ENGINE_IDS:
        F.set_profile(engine_id, request_overhead_s=PRIOR_REQUEST_OVERHEAD_S, moe_prefill_layer_s=0.0,
                      first_token_steps=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true")
    parser.parse_args()  # the tables are Markdown with or without --markdown
    rows = F.all_cases()
    held_out: list[CAL.CalibrationRow] = []
    per_gpu: dict[str, list[CAL.CalibrationRow]] = defaultdict(list)
    for gpu in sorted({r.row.gpu for r in rows}):
        restore(prior=True)
        F.fit([r for r in rows if r.row.gpu != gpu], analog_multipliers=FITTED)
        scored = CAL.score([(r.source, r.row, r.metric, r.measured) for r in rows if r.row.gpu == gpu])
        held_out.extend(scored)
        per_gpu[gpu] = scored
    restore()
    report = CAL.report(held_out)
    lines = ["| held-out group | rows | median abs. error | within 25% | within 2x |", "|---|---:|---:|---:|---:|"]
    for g in [*report.by_metric, report.overall]:
        lines.append(f"| {g.name} | {g.rows} | {CAL_pct(g.median_abs_error)} | {CAL_pct(g.within_25)} | {CAL_pct(g.within_2x)} |")
    lines += ["", "| held-out GPU | rows | throughput | TPOT | TTFT |", "|---|---:|---:|---:|---:|"]
    for gpu, scored in per_gpu.items():
        fam = defaultdict(list)
        for r in scored:
            if r.error is not None:
                fam[CAL.FAMILY.get(r.metric, "")].append(abs(r.error))
        cell = {k: (f"{statistics.median(v):.0%}" if v else "-") for k, v in fam.items()}
        lines.append(f"| {gpu} | {len(scored)} | {cell.get('throughput', '-')} | {cell.get('tpot', '-')} | {cell.get('ttft', '-')} |")
    print("\n".join(lines))


def CAL_pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


if __name__ == "__main__":
    main()
