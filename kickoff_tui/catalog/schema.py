"""Pydantic models for the GPU and model catalogs.

The catalogs are data (``data/gpus.toml`` and ``data/models.toml``); these classes validate them.
Every entry carries a ``source`` so a number can be traced back to where it was published.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Precision = Literal["fp16", "bf16", "fp8", "int8", "fp4", "int4", "w8a16", "w4a16"]
"""Numeric formats a model can be served at (weights) or cache its KV in."""

PRECISIONS: tuple[str, ...] = ("fp16", "bf16", "fp8", "int8", "fp4", "int4", "w8a16", "w4a16")
"""Every precision id, in one list. ``fp8``/``fp4``/``int8`` quantise weights AND activations
(the matmuls run at that precision where the part has the math); ``w8a16``/``w4a16`` are
weight-only formats (GPTQ, AWQ, bitsandbytes): weights stored at 8 or 4 bits, dequantised to
16-bit for every matmul. ``int4`` is kept for older sessions and means the same as ``w4a16``:
mainstream LLM engines do not run 4-bit integer activations."""

WEIGHT_ONLY_PRECISIONS: tuple[str, ...] = ("w8a16", "w4a16", "int4")
"""Formats whose matmuls always run at 16-bit, on every part (AWQ/GPTQ INT4 and INT8 weights)."""

BYTES_PER_VALUE: dict[str, float] = {
    "fp16": 2.0,
    "bf16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "fp4": 0.5,
    "int4": 0.5,
    "w8a16": 1.0,
    "w4a16": 0.5,
}
"""Storage size of one value in each format (by definition of the format)."""

CoolingTier = Literal["air", "rdhx", "dlc"]
"""Air, rear-door heat exchanger, direct liquid cooling."""

UnitKind = Literal["node", "instance", "host", "rack"]
"""How an accelerator is sold or rented: a server, a cloud instance, a TPU host, a whole rack."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PricePoint(_Strict):
    """One dated price for one GPU, as published."""

    basis: Literal["on-demand", "reserved-1y", "reserved-3y", "spot", "capacity-block", "purchase"]
    usd_per_gpu_hour: float | None = Field(default=None, gt=0)
    """Hourly price for one GPU (rental bases)."""
    usd_per_gpu: float | None = Field(default=None, gt=0)
    """Purchase price of one GPU (purchase basis); ``source`` says whether it is the card alone
    or includes its share of the server or rack."""
    provider: str
    date: str
    """When the price was read, ISO date or a short phrase if the source gives no day."""
    source: str
    estimate: bool = False
    """True when the figure is an estimate derived from other prices rather than a list price."""
    includes_platform: bool = False
    """Purchase prices: True when the figure already covers the server (or rack) around the GPU;
    a card-only price gets the platform share added in the buy option."""
    formula: str = ""
    """Estimates only: how Kickoff derived the figure, shown in the spec's explanation."""

    @model_validator(mode="after")
    def _one_figure(self) -> "PricePoint":
        if self.usd_per_gpu_hour is None and self.usd_per_gpu is None:
            raise ValueError("a price needs usd_per_gpu_hour or usd_per_gpu")
        return self


class SaleUnit(_Strict):
    """The whole unit an accelerator is bought or rented in (nobody orders 37 GPUs)."""

    kind: UnitKind
    name: str
    gpus: int = Field(ge=1)
    """Accelerators in one unit (8 for an HGX server, 16 for a trn2.48xlarge, 72 for NVL72)."""
    source: str


class GPU(_Strict):
    """One accelerator SKU with the facts the sizing core needs."""

    id: str
    name: str
    vendor: str
    form_factor: str
    architecture: str
    """Generation name, e.g. Ampere, Hopper, Blackwell, CDNA3."""
    memory_gb: float = Field(gt=0)
    """Usable HBM/GDDR capacity in GB (10^9 bytes)."""
    memory_bandwidth_tbs: float = Field(gt=0)
    """Peak memory bandwidth in TB/s (10^12 bytes/s)."""
    dense_tflops: dict[str, float]
    """DENSE tensor throughput per precision in TFLOPS (no 2:4 sparsity)."""
    native_precisions: list[str]
    """Precisions with native tensor-core math. Others run weight-only (dequantised on the fly)."""
    tdp_w: float = Field(gt=0)
    scale_up_gbs: float = Field(ge=0)
    """Per-GPU scale-up link bandwidth, GB/s, bidirectional total (NVLink, Infinity Fabric...).
    0 when GPUs only talk over PCIe."""
    scale_up_domain: int = Field(ge=1)
    """How many GPUs share one scale-up (NVLink/IF) domain: 8 for HGX, 72 for NVL72, 1-2 for PCIe."""
    pcie_gbs: float = Field(gt=0)
    """Host link bandwidth, GB/s bidirectional; used for TP across GPUs without a scale-up link."""
    gpus_per_node: int = Field(ge=1)
    """GPUs in the standard server (or rack unit for NVL72-style systems, counted per compute tray)."""
    node_name: str
    node_power_kw: float = Field(gt=0)
    """Maximum input power of one such node, kW."""
    node_power_source: str
    min_cooling: CoolingTier
    """Cheapest cooling the vendor's reference system ships with."""
    prices: list[PricePoint] = Field(default_factory=list)
    measured_bandwidth_tbs: float | None = Field(default=None, gt=0)
    """Bandwidth a STREAM-class benchmark reached on this part (TB/s), when published."""
    measured_gemm_tflops: float | None = Field(default=None, gt=0)
    """Largest dense GEMM throughput measured on this part (TFLOPS), when published."""
    measured_gemm_precision: str | None = None
    """Precision of ``measured_gemm_tflops`` (its peak is ``dense_tflops[precision]``)."""
    measured_source: str = ""
    source: str
    notes: str = ""
    buy_unit: SaleUnit | None = None
    """How the part is bought (None: the standard node of ``gpus_per_node``)."""
    rent_unit: SaleUnit | None = None
    """How the part is rented (None: the same as ``buy_unit``)."""
    typical_gpu_power_w: float | None = Field(default=None, gt=0)
    """Average power one accelerator draws while serving, measured, when published."""
    typical_power_source: str = ""
    cooling_variants: list[CoolingTier] = Field(default_factory=list)
    """Cooling tiers the part's systems ship with (empty: only ``min_cooling`` and above)."""
    cooling_source: str = ""

    @field_validator("dense_tflops")
    @classmethod
    def _known_precisions(cls, value: dict[str, float]) -> dict[str, float]:
        for key, tflops in value.items():
            if key not in PRECISIONS:
                raise ValueError(f"unknown precision {key!r}; expected one of {', '.join(PRECISIONS)}")
            if tflops <= 0:
                raise ValueError(f"dense_tflops[{key}] must be > 0")
        return value

    @field_validator("native_precisions")
    @classmethod
    def _known_native(cls, value: list[str]) -> list[str]:
        for key in value:
            if key not in PRECISIONS:
                raise ValueError(f"unknown precision {key!r}")
        return value

    @property
    def memory_bytes(self) -> float:
        return self.memory_gb * 1e9

    @property
    def bought_in(self) -> SaleUnit:
        """The purchase unit, the standard node when the catalog names none."""
        if self.buy_unit is not None:
            return self.buy_unit
        return SaleUnit(kind="node", name=self.node_name, gpus=self.gpus_per_node, source=self.node_power_source)

    @property
    def rented_in(self) -> SaleUnit:
        """The rental unit, the purchase unit when the catalog names none."""
        return self.rent_unit if self.rent_unit is not None else self.bought_in

    @property
    def bandwidth_bytes_s(self) -> float:
        return self.memory_bandwidth_tbs * 1e12


class Model(_Strict):
    """Architecture constants of one LLM that drive memory and compute."""

    id: str
    name: str
    hf_repo: str = ""
    family: str = ""
    total_params: int = Field(gt=0)
    active_params: int = Field(gt=0)
    """Parameters multiplied per token (all of them for dense models; routed subset for MoE)."""
    embedding_params: int = Field(ge=0, default=0)
    layers: int = Field(gt=0)
    hidden_size: int = Field(gt=0)
    intermediate_size: int = Field(ge=0, default=0)
    heads: int = Field(gt=0)
    kv_heads: int = Field(gt=0)
    head_dim: int = Field(gt=0)
    vocab_size: int = Field(gt=0)
    native_context: int = Field(gt=0)
    """Advertised context length in tokens."""
    attention: Literal["mha", "gqa", "mla"]
    kv_lora_rank: int = 0
    """MLA only: width of the compressed KV latent."""
    qk_rope_head_dim: int = 0
    """MLA only: width of the shared RoPE key cached next to the latent."""
    sliding_window: int = 0
    """Window of the sliding-window (or chunked) attention layers, 0 if none."""
    sliding_window_layers: int = 0
    """How many of ``layers`` use the sliding window / chunked attention."""
    experts: int = 0
    """Routed experts per MoE layer (0 for dense models)."""
    experts_per_token: int = 0
    shared_experts: int = 0
    moe_intermediate_size: int = 0
    dense_layers: int = 0
    """Layers with a dense MLP in an otherwise MoE model."""
    moe_layer_count: int = 0
    """Layers with routed experts (Llama 4 Maverick alternates dense and MoE: 24 of 48)."""
    native_precision: str = "bf16"
    """Precision of the official release."""
    native_weights_bytes: int | None = None
    """Exact size of the official release when it mixes precisions (gpt-oss MXFP4, DeepSeek FP8)."""
    attn_flops_per_ctx_token: int | None = None
    """Decode attention FLOPs per generated token per cached token when not 4*layers*heads*head_dim
    (MLA with weight absorption)."""
    tie_word_embeddings: bool = False
    checkpoints: dict[str, str] = Field(default_factory=dict)
    """Pre-quantised checkpoints by precision (``{fp8 = "org/Model-FP8"}``): what the deployment
    export loads when the spec runs the weights at that precision. Each is a published Hugging
    Face repo named in ``checkpoints_source``."""
    checkpoints_source: str = ""
    source: str
    verified: bool = False
    notes: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> "Model":
        if self.active_params > self.total_params:
            raise ValueError("active_params cannot exceed total_params")
        if self.attention == "mla" and self.kv_lora_rank <= 0:
            raise ValueError("an MLA model needs kv_lora_rank > 0")
        if self.sliding_window_layers > self.layers:
            raise ValueError("sliding_window_layers cannot exceed layers")
        if self.sliding_window_layers and self.sliding_window <= 0:
            raise ValueError("sliding_window_layers set but sliding_window is 0")
        if self.experts and self.experts_per_token <= 0:
            raise ValueError("a MoE model needs experts_per_token > 0")
        if self.native_precision not in PRECISIONS:
            raise ValueError(f"unknown native_precision {self.native_precision!r}")
        return self

    @property
    def is_moe(self) -> bool:
        return self.experts > 0

    @property
    def moe_layers(self) -> int:
        if not self.is_moe:
            return 0
        return self.moe_layer_count or (self.layers - self.dense_layers)

    @property
    def expert_params(self) -> int:
        """Parameters of one routed expert in one layer (gated MLP: 3 matrices)."""
        return 3 * self.hidden_size * self.moe_intermediate_size

    @property
    def routed_params(self) -> int:
        """All routed-expert parameters; these are the weights MoE decode may skip."""
        return self.moe_layers * self.experts * self.expert_params

    @property
    def always_active_params(self) -> int:
        """Parameters every token touches: attention, dense layers, shared experts, head."""
        return max(self.active_params - self.moe_layers * self.experts_per_token * self.expert_params, 0)


class GPUCatalog(_Strict):
    version: str
    gpus: list[GPU]


class ModelCatalog(_Strict):
    version: str
    models: list[Model]
