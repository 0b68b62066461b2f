"""Scripted scenes of a kickoff, shared by the snapshot tests, the screenshots script and the
keypress benchmark. Each scene drives a fresh app with a fixed clock, so pictures repeat exactly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled

from kickoff_tui.app.app import KickoffApp
from kickoff_tui.app.themes import LIGHT_THEME

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
"""The moment every demo session happens (snapshots must not depend on the real clock)."""

DEMO_PEOPLE: tuple[tuple[str, str], ...] = (
    ("Dana Whitfield", "app_owner"),
    ("Sam Okafor", "ai_team"),
    ("Priya Raman", "it"),
)
"""Who is in the demo meeting: one person per role."""

DEMO_ANSWERS: tuple[tuple[str, object, int, str], ...] = (
    ("use_case", "rag", 0, "internal support assistant over the wiki"),
    ("peak_concurrency", 180, 0, "p99 in-flight from the pilot's gateway logs"),
    ("ttft_target_ms", 1500, 0, "agents wait for retrieval anyway"),
    ("model", "llama-3.1-70b", 1, "best quality in the pilot bake-off"),
    ("avg_input_tokens", 6000, 1, "measured on 2,000 pilot requests"),
    ("gpu", "h100-sxm", 2, "what the data centre already runs"),
    ("monthly_traffic_growth", 3, 0, "pilot traffic grew about 3% a month"),
)
"""(question, value, index into DEMO_PEOPLE, rationale) recorded in demo sessions."""


def fixed_clock() -> datetime:
    """Always :data:`FIXED_NOW`."""
    return FIXED_NOW


def demo_app(theme: str | None = None) -> KickoffApp:
    """A fresh app on the fixed clock, with animations off (a scroll caught half-way would make
    the picture depend on the machine's speed)."""
    app = KickoffApp(clock=fixed_clock, theme=theme)
    app.animation_level = "none"
    return app


KEYS_WAIT_LIMIT_S = 10.0
"""Longest :func:`keys_handled` waits (far beyond any real key; a hang fails the caller)."""


async def keys_handled(pilot: Pilot) -> None:
    """Wait until every key sent so far was handed on and handled."""
    app = pilot.app
    waited = 0.0
    while getattr(app, "keys_pending", False) and waited < KEYS_WAIT_LIMIT_S:
        await pilot.pause(0.01)
        waited += 0.01
    await pilot.pause()


WORKERS_WAIT_ROUNDS = 100
"""Most times :func:`workers_done` waits again after a superseded worker (each wait ends when
the workers of that moment have; a draft typed meanwhile starts another)."""


async def workers_done(app: App) -> None:
    """Wait until every worker has finished. A worker of an exclusive group (a draft's sizing)
    that a newer one superseded ends cancelled: by design, so the newer one is awaited instead
    (Textual's ``wait_for_complete`` raises WorkerCancelled for it)."""
    for _ in range(WORKERS_WAIT_ROUNDS):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue
    await app.workers.wait_for_complete()


async def settle(pilot: Pilot) -> None:
    """Wait for workers and pending refreshes; freeze cursors; drop toasts."""
    app = pilot.app
    await keys_handled(pilot)
    await workers_done(app)
    await pilot.pause()
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    app.clear_notifications()
    await pilot.wait_for_scheduled_animations()
    await workers_done(app)
    await pilot.pause()


async def to_wizard(pilot: Pilot) -> None:
    """From the start screen: new session, add the demo people by keyboard, start questions."""
    await settle(pilot)
    await pilot.press("n")
    await pilot.pause()
    for name, _role in DEMO_PEOPLE:
        pilot.app.screen.query_one("#person-name", Input).value = name
        await pilot.press("enter")
    await pilot.press("ctrl+n")
    await settle(pilot)


def record_demo_answers(app: KickoffApp) -> None:
    """Record :data:`DEMO_ANSWERS` through the session API (as the wizard would)."""
    session = app.controller.require()
    for question, value, person, why in DEMO_ANSWERS:
        name, role = DEMO_PEOPLE[person]
        session.record_answer(question, value, name, role, why)


async def answered_wizard(pilot: Pilot) -> None:
    """Wizard after the demo answers, showing the next question."""
    await to_wizard(pilot)
    record_demo_answers(pilot.app)  # type: ignore[arg-type]
    pilot.app.screen._show_question("precision")  # type: ignore[attr-defined]
    await settle(pilot)


async def red_flag(pilot: Pilot) -> None:
    """The AI team says FP16 on H100 (FP8 hardware): a red flag is raised live."""
    await answered_wizard(pilot)
    await pilot.press("ctrl+g")
    await pilot.pause()
    await pilot.press(*"precision weights", "enter")
    await settle(pilot)
    await pilot.press("down", "enter", "ctrl+s")  # FP16 is the second choice
    await settle(pilot)


async def review(pilot: Pilot) -> None:
    """Review screen after the demo answers."""
    await answered_wizard(pilot)
    await pilot.press("ctrl+r")
    await settle(pilot)


async def plan(pilot: Pilot) -> None:
    """Review screen, Plan tab: cost, growth and sensitivity of the demo answers."""
    await review(pilot)
    pilot.app.screen.query_one("#review-tabs").active = "tab-plan"  # type: ignore[attr-defined]
    await settle(pilot)


async def signoff(pilot: Pilot) -> None:
    """Review screen, Sign-off tab, after IT and the AI team signed off and set the cadence."""
    await review(pilot)
    screen = pilot.app.screen
    screen.query_one("#review-tabs").active = "tab-signoff"  # type: ignore[attr-defined]
    screen.sign_off("it")  # type: ignore[attr-defined]
    screen.sign_off("ai_team")  # type: ignore[attr-defined]
    screen.set_cadence()  # type: ignore[attr-defined]
    await settle(pilot)


async def replay(pilot: Pilot) -> None:
    """Replay of the demo session, two steps back from the end."""
    await answered_wizard(pilot)
    pilot.app.replay_current()  # type: ignore[attr-defined]
    await settle(pilot)
    await pilot.press("left", "left")
    await settle(pilot)


async def help_dialog(pilot: Pilot) -> None:
    """F1 over the wizard."""
    await answered_wizard(pilot)
    await pilot.press("f1")
    await settle(pilot)


@dataclass(frozen=True)
class Scene:
    """A named picture: terminal size, theme, and how to get there."""

    name: str
    size: tuple[int, int]
    run: Callable[[Pilot], Awaitable[None]]
    theme: str | None = None


SCENES: tuple[Scene, ...] = (
    Scene("start", (100, 30), settle),
    Scene("wizard-80x24", (80, 24), to_wizard),
    Scene("wizard-120x36", (120, 36), answered_wizard),
    Scene("red-flag", (120, 36), red_flag),
    Scene("review", (120, 36), review),
    Scene("plan", (120, 36), plan),
    Scene("plan-80x24", (80, 24), plan),
    Scene("signoff", (120, 36), signoff),
    Scene("replay", (120, 36), replay),
    Scene("help", (120, 36), help_dialog),
    Scene("light-theme", (120, 36), answered_wizard, theme=LIGHT_THEME),
)
"""Every scene the screenshots script writes (the snapshot tests cover most of them)."""
