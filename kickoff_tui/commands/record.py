"""Session sub-commands: replay, diff, export (Markdown and deployment files), questionnaire
check/show.

Headless: nothing here imports Textual (``replay --tui`` hands over to the app module).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kickoff_tui.commands import json_output
from kickoff_tui.errors import KickoffError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``replay``, ``diff``, ``export`` and ``questionnaire`` to the ``kickoff`` parser."""
    p = sub.add_parser(
        "replay",
        help="replay a session: each decision with the spec and open flags after it",
        description="Print the decisions of a saved session in order, with the spec re-sized and "
        "the open red flags after each step.",
    )
    p.add_argument("file", metavar="FILE", help="session file (.toml)")
    p.add_argument("--at", type=int, metavar="N", help="stop after event N")
    p.add_argument("--json", action="store_true", help="print the steps as JSON")
    p.add_argument("--tui", action="store_true", help="open the replay in the app instead")
    _questionnaire_option(p)
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser(
        "diff",
        help="compare two sessions: inputs, owners and spec",
        description="Show what differs between two sessions: sizing inputs, other answers, who "
        "decided, the spec (as signed off, else re-sized), sign-offs and cadence.",
    )
    p.add_argument("a", metavar="A", help="first session file")
    p.add_argument("b", metavar="B", help="second session file")
    p.add_argument("--json", action="store_true", help="print the differences as JSON")
    _questionnaire_option(p)
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser(
        "export",
        help="write the report (Markdown or HTML) and/or the deployment files of a session",
        description="Write a Markdown report of a session (status, spec, decision log, red flags, "
        "review cadence, event log, then cost, business case, growth, sensitivity, provider "
        "scorecard and deployment) and/or the deployment files (engine launch scripts, "
        "Kubernetes, autoscaler, alert rules). Give --markdown, --deploy DIR or both.",
    )
    p.add_argument("file", metavar="FILE", help="session file (.toml)")
    p.add_argument(
        "--markdown", action="store_true", help="write the Markdown report (charts as SVG beside it)"
    )
    p.add_argument(
        "--html", action="store_true", help="write the report as one self-contained HTML file"
    )
    p.add_argument(
        "--out",
        metavar="PATH",
        help="report path (default: FILE with .md / .html; '-' for stdout)",
    )
    p.add_argument("--json", action="store_true", help="print the files written as JSON")
    p.add_argument(
        "--deploy",
        metavar="DIR",
        help="write the deployment files for the spec (signed off, else current) into DIR",
    )
    p.add_argument("--force", action="store_true", help="overwrite deployment files already in DIR")
    _questionnaire_option(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "questionnaire",
        help="check or show a questionnaire file",
        description="Validate a questionnaire (errors name the question and field) or list its questions.",
    )
    qsub = p.add_subparsers(dest="questionnaire_command", metavar="ACTION")
    check = qsub.add_parser("check", help="validate a questionnaire file")
    check.add_argument("file", metavar="FILE", help="questionnaire TOML")
    check.add_argument("--json", action="store_true", help="print the result (and problems) as JSON")
    check.set_defaults(func=cmd_questionnaire_check)
    show = qsub.add_parser("show", help="list the questions (the shipped questionnaire by default)")
    show.add_argument("file", metavar="FILE", nargs="?", help="questionnaire TOML")
    show.add_argument("--json", action="store_true", help="print the questions as JSON")
    show.set_defaults(func=cmd_questionnaire_show)
    p.set_defaults(func=lambda args: (p.print_help(), 0)[1])


def _questionnaire_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--questionnaire",
        metavar="FILE",
        help="questionnaire the session was recorded with (default: the shipped one)",
    )


def _load(path: str, args: argparse.Namespace):
    from kickoff_tui.record import load_questionnaire, load_session

    questionnaire = load_questionnaire(args.questionnaire) if getattr(args, "questionnaire", None) else None
    return load_session(Path(path), questionnaire=questionnaire)


JSON_SCHEMA_VERSION = json_output.SCHEMA_VERSION  # one number for every --json output


def _wrap(text: str, indent: str) -> str:
    """``text`` wrapped to the output width (``COLUMNS``, the terminal, else 120), continued lines
    indented; one trailing newline."""
    import textwrap

    from kickoff_tui.cli import output_width

    lines = textwrap.wrap(
        text,
        width=max(40, output_width()),
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
        drop_whitespace=True,
    )
    if text.startswith(" ") and lines:
        lines[0] = text[: len(text) - len(text.lstrip())] + lines[0].lstrip()
    return "\n".join(lines or [""]) + "\n"


class _VisibleWriter:
    """Writes text from a session to the terminal with control characters shown as escapes
    (the loader already refuses them; this keeps the promise whatever a future loader lets in)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        from kickoff_tui.record.text import visible

        self.stream.write(visible(text, keep_newlines=True))


# --- replay ---------------------------------------------------------------------------------------


def _flag_words(flags: list[Any]) -> str:
    return ", ".join(f"{f.severity}: {f.id}" for f in flags) if flags else "none"


def _spec_json(spec: Any) -> dict[str, Any] | None:
    if spec is None:
        return None
    from kickoff_tui.record.summary import SPEC_FIELDS

    data = {"feasible": spec.feasible, "infeasible_reason": spec.infeasible_reason}
    data |= {name: getattr(spec, name) for name, _ in SPEC_FIELDS}
    data |= {"model": spec.model, "gpu": spec.gpu}
    return data


REPLAY_FIELDS_SHOWN = 6
"""Moved unsigned fields named by ``kickoff replay`` before it says "and N more"."""


def cmd_replay(args: argparse.Namespace) -> int:
    if args.tui:
        from kickoff_tui.commands.app import run_replay_tui

        return run_replay_tui(args.file)
    from kickoff_tui.record import replay_states, snapshot_spec
    from kickoff_tui.record.session import signed_changes, unsigned_changes
    from kickoff_tui.record.summary import event_line, spec_line, spec_rows

    session = _load(args.file, args)
    questionnaire = session.questionnaire
    states = list(replay_states(session, upto=args.at, include_start=True))
    start, states = states[0], states[1:]
    if args.json:
        steps = []
        for state in states:
            event = state.event
            assert event is not None
            steps.append(
                {
                    "step": state.step,
                    "at": event.at.isoformat(),
                    "kind": event.kind,
                    "by": event.by,
                    "role": event.role,
                    "question": event.question,
                    "value": event.value,
                    "rationale": event.rationale,
                    "text": event_line(event, questionnaire),
                    "spec": _spec_json(state.spec),
                    "sizing_error": state.sizing_error,
                    "open_flags": [f.id for f in state.open_flags],
                    "acknowledged_flags": [f.id for f in state.acknowledged_flags],
                }
            )
        json_output.dump(
            {"schema_version": JSON_SCHEMA_VERSION, "session": session.id, "title": session.title,
             "steps": steps},
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0

    out = _VisibleWriter(sys.stdout)
    total = len(session.events)
    upto = f", replayed to event {args.at}" if args.at is not None else ""
    out.write(f"{session.title} ({session.id}): {total} events{upto}\n")
    previous_spec = None
    width = len(str(total))
    pad = " " * (width + 3)
    for state in states:
        event = state.event
        assert event is not None
        head = f"[{state.step:>{width}}] {event.at:%Y-%m-%d %H:%M}  {event_line(event, questionnaire)}"
        out.write("\n" + _wrap(head, pad))
        if event.rationale and event.kind != "flag_ack":
            out.write(_wrap(f"{pad}why: {event.rationale}", pad + "     "))
        line = spec_line(state.spec, state.sizing_error)
        if line != previous_spec:
            out.write(_wrap(f"{pad}spec: {line}", pad + "      "))
            previous_spec = line
        out.write(_wrap(f"{pad}open flags: {_flag_words(state.open_flags)}", pad + "            "))

    final = states[-1] if states else start
    out.write("\n")
    out.write(f"State after event {final.step}:\n" if final.step else "State before any event:\n")
    if final.workloads is not None and len(final.workloads) > 1:
        _write_fleet(out, session, final, args.at)
    elif final.spec is not None:
        for label, value in spec_rows(final.spec):
            out.write(f"  {label:<30} {value}\n")
    else:
        out.write(f"  not sized: {final.sizing_error}\n")
    acknowledged = final.acknowledged_flags
    out.write(f"  open flags: {_flag_words(final.open_flags)}\n")
    if acknowledged:
        out.write("  acknowledged: " + "; ".join(f"{f.id} ({f.reason})" for f in acknowledged) + "\n")
    if args.at is None and session.signed_spec is not None and final.spec is not None:
        recorded = session.catalog_version or "an unknown catalog"
        moved = signed_changes(session.signed_spec, final.spec)
        if snapshot_spec(final.spec) == session.signed_spec:
            out.write("Replay reproduces the spec signed off.\n")
        elif moved:
            out.write(_wrap(
                "Replay does NOT reproduce the spec signed off (the catalog or the sizer changed "
                f"since; recorded with {recorded}): " + "; ".join(moved) + ". See `kickoff size FILE`.", ""))
        else:
            others = unsigned_changes(session.signed_spec, final.spec)
            if len(others) > REPLAY_FIELDS_SHOWN:
                others = [*others[:REPLAY_FIELDS_SHOWN], f"and {len(others) - REPLAY_FIELDS_SHOWN} more"]
            out.write(_wrap(
                "Replay reproduces the signed figures (GPU, count, layout, fabric, power, cooling); "
                f"other fields moved since (recorded with {recorded}): " + ", ".join(others)
                + ". See `kickoff size FILE`.", ""))
    return 0


def _write_fleet(out, session, final, at: int | None) -> None:  # noqa: ANN001
    """A portfolio's state: the shared fleet and each workload's replicas (a portfolio keeps no
    snapshot of its signed figures: each workload's spec was compared at every change, and a
    move withdrew the sign-offs), then who signed."""
    from kickoff_tui.record import rebuild
    from kickoff_tui.record.diff import fleet_figures
    from kickoff_tui.record.summary import role_label

    state = session if at is None else rebuild(session, upto=at)
    out.write("  the shared fleet, re-sized with today's catalog:\n")
    rows = fleet_figures(state)
    width = max(30, *(len(label) for label in rows))
    for label, value in rows.items():
        out.write(f"  {label:<{width}} {value}\n")
    if final.signoffs:
        who = ", ".join(f"{role_label(s.role)} ({s.name}, {s.at:%Y-%m-%d})" for s in final.signoffs)
        out.write(_wrap(f"  signed off by {who}; a portfolio keeps no snapshot of the signed figures: a "
                        "change that moved any workload's figures withdrew the sign-offs", "    "))
    else:
        out.write("  not signed off\n")


# --- diff -----------------------------------------------------------------------------------------


def cmd_diff(args: argparse.Namespace) -> int:
    from kickoff_tui.record import diff_sessions

    a = _load(args.a, args)
    b = _load(args.b, args)
    result = diff_sessions(a, b)
    if args.json:
        data = {
            "schema_version": JSON_SCHEMA_VERSION,
            "a": result.a_title,
            "b": result.b_title,
            "spec_source": {"a": result.a_spec_source, "b": result.b_spec_source},
            "differences": [
                {"section": e.section, "key": e.key, "a": e.a, "b": e.b} for e in result.entries
            ],
        }
        json_output.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 1 if result.entries else 0
    _VisibleWriter(sys.stdout).write("\n".join(result.lines()) + "\n")
    return 1 if result.entries else 0  # like diff(1): 1 when the sessions differ


# --- export ---------------------------------------------------------------------------------------


def _report_paths(args: argparse.Namespace) -> tuple[Path | None, Path | None]:
    """(Markdown path, HTML path) the export writes; ``None`` for stdout or not asked."""
    base = Path(args.file)
    out = None if args.out in (None, "-") else Path(args.out)
    md = html = None
    if args.markdown and args.out != "-":
        md = out if out is not None and not args.html else (out or base).with_suffix(".md")
    if args.html and args.out != "-":
        html = out if out is not None and not args.markdown else (out or base).with_suffix(".html")
    for path in (md, html):
        if path is not None and path.resolve() == base.resolve():
            raise KickoffError(f"{path}: refusing to overwrite the session file with the report")
    if args.out == "-" and args.markdown and args.html:
        raise KickoffError("--out - writes one report to stdout: give --markdown or --html")
    return md, html


def cmd_export(args: argparse.Namespace) -> int:
    from kickoff_tui.planning.html import markdown_to_html
    from kickoff_tui.planning.markdown import CHART_NAMES
    from kickoff_tui.record import atomic_write_text
    from kickoff_tui.record.io import check_write_target, make_folders
    from kickoff_tui.record.markdown import export_spec, report_markdown
    from kickoff_tui.record.text import visible

    if not args.markdown and not args.html and not args.deploy:
        raise KickoffError("export what? give --html, or --markdown, --deploy DIR or both")
    if args.out and not (args.markdown or args.html):
        raise KickoffError("--out names the report; add --markdown or --html")
    session = _load(args.file, args)
    md_path, html_path = _report_paths(args)
    # Everything is computed before anything is written: a refused input leaves no half export.
    files: dict[Path, str] = {}
    roots: dict[Path, Path] = {}  # each file -> the folder the user chose for it
    stdout_text = ""
    if args.markdown or args.html:
        chart_dir = f"{(md_path or Path(args.file)).stem}-charts"
        links = {name: f"{chart_dir}/{name}.svg" for name in CHART_NAMES}
        text, svgs = report_markdown(session, links if (md_path or args.html) else None)
        if md_path is not None:
            files[md_path] = text
            for name, svg in svgs.items():
                files[md_path.parent / chart_dir / f"{name}.svg"] = svg
                roots[md_path.parent / chart_dir / f"{name}.svg"] = md_path.parent
        if args.html:
            page = markdown_to_html(
                text, {links[name]: svg for name, svg in svgs.items()}, title=session.title
            )
            if html_path is not None:
                files[html_path] = page
            else:
                stdout_text = page
        elif md_path is None:
            stdout_text = text  # stdout: no chart files to link
    # A FIFO or device at a report name, a symlink planted at the charts folder: refused
    # before anything (deployment files included) is written.
    for path in files:
        check_write_target(path, roots.get(path, path.parent))
    report = sys.stderr if args.out == "-" else sys.stdout
    written: list[str] = []
    if args.deploy and len(getattr(session, "workloads", ())) > 1:  # one folder per workload
        from kickoff_tui.commands.portfolio import write_portfolio_deployment

        written += [str(p) for p in write_portfolio_deployment(args.file, Path(args.deploy), args.force)]
    elif args.deploy:
        from kickoff_tui.planning import write_deployment

        spec = export_spec(session)
        if spec is None:
            raise KickoffError(
                f"no deployment files: the answers cannot be sized ({session.sizing_error})"
            )
        if not spec.feasible:
            err = KickoffError(
                f"no deployment files: the spec is not feasible ({spec.infeasible_reason})"
            )
            err.exit_code = 1  # infeasible, not bad input: as `kickoff size` and `deploy`
            raise err
        written += [
            str(p)
            for p in write_deployment(
                spec, session.sizing_inputs(), Path(args.deploy), force=args.force
            )
        ]
    for path, text in files.items():
        make_folders(roots.get(path, path.parent), path.parent)  # never through a planted link
        atomic_write_text(path, text, follow_symlinks=False)  # a planted link is replaced
        written.append(str(path))
    if stdout_text:
        sys.stdout.write(stdout_text)
    if args.json and args.out != "-":
        json_output.dump({"schema_version": JSON_SCHEMA_VERSION, "written": written}, sys.stdout, indent=2)  # json escapes control characters
        sys.stdout.write("\n")
    else:
        for path in written:
            print(f"wrote {visible(path)}", file=report)
    return 0


# --- questionnaire --------------------------------------------------------------------------------


def cmd_questionnaire_check(args: argparse.Namespace) -> int:
    from kickoff_tui.record import QuestionnaireError, load_questionnaire

    try:
        questionnaire = load_questionnaire(args.file)
    except QuestionnaireError as err:
        if getattr(args, "json", False):
            json_output.dump({"schema_version": JSON_SCHEMA_VERSION, "file": args.file, "ok": False,
                       "problems": list(err.problems)}, sys.stdout, indent=2)
            sys.stdout.write("\n")
        from kickoff_tui.record.text import visible

        for problem in err.problems:
            print(f"kickoff: {visible(args.file)}: {visible(problem)}", file=sys.stderr)
        return 2
    roles: dict[str, int] = {}
    for question in questionnaire.questions:
        roles[question.role] = roles.get(question.role, 0) + 1
    counts = ", ".join(f"{n} {role}" for role, n in roles.items())
    fed = sum(q.feeds is not None for q in questionnaire.questions)
    planned = sum(q.planning is not None for q in questionnaire.questions)
    if getattr(args, "json", False):
        json_output.dump(
            {"schema_version": JSON_SCHEMA_VERSION, "file": args.file, "ok": True,
             "id": questionnaire.id, "version": questionnaire.version,
             "questions": len(questionnaire.questions), "by_role": roles,
             "feed_sizing": fed, "feed_planning": planned},
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    from kickoff_tui.record.text import visible

    print(
        f"{visible(args.file)}: ok: questionnaire {questionnaire.id!r} v{questionnaire.version}, "
        f"{len(questionnaire.questions)} questions ({counts}), {fed} feed sizing, "
        f"{planned} feed planning"
    )
    return 0


def cmd_questionnaire_show(args: argparse.Namespace) -> int:
    from kickoff_tui.record import ROLE_LABELS, load_questionnaire

    questionnaire = load_questionnaire(args.file)
    if getattr(args, "json", False):
        questions = [
            {"id": q.id, "section": q.section, "role": q.role, "prompt": q.prompt, "type": q.type,
             "unit": q.unit, "feeds": q.feeds, "planning": q.planning, "optional": q.optional,
             "default": q.default}
            for q in questionnaire.questions
        ]
        json_output.dump({"schema_version": JSON_SCHEMA_VERSION, "id": questionnaire.id,
                   "version": questionnaire.version, "title": questionnaire.title,
                   "questions": questions}, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
        return 0
    print(f"{questionnaire.title or questionnaire.id} (id {questionnaire.id}, version {questionnaire.version})")
    for section in questionnaire.sections():
        print(f"\n{section}")
        for q in questionnaire.by_section(section):
            kind = q.type + (f" [{q.unit}]" if q.unit else "")
            feeds = f" -> {q.feeds}" if q.feeds else (f" ({q.action})" if q.action else "")
            if q.planning:
                feeds = f" -> planning {q.planning}"
            default = f", default {q.label_of(q.default)}" if q.default is not None else ""
            print(f"  {q.id:<28} {ROLE_LABELS[q.role]:<18} {kind}{feeds}{default}")
            print(f"  {'':<28} {q.prompt}")
    return 0
