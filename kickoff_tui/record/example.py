"""The example session in ``examples/``: a complete kickoff, from participants to sign-off.

Regenerate the file after a catalog or sizer change with::

    python -m kickoff_tui.record.example examples/session-support-assistant.toml
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from kickoff_tui.planning.scorecard import Criterion, Provider, Scorecard
from kickoff_tui.record.session import Session

EXAMPLE_FILE = "session-support-assistant.toml"
START = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
STEP = timedelta(minutes=2)
"""The example's clock: the meeting starts at 09:00 UTC and every action takes two minutes."""

DANA, SAM, PRIYA = "Dana Okafor", "Sam Lindqvist", "Priya Raman"


def stepping_clock(start: datetime = START, step: timedelta = STEP) -> Callable[[], datetime]:
    """A clock that moves ``step`` forward on every call (deterministic timestamps)."""
    ticks = iter(range(1_000_000))
    return lambda: start + next(ticks) * step


def example_scorecard() -> Scorecard:
    """IT's vendor scorecard in the example: the framework cloud against two alternatives."""
    weights = {"GPU availability": 25, "Price": 25, "Support": 20, "Data residency": 20, "Ecosystem": 10}
    scores = {
        "Framework cloud": (8, 6, 8, 10, 9),
        "GPU neocloud": (9, 9, 6, 6, 5),
        "Own data centre": (4, 7, 7, 10, 6),
    }
    names = list(weights)
    return Scorecard(
        criteria=[Criterion(name=n, weight=w) for n, w in weights.items()],
        providers=[Provider(name=p, scores=dict(zip(names, s, strict=True))) for p, s in scores.items()],
    )


def build_example_session(clock: Callable[[], datetime] | None = None) -> Session:
    """Play the example meeting through the same methods the app calls."""
    s = Session.new(
        "Support assistant for the service desk",
        participants=[(DANA, "app_owner"), (SAM, "ai_team"), (PRIYA, "it")],
        clock=clock or stepping_clock(),
        session_id="2026-01-15-support-assistant",
    )
    app, ai, it = "app_owner", "ai_team", "it"

    # Application owner
    s.record_answer("use_case", "rag", DANA, app, "Agents ask in plain words; answers quote the knowledge base.")
    s.record_answer("users", 1200, DANA, app, "Service desk staff on the busiest shift, from the SSO logs.")
    s.record_answer("peak_concurrency", 80, SAM, ai, "Rough guess from the pilot.")
    s.record_answer(
        "peak_concurrency", 120, DANA, app,
        "Pilot gateway logs: 31 in flight at p99 for 300 users; scaled to 1,200 users.",
    )
    s.record_answer("tpot_target_ms", 20, DANA, app, "As fast as possible.")
    s.record_answer(
        "tpot_target_ms", 50, DANA, app,
        "Agents read along while the answer streams; 20 tokens/s is faster than they read.",
    )
    s.record_answer("ttft_target_ms", 1500, DANA, app, "The agent is on the phone; 1.5 s before text appears is fine.")
    s.record_answer("slo_percentile", "p95", DANA, app, "Matches the desk's other service levels.")
    s.record_answer("redundancy", "n+1", DANA, app, "The desk can live with slower answers, not with none.")
    s.record_answer("expected_growth", 30, DANA, app, "Second desk joins in Q3 (about +30% at peak).")

    # AI team
    s.record_answer("model", "llama-3.3-70b", SAM, ai, "Best answer quality of the models we evaluated on 400 desk tickets.")
    s.record_answer("precision", "bf16", SAM, ai, "What we evaluated.")
    s.record_answer("avg_input_tokens", 6000, SAM, ai, "Prompt + 5 retrieved passages, measured in the pilot.")
    s.record_answer("avg_output_tokens", 350, SAM, ai, "Pilot average; answers are short by design.")
    s.record_answer("max_context_tokens", 32768, SAM, ai, "Engine limit; long tickets are truncated.")
    s.record_answer("size_for_max_context", False, SAM, ai, "Sized for the average; the limit is enforced.")
    s.record_answer("serving_engine", "vllm", SAM, ai, "Already runs the pilot.")
    s.record_answer("continuous_batching", True, SAM, ai)
    s.record_answer("paged_attention", True, SAM, ai)
    s.record_answer("prefix_caching", True, SAM, ai, "Shared system prompt of 1,100 tokens.")
    s.record_answer("speculative_decoding", False, SAM, ai, "Not measured yet; revisit at the first review.")
    s.record_answer("finetuned_variants", 1, SAM, ai, "One model for the whole desk.")

    # IT
    s.record_answer("gpu", "h100-sxm", PRIYA, it, "On the existing framework agreement.")
    # The GPU choice raises fp16-on-fp8-hardware; the AI team reruns its eval at FP8.
    s.record_answer("precision", "fp8", SAM, ai, "FP8 run of the same eval: 0.3 points lower, within noise.")
    s.record_answer("fabric", "roce", PRIYA, it, "The GPU pods share the RoCE fabric of the storage cluster.")
    s.record_answer("rack_power_kw", 40, PRIYA, it, "Hall B racks, two 20 kW feeds each.")
    s.record_answer("cooling", "rdhx", PRIYA, it, "Hall B has rear-door heat exchangers.")
    s.record_answer("price_basis", "reserved-1y", PRIYA, it, "Budgeted as a one-year reservation.")
    s.record_answer("growth_headroom", 30, PRIYA, it, "Matches the growth Dana expects.")
    s.record_answer("maintenance_window", "quarterly", PRIYA, it, "Aligned with the data-centre change calendar.")
    s.record_answer("maintenance_window_length", "4h", PRIYA, it, "Saturday 06:00-10:00, replica by replica.")
    s.record_answer("dev_cluster", "none", PRIYA, it, "No budget this fiscal year.")

    # Business case and costs (optional section)
    s.record_answer(
        "replaced_monthly_cost", 90_000, DANA, app,
        "About 2,000 agent hours a month answered by the assistant, at $45 an hour loaded.",
    )
    s.record_answer("setup_cost", 120_000, DANA, app, "Integration with the ticketing system and the pilot.")
    s.record_answer("monthly_traffic_growth", 3, DANA, app, "Ticket volume trend of the last 12 months.")
    s.record_answer("quoted_reserved_1y_price", 2.45, PRIYA, it, "Framework agreement rate for a 1-year H100 reservation.")
    s.record_answer("price_quote_source", "Framework agreement quote FA-2026-014", PRIYA, it)
    s.record_answer("price_quote_date", "2026-01-10", PRIYA, it)
    s.record_answer("ops_engineers_per_100_gpus", 1.5, PRIYA, it, "Platform team's ratio for the existing GPU pool.")
    s.record_answer("managed_api_price", 10, PRIYA, it, "List price of the hosted model we compared against.")
    s.set_scorecard(
        example_scorecard(), PRIYA, it,
        "Data residency rules out the neocloud's US regions; the framework agreement is in place.",
    )
    s.record_answer("provider_choice", "Framework cloud", PRIYA, it, "Highest weighted total on the scorecard.")
    s.acknowledge_flag(
        "no-dev-cluster",
        "Upgrades tested on the pilot box until two L40S dev servers arrive in Q3.",
        PRIYA,
    )

    # Sign-off and review
    s.record_answer("review_cadence", "quarterly", PRIYA, it, "With the maintenance window; the Q3 desk joins between reviews.")
    s.record_answer("signoff_ai_team", True, SAM, ai, "Model, precision and engine settings are the production ones.")
    s.record_answer("signoff_it", True, PRIYA, it, "The nodes fit Hall B racks at 40 kW each; the reservation is in budget.")
    return s


def main(argv: list[str] | None = None) -> int:
    from kickoff_tui.record.io import save_session

    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("examples") / EXAMPLE_FILE
    save_session(build_example_session(), target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
