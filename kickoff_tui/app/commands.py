"""Command palette entries (Ctrl+P) for every action, including "go to" each question."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from kickoff_tui.app.format import safe
from kickoff_tui.app.roles import ROLE_BADGES


class KickoffCommands(Provider):
    """Offers the actions of the screen the palette was opened from, plus the app-wide ones."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        from kickoff_tui.app.screens.review import ReviewScreen
        from kickoff_tui.app.screens.start import StartScreen
        from kickoff_tui.app.screens.wizard import WizardScreen

        app = self.app
        screen = self.screen
        found: list[tuple[str, str, Callable[[], object]]] = []
        if isinstance(screen, StartScreen):
            found += [
                ("New session", "Start a new kickoff", screen.action_new),
                ("Resume last session", "Continue the newest saved session", screen.action_resume),
                ("Open session file…", "Open a saved .toml session", screen.action_open),
                ("Replay a past session…", "Step through a saved session", screen.action_replay),
            ]
        if isinstance(screen, WizardScreen):
            found += [
                ("Save answer", "Record the answer on screen (Ctrl+S)", screen.action_save),
                ("Next question", "PgDn / Ctrl+N", screen.action_next),
                ("Previous question", "PgUp / Ctrl+B", screen.action_back),
                ("Go to question…", "Type to find a question (Ctrl+G)", screen.action_jump),
                ("Unanswered questions first", "Toggle the list order (Ctrl+O)",
                 screen.action_unanswered_first),
                ("Red flags", "Move to the red flags list (Ctrl+L)", screen.action_flags),
                ("Review, sign-off and export", "Ctrl+R", screen.action_review),
                ("Filter: all roles", "Show every question", partial(screen.set_role_filter, None)),
            ]
            for role, badge in ROLE_BADGES.items():
                found.append((f"Filter: {badge} questions", f"Only questions the {badge} owns",
                              partial(screen.set_role_filter, role)))
            session = app.controller.session  # type: ignore[attr-defined]
            if session is not None:
                for q in session.applicable():
                    mark = "✓ " if q.id in session.answers else ""
                    found.append((f"Go to: {safe(q.prompt)}",
                                  f"{mark}{ROLE_BADGES[q.role]} · {q.section}",
                                  partial(screen._show_question, q.id)))
        if isinstance(screen, ReviewScreen):
            found += [
                ("Export TOML and Markdown", "Write both files (Ctrl+S)", screen.action_export_both),
                ("Export TOML", "Session record for git and replay", screen.action_export_toml),
                ("Export Markdown", "Decision record for people", screen.action_export_markdown),
                ("Export deployment files…", "Serving launch files, Kubernetes, alerts (Ctrl+D)",
                 screen.action_export_deploy),
                ("Plan: cost, growth, sensitivity", "Show the Plan tab",
                 partial(setattr, screen.query_one("#review-tabs"), "active", "tab-plan")),
                ("Sign off as IT", "With the IT person picked on the Sign-off tab",
                 partial(screen.sign_off, "it")),
                ("Sign off as AI team", "With the AI team person picked on the Sign-off tab",
                 partial(screen.sign_off, "ai_team")),
                ("Back to questions", "Esc", screen.action_back),
            ]
        if isinstance(screen, (WizardScreen, ReviewScreen)):
            found.append(("Replay this session", "Step through what was recorded so far",
                          app.replay_current))  # type: ignore[attr-defined]
        # Help and the two themes are the app's system commands (App.get_system_commands): listed
        # here too, the palette showed "Theme: light" twice with two descriptions
        found += [
            ("Back to start screen", "Leave this session (it stays saved)", app.go_home),  # type: ignore[attr-defined]
        ]
        return found

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            if not name.startswith("Go to: "):
                yield DiscoveryHit(name, callback, help=safe(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=safe(help_text))
