"""Turn a Hugging Face ``config.json`` (already parsed) into a catalog :class:`Model`.

Offline only: the user points at a file on disk. Parameter counts are computed from the layer
shapes (attention projections, gated MLP or MoE experts, embeddings, head) because a config
does not state them.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from kickoff_tui.catalog.schema import Model

DTYPES = {"bfloat16": "bf16", "float16": "fp16", "float32": "bf16", "fp8": "fp8"}
"""torch_dtype -> catalog precision (float32 checkpoints are served at 16-bit)."""


def _int(config: dict[str, Any], *keys: str, default: int | None = None) -> int:
    for key in keys:
        value = config.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and value >= 0:
            return value
        if isinstance(value, float) and value.is_integer() and value >= 0:
            return int(value)
    if default is not None:
        return default
    raise ValueError(f"config.json lacks a usable {' / '.join(keys)}")


def model_from_hf_config(config: Any, model_id: str, name: str | None = None, source: str = "") -> Model:
    if not isinstance(config, dict):
        raise ValueError("config.json must be a JSON object")
    if isinstance(config.get("text_config"), dict):  # multimodal wrappers (Llama 4, Gemma 3)
        config = {**config, **config["text_config"]}
    hidden = _int(config, "hidden_size", "n_embd", "d_model")
    layers = _int(config, "num_hidden_layers", "n_layer", "num_layers")
    heads = _int(config, "num_attention_heads", "n_head")
    if not hidden or not layers or not heads:
        raise ValueError("hidden_size, num_hidden_layers and num_attention_heads must be positive")
    kv_heads = _int(config, "num_key_value_heads", "num_kv_heads", default=heads) or heads
    head_dim = _int(config, "head_dim", default=hidden // heads) or hidden // heads
    vocab = _int(config, "vocab_size")
    inter = _int(config, "intermediate_size", "ffn_dim", default=4 * hidden)
    context = _int(config, "max_position_embeddings", "n_positions", "seq_length", default=4096)
    tie = bool(config.get("tie_word_embeddings", False))
    kv_lora = _int(config, "kv_lora_rank", default=0)
    rope = _int(config, "qk_rope_head_dim", default=0)
    experts = _int(config, "n_routed_experts", "num_local_experts", "num_experts", default=0)
    top_k = _int(config, "num_experts_per_tok", "num_experts_per_token", default=0)
    shared = _int(config, "n_shared_experts", default=0)
    moe_inter = _int(config, "moe_intermediate_size", default=inter) if experts else 0
    dense_layers = _int(config, "first_k_dense_replace", default=0) if experts else 0
    window = config.get("sliding_window") if config.get("use_sliding_window", True) else None
    window = window if isinstance(window, int) and 0 < window < context else 0
    layer_types = config.get("layer_types")
    windowed = 0
    if window and isinstance(layer_types, list):
        windowed = sum(1 for t in layer_types if isinstance(t, str) and "sliding" in t)
    elif window:
        windowed = layers  # every layer windowed (Mistral 7B v0.1 style)

    if kv_lora:
        q_lora = _int(config, "q_lora_rank", default=0)
        nope = _int(config, "qk_nope_head_dim", default=head_dim)
        v_dim = _int(config, "v_head_dim", default=head_dim)
        q_proj = (hidden * q_lora + q_lora * heads * (nope + rope)) if q_lora else hidden * heads * (nope + rope)
        attn = q_proj + hidden * (kv_lora + rope) + kv_lora * heads * (nope + v_dim) + heads * v_dim * hidden
        head_dim = nope + rope
    else:
        attn = hidden * heads * head_dim * 2 + hidden * kv_heads * head_dim * 2
    dense_mlp = 3 * hidden * inter
    expert = 3 * hidden * moe_inter
    moe_layers = layers - dense_layers if experts else 0
    router = hidden * experts
    per_dense_layer = attn + dense_mlp
    per_moe_layer = attn + router + (experts + shared) * expert
    embeddings = vocab * hidden * (1 if tie else 2)
    total = (layers - moe_layers) * per_dense_layer + moe_layers * per_moe_layer + embeddings
    active = total
    if experts:
        if not top_k:
            raise ValueError("MoE config lacks num_experts_per_tok")
        active = total - moe_layers * (experts - top_k) * expert
    torch_dtype = str(config.get("torch_dtype") or config.get("dtype") or "bfloat16")
    quant = config.get("quantization_config")
    precision = "fp8" if isinstance(quant, dict) and "fp8" in str(quant.get("quant_method", "")) else \
        DTYPES.get(torch_dtype, "bf16")
    try:
        return Model(
            id=model_id, name=name or model_id, hf_repo=str(config.get("_name_or_path", ""))[:200],
            family=str(config.get("model_type", ""))[:60], total_params=total, active_params=active,
            embedding_params=vocab * hidden, layers=layers, hidden_size=hidden, intermediate_size=inter,
            heads=heads, kv_heads=kv_heads, head_dim=head_dim, vocab_size=vocab, native_context=context,
            attention="mla" if kv_lora else ("mha" if kv_heads == heads else "gqa"),
            kv_lora_rank=kv_lora, qk_rope_head_dim=rope if kv_lora else 0,
            sliding_window=window if windowed else 0, sliding_window_layers=windowed,
            experts=experts, experts_per_token=top_k if experts else 0, shared_experts=shared,
            moe_intermediate_size=moe_inter, dense_layers=dense_layers, moe_layer_count=moe_layers,
            native_precision=precision, tie_word_embeddings=tie,
            source=source or "imported from a Hugging Face config.json", verified=False,
            notes="Parameter counts computed from the config's shapes by `kickoff models import`.",
        )
    except ValidationError as err:
        first = err.errors()[0]
        raise ValueError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
