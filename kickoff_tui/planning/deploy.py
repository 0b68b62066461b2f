"""Deployment export: the sized spec as serving configuration a platform team applies.

From one :class:`DeploySettings` (engine-neutral values resolved from the spec and the inputs,
each with the reason it has that value) this module builds, for one **target**:

- ``k8s``: Deployment (no fixed ``replicas`` while an autoscaler manages it), Service,
  PodDisruptionBudget from the agreed redundancy, HorizontalPodAutoscaler (or a KEDA
  ``ScaledObject`` with ``keda=True``), CPU/memory/accelerator requests, tolerations for tainted
  accelerator nodes, spread across nodes, a pre-stop drain for streams and probes;
- ``lws``: a LeaderWorkerSet for replicas that span nodes (one leader + workers per replica) with
  the engines' multi-node options; chosen automatically when a replica is larger than a node;
- ``helm-production-stack``: ``values.yaml`` for the vLLM production-stack Helm chart;
- ``kserve``: a KServe ``InferenceService`` (raw deployment, custom engine container);

plus, for every target, a ``PrometheusRule`` + ``ServiceMonitor`` (``monitoring.yaml``), the same
rules as a plain Prometheus rule file, engine launch scripts for vLLM, SGLang and TensorRT-LLM,
and a README saying where every value came from.

Every YAML document is a Python dict dumped with PyYAML's ``safe_dump`` (never text templates),
and every Kubernetes name is checked against the RFC 1123 / RFC 1035 label rules first.
Option and metric names are checked against vLLM 0.33.0 and SGLang 0.5.23 (the lists in
``tests/data/*_cli_args.txt`` are regenerated from the released wheels by
``scripts/engine_flags.py``); TensorRT-LLM's are from its documentation (the README says so).
"""

from __future__ import annotations

import json
import math
import re
import shlex
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import ConfigDict, Field

from kickoff_tui.validation import NoYesNoNumbers
from kickoff_tui.planning import constants as C
from kickoff_tui.record.text import visible

if TYPE_CHECKING:
    from kickoff_tui.sizing import SizedSpec, SizingInputs

Engine = Literal["vllm", "sglang", "trtllm"]
ENGINES: tuple[str, ...] = ("vllm", "sglang", "trtllm")
TARGETS: tuple[str, ...] = ("k8s", "lws", "helm-production-stack", "kserve")
"""What ``kickoff deploy --target`` accepts."""

SERVE_PORT = 8000
"""HTTP port every engine is started on (vLLM's and trtllm-serve's default; SGLang is told)."""

# --- Images --------------------------------------------------------------------------------------

IMAGE_TAGS_WRITTEN = "2026-12-01"
"""Date the image tags below were written down. They follow each project's published tag scheme
for the engine releases whose options the tests check; Kickoff cannot pull them (no network at
run time): confirm each tag exists in your registry mirror before applying."""

VLLM_VERSION = "0.33.0"
"""The vLLM release whose ``vllm serve`` options ``tests/data/vllm_cli_args.txt`` lists."""
SGLANG_VERSION = "0.5.23"
"""The SGLang release whose server options ``tests/data/sglang_cli_args.txt`` lists."""
TRTLLM_VERSION = "1.2.0"
"""TensorRT-LLM release the ``trtllm-serve`` options were taken from (its documentation)."""

IMAGES: dict[tuple[str, str], str] = {
    ("vllm", "NVIDIA"): f"vllm/vllm-openai:v{VLLM_VERSION}",
    ("vllm", "AMD"): f"rocm/vllm:v{VLLM_VERSION}",
    ("vllm", "Intel"): f"vault.habana.ai/gaudi-docker-vllm/vllm-gaudi:v{VLLM_VERSION}",
    ("vllm", "Google"): f"vllm/vllm-tpu:v{VLLM_VERSION}",
    ("vllm", "AWS"): f"public.ecr.aws/neuron/pytorch-inference-vllm-neuronx:{VLLM_VERSION}",
    ("sglang", "NVIDIA"): f"lmsysorg/sglang:v{SGLANG_VERSION}",
    ("sglang", "AMD"): f"lmsysorg/sglang:v{SGLANG_VERSION}-rocm",
    ("trtllm", "NVIDIA"): f"nvcr.io/nvidia/tensorrt-llm/release:{TRTLLM_VERSION}",
}
"""Engine image per accelerator vendor: the CUDA builds for NVIDIA; AMD's ROCm build of vLLM
(``rocm/vllm``), vLLM's Gaudi plugin image for Intel, ``vllm/vllm-tpu`` for Google TPUs, the AWS
Neuron vLLM container for Trainium. A missing pair (TensorRT-LLM off NVIDIA, SGLang on TPU)
is refused for the manifests. Tags: see ``IMAGE_TAGS_WRITTEN``."""

NGRAM_SPECULATIVE_TOKENS = 5
"""Draft tokens per step for n-gram (prompt-lookup) speculation: the value in vLLM's n-gram
example (docs "Speculative Decoding", ``num_speculative_tokens: 5``)."""
NGRAM_PROMPT_LOOKUP_MAX = 4
"""Longest n-gram matched in the prompt: same vLLM example (``prompt_lookup_max: 4``)."""

MAX_LORA_RANK = 64
"""Largest LoRA rank the engine reserves memory for (vLLM's default is 16, which refuses most
published adapters; 64 covers the common 8-64 ranks). Kickoff choice: set your adapters' rank."""
LORA_MOUNT = "/adapters"
"""Where the manifests mount the LoRA adapters (one sub-folder per variant)."""

SHM_SIZE = "16Gi"
"""In-memory /dev/shm for NCCL and engine IPC with tensor parallelism (vLLM's Kubernetes guide
mounts a memory-backed emptyDir at /dev/shm); Kickoff's size choice."""
STARTUP_PROBE_PERIOD_S = 10
"""Seconds between start-up checks."""
STARTUP_PROBE_FAILURES = 120
"""120 x 10 s = 20 minutes to download and load weights before Kubernetes restarts the pod."""
READINESS_PERIOD_S = 10
"""Seconds between readiness checks once started."""
LIVENESS_PERIOD_S = 30
"""Seconds between liveness checks; 3 failures (90 s) restart a hung engine."""
LIVENESS_FAILURES = 3
"""See ``LIVENESS_PERIOD_S``."""
SCALE_DOWN_STABILISATION_S = 600
"""The autoscaler waits 10 minutes of low load before removing a replica: a replica takes minutes
to load the model, so flapping costs SLO breaches. Kickoff choice."""

CPU_PER_GPU = 4
"""CPU cores requested per accelerator: the engine's scheduler, tokeniser and detokeniser run on
the host (vLLM's docs ask for at least 2 cores per GPU plus one per engine process); 8-GPU
servers carry 96-224 cores, so 4 per GPU leaves room. Kickoff choice."""
HOST_MEMORY_BASE_GIB = 16
"""Host memory per pod besides the weights (Python, tokeniser, CUDA context, buffers). Kickoff
choice."""
HOST_MEMORY_WEIGHTS_FACTOR = 1.0
"""The weights pass through host memory once while loading (safetensors are memory-mapped):
request one copy of the pod's share of the weights. Kickoff choice."""
GIB_PER_GB = 1e9 / 2**30
"""Decimal GB (the sizer's unit) to GiB (Kubernetes' ``Gi``)."""
STREAM_DRAIN_FACTOR = 4.0
"""A long answer runs this many times the average request duration (TTFT + output tokens x TPOT);
the pre-stop drain waits that long so streams in flight finish. Kickoff choice."""
MIN_DRAIN_S = 30
"""Shortest pre-stop drain: time for the endpoint removal to reach every load balancer."""
ENGINE_SHUTDOWN_S = 30
"""Grace after the drain for the engine to exit before it is killed (termination grace period =
drain + this)."""
MAX_BASE_NAME = 40
"""Longest base name: suffixes (``-variant-12``, ``-trtllm-options``, LeaderWorkerSet's
``-0-1`` pod and revision-hash labels) must stay within the 63-character label limit."""

KEDA_PROMETHEUS_ADDRESS = "http://prometheus-operated.monitoring.svc:9090"
"""Where KEDA queries Prometheus: the Service the Prometheus operator creates in a ``monitoring``
namespace. Change it to your Prometheus."""
KEDA_POLLING_S = 15
"""KEDA polls the queries every 15 s (a typical Prometheus scrape interval)."""
SCRAPE_INTERVAL = "15s"
"""ServiceMonitor scrape interval: the Prometheus operator's common default."""
LWS_API = "leaderworkerset.x-k8s.io/v1"
"""LeaderWorkerSet API (kubernetes-sigs/lws v0.3+)."""
KSERVE_API = "serving.kserve.io/v1beta1"
"""KServe InferenceService API."""
RAY_PORT = 6379
"""Ray head port in vLLM's multi-node example (``multi-node-serving.sh``)."""
VLLM_MULTINODE_SCRIPT = "/vllm-workspace/examples/online_serving/multi-node-serving.sh"
"""The Ray bootstrap script in the vllm/vllm-openai image, used by vLLM's LeaderWorkerSet guide
(docs "Deployment / Frameworks / LWS")."""
SGLANG_DIST_PORT = 20000
"""Port SGLang's nodes rendezvous on (``--dist-init-addr HOST:PORT``; the port in SGLang's
multi-node example)."""

GPU_RESOURCE: dict[str, str] = {
    "NVIDIA": "nvidia.com/gpu",
    "AMD": "amd.com/gpu",
    "Intel": "habana.ai/gaudi",
    "Google": "google.com/tpu",
    "AWS": "aws.amazon.com/neuron",
}
"""Extended resource each vendor's Kubernetes device plugin advertises; also the taint key the
managed clouds put on accelerator nodes (tolerated by every pod here)."""

NVIDIA_PRODUCT_LABEL: dict[str, str] = {
    "a100-40gb": "NVIDIA-A100-SXM4-40GB",
    "a100-80gb": "NVIDIA-A100-SXM4-80GB",
    "h100-sxm": "NVIDIA-H100-80GB-HBM3",
    "h100-pcie": "NVIDIA-H100-PCIe",
    "h100-nvl": "NVIDIA-H100-NVL",
    "h200-sxm": "NVIDIA-H200",
    "h200-nvl": "NVIDIA-H200-NVL",
    "b200": "NVIDIA-B200",
    "gb200": "NVIDIA-GB200",
    "b300": "NVIDIA-B300-SXM6-AC",
    "gb300": "NVIDIA-GB300",
    "l40s": "NVIDIA-L40S",
    "l4": "NVIDIA-L4",
    "rtx-4090": "NVIDIA-GeForce-RTX-4090",
}
"""``nvidia.com/gpu.product`` as NVIDIA GPU Feature Discovery labels nodes (the driver's product
name with spaces as dashes). Confirm with ``kubectl get nodes -L nvidia.com/gpu.product``."""

NODE_LABELS: dict[str, dict[str, str]] = {
    "mi300x": {"amd.com/gpu.device-id": "74a1"},
    "mi325x": {"amd.com/gpu.device-id": "74a5"},
    "mi355x": {"amd.com/gpu.device-id": "75a3"},
    "tpu-v5p": {
        "cloud.google.com/gke-tpu-accelerator": "tpu-v5p-slice",
        "cloud.google.com/gke-tpu-topology": "2x2x1",
    },
    "trainium2": {"node.kubernetes.io/instance-type": "trn2.48xlarge"},
}
"""Node labels per non-NVIDIA part: the AMD GPU operator's node labeller (PCI device id), GKE's
TPU labels (v5p, one 4-chip host: topology 2x2x1; GKE docs "Plan TPUs in GKE"), EKS's instance
type for Trainium2. Confirm with ``kubectl get nodes --show-labels``."""

GENERIC_ACCELERATOR_LABEL = "kickoff.dev/accelerator"
"""Node label used where no operator label is known (label the nodes, or swap in yours)."""

QUANTILE = {"p50": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99}
"""SLO percentile -> histogram_quantile argument."""

METRICS: dict[str, dict[str, str]] = {
    "vllm": {
        "ttft": "vllm:time_to_first_token_seconds_bucket",
        "tpot": "vllm:request_time_per_output_token_seconds_bucket",
        "waiting": "vllm:num_requests_waiting",
        "running": "vllm:num_requests_running",
        "kv": "vllm:kv_cache_usage_perc",
        "preemptions": "vllm:num_preemptions_total",
    },
    "sglang": {
        "ttft": "sglang:time_to_first_token_seconds_bucket",
        "tpot": "sglang:request_time_per_output_token_seconds_bucket",
        "waiting": "sglang:num_queue_reqs",
        "running": "sglang:num_running_reqs",
        "kv": "sglang:token_usage",
    },
}
"""Engine metric names (vLLM 0.33 ``vllm/v1/metrics/loggers.py``; SGLang 0.5.23
``sglang/srt/observability/metrics_collector.py``). Both label series with ``model_name``.
TensorRT-LLM has no equivalent set here: its rule file keeps only the DCGM rule."""

METRICS_PATH = {"vllm": "/metrics", "sglang": "/metrics", "trtllm": "/prometheus/metrics"}
"""Where each engine serves Prometheus text: trtllm-serve's ``/metrics`` is JSON iteration stats;
its Prometheus endpoint is ``/prometheus/metrics``."""

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
"""RFC 1123 label: Deployment, ConfigMap, LeaderWorkerSet names."""
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
"""RFC 1035 label: Service names (and KServe's) must also start with a letter."""
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
"""Kubernetes label value (at most 63 characters)."""
DERIVED_NAME_PREFIX = "llm-"
"""Put before a derived name that starts with a digit (a model imported as ``8b-ft``)."""


class DeploySettings(NoYesNoNumbers):
    """Engine-neutral serving settings, each resolved from the spec or the inputs."""

    model_config = ConfigDict(extra="forbid")

    name: str
    """Kubernetes-safe base name (checked RFC 1035 label)."""
    model_id: str
    model_ref: str
    """What the engine loads: the checkpoint for the sized precision when the catalog knows it."""
    served_name: str
    gpu: str
    gpu_vendor: str
    tensor_parallel: int
    pipeline_parallel: int
    gpus_per_replica: int
    expert_parallel: int = 1
    """MoE: GPUs the experts are split over whole (the sized layout's EP)."""
    dp_attention: bool = False
    """MoE: attention data-parallel over the replica's GPUs (each rank its own sequences)."""
    gpus_per_node: int
    nodes_per_replica: int = 1
    replicas: int
    """Replicas of each deployment."""
    deployments: int
    replicas_for_load: int
    """Per deployment (the sizer counts load, headroom and redundancy per deployment)."""
    replicas_for_redundancy: int
    max_num_seqs: int
    max_model_len: int
    gpu_memory_utilization: float
    dtype: str
    """``auto``, ``bfloat16`` or ``float16``."""
    quantization: str | None
    """Online quantisation vLLM/SGLang apply (``fp8``), or ``None`` (checkpoint decides)."""
    precision: str = ""
    checkpoint_problem: str | None = None
    """Why no engine can load weights at the sized precision (no known checkpoint)."""
    trtllm_problem: str | None = None
    """Why TensorRT-LLM in particular cannot (it has no on-the-fly FP8 from 16-bit weights)."""
    kv_precision: str
    prefix_caching: bool
    speculative: bool
    lora: bool
    max_loras: int
    ttft_target_ms: float
    tpot_target_ms: float
    slo_percentile: str
    ttft_pred_ms: float | None
    tpot_pred_ms: float | None
    avg_output_tokens: int
    sized_context_tokens: int
    kv_cache_tokens_per_replica: int
    weights_gb_per_gpu: float = 0.0
    burst_factor: float | None
    fixed_fleet: bool = False
    """Owned hardware (purchase price basis): run every sized replica, no autoscaler."""
    spans_nodes: bool
    notes: list[str] = Field(default_factory=list)
    """Why each value is what it is, and what to check: copied into every file's header."""

    @property
    def max_seqs_per_scheduler(self) -> int:
        """``max_num_seqs`` for one scheduler: with DP attention vLLM and TensorRT-LLM run one
        scheduler per attention rank, each capped by its own limit, so the replica's requests are
        split over them (SGLang's --max-running-requests is the whole replica's)."""
        if self.dp_attention:
            return max(1, math.ceil(self.max_num_seqs / self.tensor_parallel))
        return self.max_num_seqs


# --- Names ---------------------------------------------------------------------------------------


def check_name(name: str, what: str = "--name") -> str:
    """``name`` if it is a valid Kubernetes Service name (RFC 1035 label), else a clear error."""
    from kickoff_tui.errors import KickoffError

    if len(name) > MAX_BASE_NAME:
        raise KickoffError(
            f"{what} {name!r}: at most {MAX_BASE_NAME} characters (Kubernetes adds suffixes "
            "to it and a name may not exceed 63)"
        )
    if not DNS1035_LABEL.match(name):
        why = (
            "must start with a letter"
            if name[:1].isdigit()
            else "only lowercase letters, digits and '-', starting with a letter and not "
            "ending with '-'"
        )
        raise KickoffError(
            f"{what} {name!r} is not a valid Kubernetes name: {why} "
            "(Service names are RFC 1035 labels, e.g. 'llama-70b')"
        )
    return name


MAX_CHECKPOINT_CHARS = 4096
"""Longest ``--checkpoint`` (a repo id is under 100 characters; a folder path under PATH_MAX)."""


def check_checkpoint(checkpoint: str) -> str:
    """``checkpoint`` if it can be written into launch scripts and manifests as one value, else a
    clear error: no control character (a newline would start a new line of the script, even
    after a ``#``), no line or paragraph separator (YAML breaks lines there), no bidi override."""
    from kickoff_tui.errors import KickoffError

    bad = next((c for c in checkpoint if c == "\t" or visible(c) != c), None)
    if bad is not None:
        raise KickoffError(
            f"--checkpoint '{visible(checkpoint[:80])}': contains the control character "
            f"U+{ord(bad):04X}; give a Hugging Face repo (org/model) or a folder path"
        )
    if "$(" in checkpoint:
        # Kubernetes expands $(VAR) in a container's command and args whatever the shell quoting
        # (Kubernetes docs, "Define a Command and Arguments for a Container"); no repo id or
        # path needs it.
        raise KickoffError(
            f"--checkpoint '{visible(checkpoint[:80])}': contains '$(', which Kubernetes expands "
            "in container arguments; give a Hugging Face repo (org/model) or a folder path"
        )
    if len(checkpoint) > MAX_CHECKPOINT_CHARS:
        raise KickoffError(
            f"--checkpoint: {len(checkpoint):,} characters (at most {MAX_CHECKPOINT_CHARS:,}); "
            "give a Hugging Face repo (org/model) or a folder path"
        )
    return checkpoint


def derived_name(text: str) -> str:
    """A valid name made from ``MODEL-GPU`` text (lowercased, runs of other characters -> '-',
    prefixed with ``llm-`` when it would start with a digit, cut at ``MAX_BASE_NAME``)."""
    name = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "kickoff"
    if not name[0].isalpha():
        name = DERIVED_NAME_PREFIX + name
    return name[:MAX_BASE_NAME].rstrip("-")


def label_value(text: str) -> str:
    """``text`` as a valid label value (other characters -> '-', trimmed to 63)."""
    value = re.sub(r"[^A-Za-z0-9_.-]+", "-", text)[:63]
    value = re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", value)
    return value if LABEL_VALUE.match(value) else ""


REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
"""A Hugging Face repo id: owner/name."""


def repo_id(listed: str) -> str | None:
    """The repo the engine should load, from the catalog's ``hf_repo`` text.

    The catalog writes variants inline: ``org/Model-70B(-Instruct)`` (the tuned variant, taken),
    ``org/Model (and -chat)`` or ``A, B`` (the first one, taken). ``None`` when nothing usable.
    """
    first = listed.split(",")[0].strip()
    first = re.sub(r"\s+\(.*\)\s*$", "", first)
    first = re.sub(r"\(([^()\s]*)\)", r"\1", first)
    return first if REPO_ID.match(first) else None


# --- Settings ------------------------------------------------------------------------------------


def deploy_settings(
    spec: SizedSpec,
    inputs: SizingInputs,
    name: str | None = None,
    checkpoint: str | None = None,
) -> DeploySettings:
    """Resolve every serving value from the spec (and the inputs where the spec has no field).

    ``name`` is checked (a clear error when Kubernetes would refuse it); without one the name is
    derived from MODEL-GPU and made valid. ``checkpoint`` is a Hugging Face repo or folder that
    holds the weights at the sized precision, when the catalog knows none.
    """
    from kickoff_tui.catalog import CatalogError, get_gpu, get_model
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.sizing.constants import GPU_MEMORY_UTILIZATION

    if not spec.feasible or spec.gpus_per_replica <= 0:
        raise KickoffError(
            f"the spec is not feasible ({spec.infeasible_reason or 'no replica fits'}); "
            "nothing to deploy"
        )
    base = check_name(name) if name is not None else derived_name(f"{spec.model}-{spec.gpu}")
    if checkpoint is not None:
        check_checkpoint(checkpoint)
    notes: list[str] = []
    checkpoints: dict[str, str] = {}
    try:
        model = get_model(spec.model)
        native_ctx, native_prec = model.native_context, model.native_precision
        listed = model.hf_repo
        checkpoints = dict(model.checkpoints)
    except CatalogError:
        native_ctx, native_prec, listed = 0, "", ""
    model_ref = repo_id(listed) if listed else None
    if model_ref is None:
        model_ref = spec.model
        notes.append(
            f"no Hugging Face repo known for {spec.model!r}: replace the model path with the "
            "repo or folder you serve"
        )
    elif model_ref != listed:
        notes.append(
            f"model path {model_ref} chosen from the catalog's {listed!r}: use the variant you serve"
        )
    try:
        vendor = get_gpu(spec.gpu).vendor
    except CatalogError:
        vendor = "NVIDIA"
    if vendor != "NVIDIA":
        notes.append(
            f"{vendor} accelerator: the manifests use the {vendor} build of the engine "
            f"({IMAGES.get(('vllm', vendor), 'none known')} for vLLM); TensorRT-LLM runs on "
            "NVIDIA GPUs only"
        )
    # Context the engine accepts: the real max the application sends, not the model's maximum.
    if inputs.max_context_tokens:
        max_len, why = (
            inputs.max_context_tokens,
            f"inputs.max_context_tokens {inputs.max_context_tokens}",
        )
    elif native_ctx:
        max_len, why = (
            native_ctx,
            (
                f"the meeting gave no max context: model maximum {native_ctx} "
                "(set the application's real maximum)"
            ),
        )
    else:
        max_len, why = (
            spec.sized_context_tokens,
            f"spec.sized_context_tokens {spec.sized_context_tokens}",
        )
    if native_ctx and max_len > native_ctx:
        max_len, why = native_ctx, f"{why}, capped at the model's native context {native_ctx}"
    # With DP attention a sequence lives on one rank: one rank's KV cache is what must hold it.
    per_rank_kv = spec.kv_cache_tokens_per_replica // (max(1, spec.tensor_parallel) if spec.dp_attention else 1)
    if per_rank_kv and max_len > per_rank_kv:
        max_len = per_rank_kv
        why += (
            f", capped at the KV capacity of {'one attention rank' if spec.dp_attention else 'the replica'}, "
            f"{per_rank_kv} tokens (the engine refuses to start if one sequence cannot fit)"
        )
    notes.append(f"max model length {max_len}: {why}")
    concurrency = max(1, spec.concurrency_per_replica)
    notes.append(
        f"max concurrent sequences {concurrency} = spec.concurrency_per_replica (the highest "
        "per-replica concurrency that meets the TTFT and TPOT targets; more requests queue)"
    )
    util = inputs.gpu_memory_utilization or GPU_MEMORY_UTILIZATION
    notes.append(
        f"GPU memory utilisation {util:g}: "
        + (
            "inputs.gpu_memory_utilization"
            if inputs.gpu_memory_utilization
            else "the sizing default the KV capacity was computed with"
        )
    )
    precision = spec.precision
    quantization: str | None = None
    checkpoint_problem: str | None = None
    trtllm_problem: str | None = None
    dtype = "auto"
    if checkpoint:
        model_ref = checkpoint
        notes.append(
            f"weights loaded from {checkpoint} (given with --checkpoint): it must hold the "
            f"{precision} weights the spec was sized with; the engine reads the format from "
            "its config"
        )
    elif precision in ("bf16", "fp16") and native_prec in ("bf16", "fp16", ""):
        dtype = "bfloat16" if precision == "bf16" else "float16"
    elif precision == native_prec:
        notes.append(
            f"weights served at the checkpoint's own precision ({precision}): no quantisation flag"
        )
    elif precision in checkpoints:
        model_ref = checkpoints[precision]
        notes[:] = [n for n in notes if not n.startswith("model path ")]
        if vendor != "NVIDIA" and model_ref.startswith("nvidia/"):
            notes.append(
                f"{model_ref} is in NVIDIA Model Optimizer format: check that your {vendor} "
                "build of the engine loads it, or point the model path at a compressed-tensors "
                "FP8 checkpoint of the same model"
            )
        notes.append(
            f"{precision} weights: loads the published {precision.upper()} checkpoint "
            f"{model_ref} (the engine reads its quantisation from the checkpoint config)"
            + (
                f", so the {spec.weights_gb_per_gpu:,.0f} GB of weights per GPU the spec sized "
                "is what loads"
                if spec.weights_gb_per_gpu
                else ""
            )
        )
    elif precision == "fp8":
        quantization = "fp8"
        notes.append(
            "FP8 weights quantised on load from the 16-bit checkpoint (vLLM and SGLang online "
            "FP8); a pre-quantised FP8 checkpoint loads faster and keeps calibrated scales"
        )
        trtllm_problem = (
            f"the spec assumes FP8 weights, TensorRT-LLM needs a pre-quantised FP8 checkpoint "
            f"and Kickoff knows none for {spec.model}: give one with --checkpoint REPO "
            "(e.g. quantised with NVIDIA Model Optimizer), or use vLLM or SGLang"
        )
    else:
        checkpoint_problem = (
            f"the spec assumes {precision} weights and Kickoff knows no published {precision} "
            f"checkpoint of {spec.model}: give one with --checkpoint REPO (AWQ/GPTQ for int4, "
            "NVFP4/MXFP4 for fp4), or re-size at fp8 or bf16; loading the 16-bit release would "
            "not fit the memory the spec sized"
        )
        notes.append(checkpoint_problem)
    if spec.weight_only:
        notes.append(
            f"{spec.gpu} has no native {precision} math: weights are dequantised on the fly"
        )
    if spec.kv_precision not in ("bf16", "fp16", "fp8"):
        notes.append(
            f"KV cache sized at {spec.kv_precision}, which these engines do not offer "
            "generally: they will use the model dtype and hold fewer tokens than sized"
        )
    prefix = inputs.prefix_caching if inputs.prefix_caching is not None else True
    if inputs.prefix_caching is None:
        notes.append("prefix caching on (engine default; the meeting did not answer)")
    speculative = bool(inputs.speculative_decoding)
    if speculative:
        notes.append(
            "speculative decoding: n-gram (prompt lookup) needs no draft model; a trained "
            "EAGLE/MTP draft usually accepts more tokens. Measure the speed-up on your "
            "traffic before counting on it"
        )
    deployments = max(1, spec.deployments)
    lora = bool(inputs.lora_adapters) and (inputs.finetuned_variants or 1) > 1
    max_loras = (inputs.finetuned_variants or 1) if lora else 0
    if lora:
        notes.append(
            f"{max_loras} LoRA adapters served on one base model: put each in "
            f"{LORA_MOUNT}/variant-N (the adapters volume); max LoRA rank {MAX_LORA_RANK} "
            "(Kickoff choice: set your adapters' rank)"
        )
    per_deployment = max(1, math.ceil(spec.replicas / deployments))
    per_node = max(1, spec.gpus_per_node)
    spans = spec.gpus_per_replica > per_node
    nodes_per_replica = math.ceil(spec.gpus_per_replica / per_node)
    if spans:
        notes.append(
            f"one replica needs {spec.gpus_per_replica} GPUs but a node has {per_node}: each "
            f"replica runs as a LeaderWorkerSet group of {nodes_per_replica} pods ("
            + (f"data-parallel attention and expert parallelism over all {spec.gpus_per_replica} GPUs"
               if spec.dp_attention else
               f"tensor parallel {spec.tensor_parallel}, pipeline parallel {spec.pipeline_parallel}")
            + " across the pods)"
        )
    fixed = spec.price_basis == "purchase"
    if fixed:
        notes.append(
            "owned hardware (purchase basis): every sized replica runs; no autoscaler"
        )
    if spec.replicas_for_redundancy <= 0:
        notes.append(
            "no redundancy was agreed (N+0): no PodDisruptionBudget, so a node drain takes "
            "capacity below the load"
        )
    return DeploySettings(
        name=base,
        model_id=spec.model,
        model_ref=model_ref,
        served_name=spec.model,
        gpu=spec.gpu,
        gpu_vendor=vendor,
        tensor_parallel=max(1, spec.tensor_parallel),
        pipeline_parallel=max(1, spec.pipeline_parallel),
        gpus_per_replica=spec.gpus_per_replica,
        expert_parallel=max(1, spec.expert_parallel),
        dp_attention=spec.dp_attention,
        gpus_per_node=per_node,
        nodes_per_replica=nodes_per_replica,
        replicas=per_deployment,
        deployments=deployments,
        replicas_for_load=spec.replicas_for_load or per_deployment,
        replicas_for_redundancy=spec.replicas_for_redundancy,
        max_num_seqs=concurrency,
        max_model_len=max(1, max_len),
        gpu_memory_utilization=util,
        dtype=dtype,
        quantization=quantization,
        precision=precision,
        checkpoint_problem=checkpoint_problem,
        trtllm_problem=trtllm_problem,
        kv_precision=spec.kv_precision,
        prefix_caching=prefix,
        speculative=speculative,
        lora=lora,
        max_loras=max_loras,
        ttft_target_ms=spec.ttft_target_ms,
        tpot_target_ms=spec.tpot_target_ms,
        slo_percentile=spec.slo_percentile,
        ttft_pred_ms=spec.ttft_ms,
        tpot_pred_ms=spec.tpot_ms,
        avg_output_tokens=spec.avg_output_tokens,
        sized_context_tokens=spec.sized_context_tokens,
        kv_cache_tokens_per_replica=spec.kv_cache_tokens_per_replica,
        weights_gb_per_gpu=spec.weights_gb_per_gpu,
        burst_factor=inputs.burst_factor,
        fixed_fleet=fixed,
        spans_nodes=spans,
        notes=notes,
    )


def engine_problem(s: DeploySettings, engine: str) -> str | None:
    """Why ``engine`` cannot serve this spec as sized, or ``None``."""
    if s.checkpoint_problem:
        return s.checkpoint_problem
    if engine == "trtllm":
        if s.gpu_vendor != "NVIDIA":
            return f"TensorRT-LLM runs on NVIDIA GPUs only ({s.gpu} is {s.gpu_vendor})"
        return s.trtllm_problem
    if (engine, s.gpu_vendor) not in IMAGES:
        return f"Kickoff knows no {engine} image for {s.gpu_vendor} accelerators; use vLLM"
    return None


# --- Engine launch arguments ---------------------------------------------------------------------


def _vllm_kv(kv: str) -> str:
    return "fp8" if kv == "fp8" else "auto"


def lora_modules(s: DeploySettings) -> list[str]:
    """``name=path`` for each adapter (the variants' folders under the adapters mount)."""
    return [f"variant-{i + 1}={LORA_MOUNT}/variant-{i + 1}" for i in range(s.max_loras)]


def vllm_args(s: DeploySettings, multi_node: bool | None = None) -> list[str]:
    """``vllm serve`` arguments (model first, then options) for one replica."""
    args = [
        s.model_ref,
        "--served-model-name",
        s.served_name,
        "--host",
        "0.0.0.0",
        "--port",
        str(SERVE_PORT),
        "--tensor-parallel-size",
        "1" if s.dp_attention else str(s.tensor_parallel),
    ]
    if s.dp_attention:
        # vLLM's data-parallel attention: one engine rank per GPU, each with its own sequences and
        # KV cache, the experts shared over all of them (vLLM docs, Data Parallel Deployment).
        args += ["--data-parallel-size", str(s.tensor_parallel)]
    if s.expert_parallel > 1 or s.dp_attention:
        args.append("--enable-expert-parallel")
    if s.pipeline_parallel > 1:
        args += ["--pipeline-parallel-size", str(s.pipeline_parallel)]
    if s.spans_nodes if multi_node is None else multi_node:
        # Across pods vLLM places its engine ranks on the Ray cluster the workers joined: the DP
        # ranks themselves with DP attention (vLLM docs, Data Parallel Deployment: Ray backend),
        # else the TP / PP workers of the one engine.
        args += ["--data-parallel-backend" if s.dp_attention else "--distributed-executor-backend", "ray"]
    args += [
        "--max-num-seqs",
        str(s.max_seqs_per_scheduler),
        "--max-model-len",
        str(s.max_model_len),
        "--gpu-memory-utilization",
        f"{s.gpu_memory_utilization:g}",
        "--kv-cache-dtype",
        _vllm_kv(s.kv_precision),
        "--dtype",
        s.dtype,
    ]
    if s.quantization:
        args += ["--quantization", s.quantization]
    args.append("--enable-prefix-caching" if s.prefix_caching else "--no-enable-prefix-caching")
    if s.speculative:
        config = {
            "method": "ngram",
            "num_speculative_tokens": NGRAM_SPECULATIVE_TOKENS,
            "prompt_lookup_max": NGRAM_PROMPT_LOOKUP_MAX,
        }
        args += ["--speculative-config", json.dumps(config, separators=(",", ":"))]
    if s.lora:
        args += [
            "--enable-lora",
            "--max-loras",
            str(s.max_loras),
            "--max-lora-rank",
            str(MAX_LORA_RANK),
            "--lora-modules",
            *lora_modules(s),
        ]
    return args


def sglang_args(
    s: DeploySettings, node_rank: str | None = None, leader: str | None = None
) -> list[str]:
    """``python -m sglang.launch_server`` arguments for one replica (one node of it when the
    replica spans nodes: ``node_rank`` and the ``leader`` address then say which)."""
    args = [
        "--model-path",
        s.model_ref,
        "--served-model-name",
        s.served_name,
        "--host",
        "0.0.0.0",
        "--port",
        str(SERVE_PORT),
        "--tp-size",
        str(s.tensor_parallel),
    ]
    if s.expert_parallel > 1:
        args += ["--ep-size", str(s.expert_parallel)]
    if s.dp_attention:
        # SGLang's DP attention: the TP group's ranks each serve their own sequences
        # (SGLang docs, DP attention: --enable-dp-attention with --dp-size equal to --tp-size).
        args += ["--enable-dp-attention", "--dp-size", str(s.tensor_parallel)]
    if s.pipeline_parallel > 1:
        args += ["--pp-size", str(s.pipeline_parallel)]
    if s.spans_nodes:
        args += [
            "--nnodes",
            str(s.nodes_per_replica),
            "--node-rank",
            node_rank or "0",
            "--dist-init-addr",
            f"{leader or '127.0.0.1'}:{SGLANG_DIST_PORT}",
        ]
    args += [
        "--max-running-requests",
        str(s.max_num_seqs),
        "--context-length",
        str(s.max_model_len),
        "--mem-fraction-static",
        f"{s.gpu_memory_utilization:g}",
        "--kv-cache-dtype",
        "fp8_e4m3" if s.kv_precision == "fp8" else "auto",
        "--dtype",
        s.dtype,
    ]
    if s.quantization:
        args += ["--quantization", s.quantization]
    if not s.prefix_caching:
        args.append("--disable-radix-cache")
    if s.speculative:
        args += ["--speculative-algorithm", "NGRAM"]
    if s.lora:
        args += [
            "--enable-lora",
            "--max-loras-per-batch",
            str(s.max_loras),
            "--max-lora-rank",
            str(MAX_LORA_RANK),
            "--lora-paths",
            *lora_modules(s),
        ]
    args.append("--enable-metrics")
    return args


TRTLLM_OPTIONS_PATH = "/config/extra-llm-api-options.yaml"
"""Where the Kubernetes manifest mounts the TensorRT-LLM options file."""


def trtllm_args(s: DeploySettings, options_path: str = "extra-llm-api-options.yaml") -> list[str]:
    """``trtllm-serve`` arguments (PyTorch backend) for one replica."""
    return [
        s.model_ref,
        "--backend",
        "pytorch",
        "--host",
        "0.0.0.0",
        "--port",
        str(SERVE_PORT),
        "--tp_size",
        str(s.tensor_parallel),
        "--pp_size",
        str(s.pipeline_parallel),
        *(["--ep_size", str(s.expert_parallel)] if s.expert_parallel > 1 else []),
        "--max_batch_size",
        str(s.max_seqs_per_scheduler),
        "--max_seq_len",
        str(s.max_model_len),
        # TensorRT-LLM applies this fraction to the memory left after the weights load.
        "--kv_cache_free_gpu_memory_fraction",
        f"{s.gpu_memory_utilization:g}",
        "--extra_llm_api_options",
        options_path,
    ]


def trtllm_options(s: DeploySettings) -> dict[str, Any]:
    """The LLM-API options trtllm-serve reads (KV cache dtype and reuse, speculation, metrics)."""
    options: dict[str, Any] = {
        "kv_cache_config": {
            "dtype": "fp8" if s.kv_precision == "fp8" else "auto",
            "enable_block_reuse": s.prefix_caching,
        },
        "enable_chunked_prefill": True,
        "return_perf_metrics": True,
    }
    if s.dp_attention:
        options["enable_attention_dp"] = True
    if s.speculative:
        options["speculative_config"] = {
            "decoding_type": "NGram",
            "max_draft_len": NGRAM_SPECULATIVE_TOKENS,
            "max_matching_ngram_size": NGRAM_PROMPT_LOOKUP_MAX,
        }
    return options


def trtllm_options_yaml(s: DeploySettings) -> str:
    """The options file, with a header saying its field names are not machine-checked."""
    head = _comment_block(
        [
            "TensorRT-LLM LLM-API options (trtllm-serve --extra_llm_api_options).",
            f"Field names from the TensorRT-LLM {TRTLLM_VERSION} docs; not machine-checked by "
            "Kickoff: check them against the release you run.",
            "enable_block_reuse is prefix caching; return_perf_metrics feeds /prometheus/metrics.",
        ]
    )
    return "\n".join(head) + "\n" + dump_yaml([trtllm_options(s)])


def engine_command(engine: str, s: DeploySettings) -> tuple[list[str], list[str]]:
    """(command, args) for the container of ``engine`` (single-node replica)."""
    if engine == "vllm":
        return ["vllm", "serve"], vllm_args(s, multi_node=False)
    if engine == "sglang":
        return ["python3", "-m", "sglang.launch_server"], sglang_args(s)
    if engine == "trtllm":
        return ["trtllm-serve"], trtllm_args(s, TRTLLM_OPTIONS_PATH)
    raise ValueError(f"unknown engine {engine!r}")


# --- Text helpers --------------------------------------------------------------------------------


def _comment_block(lines: list[str]) -> list[str]:
    """``# ``-prefixed lines. A newline or other control character in a line (a note quoting a
    value) is shown as an escape (``\\n``): it cannot end the comment and start a shell or YAML
    line of its own."""
    return [f"# {visible(line)}" if line else "#" for line in lines]


def _header(s: DeploySettings, what: str) -> list[str]:
    head = [
        f"{what}",
        f"Generated by Kickoff from the sized spec: {s.model_id} on {s.gpu}, "
        f"TP {s.tensor_parallel} x PP {s.pipeline_parallel}"
        + (f", EP {s.expert_parallel}" if s.expert_parallel > 1 else "")
        + (", DP attention" if s.dp_attention else "")
        + f" = {s.gpus_per_replica} "
        f"GPU{'s' if s.gpus_per_replica != 1 else ''} per replica, "
        f"{s.replicas} replica{'' if s.replicas == 1 else 's'}"
        + (f" in each of {s.deployments} deployments" if s.deployments > 1 else "")
        + ".",
        f"SLO: TTFT {s.ttft_target_ms:g} ms, TPOT {s.tpot_target_ms:g} ms at {s.slo_percentile}.",
        "A starting point, not a tested configuration: load-test it before production.",
    ]
    return _comment_block(head + [""] + [f"- {n}" for n in s.notes])


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe emitter, writing a shared dict out in full instead of as an anchor."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(docs: list[dict[str, Any]]) -> str:
    """Documents as YAML through PyYAML's safe emitter (one ``---``-separated stream)."""
    return yaml.dump_all(
        docs,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
        allow_unicode=True,
    )


def _yaml_file(s: DeploySettings, what: str, docs: list[dict[str, Any]]) -> str:
    return "\n".join(_header(s, what)) + "\n" + dump_yaml(docs)


def _shell_command(parts: list[str]) -> str:
    body = ""
    for part in parts:
        quoted = shlex.quote(part)
        if not body:
            body = quoted
        elif part.startswith("--"):
            body += f" \\\n  {quoted}"
        else:
            body += f" {quoted}"
    return body


def launch_script(engine: str, s: DeploySettings) -> str:
    """A POSIX shell script that starts one replica of ``engine`` (on each node of it when a
    replica spans nodes), or refuses with the reason when the engine cannot serve the spec."""
    lines = ["#!/usr/bin/env sh", *_header(s, f"Start one replica with {engine}."), "set -eu", ""]
    problem = engine_problem(s, engine) if engine == "trtllm" or s.checkpoint_problem else None
    if problem:
        lines += [
            f"echo {shlex.quote('kickoff: ' + visible(problem))} >&2",
            "exit 1",
            "",
        ]
        return "\n".join(lines)
    if not s.spans_nodes:
        if engine == "vllm":
            parts = ["vllm", "serve", *vllm_args(s, multi_node=False)]
        elif engine == "sglang":
            parts = ["python3", "-m", "sglang.launch_server", *sglang_args(s)]
        else:
            parts = ["trtllm-serve", *trtllm_args(s)]
        lines += [f"exec {_shell_command(parts)}", ""]
        return "\n".join(lines)
    n = s.nodes_per_replica
    if engine == "vllm":
        lines += [
            f"# One replica spans {n} nodes (Ray). Run this script on each of them:",
            "#   sh THIS_SCRIPT                                    (first node: Ray head + server)",
            "#   ROLE=worker LEADER_ADDRESS=<first node> sh THIS_SCRIPT   (the others)",
            'ROLE="${ROLE:-leader}"',
            'LEADER_ADDRESS="${LEADER_ADDRESS:-127.0.0.1}"',
            "",
        ]
        serve = _shell_command(["vllm", "serve", *vllm_args(s, multi_node=True)])
        lines += [
            'if [ "$ROLE" = leader ]; then',
            f"  ray start --head --port={RAY_PORT}",
            f"  exec {serve}",
            "fi",
            f'exec ray start --address="$LEADER_ADDRESS:{RAY_PORT}" --block',
            "",
        ]
    elif engine == "sglang":
        lines += [
            f"# One replica spans {n} nodes. Run this script on each of them:",
            "#   sh THIS_SCRIPT                                              (first node)",
            "#   LEADER_ADDRESS=<first node> NODE_RANK=<1..> sh THIS_SCRIPT  (the others)",
            'LEADER_ADDRESS="${LEADER_ADDRESS:-127.0.0.1}"',
            'NODE_RANK="${NODE_RANK:-0}"',
            "",
        ]
        parts = ["python3", "-m", "sglang.launch_server", *sglang_args(s, "@RANK@", "@LEADER@")]
        text = _shell_command(parts)
        text = text.replace("@RANK@", '"$NODE_RANK"').replace(
            f"@LEADER@:{SGLANG_DIST_PORT}", f'"$LEADER_ADDRESS:{SGLANG_DIST_PORT}"'
        )
        lines += [f"exec {text}", ""]
    else:
        total = s.gpus_per_replica
        parts = ["trtllm-llmapi-launch", "trtllm-serve", *trtllm_args(s)]
        lines += [
            f"# One replica spans {n} nodes.",
            "# TensorRT-LLM runs one MPI rank per GPU: start it once, from the leader, with the",
            "# hosts in HOSTS (host1:GPUS,host2:GPUS); the other nodes need only sshd and the image.",
            f'HOSTS="${{HOSTS:?set HOSTS=host1:{s.gpus_per_node},host2:{s.gpus_per_node}}}"',
            f'exec mpirun --allow-run-as-root -np {total} -H "$HOSTS" \\\n  '
            + _shell_command(parts),
            "",
        ]
    return "\n".join(lines)


# --- Kubernetes objects --------------------------------------------------------------------------


def _deployment_names(s: DeploySettings) -> list[str]:
    if s.deployments == 1:
        return [s.name]
    return [f"{s.name}-variant-{i + 1}" for i in range(s.deployments)]


def _labels(dep: str, s: DeploySettings) -> dict[str, str]:
    labels = {"app.kubernetes.io/name": dep, "app.kubernetes.io/part-of": "kickoff"}
    for key, value in (("kickoff.dev/model", s.model_id), ("kickoff.dev/gpu", s.gpu)):
        if label_value(value):
            labels[key] = label_value(value)
    return labels


def node_selector(s: DeploySettings) -> tuple[dict[str, str], str]:
    """(nodeSelector, how to confirm it)."""
    if s.gpu_vendor == "NVIDIA" and s.gpu in NVIDIA_PRODUCT_LABEL:
        return (
            {"nvidia.com/gpu.product": NVIDIA_PRODUCT_LABEL[s.gpu]},
            "GPU Feature Discovery label; confirm: kubectl get nodes -L nvidia.com/gpu.product",
        )
    if s.gpu in NODE_LABELS:
        keys = ",".join(NODE_LABELS[s.gpu])
        return dict(NODE_LABELS[s.gpu]), f"confirm: kubectl get nodes -L {keys}"
    return (
        {GENERIC_ACCELERATOR_LABEL: label_value(s.gpu) or "accelerator"},
        f"label these nodes yourself (kubectl label node NODE {GENERIC_ACCELERATOR_LABEL}="
        f"{s.gpu}) or use your accelerator operator's product label",
    )


def tolerations(s: DeploySettings) -> list[dict[str, str]]:
    """Tolerate the taint managed clouds put on accelerator nodes (key = the resource name)."""
    key = GPU_RESOURCE.get(s.gpu_vendor, "nvidia.com/gpu")
    return [{"key": key, "operator": "Exists", "effect": "NoSchedule"}]


def gpus_per_pod(s: DeploySettings) -> int:
    return min(s.gpus_per_replica, s.gpus_per_node)


def pod_resources(s: DeploySettings) -> dict[str, Any]:
    """Requests and limits of one engine pod: accelerators, CPU and host memory."""
    n = gpus_per_pod(s)
    resource = GPU_RESOURCE.get(s.gpu_vendor, "nvidia.com/gpu")
    memory = math.ceil(
        HOST_MEMORY_BASE_GIB + s.weights_gb_per_gpu * n * GIB_PER_GB * HOST_MEMORY_WEIGHTS_FACTOR
    )
    return {
        "requests": {resource: n, "cpu": str(CPU_PER_GPU * n), "memory": f"{memory}Gi"},
        "limits": {resource: n},
    }


def drain_seconds(s: DeploySettings) -> int:
    """Pre-stop drain: long enough for a long stream (``STREAM_DRAIN_FACTOR`` x the average
    request) to finish after the pod leaves the Service."""
    ttft = s.ttft_pred_ms if s.ttft_pred_ms is not None else s.ttft_target_ms
    tpot = s.tpot_pred_ms if s.tpot_pred_ms is not None else s.tpot_target_ms
    duration_s = (ttft + s.avg_output_tokens * tpot) / C.MS_PER_S
    return max(MIN_DRAIN_S, math.ceil(duration_s * STREAM_DRAIN_FACTOR))


def _probe(kind: str, engine: str) -> dict[str, Any]:
    check = {"httpGet": {"path": "/health", "port": SERVE_PORT}}
    if kind == "startup":
        return check | {
            "periodSeconds": STARTUP_PROBE_PERIOD_S,
            "failureThreshold": STARTUP_PROBE_FAILURES,
        }
    if kind == "readiness":
        return check | {"periodSeconds": READINESS_PERIOD_S}
    return check | {"periodSeconds": LIVENESS_PERIOD_S, "failureThreshold": LIVENESS_FAILURES}


def _volumes(s: DeploySettings, engine: str, dep: str) -> tuple[list[dict], list[dict]]:
    """(volumes, volumeMounts) of an engine pod."""
    volumes: list[dict[str, Any]] = [
        {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": SHM_SIZE}},
        {"name": "model-cache", "emptyDir": {}},
    ]
    mounts: list[dict[str, Any]] = [
        {"name": "shm", "mountPath": "/dev/shm"},
        {"name": "model-cache", "mountPath": "/root/.cache/huggingface"},
    ]
    if s.lora:
        volumes.append({"name": "adapters", "persistentVolumeClaim": {"claimName": f"{s.name}-adapters"}})
        mounts.append({"name": "adapters", "mountPath": LORA_MOUNT, "readOnly": True})
    if engine == "trtllm":
        volumes.append({"name": "trtllm-options", "configMap": {"name": f"{dep}-trtllm-options"}})
        mounts.append({"name": "trtllm-options", "mountPath": "/config"})
    return volumes, mounts


def _container(
    s: DeploySettings,
    engine: str,
    dep: str,
    command: list[str],
    args: list[str],
    *,
    serving: bool = True,
    name: str = "server",
) -> dict[str, Any]:
    _, mounts = _volumes(s, engine, dep)
    container: dict[str, Any] = {
        "name": name,
        "image": IMAGES[(engine, s.gpu_vendor)],
        "command": command,
        "args": args,
        "env": [
            {
                "name": "HF_TOKEN",
                "valueFrom": {"secretKeyRef": {"name": "hf-token", "key": "token", "optional": True}},
            }
        ],
        "resources": pod_resources(s),
        "volumeMounts": mounts,
    }
    if serving:
        container["ports"] = [{"name": "http", "containerPort": SERVE_PORT}]
        container["startupProbe"] = _probe("startup", engine)
        container["readinessProbe"] = _probe("readiness", engine)
        container["livenessProbe"] = _probe("liveness", engine)
        container["lifecycle"] = {
            "preStop": {"exec": {"command": ["sh", "-c", f"sleep {drain_seconds(s)}"]}}
        }
    return container


def _pod_spec(s: DeploySettings, engine: str, dep: str, container: dict[str, Any]) -> dict[str, Any]:
    volumes, _ = _volumes(s, engine, dep)
    selector, _ = node_selector(s)
    return {
        "terminationGracePeriodSeconds": drain_seconds(s) + ENGINE_SHUTDOWN_S,
        "nodeSelector": selector,
        "tolerations": tolerations(s),
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "kubernetes.io/hostname",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": dep}},
            }
        ],
        "containers": [container],
        "volumes": volumes,
    }


def _autoscaled(s: DeploySettings) -> bool:
    return not s.fixed_fleet


def _service(dep: str, selector: dict[str, str], labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": dep, "labels": labels},
        "spec": {
            "selector": selector,
            "ports": [{"name": "http", "port": SERVE_PORT, "targetPort": SERVE_PORT}],
        },
    }


def _pdb(dep: str, selector: dict[str, str], s: DeploySettings) -> dict[str, Any] | None:
    if s.replicas_for_redundancy <= 0:
        return None
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": dep},
        "spec": {
            "maxUnavailable": s.replicas_for_redundancy,
            "selector": {"matchLabels": selector},
        },
    }


def _trtllm_configmap(dep: str, s: DeploySettings) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{dep}-trtllm-options"},
        "data": {"extra-llm-api-options.yaml": dump_yaml([trtllm_options(s)])},
    }


def k8s_objects(s: DeploySettings, engine: str) -> list[dict[str, Any]]:
    """Deployment(s), Service(s), PodDisruptionBudget(s) (+ TensorRT-LLM options ConfigMap)."""
    command, args = engine_command(engine, s)
    docs: list[dict[str, Any]] = []
    for dep in _deployment_names(s):
        labels = _labels(dep, s)
        selector = {"app.kubernetes.io/name": dep}
        spec: dict[str, Any] = {}
        if not _autoscaled(s):
            spec["replicas"] = s.replicas
        spec |= {
            "selector": {"matchLabels": selector},
            "strategy": {
                "type": "RollingUpdate",
                # no spare GPUs for a surge pod: replace one at a time
                "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1},
            },
            "template": {
                "metadata": {
                    "labels": labels,
                    "annotations": {
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": str(SERVE_PORT),
                        "prometheus.io/path": METRICS_PATH[engine],
                    },
                },
                "spec": _pod_spec(s, engine, dep, _container(s, engine, dep, command, args)),
            },
        }
        docs.append(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": dep, "labels": labels},
                "spec": spec,
            }
        )
        docs.append(_service(dep, selector, labels))
        pdb = _pdb(dep, selector, s)
        if pdb:
            docs.append(pdb)
        if engine == "trtllm":
            docs.append(_trtllm_configmap(dep, s))
    return docs


def _lws_args(s: DeploySettings, engine: str, leader: bool) -> tuple[list[str], list[str]]:
    """(command, args) of a LeaderWorkerSet leader or worker container."""
    if engine == "vllm":
        serve = " ".join(shlex.quote(a) for a in ["vllm", "serve", *vllm_args(s, multi_node=True)])
        if leader:
            script = (
                f"bash {VLLM_MULTINODE_SCRIPT} leader --ray_cluster_size=$(LWS_GROUP_SIZE); "
                f"exec {serve}"
            )
        else:
            script = f"bash {VLLM_MULTINODE_SCRIPT} worker --ray_address=$(LWS_LEADER_ADDRESS)"
        return ["sh", "-c"], [script]
    if engine == "sglang":
        return (
            ["python3", "-m", "sglang.launch_server"],
            sglang_args(s, node_rank="$(LWS_WORKER_INDEX)", leader="$(LWS_LEADER_ADDRESS)"),
        )
    raise ValueError(engine)


def lws_objects(s: DeploySettings, engine: str) -> list[dict[str, Any]]:
    """LeaderWorkerSet(s) (one group of ``nodes_per_replica`` pods per replica) + Service on the
    leaders + PodDisruptionBudget."""
    from kickoff_tui.errors import KickoffError

    if engine == "trtllm":
        raise KickoffError(
            "TensorRT-LLM across nodes needs MPI between the pods, which a LeaderWorkerSet does "
            "not set up: use --engine vllm or sglang, or run trtllm-serve.sh with mpirun "
            "(it shows how)"
        )
    docs: list[dict[str, Any]] = []
    for dep in _deployment_names(s):
        labels = _labels(dep, s)
        templates = {}
        for role in ("leader", "worker"):
            command, args = _lws_args(s, engine, role == "leader")
            container = _container(
                s, engine, dep, command, args, serving=role == "leader", name=role
            )
            pod = _pod_spec(s, engine, dep, container)
            templates[role] = {"metadata": {"labels": labels}, "spec": pod}
        docs.append(
            {
                "apiVersion": LWS_API,
                "kind": "LeaderWorkerSet",
                "metadata": {"name": dep, "labels": labels},
                "spec": {
                    "replicas": s.replicas,
                    "startupPolicy": "LeaderCreated",
                    "rolloutStrategy": {
                        "type": "RollingUpdate",
                        "rollingUpdateConfiguration": {"maxUnavailable": 1, "maxSurge": 0},
                    },
                    "leaderWorkerTemplate": {
                        "size": s.nodes_per_replica,
                        "restartPolicy": "RecreateGroupOnPodRestart",
                        "leaderTemplate": templates["leader"],
                        "workerTemplate": templates["worker"],
                    },
                },
            }
        )
        leaders = {
            "leaderworkerset.sigs.k8s.io/name": dep,
            "role": "leader",
        }
        docs[-1]["spec"]["leaderWorkerTemplate"]["leaderTemplate"]["metadata"]["labels"] = {
            **labels,
            "role": "leader",
        }
        docs.append(_service(dep, leaders, labels))
        pdb = _pdb(dep, {"leaderworkerset.sigs.k8s.io/name": dep}, s)
        if pdb:
            docs.append(pdb)
    return docs


def hpa_bounds(s: DeploySettings) -> tuple[int, int, int, str]:
    """(min replicas, max replicas, target in-flight per pod, explanation)."""
    burst = s.burst_factor or 1.0
    base = math.ceil(s.replicas_for_load / burst) if s.replicas_for_load else s.replicas
    min_replicas = max(1, min(s.replicas, base + s.replicas_for_redundancy))
    target = max(1, math.floor(s.max_num_seqs * C.HPA_TARGET_FRACTION))
    why = (
        f"min = ceil(load replicas {s.replicas_for_load} / burst {burst:g}) + redundancy "
        f"{s.replicas_for_redundancy} = {min_replicas}; max = sized replicas {s.replicas}; "
        f"target = floor({s.max_num_seqs} sized in-flight per replica x {C.HPA_TARGET_FRACTION:g}) "
        f"= {target}"
    )
    return min_replicas, s.replicas, target, why


def _scale_target(dep: str, target: str) -> dict[str, str]:
    if target == "lws":
        return {"apiVersion": LWS_API, "kind": "LeaderWorkerSet", "name": dep}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "name": dep}


def hpa_objects(s: DeploySettings, engine: str, target: str = "k8s") -> list[dict[str, Any]]:
    """HorizontalPodAutoscaler on in-flight requests per pod (via prometheus-adapter)."""
    low, high, per_pod, _ = hpa_bounds(s)
    metric = METRICS.get(engine, METRICS["vllm"])["running"].replace(":", "_")
    return [
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": dep},
            "spec": {
                "scaleTargetRef": _scale_target(dep, target),
                "minReplicas": low,
                "maxReplicas": high,
                "metrics": [
                    {
                        "type": "Pods",
                        "pods": {
                            "metric": {"name": metric},
                            "target": {"type": "AverageValue", "averageValue": str(per_pod)},
                        },
                    }
                ],
                "behavior": {
                    "scaleDown": {
                        "stabilizationWindowSeconds": SCALE_DOWN_STABILISATION_S,
                        "policies": [{"type": "Pods", "value": 1, "periodSeconds": 300}],
                    },
                    "scaleUp": {
                        "stabilizationWindowSeconds": 0,
                        "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}],
                    },
                },
            },
        }
        for dep in _deployment_names(s)
    ]


def hpa_yaml(s: DeploySettings, engine: str, target: str = "k8s") -> str:
    *_, why = hpa_bounds(s)
    metric = METRICS.get(engine, METRICS["vllm"])["running"]
    prefix = metric.split(":")[0]
    head = _header(s, "HorizontalPodAutoscaler: scale on in-flight requests per pod.")
    head += _comment_block(
        [
            "",
            why,
            f"Needs prometheus-adapter to expose {metric} as a pods metric, e.g. this rule:",
            "  rules:",
            f"  - seriesQuery: '{metric}{{namespace!=\"\",pod!=\"\"}}'",
            "    resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}",
            f'    name: {{matches: "{prefix}:(.*)", as: "{prefix}_${{1}}"}}',
            "    metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'",
        ]
    )
    if engine == "trtllm":
        head += _comment_block(
            ["TensorRT-LLM: replace the metric with your release's in-flight request gauge."]
        )
    return "\n".join(head) + "\n" + dump_yaml(hpa_objects(s, engine, target))


def pod_pattern(s: DeploySettings, dep: str, target: str) -> str:
    """Regular expression matching the pod names of one deployment, for alert selectors."""
    if target == "helm-production-stack":
        return f".*-{dep}-deployment-vllm-.*"
    return f"{dep}-.*"


def keda_objects(s: DeploySettings, engine: str, target: str = "k8s") -> list[dict[str, Any]]:
    """KEDA ScaledObject per deployment: scale on in-flight requests and on waiting requests."""
    low, high, per_pod, _ = hpa_bounds(s)
    q, _ = queue_threshold(s)
    names = METRICS.get(engine, METRICS["vllm"])
    docs = []
    for dep in _deployment_names(s):
        sel = f'{{pod=~"{pod_pattern(s, dep, target)}"}}'
        triggers = [
            {
                "type": "prometheus",
                "name": "running",
                "metadata": {
                    "serverAddress": KEDA_PROMETHEUS_ADDRESS,
                    "query": f"sum({names['running']}{sel})",
                    "threshold": str(per_pod),
                },
            },
            {
                "type": "prometheus",
                "name": "waiting",
                "metadata": {
                    "serverAddress": KEDA_PROMETHEUS_ADDRESS,
                    "query": f"sum({names['waiting']}{sel})",
                    "threshold": str(q),
                },
            },
        ]
        docs.append(
            {
                "apiVersion": "keda.sh/v1alpha1",
                "kind": "ScaledObject",
                "metadata": {"name": dep},
                "spec": {
                    "scaleTargetRef": _scale_target(dep, target),
                    "minReplicaCount": low,
                    "maxReplicaCount": high,
                    "pollingInterval": KEDA_POLLING_S,
                    "cooldownPeriod": SCALE_DOWN_STABILISATION_S,
                    "triggers": triggers,
                },
            }
        )
    return docs


def queue_threshold(s: DeploySettings) -> tuple[int, str]:
    """Waiting requests per replica beyond which queueing alone breaks the TTFT target.

    A slot frees every (request duration / concurrency) on average, so ``q`` waiting requests wait
    about q x duration / C; the TTFT budget allows q = C x TTFT target / duration.
    """
    ttft = s.ttft_pred_ms if s.ttft_pred_ms is not None else s.ttft_target_ms
    tpot = s.tpot_pred_ms if s.tpot_pred_ms is not None else s.tpot_target_ms
    duration = ttft + s.avg_output_tokens * tpot
    q = max(1, math.floor(s.max_num_seqs * s.ttft_target_ms / duration)) if duration > 0 else 1
    why = (
        f"{s.max_num_seqs} in-flight x TTFT target {s.ttft_target_ms:g} ms / request duration "
        f"{duration:,.0f} ms (TTFT {ttft:,.0f} + {s.avg_output_tokens} tokens x {tpot:,.1f} ms) "
        f"= {q} waiting per replica"
    )
    return q, why


# --- Alerts and scraping -------------------------------------------------------------------------


def alert_rules(s: DeploySettings, engine: str, target: str = "k8s") -> list[dict[str, Any]]:
    """Prometheus rule groups: latency over SLO, memory near full, queue depth (plus DCGM memory),
    each scoped to this deployment's pods (and the served model name)."""
    quantile = QUANTILE.get(s.slo_percentile, 0.95)
    names = METRICS.get(engine)
    groups = []
    for dep in _deployment_names(s):
        pods = pod_pattern(s, dep, target)
        sel = f'{{model_name="{s.served_name}", pod=~"{pods}"}}'
        rules: list[dict[str, Any]] = []

        def rule(
            alert: str,
            expr: str,
            for_: str,
            severity: str,
            summary: str,
            text: str,
            rules: list[dict[str, Any]] = rules,
            dep: str = dep,
        ) -> None:
            rules.append(
                {
                    "alert": alert,
                    "expr": expr,
                    "for": for_,
                    "labels": {"severity": severity, "model": s.served_name, "deployment": dep},
                    "annotations": {"summary": summary, "description": text},
                }
            )

        if names is not None:
            ttft_s = s.ttft_target_ms / C.MS_PER_S
            tpot_s = s.tpot_target_ms / C.MS_PER_S
            window = C.ALERT_RATE_WINDOW
            rule(
                "KickoffTTFTOverSLO",
                f"histogram_quantile({quantile:g}, sum by (le) (rate({names['ttft']}{sel}[{window}]))) > {ttft_s:g}",
                C.ALERT_FOR_LATENCY,
                "page",
                f"{s.slo_percentile} time to first token above the agreed {s.ttft_target_ms:g} ms",
                f"Agreed TTFT target {s.ttft_target_ms:g} ms at {s.slo_percentile} (kickoff decision log); "
                f"the sizing estimates a mean of {s.ttft_pred_ms or 0:,.0f} ms at {s.max_num_seqs} in-flight per replica.",
            )
            rule(
                "KickoffTPOTOverSLO",
                f"histogram_quantile({quantile:g}, sum by (le) (rate({names['tpot']}{sel}[{window}]))) > {tpot_s:g}",
                C.ALERT_FOR_LATENCY,
                "page",
                f"{s.slo_percentile} time per output token above the agreed {s.tpot_target_ms:g} ms",
                f"Agreed TPOT target {s.tpot_target_ms:g} ms at {s.slo_percentile}; the sizing estimates a "
                f"mean of {s.tpot_pred_ms or 0:,.1f} ms.",
            )
            q, why = queue_threshold(s)
            rule(
                "KickoffQueueDepth",
                # Summed per pod: with DP attention an engine reports one series per attention
                # rank, and the threshold is the replica's.
                f"max(sum by (pod) ({names['waiting']}{sel})) > {q}",
                C.ALERT_FOR_SATURATION,
                "warning",
                "requests are queueing beyond what the TTFT target absorbs",
                f"Threshold {why}. Sustained queueing means traffic outgrew the sized replicas.",
            )
            rule(
                "KickoffKVCacheNearFull",
                f"max({names['kv']}{sel}) > {C.KV_CACHE_NEAR_FULL:g}",
                C.ALERT_FOR_SATURATION,
                "warning",
                "KV cache (the GPU memory the engine serves from) is nearly full",
                f"Above {C.KV_CACHE_NEAR_FULL:.0%} the engine starts preempting requests. Sized for "
                f"{s.max_num_seqs} sequences of about {s.sized_context_tokens} tokens in "
                f"{s.kv_cache_tokens_per_replica} cached tokens per replica.",
            )
            if "preemptions" in names:
                rule(
                    "KickoffPreemptions",
                    f"sum(rate({names['preemptions']}{sel}[{window}])) > 0",
                    C.ALERT_FOR_SATURATION,
                    "warning",
                    "the engine is preempting requests for lack of KV cache",
                    "Preemption recomputes work and inflates latency: longer contexts or more "
                    "concurrency than sized.",
                )
        if s.gpu_vendor == "NVIDIA":
            limit = min(1.0, s.gpu_memory_utilization + C.FRAMEBUFFER_MARGIN)
            dcgm = f'{{pod=~"{pods}"}}'
            rule(
                "KickoffGPUMemoryNearFull",
                f"max by (Hostname, gpu) (DCGM_FI_DEV_FB_USED{dcgm} / (DCGM_FI_DEV_FB_USED{dcgm} + DCGM_FI_DEV_FB_FREE{dcgm})) > {limit:g}",
                C.ALERT_FOR_SATURATION,
                "warning",
                "GPU memory used beyond the engine's configured share",
                f"The engine preallocates {s.gpu_memory_utilization:.0%} of GPU memory; above {limit:.0%} "
                "something else is using the GPU (dcgm-exporter metrics with pod labels, MiB).",
            )
        groups.append({"name": f"kickoff-{dep}", "rules": rules})
    return groups


def prometheus_rules_yaml(s: DeploySettings, engine: str, target: str = "k8s") -> str:
    """Plain Prometheus rule file (``promtool check rules``), the same rules as the
    PrometheusRule in ``monitoring.yaml``."""
    head = _header(s, "Prometheus alert rules from the agreed SLOs and the sized utilisation.")
    if engine not in METRICS:
        head += _comment_block(
            [
                f"{engine}: Kickoff has no checked metric names for this engine; only the DCGM rule is",
                "emitted. Add latency and queue rules with your release's metric names.",
            ]
        )
    return "\n".join(head) + "\n" + dump_yaml([{"groups": alert_rules(s, engine, target)}])


def monitoring_objects(s: DeploySettings, engine: str, target: str) -> list[dict[str, Any]]:
    """PrometheusRule (+ ServiceMonitor, except for the Helm chart, which has its own)."""
    docs: list[dict[str, Any]] = [
        {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PrometheusRule",
            "metadata": {"name": f"{s.name}-alerts", "labels": {"app.kubernetes.io/part-of": "kickoff"}},
            "spec": {"groups": alert_rules(s, engine, target)},
        }
    ]
    if target == "helm-production-stack":
        return docs
    for dep in _deployment_names(s):
        selector = (
            {"app.kubernetes.io/name": f"{dep}-metrics"}
            if target == "kserve"
            else {"app.kubernetes.io/name": dep}
        )
        docs.append(
            {
                "apiVersion": "monitoring.coreos.com/v1",
                "kind": "ServiceMonitor",
                "metadata": {"name": dep, "labels": {"app.kubernetes.io/part-of": "kickoff"}},
                "spec": {
                    "selector": {"matchLabels": selector},
                    "endpoints": [
                        {"port": "http", "path": METRICS_PATH[engine], "interval": SCRAPE_INTERVAL}
                    ],
                },
            }
        )
    return docs


# --- KServe and the vLLM production stack --------------------------------------------------------


def kserve_objects(s: DeploySettings, engine: str) -> list[dict[str, Any]]:
    """InferenceService per deployment (raw deployment mode, the engine as a custom container)
    + a metrics Service for the ServiceMonitor."""
    command, args = engine_command(engine, s)
    # KServe's raw deployment scales on CPU unless told otherwise, which says nothing about an
    # LLM's load: run the sized replicas (min = max); scale on the queue with --target k8s --keda.
    low = high = s.replicas
    docs: list[dict[str, Any]] = []
    for dep in _deployment_names(s):
        container = _container(s, engine, dep, command, args, name="kserve-container")
        pod = _pod_spec(s, engine, dep, container)
        pod.pop("topologySpreadConstraints")
        predictor: dict[str, Any] = {"minReplicas": low, "maxReplicas": high, **pod}
        docs.append(
            {
                "apiVersion": KSERVE_API,
                "kind": "InferenceService",
                "metadata": {
                    "name": dep,
                    "labels": _labels(dep, s),
                    "annotations": {"serving.kserve.io/deploymentMode": "RawDeployment"},
                },
                "spec": {"predictor": predictor},
            }
        )
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {
                    "name": f"{dep}-metrics",
                    "labels": {"app.kubernetes.io/name": f"{dep}-metrics"},
                },
                "spec": {
                    "clusterIP": "None",
                    "selector": {"serving.kserve.io/inferenceservice": dep},
                    "ports": [{"name": "http", "port": SERVE_PORT, "targetPort": SERVE_PORT}],
                },
            }
        )
        if engine == "trtllm":
            docs.append(_trtllm_configmap(dep, s))
    return docs


def production_stack_values(s: DeploySettings) -> dict[str, Any]:
    """``values.yaml`` for the vLLM production-stack Helm chart (vllm-project/production-stack,
    ``helm/values.yaml``: ``servingEngineSpec.modelSpec`` entries and the router)."""
    selector, _ = node_selector(s)
    resources = pod_resources(s)
    args = vllm_args(s, multi_node=False)
    handled = {
        "--served-model-name",
        "--host",
        "--port",
        "--tensor-parallel-size",
        "--max-model-len",
        "--dtype",
        "--max-num-seqs",
        "--gpu-memory-utilization",
        "--enable-prefix-caching",
        "--no-enable-prefix-caching",
    }
    """Options the chart sets from ``vllmConfig`` fields (or its defaults); the rest go in
    ``extraArgs``."""
    extra: list[str] = []
    keep = False
    for arg in args[1:]:
        if arg.startswith("--"):
            keep = arg not in handled
        if keep:
            extra.append(arg)
    image, _, tag = IMAGES[("vllm", s.gpu_vendor)].rpartition(":")
    models = []
    for dep in _deployment_names(s):
        models.append(
            {
                "name": dep,
                "repository": image,
                "tag": tag,
                "modelURL": s.model_ref,
                "replicaCount": s.replicas,
                "requestCPU": int(resources["requests"]["cpu"]),
                "requestMemory": resources["requests"]["memory"],
                "requestGPU": gpus_per_pod(s),
                "pvcStorage": "200Gi",
                "vllmConfig": {
                    "enablePrefixCaching": s.prefix_caching,
                    "maxModelLen": s.max_model_len,
                    "dtype": s.dtype,
                    "tensorParallelSize": 1 if s.dp_attention else s.tensor_parallel,
                    "maxNumSeqs": s.max_seqs_per_scheduler,
                    "gpuMemoryUtilization": s.gpu_memory_utilization,
                    "extraArgs": extra,
                },
                "hf_token": {"secretName": "hf-token", "secretKey": "token"},
                "nodeSelectorTerms": [
                    {
                        "matchExpressions": [
                            {"key": k, "operator": "In", "values": [v]} for k, v in selector.items()
                        ]
                    }
                ],
            }
        )
    return {
        "servingEngineSpec": {
            "tolerations": tolerations(s),
            "modelSpec": models,
        },
        "routerSpec": {"routingLogic": "prefixaware" if s.prefix_caching else "roundrobin"},
    }


# --- Files ---------------------------------------------------------------------------------------


def resolve_target(s: DeploySettings, target: str | None, engine: str) -> tuple[str, str | None]:
    """(target, note): ``k8s`` by default, ``lws`` when a replica spans nodes; refuse a target
    that cannot carry the spec."""
    from kickoff_tui.errors import KickoffError

    if target is not None and target not in TARGETS:
        raise KickoffError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    if target is None:
        if s.spans_nodes:
            return "lws", (
                f"target lws chosen: one replica spans {s.nodes_per_replica} nodes, which a "
                "Deployment cannot place"
            )
        return "k8s", None
    if s.spans_nodes and target != "lws":
        raise KickoffError(
            f"--target {target}: one replica needs {s.gpus_per_replica} GPUs across "
            f"{s.nodes_per_replica} nodes, which it cannot place; use --target lws"
        )
    if target == "helm-production-stack" and engine != "vllm":
        raise KickoffError("--target helm-production-stack runs vLLM only; drop --engine or use vllm")
    return target, None


def deployment_files(
    spec: SizedSpec,
    inputs: SizingInputs,
    engine: str | None = None,
    name: str | None = None,
    *,
    target: str | None = None,
    keda: bool = False,
    checkpoint: str | None = None,
) -> dict[str, str]:
    """File name -> content for the deployment folder (pure; nothing written).

    Raises :class:`~kickoff_tui.errors.KickoffError` for a name Kubernetes refuses, a target that
    cannot carry the spec, or an engine that cannot load the sized precision.
    """
    from kickoff_tui.errors import KickoffError

    if engine is not None and engine not in ENGINES:
        raise KickoffError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    s = deploy_settings(spec, inputs, name, checkpoint)
    chosen = engine or engine_for(inputs)
    chosen_target, note = resolve_target(s, target, chosen)
    problem = engine_problem(s, chosen)
    if problem:
        raise KickoffError(f"{chosen}: {problem}")
    if note:
        s.notes.insert(0, note)
    if keda and chosen_target in ("helm-production-stack", "kserve"):
        raise KickoffError(
            f"--keda: {chosen_target} manages its own scaling; use --target k8s or lws with --keda"
        )
    if keda and chosen not in METRICS:
        raise KickoffError(f"--keda: Kickoff has no checked queue metric for {chosen}")
    files: dict[str, str] = {
        "vllm-serve.sh": launch_script("vllm", s),
        "sglang-launch.sh": launch_script("sglang", s),
        "trtllm-serve.sh": launch_script("trtllm", s),
    }
    if engine_problem(s, "trtllm") is None:
        files["extra-llm-api-options.yaml"] = trtllm_options_yaml(s)
    if chosen_target == "k8s":
        files["kubernetes.yaml"] = _yaml_file(
            s, f"Kubernetes Deployment, Service and PodDisruptionBudget ({chosen}).", k8s_objects(s, chosen)
        )
    elif chosen_target == "lws":
        files["leaderworkerset.yaml"] = _yaml_file(
            s,
            f"LeaderWorkerSet ({chosen}): one group of {s.nodes_per_replica} pod(s) per replica. "
            "Needs the LWS controller (kubernetes-sigs/lws).",
            lws_objects(s, chosen),
        )
    elif chosen_target == "kserve":
        files["inferenceservice.yaml"] = _yaml_file(
            s, f"KServe InferenceService ({chosen}, raw deployment mode).", kserve_objects(s, chosen)
        )
    else:
        files["values.yaml"] = _yaml_file(
            s,
            "vLLM production-stack Helm values: helm repo add vllm "
            "https://vllm-project.github.io/production-stack && helm install kickoff "
            "vllm/vllm-stack -f values.yaml",
            [production_stack_values(s)],
        )
    if chosen_target in ("k8s", "lws"):
        if keda:
            files["keda.yaml"] = _yaml_file(
                s,
                "KEDA ScaledObject: scale on in-flight and on waiting requests (needs KEDA).",
                keda_objects(s, chosen, chosen_target),
            )
        elif chosen_target == "k8s" and not s.fixed_fleet:
            files["hpa.yaml"] = hpa_yaml(s, chosen, chosen_target)
    files["monitoring.yaml"] = _yaml_file(
        s,
        "PrometheusRule and ServiceMonitor (needs the Prometheus operator; kube-prometheus-stack "
        "selects rules by its release label: add it).",
        monitoring_objects(s, chosen, chosen_target),
    )
    files["prometheus-rules.yaml"] = prometheus_rules_yaml(s, chosen, chosen_target)
    files["README.md"] = readme(s, chosen, chosen_target, ["README.md", *files])
    return files


MANIFEST_FILES: tuple[str, ...] = (
    "kubernetes.yaml",
    "leaderworkerset.yaml",
    "inferenceservice.yaml",
    "extra-llm-api-options.yaml",
    "hpa.yaml",
    "keda.yaml",
    "monitoring.yaml",
)
"""Files that hold Kubernetes objects, in apply order (``--out -`` streams them)."""


def deployment_stream(files: dict[str, str]) -> str:
    """One multi-document YAML stream of every Kubernetes object (``kubectl apply -f -``); for
    the Helm target, the values file alone (``helm install ... -f -``)."""
    if "values.yaml" in files:
        return files["values.yaml"]
    docs: list[dict[str, Any]] = []
    for name in MANIFEST_FILES:
        if name in files and name != "extra-llm-api-options.yaml":
            docs += [d for d in yaml.safe_load_all(files[name]) if d]
    return dump_yaml(docs)


def readme(s: DeploySettings, engine: str, target: str, files: list[str]) -> str:
    """The deployment folder's README: what each file is and where each value came from."""
    low, high, target_in_flight, hpa_why = hpa_bounds(s)
    q, q_why = queue_threshold(s)
    res = pod_resources(s)["requests"]
    rows = [
        ("tensor parallel", s.tensor_parallel,
         "spec.tensor_parallel (the layout that meets the SLOs with the fewest GPUs bought)"),
        ("pipeline parallel", s.pipeline_parallel, "spec.pipeline_parallel"),
        ("expert parallel (MoE)", s.expert_parallel, "spec.expert_parallel (1: experts sliced by TP)"),
        ("DP attention (MoE)", "on" if s.dp_attention else "off", "spec.dp_attention (each GPU its own sequences)"),
        ("pods per replica", s.nodes_per_replica, "GPUs per replica / GPUs per node"),
        ("replicas per deployment", s.replicas, f"spec.replicas / {s.deployments} deployment(s)"),
        ("max sequences", s.max_num_seqs, "spec.concurrency_per_replica"
         + (f" (vLLM / TensorRT-LLM: {s.max_seqs_per_scheduler} per attention rank, one scheduler each)"
            if s.dp_attention else "")),
        ("max model length", s.max_model_len, "see notes"),
        ("weights", s.model_ref, f"the {s.precision} checkpoint the spec was sized with"),
        ("GPU memory utilisation", f"{s.gpu_memory_utilization:g}", "inputs or sizing default"),
        ("KV cache dtype", s.kv_precision, "spec.kv_precision"),
        ("prefix caching", "on" if s.prefix_caching else "off", "inputs.prefix_caching"),
        ("speculative decoding", "n-gram" if s.speculative else "off", "inputs.speculative_decoding"),
        ("LoRA adapters", s.max_loras if s.lora else "off", "inputs.lora_adapters / finetuned_variants"),
        ("CPU / memory per pod", f"{res['cpu']} / {res['memory']}", f"{CPU_PER_GPU} cores per GPU; {HOST_MEMORY_BASE_GIB} GiB + the pod's weights"),
        ("pre-stop drain", f"{drain_seconds(s)} s", f"{STREAM_DRAIN_FACTOR:g} x the average request, at least {MIN_DRAIN_S} s"),
        ("PodDisruptionBudget", f"maxUnavailable {s.replicas_for_redundancy}" if s.replicas_for_redundancy else "none", "spec.replicas_for_redundancy (the agreed N+k)"),
        ("autoscaler min / max / target", f"{low} / {high} / {target_in_flight}" if not s.fixed_fleet else "fixed fleet", hpa_why),
        ("queue alert", q, q_why),
    ]
    apply = {
        "k8s": "kubectl apply -f kubernetes.yaml -f hpa.yaml -f monitoring.yaml",
        "lws": "kubectl apply --server-side -f https://github.com/kubernetes-sigs/lws/releases/"
        "latest/download/manifests.yaml  # once\nkubectl apply -f leaderworkerset.yaml -f monitoring.yaml",
        "kserve": "kubectl apply -f inferenceservice.yaml -f monitoring.yaml",
        "helm-production-stack": "helm repo add vllm https://vllm-project.github.io/production-stack\n"
        "helm install kickoff vllm/vllm-stack -f values.yaml\nkubectl apply -f monitoring.yaml",
    }[target]
    out = [
        f"# Deployment files for {visible(s.model_id)} on {visible(s.gpu)}",
        "",
        "Generated by Kickoff from the sized spec. A starting point for the AI team: load-test it,",
        "then pin the image digests and options you have verified.",
        "",
        f"Target **{target}**, engine **{engine}**; launch scripts for all three engines are included.",
        "",
        "```sh",
        "kubectl create secret generic hf-token --from-literal=token=$HF_TOKEN  # gated models",
        apply,
        "```",
        "",
        "| file | what |",
        "|---|---|",
    ]
    what = {
        "vllm-serve.sh": f"start one replica with vLLM (options checked against vLLM {VLLM_VERSION})",
        "sglang-launch.sh": f"start one replica with SGLang (options checked against SGLang {SGLANG_VERSION})",
        "trtllm-serve.sh": "start one replica with TensorRT-LLM's trtllm-serve (options from its docs, not machine-checked)",
        "extra-llm-api-options.yaml": "TensorRT-LLM options file used by trtllm-serve.sh",
        "kubernetes.yaml": "Deployment (no fixed replicas under the autoscaler), Service, PodDisruptionBudget",
        "leaderworkerset.yaml": "LeaderWorkerSet: one leader + workers per replica, multi-node engine options",
        "inferenceservice.yaml": "KServe InferenceService (raw deployment) and a metrics Service",
        "values.yaml": "values for the vLLM production-stack Helm chart",
        "hpa.yaml": "HorizontalPodAutoscaler on in-flight requests (needs prometheus-adapter)",
        "keda.yaml": "KEDA ScaledObject on in-flight and waiting requests",
        "monitoring.yaml": "PrometheusRule (alerts scoped to these pods) and ServiceMonitor",
        "prometheus-rules.yaml": "the same alert rules as a plain rule file (promtool check rules)",
    }
    out += [f"| `{f}` | {what.get(f, '')} |" for f in files if f != "README.md"]
    out += ["", "## Values and where they come from", "", "| setting | value | from |", "|---|---|---|"]
    # Values and notes on one line each (a newline in a value would start Markdown of its own).
    out += [f"| {a} | {visible(b).replace('|', '/')} | {c} |" for a, b, c in rows]
    out += ["", "## Notes", ""] + [f"- {visible(n)}" for n in s.notes]
    out += [
        f"- image tags written {IMAGE_TAGS_WRITTEN} from each project's tag scheme; confirm "
        "they exist in your registry and pin the digest you tested",
        "",
    ]
    return "\n".join(out)


def engine_for(inputs: SizingInputs) -> str:
    """The engine the manifests use: the AI team's ``serving_engine`` answer, else vLLM."""
    text = (inputs.serving_engine or "").lower().replace("-", "").replace("_", "")
    if "sglang" in text:
        return "sglang"
    if "tensorrt" in text or "trtllm" in text:
        return "trtllm"
    return "vllm"


# --- writing (the only I/O in this module) -------------------------------------------------------

from kickoff_tui.errors import KickoffError  # noqa: E402 - kept with the write path it serves


class FilesExist(KickoffError):
    """The deployment folder already holds files of these names; nothing was written.

    ``paths`` lists them; pass ``force=True`` (``--force`` on the command line) to overwrite."""

    def __init__(self, folder: Path, paths: list[Path]) -> None:
        self.folder = folder
        self.paths = paths
        names = ", ".join(visible(p.name) for p in paths[:4]) + (f" and {len(paths) - 4} more" if len(paths) > 4 else "")
        super().__init__(
            f"{visible(folder)} already holds {names}; nothing was written. Pass --force to "
            "overwrite them, or choose another folder"
        )


def write_deployment(
    spec: SizedSpec,
    inputs: SizingInputs,
    out_dir: Path | str,
    engine: str | None = None,
    name: str | None = None,
    *,
    target: str | None = None,
    keda: bool = False,
    checkpoint: str | None = None,
    force: bool = False,
) -> list[Path]:
    """Write the deployment files into ``out_dir`` (created if needed); return their paths.

    Called by ``kickoff deploy FILE --out DIR`` and ``kickoff export FILE --deploy DIR``.
    Raises :class:`~kickoff_tui.errors.KickoffError` when the spec is infeasible or the folder
    cannot be written, and :class:`FilesExist` (before writing anything) when a file of the
    same name is already there, unless ``force``. Each file is written atomically through a
    ``mkstemp`` temp file in ``out_dir`` (a symlink planted at a temp name is never followed),
    and an existing link at a target name is replaced, not written through.
    """
    files = deployment_files(
        spec, inputs, engine, name, target=target, keda=keda, checkpoint=checkpoint
    )
    return write_files(files, Path(out_dir), force=force)


def write_files(files: dict[str, str], folder: Path, *, force: bool = False) -> list[Path]:
    """The one place deployment files reach the disk: refuses (:class:`FilesExist`, before
    writing anything) when a file of the same name is there, unless ``force``; each file atomic
    through a ``mkstemp`` temp file; scripts executable. A FIFO, a device or a folder at a
    target name is refused before anything is written (``--force`` or not), never opened."""
    import os

    from kickoff_tui.record.io import atomic_write_text, check_write_target

    if folder.exists() and not folder.is_dir():
        raise KickoffError(f"cannot write deployment files to {folder}: not a folder")
    try:
        for file_name in files:
            check_write_target(folder / file_name, folder)
    except KickoffError as err:
        raise KickoffError(f"cannot write deployment files to {folder}: {err}; nothing was written") from None
    if not force:
        existing = [folder / f for f in files if os.path.lexists(folder / f)]
        if existing:
            raise FilesExist(folder, existing)
    written: list[Path] = []
    try:
        for file_name, text in files.items():
            path = folder / file_name
            mode = 0o755 if file_name.endswith(".sh") else 0o644
            atomic_write_text(path, text, mode=mode, follow_symlinks=False)
            written.append(path)
    except KickoffError as err:
        raise KickoffError(f"cannot write deployment files to {folder}: {getattr(err, 'reason', err)}") from None
    return written


def _blocked_folder(folder: Path) -> str | None:
    """Why deployment files cannot go into ``folder`` (None when they can, as far as can be told
    before writing): a file where a folder should be, or a folder the user may not write."""
    import os

    probe = folder
    while not os.path.lexists(probe):  # the nearest part of the path that exists
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe != folder and not probe.is_dir():
        return f"{probe} is not a folder"
    if probe == folder and not folder.is_dir():
        return "not a folder"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe} is not writable"
    return None


def write_file_sets(
    sets: list[tuple[Path, dict[str, str]]], *, force: bool = False, root: Path | None = None
) -> list[Path]:
    """Several folders of deployment files (a portfolio: one folder per workload), all or
    nothing: every folder is checked before any file is written (a file in the way, an
    unwritable folder, a symbolic link at a workload folder below ``root``, the folder the user
    chose (default: each folder's parent), a FIFO or device at a file name, or files of the
    same names unless ``force``), and when the disk still refuses part-way the files this call
    created are removed again (overwritten ones cannot be restored; the message says so).
    Raises :class:`FilesExist` or :class:`KickoffError`."""
    import os

    from kickoff_tui.record.io import check_write_target, make_folders

    existing: list[Path] = []
    for folder, files in sets:
        problem = _blocked_folder(folder)
        if problem is not None:
            raise KickoffError(f"cannot write deployment files to {folder}: {problem}; nothing was written")
        try:  # DIR/chat-assistant -> /elsewhere would carry the files out of DIR
            for file_name in files:
                check_write_target(folder / file_name, folder.parent if root is None else root)
        except KickoffError as err:
            raise KickoffError(f"cannot write deployment files to {folder}: {err}; nothing was written") from None
        if not force:
            existing += [folder / f for f in files if os.path.lexists(folder / f)]
    if existing:
        root = Path(os.path.commonpath([str(folder) for folder, _ in sets]))
        err = FilesExist(root, existing)
        names = [visible(p.relative_to(root)) for p in existing]
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        err.args = (f"{visible(root)} already holds {shown}; nothing was written. Pass --force to "
                    "overwrite them, or choose another folder",)
        raise err
    fresh = [folder / f for folder, files in sets for f in files if not os.path.lexists(folder / f)]
    written: list[Path] = []
    try:
        for folder, files in sets:
            make_folders(folder.parent if root is None else root, folder)  # never through a link
            written += write_files(files, folder, force=True)
    except KickoffError as err:
        removed = 0
        for path in fresh:
            # A file the disk will not let go of stays; the message counts only those removed.
            with suppress(OSError):
                path.unlink()
                removed += 1
        kept = len([p for p in written if p not in fresh])
        raise KickoffError(f"{err}; the {removed} new file(s) written before it were removed"
                           + (f", {kept} overwritten file(s) keep the new text" if kept else "")) from None
    return written


def workload_slug(name: str, taken: set[str]) -> str:
    """A folder and Kubernetes name for a workload: lowercase letters, digits and '-', unique."""
    import re

    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:MAX_BASE_NAME].strip("-") or "workload"
    slug, n = base, 2
    while slug in taken:  # "-2", "-3"... cut from the base so the slug stays a valid --name
        suffix = f"-{n}"
        slug, n = base[:MAX_BASE_NAME - len(suffix)].rstrip("-") + suffix, n + 1
    taken.add(slug)
    return slug


def portfolio_deployment_sets(work, spec, name: str | None = None, engine: str | None = None,
                              target: str | None = None, *, keda: bool = False):  # noqa: ANN001, ANN201
    """Per workload (in order): (folder slug, its deployment files, a note or None), on the SKU
    the shared fleet gives it. Nothing is written."""
    taken: set[str] = set()
    out = []
    for demand, sizing in zip(work, spec.workloads, strict=True):
        slug = workload_slug(demand.name, taken)
        assert sizing.spec is not None
        inputs = demand.inputs.model_copy(update={"gpu": sizing.gpu})
        label = f"{name}-{slug}" if name else slug
        files = deployment_files(sizing.spec, inputs, engine, label, target=target, keda=keda)
        note = None
        if sizing.shares_with:
            note = (f"# {demand.name}: shares replicas with {', '.join(sizing.shares_with)}; these "
                    "files describe its own deployment (one shared deployment is not generated yet)")
        out.append((slug, files, note))
    return out
