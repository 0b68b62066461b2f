"""Shared fixtures: every test gets a private data dir so nothing touches the real home."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    data = tmp_path_factory.mktemp("kickoff-data")
    monkeypatch.setenv("KICKOFF_DATA_DIR", str(data))
    yield data


@pytest.fixture(autouse=True)
def _no_inherited_columns(monkeypatch):
    """The CLI formats for ``COLUMNS`` when set (pytest-xdist workers inherit ``COLUMNS=80``);
    tests see the pipe default (120) unless they set it themselves."""
    monkeypatch.delenv("COLUMNS", raising=False)
