"""GPU and model catalogs: shipped TOML data files plus user-imported models.

Loading is lazy and cached: the first call parses the shipped files once (a few ms).
"""

from __future__ import annotations

import difflib
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from kickoff_tui.catalog.schema import (
    BYTES_PER_VALUE,
    GPU,
    PRECISIONS,
    GPUCatalog,
    Model,
    ModelCatalog,
    PricePoint,
)

__all__ = [
    "BYTES_PER_VALUE",
    "GPU",
    "PRECISIONS",
    "CatalogError",
    "Model",
    "PricePoint",
    "catalog_version",
    "close_matches",
    "get_gpu",
    "get_model",
    "gpus",
    "models",
    "user_models_dir",
]


class CatalogError(ValueError):
    """An unknown id or an invalid catalog file; the message is one line fit for a user."""


def _read_data(name: str) -> dict:
    text = resources.files("kickoff_tui.catalog").joinpath("data", name).read_text("utf-8")
    return tomllib.loads(text)


def user_models_dir() -> Path:
    """Folder holding models imported with ``kickoff models import`` (one TOML per model)."""
    import os

    override = os.environ.get("KICKOFF_DATA_DIR")
    if override:
        return Path(override) / "models"
    from platformdirs import user_data_dir

    return Path(user_data_dir("kickoff", appauthor=False)) / "models"


@lru_cache(maxsize=1)
def _gpu_catalog() -> GPUCatalog:
    raw = _read_data("gpus.toml")
    return GPUCatalog(version=raw["version"], gpus=raw["gpu"])


@lru_cache(maxsize=1)
def _shipped_models() -> ModelCatalog:
    raw = _read_data("models.toml")
    return ModelCatalog(version=raw["version"], models=raw["model"])


def _user_models() -> list[Model]:
    folder = user_models_dir()
    found: list[Model] = []
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.toml")):
        try:
            found.append(Model.model_validate(tomllib.loads(path.read_text("utf-8"))))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError):
            # A broken user file must not take the shipped catalog down; `kickoff catalog models`
            # reports it (see cli).
            continue
    return found


def clear_cache() -> None:
    """Forget cached catalogs (tests, and after importing a model)."""
    _gpu_catalog.cache_clear()
    _shipped_models.cache_clear()
    _model_index.cache_clear()


def gpus() -> list[GPU]:
    return list(_gpu_catalog().gpus)


@lru_cache(maxsize=1)
def _model_index() -> dict[str, Model]:
    index = {m.id: m for m in _shipped_models().models}
    for model in _user_models():
        index.setdefault(model.id, model)
    return index


def models() -> list[Model]:
    return list(_model_index().values())


def catalog_version() -> str:
    """One string naming both catalog versions, recorded in sessions."""
    return f"gpus {_gpu_catalog().version}; models {_shipped_models().version}"


def close_matches(name: str, choices: list[str]) -> list[str]:
    lowered = name.lower()
    picks = difflib.get_close_matches(lowered, choices, n=4, cutoff=0.5)
    picks += [c for c in choices if lowered and lowered in c and c not in picks]
    return picks[:5]


def get_gpu(gpu_id: str) -> GPU:
    for gpu in _gpu_catalog().gpus:
        if gpu.id == gpu_id:
            return gpu
    ids = [g.id for g in _gpu_catalog().gpus]
    hint = close_matches(gpu_id, ids)
    suffix = f"; did you mean {', '.join(hint)}?" if hint else f"; known: {', '.join(ids)}"
    raise CatalogError(f"unknown GPU {gpu_id!r}{suffix}")


def get_model(model_id: str) -> Model:
    index = _model_index()
    if model_id in index:
        return index[model_id]
    hint = close_matches(model_id, list(index))
    suffix = f"; did you mean {', '.join(hint)}?" if hint else "; run `kickoff catalog models`"
    raise CatalogError(f"unknown model {model_id!r}{suffix}")
