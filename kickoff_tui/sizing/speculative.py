"""Speculative decoding as physics: what one target-model step verifies, what it keeps, and what
the drafter costs.

A drafter proposes ``k`` tokens; the target model checks all of them plus one of its own in a
single forward pass over ``k + 1`` positions per sequence. With a per-token acceptance rate ``a``
(each drafted token accepted independently, the first rejection ending the run), the expected
number of tokens a step emits is ``(1 - a^(k+1)) / (1 - a)`` (Leviathan, Kalman and Matias,
"Fast Inference from Transformers via Speculative Decoding", ICML 2023, eq. 1).

The drafter is not free: a separate draft model holds its own weights and runs ``k`` small
decode passes per step; EAGLE and MTP heads are about one transformer layer; n-gram (prompt
lookup) drafting runs on the CPU and costs nothing on the GPU.

Pure functions; every default is a named constant with its source.
"""

from __future__ import annotations

from dataclasses import dataclass

from kickoff_tui.catalog.schema import BYTES_PER_VALUE, Model

METHODS: tuple[str, ...] = ("draft-model", "eagle", "mtp", "ngram")


@dataclass(frozen=True)
class MethodDefault:
    draft_tokens: int
    acceptance: float
    source: str


METHOD_DEFAULTS: dict[str, MethodDefault] = {
    "draft-model": MethodDefault(
        4, 0.70,
        "a small model of the same family drafting 4 tokens; Leviathan et al. (ICML 2023) report "
        "per-token acceptance of 0.5-0.9 for such pairs, 0.7 is the middle",
    ),
    "eagle": MethodDefault(
        4, 0.75,
        "an EAGLE head drafting a chain of 4; the EAGLE papers (Li et al. 2024) report ~0.7-0.8 "
        "acceptance per drafted token on chat benchmarks (MT-Bench)",
    ),
    "mtp": MethodDefault(
        1, 0.85,
        "one multi-token-prediction module (DeepSeek-V3 style); the DeepSeek-V3 technical report "
        "measures 85-90% acceptance of the second token, the low end is used",
    ),
    "ngram": MethodDefault(
        3, 0.40,
        "prompt-lookup (n-gram) drafting of 3 tokens; acceptance depends on how much of the answer "
        "repeats the prompt (high for RAG quoting and code edits, low for open chat); 0.4 is a "
        "cautious middle until measured",
    ),
}
"""Draft length and per-token acceptance used when the AI team gives none, per method."""

DEFAULT_METHOD = "draft-model"

DRAFT_MODEL_PARAM_FRACTION = 0.05
"""Size of a draft model relative to the target when none is named: 1B-8B drafters for 70B-405B
targets (Llama 3.2 1B / 3.1 8B for Llama 3.1 70B / 405B) are 2-10% of the target."""

HEAD_LAYERS = 1.0
"""EAGLE and MTP drafters are about one transformer layer of the target (EAGLE: one decoder
layer plus the shared LM head; DeepSeek-V3 MTP: one transformer block per extra token)."""

MAX_ACCEPTANCE = 0.99
"""Acceptance is capped below 1 (a rate of 1 would mean the drafter is the model)."""


def accepted_tokens_per_step(acceptance: float, draft_tokens: int) -> float:
    """Expected tokens one verification step emits: (1 - a^(k+1)) / (1 - a); k + 1 at a = 1."""
    a = min(max(acceptance, 0.0), 1.0)
    k = max(int(draft_tokens), 0)
    if a >= 1.0:
        return float(k + 1)
    return (1.0 - a ** (k + 1)) / (1.0 - a)


@dataclass(frozen=True)
class SpeculativePlan:
    """What speculative decoding does to one replica's decode step."""

    method: str
    draft_tokens: int
    """k: tokens the drafter proposes per step."""
    acceptance: float
    """a: chance each drafted token is accepted."""
    accepted_per_step: float
    """Tokens emitted per target step (the decode speed-up before the drafter's cost)."""
    verified_positions: int
    """Positions the target computes per sequence per step: k + 1."""
    draft_weight_bytes: float
    """Memory the drafter's weights take (whole replica, before sharding)."""
    draft_time_fraction: float
    """Drafter time per step as a share of one target decode step (memory-bound reads)."""
    measured: bool
    """True when the speed-up or acceptance comes from the AI team's measurement."""
    source: str

    @property
    def net_speedup(self) -> float:
        """Accepted tokens per step over the step's extra drafting time."""
        return self.accepted_per_step / (1.0 + self.draft_time_fraction)

    def why(self) -> str:
        draft = (f"; drafter {self.draft_weight_bytes / 1e9:.1f} GB of weights, "
                 f"{self.draft_time_fraction:.0%} of a step" if self.draft_weight_bytes else "")
        return (f"{self.method}: k = {self.draft_tokens} drafted, acceptance {self.acceptance:.2f} "
                f"-> (1 - {self.acceptance:.2f}^{self.draft_tokens + 1}) / (1 - {self.acceptance:.2f}) "
                f"= {self.accepted_per_step:.2f} tokens per step, {self.verified_positions} positions "
                f"verified{draft} ({self.source})")


def drafter_cost(method: str, target: Model, precision: str, draft_tokens: int,
                 draft: Model | None = None) -> tuple[float, float]:
    """(draft weight bytes, draft time per step as a share of a target decode step).

    Decode is bound by weight reads, so k drafter passes cost about k x (drafter bytes / target
    bytes) of one target step."""
    nbytes = BYTES_PER_VALUE.get(precision, 2.0)
    target_bytes = target.total_params * nbytes
    if method == "ngram":
        return 0.0, 0.0
    if method in ("eagle", "mtp"):
        layer_params = max(target.active_params - target.embedding_params, 1) / target.layers
        head_bytes = (HEAD_LAYERS * layer_params + target.hidden_size * target.vocab_size) * nbytes
        active_bytes = target.active_params * nbytes
        return head_bytes, draft_tokens * head_bytes / max(active_bytes, 1.0)
    draft_bytes = (draft.total_params * nbytes) if draft is not None else target_bytes * DRAFT_MODEL_PARAM_FRACTION
    return draft_bytes, draft_tokens * draft_bytes / max(target.active_params * nbytes, 1.0)


def plan(target: Model, precision: str, method: str | None = None, draft_tokens: int | None = None,
         acceptance: float | None = None, speedup: float | None = None,
         draft: Model | None = None, measured: bool = False) -> SpeculativePlan:
    """The speculative plan from whatever the AI team answered.

    An acceptance rate gives the accepted tokens by the formula; a bare speed-up figure (the
    older question) is read as accepted tokens per step and the acceptance solved from it."""
    method = method if method in METHODS else DEFAULT_METHOD
    default = METHOD_DEFAULTS[method]
    k = draft_tokens if draft_tokens is not None and draft_tokens >= 1 else default.draft_tokens
    source = default.source
    if acceptance is not None:
        a = min(max(acceptance, 0.0), MAX_ACCEPTANCE)
        source = "acceptance rate given by the AI team" + (" (measured)" if measured else "")
    elif speedup is not None:
        a = _acceptance_for(speedup, k)
        if accepted_tokens_per_step(a, k) + 1e-9 < speedup:  # k too short for that speed-up
            k = max(k, int(speedup + 0.999))
            a = _acceptance_for(speedup, k)
        source = f"speed-up {speedup:g}x given by the AI team" + (" (measured)" if measured else "")
    else:
        a = default.acceptance
    accepted = accepted_tokens_per_step(a, k)
    weight_bytes, fraction = drafter_cost(method, target, precision, k, draft)
    return SpeculativePlan(method=method, draft_tokens=k, acceptance=round(a, 4),
                           accepted_per_step=accepted, verified_positions=k + 1,
                           draft_weight_bytes=weight_bytes, draft_time_fraction=fraction,
                           measured=measured, source=source)


def _acceptance_for(speedup: float, k: int) -> float:
    """Per-token acceptance that yields ``speedup`` accepted tokens per step at draft length k
    (bisection; the formula rises with a)."""
    lo, hi = 0.0, MAX_ACCEPTANCE
    for _ in range(60):
        mid = (lo + hi) / 2
        if accepted_tokens_per_step(mid, k) < speedup:
            lo = mid
        else:
            hi = mid
    return hi
