"""A second hand-driven audit (a portfolio meeting, 80x24 and 200x50, F1 on questions), each
defect pinned by a Pilot test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("textual")

from test_app_audit import _isolated, screen_text  # noqa: E402, F401 - the autouse data folder

from kickoff_tui.app import KickoffApp  # noqa: E402
from kickoff_tui.app.demo import fixed_clock, settle, workers_done  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def portfolio_app(tmp_path: Path) -> KickoffApp:
    """The shipped three-workload session, opened from a copy (examples/ stays untouched)."""
    copy = tmp_path / "session-portfolio.toml"
    shutil.copy(EXAMPLES / "session-portfolio.toml", copy)
    return KickoffApp("open", copy, clock=fixed_clock)


async def _settled(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await workers_done(app)
    await settle(pilot)


async def test_the_review_shows_the_workload_being_answered_and_the_shared_fleet(tmp_path: Path) -> None:
    """Answering for the second workload, Ctrl+R showed the first workload's spec and plan
    (MI355X, 16 GPUs where the wizard's panel said MI300X, 3 GPUs), the decision log and
    "Why these numbers" of the one being answered, and named neither; the shared fleet the
    wizard shows was nowhere on the review."""
    app = portfolio_app(tmp_path)
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await _settled(pilot, app)
        session = app.controller.require()
        app.controller.select_workload("ticket classifier")
        app.screen._refresh_results()
        await _settled(pilot, app)
        answering = app.controller.spec()
        first = session.spec()
        assert answering is not None and first is not None
        assert answering.total_gpus != first.total_gpus  # the two differ: the test can tell them apart

        await pilot.press("ctrl+r")
        await _settled(pilot, app)
        review = app.screen
        assert review.query_one("#review-spec").spec is answering
        assert review._plan_key is not None and review._plan_key[0] is answering
        assert "workload ticket classifier (2 of 3)" in review.sub_title
        assert review.query_one("#review-spec-col").border_title == "workload ticket classifier (2 of 3)"
        text = str(review.query_one("#plan-cost").render())
        assert "workload ticket classifier (2 of 3), sized alone" in text
        fleet = str(review.query_one("#review-portfolio").render())
        assert "Fleet h200-sxm" in fleet and "▶ ticket classifier" in fleet


async def test_the_replay_of_a_signed_off_portfolio_session_says_it_was_signed_off(tmp_path: Path) -> None:
    """The replay of examples/session-portfolio.toml (IT and the AI team signed off, events
    62 and 63) said "Not signed off.": a portfolio keeps no single signed spec."""
    from kickoff_tui.app.screens.replay import ReplayScreen

    app = portfolio_app(tmp_path)
    async with app.run_test(size=(80, 24), notifications=False) as pilot:
        await _settled(pilot, app)
        app.push_screen(ReplayScreen(app.controller.require()))
        await _settled(pilot, app)
        step = str(app.screen.query_one("#replay-step").render())
        assert "not signed off" not in step
        assert "At the end of the log: ✓ signed off by IT (Priya Raman), AI team (Sam Lindqvist)" in step


async def test_the_replay_names_workload_events_and_counts_every_workloads_answers(tmp_path: Path) -> None:
    """A TUI audit saw "Alice App workload_add" (the raw event kind, its reason not shown), and the
    header's "23 answered" fell to "5 answered" once a workload was added: the answers that moved
    into the workload were no longer counted."""
    from kickoff_tui.app.screens.replay import ReplayScreen, describe_event

    app = portfolio_app(tmp_path)
    async with app.run_test(size=(120, 40), notifications=False) as pilot:
        await _settled(pilot, app)
        session = app.controller.require()
        lines = [describe_event(e, session) for e in session.events]
        added = [line for line in lines if "added the workload" in line]
        assert added and not any("workload_add" in line for line in lines)
        answers = [line for line in lines if " answered " in line and "ticket classifier:" in line]
        assert answers, "an answer given for one workload names it"
        screen = ReplayScreen(session)
        app.push_screen(screen)
        await _settled(pilot, app)
        counts = []
        for index in range(len(screen.states)):
            screen.show_step(index)
            header = str(app.screen.query_one("#replay-step").render()).splitlines()[0]
            counts.append(int(header.split("·")[1].split()[0]))
        first_add = next(i for i, st in enumerate(screen.states) if st.event and st.event.kind == "workload_add")
        assert counts[first_add] >= counts[first_add - 1], counts  # the answers moved, none were lost
        state = screen.states[-1]
        assert counts[-1] == len(state.answers) + sum(len(a) for a in state.workloads.values())


async def test_participants_count_the_answers_given_for_each_workload(tmp_path: Path) -> None:
    """F2 in a portfolio session listed Dana Okafor (who gave every workload's use case, load
    and SLOs) with no answers and Sam Lindqvist with "1 answer": only the shared answers were
    counted."""
    app = portfolio_app(tmp_path)
    async with app.run_test(size=(80, 24), notifications=False) as pilot:
        await _settled(pilot, app)
        session = app.controller.require()
        expected = {}
        for answer in [*session.answers.values(),
                       *(a for w in session.workloads for a in w.answers.values())]:
            expected[answer.answered_by] = expected.get(answer.answered_by, 0) + 1
        await pilot.press("f2")
        await _settled(pilot, app)
        rows = [str(row.render()) for row in app.screen.query(".person")]
        assert expected["Dana Okafor"] > 10 and expected["Sam Lindqvist"] > 1
        for name, count in expected.items():
            assert any(name in row and f"{count} answers" in row for row in rows), (name, count, rows)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_a_long_unit_beside_a_number_field_is_never_cut(size: tuple[int, int]) -> None:
    """At 80x24 "How many requests does an active user send per hour?" showed the unit as
    "requests/us" (and "requests in flight" as "requests in fl"): the unit took the width of
    its text and was cut at the form's edge."""
    from kickoff_tui.app.demo import demo_app, to_wizard

    app = demo_app()
    async with app.run_test(size=size, notifications=False) as pilot:
        await to_wizard(pilot)
        for question, words in (("requests_per_user_per_hour", ("requests/", "hour")),
                                ("peak_concurrency", ("requests", "in flight"))):
            app.screen._show_question(question)
            await _settled(pilot, app)
            unit = app.screen.query_one("#q-unit")
            body = app.screen.query_one("#q-body")
            assert unit.region.right <= body.region.right, (question, unit.region, body.region)
            shown = " ".join(line[unit.content_region.x:unit.content_region.right].strip()
                             for line in screen_text(app).splitlines()[unit.content_region.y:
                                                                     unit.content_region.bottom])
            assert all(w in shown for w in words), (question, shown)
            assert shown.replace("/ ", "/").split() == app.screen.query_one("#q-unit").unit.split(), shown


async def test_the_start_screens_key_bar_fits_80_columns() -> None:
    """At 80x24 the start screen's key bar read "f1 Hel▏^p palette": the last key ran under
    the palette key."""
    from kickoff_tui.app.demo import demo_app

    app = demo_app()
    async with app.run_test(size=(80, 24), notifications=False) as pilot:
        await settle(pilot)
        bar = screen_text(app).splitlines()[-1]
        assert "f1 Help" in bar and "^p palette" in bar, bar


def _questions_by_role(app, role: str, count: int = 4):  # type: ignore[no-untyped-def]
    """The ``count`` questions of ``role`` with the longest help (the ones the short view cuts
    and the help dialog must wrap the most), in questionnaire order; asserts the role has at
    least ten questions with help, so the pick is a real choice."""
    questions = [q for q in app.controller.questionnaire.questions if q.role == role and q.help]
    assert len(questions) >= 10, role
    longest = set(sorted(questions, key=lambda q: len(q.help), reverse=True)[:count])
    return [q for q in questions if q in longest]


@pytest.mark.parametrize("role", ["app_owner", "ai_team", "it"])
async def test_f1_on_a_question_gives_its_whole_help_and_fits_80x24(role: str) -> None:
    """Below 30 rows a question's help shows three lines, cut mid-sentence ("... Pick the
    closest; a RAG") with no mark, and F1 said nothing about the question: the rest could not
    be read anywhere at 80x24. F1 now starts with the question, its owner and its whole help;
    the shortened help ends in "… F1: all of it"; the key table's wrapped lines stay in their
    column."""
    from kickoff_tui.app.demo import demo_app, to_wizard

    app = demo_app()
    async with app.run_test(size=(80, 24), notifications=False) as pilot:
        await to_wizard(pilot)
        questions = _questions_by_role(app, role)
        shortened = 0
        for question in questions:
            app.screen._show_question(question.id)
            await settle(pilot)
            shown = app.screen.query_one("#q-help")
            if len(shown.render().plain) < len(question.help):
                assert shown.render().plain.endswith("… F1: all of it"), question.id
                shortened += 1
            await pilot.press("f1")
            await settle(pilot)
            dialog = app.screen
            assert type(dialog).__name__ == "HelpDialog"
            topic = dialog.query_one("#help-topic")
            words = " ".join(topic.render().plain.split())
            assert " ".join(question.prompt.split()) in words, question.id
            assert " ".join(question.help.split()) in words, question.id
            box = dialog.query_one("#help-box").region
            assert box.x >= 0 and box.right <= 80 and box.bottom <= 24
            assert topic.region.right <= box.right and topic.region.width >= 60
            keys = dialog.query_one("#help-keys")
            for line in keys.render().plain.splitlines():
                assert line[:16].strip() == "" or line[14:16] == "  ", line  # key, or indented
            await pilot.press("escape")
            await settle(pilot)
            assert type(app.screen).__name__ == "WizardScreen"
        assert shortened, "none of the longest helps was shortened at 80x24"


async def test_the_decision_logs_owner_badges_follow_a_theme_switch() -> None:
    """Ctrl+T on the review screen turned everything light but the decision log's owner
    badges, which kept the dark theme's near-black text on its bright role colours."""
    from kickoff_tui.app.demo import answered_wizard, demo_app

    app = demo_app()
    async with app.run_test(size=(120, 36), notifications=False) as pilot:
        await answered_wizard(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        log = app.screen.query_one("#review-log")

        def owner_style() -> str:
            return str(log.get_row_at(0)[1].style)

        dark = owner_style()
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.theme == "kickoff-light"
        light = app.theme_variables
        assert owner_style() != dark
        assert light["role-text"] in owner_style()


async def test_a_shortened_help_ends_on_a_whole_sentence() -> None:
    """At 80x24 the use-case help read "...people tolerate. Pick … F1: all of it": one word of
    the next sentence, then the mark."""
    from kickoff_tui.app.demo import demo_app, to_wizard
    from kickoff_tui.app.widgets.question_form import MORE, HelpText

    app = demo_app()
    async with app.run_test(size=(80, 24), notifications=False) as pilot:
        await to_wizard(pilot)
        app.screen._show_question("use_case")  # type: ignore[attr-defined]
        await settle(pilot)
        shown = app.screen.query_one("#q-help", HelpText).render().plain
        assert shown.endswith(MORE), shown
        assert shown[: -len(MORE)].rstrip().endswith("."), shown
