"""The shipped error-band table (``data/error_bands.toml``, written by scripts/make_error_bands.py)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def error_band_table() -> dict:
    text = resources.files("kickoff_tui.catalog").joinpath("data", "error_bands.toml").read_text("utf-8")
    return tomllib.loads(text)
