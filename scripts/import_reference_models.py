"""Regenerate ``kickoff_tui/catalog/data/models.toml`` from the team's reference notes.

Run by a maintainer when ``../shared/reference/models.toml`` changes:
    python scripts/import_reference_models.py ../shared/reference/models.toml
It maps the reference keys onto Kickoff's catalog schema, adds the models the reference does not
carry (Llama 2 70B, Llama 3 8B/70B), validates every entry with the pydantic loader and writes
the file. The result is committed; nothing reads the reference at run time.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kickoff_tui.catalog.schema import Model  # noqa: E402

CATALOG_VERSION = "2026-11-25"

# catalog id -> reference table
IDS = {
    "llama-3.1-8b": "llama_3_1_8b",
    "llama-3.1-70b": "llama_3_1_70b",
    "llama-3.1-405b": "llama_3_1_405b",
    "llama-3.3-70b": "llama_3_3_70b",
    "llama-3.2-1b": "llama_3_2_1b",
    "llama-3.2-3b": "llama_3_2_3b",
    "llama-4-scout": "llama_4_scout",
    "llama-4-maverick": "llama_4_maverick",
    "mistral-7b": "mistral_7b_v0_3",
    "mixtral-8x7b": "mixtral_8x7b",
    "mixtral-8x22b": "mixtral_8x22b",
    "mistral-large-2": "mistral_large_2",
    "qwen2.5-7b": "qwen2_5_7b",
    "qwen2.5-32b": "qwen2_5_32b",
    "qwen2.5-72b": "qwen2_5_72b",
    "qwen3-8b": "qwen3_8b",
    "qwen3-32b": "qwen3_32b",
    "qwen3-30b-a3b": "qwen3_30b_a3b",
    "qwen3-235b-a22b": "qwen3_235b_a22b",
    "deepseek-v3": "deepseek_v3",
    "deepseek-r1": "deepseek_r1",
    "gemma-2-9b": "gemma_2_9b",
    "gemma-2-27b": "gemma_2_27b",
    "gemma-3-27b": "gemma_3_27b",
    "phi-4": "phi_4",
    "phi-3-medium": "phi_3_medium_128k",
    "gpt-oss-20b": "gpt_oss_20b",
    "gpt-oss-120b": "gpt_oss_120b",
    "falcon-180b": "falcon_180b",
    "command-r-plus": "command_r_plus",
}

NATIVE_PRECISION = {
    "deepseek-v3": "fp8",
    "deepseek-r1": "fp8",
    "gpt-oss-20b": "fp4",
    "gpt-oss-120b": "fp4",
}


def _attention(ref: dict) -> str:
    kind = ref.get("attention_type", "").upper()
    if kind.startswith("MLA"):
        return "mla"
    if ref["num_key_value_heads"] == ref["num_attention_heads"]:
        return "mha"
    return "gqa"


def convert(model_id: str, ref: dict) -> dict:
    out: dict = {
        "id": model_id,
        "name": ref["name"],
        "hf_repo": ref.get("hf_repo", ""),
        "family": ref.get("family", ""),
        "total_params": ref["total_params_computed"],
        "active_params": ref["active_params_computed"],
        "embedding_params": ref.get("embedding_params_computed", 0),
        "layers": ref["num_hidden_layers"],
        "hidden_size": ref["hidden_size"],
        "intermediate_size": ref.get("intermediate_size", 0),
        "heads": ref["num_attention_heads"],
        "kv_heads": ref["num_key_value_heads"],
        "head_dim": ref["head_dim"],
        "vocab_size": ref["vocab_size"],
        "native_context": ref["native_context_length"],
        "attention": _attention(ref),
        "native_precision": NATIVE_PRECISION.get(model_id, "bf16"),
        "tie_word_embeddings": bool(ref.get("tie_word_embeddings", False)),
        "source": ref["source"],
        "verified": bool(ref.get("verified", False)),
    }
    if out["attention"] == "mla":
        out["kv_lora_rank"] = ref["kv_lora_rank"]
        out["qk_rope_head_dim"] = ref["qk_rope_head_dim"]
        out["attn_flops_per_ctx_token"] = ref["attn_flops_per_token_per_context_token"]
    window = ref.get("sliding_window") or ref.get("attention_chunk_size") or 0
    windowed = ref.get("sliding_window_layers") or ref.get("chunked_local_attention_layers") or 0
    if window and windowed and ref.get("use_sliding_window", True):
        out["sliding_window"] = window
        out["sliding_window_layers"] = windowed
    if ref.get("n_routed_experts"):
        out["experts"] = ref["n_routed_experts"]
        out["experts_per_token"] = ref["num_experts_per_tok"]
        out["shared_experts"] = ref.get("n_shared_experts", 0)
        out["moe_intermediate_size"] = ref.get("moe_intermediate_size") or ref["intermediate_size"]
        out["dense_layers"] = ref.get("dense_layer_count", 0)
        out["moe_layer_count"] = ref.get("moe_layer_count", 0)
    if ref.get("weights_bytes_native_computed"):
        out["native_weights_bytes"] = ref["weights_bytes_native_computed"]
    if not out["verified"]:
        out["notes"] = "Constants from derivative configs that agree with each other; not read from the official config."
    return out


def extras(by_id: dict[str, dict]) -> list[dict]:
    """Models the reference does not carry; same architecture as a sibling with the changes noted."""
    l31_8 = dict(by_id["llama-3.1-8b"])
    l31_70 = dict(by_id["llama-3.1-70b"])
    llama3_8 = {
        **l31_8,
        "id": "llama-3-8b",
        "name": "Llama 3 8B",
        "hf_repo": "meta-llama/Meta-Llama-3-8B(-Instruct)",
        "native_context": 8192,
        "source": "meta-llama/llama3 MODEL_CARD.md (8K context); shapes identical to Llama 3.1 8B "
        "(same dim/layers/heads/ffn in Meta's llama-models sku_list.py)",
        "notes": "Same weights shape as Llama 3.1 8B; only the context (8K) and RoPE scaling differ.",
    }
    llama3_70 = {
        **l31_70,
        "id": "llama-3-70b",
        "name": "Llama 3 70B",
        "hf_repo": "meta-llama/Meta-Llama-3-70B(-Instruct)",
        "native_context": 8192,
        "source": "meta-llama/llama3 MODEL_CARD.md (8K context); shapes identical to Llama 3.1 70B "
        "(Meta llama-models sku_list.py)",
        "notes": "Same weights shape as Llama 3.1 70B; only the context (8K) and RoPE scaling differ.",
    }
    # Llama 2 70B: 80 layers, dim 8192, ffn 28672, 64 heads, 8 KV heads (GQA), vocab 32000, 4K ctx.
    # Parameter count from the shapes: embeddings 2*32000*8192 (untied) + 80 layers x
    # (attention 8192*(8192+1024+1024+8192) + MLP 3*8192*28672 + 2 norms) + final norm.
    layer = 8192 * (8192 + 1024 + 1024 + 8192) + 3 * 8192 * 28672 + 2 * 8192
    total = 2 * 32000 * 8192 + 80 * layer + 8192
    llama2_70 = {
        "id": "llama-2-70b",
        "name": "Llama 2 70B",
        "hf_repo": "meta-llama/Llama-2-70b(-chat)-hf",
        "family": "llama",
        "total_params": total,
        "active_params": total,
        "embedding_params": 32000 * 8192,
        "layers": 80,
        "hidden_size": 8192,
        "intermediate_size": 28672,
        "heads": 64,
        "kv_heads": 8,
        "head_dim": 128,
        "vocab_size": 32000,
        "native_context": 4096,
        "attention": "gqa",
        "native_precision": "fp16",
        "tie_word_embeddings": False,
        "source": "meta-llama/llama MODEL_CARD.md and Llama-2-70b-hf config.json (80 layers, hidden 8192, "
        "intermediate 28672, 64 heads, 8 KV heads, vocab 32000, 4096 context)",
        "verified": False,
        "notes": "Parameter count computed from the layer shapes (68.98B); Meta quotes 70B.",
    }
    return [llama2_70, llama3_8, llama3_70]


def main(reference: Path) -> None:
    raw = tomllib.loads(reference.read_text("utf-8"))
    by_id = {mid: convert(mid, raw[key]) for mid, key in IDS.items()}
    entries = list(by_id.values()) + extras(by_id)
    entries.sort(key=lambda e: e["id"])
    for entry in entries:
        Model.model_validate(entry)
    doc = {"version": CATALOG_VERSION, "model": entries}
    header = (
        "# Kickoff model catalog: architecture constants that drive memory and compute.\n"
        "# Generated by scripts/import_reference_models.py from the team's reference notes\n"
        "# (each entry's `source` names the config or card it was read from). Edit the script,\n"
        "# not this file. Users add their own models with `kickoff models import config.json`.\n\n"
    )
    out = ROOT / "kickoff_tui" / "catalog" / "data" / "models.toml"
    out.write_text(header + tomli_w.dumps(doc), "utf-8")
    print(f"wrote {len(entries)} models to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared/reference/models.toml"))
