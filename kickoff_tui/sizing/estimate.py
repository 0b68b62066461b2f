"""Steady-state serving estimate: model M at precision P on N GPUs of SKU S for a traffic shape.

This is what ``kickoff estimate`` prints and what the sizer calls for every candidate layout.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from kickoff_tui.catalog import GPU, Model, get_gpu, get_model
from kickoff_tui.catalog.engines import EngineProfile, engine_for, not_run_reason
from kickoff_tui.sizing import constants as C
from kickoff_tui.sizing import perf


class ServingOptions(BaseModel):
    """Engine features that change the physics (all on = a modern engine's defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    continuous_batching: bool = True
    paged_attention: bool = True
    prefix_hit_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    """Share of prompt tokens served from the prefix cache (skips their prefill)."""
    speculative_speedup: float = Field(default=1.0, ge=1.0)
    """Decode speed-up from speculative decoding (tokens accepted per target step)."""
    speculative_positions: float = Field(default=0.0, ge=0.0)
    """Positions the target verifies per sequence per step (k + 1, ``sizing/speculative.py``);
    0 means the same as ``speculative_speedup`` (the older approximation)."""
    max_context_tokens: int | None = None
    """Context reserved per sequence when PagedAttention is off."""
    gpu_memory_utilization: float | None = None
    """Overrides the engine's memory fraction (read with the engine's semantics)."""
    engine: str | None = None
    """Engine id or answer (None: the default engine for the GPU's vendor)."""
    expert_parallel: bool | None = None
    """MoE: whole experts per rank (EP = TP). None: the engine's default."""
    dp_attention: bool | None = None
    """MoE: data-parallel attention across the replica's GPUs. None: the engine's default."""


class Estimate(BaseModel):
    """One row of ``kickoff estimate`` output."""

    model_config = ConfigDict(extra="forbid")

    model: str
    gpu: str
    gpus: int
    precision: str
    kv_precision: str
    compute_precision: str
    weight_only: bool
    input_tokens: int
    output_tokens: int
    fits: bool
    reason: str = ""
    engine: str = ""
    engine_note: str = ""
    """What was assumed about the engine (empty when it was given and runs on the GPU)."""
    kv_note: str = ""
    """Why the KV cache is 16-bit when FP8 would be the rule (empty otherwise)."""
    layout_note: str = ""
    """How the tensor-parallel size was chosen when none was given (empty when it was given or
    only one size fits the GPUs)."""
    tensor_parallel: int = 0
    pipeline_parallel: int = 1
    expert_parallel: int = 1
    dp_attention: bool = False
    replicas: int = 0
    concurrency: float = 0
    """Requests in the system, all replicas together (queued + running)."""
    running_per_replica: float = 0
    """Sequences decoding at once per replica (the rest wait for their prefill or queue)."""
    max_concurrency_per_replica: int = 0
    ttft_ms: float | None = None
    """Mean time to first token: engine's per-request cost + wait for a prefill slot + chunks."""
    tpot_ms: float | None = None
    ttft_p50_ms: float | None = None
    ttft_p90_ms: float | None = None
    ttft_p95_ms: float | None = None
    ttft_p99_ms: float | None = None
    tpot_p50_ms: float | None = None
    tpot_p90_ms: float | None = None
    tpot_p95_ms: float | None = None
    tpot_p99_ms: float | None = None
    output_tokens_per_s: float = 0.0
    output_tokens_per_s_per_gpu: float = 0.0
    requests_per_s: float = 0.0
    ttft_ms_low: float | None = None
    ttft_ms_high: float | None = None
    tpot_ms_low: float | None = None
    tpot_ms_high: float | None = None
    output_tokens_per_s_low: float | None = None
    output_tokens_per_s_high: float | None = None
    band_group: str = ""
    """Calibration group whose residuals set the band (engine x vendor x dense/MoE)."""
    band_note: str = ""
    first_token_lag_ms: float = 0.0
    """Part of ``ttft_ms``: the engine's calibrated first-token lag on a MoE model (decode steps
    between a prompt's prefill and its first token at the client; docs/model.md section 5)."""
    kv_cache_tokens: int = 0
    """KV tokens one replica holds."""
    prefill_saturated: bool = False
    """Prompts arrive faster than the step budget prefills them: no steady state, the TTFT is a
    lower bound (docs/model.md, section 5)."""
    weights_gb_per_gpu: float = 0.0
    kv_gb_per_gpu: float = 0.0
    overhead_gb_per_gpu: float = 0.0
    bound: str = ""
    """``memory`` (bandwidth-bound decode) or ``compute``."""
    queued: bool = False
    """True when more requests arrive than fit: the excess waits and TTFT includes queueing."""


@dataclass(frozen=True)
class Layout:
    tp: int
    pp: int
    ep: int = 1
    """Expert-parallel ranks (1 = experts split by TP)."""
    dp: int = 1
    """Data-parallel attention ranks (1 = attention split by TP)."""

    @property
    def gpus(self) -> int:
        return self.tp * self.pp


def powers_of_two(limit: int) -> list[int]:
    out, value = [], 1
    while value <= limit:
        out.append(value)
        value *= 2
    return out


def tp_divides(model: Model, tp: int) -> bool:
    """Engines shard attention heads evenly: query heads must split across TP ranks, and KV heads
    either split evenly or are replicated whole (vLLM/SGLang/TensorRT-LLM refuse other sizes)."""
    if model.heads % tp:
        return False
    if model.attention == "mla":
        return True
    return model.kv_heads % tp == 0 or tp % model.kv_heads == 0


def moe_layout(model: Model, tp: int, pp: int, engine: EngineProfile, options: ServingOptions) -> Layout:
    """TP layout plus the MoE choices (expert parallelism, DP attention) asked for or the
    engine's defaults; dense models ignore both."""
    if not model.is_moe or tp <= 1:
        return Layout(tp, pp)
    ep_on = options.expert_parallel if options.expert_parallel is not None else engine.expert_parallel_default
    dp_on = options.dp_attention if options.dp_attention is not None else engine.dp_attention_default
    return Layout(tp, pp, ep=tp if (ep_on or dp_on) else 1, dp=tp if dp_on else 1)


def _plan(model: Model, gpu: GPU, precision: str, layout: Layout, options: ServingOptions,
          engine: EngineProfile) -> perf.MemoryPlan:
    return perf.memory_plan(model, gpu, precision, layout.tp, layout.pp, options.gpu_memory_utilization,
                            engine, layout.dp)


def fits_one(model: Model, gpu: GPU, precision: str, kv_precision: str, layout: Layout,
             context: float, options: ServingOptions, engine: EngineProfile | None = None) -> bool:
    engine = engine or perf.default_engine(gpu)
    plan = _plan(model, gpu, precision, layout, options, engine)
    return perf.max_sequences(model, plan, kv_precision, context, layout.tp, layout.pp, layout.dp) >= 1


def smallest_layout(model: Model, gpu: GPU, precision: str, kv_precision: str, max_gpus: int,
                    context: float, options: ServingOptions,
                    engine: EngineProfile | None = None) -> Layout | None:
    """Smallest power-of-two TP that holds the weights plus one sequence; pipeline stages are
    added (TP = one node, or the whole NVLink domain of a rack-scale system) only when that is
    not enough."""
    engine = engine or perf.default_engine(gpu)
    node = max(gpu.gpus_per_node, gpu.scale_up_domain if gpu.scale_up_gbs else 1, 1)
    sizes = [tp for tp in powers_of_two(min(max_gpus, node)) if tp_divides(model, tp)]
    for tp in sizes:
        layout = moe_layout(model, tp, 1, engine, options)
        if fits_one(model, gpu, precision, kv_precision, layout, context, options, engine):
            return layout
    if not sizes:
        return None
    tp = max(sizes)
    for pp in range(2, max_gpus // tp + 1):
        layout = moe_layout(model, tp, pp, engine, options)
        if fits_one(model, gpu, precision, kv_precision, layout, context, options, engine):
            return layout
    return None


class Operating(NamedTuple):
    """A replica's steady state at a given number of requests in the system.

    Immutable (the memo shares every point) and cheap to build: the solver builds one per
    point it evaluates, hundreds per sizing. The latency percentiles are computed when asked
    (:meth:`ttft_at`, :meth:`tpot_at`) from the spread terms the solver keeps, rather than
    tabulated for every point a search only reads one percentile of."""

    running: float
    ttft_s: float
    tpot_s: float
    tokens_per_s: float
    requests_per_s: float
    bound: str
    queued: bool
    in_system: float = 0.0
    # Requests in the system at this point (overhead + prefill phase + decoding + queued).
    prefill_saturated: bool = False
    # Prompts arrive at least as fast as the step budget prefills them: the prefill queue has no
    # steady state, the iterate used stands in for an unbounded wait (docs/model.md, section 5).
    ttft_terms: tuple[float, float, float, float, float] | None = None
    # (base, prompts ahead, its standard deviation, wait per prompt ahead, residual step) of the
    # TTFT percentiles in _evaluate(); None: no modelled spread (static batches).
    tpot_spread: float = 0.0
    # Standard deviation of the TPOT (chunk steps met over the answer).
    queue_wait: float = 0.0
    # Little's-law wait beyond the replica's capacity, added to every TTFT percentile (_queue()).

    def ttft_at(self, percentile: str) -> float:
        terms = self.ttft_terms
        z = C.PERCENTILE_Z.get(percentile)
        if terms is None or z is None:
            return self.ttft_s
        base, ahead, root, wait_per_prompt, residual_step = terms
        queued = ahead + z * root
        value = base + (queued if queued > 0.0 else 0.0) * wait_per_prompt + C.PERCENTILE_Q[percentile] * residual_step
        return value + self.queue_wait if self.queue_wait else value

    def tpot_at(self, percentile: str) -> float:
        z = C.PERCENTILE_Z.get(percentile)
        if self.ttft_terms is None or z is None:
            return self.tpot_s
        return self.tpot_s + z * self.tpot_spread

    @property
    def ttft_pct(self) -> dict[str, float]:
        """TTFT by percentile (empty without a modelled spread)."""
        return {} if self.ttft_terms is None else {name: self.ttft_at(name) for name in C.PERCENTILE_Z}

    @property
    def tpot_pct(self) -> dict[str, float]:
        """TPOT by percentile (empty without a modelled spread)."""
        return {} if self.ttft_terms is None else {name: self.tpot_at(name) for name in C.PERCENTILE_Z}


def replica_capacity(model: Model, gpu: GPU, precision: str, kv_precision: str, layout: Layout,
                     isl: int, osl: int, options: ServingOptions,
                     engine: EngineProfile | None = None) -> tuple[int, perf.MemoryPlan]:
    """Most sequences one replica decodes at once: KV memory, engine sequence cap, and the
    step token budget (prefill of the replacements must keep up with the decodes)."""
    engine = engine or perf.default_engine(gpu)
    plan = _plan(model, gpu, precision, layout, options, engine)
    if options.paged_attention:
        reserve = isl + osl  # admission reserves pages for the whole request (no-evict scheduling)
    else:
        reserve = max(options.max_context_tokens or 0, isl + osl)
    by_memory = perf.max_sequences(model, plan, kv_precision, reserve, layout.tp, layout.pp, layout.dp)
    cap = min(by_memory, engine.max_num_seqs * layout.dp)
    if options.continuous_batching:
        # Per step each sequence decodes its positions (1, or the verified positions under
        # speculative decoding) and, to replace the finished ones, brings speedup / OSL prompts.
        positions = options.speculative_positions or options.speculative_speedup
        prefill_per_decode = isl * (1 - options.prefix_hit_rate) * options.speculative_speedup / osl
        by_budget = int(engine.max_num_batched_tokens * layout.dp / (positions + prefill_per_decode))
        cap = min(cap, max(by_budget, 1))
    else:
        cap = min(cap, C.STATIC_BATCH_SIZE_LIMIT)
    return cap, plan


@dataclass(frozen=True)
class _Ctx:
    model: Model
    gpu: GPU
    precision: str
    kv_precision: str
    layout: Layout
    isl: int
    osl: int
    options: ServingOptions
    engine: EngineProfile


def _stepper(ctx: _Ctx):
    """``step(decode, prefill=0, position=0)``: one step of the replica (per stage) with
    ``decode`` sequences decoding and ``prefill`` prompt tokens carried at ``position``, on the
    layout's step coefficients (looked up once: the solver takes many steps per point)."""
    lay = ctx.layout
    k = perf.step_coefficients(ctx.model, ctx.gpu, ctx.precision, ctx.kv_precision, lay.tp, lay.pp,
                               ctx.engine, lay.ep, lay.dp)
    pp, context = lay.pp, ctx.isl + ctx.osl / 2
    positions = ctx.options.speculative_positions or ctx.options.speculative_speedup

    def step(decode: float, prefill: float = 0.0, position: float = 0.0) -> perf.Step:
        return k.step(decode / pp, context, prefill / pp, position, positions)

    return step


def _step(ctx: _Ctx, decode: float, prefill: float = 0.0, position: float = 0.0) -> perf.Step:
    return _stepper(ctx)(decode, prefill, position)


def dp_balance_wait(ctx: _Ctx, rate: float, step_s: float) -> float:
    """Hold of a prompt under DP attention when the engine balances context requests across its
    ``dp`` ranks (TensorRT-LLM ``attention_dp_config.enable_balance``): it waits for the other
    ranks to receive one each, on average (dp - 1) / 2 arrivals at the replica's request rate,
    but never longer than the engine's timeout in steps."""
    dp, steps = ctx.layout.dp, ctx.engine.dp_balance_timeout_steps
    if dp <= 1 or steps <= 0 or rate <= 0:
        return 0.0
    return min((dp - 1) / (2.0 * rate), steps * step_s)


class _Solver:
    """The steady states of one replica context (model, GPU, precisions, layout, traffic shape,
    options, engine): what does not depend on the number decoding is computed once, and every
    point asked for is memoised (``evaluate`` is a pure function of its inputs: the sizer's
    searches and a session's recomputations ask for the same points again)."""

    __slots__ = ("ctx", "points", "steps", "pp", "speedup", "osl", "context", "isl_eff", "budget",
                 "budget_floor", "positions", "work_tokens", "overhead", "hop_s", "balanced", "lag_steps")

    def __init__(self, ctx: _Ctx) -> None:
        lay, eng, opt = ctx.layout, ctx.engine, ctx.options
        self.ctx = ctx
        self.points: dict[float, Operating] = {}
        self.steps = perf.step_coefficients(ctx.model, ctx.gpu, ctx.precision, ctx.kv_precision, lay.tp,
                                            lay.pp, eng, lay.ep, lay.dp)
        self.pp, self.speedup, self.osl = lay.pp, opt.speculative_speedup, ctx.osl
        self.context = ctx.isl + ctx.osl / 2  # average context of a decoding sequence
        self.isl_eff = ctx.isl * (1 - opt.prefix_hit_rate)
        self.budget = eng.max_num_batched_tokens * lay.dp
        self.budget_floor = self.budget * C.MIN_PREFILL_SHARE
        self.positions = opt.speculative_positions or opt.speculative_speedup  # per sequence per step
        self.work_tokens = self.isl_eff + ctx.osl * self.positions / opt.speculative_speedup
        self.overhead = perf.request_fixed_seconds(ctx.model, eng, lay.pp)
        self.hop_s = (lay.pp - 1) * C.PIPELINE_HOP_S
        self.balanced = lay.dp > 1  # dp_balance_wait() is zero without DP attention
        self.lag_steps = perf.first_token_lag_seconds(eng, 1.0, ctx.model)  # steps of lag: x TPOT

    def at(self, running: float) -> Operating:
        op = self.points.get(running)
        if op is None:
            if len(self.points) >= _POINTS_MAX:
                self.points.clear()
            op = self.points[running] = _evaluate(self.ctx, running, self)
        return op


_SOLVERS: dict[tuple, _Solver] = {}
_SOLVERS_MAX = 2000
_POINTS_MAX = 2000
"""Bounds of the memo: replica contexts kept, and points kept per context."""


def clear_memo() -> None:
    """Forget every memoised operating point (benchmarks time a cold computation with it)."""
    _SOLVERS.clear()


def _solver(ctx: _Ctx) -> _Solver:
    """The context's solver, keyed on the identity of the catalog entries (checked on a hit, as
    the step coefficients are) and the values of everything else."""
    key = (id(ctx.model), id(ctx.gpu), id(ctx.engine), ctx.precision, ctx.kv_precision, ctx.layout,
           ctx.isl, ctx.osl, tuple(ctx.options.__dict__.values()))
    hit = _SOLVERS.get(key)
    if hit is not None and hit.ctx.model is ctx.model and hit.ctx.gpu is ctx.gpu and hit.ctx.engine is ctx.engine:
        return hit
    if len(_SOLVERS) >= _SOLVERS_MAX:
        _SOLVERS.clear()
    solver = _SOLVERS[key] = _Solver(ctx)
    return solver


def evaluate(ctx: _Ctx, running: float) -> Operating:
    """Memoised :func:`_evaluate` (identical results)."""
    return _solver(ctx).at(running)


def _evaluate(ctx: _Ctx, running: float, solver: _Solver | None = None) -> Operating:
    """Closed-loop steady state with ``running`` sequences decoding (docs/model.md section 5).

    Every step decodes each running sequence once and carries prompt chunks of the requests
    that replace finished ones, up to the engine's token budget. A request's life is: the
    engine's fixed per-request cost, its prefill phase (wait behind the prompts ahead of it,
    then its own chunks), then OSL decode steps. Requests in the system follow from Little's
    law over that life, so every figure is a function of ``running`` and rises with it."""
    k = solver or _Solver(ctx)  # the context's constants
    pp, speedup, osl = k.pp, k.speedup, k.osl
    # (conditional expressions instead of max() / min() calls in this hot path: the same values)
    n = running if running > 1e-9 else 1e-9
    isl_eff = k.isl_eff
    spare = k.budget - n * k.positions / pp  # each decoding sequence's positions take budget too
    if spare < k.budget_floor:
        spare = k.budget_floor
    chunk = isl_eff if isl_eff < spare else spare
    # A decoding request shares its steps with the others decoding: at least itself.
    batch = n if n > 1.0 else 1.0
    with_decode = k.steps.with_decode
    decode = k.steps.decode(batch / pp, k.context, k.positions)  # the decode half of every step below
    decode_only = with_decode(decode)
    decode_s = decode_only.total
    mixed_steps: dict[float, perf.Step] = {}

    def mixed_step(carried: float) -> perf.Step:
        """A decode step that also carries ``carried`` prompt tokens."""
        step = mixed_steps.get(carried)
        if step is None:
            step = with_decode(decode, carried / pp, chunk / 2) if chunk > 0 else decode_only
            mixed_steps[carried] = step
        return step

    # Conservation: every token of every request, prompt and answer, passes through the GEMMs
    # once, so no interleaving of steps serves requests faster than the stage's linear compute
    # allows (at the per-token cost of the largest step the decode phase runs).
    full_stream = n * isl_eff * speedup / osl
    widest_prompt = (spare if full_stream > spare else full_stream if full_stream > chunk else chunk) if chunk > 0 else 0.0
    widest = mixed_step(widest_prompt) if chunk > 0 else decode_only
    per_token_compute = widest.linear_compute / (batch * k.positions + widest_prompt)
    work = k.work_tokens * per_token_compute
    ceiling = 1.0 / work if work > 0 else math.inf

    # Own prompt: ceil(ISL / chunk) chunk steps next to the running decodes (a single chunk
    # rides in a decode-phase step with the others' chunks, set in the loop below).
    chunks = (math.ceil(isl_eff / chunk) or 1) if chunk > 0 else 0
    long_prompt = 0.0
    if chunks > 1:
        piece = isl_eff / chunks
        long_prompt = sum(with_decode(decode, piece / pp, i * piece + piece / 2).total for i in range(chunks))
    overhead = k.overhead
    # Prompts waiting for a prefill slot drain at the step's whole prompt budget: the engines
    # pack the chunks of waiting prompts into one step up to its token budget (vLLM
    # max_num_batched_tokens, SGLang chunked_prefill_size, TensorRT-LLM max_num_tokens), each
    # such step lasting mixed_step(spare). (Charging the wait at the tokens the steps carry on
    # average, the arriving stream, loaded the slot at exactly 100% whenever every step carried
    # prompt tokens, and the wait had no finite value: docs/model.md section 5.)
    drain_per_token = mixed_step(spare).total * pp / spare if chunk > 0 else 0.0
    # Every request's prompt passes through that budget, at best one full budget per step (the
    # steps then carry the decodes too), so requests leave no faster than whole prompts drain:
    # the prefill slot's utilisation, all prompts counted, is at most one. Without this bound a
    # prompt-heavy load (long prompts, a few tokens out) at one or two in flight was credited
    # with more prefill than the GPU's steps hold, and throughput fell as more were added.
    if drain_per_token > 0:
        prefill_ceiling = 1.0 / (isl_eff * drain_per_token)
        if prefill_ceiling < ceiling:
            ceiling = prefill_ceiling

    # The prompts that interrupt a request's decoding are the OTHER requests' (its own is its
    # TTFT): a share (N - 1) / N of the prefill stream, N the requests in the system (none for
    # a lone request). N follows from the figures below, so iterate from N = n.
    in_system = n
    for _ in range(C.OTHERS_ITERATIONS):
        others = (in_system - 1.0) / in_system if in_system > 1.0 else 0.0
        # The decode steps absorb the others' prompt stream: below one chunk per step, a share of
        # the steps carries a whole chunk; above it every step carries the stream, several
        # prompts' chunks together, up to the budget.
        stream = full_stream * others
        share = (stream / chunk if stream < chunk else 1.0) if chunk > 0 else 0.0
        carried = chunk if share < 1.0 else (spare if stream > spare else stream if stream > chunk else chunk)
        mixed = mixed_step(carried)
        mixed_s = mixed.total
        stage_s = (1 - share) * decode_s + share * mixed_s  # mean step time of the decode phase
        service = (long_prompt if chunks > 1 else mixed_s if chunk > 0 else decode_s) * pp
        service += k.hop_s
        tpot = stage_s * pp / speedup
        rate = n / (osl * tpot)  # requests/s leaving the decode phase
        if rate > ceiling:
            rate = ceiling
            tpot = n / (osl * rate)
        # Wait for a prefill slot: mean-value analysis of the closed loop. An arriving prompt
        # finds the others' prompts in their prefill phase (Little: rate x prefill time, arrival
        # theorem share); each still needs on average half its tokens if alone, all if queued.
        per_token = drain_per_token
        phase, ahead, remaining = service, 0.0, 0.0
        saturated = False
        if others > 0 and per_token > 0:
            arrivals, prompt_s = rate * others, isl_eff * per_token
            fixed = _prefill_fixed_point(service, arrivals, prompt_s)
            if fixed is not None:
                phase = fixed
                ahead = arrivals * phase
                remaining = isl_eff * (1.0 - 0.5 / (ahead if ahead > 1.0 else 1.0))
            else:
                # Prompts arrive at least as fast as the budget drains them: this many decoding
                # is no steady state (the prefill queue grows without bound). Only beyond the
                # replica's limit (replica_capacity); the iterate after MVA_ITERATIONS steps
                # stands in, and the point is flagged as saturated.
                saturated = True
                for _ in range(C.MVA_ITERATIONS):
                    ahead = rate * phase * others
                    remaining = isl_eff * (1.0 - 0.5 / (ahead if ahead > 1.0 else 1.0))
                    phase = service + ahead * remaining * per_token
        residual_step = stage_s * pp * others  # the step already running when the prompt arrives
        balance = dp_balance_wait(ctx, rate, stage_s * pp) if k.balanced else 0.0
        lag = k.lag_steps * tpot  # perf.first_token_lag_seconds()
        ttft = overhead + balance + phase + 0.5 * residual_step + lag
        # The lag's steps are the request's own first decode steps: it is among the n decoding
        # then, so only the time before them keeps it out of the decode batch.
        previous, in_system = in_system, n + rate * (ttft - lag)
        if abs(in_system - previous) <= C.OPERATING_TOLERANCE * in_system:
            break
    # Percentiles: prompts ahead ~ Poisson(ahead); a request's decode meets a binomial number of
    # chunk steps over OSL steps; normal approximations of both.
    spread_tpot = math.sqrt(share * (1 - share) / (osl if osl > 1.0 else 1.0)) * (mixed_s - decode_s) * pp / speedup
    root = math.sqrt(ahead) if ahead > 0 else 0.0
    heavier = mixed if share * mixed_s >= (1 - share) * decode_s else decode_only
    return Operating(n, ttft, tpot, rate * osl, rate, heavier.bound, False, in_system, saturated,
                     (overhead + balance + service + lag, ahead, root, remaining * per_token, residual_step),
                     spread_tpot)


def _prefill_fixed_point(service: float, arrivals: float, prompt_s: float) -> float | None:
    """The fixed point of the prefill-slot mean-value analysis in :func:`_evaluate`, in closed
    form; None where there is none (prompts arrive at least as fast as the step budget drains
    them).

    The map is phase -> service + ahead x remaining x per-token time, with ahead = ``arrivals``
    x phase (Little's law over the others' prefill phase) and remaining = ISL x
    (1 - 0.5 / max(ahead, 1)); ``prompt_s`` is one whole prompt's drain time (ISL x per-token
    time). ahead x remaining is linear in the phase on each side of ahead = 1 (0.5 x ISL x ahead
    below, ISL x (ahead - 0.5) above), so the map is x -> c + m x piecewise, and the side on
    which the solution of its linear equation lies holds the fixed point. The slope above,
    ``arrivals`` x ``prompt_s``, is the prefill slot's utilisation: below 1 the fixed point is
    the mean-value answer (the iteration from ``service`` converges to it), at 1 or more there
    is none."""
    below = 1.0 - 0.5 * arrivals * prompt_s
    if below > 0.0:
        candidate = service / below
        if arrivals * candidate <= 1.0:
            return candidate
    above = 1.0 - arrivals * prompt_s
    if above <= 0.0:
        return None
    candidate = (service - 0.5 * prompt_s) / above
    if arrivals * candidate <= 1.0:
        return None
    return candidate


def _static(ctx: _Ctx, batch: float) -> Operating:
    """Static batches: prefill the whole batch, decode it to the end; new requests wait for the
    current batch (half a cycle on average)."""
    lay, opt = ctx.layout, ctx.options
    isl_eff = ctx.isl * (1 - opt.prefix_hit_rate)
    prefill_s = perf.prefill_seconds(ctx.model, ctx.gpu, ctx.precision, ctx.kv_precision, lay.tp, lay.pp,
                                     isl_eff, engine=ctx.engine, ep=lay.ep, dp=lay.dp, prompts=batch)
    stage = _step(ctx, batch)
    tpot = stage.total * lay.pp / opt.speculative_speedup
    cycle = prefill_s + ctx.osl * tpot
    ttft = (perf.request_fixed_seconds(ctx.model, ctx.engine, lay.pp) + prefill_s + cycle / 2
            + perf.first_token_lag_seconds(ctx.engine, tpot, ctx.model))
    rate = batch / cycle
    return Operating(running=batch, ttft_s=ttft, tpot_s=tpot, tokens_per_s=batch * ctx.osl / cycle,
                     requests_per_s=rate, bound=stage.bound, queued=False, in_system=batch)


def operate(model: Model, gpu: GPU, precision: str, kv_precision: str, layout: Layout,
            isl: int, osl: int, in_system: float, cap: int, options: ServingOptions,
            engine: EngineProfile | None = None) -> Operating:
    """Steady state of one replica with ``in_system`` requests (closed loop, as benchmarks run):
    finds the number decoding whose life cycle holds exactly that many requests (monotone, so
    a bracketed search); beyond the capacity the excess queues (Little's law)."""
    ctx = _Ctx(model, gpu, precision, kv_precision, layout, isl, osl, options,
               engine or perf.default_engine(gpu))
    if not options.continuous_batching:
        op = _static(ctx, max(min(in_system, cap), 1e-9))
        return _queue(op, in_system, cap)
    at = _solver(ctx).at
    top = at(min(in_system, cap))
    if top.in_system <= in_system + 1e-9:
        return _queue(top, in_system, cap) if in_system > top.in_system + 1e-9 else top
    lo, hi = 0.0, min(in_system, float(cap))
    prev_f = top.in_system - in_system
    best = top
    # First guess: scale the decoding count by the ratio (requests in the system are nearly
    # proportional to it); then secant steps, kept inside the bracket (bisection otherwise).
    prev_x = hi
    guess = hi * in_system / top.in_system
    for _ in range(C.OPERATING_SEARCH_STEPS):
        if not lo < guess < hi:
            guess = (lo + hi) / 2
        op = at(guess)
        value = op.in_system - in_system
        best = op
        if abs(value) <= in_system * C.OPERATING_TOLERANCE:
            break
        if value > 0:
            hi = guess
        else:
            lo = guess
        slope = (value - prev_f) / (guess - prev_x) if guess != prev_x else 0.0
        prev_x, prev_f = guess, value
        guess = guess - value / slope if slope > 0 else (lo + hi) / 2
    return best


def _queue(op: Operating, in_system: float, cap: float) -> Operating:
    """Requests beyond what the replica holds wait their turn: Little's law adds the wait."""
    held = op.in_system
    if in_system <= held + 1e-9:
        return op
    wait = (in_system - held) / op.requests_per_s if op.requests_per_s > 0 else 0.0
    return op._replace(ttft_s=op.ttft_s + wait, queued=True, in_system=in_system,
                       queue_wait=op.queue_wait + wait)


def operating_point(model: Model, gpu: GPU, precision: str, kv_precision: str, layout: Layout,
                    isl: int, osl: int, running: float, options: ServingOptions,
                    engine: EngineProfile | None = None) -> Operating:
    """Steady state with ``running`` sequences decoding (the sizer searches on this directly)."""
    return operating_points(model, gpu, precision, kv_precision, layout, isl, osl, options, engine)(running)


def operating_points(model: Model, gpu: GPU, precision: str, kv_precision: str, layout: Layout,
                     isl: int, osl: int, options: ServingOptions,
                     engine: EngineProfile | None = None) -> Callable[[float], Operating]:
    """:func:`operating_point` of one replica context as a function of ``running`` (for
    searches that ask for many points of the same replica)."""
    ctx = _Ctx(model, gpu, precision, kv_precision, layout, isl, osl, options,
               engine or perf.default_engine(gpu))
    if not options.continuous_batching:
        return partial(_static, ctx)
    return _solver(ctx).at


def estimate(
    model_id: str,
    gpu_id: str,
    gpus: int,
    input_tokens: int,
    output_tokens: int,
    precision: str | None = None,
    kv_precision: str | None = None,
    tensor_parallel: int | None = None,
    concurrency: float | None = None,
    max_throughput: bool = False,
    options: ServingOptions | None = None,
    engine: str | None = None,
    expert_parallel: bool | None = None,
    dp_attention: bool | None = None,
) -> Estimate:
    """Estimate serving performance. ``concurrency`` is the total over all replicas; with
    neither it nor ``max_throughput`` it defaults to 1 request in flight. ``engine`` (and the
    MoE layout choices) override the ones in ``options``."""
    model = get_model(model_id)
    gpu = get_gpu(gpu_id)
    options = options or ServingOptions()
    changes = {k: v for k, v in (("engine", engine), ("expert_parallel", expert_parallel),
                                 ("dp_attention", dp_attention)) if v is not None}
    if changes:
        options = options.model_copy(update=changes)
    return estimate_for(model, gpu, gpus, input_tokens, output_tokens, precision, kv_precision,
                        tensor_parallel, concurrency, max_throughput, options)


def estimate_for(model: Model, gpu: GPU, gpus: int, input_tokens: int, output_tokens: int,
                 precision: str | None, kv_precision: str | None, tensor_parallel: int | None,
                 concurrency: float | None, max_throughput: bool,
                 options: ServingOptions) -> Estimate:
    from kickoff_tui.sizing import bands

    if gpus < 1:
        raise ValueError("gpus must be at least 1")
    if gpus > C.MAX_GPUS:
        raise ValueError(f"gpus must be at most {C.MAX_GPUS:,} (got {gpus:,})")
    if input_tokens < 1 or output_tokens < 1:
        raise ValueError("input and output tokens must be at least 1")
    if concurrency is not None and not concurrency <= C.MAX_CONCURRENCY:
        raise ValueError(f"concurrency must be at most {C.MAX_CONCURRENCY:,} requests in flight (got {concurrency:g})")
    precision = perf.check_precision(precision or perf.default_precision(model))
    engine, engine_note = engine_for(options.engine, gpu.vendor)
    kv_note = ""
    if kv_precision is None:
        kv_precision = perf.default_kv_precision(gpu, precision, model, engine)
        if perf.fp8_kv_held_back(gpu, precision, model, engine):
            kv_note = (f"16-bit KV: {perf.fp8_kv_slower_words(gpu, engine)} "
                       "(--kv-precision fp8 gives twice the KV room at a slower TPOT)")
    kv_precision = perf.check_precision(kv_precision)
    math_precision, weight_only = perf.compute_precision(gpu, precision)
    base = dict(model=model.id, gpu=gpu.id, gpus=gpus, precision=precision, kv_precision=kv_precision,
                compute_precision=math_precision, weight_only=weight_only,
                input_tokens=input_tokens, output_tokens=output_tokens, engine=engine.id,
                engine_note=engine_note, kv_note=kv_note)
    if not engine.runs_on(gpu.vendor):
        return Estimate(**base, fits=False,
                        reason=f"{not_run_reason(engine, gpu.vendor)} ({gpu.id})")
    context = input_tokens + output_tokens
    if context > model.native_context:
        return Estimate(**base, fits=False,
                        reason=f"{input_tokens:,} + {output_tokens:,} tokens exceed {model.id}'s "
                        f"{model.native_context:,}-token context")
    if tensor_parallel and not tp_divides(model, tensor_parallel):
        return Estimate(**base, fits=False, tensor_parallel=tensor_parallel,
                        reason=f"tensor parallel {tensor_parallel} does not divide {model.id}'s "
                        f"{model.heads} attention heads / {model.kv_heads} KV heads evenly")
    if tensor_parallel:
        if tensor_parallel > gpus:
            return Estimate(**base, fits=False, reason=f"tensor parallel {tensor_parallel} > {gpus} GPUs")
        layout: Layout | None = moe_layout(model, tensor_parallel, 1, engine, options)
        assert layout is not None
        if not fits_one(model, gpu, precision, kv_precision, layout, context, options, engine):
            plan = _plan(model, gpu, precision, layout, options, engine)
            return Estimate(**base, fits=False, tensor_parallel=tensor_parallel,
                            weights_gb_per_gpu=round(plan.weights / 1e9, 2),
                            reason=_no_fit_reason(model, gpu, precision, plan, tensor_parallel,
                                                  kv_precision=kv_precision, context=context,
                                                  engine=engine))
    else:
        layout = smallest_layout(model, gpu, precision, kv_precision, gpus, context, options, engine)
        if layout is None:
            tp = min(gpus, gpu.gpus_per_node)
            plan = perf.memory_plan(model, gpu, precision, tp, 1, options.gpu_memory_utilization, engine)
            return Estimate(**base, fits=False,
                            reason=_no_fit_reason(model, gpu, precision, plan, tp, gpus,
                                                  kv_precision=kv_precision, context=context,
                                                  engine=engine))
    assert layout is not None

    def serve(candidate: Layout) -> Served:
        copies = gpus // candidate.gpus
        limit, memory = replica_capacity(model, gpu, precision, kv_precision, candidate, input_tokens,
                                         output_tokens, options, engine)
        if max_throughput:
            point = operating_point(model, gpu, precision, kv_precision, candidate, input_tokens,
                                    output_tokens, float(limit), options, engine)
            return point, limit, memory, point.in_system, copies
        load = (concurrency if concurrency is not None else 1.0) / copies
        point = operate(model, gpu, precision, kv_precision, candidate, input_tokens, output_tokens,
                        load, limit, options, engine)
        return point, limit, memory, load, copies

    layout_note = ""
    op, cap, plan, per_replica, replicas = serve(layout)
    if not tensor_parallel and layout.pp == 1:
        layout, layout_note, (op, cap, plan, per_replica, replicas) = _best_tp(
            model, layout, gpus, gpu, options, engine, serve, (op, cap, plan, per_replica, replicas),
            "as many in flight as fit" if max_throughput else f"{(concurrency or 1.0):g} in flight")
    notes = [layout_note] if layout_note else []
    idle = gpus - replicas * layout.gpus
    if idle > 0:
        notes.append(f"{idle} of the {gpus} GPUs serve nothing: {replicas} replica{'' if replicas == 1 else 's'} of {layout.gpus} "
                     "GPUs fit (per-GPU figures divide by all of them)")
    if not model.is_moe and (options.expert_parallel or options.dp_attention):
        notes.append("expert parallelism and data-parallel attention apply to MoE models only: "
                     f"ignored for {model.id}")
    layout_note = "; ".join(notes)
    total_tps = op.tokens_per_s * replicas
    band = bands.band_for(engine.id, gpu, model)
    ttft_ms, tpot_ms = op.ttft_s * 1e3, op.tpot_s * 1e3
    ttft_lo, ttft_hi = band.latency_range("ttft", ttft_ms)
    tpot_lo, tpot_hi = band.latency_range("tpot", tpot_ms)
    tps_lo, tps_hi = band.throughput_range(total_tps)
    pct = {f"{metric}_{name}_ms": round(value * 1e3, 3)
           for metric, table in (("ttft", op.ttft_pct), ("tpot", op.tpot_pct))
           for name, value in table.items()}
    return Estimate(
        **base,
        fits=True,
        layout_note=layout_note,
        tensor_parallel=layout.tp,
        pipeline_parallel=layout.pp,
        expert_parallel=layout.ep,
        dp_attention=layout.dp > 1,
        replicas=replicas,
        concurrency=round(per_replica * replicas, 3),
        running_per_replica=round(op.running, 3),
        max_concurrency_per_replica=cap,
        ttft_ms=round(ttft_ms, 3),
        tpot_ms=round(tpot_ms, 3),
        **pct,
        output_tokens_per_s=round(total_tps, 2),
        output_tokens_per_s_per_gpu=round(total_tps / gpus, 2),
        requests_per_s=round(op.requests_per_s * replicas, 4),
        ttft_ms_low=round(ttft_lo, 3), ttft_ms_high=round(ttft_hi, 3),
        tpot_ms_low=round(tpot_lo, 3), tpot_ms_high=round(tpot_hi, 3),
        output_tokens_per_s_low=round(tps_lo, 2), output_tokens_per_s_high=round(tps_hi, 2),
        band_group=band.group, band_note=band.note,
        first_token_lag_ms=round(perf.first_token_lag_seconds(engine, op.tpot_s, model) * 1e3, 3),
        kv_cache_tokens=perf.kv_token_capacity(model, plan, kv_precision, layout.tp, layout.pp, layout.dp),
        prefill_saturated=op.prefill_saturated,
        weights_gb_per_gpu=round(plan.weights / 1e9, 2),
        kv_gb_per_gpu=round(max(plan.kv, 0) / 1e9, 2),
        overhead_gb_per_gpu=round(plan.overhead / 1e9, 2),
        bound=op.bound,
        queued=op.queued,
    )


Served = tuple["Operating", int, perf.MemoryPlan, float, int]
"""A layout's steady state in ``estimate_for``: (operating point, per-replica limit, memory
plan, requests per replica, replicas)."""


TP_TIE_FRACTION = 0.005
"""Tensor-parallel sizes whose replicas together serve within 0.5% of the same output tokens/s
count as a tie (below the model's own resolution); the shorter TTFT then decides."""


def _best_tp(model: Model, smallest: Layout, gpus: int, gpu: GPU, options: ServingOptions,
             engine: EngineProfile, serve: Callable[[Layout], Served], first: Served,
             load: str) -> tuple[Layout, str, Served]:
    """With no tensor-parallel size given: of the power-of-two sizes from the smallest that fits
    up to the GPUs given (within one node or NVLink domain), the one whose replicas together serve
    the most output tokens/s at the load asked for. At a fixed number of requests in flight that
    is also the shortest request life (Little's law: in flight = rate x (TTFT + answer time)), so
    a size whose requests queue is only chosen where it still finishes them sooner. At low load a
    wider TP decodes faster; at high load more, narrower replicas may serve more. Returns the
    layout, a note naming the sizes compared, and the chosen size's ``serve`` result."""
    node = max(gpu.gpus_per_node, gpu.scale_up_domain if gpu.scale_up_gbs else 1, 1)
    sizes = [tp for tp in powers_of_two(min(gpus, node)) if tp > smallest.tp and tp_divides(model, tp)]
    if not sizes:
        return smallest, "", first
    tried = [(smallest, first)]
    for tp in sizes:
        candidate = moe_layout(model, tp, 1, engine, options)
        tried.append((candidate, serve(candidate)))

    def served(item: tuple[Layout, Served]) -> float:
        point, copies = item[1][0], item[1][4]
        return point.tokens_per_s * copies

    most = max(served(item) for item in tried)
    # Sizes within TP_TIE_FRACTION of the most tokens/s serve the same (e.g. every size queues at
    # the same KV-bound rate): of those, the shortest TTFT; min() keeps the smallest size on a tie.
    close = [item for item in tried if served(item) >= most * (1 - TP_TIE_FRACTION)]
    best = min(close, key=lambda item: item[1][0].ttft_s)
    words = ", ".join(f"TP{lay.tp} x{res[4]} {res[0].tokens_per_s * res[4]:,.0f} tok/s"
                      + (" (queues)" if res[0].queued else "") for lay, res in tried)
    tie = " (a tie in tokens/s: the shortest TTFT)" if len(close) > 1 else ""
    note = (f"TP{best[0].tp} chosen: the most output tokens/s at {load}{tie} of {words} "
            "(--tensor-parallel sets it)")
    return best[0], note, best[1]


def _no_fit_reason(model: Model, gpu: GPU, precision: str, plan: perf.MemoryPlan, tp: int,
                   gpus: int | None = None, *, kv_precision: str = "bf16", context: float = 0,
                   engine: EngineProfile | None = None) -> str:
    kv = perf.kv_bytes_per_sequence(model, kv_precision, context, tp) / 1e9
    need = (plan.weights + plan.overhead) / 1e9
    have = plan.usable / 1e9
    where = f"{gpus} GPUs" if gpus else f"TP{tp}"
    return (f"{model.id} at {precision} needs {need:.1f} GB per GPU at {where} (weights + runtime) "
            f"plus {kv:.1f} GB of KV for one {context:,.0f}-token request; {gpu.id} offers "
            f"{have:.1f} GB usable" + (f" under {engine.name}'s memory settings" if engine else ""))
