"""Serving-engine profiles (``data/engines.toml``): what the engine changes in the physics.

An engine profile holds per-engine kernel-efficiency multipliers (or the name of the measured
kernel curves to use), per-step and per-request fixed costs, prefill scheduling (chunked-prefill
token budget, sequence cap), KV memory semantics and its all-reduce features. Every value has a
dated public source in ``sources``. Loaded once and cached; the hot path reads plain attributes.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ENGINE_IDS: tuple[str, ...] = ("vllm", "sglang", "tensorrt-llm", "vllm-rocm", "sglang-rocm", "atom", "generic")

DEFAULT_ENGINE_BY_VENDOR: dict[str, str] = {"nvidia": "vllm", "amd": "vllm-rocm"}
"""Engine assumed when nobody answered: vLLM, the most deployed open engine, in the build for the
GPU's vendor (CUDA on NVIDIA, ROCm on AMD); ``generic`` for every other vendor (Intel Gaudi,
Google TPU, AWS Trainium run vendor forks with no published engine profile)."""

VENDOR_BUILDS: dict[tuple[str, str], str] = {
    ("vllm", "amd"): "vllm-rocm",
    ("sglang", "amd"): "sglang-rocm",
    ("vllm-rocm", "nvidia"): "vllm",
    ("sglang-rocm", "nvidia"): "sglang",
}
"""The same engine on the other vendor's GPUs is its other build."""

VENDOR_BUILD_SUFFIX = "-rocm"
"""Engine ids that name a vendor build rather than the engine (the others are the CUDA builds,
named as the engine itself)."""

ALIASES: dict[str, str] = {
    "trtllm": "tensorrt-llm", "tensorrt_llm": "tensorrt-llm", "tensorrt": "tensorrt-llm",
    "trt-llm": "tensorrt-llm", "nim": "tensorrt-llm", "vllm_rocm": "vllm-rocm",
    "sglang_rocm": "sglang-rocm", "tgi": "generic", "other": "generic", "": "generic",
}

NUMERIC_FIELDS: tuple[str, ...] = (
    "memory_fraction", "max_num_batched_tokens", "max_num_seqs", "step_overhead_s",
    "request_overhead_s", "moe_prefill_layer_s", "first_token_steps", "dp_balance_timeout_steps", "gemm_efficiency", "bandwidth_efficiency", "attention_efficiency",
    "moe_gemm_efficiency",
)


class EngineProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    vendor: Literal["nvidia", "amd", "any"]
    kernel_curves: str = ""
    """Engine id whose measured kernel curves apply (empty: none measured, use multipliers)."""
    kv_memory: Literal["total", "static", "free"]
    memory_fraction: float = Field(gt=0.1, le=0.99)
    max_num_batched_tokens: int = Field(ge=256)
    max_num_seqs: int = Field(ge=1)
    step_overhead_s: float = Field(ge=0, le=0.1)
    request_overhead_s: float = Field(ge=0, le=5)
    moe_prefill_layer_s: float = Field(default=0.0, ge=0, le=0.02)
    """Fixed cost per MoE layer of a forward that carries prompt tokens (eager, host-synchronised
    MoE dispatch outside CUDA graphs); see docs/model.md."""
    first_token_steps: float = Field(default=0.0, ge=0, le=100)
    """Decode steps between the end of a prompt's prefill and its first token reaching the client
    (0: the prefill's token is streamed at once); see docs/model.md."""
    dp_balance_timeout_steps: int = Field(default=0, ge=0, le=1000)
    """Under DP attention, steps a prompt may be held so every rank gets one (0: no balancing)."""
    gemm_efficiency: float = Field(gt=0, le=1.5)
    bandwidth_efficiency: float = Field(gt=0, le=1.5)
    attention_efficiency: float = Field(gt=0, le=1.5)
    moe_gemm_efficiency: float = Field(gt=0, le=1.5)
    custom_allreduce: bool
    nvls: bool
    expert_parallel_default: bool = False
    dp_attention_default: bool = False
    sources: dict[str, str]

    @model_validator(mode="after")
    def _every_value_sourced(self) -> "EngineProfile":
        missing = [f for f in (*NUMERIC_FIELDS, "custom_allreduce", "nvls") if not self.sources.get(f)]
        if missing:
            raise ValueError(f"engine {self.id}: no source for {', '.join(missing)}")
        return self

    def runs_on(self, vendor: str) -> bool:
        return self.vendor == "any" or self.vendor == vendor.lower()


class EngineCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    engine: list[EngineProfile]


@lru_cache(maxsize=1)
def _catalog() -> EngineCatalog:
    text = resources.files("kickoff_tui.catalog").joinpath("data", "engines.toml").read_text("utf-8")
    return EngineCatalog.model_validate(tomllib.loads(text))


@lru_cache(maxsize=1)
def _index() -> dict[str, EngineProfile]:
    return {e.id: e for e in _catalog().engine}


def engines() -> list[EngineProfile]:
    return list(_catalog().engine)


def engines_version() -> str:
    return _catalog().version


def normalise_engine(name: str | None) -> str | None:
    """A user's engine answer as an engine id (None stays None: the default applies)."""
    if name is None:
        return None
    text = name.strip().lower().replace(" ", "-")
    if text in _index():
        return text
    return ALIASES.get(text, "generic")


def is_known_engine(name: str) -> bool:
    """Whether ``name`` is an engine id or one of its :data:`ALIASES` (a typo is not: it would
    otherwise be sized, silently, with the generic profile)."""
    text = name.strip().lower().replace(" ", "-")
    return text in _index() or text in ALIASES


def engine_choices_words() -> str:
    """The engine answers a sizing file may give, for an error message."""
    return ", ".join(_index()) + " (tgi or other: the generic profile)"


def get_engine(engine_id: str) -> EngineProfile:
    from kickoff_tui.catalog import CatalogError

    index = _index()
    if engine_id in index:
        return index[engine_id]
    raise CatalogError(f"unknown engine {engine_id!r}; known: {', '.join(index)}")


def vendor_key(vendor: str) -> str:
    return vendor.strip().lower()


@lru_cache(maxsize=256)
def engine_for(name: str | None, vendor: str) -> tuple[EngineProfile, str]:
    """(profile, note) for an engine answer on a GPU vendor. ``note`` is empty when the answer
    was used as given, else says what was assumed or substituted."""
    key = vendor_key(vendor)
    wanted = normalise_engine(name)
    if wanted is None:
        default = DEFAULT_ENGINE_BY_VENDOR.get(key, "generic")
        return get_engine(default), f"no engine named: {default} assumed on {vendor}"
    build = VENDOR_BUILDS.get((wanted, key), wanted)
    profile = get_engine(build)
    if build != wanted and wanted.endswith(VENDOR_BUILD_SUFFIX):
        # "sglang-rocm" named for an NVIDIA part: the same engine in that vendor's build ("sglang"
        # on AMD is the engine's name, its ROCm build is meant, nothing to say).
        return profile, f"{wanted} is the AMD build: {profile.name} used on {vendor}"
    return profile, ""


PLUGIN_VENDORS: frozenset[str] = frozenset({"intel", "google", "aws"})
"""Vendors whose parts run vLLM only through a vendor plugin (Gaudi, TPU, Neuron; vLLM docs,
Hardware plugins, 2025-10), of which no engine profile is measured here."""


def not_run_reason(engine: EngineProfile, vendor: str) -> str:
    """Why ``engine`` sizes nothing on ``vendor``'s parts, in words a user can act on."""
    key = vendor_key(vendor)
    if engine.id in ("vllm", "vllm-rocm") and key in PLUGIN_VENDORS:
        return (f"vLLM reaches {vendor} parts through the vendor's plugin, not profiled; "
                f"the generic profile sizes it ('Something else', or --engine generic)")
    return f"{engine.name} does not run on {vendor} {'GPUs' if key in ('nvidia', 'amd') else 'accelerators'}"


def clear_cache() -> None:
    _catalog.cache_clear()
    _index.cache_clear()
    engine_for.cache_clear()
