"""The Markdown report's portfolio part: the shared fleet, each workload's replicas and its
decisions (a session with named workloads; ``kickoff export FILE --markdown``)."""

from __future__ import annotations

from kickoff_tui.record.markdown import _table  # one escaping rule for every report table
from kickoff_tui.record.questionnaire import ROLE_LABELS
from kickoff_tui.record.session import Session


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.0f}"


def fleet_markdown(session: Session) -> list[str]:
    """The shared fleet and the per-workload breakdown (re-sized from the current answers)."""
    spec = session.portfolio_spec()
    out = ["### Shared fleet", ""]
    if spec is None:
        return out + [f"Not sized: {session.portfolio_error()}", ""]
    rows = []
    for w in spec.workloads:
        if not w.feasible:
            rows.append((w.name, f"{w.model} ({w.precision})", w.gpu, "cannot be served", "-", "-", w.reason[:160]))
            continue
        layout = f"TP{w.tensor_parallel}" + (f"xPP{w.pipeline_parallel}" if w.pipeline_parallel > 1 else "")
        rows.append((w.name, f"{w.model} ({w.precision})", w.gpu,
                     f"{w.replicas} x {layout} ({w.concurrency_per_replica} in flight each)",
                     w.total_gpus, _money(w.cost_per_month),
                     ", ".join(w.shares_with) if w.shares_with else w.binding_constraint))
    out += _table(("Workload", "Model", "SKU", "Replicas", "GPUs alone", "Alone per month",
                   "Shares replicas with / bound by"), rows)
    out.append("")
    if not spec.feasible or spec.fleet is None:
        return out + [f"**No fleet serves every workload:** {spec.infeasible_reason}", ""]
    fleet = spec.fleet
    bought = sum(p.gpus_bought for p in fleet.pools)
    out.append(f"**{fleet.label}**: {fleet.total_gpus} GPUs needed, {bought} bought in whole units, "
               f"{fleet.nodes} nodes, {fleet.racks} racks, {fleet.it_power_kw:,.1f} kW IT power, "
               f"{_money(fleet.cost_per_month)} per month.")
    out.append("")
    for pool in fleet.pools:
        band = ""
        if pool.gpu_band is not None:
            low, high = pool.gpu_band
            band = f"; error band {low:.0f} to " + (f"{high:.0f} GPUs" if high is not None else "more")
        out.append(f"- {pool.gpu_name}: {', '.join(pool.workloads)}; {pool.nodes} nodes of "
                   f"{pool.gpus_per_node}, cooling {pool.cooling}, {pool.scale_out_fabric or 'no'} "
                   f"scale-out fabric{band}")
    out.append(f"- Why this fleet: {spec.mix_considered}")
    out.append(f"- Consolidation: separate deployments would need {spec.separate_gpus} GPUs; shared "
               f"replicas save {spec.saving_shared_replicas_gpus}, non-coinciding peaks save "
               f"{spec.saving_peaks_gpus}.")
    out += [f"- {note}" for note in spec.notes]
    out.append("")
    out += cost_markdown(session, spec)
    return out


def cost_markdown(session: Session, spec) -> list[str]:  # noqa: ANN001 - PortfolioSpec
    """Each workload's own deployment priced at the session's cost answers (staff included)."""
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.planning import cost_report
    from kickoff_tui.planning.markdown import monthly_cost

    try:
        overrides = session.planning().cost
        portfolio = session.portfolio()
    except KickoffError:
        return []
    inputs = {w.name: portfolio.inputs_for(w) for w in portfolio.workloads}
    rows = []
    for w in spec.workloads:
        if not w.feasible or w.spec is None or w.name not in inputs:
            continue
        report = cost_report(w.spec, inputs[w.name].model_copy(update={"gpu": w.gpu}), overrides)
        cheapest = report.cheapest_option
        rows.append((w.name, f"{report.total_gpus} x {report.gpu_name}", report.chosen_option,
                     _money(monthly_cost(report)), cheapest or "-",
                     _money(monthly_cost(report, cheapest) if cheapest else None)))
    if not rows:
        return []
    out = ["#### Cost per workload (each deployment alone, operations staff included)", ""]
    out += _table(("Workload", "GPUs", "Chosen basis", "Per month", "Cheapest basis", "Cheapest per month"), rows)
    out.append("")
    return out


def fleet_ask(session: Session) -> list[str]:
    """The decision memo's first lines for a portfolio: the shared fleet to approve; the
    figures that follow in the memo are the first workload's own."""
    spec = session.portfolio_spec()
    if spec is None or not spec.feasible or spec.fleet is None:
        why = session.portfolio_error() if spec is None else spec.infeasible_reason
        return [f"No shared fleet can be asked for yet ({why}).", ""]
    fleet = spec.fleet
    bought = sum(p.gpus_bought for p in fleet.pools)
    return [
        f"Approve the shared fleet **{fleet.label}**: **{bought} GPUs** in {fleet.nodes} nodes and "
        f"{fleet.racks} racks ({fleet.it_power_kw:,.1f} kW IT) for {len(spec.workloads)} workloads "
        f"({', '.join(session.workload_names())}), at **{_money(fleet.cost_per_month)}/month** on the "
        "platform's price basis (GPU rent; the per-workload breakdown is under Workloads).",
        "",
        f"The figures below are those of the first workload, {session.workloads[0].name!r}, served alone.",
        "",
    ]


def workloads_markdown(session: Session) -> list[str]:
    """``## Workloads``: the shared fleet, then each workload's own decisions."""
    if not session.workloads:
        return []
    q = session.questionnaire
    out = ["## Workloads", ""]
    out.append(f"{len(session.workloads)} workload(s) on one shared platform: "
               + ", ".join(session.workload_names())
               + ". IT's answers (SKU, servers, racks, power, cooling, price basis) are shared; the "
                 "application owner's and the AI team's sizing answers are given per workload.")
    out.append("")
    out += fleet_markdown(session)
    for record in session.workloads:
        out += [f"### {record.name}", ""]
        spec = session.spec(record.name)
        if spec is None:
            out += [f"Not sized: {session.workload_sizing_error(record.name)}", ""]
        elif spec.feasible:
            out += [f"Alone: {spec.replicas} x TP{spec.tensor_parallel} replicas of {spec.model_name} "
                    f"({spec.precision}) on {spec.total_gpus} {spec.gpu_name}.", ""]
        else:
            out += [f"Alone: infeasible ({spec.infeasible_reason}).", ""]
        rows = []
        for question in q.questions:
            if not session.is_per_workload(question.id):
                continue
            answer = record.answers.get(question.id)
            if answer is not None:
                decided = f"{answer.answered_by} ({ROLE_LABELS[answer.role]})"
                if answer.owner_mismatch:
                    decided += " ⚠ not the owner"
                rows.append((question.prompt, question.label_of(answer.value), ROLE_LABELS[question.role],
                             decided, answer.rationale or "-"))
            elif question.default is not None and not session.is_hidden(question.id, record.name):
                rows.append((question.prompt, f"{question.label_of(question.default)} (default, assumed)",
                             ROLE_LABELS[question.role], "-", "not answered"))
            elif not question.optional and not session.is_hidden(question.id, record.name):
                rows.append((question.prompt, "not answered", ROLE_LABELS[question.role], "-", "-"))
        if rows:
            out += _table(("Question", "Decision", "Owner", "Decided by", "Why"), rows)
            out.append("")
    return out
