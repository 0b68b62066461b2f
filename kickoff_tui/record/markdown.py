"""A Markdown report of a session for people who will not open a terminal.

The report opens with a decision memo (the decision asked for, the sized spec, one monthly cost per
price basis, open risks, next actions with owners and dates), then the detail (spec, decision log,
red flags, cadence, cost, growth, sensitivity, deployment), a glossary, and the event log as an
appendix. ``kickoff export FILE --markdown`` writes it with its charts as SVG files beside it;
``--html`` writes one self-contained HTML file (``planning/html.py``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kickoff_tui.planning.markdown import BREAK, keep, safe_markdown
from kickoff_tui.record.flags import FlagRecord
from kickoff_tui.record.models import SCORECARD_OWNER
from kickoff_tui.record.questionnaire import ROLE_LABELS
from kickoff_tui.record.session import Session
from kickoff_tui.record.summary import event_line, plural, spec_line, spec_rows, why_label

if TYPE_CHECKING:
    from kickoff_tui.planning.markdown import PlanningParts

ACTION_DAYS_WITHOUT_CADENCE = 14
"""Due date of the next actions when the meeting set no review cadence: two weeks after the last
change (Kickoff choice; the first action is then to set a cadence)."""

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("TTFT", "Time to first token: how long a user waits before the answer starts appearing."),
    ("TPOT", "Time per output token: the pace at which the answer streams once started."),
    ("p95 / p99", "The latency 95% (99%) of requests stay under; the SLO is agreed at one of them."),
    ("SLO", "Service-level objective: the latency targets the sizing must meet."),
    ("In-flight requests", "Requests being answered at the same moment (the load the fleet is sized for)."),
    ("Replica", "One copy of the model serving requests, on one or more GPUs."),
    ("Tensor / pipeline parallel (TP / PP)", "Splitting one replica over several GPUs: TP inside a server, PP across servers."),
    ("Redundancy (N+1)", "Replicas kept beyond the load so one can fail or be updated without breaching the SLO."),
    ("Headroom", "Replicas kept for growth and bursts, beyond load and redundancy."),
    ("KV cache", "GPU memory holding each conversation's context while it is answered; it limits how many requests fit."),
    ("FP8 / BF16", "Number formats of the model weights: FP8 uses half the memory of BF16 at a small accuracy cost."),
    ("On-demand / reserved-1y / reserved-3y", "Renting by the hour, or committing to one or three years for a discount."),
    ("Spot", "Spare cloud capacity at a deep discount that the provider can take back at short notice."),
    ("Capacity block", "GPU capacity booked for a fixed period in advance."),
    ("Break-even utilisation", "Share of hours a committed option must be busy to cost less than on-demand."),
    ("Operations staff", "The engineers who run the fleet, counted for every basis (rented fleets need operating too)."),
    ("IT power / PUE", "Power the servers draw; PUE is the facility's total power divided by it (cooling, losses)."),
    ("Error band", "The range the monthly cost may fall in given the sizer's published accuracy."),
    ("LoRA", "Small fine-tuned adapters served on one shared base model."),
)
"""Terms the report uses, in plain words."""


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell (its line breaks become ``<br>`` when
    :func:`~kickoff_tui.planning.markdown.safe_markdown` escapes the finished report)."""
    text = str(text).replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\r", "").replace("\n", BREAK)


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
    if spec.units_band_text:
        out.append(f"- **Bought**: {spec.units:,} x {spec.unit_name}: {spec.units_band_text}")
    if spec.ttft_ms_low is not None:
        out.append(f"- **TTFT**: {spec.ttft_ms:,.0f} ms ({spec.ttft_ms_low:,.0f}-{spec.ttft_ms_high:,.0f})")
    if spec.tpot_ms_low is not None:
        out.append(f"- **TPOT**: {spec.tpot_ms:,.1f} ms ({spec.tpot_ms_low:,.1f}-{spec.tpot_ms_high:,.1f})")
    out.append(f"- Serving engine assumed by the figures: {spec.engine}; band of {spec.band_group}: {spec.band_note}")
    out.append("")
    return out


def session_markdown(
    session: Session,
    *,
    planning: str = "",
    parts: PlanningParts | None = None,
    charts: dict[str, str] | None = None,
) -> str:
    """The report: decision memo, status, spec, decision log, red flags, cadence, then the
    ``planning`` sections (Markdown from :func:`planning_markdown`), glossary and the event log
    as an appendix. ``parts`` are the planning reports (for one cost everywhere); ``charts`` maps
    chart names to the paths the Markdown links to."""
    q = session.questionnaire
    out: list[str] = [f"# Kickoff: {session.title}", ""]
    out.append(
        f"Session `{session.id}`, started {session.created:%Y-%m-%d %H:%M} UTC, last change "
        f"{session.updated:%Y-%m-%d %H:%M} UTC. Questionnaire {session.questionnaire_id} "
        f"v{session.questionnaire_version}; catalog {session.catalog_version or 'unknown'}."
    )
    out.append("")
    out += memo_markdown(session, parts, charts or {})

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

    if session.workloads:
        from kickoff_tui.record.portfolio_markdown import workloads_markdown

        out += workloads_markdown(session)
    spec = session.signed_spec
    heading = "## Sized spec (as signed off)"
    if spec is None:
        spec = session.spec()
        heading = "## Sized spec (current answers, not signed off)"
    if session.workloads and len(session.workloads) > 1:
        heading = f"## Sized spec of the first workload, {session.workloads[0].name!r}, alone"
    out += [heading, ""]
    if spec is None:
        out += [f"Not sized: {session.sizing_error}", ""]
    else:
        out += [_spec_line(spec, parts), ""]
        out += _table(("Figure", "Value"), _spec_rows(spec, parts))
        out.append("")
        out += _band_lines(spec)
        if spec.why:
            out += ["### Why these numbers", ""]
            out += [
                f"- **{why_label(key)}**: {text}"
                for key, text in spec.why.items()
                if not (parts and parts.cost and key.startswith(("cost", "price")))
            ]
            if parts and parts.cost:
                out.append(
                    f"- **cost**: {_cost_words(parts)}; how it is computed is in the Cost section"
                )
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
            if session.workloads and session.is_per_workload(question.id):
                continue  # listed under each workload (## Workloads)
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

    if planning:  # already safe Markdown (markdown_sections, portfolio_planning_markdown)
        out += [keep(line) for line in planning.rstrip("\n").split("\n")] + [""]
    out += ["## Glossary", ""]
    out += _table(("Term", "Meaning"), list(GLOSSARY))
    out.append("")
    if session.events:
        out += ["## Appendix: event log", ""]
        out.append(
            f"Every change in the order it was made ({len(session.events)} events); "
            "`kickoff replay FILE` replays them with the spec after each."
        )
        out.append("")
        for event in session.events:
            out.append(f"{event.seq}. {event.at:%Y-%m-%d %H:%M} {_cell(event_line(event, q))}")
        out.append("")
    return safe_markdown("\n".join(out).rstrip()) + "\n"


# --- the decision memo ---------------------------------------------------------------------------


def _names(session: Session, role: str) -> str:
    names = [p.name for p in session.participants if p.role == role]
    return ", ".join(names) if names else ROLE_LABELS.get(role, role)


def _cost_words(parts: PlanningParts) -> str:
    from kickoff_tui.planning.figures import usd
    from kickoff_tui.planning.markdown import band_text, monthly_cost

    cost = parts.cost
    month = monthly_cost(cost)
    return (
        f"{usd(month)}/month on the {cost.chosen_option} basis, operations staff included "
        f"({band_text(parts.spec, month)})"
    )


def _spec_line(spec: Any, parts: PlanningParts | None) -> str:
    """The spec in one line, with the report's one monthly cost instead of the sizer's list price."""
    if parts is None or parts.cost is None:
        return spec_line(spec)
    from kickoff_tui.planning.figures import usd
    from kickoff_tui.planning.markdown import monthly_cost

    line = spec_line(spec.model_copy(update={"cost_per_month": None}))
    return f"{line}, {usd(monthly_cost(parts.cost))}/month ({parts.cost.chosen_option}, staff included)"


def _spec_rows(spec: Any, parts: PlanningParts | None) -> list[tuple[str, str]]:
    rows = list(spec_rows(spec))
    if parts is None or parts.cost is None:
        return rows
    out = []
    for label, value in rows:
        if "cost per month" in label.lower():
            out.append(("Monthly cost", _cost_words(parts)))
        elif label.lower().startswith(("cost", "price")):
            continue
        else:
            out.append((label, value))
    return out


def _due(session: Session) -> str:
    if session.cadence is not None:
        return f"{session.cadence.next_review}"
    return f"{(session.updated + timedelta(days=ACTION_DAYS_WITHOUT_CADENCE)).date()}"


def next_actions(session: Session, spec: Any) -> list[tuple[str, str, str]]:
    """(action, owner, due date) from the sign-offs, open flags, open questions, assumptions and
    the review cadence. Due dates: the next review, or two weeks from the last change when no
    cadence is set."""
    due = _due(session)
    actions: list[tuple[str, str, str]] = []
    if session.cadence is None:
        actions.append(("Set a review cadence for the sized inputs", _names(session, "it"), due))
    for role in ("it", "ai_team"):
        if session.signoff(role) is None:
            actions.append(
                (f"Sign off the spec for {ROLE_LABELS[role]}", _names(session, role), due)
            )
    for flag in session.open_flags():
        actions.append(
            (f"Resolve or acknowledge the {flag.severity} flag: {flag.message} {flag.fix}",
             _names(session, flag.owner), due)
        )
    for question in session.unanswered():
        actions.append((f"Answer: {question.prompt}", _names(session, question.role), due))
    if spec is not None:
        for assumption in spec.assumptions:
            question = next(
                (x for x in session.questionnaire.questions if x.feeds == assumption.field), None
            )
            owner = _names(session, question.role) if question is not None else _names(session, "ai_team")
            actions.append(
                (f"Confirm or answer {assumption.field} (assumed {assumption.value}: "
                 f"{assumption.reason})", owner, due)
            )
    for flag in session.active_flags():
        if flag.state == "acknowledged":
            actions.append(
                (f"Review the accepted risk: {flag.message}", _names(session, flag.owner), due)
            )
    if session.cadence is not None:
        actions.append(
            ("Review the inputs and re-size with the current catalog (`kickoff size FILE`)",
             session.cadence.set_by, due)
        )
    return actions


def _signoff_words(session: Session) -> list[str]:
    """"IT: signed off by Priya Raman on 2026-02-03", or not signed off, for both roles."""
    return [
        f"{ROLE_LABELS[r]}: "
        + (f"signed off by {s.name} on {s.at:%Y-%m-%d}" if (s := session.signoff(r)) else "**not signed off**")
        for r in ("it", "ai_team")
    ]


def _growth_risk(session: Session, parts: PlanningParts | None) -> str:
    """The memo's growth risk: the month the shared fleet (fitted request histories) or the
    single deployment's headroom (the expected growth) runs out, when that comes before the next
    review (or no review is set); empty otherwise."""
    from kickoff_tui.record.questionnaire import CADENCE_MONTHS

    review = CADENCE_MONTHS.get(session.cadence.every) if session.cadence is not None else None
    if len(session.workloads) > 1:
        growth = session.portfolio_growth()
        month = growth.fleet_outgrows_month if growth is not None else None
        what = "the shared fleet runs out at the fitted growth rates"
    else:
        figure = parts.growth.out_of_headroom_month if parts is not None and parts.growth is not None else None
        month = figure.value if figure is not None else None
        what = "the growth headroom runs out at the expected growth"
    if month is None or (review is not None and month > review):
        return ""
    when = (f"before the next review ({session.cadence.every}: month {review})" if review is not None
            else "and no review cadence is set")
    return f"**Growth:** {what} in **month {month:g}**, {when}: plan the next order now."


def memo_markdown(
    session: Session, parts: PlanningParts | None, charts: dict[str, str]
) -> list[str]:
    """The first page: decision asked for, sized spec, monthly cost per basis, open risks, next
    actions."""
    from kickoff_tui.planning.figures import num, usd
    from kickoff_tui.planning.markdown import band_text, cost_rows, error_band, monthly_cost

    spec = export_spec(session)
    out = ["## Decision memo", ""]
    out += ["### Decision asked for", ""]
    if len(session.workloads) > 1:
        from kickoff_tui.record.portfolio_markdown import fleet_ask, fleet_markdown

        # A portfolio asks for the shared fleet: its table is the sized spec; each workload's
        # own figures are under Workloads, the fleet's cost per workload under Cost.
        out += fleet_ask(session)
        out += ["Sign-off: " + "; ".join(_signoff_words(session)) + ".", ""]
        out += ["### Sized fleet", ""] + fleet_markdown(session)[2:]
    elif spec is None or not spec.feasible:
        why = session.sizing_error if spec is None else spec.infeasible_reason
        out += [f"No decision can be asked yet: the answers cannot be served as given ({why}).", ""]
    else:
        use = session.questionnaire.find("use_case")
        use_text = use.label_of(session.value("use_case")) if use and session.value("use_case") else spec.use_case
        ask = (
            f"Approve **{spec.total_gpus} x {spec.gpu_name}** in {spec.nodes} "
            f"node{'s' if spec.nodes != 1 else ''} ({num(spec.it_power_kw, 1)} kW IT) to serve "
            f"**{spec.model_name or spec.model}** for {use_text}"
        )
        if parts is not None and parts.cost is not None:
            cost = parts.cost
            month = monthly_cost(cost)
            total = cost.chosen.horizon_total_with_staff
            ask += (
                f", on the **{cost.chosen_option}** basis at **{usd(month)}/month** "
                f"({band_text(spec, month)}), {total.text() if total else 'n/a'} over "
                f"{cost.horizon_years} years, operations staff included"
            )
        out += [ask + ".", ""]
        out += ["Sign-off: " + "; ".join(_signoff_words(session)) + ".", ""]
        if parts is not None and parts.business is not None:
            b = parts.business
            verdict = {"red": "RED FLAG", "weak": "weak", "adequate": "adequate",
                       "strong": "strong"}[b.verdict]
            out += [
                f"Business case ({b.option}): **{verdict}**, return {b.roi.text() if b.roi else 'n/a'} "
                f"the annual cost, payback in {b.payback_months.text() if b.payback_months else 'n/a'} "
                "(see Business case).",
                "",
            ]
        out += ["### Sized spec", ""]
        parallel = spec.layout
        rows = [
            ("Hardware", f"{spec.total_gpus} x {spec.gpu_name}, {plural(spec.nodes, 'node')}, "
             f"{plural(spec.replicas, 'replica')} of {plural(spec.gpus_per_replica, 'GPU')} ({parallel})"),
            ("Why that many", f"{spec.replicas_for_load} replicas for the load, "
             f"{spec.replicas_for_redundancy} for redundancy, {spec.replicas_for_headroom} headroom"),
            ("Serves", f"{spec.model_name or spec.model} at {spec.precision}; peak "
             f"{spec.peak_concurrency} requests in flight"),
            ("Latency", f"TTFT {num(spec.ttft_ms or 0, 0)} ms (target {num(spec.ttft_target_ms)} ms), "
             f"TPOT {num(spec.tpot_ms or 0, 1)} ms (target {num(spec.tpot_target_ms)} ms), at "
             f"{spec.slo_percentile}"),
            ("Power", f"{num(spec.it_power_kw, 1)} kW IT" + (
                f", {num(spec.facility_power_kw, 1)} kW at the facility" if spec.facility_power_kw else "")),
        ]
        if parts is not None and parts.cost is not None:
            rows.append(("Monthly cost", _cost_words(parts)))
        out += _table(("Figure", "Value"), rows)
        out.append("")
        if parts is not None and parts.cost is not None:
            out += ["### Monthly cost per price basis", ""]
            banded = error_band(spec) is not None
            table = []
            for basis, month, total, note in cost_rows(parts.cost):
                note = ", ".join(n for n in note.split(", ") if n and n != "chosen")
                row = [basis + (" **(chosen)**" if basis == parts.cost.chosen_option else ""),
                       f"{usd(month)}/month" if month is not None else "n/a"]
                if banded:
                    row.append(band_text(spec, month) if month is not None else "-")
                row += [usd(total) if total is not None else "n/a", note]
                table.append(tuple(row))
            header = ["Basis", "Monthly cost"] + (["Error band"] if banded else [])
            header += [f"{parts.cost.horizon_years}-year total", "Note"]
            out += _table(tuple(header), table)
            out += ["", "Each monthly cost is the GPUs' cost plus the operations staff "
                    f"({usd(parts.cost.staff_per_month.value)}/month, the same for every basis)."
                    + ("" if banded else " No error band yet: the sizer does not attach one to "
                       "its spec (the figures are its central estimate).")]
            if charts.get("cost"):
                out += ["", keep(f"![Monthly cost per price basis]({charts['cost']})")]
            out.append("")
    out += ["### Open risks", ""]
    open_flags = session.open_flags()
    if open_flags:
        out += [
            f"- **{f.severity}** ({_names(session, f.owner)}): {f.message} *Fix:* {f.fix}"
            for f in open_flags
        ]
    else:
        out.append("- No open red flags.")
    accepted = [f for f in session.active_flags() if f.state == "acknowledged"]
    out += [
        f"- Accepted by {f.by}: {f.message} *Why:* {f.reason}" for f in accepted
    ]
    if spec is not None and spec.assumptions:
        out.append(
            f"- {len(spec.assumptions)} sizing input(s) assumed, not answered: "
            + ", ".join(f"`{a.field}` = {a.value}" for a in spec.assumptions)
            + "."
        )
    out += [f"- {w}" for w in (spec.warnings if spec is not None else [])]
    growth_risk = _growth_risk(session, parts)
    if growth_risk:
        out.append(f"- {growth_risk}")
    out.append("")
    out += ["### Next actions", ""]
    actions = next_actions(session, spec)
    if actions:
        out += _table(("Action", "Owner", "Due"), actions)
    else:
        out.append("None.")
    out += ["", "---", ""]
    return out


def export_spec(session: Session):  # noqa: ANN201 - SizedSpec | None
    """The spec an export describes: the one signed off, else the one sized from the answers."""
    return session.signed_spec if session.signed_spec is not None else session.spec()


def _not_sized(session: Session) -> str:
    """The planning section of a session whose answers cannot be sized, and why."""
    return safe_markdown("\n".join(
        ["## Cost, growth and deployment", "", f"Not computed: {session.sizing_error}", ""]
    ))


def planning_markdown(session: Session) -> str:
    """The planning sections (cost, business case, growth, sensitivity, scorecard, deployment) of
    the session's export, from its spec, sizing inputs and :meth:`Session.planning`. Raises
    :class:`~kickoff_tui.errors.KickoffError` when a stored planning answer is refused."""
    from kickoff_tui.planning import markdown_sections

    if is_portfolio_report(session):
        from kickoff_tui.record.portfolio_markdown import portfolio_planning_markdown

        return portfolio_planning_markdown(session, session_parts(session))
    spec = export_spec(session)
    if spec is None:
        return _not_sized(session)
    return markdown_sections(spec, session.sizing_inputs(), session.planning())


def is_portfolio_report(session: Session) -> bool:
    """Two or more workloads: the planning sections describe the shared fleet (a session of one
    workload, named or not, gets exactly the single-workload sections)."""
    return len(session.workloads) > 1


def session_parts(session: Session) -> PlanningParts | None:
    """The planning reports of the session's export spec, computed once (``None`` if unsized).
    Raises :class:`~kickoff_tui.errors.KickoffError` when a stored planning answer is refused."""
    from kickoff_tui.planning.markdown import planning_parts

    spec = export_spec(session)
    if spec is None:
        return None
    return planning_parts(spec, session.sizing_inputs(), session.planning())


def report_markdown(session: Session, charts: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
    """The whole report and its charts: (Markdown, chart name -> SVG). ``charts`` maps chart
    names to the paths the Markdown should link to (none: no images linked)."""
    from kickoff_tui.planning.markdown import chart_svgs, markdown_sections

    parts = session_parts(session)
    svgs: dict[str, str]
    if is_portfolio_report(session):
        from kickoff_tui.record.portfolio_markdown import portfolio_planning_markdown

        # the first workload's charts (cost per basis, growth, sensitivity) would speak for one
        # workload only: not drawn (the fleet's figures are tables)
        svgs = {}
        charts = {}
        planning = portfolio_planning_markdown(session, parts)
    elif parts is None:
        planning = _not_sized(session)
        svgs = {}
    else:
        svgs = chart_svgs(parts)
        links = {k: v for k, v in (charts or {}).items() if k in svgs}
        # the cost chart sits in the memo; the sections link the others
        detail = {k: v for k, v in links.items() if k != "cost"}
        planning = markdown_sections(parts.spec, parts.inputs, parts=parts, charts=detail)
        charts = links
    text = session_markdown(session, planning=planning, parts=parts, charts=charts)
    return text, svgs


def report_files(session: Session, path: Path) -> dict[Path, str]:
    """The Markdown report at ``path`` and its charts in ``STEM-charts/`` beside it (path ->
    text; nothing written). ``kickoff export --markdown`` and the app's export share it."""
    from kickoff_tui.planning.markdown import CHART_NAMES

    chart_dir = f"{path.stem}-charts"
    text, svgs = report_markdown(session, {n: f"{chart_dir}/{n}.svg" for n in CHART_NAMES})
    files = {path: text}
    files |= {path.parent / chart_dir / f"{name}.svg": svg for name, svg in svgs.items()}
    return files


def write_report(session: Session, path: Path) -> list[Path]:
    """Write :func:`report_files` (each file atomically); return the paths. As ``kickoff
    export``: a symlink planted at the charts folder, or a FIFO or device at a file name, is
    refused before anything is written; a link at a file name is replaced, not written through."""
    from kickoff_tui.record.io import atomic_write_text, check_write_target, make_folders

    files = report_files(session, path)
    for file in files:
        check_write_target(file, path.parent)
    written = []
    for file, text in files.items():
        make_folders(path.parent, file.parent)
        atomic_write_text(file, text, follow_symlinks=False)
        written.append(file)
    return written
