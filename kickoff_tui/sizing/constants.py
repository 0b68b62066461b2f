"""Every constant the performance model and the sizer use, each with where it comes from.

Efficiencies are properties of hardware plus mature serving software (TensorRT-LLM, vLLM, SGLang),
not of any benchmark row. They were set from micro-benchmarks (STREAM, GEMM, NCCL) where those
exist and then checked once against the shared calibration file as a whole
(``kickoff calibrate``); no constant is specific to one model, GPU or source.
"""

from __future__ import annotations

# --- Memory -----------------------------------------------------------------------------------

GPU_MEMORY_UTILIZATION = 0.90
"""Share of device memory the engine may use: vLLM's ``--gpu-memory-utilization`` default (0.9);
TensorRT-LLM's ``free_gpu_memory_fraction`` default (0.9) leaves a similar margin."""

RUNTIME_OVERHEAD_GB = 2.0
"""Fixed per-GPU memory the engine takes besides weights and KV cache: CUDA context, NCCL buffers,
CUDA-graph pools (vLLM start-up logs typically report 1-3 GiB of non-torch + graph memory)."""

ACTIVATION_BYTES_PER_TOKEN_PER_HIDDEN = 16
"""Peak activation workspace per scheduled token, in bytes per hidden unit (a handful of BF16
hidden-sized buffers plus the MLP up-projection shard). Scaled by the per-step token budget."""

# --- Achievable fractions of peak --------------------------------------------------------------

MEMORY_BANDWIDTH_EFFICIENCY = 0.80
"""Share of peak HBM bandwidth decode kernels reach when the catalog has no measurement.
Measured STREAM-class figures: H200 4.15 of 4.8 TB/s (0.86), MI300X 4.09 of 5.3 (0.77),
GB200 7.35 of 8.0 (0.92) (Azure AI-benchmarking-guide / Azure blog); decode GEMV and paged
attention kernels run a little below STREAM."""

BANDWIDTH_KERNEL_FRACTION = 0.93
"""Decode kernels (GEMV, paged attention) relative to a STREAM copy on the same part; applied to
measured bandwidth. TensorRT-LLM/vLLM batch-1 decode on H100 lands near 80% of peak HBM
bandwidth, which is 0.93 of H200-class STREAM efficiency (0.86)."""

GEMM_EFFICIENCY = 0.62
"""Share of dense tensor peak a large GEMM reaches when the catalog has no measurement.
Measured: H200 FP8 1,366 of 1,979 TFLOPS (0.69), GB200 FP8 2,744 of 5,000 (0.55), MI300X FP8
1,160 of 2,615 (0.44) (Azure AI-benchmarking-guide / Azure blog). Mean of the NVIDIA parts."""

SERVING_GEMM_FRACTION = 0.80
"""Serving GEMMs (chunked prefill, mixed batches, fused MoE) relative to a peak-sized GEMM
benchmark on the same part: smaller, skinnier shapes and quantisation epilogues."""

ATTENTION_EFFICIENCY = 0.45
"""Share of dense 16-bit peak that prefill attention (FlashAttention-2/3 class) reaches
(FlashAttention-3 paper: ~600-750 of 989 TFLOPS forward on H100 at long sequence; lower with
causal masks, short chunks and paged KV)."""

ATTENTION_PRECISION = "bf16"
"""Attention math runs in 16-bit in mainstream engines even with an FP8 KV cache."""

KV_PROBE_BATCH = 64
KV_PROBE_CONTEXT = 4096
"""The decode step at which an engine's FP8-KV and 16-bit-KV attention kernels are compared to
pick the default KV precision (perf.default_kv_precision): a mid-load step, 64 sequences of 4K
tokens, inside every measured curve's grid (batch 1-512, context 128-131072)."""

KV_FP8_SLOWER_MARGIN = 1.1
"""How much slower per token the FP8-KV kernel must be before the default stays 16-bit. Some
kernels read an FP8 token in the same time as a 16-bit one (half the bytes at half the rate:
TensorRT-LLM's MLA decode on L40S measures 0.50x its 16-bit bytes/s at every context), a tie
within the database's few-percent spread; a tie keeps FP8 and its doubled room, and only a
clearly slower kernel (SGLang's MLA decode on Hopper, 0.08-0.25x) gives it up. Kickoff's
choice of tolerance."""

# --- Tensor-parallel communication --------------------------------------------------------------

ALLREDUCES_PER_LAYER = 2
"""Megatron-style TP: one all-reduce after attention, one after the MLP (Shoeybi et al. 2019)."""

ALLREDUCE_LATENCY_S = 8e-6
"""Fixed cost of one small all-reduce over NVLink/NVSwitch with NCCL or custom one-shot kernels
(NCCL tests / TensorRT-LLM custom all-reduce: ~5-10 us for small messages on 8 GPUs)."""

PCIE_ALLREDUCE_LATENCY_S = 30e-6
"""Same over PCIe without a scale-up link (host-routed rings: several times slower)."""

LINK_EFFICIENCY = 0.55
"""Achieved all-reduce bus bandwidth over the per-direction link peak: H200 NVLS all-reduce
480 GB/s bus bandwidth at 8 GB vs 450 GB/s per direction... ring algorithms reach ~0.5-0.6 of
the bidirectional figure / 2 at mid-size messages (Azure ND H200 v5 NCCL results)."""

ACTIVATION_BYTES = 2
"""All-reduced activations are BF16."""

PIPELINE_HOP_S = 30e-6
"""Point-to-point hand-off between pipeline stages over InfiniBand/RoCE (one small send)."""

# --- Engine behaviour ---------------------------------------------------------------------------

LAYER_FLOOR_S = 25e-6
"""Minimum time of one transformer layer however small the batch: ~8-12 kernels (norms,
projections, attention, activation) of a few microseconds each even inside a CUDA graph."""

MOE_LAYER_EXTRA_FLOOR_S = 25e-6
"""Extra floor of a MoE layer: router, top-k, token permutation and the grouped expert GEMM
launch (fused-MoE kernels in vLLM / TensorRT-LLM)."""

MAX_TOKENS_PER_STEP = 8192
"""Default token budget of one scheduler step (TensorRT-LLM ``max_num_tokens`` 8192; vLLM V1
``max_num_batched_tokens`` 8192); each engine profile carries its own."""

STATIC_BATCH_SIZE_LIMIT = 256
"""Largest static batch considered when continuous batching is off."""

MOE_GEMM_FRACTION = 0.70
"""Routed-expert (grouped) GEMMs relative to a dense GEMM of the same FLOPs: tokens split
unevenly over experts into small, ragged matrices, plus permute/un-permute passes (fused-MoE
kernels in vLLM/SGLang/TensorRT-LLM reach well below dense GEMM efficiency)."""

MOE_ROUTING_SKEW = 1.0
"""Multiplier on the uniform-routing estimate of distinct experts hit per step (1.0 = uniform).
Real routers are somewhat skewed, which lowers the count slightly; kept neutral."""

MIN_PREFILL_SHARE = 0.25
"""Share of the step budget kept for prompt chunks even when many sequences decode (vLLM and
TensorRT-LLM schedulers always admit some prefill so new requests are not starved)."""

PERCENTILE_Z: dict[str, float] = {"p50": 0.0, "p90": 1.2816, "p95": 1.6449, "p99": 2.3263}
"""Standard-normal quantiles: latency percentiles come from the modelled spread (how many other
prompts are ahead in the prefill queue, how many chunk steps a request's decode meets), taken
as normal around its mean (a normal approximation of the binomial counts)."""

EXPERT_LOAD_IMBALANCE = 1.3
"""Busiest expert-parallel rank's routed tokens over the mean, without expert re-balancing:
DeepSeek-V3 technical report (2024-12, section 3.4 'redundant experts' to even the load) and the
SGLang blog 'Deploying DeepSeek with PD Disaggregation and Large-scale Expert Parallelism'
(2025-05-05) report per-rank imbalance of roughly 1.2-1.5x before EPLB; 1.3 taken."""

NVLS_BANDWIDTH_GAIN = 1.3
"""All-reduce bus bandwidth with NVLink SHARP (in-switch reduction) over the ring algorithm on
the same NVSwitch system: NCCL tests on HGX H100 reach ~480 GB/s bus bandwidth with NVLS against
~360-370 GB/s with rings at large messages (NCCL 2.17+ release notes and NVIDIA's NVLS blog
'Fast Multi-GPU collectives with NCCL', 2023)."""

# --- Sizing: redundancy, power, cooling, cost -----------------------------------------------------

LORA_THROUGHPUT_FACTOR = 0.90
"""Multi-LoRA serving (S-LoRA, Punica, vLLM --enable-lora) costs roughly 10% of throughput for
the extra low-rank matmuls and adapter gathering at mixed batches."""

RACK_CONTINUOUS_LOAD_FRACTION = 0.80
"""Continuous loads may draw at most 80% of a circuit's rating (US NEC 210.19/215.2 '125% rule';
the same derating is common practice elsewhere): a 35 kW breaker rating carries 28 kW of
servers. Applied only when the rack figure is a breaker rating, not a contracted IT-load cap."""

NETWORK_OVERHEAD_FRACTION = 0.05
"""IT power of switches, storage and management servers on top of the GPU nodes (a few percent
of the nodes' draw in GPU cluster reference designs)."""

PUE_DEFAULT = 1.3
"""Facility power over IT power for a modern AI-ready data hall (Uptime Institute's 2023 global
average is 1.58; new liquid-cooled halls target 1.1-1.3)."""

AIR_MAX_RACK_KW = 20.0
"""Practical ceiling of conventional front-to-back air cooling per rack with hot/cold aisle
containment (ASHRAE TC9.9 "Thermal Guidelines for Data Processing Environments" and Uptime
Institute's annual surveys place room air cooling at roughly 15-20 kW per rack)."""

RDHX_MAX_RACK_KW = 35.0
"""Rear-door heat exchangers remove heat at the rack: passive doors ~20-35 kW, active
(fan-assisted) doors are rated up to ~50-75 kW by their makers (Motivair ChilledDoor, Vertiv
Liebert DCD datasheets). 35 kW is the figure of the kickoff guide's facility ("tops out at 35 kW
per rack with rear-door HX"); beyond it direct liquid cooling is assumed."""

HOURS_PER_YEAR = 8760.0
"""Hours in a (non-leap) year."""

HOURS_PER_MONTH = HOURS_PER_YEAR / 12
"""Average hours in a month (730)."""

MAX_GPUS = 1_000_000
"""Most GPUs one estimate may span (``kickoff estimate --gpus``, the batch CSV's ``gpus`` cell)
and the largest GPU budget an answer may hold: the largest fleets anyone sizes are a few
hundred thousand GPUs, so a count above a million is a typo, whose figures would mean nothing."""

MAX_CONCURRENCY = 100_000_000
"""Most requests in flight one estimate may carry (``--concurrency``, the batch CSV's cell): a
hundred per GPU over the largest fleet above; beyond it (``1e308``) TTFT came out as inf."""

MAX_PIPELINE_STAGES = 64
"""Most pipeline stages (nodes) the sizer tries for one replica before calling it unservable."""

PURCHASE_AMORTISATION_YEARS = 4.0
"""Hardware life used to turn a purchase price into an hourly figure (typical 3-5 year
depreciation of data-centre GPUs)."""

COMMITMENT_DISCOUNT: dict[str, float] = {
    "reserved-1y": 0.25,
    "reserved-3y": 0.40,
    "spot": 0.60,
}
"""Discount off on-demand when a SKU has no price on that basis: annual commitments 20-30%,
multi-year 30-50% (procurement guide in the seed documents); spot capacity trades at roughly
60% off list on the large clouds but can be reclaimed."""

# --- Numerical settings of the steady-state solver (not physics) ---------------------------------

MVA_ITERATIONS = 12
"""Iterations of the prefill-queue mean-value analysis where it has no fixed point (prompts
arrive at least as fast as the step budget drains them: no steady state at that many decoding,
and the point is flagged ``prefill_saturated``). Everywhere else the solver takes the fixed
point in closed form (``estimate._prefill_fixed_point``)."""

OTHERS_ITERATIONS = 6
"""Fixed-point iterations of the requests-in-system count that sets how much of the prompt
stream a decoding request sees (the others' share, (N - 1) / N); converges in two or three."""

OPERATING_SEARCH_STEPS = 60
"""Most regula-falsi steps to find the running count that holds the requests in the system."""

OPERATING_TOLERANCE = 1e-5
"""Relative tolerance on requests in the system, for that search and for the fixed point of
the requests in the system at one operating point: 0.003 of a request at 300 in flight, far
below anything a sizing or a displayed figure resolves (1e-7 took a third more iterations and
changed no figure by more than its last printed digit)."""

PERCENTILE_Q: dict[str, float] = {"p50": 0.50, "p90": 0.90, "p95": 0.95, "p99": 0.99}
"""Quantile of a uniform arrival inside the step already running (the residual step)."""

SIZER_SEARCH_RESOLUTION = 100
"""The sizer's search for the highest concurrency meeting the targets stops at 1/100 of it
(1%): finer steps change the replica count only at exact boundaries."""


KERNEL_GRID_PER_OCTAVE = 8
"""Kernel-curve lookups are cached on a grid of 8 points per doubling and interpolated between."""

KERNEL_GEMM_MIN_TOKENS = 256
"""Measured GEMM (and grouped-GEMM) curves are read at no fewer rows than this: the ridge point
of every NVIDIA part in the catalog (peak FLOP/s over peak bytes/s x bytes per weight / 2) is
290-300 rows at every precision; below it the measured rate mostly reflects the benchmark
shapes' weight streaming, which the model's own weight-read term covers."""
# --- Sizing: load, failure domains, whole units, power (sizing-side; kept apart from the perf model)

TYPICAL_DRAW_FRACTION = 0.70
"""Average draw of a serving node over its nameplate (maximum input) when no measurement is
published: nameplate ratings cover the worst case (all GPUs at their power limit plus PSU
margin), serving averages well below it. The one published serving measurement in the catalog,
InferenceX's MI355X average of ~670 W per 1,400 W GPU, is lower still; 0.70 stays on the safe
side for energy cost. Provisioning (racks, feeds) always uses the nameplate."""

RACK_IT_CAP_FRACTION = 1.0
"""A contracted IT-load cap is what the servers may draw: no further derating (colocation
contracts sell kW of IT load; the provider sized the breakers for it)."""

SITES_FOR_MULTI_SITE = 2
"""A second site carries the whole design load on its own (active-active or warm standby)."""

RACK_DOMAIN_TP_SPAN = 4
"""Inside a rack-scale NVLink domain the sizer tries TP sizes up to 4x the smallest that holds the
model (and at least two compute trays): wider TP splits the same weights over more all-reduces."""

MIN_MEMORY_FRACTION_WITH_DRAFT = 0.05
"""Floor on the memory fraction left to the target model once a draft model's weights are
taken out of it (keeps the memory plan defined; a layout that low holds no KV and is rejected)."""
