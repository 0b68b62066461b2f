"""Shared fixtures: every test gets a private data dir so nothing touches the real home."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("kickoff-ci", derandomize=True)
settings.register_profile("kickoff-random", derandomize=False)
settings.load_profile("kickoff-random" if os.environ.get("KICKOFF_HYP_RANDOM") else "kickoff-ci")
"""Property tests draw the same examples on every machine (a fresh clone passes or fails as this
one does); ``KICKOFF_HYP_RANDOM=1`` draws new ones, for hunting with more examples."""


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


TEST_FRAME_PERIOD_S = 0.1
"""How often a test app repaints the (headless) screen: 10 times a second instead of Textual's
60. A repaint of the wizard costs 40-90 ms on a 2-core machine, and nothing in a test looks at
the frames in between; ``pilot.pause()`` still repaints before a test reads the screen. Like a
slower terminal, this changes when frames are drawn, never what they show or in which order
keys arrive."""


def _slower_frames() -> None:
    try:
        import textual.screen
        from textual.pilot import Pilot
    except ImportError:  # the pure layers' tests run without Textual
        return
    textual.screen.UPDATE_PERIOD = TEST_FRAME_PERIOD_S

    # Kickoff holds a typed key until the app has finished with the one before (a focus move
    # that waits for the next repaint included). ``pilot.press`` returns once Textual is idle,
    # which can be before a held key was handed on; a test reading the screen right after it
    # would then race the key. So ``press`` also waits for the held keys.
    original_press = Pilot.press

    async def press(self: Pilot, *keys: str) -> None:  # type: ignore[type-arg]
        from kickoff_tui.app.demo import keys_handled

        await original_press(self, *keys)
        await keys_handled(self)

    Pilot.press = press  # type: ignore[method-assign]


_slower_frames()
