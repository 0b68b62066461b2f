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
    "user_model_problems",
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


MAX_USER_MODEL_BYTES = 1_000_000
"""Largest file read from the user's ``models/`` folder (an imported model is ~1 KB)."""

MAX_USER_MODEL_FILES = 1_000
"""Most files read from ``models/``: a folder of thousands is not a catalog Kickoff wrote."""

_user_model_problems: list[str] = []
"""One line per file of ``models/`` that was skipped at the last load (see :func:`user_model_problems`)."""


def _read_user_model(path: Path) -> Model:
    """One user model file through the safe reader; :class:`ValueError` (one line) if unusable."""
    from kickoff_tui.catalog.hf_import import model_bound_problems
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.record.questionnaire import parse_untrusted_toml
    from kickoff_tui.record.safe_read import read_user_text
    from kickoff_tui.record.text import visible

    try:
        text = read_user_text(path, MAX_USER_MODEL_BYTES, "model file")
    except KickoffError as err:
        raise ValueError(str(err).removeprefix(f"{visible(path)}: ")) from None
    data, problems = parse_untrusted_toml(text)
    if problems:
        raise ValueError(problems[0])
    try:
        model = Model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        raise ValueError(f"{'.'.join(map(str, first['loc'])) or 'file'}: {first['msg']}") from None
    problems = model_bound_problems(model)
    if problems:
        raise ValueError(problems[0])
    return model


def _user_models() -> list[Model]:
    """Models the user imported. A file that cannot be used (broken, hostile, a FIFO, a folder,
    absurd shapes) is skipped and named in :func:`user_model_problems`: a bad file in
    ``models/`` never takes the shipped catalog or a sizing command down, and never hangs."""
    from kickoff_tui.record.text import visible

    _user_model_problems.clear()
    folder = user_models_dir()
    found: list[Model] = []
    try:
        if not folder.is_dir():
            return found
        paths = sorted(folder.glob("*.toml"))
    except OSError:
        return found
    if len(paths) > MAX_USER_MODEL_FILES:
        _user_model_problems.append(
            f"{visible(folder)}: {len(paths):,} files; only the first {MAX_USER_MODEL_FILES:,} read"
        )
        paths = paths[:MAX_USER_MODEL_FILES]
    for path in paths:
        try:
            found.append(_read_user_model(path))
        except (ValueError, RecursionError, OSError) as err:
            _user_model_problems.append(f"{visible(path)}: skipped: {visible(err)}")
    return found


def user_model_problems() -> list[str]:
    """Files of the user's ``models/`` folder skipped by the last catalog load, one line each
    (``kickoff catalog models`` prints them as warnings)."""
    _model_index()
    return list(_user_model_problems)


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
