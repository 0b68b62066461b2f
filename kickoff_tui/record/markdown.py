"""A Markdown report of a session for people who will not open a terminal."""

from __future__ import annotations

from kickoff_tui.record.flags import FlagRecord
from kickoff_tui.record.models import SCORECARD_OWNER
from kickoff_tui.record.questionnaire import ROLE_LABELS
from kickoff_tui.record.session import Session
from kickoff_tui.record.summary import event_line, spec_line, spec_rows


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _flag_line(flag: FlagRecord) -> str:
    owner = ROLE_LABELS[flag.owner]
    line = f"- **{flag.severity}** · {owner} · `{flag.id}`: {flag.message} *Fix:* {flag.fix}"
    if flag.state == "acknowledged":
        line += f" *Acknowledged by {flag.by}:* {flag.reason}"
    elif flag.state == "resolved":
        who = f"by {flag.by}" if flag.by else "automatically"
        line += f" *Resolved {who}:* {flag.reason or '-'}"
    return line


def scorecard_decision_markdown(session: Session) -> list[str]:
    """The vendor scorecard's rows of the decision log: the pick, the weights and the totals,
    with the trade-offs as the why (``decision_entries``), owned by IT."""
    from kickoff_tui.planning.scorecard import decision_entries

    record = session.scorecard
    if record is None:
        return []
    decided = f"{record.set_by} ({ROLE_LABELS[record.role]})"
    if record.owner_mismatch:
        decided += " ⚠ not the owner"
    rows = [
        (topic, value, ROLE_LABELS[SCORECARD_OWNER], decided, why)
        for topic, value, why in decision_entries(record.card)
    ]
    out = ["### Provider scorecard", ""]
    if record.rationale:
        out += [f"Set on {record.at:%Y-%m-%d %H:%M} UTC: {record.rationale}", ""]
    out += _table(("Decision", "Value", "Owner", "Decided by", "Why"), rows)
    return out + [""]


def _band_lines(spec) -> list[str]:  # noqa: ANN001 - SizedSpec
    """How sure the figures are: the error band of the engine x vendor x model-kind group."""
    if not spec.feasible or spec.total_gpus_low is None:
        return []
    out = ["### How sure these numbers are", "",
           f"- **GPUs**: {spec.gpu_count_text} (sized again at the optimistic and pessimistic "
           f"ends of the error band)"]
    if spec.ttft_ms_low is not None:
        out.append(f"- **TTFT**: {spec.ttft_ms:,.0f} ms ({spec.ttft_ms_low:,.0f}-{spec.ttft_ms_high:,.0f})")
    if spec.tpot_ms_low is not None:
        out.append(f"- **TPOT**: {spec.tpot_ms:,.1f} ms ({spec.tpot_ms_low:,.1f}-{spec.tpot_ms_high:,.1f})")
    out.append(f"- Serving engine assumed by the figures: {spec.engine}; band of {spec.band_group}: {spec.band_note}")
    out.append("")
    return out


def session_markdown(session: Session) -> str:
    """The report: status, spec, decision log, red flags, cadence, event log."""
    q = session.questionnaire
    out: list[str] = [f"# Kickoff: {session.title}", ""]
    out.append(
        f"Session `{session.id}`, started {session.created:%Y-%m-%d %H:%M} UTC, last change "
        f"{session.updated:%Y-%m-%d %H:%M} UTC. Questionnaire {session.questionnaire_id} "
        f"v{session.questionnaire_version}; catalog {session.catalog_version or 'unknown'}."
    )
    out.append("")

    out += ["## Status", ""]
    for role in ("it", "ai_team"):
        signed = session.signoff(role)
        text = f"signed off by {signed.name} on {signed.at:%Y-%m-%d}" if signed else "**not signed off**"
        out.append(f"- {ROLE_LABELS[role]}: {text}")
    if session.cadence is not None:
        out.append(
            f"- Review: {session.cadence.every}, next review on **{session.cadence.next_review}** "
            f"(set by {session.cadence.set_by})"
        )
    else:
        out.append("- Review: **no cadence set**")
    open_flags = session.open_flags()
    critical = sum(f.severity == "critical" for f in open_flags)
    out.append(f"- Open red flags: {len(open_flags)} ({critical} critical)")
    out.append("")

    if session.participants:
        out += ["## Participants", ""]
        out += _table(("Name", "Role"), [(p.name, ROLE_LABELS[p.role]) for p in session.participants])
        out.append("")

    spec = session.signed_spec
    heading = "## Sized spec (as signed off)"
    if spec is None:
        spec = session.spec()
        heading = "## Sized spec (current answers, not signed off)"
    out += [heading, ""]
    if spec is None:
        out += [f"Not sized: {session.sizing_error}", ""]
    else:
        out += [spec_line(spec), ""]
        out += _table(("Figure", "Value"), list(spec_rows(spec)))
        out.append("")
        out += _band_lines(spec)
        if spec.why:
            out += ["### Why these numbers", ""]
            out += [f"- **{key}**: {text}" for key, text in spec.why.items()]
            out.append("")
        if spec.assumptions:
            out += ["### Assumptions (not answered in the meeting)", ""]
            out += [f"- `{a.field}` = {a.value}: {a.reason}" for a in spec.assumptions]
            out.append("")
        if spec.warnings:
            out += ["### Warnings", ""]
            out += [f"- {w}" for w in spec.warnings]
            out.append("")

    out += ["## Decision log", ""]
    for section in q.sections():
        rows = []
        for question in q.by_section(section):
            answer = session.answers.get(question.id)
            if answer is not None:
                decided = f"{answer.answered_by} ({ROLE_LABELS[answer.role]})"
                if answer.owner_mismatch:
                    decided += " ⚠ not the owner"
                rows.append(
                    (question.prompt, question.label_of(answer.value), ROLE_LABELS[question.role],
                     decided, answer.rationale or "-")
                )
            elif question.default is not None:
                rows.append(
                    (question.prompt, f"{question.label_of(question.default)} (default, assumed)",
                     ROLE_LABELS[question.role], "-", "not answered")
                )
            elif not question.optional:
                rows.append((question.prompt, "not answered", ROLE_LABELS[question.role], "-", "-"))
        if rows:
            out += [f"### {section}", ""]
            out += _table(("Question", "Decision", "Owner", "Decided by", "Why"), rows)
            out.append("")
    if session.scorecard is not None:
        out += scorecard_decision_markdown(session)
    extra = [k for k in session.answers if q.find(k) is None]
    if extra:
        out += ["### Answers to questions not in this questionnaire", ""]
        out += [f"- `{k}` = {session.answers[k].value}" for k in extra]
        out.append("")

    out += ["## Red flags", ""]
    groups = (
        ("Open", session.open_flags()),
        ("Acknowledged", [f for f in session.active_flags() if f.state == "acknowledged"]),
        ("Resolved", [f for f in session.flags if f.state == "resolved"]),
    )
    if not session.flags:
        out += ["None raised.", ""]
    for title, flags in groups:
        if flags:
            out += [f"### {title}", ""]
            out += [_flag_line(f) for f in flags]
            out.append("")

    out += ["## Review cadence", ""]
    if session.cadence is not None:
        out.append(
            f"Inputs are reviewed **{session.cadence.every}**; the next review is on "
            f"**{session.cadence.next_review}**. Replay this record at the review with "
            f"`kickoff replay FILE` and re-size it with today's catalog with `kickoff size FILE`."
        )
    else:
        out.append("No review cadence was set.")
    out.append("")

    if session.events:
        out += ["## Event log", ""]
        for event in session.events:
            out.append(f"{event.seq}. {event.at:%Y-%m-%d %H:%M} {_cell(event_line(event, q))}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def export_spec(session: Session):  # noqa: ANN201 - SizedSpec | None
    """The spec an export describes: the one signed off, else the one sized from the answers."""
    return session.signed_spec if session.signed_spec is not None else session.spec()


def planning_markdown(session: Session) -> str:
    """The planning sections (cost, business case, growth, sensitivity, scorecard, deployment) of
    the session's export, from its spec, sizing inputs and :meth:`Session.planning`. Raises
    :class:`~kickoff_tui.errors.KickoffError` when a stored planning answer is refused."""
    from kickoff_tui.planning import markdown_sections

    spec = export_spec(session)
    if spec is None:
        return "\n".join(
            ["## Cost, growth and deployment", "", f"Not computed: {session.sizing_error}", ""]
        )
    return markdown_sections(spec, session.sizing_inputs(), session.planning())
