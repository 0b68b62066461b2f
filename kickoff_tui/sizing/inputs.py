"""The kickoff's answers as sizing inputs: one pydantic model, every field optional.

A field left as ``None`` is filled from a stated default (use-case defaults for token lengths and
SLOs, conservative defaults for the rest) and the resulting spec lists it as an *assumption*.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

UseCase = Literal["chat", "rag", "agent", "code", "batch"]
Redundancy = Literal["none", "n+1", "n+2", "spare-node", "2n", "multi-site"]
Cooling = Literal["air", "rdhx", "dlc"]
PriceBasis = Literal["on-demand", "reserved-1y", "reserved-3y", "spot", "purchase"]
Percentile = Literal["p50", "p90", "p95", "p99"]
Fabric = Literal["auto", "ethernet", "roce", "infiniband", "nvlink"]

REDUNDANCY_CHOICES: tuple[str, ...] = ("none", "n+1", "n+2", "spare-node", "2n", "multi-site")
USE_CASES: tuple[str, ...] = ("chat", "rag", "agent", "code", "batch")


class SizingInputs(BaseModel):
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
    """Peak over average traffic, applied when concurrency is derived from averages."""
    ttft_target_ms: float | None = Field(default=None, gt=0, le=600_000)
    tpot_target_ms: float | None = Field(default=None, gt=0, le=60_000)
    slo_percentile: Percentile | None = None
    redundancy: Redundancy | None = None
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
    finetuned_variants: int | None = Field(default=None, ge=1, le=10_000)
    lora_adapters: bool | None = None
    gpu_memory_utilization: float | None = Field(default=None, gt=0.1, le=0.99)

    # IT
    gpu: str | None = None
    """Catalog id, or None / "recommend" to compare every SKU."""
    gpu_count_budget: int | None = Field(default=None, ge=1, le=1_000_000)
    """GPUs IT already has or plans to buy (checked against the spec, never used to size it)."""
    gpus_per_node: int | None = Field(default=None, ge=1, le=72)
    fabric: Fabric | None = None
    rack_power_kw: float | None = Field(default=None, gt=0, le=2_000)
    cooling: Cooling | None = None
    price_basis: PriceBasis | None = None

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
