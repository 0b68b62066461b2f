"""Deployment export: engine options checked against the engines' own option lists, Kubernetes,
alert rules and the autoscaler sketch."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_planning_helpers import make_spec

from kickoff_tui.errors import KickoffError
from kickoff_tui.planning import deployment_files, write_deployment
from kickoff_tui.planning.deploy import (
    deploy_settings,
    hpa_bounds,
    queue_threshold,
    repo_id,
    sglang_args,
    trtllm_args,
    trtllm_options,
    vllm_args,
)
from kickoff_tui.sizing import SizingInputs, size

DATA = Path(__file__).parent / "data"

VLLM_KV_CACHE_DTYPES = {
    "auto",
    "float16",
    "bfloat16",
    "fp8",
    "fp8_e4m3",
    "fp8_e5m2",
    "fp8_inc",
    "fp8_ds_mla",
    "nvfp4_ds_mla",
}
"""``CacheDType`` in vllm/config/cache.py (vLLM 0.33.0), the values Kickoff may emit among them."""
VLLM_DTYPES = {"auto", "half", "float16", "bfloat16", "float", "float32"}
"""``ModelDType`` in vllm/config/model.py (vLLM 0.33.0)."""
VLLM_ONLINE_QUANT = {"fp8"}
"""Subset of ``QuantizationMethods`` (vllm/model_executor/layers/quantization) Kickoff emits."""
VLLM_SPEC_METHODS = {"ngram", "draft_model", "suffix", "eagle", "eagle3", "mtp"}
"""Some of ``SpeculativeMethod`` in vllm/config/speculative.py (vLLM 0.33.0)."""
SGLANG_KV_CACHE_DTYPES = {
    "auto",
    "fp8_e5m2",
    "fp8_e4m3",
    "mxfp8",
    "bf16",
    "bfloat16",
    "nvfp4",
    "fp4_mx_block16",
}
"""``kv_cache_dtype`` choices in sglang/srt/arg_groups/fields/model.py (SGLang 0.5.23)."""


def documented(name: str) -> set[str]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


VLLM_ARGS = documented("vllm_cli_args.txt")
SGLANG_ARGS = documented("sglang_cli_args.txt")


def flags(args: list[str]) -> set[str]:
    return {a.split("=", 1)[0] for a in args if a.startswith("--")}


def values(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def test_documented_lists_are_real_lists():
    """The shipped lists hold the engines' well-known options and not made-up ones."""
    for known in (
        "--tensor-parallel-size",
        "--max-num-seqs",
        "--max-model-len",
        "--gpu-memory-utilization",
        "--kv-cache-dtype",
        "--enable-prefix-caching",
        "--speculative-config",
        "--port",
        "--served-model-name",
    ):
        assert known in VLLM_ARGS
    for known in (
        "--tp-size",
        "--context-length",
        "--mem-fraction-static",
        "--max-running-requests",
    ):
        assert known in SGLANG_ARGS
    assert len(VLLM_ARGS) > 200 and len(SGLANG_ARGS) > 300
    assert "--max-num-sequences" not in VLLM_ARGS and "--tp" not in SGLANG_ARGS


def test_flag_check_catches_an_unknown_flag():
    bogus = ["model", "--tensor-parallel-size", "2", "--max-num-sequence", "8"]
    assert flags(bogus) - VLLM_ARGS == {"--max-num-sequence"}


def _case(**inputs_kw):
    spec_kw = inputs_kw.pop("spec", {})
    return make_spec(**spec_kw), SizingInputs(**inputs_kw)


@settings(max_examples=60, deadline=None)
@given(
    precision=st.sampled_from(["bf16", "fp16", "fp8", "int4", "fp4"]),
    kv=st.sampled_from(["bf16", "fp8", "int8"]),
    prefix=st.sampled_from([None, True, False]),
    speculative=st.booleans(),
    variants=st.integers(1, 6),
    lora=st.booleans(),
    pp=st.sampled_from([1, 2]),
    max_ctx=st.one_of(st.none(), st.integers(2_000, 400_000)),
)
def test_every_emitted_flag_is_documented(
    precision, kv, prefix, speculative, variants, lora, pp, max_ctx
):
    spec = make_spec(
        precision=precision, kv_precision=kv, pipeline_parallel=pp, gpus_per_replica=2 * pp
    )
    inputs = SizingInputs(
        prefix_caching=prefix,
        speculative_decoding=speculative,
        finetuned_variants=variants,
        lora_adapters=lora,
        max_context_tokens=max_ctx,
    )
    s = deploy_settings(spec, inputs)
    v = vllm_args(s)
    assert flags(v) <= VLLM_ARGS, flags(v) - VLLM_ARGS
    assert values(v, "--kv-cache-dtype") in VLLM_KV_CACHE_DTYPES
    assert values(v, "--dtype") in VLLM_DTYPES
    if "--quantization" in v:
        assert values(v, "--quantization") in VLLM_ONLINE_QUANT
    if "--speculative-config" in v:
        assert json.loads(values(v, "--speculative-config"))["method"] in VLLM_SPEC_METHODS
    g = sglang_args(s)
    assert flags(g) <= SGLANG_ARGS, flags(g) - SGLANG_ARGS
    assert values(g, "--kv-cache-dtype") in SGLANG_KV_CACHE_DTYPES
    assert int(values(v, "--max-model-len")) <= spec.kv_cache_tokens_per_replica


def test_values_come_from_the_spec():
    spec, inputs = _case(max_context_tokens=32_768, spec={"concurrency_per_replica": 37})
    v = vllm_args(deploy_settings(spec, inputs))
    assert v[0] == "nvidia/Llama-3.1-70B-Instruct-FP8"  # the FP8 checkpoint the spec assumed
    assert values(v, "--tensor-parallel-size") == "2"
    assert values(v, "--max-num-seqs") == "37"
    assert values(v, "--max-model-len") == "32768"
    assert values(v, "--gpu-memory-utilization") == "0.9"
    assert values(v, "--kv-cache-dtype") == "fp8"
    assert "--quantization" not in v  # the checkpoint carries its quantisation
    assert "--enable-prefix-caching" in v and "--pipeline-parallel-size" not in v


def test_fp8_without_a_known_checkpoint_quantises_online_and_trtllm_refuses():
    spec = make_spec(model="llama-3.1-405b")  # catalog FP8 checkpoint exists: no online quant
    assert "--quantization" not in vllm_args(deploy_settings(spec, SizingInputs()))
    spec = make_spec(model="qwen2.5-72b")  # no FP8 checkpoint in the catalog
    s = deploy_settings(spec, SizingInputs())
    assert values(vllm_args(s), "--quantization") == "fp8"
    files = deployment_files(spec, SizingInputs())
    assert "exit 1" in files["trtllm-serve.sh"] and "--checkpoint" in files["trtllm-serve.sh"]
    with pytest.raises(KickoffError, match="pre-quantised FP8 checkpoint"):
        deployment_files(spec, SizingInputs(), engine="trtllm")
    given = deployment_files(spec, SizingInputs(), engine="trtllm", checkpoint="me/Qwen-FP8")
    assert "me/Qwen-FP8" in given["kubernetes.yaml"]


def test_int4_without_a_checkpoint_is_refused_clearly():
    spec = make_spec(precision="int4")
    with pytest.raises(KickoffError, match="no published int4 checkpoint"):
        deployment_files(spec, SizingInputs())
    files = deployment_files(spec, SizingInputs(), checkpoint="me/llama-70b-awq")
    assert "me/llama-70b-awq" in files["vllm-serve.sh"]


def test_max_model_len_is_the_real_context_capped_by_kv_and_model():
    spec, inputs = _case(max_context_tokens=1_000_000, spec={"kv_cache_tokens_per_replica": 50_000})
    s = deploy_settings(spec, inputs)
    assert s.max_model_len == 50_000
    assert any("KV capacity" in n for n in s.notes)
    s = deploy_settings(make_spec(kv_cache_tokens_per_replica=10**7), SizingInputs())
    assert s.max_model_len == 131_072 and any("no max context" in n for n in s.notes)


def test_switches_map_to_engine_options():
    spec, inputs = _case(
        prefix_caching=False,
        speculative_decoding=True,
        finetuned_variants=3,
        lora_adapters=True,
        spec={"precision": "bf16", "kv_precision": "bf16"},
    )
    s = deploy_settings(spec, inputs)
    v, g = vllm_args(s), sglang_args(s)
    assert "--no-enable-prefix-caching" in v and "--disable-radix-cache" in g
    assert json.loads(values(v, "--speculative-config")) == {
        "method": "ngram",
        "num_speculative_tokens": 5,
        "prompt_lookup_max": 4,
    }
    assert values(v, "--max-loras") == "3" and values(g, "--max-loras-per-batch") == "3"
    assert values(v, "--max-lora-rank") == "64" and values(g, "--max-lora-rank") == "64"
    lora = v[v.index("--lora-modules") + 1 :]
    assert lora[:3] == ["variant-1=/adapters/variant-1", "variant-2=/adapters/variant-2",
                        "variant-3=/adapters/variant-3"]
    assert "--lora-paths" in g
    assert values(v, "--dtype") == "bfloat16" and "--quantization" not in v
    assert values(v, "--kv-cache-dtype") == "auto"
    t = trtllm_args(s)
    assert values(t, "--tp_size") == "2" and values(t, "--max_batch_size") == "10"


def test_checkpoint_precision_needs_no_flag():
    s = deploy_settings(make_spec(model="deepseek-v3", precision="fp8"), SizingInputs())
    assert "--quantization" not in vllm_args(s)
    assert any("checkpoint's own precision" in n for n in s.notes)


def test_repo_ids_from_catalog_text():
    assert repo_id("meta-llama/Llama-3.1-70B(-Instruct)") == "meta-llama/Llama-3.1-70B-Instruct"
    assert repo_id("mistralai/Mistral-7B-v0.3 (and -Instruct-v0.3)") == "mistralai/Mistral-7B-v0.3"
    assert repo_id("A/b, A/c") == "A/b"
    assert repo_id("not a repo") is None


def test_queue_threshold_by_hand():
    """37 in flight, TTFT target 1,000 ms, predicted TTFT 302 ms, 400 tokens x 38.1 ms:
    duration = 302 + 15,240 = 15,542 ms; q = floor(37 x 1,000 / 15,542) = floor(2.38) = 2."""
    spec = make_spec(concurrency_per_replica=37, ttft_ms=302.0, tpot_ms=38.1, avg_output_tokens=400)
    q, why = queue_threshold(deploy_settings(spec, SizingInputs()))
    assert q == 2 and "15,542 ms" in why


def test_hpa_bounds_by_hand():
    """load 6, redundancy 1, burst 2: min = ceil(6 / 2) + 1 = 4; max = 8; target = floor(10 x 0.8) = 8."""
    low, high, target, _ = hpa_bounds(deploy_settings(make_spec(), SizingInputs(burst_factor=2.0)))
    assert (low, high, target) == (4, 8, 8)


def _docs(text):
    yaml = pytest.importorskip("yaml")
    return [d for d in yaml.safe_load_all(text) if d]


def test_kubernetes_manifest():
    files = deployment_files(make_spec(), SizingInputs())
    docs = _docs(files["kubernetes.yaml"])
    assert [d["kind"] for d in docs] == ["Deployment", "Service", "PodDisruptionBudget"]
    dep = docs[0]
    assert "replicas" not in dep["spec"]  # the HPA owns the count: a re-apply must not reset it
    pod = dep["spec"]["template"]["spec"]
    server = pod["containers"][0]
    assert server["resources"]["limits"] == {"nvidia.com/gpu": 2}
    assert server["resources"]["requests"]["cpu"] == "8"
    assert server["resources"]["requests"]["memory"].endswith("Gi")
    assert pod["nodeSelector"] == {"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert pod["topologySpreadConstraints"][0]["topologyKey"] == "kubernetes.io/hostname"
    assert server["image"] == "vllm/vllm-openai:v0.33.0"
    assert "--max-num-seqs" in server["args"]
    sleep = int(server["lifecycle"]["preStop"]["exec"]["command"][-1].split()[-1])
    assert pod["terminationGracePeriodSeconds"] > sleep >= 30
    assert {"readinessProbe", "livenessProbe", "startupProbe"} <= set(server)
    assert docs[2]["spec"]["maxUnavailable"] == 1  # N+1 agreed
    assert "\t" not in files["kubernetes.yaml"]


def test_owned_fleet_runs_every_replica_without_an_autoscaler():
    files = deployment_files(make_spec(price_basis="purchase"), SizingInputs())
    assert _docs(files["kubernetes.yaml"])[0]["spec"]["replicas"] == 8
    assert "hpa.yaml" not in files


@pytest.mark.parametrize("name", ["yes", "no", "on", "null", "true"])
def test_yaml_keywords_as_names_stay_strings(name):
    docs = _docs(deployment_files(make_spec(), SizingInputs(), name=name)["kubernetes.yaml"])
    assert docs[0]["metadata"]["name"] == name and isinstance(docs[0]["metadata"]["name"], str)


@pytest.mark.parametrize("name", ["123", "8b-ft", "Llama", "a_b", "-x", "x-", "a" * 41, ""])
def test_invalid_names_are_refused_clearly(name):
    with pytest.raises(KickoffError, match="not a valid Kubernetes name|at most 40"):
        deployment_files(make_spec(), SizingInputs(), name=name)


def test_derived_names_are_made_valid():
    from kickoff_tui.planning.deploy import DNS1035_LABEL, derived_name

    assert derived_name("8b-ft-h100-sxm") == "llm-8b-ft-h100-sxm"
    assert derived_name("Qwen3.5_32B-h200") == "qwen3-5-32b-h200"
    assert DNS1035_LABEL.match(derived_name("9" * 80)) and len(derived_name("9" * 80)) <= 40


def test_variants_without_lora_get_one_deployment_each():
    spec = make_spec(deployments=3, replicas=6, total_gpus=12)
    files = deployment_files(spec, SizingInputs(finetuned_variants=3, lora_adapters=False))
    kinds = [d["kind"] for d in _docs(files["kubernetes.yaml"])]
    assert kinds.count("Deployment") == 3 and "variant-3" in files["kubernetes.yaml"]
    hpas = _docs(files["hpa.yaml"])
    assert len(hpas) == 3 and {h["spec"]["maxReplicas"] for h in hpas} == {2}


def test_replica_spanning_nodes_becomes_a_leaderworkerset():
    spec = make_spec(tensor_parallel=8, pipeline_parallel=2, gpus_per_replica=16)
    files = deployment_files(spec, SizingInputs())
    assert "kubernetes.yaml" not in files and "target lws chosen" in files["README.md"]
    lws = _docs(files["leaderworkerset.yaml"])[0]
    group = lws["spec"]["leaderWorkerTemplate"]
    assert group["size"] == 2
    leader = group["leaderTemplate"]["spec"]["containers"][0]
    worker = group["workerTemplate"]["spec"]["containers"][0]
    assert leader["resources"]["limits"] == {"nvidia.com/gpu": 8}
    assert "--pipeline-parallel-size 2" in leader["args"][0] and "ray" in leader["args"][0]
    assert "LWS_LEADER_ADDRESS" in worker["args"][0] and "ports" not in worker
    assert "--pipeline-parallel-size" in files["vllm-serve.sh"]
    with pytest.raises(KickoffError, match="use --target lws"):
        deployment_files(spec, SizingInputs(), target="k8s")
    sg = _docs(deployment_files(spec, SizingInputs(), engine="sglang")["leaderworkerset.yaml"])[0]
    args = sg["spec"]["leaderWorkerTemplate"]["workerTemplate"]["spec"]["containers"][0]["args"]
    assert values(args, "--nnodes") == "2" and values(args, "--node-rank") == "$(LWS_WORKER_INDEX)"
    assert values(args, "--dist-init-addr") == "$(LWS_LEADER_ADDRESS):20000"
    assert flags(args) <= SGLANG_ARGS
    assert "mpirun" in files["trtllm-serve.sh"] and "trtllm-llmapi-launch" in files["trtllm-serve.sh"]


def test_alert_rules_follow_the_slo():
    spec = make_spec(ttft_target_ms=800, tpot_target_ms=40, slo_percentile="p99")
    rules = deployment_files(spec, SizingInputs())["prometheus-rules.yaml"]
    exprs = {r["alert"]: r["expr"] for r in _docs(rules)[0]["groups"][0]["rules"]}
    assert exprs["KickoffTTFTOverSLO"].startswith("histogram_quantile(0.99")
    assert "vllm:time_to_first_token_seconds_bucket" in exprs["KickoffTTFTOverSLO"]
    assert exprs["KickoffTTFTOverSLO"].endswith(") > 0.8")
    assert exprs["KickoffTPOTOverSLO"].endswith(") > 0.04")
    assert "vllm:num_requests_waiting" in rules and "vllm:kv_cache_usage_perc" in rules
    assert exprs["KickoffGPUMemoryNearFull"].endswith("> 0.95")
    for expr in exprs.values():  # every alert is scoped to this deployment's pods
        assert 'pod=~"llama-3-1-70b-h100-sxm-.*"' in expr
    assert 'model_name="llama-3.1-70b"' in rules


def test_engine_choice_changes_manifests_and_metrics():
    spec = make_spec()
    sg = deployment_files(spec, SizingInputs(serving_engine="SGLang"))
    assert (
        "sglang.launch_server" in sg["kubernetes.yaml"]
        and "sglang:num_queue_reqs" in sg["prometheus-rules.yaml"]
    )
    trt = deployment_files(spec, SizingInputs(), engine="trtllm")
    assert "kind: ConfigMap" in trt["kubernetes.yaml"] and "trtllm-serve" in trt["kubernetes.yaml"]
    assert "vllm:" not in trt["prometheus-rules.yaml"] and "DCGM" in trt["prometheus-rules.yaml"]
    pod = _docs(trt["kubernetes.yaml"])[0]["spec"]["template"]
    assert pod["metadata"]["annotations"]["prometheus.io/path"] == "/prometheus/metrics"
    assert pod["spec"]["containers"][0]["image"].startswith("nvcr.io/nvidia/tensorrt-llm/release:")
    monitors = [d for d in _docs(trt["monitoring.yaml"]) if d["kind"] == "ServiceMonitor"]
    assert monitors[0]["spec"]["endpoints"][0]["path"] == "/prometheus/metrics"


@pytest.mark.parametrize(
    ("gpu", "image", "resource", "label"),
    [
        ("mi300x", "rocm/vllm:", "amd.com/gpu", "amd.com/gpu.device-id"),
        ("gaudi3", "vllm-gaudi:", "habana.ai/gaudi", "kickoff.dev/accelerator"),
        ("tpu-v5p", "vllm/vllm-tpu:", "google.com/tpu", "cloud.google.com/gke-tpu-accelerator"),
    ],
)
def test_vendor_images_resources_and_labels(gpu, image, resource, label):
    files = deployment_files(make_spec(gpu=gpu, gpus_per_node=4 if "tpu" in gpu else 8), SizingInputs())
    pod = _docs(files["kubernetes.yaml"])[0]["spec"]["template"]["spec"]
    server = pod["containers"][0]
    assert image in server["image"] and "cuda" not in server["image"]
    assert server["resources"]["limits"] == {resource: 2}
    assert label in pod["nodeSelector"] and pod["tolerations"][0]["key"] == resource
    assert "DCGM" not in files["prometheus-rules.yaml"]
    assert "exit 1" in files["trtllm-serve.sh"]  # TensorRT-LLM is NVIDIA only
    with pytest.raises(KickoffError, match="NVIDIA GPUs only"):
        deployment_files(make_spec(gpu=gpu), SizingInputs(), engine="trtllm")


def test_images_are_pinned():
    from kickoff_tui.planning.deploy import IMAGES

    for image in IMAGES.values():
        assert not image.endswith(":latest") and ":" in image.rsplit("/", 1)[-1]


def test_write_deployment(tmp_path):
    paths = write_deployment(make_spec(), SizingInputs(), tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            "README.md",
            "vllm-serve.sh",
            "sglang-launch.sh",
            "trtllm-serve.sh",
            "extra-llm-api-options.yaml",
            "kubernetes.yaml",
            "hpa.yaml",
            "monitoring.yaml",
            "prometheus-rules.yaml",
        ]
    )
    script = tmp_path / "out" / "vllm-serve.sh"
    assert script.stat().st_mode & 0o111
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env sh") and "exec vllm serve" in text
    emitted = set(re.findall(r"(--[a-z0-9-]+)", text.split("exec", 1)[1]))
    assert emitted <= VLLM_ARGS
    readme = (tmp_path / "out" / "README.md").read_text()
    assert "spec.concurrency_per_replica" in readme and "`kubernetes.yaml`" in readme
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_write_deployment_refuses_bad_input(tmp_path):
    with pytest.raises(KickoffError, match="not feasible"):
        write_deployment(
            make_spec(feasible=False, infeasible_reason="too big", gpus_per_replica=0),
            SizingInputs(),
            tmp_path,
        )
    with pytest.raises(KickoffError, match="unknown engine"):
        write_deployment(make_spec(), SizingInputs(), tmp_path, engine="tgi")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(KickoffError, match="cannot write"):
        write_deployment(make_spec(), SizingInputs(), blocker / "sub")


def test_manifests_parse_as_yaml():
    import yaml

    files = deployment_files(make_spec(), SizingInputs(), engine="trtllm")
    docs = [d for d in yaml.safe_load_all(files["kubernetes.yaml"]) if d]
    assert [d["kind"] for d in docs] == ["Deployment", "Service", "PodDisruptionBudget", "ConfigMap"]
    assert yaml.safe_load(files["extra-llm-api-options.yaml"])["kv_cache_config"]["dtype"] == "fp8"
    vllm = deployment_files(make_spec(), SizingInputs())
    rules = yaml.safe_load(vllm["prometheus-rules.yaml"])["groups"][0]["rules"]
    assert rules[0]["alert"] == "KickoffTTFTOverSLO" and rules[0]["for"] == "10m"
    hpa = yaml.safe_load(vllm["hpa.yaml"])
    assert hpa["spec"]["maxReplicas"] == 8


def test_real_spec_round_trip(tmp_path):
    from kickoff_tui.sizing import size

    inputs = SizingInputs(
        model="qwen3-32b",
        gpu="h200-sxm",
        peak_concurrency=64,
        speculative_decoding=True,
        max_context_tokens=32_768,
    )
    spec = size(inputs)
    paths = write_deployment(spec, inputs, tmp_path)
    text = (tmp_path / "vllm-serve.sh").read_text()
    assert f"--max-num-seqs {spec.concurrency_per_replica}" in text
    assert f"--tensor-parallel-size {spec.tensor_parallel}" in text
    assert len(paths) == 9


def test_moe_layout_of_the_spec_reaches_every_engine():
    """The sizer's EP / DP-attention layout is what the engines are launched with (a spec sized
    for DP attention holds 8x the KV of plain TP; launched without it, it would not)."""
    spec = size(SizingInputs(model="deepseek-r1", gpu="h200-sxm", serving_engine="sglang", peak_concurrency=512,
                             avg_input_tokens=1024, avg_output_tokens=8192, tpot_target_ms=300,
                             ttft_target_ms=60000, redundancy="none"))
    assert (spec.tensor_parallel, spec.expert_parallel, spec.dp_attention) == (8, 8, True)
    assert spec.layout == "TP8, EP8, DP attention"
    assert next(o for o in spec.comparison if o.gpu == "h200-sxm").layout == spec.layout
    # Each attention rank holds its own sequences: the replica's KV room is 8 ranks' worth.
    assert spec.kv_cache_tokens_per_replica >= spec.concurrency_per_replica * spec.sized_context_tokens
    s = deploy_settings(spec, SizingInputs())
    g = sglang_args(s)
    assert flags(g) <= SGLANG_ARGS
    assert (values(g, "--tp-size"), values(g, "--ep-size"), values(g, "--dp-size")) == ("8", "8", "8")
    assert "--enable-dp-attention" in g
    v = vllm_args(s)
    assert flags(v) <= VLLM_ARGS
    assert (values(v, "--tensor-parallel-size"), values(v, "--data-parallel-size")) == ("1", "8")
    assert "--enable-expert-parallel" in v
    # vLLM runs one scheduler per DP rank: the replica's cap is split over them.
    assert int(values(v, "--max-num-seqs")) == -(-spec.concurrency_per_replica // 8)
    t = trtllm_args(s)
    assert values(t, "--ep_size") == "8" and trtllm_options(s)["enable_attention_dp"] is True


def test_dense_layout_launches_without_moe_flags():
    spec, inputs = _case()
    s = deploy_settings(spec, inputs)
    for args in (vllm_args(s), sglang_args(s), trtllm_args(s)):
        assert not flags(args) & {"--enable-expert-parallel", "--data-parallel-size", "--ep-size",
                                  "--enable-dp-attention", "--dp-size", "--ep_size"}
    assert "enable_attention_dp" not in trtllm_options(s)


def test_dp_attention_across_pods_and_per_rank_limits():
    """A DP-attention replica over several pods puts vLLM's DP ranks on the Ray cluster; one
    sequence must fit one rank's KV cache; the queue alert sums a pod's per-rank series."""
    spec = make_spec(model="deepseek-r1", gpu="gb200", tensor_parallel=16, gpus_per_replica=16,
                     gpus_per_node=4, expert_parallel=16, dp_attention=True,
                     concurrency_per_replica=320, kv_cache_tokens_per_replica=16 * 20_000,
                     sized_context_tokens=60_000)
    s = deploy_settings(spec, SizingInputs())
    assert s.spans_nodes
    v = vllm_args(s)
    assert flags(v) <= VLLM_ARGS
    assert values(v, "--data-parallel-backend") == "ray" and "--distributed-executor-backend" not in v
    assert values(v, "--data-parallel-size") == "16" and values(v, "--max-num-seqs") == "20"
    assert s.max_model_len == 20_000  # one rank's KV, not the replica's 320,000 tokens
    rules = deployment_files(spec, SizingInputs(), engine="vllm")["prometheus-rules.yaml"]
    assert "max(sum by (pod) (vllm:num_requests_waiting" in rules


@pytest.mark.parametrize("value", ["org/model\ntouch /tmp/PWNED #", "org/model\r", "org/\tm",
                                   "org/m\x85x", "org/\u2028m", "org/\u202em", "org/\x00m"])
def test_a_control_character_in_the_checkpoint_is_refused(value):
    """--checkpoint lands in every launch script (and in a comment of each file): a newline
    would start a shell line of its own, even after a '#'."""
    with pytest.raises(KickoffError, match="control character U\\+"):
        deployment_files(make_spec(), SizingInputs(), checkpoint=value)
    with pytest.raises(KickoffError, match="at most 4,096"):
        deployment_files(make_spec(), SizingInputs(), checkpoint="org/" + "m" * 5000)
    files = deployment_files(make_spec(), SizingInputs(), checkpoint="/models/Llama 70B (fp8)")
    assert "exec vllm serve '/models/Llama 70B (fp8)'" in files["vllm-serve.sh"]


def test_a_kubernetes_variable_reference_in_the_checkpoint_is_refused():
    """Kubernetes expands $(VAR) in container args whatever the shell quoting."""
    with pytest.raises(KickoffError, match="Kubernetes expands"):
        deployment_files(make_spec(), SizingInputs(), checkpoint="org/$(HF_TOKEN)")
    assert deployment_files(make_spec(), SizingInputs(), checkpoint="/models/$HOME-ok")


def test_a_newline_in_a_note_cannot_leave_its_comment():
    """Every value quoted in a header comment (notes name models, checkpoints, repos) is shown
    with its control characters escaped: no line of a script, manifest or README is injected."""
    import yaml

    from kickoff_tui.planning.deploy import _yaml_file, k8s_objects, launch_script, readme

    s = deploy_settings(make_spec(), SizingInputs())
    s.notes.append("repo org/m\ntouch /tmp/PWNED #\rkind: Secret\u2028x: 1\x85y")
    texts = [launch_script(engine, s) for engine in ("vllm", "sglang", "trtllm")]
    manifest = _yaml_file(s, "Kubernetes.", k8s_objects(s, "vllm"))
    texts += [manifest, readme(s, "vllm", "k8s", ["README.md"])]
    for text in texts:
        assert not [line for line in text.splitlines() if line.startswith(("touch", "kind: Secret"))]
        assert "\r" not in text and "\u2028" not in text and "\x85" not in text
    assert "# - repo org/m\\ntouch /tmp/PWNED #\\x0dkind: Secret\\u2028x: 1\\x85y" in texts[0]
    assert next(d for d in yaml.safe_load_all(manifest) if d)["kind"] == "Deployment"
    s.model_ref = "org/m\ntouch /tmp/PWNED"  # an argument: inside single quotes, inert
    assert "exec vllm serve 'org/m\ntouch /tmp/PWNED'" in launch_script("vllm", s)
