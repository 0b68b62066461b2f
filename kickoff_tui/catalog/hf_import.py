"""Turn a Hugging Face ``config.json`` (already parsed) into a catalog :class:`Model`.

Offline only: the user points at a file on disk. Parameter counts are computed from the layer
shapes (attention projections, gated MLP or MoE experts, embeddings, head) because a config
does not state them.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from kickoff_tui.catalog.schema import Model

DTYPES = {"bfloat16": "bf16", "float16": "fp16", "float32": "bf16", "fp8": "fp8"}
"""torch_dtype -> catalog precision (float32 checkpoints are served at 16-bit)."""

MODEL_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
"""Ids of imported models: safe as a file name, as a catalog key and on a terminal."""

MAX_MODEL_TEXT_CHARS = 2_000
"""Longest name, repo, family, source or note of a user model (one line of a table)."""

DEFAULT_CONTEXT = 4096
"""Context assumed when a config.json names none (``max_position_embeddings`` and its older
spellings absent): the Llama 2 generation's 4,096; the import says it assumed it."""

CONTEXT_ASSUMED = f"Context of {DEFAULT_CONTEXT:,} tokens assumed: the config names no max_position_embeddings."
"""Said by the import and kept in the model's notes when the context was assumed."""

MAX_CONFIG_INT = 10**15
"""Largest integer taken from a config.json at all (a parameter count of a quadrillion); a
larger one, or a float such as 1e308, is refused before any arithmetic uses it."""

SHAPE_LIMITS: dict[str, int] = {
    "layers": 2_048,  # the deepest released LLMs have ~130 (Llama 3.1 405B: 126)
    "hidden_size": 131_072,  # the widest have 16,384-18,432 (Llama 3.1 405B, Grok-1)
    "intermediate_size": 1_048_576,  # the widest MLPs have ~53,000 (Llama 3.1 405B: 53,248)
    "moe_intermediate_size": 1_048_576,
    "heads": 1_024,  # 128 at most in released models
    "kv_heads": 1_024,
    "head_dim": 4_096,  # 64-256 in released models
    "vocab_size": 16_777_216,  # the largest vocabularies have ~256,000 entries (Gemma)
    "native_context": 100_000_000,  # 10M tokens is the longest advertised (Llama 4 Scout); the
    # same ceiling as the longest context a session may ask for (SizingInputs.max_context_tokens)
    "experts": 65_536,  # 384 routed experts at most in released models (Kimi K2)
    "experts_per_token": 65_536,
    "shared_experts": 65_536,
    "kv_lora_rank": 131_072,
    "qk_rope_head_dim": 4_096,
    "sliding_window": 100_000_000,
    "total_params": 100_000_000_000_000,  # 100 trillion: ~50x the largest model ever described
}
"""Upper bounds on an imported (or hand-written user) model, far above every released model
(shapes from the models' published config.json files): a shape beyond them is a typo or a
hostile file, and sizing with it would only produce nonsense or overflow."""


def model_bound_problems(model: Model) -> list[str]:
    """Why ``model`` is not a usable user model (empty when it is): absurd shapes, more KV heads
    than heads, more experts per token than experts, an id unfit for a file name."""
    from kickoff_tui.record.questionnaire import control_character

    problems: list[str] = []
    for field in ("name", "hf_repo", "family", "source", "notes"):
        text = getattr(model, field)
        if len(text) > MAX_MODEL_TEXT_CHARS:
            problems.append(f"{field}: {len(text):,} characters (at most {MAX_MODEL_TEXT_CHARS:,})")
        elif control_character(text) is not None:
            problems.append(f"{field}: contains the control character {control_character(text)}")
    if not MODEL_ID_PATTERN.fullmatch(model.id):
        problems.append(f"id {model.id[:40]!r}: use lowercase letters, digits, '.', '_' and '-'")
    for field, limit in SHAPE_LIMITS.items():
        value = getattr(model, field)
        if value > limit:
            problems.append(f"{field}: {value:.3g} is beyond any real model (at most {limit:,})")
    if model.kv_heads > model.heads:
        problems.append(f"kv_heads: {model.kv_heads} KV heads but only {model.heads} attention heads")
    elif model.kv_heads and model.heads % model.kv_heads:
        problems.append(f"kv_heads: {model.heads} attention heads do not share {model.kv_heads} KV heads evenly "
                        "(grouped-query attention gives each KV head the same number of query heads)")
    if model.experts and model.experts_per_token > model.experts:
        problems.append(f"experts_per_token: {model.experts_per_token} of only {model.experts} experts")
    if model.experts and model.shared_experts > model.experts:
        problems.append(f"shared_experts: {model.shared_experts} shared but only {model.experts} routed")
    return problems


def _int(config: dict[str, Any], *keys: str, default: int | None = None) -> int:
    """The first of ``keys`` the config holds, as a whole number >= 0. A key that is absent or
    null falls through to the next one, then to ``default``; a key that is present with a value
    no config could mean (``-5``, ``"32"``, ``true``, ``1.5``) is refused, never replaced by the
    default, so that a damaged config is not sized as some other model."""
    for key in keys:
        value = config.get(key)
        if value is None:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > MAX_CONFIG_INT:
            raise ValueError(f"{key}: {value:.3g} is beyond any real model")
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, float) and value.is_integer() and value >= 0:
            return int(value)
        shown = repr(value)[:40]
        raise ValueError(f"{key}: {shown} is not a whole number of 0 or more")
    if default is not None:
        return default
    raise ValueError(f"config.json lacks a usable {' / '.join(keys)}")


def model_from_hf_config(config: Any, model_id: str, name: str | None = None, source: str = "") -> Model:
    """The catalog model a config.json describes; :class:`ValueError` (one line) when the config
    is unusable or its shapes are beyond any real model (see :data:`SHAPE_LIMITS`)."""
    from kickoff_tui.record.text import visible

    if not isinstance(config, dict):
        raise ValueError("config.json must be a JSON object")
    if isinstance(config.get("text_config"), dict):  # multimodal wrappers (Llama 4, Gemma 3)
        config = {**config, **config["text_config"]}
    hidden = _int(config, "hidden_size", "n_embd", "d_model")
    layers = _int(config, "num_hidden_layers", "n_layer", "num_layers")
    heads = _int(config, "num_attention_heads", "n_head")
    if not hidden or not layers or not heads:
        raise ValueError("hidden_size, num_hidden_layers and num_attention_heads must be positive")
    kv_heads = _int(config, "num_key_value_heads", "num_kv_heads", default=heads)
    if not kv_heads:
        raise ValueError("num_key_value_heads: 0 KV heads; a model has at least one")
    head_dim = _int(config, "head_dim", default=hidden // heads) or hidden // heads
    vocab = _int(config, "vocab_size")
    inter = _int(config, "intermediate_size", "ffn_dim", default=4 * hidden)
    context_keys = ("max_position_embeddings", "n_positions", "seq_length")
    context = _int(config, *context_keys, default=DEFAULT_CONTEXT)
    context_assumed = all(config.get(key) is None for key in context_keys)
    if not context:
        raise ValueError("max_position_embeddings: a context of 0 tokens")
    tie = bool(config.get("tie_word_embeddings", False))
    kv_lora = _int(config, "kv_lora_rank", default=0)
    rope = _int(config, "qk_rope_head_dim", default=0)
    experts = _int(config, "n_routed_experts", "num_local_experts", "num_experts", default=0)
    top_k = _int(config, "num_experts_per_tok", "num_experts_per_token", default=0)
    shared = _int(config, "n_shared_experts", default=0)
    moe_inter = _int(config, "moe_intermediate_size", default=inter) if experts else 0
    dense_layers = _int(config, "first_k_dense_replace", default=0) if experts else 0
    window = config.get("sliding_window") if config.get("use_sliding_window", True) else None
    window = window if isinstance(window, int) and not isinstance(window, bool) and 0 < window < context else 0
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
        model = Model(
            id=model_id, name=name or model_id, hf_repo=visible(config.get("_name_or_path", ""))[:200],
            family=visible(config.get("model_type", ""))[:60], total_params=total, active_params=active,
            embedding_params=vocab * hidden, layers=layers, hidden_size=hidden, intermediate_size=inter,
            heads=heads, kv_heads=kv_heads, head_dim=head_dim, vocab_size=vocab, native_context=context,
            attention="mla" if kv_lora else ("mha" if kv_heads == heads else "gqa"),
            kv_lora_rank=kv_lora, qk_rope_head_dim=rope if kv_lora else 0,
            sliding_window=window if windowed else 0, sliding_window_layers=windowed,
            experts=experts, experts_per_token=top_k if experts else 0, shared_experts=shared,
            moe_intermediate_size=moe_inter, dense_layers=dense_layers, moe_layer_count=moe_layers,
            native_precision=precision, tie_word_embeddings=tie,
            source=source or "imported from a Hugging Face config.json", verified=False,
            notes="Parameter counts computed from the config's shapes by `kickoff models import`."
                  + (f" {CONTEXT_ASSUMED}" if context_assumed else ""),
        )
    except ValidationError as err:
        first = err.errors()[0]
        raise ValueError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    problems = model_bound_problems(model)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValueError(problems[0] + more)
    return model
