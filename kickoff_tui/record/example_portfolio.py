"""The example portfolio session in ``examples/``: one platform, three workloads (a 70B chat
assistant, an 8B ticket classifier that re-runs its backlog at night, a coding agent on a MoE
model), answered in one kickoff and signed off as one fleet.

Regenerate the file after a catalog or sizer change with::

    python -m kickoff_tui.record.example_portfolio examples/session-portfolio.toml
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from kickoff_tui.record.example import STEP, stepping_clock
from kickoff_tui.record.session import Session

EXAMPLE_FILE = "session-portfolio.toml"
START = datetime(2026, 2, 3, 9, 0, tzinfo=timezone.utc)
DANA, SAM, PRIYA = "Dana Okafor", "Sam Lindqvist", "Priya Raman"


def build_portfolio_session(clock: Callable[[], datetime] | None = None) -> Session:
    """Play the portfolio kickoff through the same methods the app calls."""
    s = Session.new(
        "Shared inference platform, 2027 plan",
        participants=[(DANA, "app_owner"), (SAM, "ai_team"), (PRIYA, "it")],
        clock=clock or stepping_clock(START, STEP),
        session_id="2026-02-03-shared-platform",
    )
    app, ai, it = "app_owner", "ai_team", "it"

    # IT: once for the whole platform
    s.record_answer("gpu", "h200-sxm", PRIYA, it, "The framework agreement's current SKU.")
    s.record_answer("rack_power_kw", 35, PRIYA, it, "Hall C racks.")
    s.record_answer("cooling", "rdhx", PRIYA, it, "Rear-door heat exchangers in Hall C.")
    s.record_answer("price_basis", "reserved-1y", PRIYA, it, "Budgeted as a one-year reservation.")
    s.record_answer("maintenance_window", "quarterly", PRIYA, it, "The data-centre change calendar.")
    s.record_answer("maintenance_window_length", "4h", PRIYA, it, "Saturday morning, replica by replica.")
    s.record_answer("dev_cluster", "scaled-down", PRIYA, it, "One node for upgrade tests.")

    # The application owners' inventory: three services on one platform
    s.add_workload("chat assistant", DANA, by_role=app, rationale="Employee assistant, office hours.")
    s.add_workload("ticket classifier", DANA, by_role=app, rationale="Routes service-desk tickets.")
    s.add_workload("coding agent", DANA, by_role=app, rationale="IDE assistant for 600 developers.")

    w = "chat assistant"
    s.record_answer("use_case", "chat", DANA, app, workload=w)
    s.record_answer("users", 3000, DANA, app, "Busiest hour, from the SSO logs.", workload=w)
    s.record_answer("peak_concurrency", 150, DANA, app, "Gateway logs of the pilot, scaled.", workload=w)
    s.record_answer("ttft_target_ms", 1000, DANA, app, workload=w)
    s.record_answer("tpot_target_ms", 50, DANA, app, "Faster than people read.", workload=w)
    s.record_answer("slo_percentile", "p95", DANA, app, workload=w)
    s.record_answer("redundancy", "n+1", DANA, app, workload=w)
    s.record_answer("model", "llama-3.3-70b", SAM, ai, "Best on our eval set.", workload=w)
    s.record_answer("precision", "fp8", SAM, ai, "Within noise of BF16 on the eval.", workload=w)
    s.record_answer("avg_input_tokens", 3000, SAM, ai, workload=w)
    s.record_answer("avg_output_tokens", 400, SAM, ai, workload=w)
    s.record_answer("serving_engine", "vllm", SAM, ai, workload=w)
    s.record_answer("prefix_caching", True, SAM, ai, "Shared system prompt.", workload=w)

    w = "ticket classifier"
    s.record_answer("use_case", "batch", DANA, app, "The nightly backlog run sets the peak.", workload=w)
    s.record_answer("users", 40, DANA, app, "Desk agents; the batch has no users.", workload=w)
    s.record_answer("peak_concurrency", 400, DANA, app, "Batch job's worker pool.", workload=w)
    s.record_answer("ttft_target_ms", 5000, DANA, app, workload=w)
    s.record_answer("tpot_target_ms", 100, DANA, app, workload=w)
    s.record_answer("slo_percentile", "p95", DANA, app, workload=w)
    s.record_answer("redundancy", "n+1", DANA, app, workload=w)
    s.record_answer("model", "llama-3.1-8b", SAM, ai, "A label, not prose: 8B is enough.", workload=w)
    s.record_answer("precision", "fp8", SAM, ai, workload=w)
    s.record_answer("avg_input_tokens", 1200, SAM, ai, workload=w)
    s.record_answer("avg_output_tokens", 16, SAM, ai, "One label.", workload=w)
    s.record_answer("serving_engine", "vllm", SAM, ai, workload=w)

    w = "coding agent"
    s.record_answer("use_case", "agent", DANA, app, workload=w)
    s.record_answer("users", 600, DANA, app, "Developers with the IDE plug-in.", workload=w)
    s.record_answer("peak_concurrency", 60, DANA, app, "Pilot telemetry.", workload=w)
    s.record_answer("ttft_target_ms", 3000, DANA, app, workload=w)
    s.record_answer("tpot_target_ms", 40, DANA, app, workload=w)
    s.record_answer("slo_percentile", "p95", DANA, app, workload=w)
    s.record_answer("redundancy", "n+1", DANA, app, workload=w)
    s.record_answer("model", "qwen3-235b-a22b", SAM, ai, "MoE: 22B active, best on our code eval.", workload=w)
    s.record_answer("precision", "fp8", SAM, ai, workload=w)
    s.record_answer("avg_input_tokens", 8000, SAM, ai, "Repository context.", workload=w)
    s.record_answer("avg_output_tokens", 500, SAM, ai, workload=w)
    s.record_answer("serving_engine", "vllm", SAM, ai, workload=w)

    # Sign-off and review: once, for the fleet
    s.record_answer("review_cadence", "quarterly", PRIYA, it, "With the maintenance window.")
    s.record_answer("signoff_ai_team", True, SAM, ai, "Models and precisions are the evaluated ones.")
    s.record_answer("signoff_it", True, PRIYA, it, "The shared fleet fits Hall C.")
    return s


def main(argv: list[str] | None = None) -> int:
    from kickoff_tui.record.io import save_session

    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("examples") / EXAMPLE_FILE
    save_session(build_portfolio_session(), target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
