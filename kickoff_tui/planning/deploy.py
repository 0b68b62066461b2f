"""Deployment export: the sized spec as serving configuration the AI team can start from.

From one :class:`DeploySettings` (engine-neutral values resolved from the spec and the inputs,
each with the reason it has that value) this module writes:

- launch commands for vLLM, SGLang and TensorRT-LLM (``trtllm-serve`` plus its options file),
- a Kubernetes Deployment + Service (one per fine-tuned variant when they ship as separate
  deployments), with GPU requests and node selectors,
- a Prometheus rule file (latency over the agreed SLO, GPU/KV memory near full, queue depth),
- a HorizontalPodAutoscaler sketch,
- a README saying where every value came from.

YAML is written by hand as text (no YAML dependency). Option and metric names were checked
against vLLM 0.33.0 and SGLang 0.5.23 (see ``tests/data/*_cli_args.txt``); TensorRT-LLM's are
from its documentation and are not machine-checked (the README says so).
"""

from __future__ import annotations

import json
import math
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from kickoff_tui.planning import constants as C

if TYPE_CHECKING:
    from kickoff_tui.sizing import SizedSpec, SizingInputs

Engine = Literal["vllm", "sglang", "trtllm"]
ENGINES: tuple[str, ...] = ("vllm", "sglang", "trtllm")

SERVE_PORT = 8000
"""HTTP port every engine is started on (vLLM's and trtllm-serve's default; SGLang is told)."""

VLLM_IMAGE = "vllm/vllm-openai:v0.33.0"
"""Container image: the vLLM release whose option names the tests check. Pin what you tested."""
SGLANG_IMAGE = "lmsysorg/sglang:latest"
"""SGLang's published image; pin the tag of the release you tested (options checked: 0.5.23)."""
TRTLLM_IMAGE = "nvcr.io/nvidia/tensorrt-llm/release:latest"
"""NVIDIA's TensorRT-LLM release image (NGC); pin the tag you tested."""

NGRAM_SPECULATIVE_TOKENS = 5
"""Draft tokens per step for n-gram (prompt-lookup) speculation: the value in vLLM's n-gram
example (docs "Speculative Decoding", ``num_speculative_tokens: 5``)."""
NGRAM_PROMPT_LOOKUP_MAX = 4
"""Longest n-gram matched in the prompt: same vLLM example (``prompt_lookup_max: 4``)."""

SHM_SIZE = "16Gi"
"""In-memory /dev/shm for NCCL and engine IPC with tensor parallelism (vLLM's Kubernetes guide
mounts a memory-backed emptyDir at /dev/shm); Kickoff's size choice."""
STARTUP_PROBE_PERIOD_S = 10
"""Seconds between start-up checks."""
STARTUP_PROBE_FAILURES = 120
"""120 x 10 s = 20 minutes to download and load weights before Kubernetes restarts the pod."""
SCALE_DOWN_STABILISATION_S = 600
"""The autoscaler waits 10 minutes of low load before removing a replica: a replica takes minutes
to load the model, so flapping costs SLO breaches. Kickoff choice."""

GPU_RESOURCE: dict[str, str] = {
    "NVIDIA": "nvidia.com/gpu",
    "AMD": "amd.com/gpu",
    "Intel": "habana.ai/gaudi",
    "Google": "google.com/tpu",
    "AWS": "aws.amazon.com/neuron",
}
"""Extended resource each vendor's Kubernetes device plugin advertises."""

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
name with spaces as dashes). The file tells the reader to confirm it with
``kubectl get nodes -L nvidia.com/gpu.product``."""

GENERIC_ACCELERATOR_LABEL = "kickoff.dev/accelerator"
"""Node label used for non-NVIDIA parts (label the nodes, or swap in your operator's label)."""

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


class DeploySettings(BaseModel):
    """Engine-neutral serving settings, each resolved from the spec or the inputs."""

    model_config = ConfigDict(extra="forbid")

    name: str
    """Kubernetes-safe base name."""
    model_id: str
    model_ref: str
    """What the engine loads: the Hugging Face repo when the catalog knows it."""
    served_name: str
    gpu: str
    gpu_vendor: str
    tensor_parallel: int
    pipeline_parallel: int
    gpus_per_replica: int
    gpus_per_node: int
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
    """Online quantisation the engine applies (``fp8``), or ``None`` (checkpoint decides)."""
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
    burst_factor: float | None
    spans_nodes: bool
    notes: list[str] = Field(default_factory=list)
    """Why each value is what it is, and what to check: copied into every file's header."""


def _k8s_name(text: str) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return (name or "kickoff")[:50].strip("-")


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


def deploy_settings(
    spec: SizedSpec, inputs: SizingInputs, name: str | None = None
) -> DeploySettings:
    """Resolve every serving value from the spec (and the inputs where the spec has no field)."""
    from kickoff_tui.catalog import CatalogError, get_gpu, get_model
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.sizing.constants import GPU_MEMORY_UTILIZATION

    if not spec.feasible or spec.gpus_per_replica <= 0:
        raise KickoffError(
            f"the spec is not feasible ({spec.infeasible_reason or 'no replica fits'}); "
            "nothing to deploy"
        )
    notes: list[str] = []
    try:
        model = get_model(spec.model)
        native_ctx, native_prec = model.native_context, model.native_precision
        listed = model.hf_repo
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
            f"{vendor} accelerator: the vllm/vllm-openai and SGLang images are CUDA builds; use "
            f"the {vendor} build of the engine (ROCm images for AMD, the vendor's vLLM plugin "
            "elsewhere). TensorRT-LLM runs on NVIDIA GPUs only"
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
    if spec.kv_cache_tokens_per_replica and max_len > spec.kv_cache_tokens_per_replica:
        max_len = spec.kv_cache_tokens_per_replica
        why += (
            f", capped at the replica's KV capacity {spec.kv_cache_tokens_per_replica} tokens "
            "(the engine refuses to start if one sequence cannot fit)"
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
    dtype = "auto"
    if precision in ("bf16", "fp16") and native_prec in ("bf16", "fp16", ""):
        dtype = "bfloat16" if precision == "bf16" else "float16"
    elif precision == native_prec:
        notes.append(
            f"weights served at the checkpoint's own precision ({precision}): no quantisation flag"
        )
    elif precision == "fp8":
        quantization = "fp8"
        notes.append(
            "FP8 weights quantised on load from the 16-bit checkpoint (online FP8); a "
            "pre-quantised FP8 checkpoint loads faster and keeps calibrated scales"
        )
    else:
        notes.append(
            f"{precision} weights: point the model path at a pre-quantised {precision} "
            "checkpoint (AWQ/GPTQ for int4, NVFP4/MXFP4 for fp4); the engine reads the "
            "format from its config"
        )
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
    per_deployment = max(1, math.ceil(spec.replicas / deployments))
    spans = spec.gpus_per_replica > max(1, spec.gpus_per_node)
    if spans:
        notes.append(
            f"one replica needs {spec.gpus_per_replica} GPUs but a node has {spec.gpus_per_node}: "
            "a plain Deployment cannot place it; run each replica as a LeaderWorkerSet "
            "(one leader + workers, pipeline parallel across nodes)"
        )
    base = _k8s_name(name or f"{spec.model}-{spec.gpu}")
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
        gpus_per_node=max(1, spec.gpus_per_node),
        replicas=per_deployment,
        deployments=deployments,
        replicas_for_load=spec.replicas_for_load or per_deployment,
        replicas_for_redundancy=spec.replicas_for_redundancy,
        max_num_seqs=concurrency,
        max_model_len=max(1, max_len),
        gpu_memory_utilization=util,
        dtype=dtype,
        quantization=quantization,
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
        burst_factor=inputs.burst_factor,
        spans_nodes=spans,
        notes=notes,
    )


# --- Engine launch arguments ---------------------------------------------------------------------


def _vllm_kv(kv: str) -> str:
    return "fp8" if kv == "fp8" else "auto"


def vllm_args(s: DeploySettings) -> list[str]:
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
        str(s.tensor_parallel),
    ]
    if s.pipeline_parallel > 1:
        args += ["--pipeline-parallel-size", str(s.pipeline_parallel)]
    args += [
        "--max-num-seqs",
        str(s.max_num_seqs),
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
        args += ["--enable-lora", "--max-loras", str(s.max_loras)]
    return args


def sglang_args(s: DeploySettings) -> list[str]:
    """``python -m sglang.launch_server`` arguments for one replica."""
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
    if s.pipeline_parallel > 1:
        args += ["--pp-size", str(s.pipeline_parallel)]
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
        args += ["--enable-lora", "--max-loras-per-batch", str(s.max_loras)]
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
        "--max_batch_size",
        str(s.max_num_seqs),
        "--max_seq_len",
        str(s.max_model_len),
        # TensorRT-LLM applies this fraction to the memory left after the weights load.
        "--kv_cache_free_gpu_memory_fraction",
        f"{s.gpu_memory_utilization:g}",
        "--extra_llm_api_options",
        options_path,
    ]


def trtllm_options_yaml(s: DeploySettings) -> str:
    """The LLM-API options file trtllm-serve reads (KV cache dtype and reuse, speculation)."""
    lines = [
        "# TensorRT-LLM LLM-API options (trtllm-serve --extra_llm_api_options).",
        "# Field names from the TensorRT-LLM docs; not machine-checked by Kickoff: check them",
        "# against the release you run.",
        "kv_cache_config:",
        f"  dtype: {'fp8' if s.kv_precision == 'fp8' else 'auto'}",
        f"  enable_block_reuse: {'true' if s.prefix_caching else 'false'}   # prefix caching",
        "enable_chunked_prefill: true",
    ]
    if s.speculative:
        lines += [
            "speculative_config:",
            "  decoding_type: NGram",
            f"  max_draft_len: {NGRAM_SPECULATIVE_TOKENS}",
            f"  max_matching_ngram_size: {NGRAM_PROMPT_LOOKUP_MAX}",
        ]
    return "\n".join(lines) + "\n"


def engine_command(engine: str, s: DeploySettings) -> tuple[list[str], list[str]]:
    """(command, args) for the container / shell script of ``engine``."""
    if engine == "vllm":
        return ["vllm", "serve"], vllm_args(s)
    if engine == "sglang":
        return ["python3", "-m", "sglang.launch_server"], sglang_args(s)
    if engine == "trtllm":
        return ["trtllm-serve"], trtllm_args(s, TRTLLM_OPTIONS_PATH)
    raise ValueError(f"unknown engine {engine!r}")


def _comment_block(lines: list[str]) -> list[str]:
    return [f"# {line}" if line else "#" for line in lines]


def _header(s: DeploySettings, what: str) -> list[str]:
    head = [
        f"{what}",
        f"Generated by Kickoff from the sized spec: {s.model_id} on {s.gpu}, "
        f"TP {s.tensor_parallel} x PP {s.pipeline_parallel} = {s.gpus_per_replica} "
        f"GPU{'s' if s.gpus_per_replica != 1 else ''} per replica, "
        f"{s.replicas} replica(s)"
        + (f" in each of {s.deployments} deployments" if s.deployments > 1 else "")
        + ".",
        f"SLO: TTFT {s.ttft_target_ms:g} ms, TPOT {s.tpot_target_ms:g} ms at {s.slo_percentile}.",
        "A starting point, not a tested configuration: load-test it before production.",
    ]
    return _comment_block(head + [""] + [f"- {n}" for n in s.notes])


def launch_script(engine: str, s: DeploySettings) -> str:
    """A shell script that starts one replica of ``engine``."""
    command, args = engine_command(engine, s)
    if engine == "trtllm":
        args = trtllm_args(s)
    body = " ".join(shlex.quote(part) for part in command)
    for part in args:
        quoted = shlex.quote(part)
        body += f" \\\n  {quoted}" if part.startswith("-") else f" {quoted}"
    lines = [
        "#!/usr/bin/env sh",
        *_header(s, f"Start one replica with {engine}."),
        "set -eu",
        "",
        f"exec {body}",
        "",
    ]
    return "\n".join(lines)


# --- Kubernetes ----------------------------------------------------------------------------------


def _yaml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar


def _node_selector(s: DeploySettings) -> tuple[str, str, str]:
    """(label key, value, comment)."""
    if s.gpu_vendor == "NVIDIA" and s.gpu in NVIDIA_PRODUCT_LABEL:
        return (
            "nvidia.com/gpu.product",
            NVIDIA_PRODUCT_LABEL[s.gpu],
            "GPU Feature Discovery label; confirm: kubectl get nodes -L nvidia.com/gpu.product",
        )
    return (
        GENERIC_ACCELERATOR_LABEL,
        s.gpu,
        "label these nodes yourself (or use your accelerator operator's product label)",
    )


def _image(engine: str) -> str:
    return {"vllm": VLLM_IMAGE, "sglang": SGLANG_IMAGE, "trtllm": TRTLLM_IMAGE}[engine]


def _deployment_names(s: DeploySettings) -> list[str]:
    if s.deployments == 1:
        return [s.name]
    return [f"{s.name}-variant-{i + 1}"[:63] for i in range(s.deployments)]


def kubernetes_yaml(s: DeploySettings, engine: str) -> str:
    """Deployment(s) + Service(s) (+ the TensorRT-LLM options ConfigMap) as one multi-document file."""
    resource = GPU_RESOURCE.get(s.gpu_vendor, "nvidia.com/gpu")
    gpus_per_pod = min(s.gpus_per_replica, s.gpus_per_node)
    label_key, label_value, label_comment = _node_selector(s)
    command, args = engine_command(engine, s)
    docs: list[str] = ["\n".join(_header(s, f"Kubernetes Deployment and Service ({engine})."))]
    if s.spans_nodes:
        docs[0] += (
            "\n# WARNING: a replica spans nodes; this Deployment requests one node's GPUs per pod and"
            "\n# will not form the pipeline on its own. Use it as the template for a LeaderWorkerSet."
        )
    if s.deployments > 1:
        docs[0] += (
            f"\n# {s.deployments} fine-tuned variants ship as separate deployments: change each "
            "variant's model path."
        )
    for dep in _deployment_names(s):
        out = [
            "---",
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata:",
            f"  name: {dep}",
            "  labels:",
            f"    app.kubernetes.io/name: {dep}",
            "    app.kubernetes.io/part-of: kickoff",
            f"    kickoff.dev/model: {_yaml_str(s.model_id)}",
            f"    kickoff.dev/gpu: {_yaml_str(s.gpu)}",
            "spec:",
            f"  replicas: {s.replicas}   # sized: load {s.replicas_for_load} + redundancy/headroom",
            "  selector:",
            "    matchLabels:",
            f"      app.kubernetes.io/name: {dep}",
            "  strategy:",
            "    type: RollingUpdate",
            "    rollingUpdate:",
            "      maxSurge: 0        # no spare GPUs for a surge pod: replace one at a time",
            "      maxUnavailable: 1",
            "  template:",
            "    metadata:",
            "      labels:",
            f"        app.kubernetes.io/name: {dep}",
            "        app.kubernetes.io/part-of: kickoff",
            "      annotations:",
            '        prometheus.io/scrape: "true"',
            f'        prometheus.io/port: "{SERVE_PORT}"',
            "        prometheus.io/path: /metrics",
            "    spec:",
            "      nodeSelector:",
            f"        {label_key}: {_yaml_str(label_value)}   # {label_comment}",
            "      containers:",
            "        - name: server",
            f"          image: {_image(engine)}",
            f"          command: {json.dumps(command)}",
            "          args:",
            *[f"            - {_yaml_str(a)}" for a in args],
            "          ports:",
            "            - name: http",
            f"              containerPort: {SERVE_PORT}",
            "          env:",
            "            - name: HF_TOKEN",
            "              valueFrom:",
            "                secretKeyRef: {name: hf-token, key: token, optional: true}",
            "          resources:",
            "            requests:",
            f"              {resource}: {gpus_per_pod}",
            "            limits:",
            f"              {resource}: {gpus_per_pod}",
            "          startupProbe:",
            f"            httpGet: {{path: /health, port: {SERVE_PORT}}}",
            f"            periodSeconds: {STARTUP_PROBE_PERIOD_S}",
            f"            failureThreshold: {STARTUP_PROBE_FAILURES}",
            "          readinessProbe:",
            f"            httpGet: {{path: /health, port: {SERVE_PORT}}}",
            "            periodSeconds: 10",
            "          livenessProbe:",
            f"            httpGet: {{path: /health, port: {SERVE_PORT}}}",
            "            periodSeconds: 30",
            "            failureThreshold: 3",
            "          volumeMounts:",
            "            - {name: shm, mountPath: /dev/shm}",
            "            - {name: model-cache, mountPath: /root/.cache/huggingface}",
        ]
        if engine == "trtllm":
            out.append("            - {name: trtllm-options, mountPath: /config}")
        out += [
            "      volumes:",
            "        - name: shm",
            f"          emptyDir: {{medium: Memory, sizeLimit: {SHM_SIZE}}}",
            "        - name: model-cache",
            "          emptyDir: {}   # replace with a PersistentVolumeClaim to keep weights across restarts",
        ]
        if engine == "trtllm":
            out += [
                "        - name: trtllm-options",
                "          configMap:",
                f"            name: {dep}-trtllm-options",
            ]
        out += [
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata:",
            f"  name: {dep}",
            "  labels:",
            f"    app.kubernetes.io/name: {dep}",
            "spec:",
            "  selector:",
            f"    app.kubernetes.io/name: {dep}",
            "  ports:",
            f"    - {{name: http, port: {SERVE_PORT}, targetPort: {SERVE_PORT}}}",
        ]
        if engine == "trtllm":
            options = trtllm_options_yaml(s).rstrip("\n").splitlines()
            out += [
                "---",
                "apiVersion: v1",
                "kind: ConfigMap",
                "metadata:",
                f"  name: {dep}-trtllm-options",
                "data:",
                "  extra-llm-api-options.yaml: |",
                *[f"    {line}" for line in options],
            ]
        docs.append("\n".join(out))
    return "\n".join(docs) + "\n"


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


def hpa_yaml(s: DeploySettings, engine: str) -> str:
    """HorizontalPodAutoscaler sketch on in-flight requests per pod (via prometheus-adapter)."""
    low, high, target, why = hpa_bounds(s)
    metric = METRICS.get(engine, METRICS["vllm"])["running"]
    adapter_name = metric.replace(":", "_")
    prefix = metric.split(":")[0]
    lines = _header(s, "HorizontalPodAutoscaler sketch: scale on in-flight requests per pod.")
    lines += _comment_block(
        [
            "",
            why,
            "Useful on rented or shared capacity; an owned, fixed fleet simply runs max replicas.",
            f"Needs prometheus-adapter to expose {metric} as a pods metric, e.g. this rule:",
            "  rules:",
            f'  - seriesQuery: \'{metric}{{namespace!="",pod!=""}}\'',
            "    resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}",
            f'    name: {{matches: "{prefix}:(.*)", as: "{prefix}_${{1}}"}}',
            "    metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'",
        ]
    )
    if engine == "trtllm":
        lines += _comment_block(
            ["TensorRT-LLM: replace the metric with your release's in-flight request gauge."]
        )
    for dep in _deployment_names(s):
        lines += [
            "---",
            "apiVersion: autoscaling/v2",
            "kind: HorizontalPodAutoscaler",
            "metadata:",
            f"  name: {dep}",
            "spec:",
            "  scaleTargetRef:",
            "    apiVersion: apps/v1",
            "    kind: Deployment",
            f"    name: {dep}",
            f"  minReplicas: {low}",
            f"  maxReplicas: {high}",
            "  metrics:",
            "    - type: Pods",
            "      pods:",
            "        metric:",
            f"          name: {adapter_name}",
            "        target:",
            "          type: AverageValue",
            f'          averageValue: "{target}"',
            "  behavior:",
            "    scaleDown:",
            f"      stabilizationWindowSeconds: {SCALE_DOWN_STABILISATION_S}",
            "      policies: [{type: Pods, value: 1, periodSeconds: 300}]",
            "    scaleUp:",
            "      stabilizationWindowSeconds: 0",
            "      policies: [{type: Pods, value: 1, periodSeconds: 60}]",
        ]
    return "\n".join(lines) + "\n"


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


def prometheus_rules_yaml(s: DeploySettings, engine: str) -> str:
    """Prometheus rule file: latency over SLO, memory near full, queue depth (plus DCGM memory)."""
    quantile = QUANTILE.get(s.slo_percentile, 0.95)
    names = METRICS.get(engine)
    sel = f'{{model_name="{s.served_name}"}}'
    group = f"kickoff-{s.name}"
    lines = _header(s, "Prometheus alert rules from the agreed SLOs and the sized utilisation.")
    if names is None:
        lines += _comment_block(
            [
                f"{engine}: Kickoff has no checked metric names for this engine; only the DCGM rule is",
                "emitted. Add latency and queue rules with your release's metric names.",
            ]
        )
    lines += ["groups:", f"  - name: {group}", "    rules:"]

    def rule(
        alert: str, expr: str, for_: str, severity: str, summary: str, description: str
    ) -> None:
        lines.extend(
            [
                f"      - alert: {alert}",
                "        expr: |",
                f"          {expr}",
                f"        for: {for_}",
                "        labels:",
                f"          severity: {severity}",
                f"          model: {_yaml_str(s.served_name)}",
                "        annotations:",
                f"          summary: {_yaml_str(summary)}",
                f"          description: {_yaml_str(description)}",
            ]
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
            f"max({names['waiting']}{sel}) > {q}",
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
        rule(
            "KickoffGPUMemoryNearFull",
            f"max by (Hostname, gpu) (DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)) > {limit:g}",
            C.ALERT_FOR_SATURATION,
            "warning",
            "GPU memory used beyond the engine's configured share",
            f"The engine preallocates {s.gpu_memory_utilization:.0%} of GPU memory; above {limit:.0%} "
            "something else is using the GPU (dcgm-exporter metrics, MiB).",
        )
    return "\n".join(lines) + "\n"


def readme(s: DeploySettings, engine: str, files: list[str]) -> str:
    """The deployment folder's README: what each file is and where each value came from."""
    low, high, target, hpa_why = hpa_bounds(s)
    q, q_why = queue_threshold(s)
    rows = [
        (
            "tensor parallel",
            s.tensor_parallel,
            "spec.tensor_parallel (smallest TP that fits in memory)",
        ),
        ("pipeline parallel", s.pipeline_parallel, "spec.pipeline_parallel"),
        ("replicas per deployment", s.replicas, f"spec.replicas / {s.deployments} deployment(s)"),
        ("max sequences", s.max_num_seqs, "spec.concurrency_per_replica"),
        ("max model length", s.max_model_len, "see notes"),
        ("GPU memory utilisation", f"{s.gpu_memory_utilization:g}", "inputs or sizing default"),
        ("KV cache dtype", s.kv_precision, "spec.kv_precision"),
        ("prefix caching", "on" if s.prefix_caching else "off", "inputs.prefix_caching"),
        (
            "speculative decoding",
            "n-gram" if s.speculative else "off",
            "inputs.speculative_decoding",
        ),
        (
            "LoRA adapters",
            s.max_loras if s.lora else "off",
            "inputs.lora_adapters / finetuned_variants",
        ),
        ("HPA min / max / target", f"{low} / {high} / {target}", hpa_why),
        ("queue alert", q, q_why),
    ]
    out = [
        f"# Deployment files for {s.model_id} on {s.gpu}",
        "",
        "Generated by Kickoff from the sized spec. A starting point for the AI team: load-test it,",
        "then pin image tags and options you have verified.",
        "",
        f"Kubernetes manifests use **{engine}**; launch scripts for all three engines are included.",
        "",
        "| file | what |",
        "|---|---|",
    ]
    what = {
        "vllm-serve.sh": "start one replica with vLLM (options checked against vLLM 0.33.0)",
        "sglang-launch.sh": "start one replica with SGLang (options checked against SGLang 0.5.23)",
        "trtllm-serve.sh": "start one replica with TensorRT-LLM's trtllm-serve (options from its docs, not machine-checked)",
        "extra-llm-api-options.yaml": "TensorRT-LLM options file used by trtllm-serve.sh",
        "kubernetes.yaml": "Deployment + Service with GPU requests and node selector",
        "hpa.yaml": "HorizontalPodAutoscaler sketch (needs prometheus-adapter)",
        "prometheus-rules.yaml": "alert rules: TTFT/TPOT over SLO, KV cache and GPU memory near full, queue depth",
    }
    out += [f"| `{f}` | {what.get(f, '')} |" for f in files if f != "README.md"]
    out += [
        "",
        "## Values and where they come from",
        "",
        "| setting | value | from |",
        "|---|---|---|",
    ]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    out += ["", "## Notes", ""] + [f"- {n}" for n in s.notes] + [""]
    return "\n".join(out)


def deployment_files(
    spec: SizedSpec, inputs: SizingInputs, engine: str | None = None, name: str | None = None
) -> dict[str, str]:
    """File name -> content for the deployment folder (pure; nothing written)."""
    s = deploy_settings(spec, inputs, name)
    chosen = engine or engine_for(inputs)
    files = {
        "vllm-serve.sh": launch_script("vllm", s),
        "sglang-launch.sh": launch_script("sglang", s),
        "trtllm-serve.sh": launch_script("trtllm", s),
        "extra-llm-api-options.yaml": trtllm_options_yaml(s),
        "kubernetes.yaml": kubernetes_yaml(s, chosen),
        "hpa.yaml": hpa_yaml(s, chosen),
        "prometheus-rules.yaml": prometheus_rules_yaml(s, chosen),
    }
    files["README.md"] = readme(s, chosen, ["README.md", *files])
    return files


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
        from kickoff_tui.record.text import visible

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
    import os

    from kickoff_tui.record.io import atomic_write_text

    if engine is not None and engine not in ENGINES:
        raise KickoffError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    files = deployment_files(spec, inputs, engine, name)
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise KickoffError(f"cannot write deployment files to {folder}: not a folder")
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
