"""Defaults used in place of unanswered kickoff questions, each with where it comes from.

A spec built on these is plausible but provisional: every default used is listed in the spec's
``assumptions`` and shown as *assumed* until somebody answers the question.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UseCaseProfile:
    input_tokens: int
    output_tokens: int
    ttft_ms: float
    tpot_ms: float
    source: str


USE_CASE_PROFILES: dict[str, UseCaseProfile] = {
    "chat": UseCaseProfile(
        2_000, 400, 1_000, 50,
        "interactive chat: a few turns of history (~2K tokens), answers of a few hundred tokens; "
        "TPOT 50 ms (20 tokens/s) streams faster than people read; first token within a second "
        "(MLPerf Inference interactive LLM scenarios use 450 ms-2 s TTFT and 40-200 ms TPOT)",
    ),
    "rag": UseCaseProfile(
        6_000, 300, 2_000, 50,
        "retrieval-augmented answers: retrieved passages fill 4-8K tokens of context, the usual "
        "range (kickoff guide: most applications use 4-8K out of a 32K or 128K max)",
    ),
    "agent": UseCaseProfile(
        8_000, 500, 2_000, 40,
        "tool-using agents: long system prompts plus tool results (~8K), several calls per task, "
        "so per-token speed matters more than for chat",
    ),
    "code": UseCaseProfile(
        4_000, 300, 500, 30,
        "code assistants: file context of a few thousand tokens, completions must feel instant",
    ),
    "batch": UseCaseProfile(
        2_000, 500, 60_000, 200,
        "offline batch: no one waits on a token; loose latency bounds, size for throughput "
        "(MLPerf offline scenarios have no latency bound)",
    ),
}

DEFAULT_USE_CASE = "chat"
DEFAULT_MODEL = "llama-3.1-70b"
"""A widely deployed open model, used only until the AI team names theirs."""

DEFAULT_PEAK_CONCURRENCY = 32
"""In-flight requests for a pilot-sized deployment when the application owner has no figure yet."""

DEFAULT_REQUESTS_PER_USER_PER_HOUR = 20.0
"""An active user of an assistant sends a request every ~3 minutes at the peak hour; used only
when users are given without a request rate (and listed as an assumption)."""

DEFAULT_BURST_FACTOR = 1.0
"""Bursts over the stated peak when none is given: the stated peak is the design load, and also
the average the cost is priced at (so cost per token is then a lower bound)."""

DEFAULT_SLO_PERCENTILE = "p95"
DEFAULT_REDUNDANCY = "n+1"
"""One spare replica: survives one failure or one rolling firmware/driver update."""

DEFAULT_SPECULATIVE_SPEEDUP = 2.0
"""Kickoff guide: speculative decoding raises throughput roughly 2x when it is in scope."""

DEFAULT_RACK_POWER_BASIS = "breaker"
"""A rack figure is read as a breaker rating (derated to 80% continuous) until IT says it is a
contracted IT-load cap: the safe reading."""

DEFAULT_SPARE_NODES = 1
"""Nodes that may fail at once when "k spare nodes" is chosen without a k."""

DEFAULT_RACK_POWER_KW = 30.0
"""Rack feed assumed when IT has not given one: a high-density air/RDHx enterprise rack."""

DEFAULT_PRICE_BASIS = "on-demand"
DEFAULT_GROWTH_HEADROOM = 0.0
DEFAULT_PREFIX_HIT_RATE = 0.0
"""No prefix reuse is assumed until measured: sizing stays conservative."""
