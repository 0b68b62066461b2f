"""Red-flag rules: pure functions over the answers, the sizing inputs and the sized spec.

Each rule looks at one :class:`FlagContext` and returns the :class:`Flag` objects it raises (none
when the pattern is absent). A rule never changes anything; the session merges what the rules
return into its list of :class:`FlagRecord` (open, acknowledged with a reason, or resolved).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kickoff_tui.errors import KickoffError
from kickoff_tui.record.models import SCORECARD_OWNER, Answer, ReviewCadence, SignOff, UtcDatetime
from kickoff_tui.record.text import cooling_words
from kickoff_tui.record.questionnaire import (
    ROLE_LABELS,
    SIGNOFF_ROLES,
    Questionnaire,
    Role,
)
from kickoff_tui.sizing.inputs import SizingInputs
from kickoff_tui.sizing.spec import SizedSpec

if TYPE_CHECKING:
    from kickoff_tui.planning import PlanningOverrides
    from kickoff_tui.record.models import ScorecardRecord

Severity = Literal["info", "warning", "critical"]
SEVERITY_ORDER: dict[str, int] = {"critical": 0, "warning": 1, "info": 2}
"""Sort key: most severe first."""

FlagState = Literal["open", "acknowledged", "resolved"]


class Flag(BaseModel):
    """A red flag as a rule raises it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    """``rule`` alone, or ``rule:subject`` when a rule can raise several (one per question)."""
    rule: str = ""
    """The rule that raised it; taken from ``id`` (the part before ``:``) when not given."""
    severity: Severity
    owner: Role
    """The role expected to act on it."""
    message: str
    fix: str
    """What to suggest in the meeting."""
    questions: tuple[str, ...] = ()
    """Ids of the questions the flag is about (for jumping to them)."""

    @model_validator(mode="before")
    @classmethod
    def _rule_from_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("rule") and isinstance(data.get("id"), str):
            data = {**data, "rule": data["id"].split(":", 1)[0]}
        return data


class FlagRecord(BaseModel):
    """A red flag as the session keeps it: the last raised content plus its state."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str
    rule: str
    severity: Severity
    owner: Role
    message: str
    fix: str
    questions: list[str] = Field(default_factory=list)
    state: FlagState = "open"
    raised_at: UtcDatetime
    """When the flag was (last) raised."""
    by: str = ""
    """Who acknowledged or resolved it (empty when it resolved itself)."""
    reason: str = ""
    """Why it was acknowledged or resolved."""
    changed_at: UtcDatetime | None = None
    """When it was acknowledged or resolved."""
    raised: bool = True
    """Whether its rule still raises it. A flag resolved by a person stays resolved while raised;
    once the rule stops raising it, raising it again opens it afresh."""

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def is_active(self) -> bool:
        """Still raised by its rule (open or acknowledged)."""
        return self.state != "resolved"


@dataclass(frozen=True)
class FlagContext:
    """Everything a rule may look at."""

    questionnaire: Questionnaire
    answers: Mapping[str, Answer]
    inputs: SizingInputs
    spec: SizedSpec | None
    signoffs: Sequence[SignOff] = ()
    cadence: ReviewCadence | None = None
    gpu_architecture: str | None = field(default=None)
    """Architecture of the spec's GPU (Ampere, Hopper...), looked up in the catalog."""
    planning: PlanningOverrides | None = None
    """Cost quotes, growth and business case from the answers (``Session.planning()``)."""
    scorecard: ScorecardRecord | None = None
    """The vendor scorecard as recorded (who set it, for which role)."""

    def value(self, question_id: str) -> object | None:
        """The answer to a question, or its default, or None."""
        answer = self.answers.get(question_id)
        if answer is not None:
            return answer.value
        question = self.questionnaire.find(question_id)
        return question.default if question is not None else None

    def question_for(self, field_name: str) -> str | None:
        question = self.questionnaire.feeding(field_name)
        return question.id if question is not None else None

    def about(self, *fields: str) -> tuple[str, ...]:
        """Ids of the questions feeding these sizing inputs (those the questionnaire has)."""
        found = [self.question_for(f) for f in fields]
        return tuple(q for q in found if q is not None)


Rule = Callable[[FlagContext], list[Flag]]


@dataclass(frozen=True)
class RuleInfo:
    """A registered rule: id, one-line description, the function."""

    id: str
    title: str
    check: Rule


RULES: dict[str, RuleInfo] = {}
"""Every rule by id, in the order they were written (also the order flags are listed)."""


def rule(rule_id: str, title: str) -> Callable[[Rule], Rule]:
    def register(check: Rule) -> Rule:
        RULES[rule_id] = RuleInfo(rule_id, title, check)
        return check

    return register


# --- constants ------------------------------------------------------------------------------------

MODERN_FP8_ARCHITECTURES: tuple[str, ...] = ("hopper", "blackwell")
"""NVIDIA generations with FP8 tensor cores (Hopper: H100/H200; Blackwell: B200/GB200), where
FP8 serving is the expected baseline rather than FP16/BF16."""

AMPERE = "ampere"
"""A100/A10/A30 generation: no FP8 tensor-core math (FP8 runs weight-only at best)."""

SIXTEEN_BIT: tuple[str, ...] = ("fp16", "bf16")

FAST_SCALE_OUT_FABRICS: tuple[str, ...] = ("infiniband", "roce", "nvlink")
"""Fabrics with RDMA-class latency and bandwidth: good enough to split one replica across nodes
(pipeline stages). Plain Ethernet (TCP) is not."""

HEADROOM_EXCESS_LIMIT = 0.5
"""Headroom may exceed the stated growth by this much (50 points) before it is flagged: beyond it
the capacity is bought "to be safe" rather than for the growth anyone expects."""

HEADROOM_RATIO_LIMIT = 2.0
"""...and only when the headroom is also more than twice the stated growth."""

GPU_BUDGET_RATIO_LIMIT = 2.0
"""IT's planned GPU count more than twice what the spec needs is over-buying ("20 servers to be
safe")."""

_AS_FAST_AS_POSSIBLE = re.compile(
    r"as (?:fast|quick|low|short) as (?:possible|we can)|\basap\b|fastest possible"
    r"|zero latency|no latency|instant(?:aneous|ly)?\b",
    re.IGNORECASE,
)
"""Phrases that stand in for a latency target instead of giving one."""


def role_phrase(role: str) -> str:
    """A role inside a sentence: "IT", "the AI team", "the application owner"."""
    label = ROLE_LABELS[role]
    return label if role == "it" else f"the {label}"


def _engine_not_built_for(ctx: FlagContext) -> str:
    """"<engine> does not run on <vendor> GPUs" when the engine answered has no build for the
    spec's GPU vendor, else ""."""
    if ctx.spec is None or not ctx.spec.gpu:
        return ""
    from kickoff_tui.catalog import CatalogError, get_gpu
    from kickoff_tui.catalog.engines import engine_for, not_run_reason

    try:
        gpu = get_gpu(ctx.spec.gpu)
        engine, _ = engine_for(ctx.inputs.serving_engine, gpu.vendor)
    except (CatalogError, ValueError):
        return ""
    return "" if engine.runs_on(gpu.vendor) else not_run_reason(engine, gpu.vendor)


def _gpu_words(ctx: FlagContext) -> str:
    if ctx.spec is None:
        return "the chosen GPU"
    return ctx.spec.gpu_name or ctx.spec.gpu or "the chosen GPU"


# --- rules ----------------------------------------------------------------------------------------


@rule("max-context-sizing", "sizing every request at the max context instead of the average")
def max_context_sizing(ctx: FlagContext) -> list[Flag]:
    if ctx.inputs.size_for_max_context is not True:
        return []
    sized = f" ({ctx.spec.sized_context_tokens:,} tokens per sequence)" if ctx.spec else ""
    return [
        Flag(
            id="max-context-sizing",
            severity="warning",
            owner="ai_team",
            message=f"Every request is sized at the max context{sized}; most applications use a "
            "small part of it on average, so this over-provisions KV cache and GPUs.",
            fix="Size for the measured average input and output length and keep the max context "
            "as a limit the engine enforces.",
            questions=ctx.about("size_for_max_context", "avg_input_tokens", "max_context_tokens"),
        )
    ]


@rule("fp16-on-fp8-hardware", "FP16/BF16 serving on Hopper or Blackwell")
def fp16_on_fp8_hardware(ctx: FlagContext) -> list[Flag]:
    precision = ctx.inputs.precision or (ctx.spec.precision if ctx.spec else None)
    arch = (ctx.gpu_architecture or "").lower()
    if precision not in SIXTEEN_BIT or not arch.startswith(MODERN_FP8_ARCHITECTURES):
        return []
    return [
        Flag(
            id="fp16-on-fp8-hardware",
            severity="warning",
            owner="ai_team",
            message=f"Serving at {precision.upper()} on {_gpu_words(ctx)} ({ctx.gpu_architecture}) "
            "leaves its FP8 tensor cores idle and doubles the weight and KV memory.",
            fix="Serve at FP8 (quality is usually within noise for this class of model) or write "
            "down the quality result that rules it out.",
            questions=ctx.about("precision"),
        )
    ]


@rule("fp8-on-ampere", "FP8 asked of an Ampere part")
def fp8_on_ampere(ctx: FlagContext) -> list[Flag]:
    if ctx.spec is None:
        return []
    precision = ctx.inputs.precision or ctx.spec.precision
    arch = (ctx.gpu_architecture or "").lower()
    if precision != "fp8" or not (arch.startswith(AMPERE) or ctx.spec.weight_only):
        return []
    return [
        Flag(
            id="fp8-on-ampere",
            severity="warning",
            owner="ai_team",
            message=f"FP8 is asked of {_gpu_words(ctx)}, which has no FP8 tensor cores: weights "
            "are stored in FP8 but the math runs at 16 bit, so the FP8 speed-up does not come.",
            fix="Plan on INT8/FP16 for this SKU, or move to a Hopper/Blackwell part if FP8 "
            "throughput is what the sizing counts on.",
            questions=ctx.about("precision", "gpu"),
        )
    ]


@rule("concurrency-not-in-flight", "concurrency given as users or requests per second")
def concurrency_not_in_flight(ctx: FlagContext) -> list[Flag]:
    inputs = ctx.inputs
    if inputs.peak_concurrency is not None:
        return []
    if inputs.users is None and inputs.requests_per_second is None:
        return []
    given = "active users" if inputs.users is not None else "requests per second"
    derived = f" (derived: {ctx.spec.peak_concurrency:,})" if ctx.spec else ""
    return [
        Flag(
            id="concurrency-not-in-flight",
            severity="warning",
            owner="app_owner",
            message=f"Load is given as {given}, not as peak in-flight requests; the conversion "
            f"rests on guessed request rates and durations{derived}.",
            fix="Give the peak number of requests being processed at the same instant (from logs "
            "of a similar service, or a load test).",
            questions=ctx.about("peak_concurrency", "users", "requests_per_second"),
        )
    ]


@rule("slo-below-physics", "latency targets below what any GPU can reach")
def slo_below_physics(ctx: FlagContext) -> list[Flag]:
    if ctx.spec is None or ctx.spec.physical_limits is None:
        return []
    limits = ctx.spec.physical_limits
    found: list[Flag] = []
    checks = (
        ("tpot", ctx.inputs.tpot_target_ms, limits.best_tpot_ms, limits.best_tpot_gpu, "tpot_target_ms"),
        ("ttft", ctx.inputs.ttft_target_ms, limits.best_ttft_ms, limits.best_ttft_gpu, "ttft_target_ms"),
    )
    for name, target, best, best_gpu, field_name in checks:
        if target is None or target >= best:
            continue
        cause = ""
        if name == "ttft" and limits.prefill_tokens:
            what = ("every prompt sized at the max context" if limits.prefill_input == "size_for_max_context"
                    else "the average prompt")
            cause = (f" The floor is set by {what}: {limits.prefill_tokens:,} tokens to prefill "
                     f"({limits.prefill_input}) on {ctx.spec.model_name or ctx.spec.model}.")
        found.append(
            Flag(
                id=f"slo-below-physics:{name}",
                severity="critical",
                owner="app_owner",
                message=f"{name.upper()} target {target:g} ms is below the physical floor: the best "
                f"catalog GPU ({best_gpu}) reaches {best:.1f} ms for this model at batch 1.{cause}",
                fix=f"Agree a {name.upper()} the application actually needs (at least "
                f"{best:.0f} ms), or a smaller model.",
                questions=ctx.about(field_name, *(("avg_input_tokens", "prefix_hit_rate")
                                                   if name == "ttft" else ())),
            )
        )
    return found


@rule("slo-as-fast-as-possible", '"as fast as possible" instead of a latency target')
def slo_as_fast_as_possible(ctx: FlagContext) -> list[Flag]:
    hits: list[str] = []
    for field_name in ("ttft_target_ms", "tpot_target_ms", "slo_percentile"):
        question = ctx.questionnaire.feeding(field_name)
        if question is None or question.id not in ctx.answers:
            continue
        answer = ctx.answers[question.id]
        text = f"{answer.value} {answer.rationale}"
        if _AS_FAST_AS_POSSIBLE.search(text):
            hits.append(question.id)
    if not hits:
        return []
    return [
        Flag(
            id="slo-as-fast-as-possible",
            severity="warning",
            owner="app_owner",
            message='Latency is wanted "as fast as possible": that is not a target, and every '
            "millisecond below what users notice costs GPUs.",
            fix="Write down the TTFT and TPOT at which users stop noticing (a reading speed of "
            "5-10 tokens/s is 100-200 ms TPOT) and size to that.",
            questions=tuple(hits),
        )
    ]


@rule("serving-optimizations-off", "continuous batching, PagedAttention or prefix caching off")
def serving_optimizations_off(ctx: FlagContext) -> list[Flag]:
    names = {
        "continuous_batching": "continuous batching",
        "paged_attention": "PagedAttention",
        "prefix_caching": "prefix caching",
    }
    off = [f for f in names if getattr(ctx.inputs, f) is False]
    if not off:
        return []
    words = ", ".join(names[f] for f in off)
    return [
        Flag(
            id="serving-optimizations-off",
            severity="warning",
            owner="ai_team",
            message=f"{words[0].upper() + words[1:]} off: every modern serving engine has it on by "
            "default, and turning it off multiplies the GPUs needed.",
            fix="Turn it on (vLLM, SGLang and TensorRT-LLM support all three), or record the "
            "concrete reason it cannot be.",
            questions=ctx.about(*off),
        )
    ]


@rule("speculative-without-evidence", "speculative decoding assumed without evidence")
def speculative_without_evidence(ctx: FlagContext) -> list[Flag]:
    if ctx.inputs.speculative_decoding is not True or ctx.inputs.speculative_evidence is True:
        return []
    speedup = ctx.inputs.speculative_speedup
    claimed = f" of {speedup:g}x" if speedup else ""
    return [
        Flag(
            id="speculative-without-evidence",
            severity="warning",
            owner="ai_team",
            message=f"Speculative decoding is counted on for a speed-up{claimed} that nobody "
            "measured on this workload; acceptance rates vary a lot with the prompts.",
            fix="Measure the speed-up with a draft model on real prompts first, or size without "
            "it and treat the gain as headroom.",
            questions=ctx.about("speculative_decoding", "speculative_evidence", "speculative_speedup"),
        )
    ]


@rule("variants-without-lora", "several fine-tuned variants without LoRA")
def variants_without_lora(ctx: FlagContext) -> list[Flag]:
    variants = ctx.inputs.finetuned_variants
    if variants is None or variants <= 1 or ctx.inputs.lora_adapters is True:
        return []
    questions = ctx.about("finetuned_variants", "lora_adapters")
    if ctx.inputs.lora_adapters is None:
        return [
            Flag(
                id="variants-without-lora",
                severity="info",
                owner="ai_team",
                message=f"{variants} fine-tuned variants are planned and the sizing assumes they "
                "ship as LoRA adapters on one deployment; nobody has confirmed that yet.",
                fix="Confirm LoRA adapters, or answer no so each variant is sized as its own "
                "deployment.",
                questions=questions,
            )
        ]
    return [
        Flag(
            id="variants-without-lora",
            severity="warning",
            owner="ai_team",
            message=f"{variants} fine-tuned variants as full models need {variants} separate "
            "deployments, each with its own replicas and redundancy.",
            fix="Train the variants as LoRA adapters served from one shared base deployment.",
            questions=questions,
        )
    ]


@rule("rack-power-short", "rack power below what the SKU needs")
def rack_power_short(ctx: FlagContext) -> list[Flag]:
    rack = ctx.inputs.rack_power_kw
    spec = ctx.spec
    if rack is None or spec is None or not spec.feasible:
        return []
    if spec.node_power_kw > rack:
        detail = f"one {_gpu_words(ctx)} node draws up to {spec.node_power_kw:.1f} kW"
    elif spec.rack_density_kw > rack:
        detail = f"the planned racks draw {spec.rack_density_kw:.1f} kW each"
    else:
        return []
    return [
        Flag(
            id="rack-power-short",
            severity="critical",
            owner="it",
            message=f"Rack power is {rack:g} kW but {detail}.",
            fix="Spread nodes over more racks, get higher-power feeds, or pick a lower-power SKU.",
            questions=ctx.about("rack_power_kw", "gpu"),
        )
    ]


@rule("cooling-short", "cooling below what the SKU needs")
def cooling_short(ctx: FlagContext) -> list[Flag]:
    spec = ctx.spec
    if spec is None or spec.cooling_ok:
        return []
    from kickoff_tui.record.text import cooling_words

    have = cooling_words(ctx.inputs.cooling) if ctx.inputs.cooling else "the stated cooling"
    needs = cooling_words(spec.cooling) if spec.cooling else "more cooling"
    return [
        Flag(
            id="cooling-short",
            severity="critical",
            owner="it",
            message=f"{_gpu_words(ctx)} at {spec.rack_density_kw:.1f} kW per rack needs {needs}; the "
            f"facility offers {have}.",
            fix="Plan liquid cooling (rear-door or direct-to-chip), lower the rack density, or pick "
            "an air-cooled SKU.",
            questions=ctx.about("cooling", "gpu"),
        )
    ]


@rule("replica-spans-nodes", "a replica spanning nodes without a fast fabric")
def replica_spans_nodes(ctx: FlagContext) -> list[Flag]:
    spec = ctx.spec
    if spec is None or not spec.feasible:
        return []
    spans = spec.pipeline_parallel > 1 or (
        spec.gpus_per_node > 0 and spec.gpus_per_replica > spec.gpus_per_node
    )
    if not spans:
        return []
    stated = ctx.inputs.fabric not in (None, "auto")
    fabric = ctx.inputs.fabric if stated else spec.scale_out_fabric
    words = (fabric or "").lower()
    if any(fast in words for fast in FAST_SCALE_OUT_FABRICS):
        return []
    said = f"over {fabric}" if stated else "with no fast fabric stated"
    return [
        Flag(
            id="replica-spans-nodes",
            severity="critical",
            owner="it",
            message=f"One replica needs {spec.gpus_per_replica} GPUs across nodes of "
            f"{spec.gpus_per_node} {said}; every token then waits on the network between nodes.",
            fix="Provide InfiniBand or RoCE between these nodes, or a SKU with enough memory to "
            "keep a replica inside one node.",
            questions=ctx.about("fabric", "gpu"),
        )
    ]


@rule("model-does-not-fit", "the model does not fit the SKU")
def model_does_not_fit(ctx: FlagContext) -> list[Flag]:
    spec = ctx.spec
    if spec is None or spec.feasible:
        return []
    gpu_chosen = ctx.inputs.gpu not in (None, "recommend")
    reason = spec.infeasible_reason or "no parallel layout fits in memory"
    unsupported = _engine_not_built_for(ctx)
    if unsupported:
        # Not a memory problem: the engine asked for has no build for this GPU's vendor.
        return [
            Flag(
                id="model-does-not-fit",
                severity="critical",
                owner="ai_team",
                message=f"{unsupported} ({_gpu_words(ctx)}), so nothing can be sized on it.",
                fix=("Pick an engine with a build for this GPU's vendor (for AMD: vLLM or SGLang "
                     "on ROCm, or ATOM), or a GPU the engine runs on."),
                questions=ctx.about("serving_engine", "gpu"),
            )
        ]
    return [
        Flag(
            id="model-does-not-fit",
            severity="critical",
            owner="it" if gpu_chosen else "ai_team",
            message=f"{spec.model_name or spec.model} does not fit {_gpu_words(ctx)}: {reason}.",
            fix="Pick a SKU with more memory, serve at a lower precision, or choose a smaller model.",
            questions=ctx.about("gpu", "model", "precision"),
        )
    ]


MAINTENANCE_QUESTION = "maintenance_window"
"""Question id of the firmware/driver maintenance cadence; the answer ``none`` is flagged."""

DEV_CLUSTER_QUESTION = "dev_cluster"
"""Question id of the development cluster; the answer ``none`` is flagged."""

NONE_ANSWER = "none"


@rule("no-maintenance-window", "no maintenance window for firmware and driver updates")
def no_maintenance_window(ctx: FlagContext) -> list[Flag]:
    if ctx.value(MAINTENANCE_QUESTION) != NONE_ANSWER:
        return []
    return [
        Flag(
            id="no-maintenance-window",
            severity="warning",
            owner="it",
            message="There is no maintenance window: GPU firmware, drivers and CUDA ship updates "
            "more often than most IT change calendars allow, and some fix real faults.",
            fix="Agree a recurring window now (quarterly suits most teams) and roll updates "
            "replica by replica so the service stays up.",
            questions=(MAINTENANCE_QUESTION,),
        )
    ]


@rule("no-dev-cluster", "no development cluster")
def no_dev_cluster(ctx: FlagContext) -> list[Flag]:
    if ctx.value(DEV_CLUSTER_QUESTION) != NONE_ANSWER:
        return []
    return [
        Flag(
            id="no-dev-cluster",
            severity="warning",
            owner="it",
            message="There is no development cluster, so engine, driver and model upgrades get "
            "their first test in production.",
            fix="Agree on at least a scaled-down cluster (smaller GPUs, same software stack) for "
            "testing upgrades.",
            questions=(DEV_CLUSTER_QUESTION,),
        )
    ]


@rule("headroom-above-growth", 'headroom far above the stated growth ("20 servers to be safe")')
def headroom_above_growth(ctx: FlagContext) -> list[Flag]:
    found: list[Flag] = []
    headroom = ctx.inputs.growth_headroom
    if headroom is not None:
        growth = ctx.inputs.expected_growth or 0.0
        if headroom - growth > HEADROOM_EXCESS_LIMIT and headroom > HEADROOM_RATIO_LIMIT * growth:
            stated = (
                f"the stated growth is {growth:.0%}"
                if ctx.inputs.expected_growth is not None
                else "no growth was stated"
            )
            question = ctx.questionnaire.feeding("growth_headroom")
            found.append(
                Flag(
                    id="headroom-above-growth:headroom",
                    severity="warning",
                    owner=question.role if question is not None else "app_owner",
                    message=f"Headroom of {headroom:.0%} is sized on top of the load, but "
                    f"{stated}.",
                    fix="Size headroom to the growth expected before the next review; the review "
                    "cadence is where capacity gets added.",
                    questions=ctx.about("growth_headroom", "expected_growth"),
                )
            )
    budget = ctx.inputs.gpu_count_budget
    spec = ctx.spec
    if budget is not None and spec is not None and spec.feasible and spec.total_gpus > 0:
        if budget > GPU_BUDGET_RATIO_LIMIT * spec.total_gpus:
            found.append(
                Flag(
                    id="headroom-above-growth:gpu-count",
                    severity="warning",
                    owner="it",
                    message=f"{budget:,} GPUs are planned but the sized spec needs "
                    f"{spec.total_gpus:,}, headroom and redundancy included.",
                    fix="Buy what the spec needs plus the stated growth; revisit at the next "
                    "review instead of buying to be safe.",
                    questions=ctx.about("gpu_count_budget"),
                )
            )
    return found


@rule("plan-below-spec", "IT's planned GPU count or budget below what the spec needs")
def plan_below_spec(ctx: FlagContext) -> list[Flag]:
    """Under-buying is the expensive mistake: the SLO fails at the peak, and the second order
    comes late and at spot prices."""
    spec = ctx.spec
    if spec is None or not spec.feasible or spec.total_gpus <= 0:
        return []
    found: list[Flag] = []
    needed = spec.gpus_bought or spec.total_gpus
    budget = ctx.inputs.gpu_count_budget
    if budget is not None and budget < needed:
        unit = f" ({spec.units} x {spec.unit_name})" if spec.units and spec.unit_name else ""
        found.append(
            Flag(
                id="plan-below-spec:gpu-count",
                severity="critical",
                owner="it",
                message=f"{budget:,} GPUs are planned but the spec needs {needed:,}{unit} to carry "
                f"the design load of {spec.peak_concurrency:,} in flight with its redundancy.",
                fix="Plan the spec's count, or agree with the application owner on a lower load, "
                "looser latency or less redundancy; the spec recomputes.",
                questions=ctx.about("gpu_count_budget", "peak_concurrency", "redundancy"),
            )
        )
    money = ctx.inputs.monthly_budget_usd
    if money is not None and spec.cost_per_month is not None and money < spec.cost_per_month:
        found.append(
            Flag(
                id="plan-below-spec:budget",
                severity="critical",
                owner="it",
                message=f"The budget is ${money:,.0f} per month but the spec costs "
                f"${spec.cost_per_month:,.0f} per month ({spec.price_basis}).",
                fix="Raise the budget, choose a cheaper price basis (a reservation) or SKU, or "
                "agree a lower load or looser latency.",
                questions=ctx.about("monthly_budget_usd", "price_basis", "gpu"),
            )
        )
    return found


INPUT_NEAR_MAX_CONTEXT_SHARE = 0.5
"""An average input at half the max context or more is unusual (most applications use 4-8K of a
32K-128K window): either the average is really a maximum, or the window is too small."""


@rule("input-near-max-context", "average input close to the max context")
def input_near_max_context(ctx: FlagContext) -> list[Flag]:
    avg = ctx.inputs.avg_input_tokens
    limit = ctx.inputs.max_context_tokens
    if avg is None or limit is None or avg < INPUT_NEAR_MAX_CONTEXT_SHARE * limit:
        return []
    return [
        Flag(
            id="input-near-max-context",
            severity="warning",
            owner="ai_team",
            message=f"The average input ({avg:,} tokens) is {avg / limit:.0%} of the max context "
            f"({limit:,}): is it the measured average, or the limit?",
            fix="Measure the average prompt length on real traffic before sizing; the max context "
            "is a limit the engine enforces, not the size of an average request.",
            questions=ctx.about("avg_input_tokens", "max_context_tokens"),
        )
    ]


RACK_SPACE_NODES = 4
"""8-GPU servers a 42U rack holds by space: DGX-class systems are 8-10U, so four fit with room
for switches and power distribution."""

DENSE_RACK_NODES = 2
"""At two 8-GPU servers per rack or fewer, half a rack's space or more goes unused because of
its power: the power and cooling envelope constrains the SKU before the math does (the kickoff
guide's 35 kW rear-door rack and DGX B200)."""


@rule("rack-power-spreads", "rack power, not space, sets how many racks the spec takes")
def rack_power_spreads(ctx: FlagContext) -> list[Flag]:
    spec = ctx.spec
    rack = ctx.inputs.rack_power_kw
    if rack is None or spec is None or not spec.feasible or spec.nodes_per_rack < 1 or spec.racks < 2:
        return []
    if spec.nodes_per_rack >= min(RACK_SPACE_NODES, spec.nodes) or spec.unit_kind == "rack":
        return []
    if spec.nodes_per_rack > DENSE_RACK_NODES:
        return []
    return [
        Flag(
            id="rack-power-spreads",
            severity="warning",
            owner="it",
            message=f"{spec.nodes} {_gpu_words(ctx)} nodes draw {spec.it_power_kw:.0f} kW (nameplate) "
            f"but a {rack:g} kW rack takes {spec.nodes_per_rack} of them: {spec.racks} racks of up to "
            f"{spec.rack_density_kw:.1f} kW with {cooling_words(spec.cooling)}.",
            fix="Plan the racks and floor space, or higher-density racks with direct liquid cooling "
            "that would hold the whole deployment in fewer racks.",
            questions=ctx.about("rack_power_kw", "rack_power_basis", "cooling"),
        )
    ]


BUSINESS_CASE_PATHS: tuple[str, ...] = (
    "business.value_per_request_usd",
    "business.replaced_cost_per_year_usd",
    "business.setup_cost_usd",
    "cost.depreciation_years",
)
"""Planning fields behind the business-case verdict (the questions a flag points at)."""


@rule("business-case-payback", "the business case pays back after the hardware's life, or never")
def business_case_payback(ctx: FlagContext) -> list[Flag]:
    plan = ctx.planning
    spec = ctx.spec
    if plan is None or plan.business is None or spec is None or not spec.feasible:
        return []
    from kickoff_tui.planning import business_report, cost_report
    from kickoff_tui.record.plan_answers import planning_questions

    try:
        costs = cost_report(spec, ctx.inputs, plan.cost)
        if not costs.chosen.available:
            return []  # no price for the chosen basis: nothing to judge the case on
        report = business_report(plan.business, spec, costs, plan.cost)
    except (KickoffError, ValueError, ArithmeticError):
        return []  # a rule never stops the meeting; the export shows what could not be priced
    if report.verdict != "red":
        return []
    return [
        Flag(
            id="business-case-payback",
            severity="critical",
            owner="app_owner",
            message=f"The business case {report.message} (priced as {report.option}).",
            fix="Revisit the value per request or the cost replaced, a cheaper price basis, or "
            "fewer GPUs; a case that does not pay back within the hardware's life is not one.",
            questions=planning_questions(ctx.questionnaire, *BUSINESS_CASE_PATHS),
        )
    ]


@rule("decision-by-non-owner", "a decision made by a role that does not own it")
def decision_by_non_owner(ctx: FlagContext) -> list[Flag]:
    found: list[Flag] = []
    for question in ctx.questionnaire.questions:
        answer = ctx.answers.get(question.id)
        if answer is None or not answer.owner_mismatch:
            continue
        found.append(
            Flag(
                id=f"decision-by-non-owner:{question.id}",
                severity="info",
                owner=question.role,
                message=f"{question.id} was answered by {answer.answered_by} for "
                f"{role_phrase(answer.role)}; it is {role_phrase(question.role)}'s decision.",
                fix=f"Have {role_phrase(question.role)} confirm or change the answer.",
                questions=(question.id,),
            )
        )
    card = ctx.scorecard
    if card is not None and card.owner_mismatch:
        found.append(
            Flag(
                id="decision-by-non-owner:scorecard",
                severity="info",
                owner=SCORECARD_OWNER,  # type: ignore[arg-type]
                message=f"The vendor scorecard was set by {card.set_by} for "
                f"{role_phrase(card.role)}; it is {role_phrase(SCORECARD_OWNER)}'s decision.",
                fix=f"Have {role_phrase(SCORECARD_OWNER)} confirm or change the scorecard.",
            )
        )
    return found


@rule("spec-not-signed-off", "spec not signed off by IT and the AI team")
def spec_not_signed_off(ctx: FlagContext) -> list[Flag]:
    signed = {s.role for s in ctx.signoffs}
    missing = [r for r in SIGNOFF_ROLES if r not in signed]
    if not missing:
        return []
    who = " and ".join(role_phrase(r) for r in missing)
    questions = tuple(
        q.id for r in missing if (q := ctx.questionnaire.signoff_question(r)) is not None
    )
    return [
        Flag(
            id="spec-not-signed-off",
            severity="warning",
            owner=missing[0],  # type: ignore[arg-type]
            message=f"The sized spec is not signed off by {who}.",
            fix="Walk through the spec and the open flags, then sign off (or record what blocks it).",
            questions=questions,
        )
    ]


@rule("no-review-cadence", "no review cadence")
def no_review_cadence(ctx: FlagContext) -> list[Flag]:
    if ctx.cadence is not None:
        return []
    question = ctx.questionnaire.cadence_question()
    return [
        Flag(
            id="no-review-cadence",
            severity="warning",
            owner=question.role if question is not None else "it",
            message="No review cadence is set: traffic, models and precision baselines move, "
            "and the first sizing is a starting point.",
            fix="Set a cadence (quarterly is typical) and put the first review in the calendar.",
            questions=(question.id,) if question is not None else (),
        )
    ]


# --- evaluation -----------------------------------------------------------------------------------


def gpu_architecture(spec: SizedSpec | None) -> str | None:
    """Architecture of the spec's GPU from the catalog (None when unknown)."""
    if spec is None or not spec.gpu:
        return None
    from kickoff_tui.catalog import CatalogError, get_gpu

    try:
        return get_gpu(spec.gpu).architecture
    except CatalogError:
        return None


def evaluate_flags(ctx: FlagContext) -> list[Flag]:
    """Run every rule; flags in rule order."""
    found: list[Flag] = []
    for info in RULES.values():
        found.extend(info.check(ctx))
    return found


def merge_flags(records: list[FlagRecord], raised: list[Flag], at: datetime) -> list[FlagRecord]:
    """New flag records after the rules ran at time ``at``.

    A newly raised flag is open; one still raised keeps its state (acknowledged or resolved by a
    person) and takes the new message; one no longer raised becomes resolved (a person's
    resolution is kept); a flag raised again after it went away opens again.
    """
    now = {flag.id: flag for flag in raised}
    merged: list[FlagRecord] = []
    seen: set[str] = set()
    for record in records:
        seen.add(record.id)
        flag = now.get(record.id)
        if flag is None:
            if record.raised:
                update: dict[str, object] = {"raised": False}
                if record.state != "resolved":
                    update |= {"state": "resolved", "by": "", "reason": "no longer applies", "changed_at": at}
                record = record.model_copy(update=update)
            merged.append(record)
            continue
        content: dict[str, object] = {
            "rule": flag.rule,
            "severity": flag.severity,
            "owner": flag.owner,
            "message": flag.message,
            "fix": flag.fix,
            "questions": list(flag.questions),
        }
        if not record.raised:
            content |= {
                "state": "open",
                "raised": True,
                "raised_at": at,
                "by": "",
                "reason": "",
                "changed_at": None,
            }
        merged.append(record.model_copy(update=content))
    for flag in raised:
        if flag.id in seen:
            continue
        merged.append(
            FlagRecord(
                id=flag.id,
                rule=flag.rule,
                severity=flag.severity,
                owner=flag.owner,
                message=flag.message,
                fix=flag.fix,
                questions=list(flag.questions),
                raised_at=at,
            )
        )
    return merged
