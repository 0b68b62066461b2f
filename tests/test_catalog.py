"""The shipped catalogs: ids, dense throughput, sources, and user model import."""

from __future__ import annotations

import json
import re

import pytest

from kickoff_tui.catalog import CatalogError, clear_cache, get_gpu, get_model, gpus, models
from kickoff_tui.catalog.hf_import import model_from_hf_config

GPU_IDS = ("a100-40gb a100-80gb h100-sxm h100-pcie h100-nvl h200-sxm h200-nvl b200 gb200 b300 gb300 "
           "l40s l4 rtx-4090 mi300x mi325x mi355x gaudi3 tpu-v5p trainium2").split()
MODEL_IDS = ("llama-2-70b llama-3-8b llama-3-70b llama-3.1-8b llama-3.1-70b llama-3.1-405b llama-3.3-70b "
             "llama-3.2-1b llama-3.2-3b llama-4-scout llama-4-maverick mistral-7b mixtral-8x7b mixtral-8x22b "
             "mistral-large-2 qwen2.5-7b qwen2.5-32b qwen2.5-72b qwen3-8b qwen3-32b qwen3-30b-a3b "
             "qwen3-235b-a22b deepseek-v3 deepseek-r1 gemma-2-9b gemma-2-27b gemma-3-27b phi-4 gpt-oss-20b "
             "gpt-oss-120b").split()


def test_every_required_gpu_is_there_with_a_source():
    ids = [g.id for g in gpus()]
    assert set(GPU_IDS) <= set(ids)
    for gpu in gpus():
        assert gpu.source.strip(), gpu.id
        for precision in gpu.native_precisions:
            assert precision in gpu.dense_tflops, (gpu.id, precision)


def test_every_required_model_is_there():
    ids = {m.id for m in models()}
    assert set(MODEL_IDS) <= ids
    assert all(m.source for m in models())


def test_dense_not_sparse_throughput():
    # NVIDIA's headline H100 SXM BF16 figure (1,979 TFLOPS) assumes 2:4 sparsity; dense is half.
    assert get_gpu("h100-sxm").dense_tflops["bf16"] == pytest.approx(989.5)
    assert get_gpu("h100-sxm").dense_tflops["fp8"] == pytest.approx(1979)
    assert get_gpu("b200").dense_tflops["fp8"] == pytest.approx(4500)


def test_no_fp8_math_on_ampere():
    assert "fp8" not in get_gpu("a100-80gb").native_precisions
    assert "fp8" in get_gpu("h100-sxm").native_precisions
    assert "fp4" in get_gpu("b200").native_precisions
    assert "fp4" not in get_gpu("h200-sxm").native_precisions


def test_scale_up_domains():
    assert get_gpu("h100-sxm").scale_up_domain == 8
    assert get_gpu("gb200").scale_up_domain == 72
    assert get_gpu("l40s").scale_up_gbs == 0


def test_unknown_ids_suggest_close_matches():
    with pytest.raises(CatalogError, match="llama-3.1-70b"):
        get_model("llama-3.1-70")
    with pytest.raises(CatalogError, match="h100-sxm"):
        get_gpu("h100-sx")


def test_mla_and_moe_shapes():
    ds = get_model("deepseek-v3")
    assert ds.attention == "mla" and ds.kv_lora_rank == 512 and ds.qk_rope_head_dim == 64
    assert ds.is_moe and ds.experts == 256 and ds.experts_per_token == 8
    # always-active part + every expert adds back up to the total
    assert ds.always_active_params + ds.routed_params == pytest.approx(ds.total_params, rel=1e-3)


LLAMA_LIKE = {
    "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
    "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
    "max_position_embeddings": 131072, "torch_dtype": "bfloat16", "tie_word_embeddings": False,
}


def test_hf_config_import_reproduces_llama_3_1_8b():
    model = model_from_hf_config(LLAMA_LIKE, "my-8b")
    reference = get_model("llama-3.1-8b")
    # norms are not counted by the importer: within 0.1%
    assert model.total_params == pytest.approx(reference.total_params, rel=1e-3)
    assert model.kv_heads == 8 and model.head_dim == 128 and model.attention == "gqa"


def test_hf_config_import_rejects_garbage():
    with pytest.raises(ValueError):
        model_from_hf_config({"hidden_size": "big"}, "x")
    with pytest.raises(ValueError):
        model_from_hf_config([1, 2], "x")


@pytest.mark.parametrize(("key", "value", "words"), [
    ("max_position_embeddings", -5, "max_position_embeddings: -5 is not a whole number"),
    ("max_position_embeddings", "131072", "max_position_embeddings: '131072' is not a whole number"),
    ("max_position_embeddings", 0, "a context of 0 tokens"),
    ("num_key_value_heads", True, "num_key_value_heads: True is not a whole number"),
    ("num_key_value_heads", 0, "0 KV heads"),
    ("num_key_value_heads", 7, "do not share 7 KV heads evenly"),
    ("num_key_value_heads", 2.5, "num_key_value_heads: 2.5 is not a whole number"),
])
def test_hf_config_import_refuses_a_present_but_unusable_shape(key, value, words):
    """A value the config holds but no model could mean is refused by name; before, it was
    replaced by the default (32 KV heads, 4,096 tokens) and a different model was sized."""
    with pytest.raises(ValueError, match=re.escape(words)):
        model_from_hf_config({**LLAMA_LIKE, key: value}, "x")


def test_hf_config_import_says_when_it_assumes_the_context(tmp_path, capsys):
    """Absent (or null) fields take HF's meaning: KV heads = heads; the context, which a config
    may omit, is assumed and the import says so, in the CLI line and in the model's notes."""
    from kickoff_tui.cli import main

    config = {k: v for k, v in LLAMA_LIKE.items() if k not in ("max_position_embeddings", "num_key_value_heads")}
    model = model_from_hf_config({**config, "head_dim": None}, "x")
    assert model.native_context == 4096 and model.kv_heads == 32 and model.head_dim == 128
    assert "Context of 4,096 tokens assumed" in model.notes
    assert "assumed" not in model_from_hf_config(LLAMA_LIKE, "y").notes
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    assert main(["models", "import", str(path), "--id", "ctx-assumed-8b"]) == 0
    assert "note: Context of 4,096 tokens assumed" in capsys.readouterr().out
    clear_cache()


def test_models_import_cli_stores_in_user_dir(tmp_path, capsys):
    from kickoff_tui.cli import main

    config = tmp_path / "config.json"
    config.write_text(json.dumps(LLAMA_LIKE))
    assert main(["models", "import", str(config), "--id", "team-8b"]) == 0
    clear_cache()
    assert get_model("team-8b").layers == 32
    # same id again is refused with a one-line error
    assert main(["models", "import", str(config), "--id", "team-8b"]) == 2
    assert "already exists" in capsys.readouterr().err
    # and the estimate works on it
    assert main(["estimate", "--model", "team-8b", "--gpu", "l40s", "--gpus", "1",
                 "--input-tokens", "500", "--output-tokens", "100", "--json"]) == 0
    clear_cache()
