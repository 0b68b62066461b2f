"""The kickoff's answers as sizing inputs: one pydantic model, every field optional.

A field left as ``None`` is filled from a stated default (use-case defaults for token lengths and
SLOs, conservative defaults for the rest) and the resulting spec lists it as an *assumption*.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from kickoff_tui.sizing.constants import MAX_GPUS
from kickoff_tui.validation import NoYesNoNumbers

UseCase = Literal["chat", "rag", "agent", "code", "batch"]
Redundancy = Literal["none", "n+1", "n+2", "spare-node", "n+2-node", "spare-nodes", "2n", "multi-site"]
Cooling = Literal["air", "rdhx", "dlc"]
PriceBasis = Literal["on-demand", "reserved-1y", "reserved-3y", "spot", "purchase"]
Percentile = Literal["p50", "p90", "p95", "p99"]
Fabric = Literal["auto", "ethernet", "roce", "infiniband", "nvlink"]

RackPowerBasis = Literal["it-cap", "breaker"]
SpeculativeMethod = Literal["draft-model", "eagle", "mtp", "ngram"]

REDUNDANCY_CHOICES: tuple[str, ...] = (
    "none", "n+1", "n+2", "spare-node", "n+2-node", "spare-nodes", "2n", "multi-site",
)
"""Failure domains a spec can survive: none; one or two replicas (N+1 / N+2 GPUs); one or two
nodes (``spare-node`` is N+1 nodes, ``n+2-node`` N+2 nodes); ``spare-nodes`` k nodes
(``spare_nodes``); ``2n`` half the fleet; ``multi-site`` a whole site (a second site carries
the peak)."""
USE_CASES: tuple[str, ...] = ("chat", "rag", "agent", "code", "batch")


class SizingInputs(NoYesNoNumbers):
    """Everything the sizer may be told. ``None`` means "not answered yet"."""

    model_config = ConfigDict(extra="forbid")

    # Application owner
    use_case: UseCase | None = None
    peak_concurrency: int | None = Field(default=None, ge=1, le=10_000_000)
    """Peak concurrent in-flight requests (being prefilled or decoded at the same instant)."""
    users: int | None = Field(default=None, ge=1, le=1_000_000_000)
    """Active users at the peak hour; converted with Little's law when no concurrency is given."""
    requests_per_user_per_hour: float | None = Field(default=None, gt=0, le=100_000)
    requests_per_second: float | None = Field(default=None, gt=0, le=10_000_000)
    """Peak request rate; converted to in-flight requests with Little's law."""
    burst_factor: float | None = Field(default=None, ge=1, le=100)
    """Bursts over the stated peak: the design load is the peak x burst (unless
    ``burst_included``); the stated peak is the average the cost is priced at."""
    burst_included: bool | None = None
    """True when the stated peak already includes bursts: design load = the peak, and the
    average load (for cost) = peak / burst."""
    ttft_target_ms: float | None = Field(default=None, gt=0, le=600_000)
    tpot_target_ms: float | None = Field(default=None, gt=0, le=60_000)
    slo_percentile: Percentile | None = None
    redundancy: Redundancy | None = None
    spare_nodes: int | None = Field(default=None, ge=1, le=1_000)
    """k for ``redundancy = "spare-nodes"``: whole nodes that may fail at once."""
    growth_headroom: float | None = Field(default=None, ge=0, le=10)
    """Extra capacity for growth, as a fraction (0.5 = +50 %)."""
    expected_growth: float | None = Field(default=None, ge=0, le=100)
    """Traffic growth the application owner expects over the planning horizon, fraction."""

    # AI team
    model: str | None = None
    precision: str | None = None
    kv_precision: str | None = None
    avg_input_tokens: int | None = Field(default=None, ge=1, le=10_000_000)
    avg_output_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    max_context_tokens: int | None = Field(default=None, ge=1, le=100_000_000)
    size_for_max_context: bool | None = None
    """True when the team insists on sizing every request at the max context (a red flag)."""
    serving_engine: str | None = None
    continuous_batching: bool | None = None
    paged_attention: bool | None = None
    prefix_caching: bool | None = None
    prefix_hit_rate: float | None = Field(default=None, ge=0, le=1)
    speculative_decoding: bool | None = None
    speculative_speedup: float | None = Field(default=None, ge=1, le=10)
    speculative_evidence: bool | None = None
    """Whether the speed-up was measured on this workload (not just quoted)."""
    speculative_method: SpeculativeMethod | None = None
    """How drafts are made: a separate draft model, an EAGLE head, MTP modules, n-gram lookup."""
    speculative_draft_tokens: int | None = Field(default=None, ge=1, le=16)
    """k: tokens drafted per step (the target verifies k + 1 positions)."""
    speculative_acceptance: float | None = Field(default=None, gt=0, lt=1)
    """Per-token acceptance rate of the drafts (measured by the AI team)."""
    draft_model: str | None = None
    """Catalog id of the draft model (``draft-model`` method)."""
    finetuned_variants: int | None = Field(default=None, ge=1, le=10_000)
    lora_adapters: bool | None = None
    gpu_memory_utilization: float | None = Field(default=None, gt=0.1, le=0.99)

    # IT
    gpu: str | None = None
    """Catalog id, or None / "recommend" to compare every SKU."""
    gpu_count_budget: int | None = Field(default=None, ge=1, le=MAX_GPUS)
    """GPUs IT already has or plans to buy (checked against the spec, never used to size it)."""
    gpus_per_node: int | None = Field(default=None, ge=1, le=72)
    fabric: Fabric | None = None
    rack_power_kw: float | None = Field(default=None, gt=0, le=2_000)
    rack_power_basis: RackPowerBasis | None = None
    """What the rack figure is: a contracted IT-load cap (servers may draw all of it) or a
    breaker rating (continuous load derated to 80%)."""
    cooling: Cooling | None = None
    price_basis: PriceBasis | None = None
    monthly_budget_usd: float | None = Field(default=None, gt=0, le=1e10)
    """What IT has budgeted per month (checked against the spec, never used to size it)."""

    @field_validator("serving_engine")
    @classmethod
    def _known_engine(cls, value: str | None) -> str | None:
        from kickoff_tui.catalog.engines import engine_choices_words, is_known_engine

        if value is not None and not is_known_engine(value):
            raise ValueError(f"unknown serving engine {value!r}; use {engine_choices_words()}")
        return value

    @model_validator(mode="after")
    def _tokens_consistent(self) -> "SizingInputs":
        if (
            self.max_context_tokens is not None
            and self.avg_input_tokens is not None
            and self.avg_output_tokens is not None
            and self.avg_input_tokens + self.avg_output_tokens > self.max_context_tokens
        ):
            raise ValueError("average input + output tokens exceed the max context")
        return self
