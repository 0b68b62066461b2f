"""The Markdown report's portfolio part: the shared fleet, each workload's replicas and its
decisions (a session with named workloads; ``kickoff export FILE --markdown``)."""

from __future__ import annotations

from kickoff_tui.planning.markdown import safe_markdown
from kickoff_tui.record.markdown import _table  # one escaping rule for every report table
from kickoff_tui.record.questionnaire import ROLE_LABELS
from kickoff_tui.record.session import Session
from kickoff_tui.record.text import bound_words, clip, cooling_words
from kickoff_tui.sizing.spec import short_layout


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
            rows.append((w.name, f"{w.model} ({w.precision})", w.gpu, "cannot be served", "-", "-", clip(w.reason, 160)))
            continue
        layout = short_layout(w.layout)
        rows.append((w.name, f"{w.model} ({w.precision})", w.gpu,
                     f"{w.replicas} x {layout} ({w.concurrency_per_replica} in flight each)",
                     w.total_gpus, _money(w.cost_per_month),
                     ", ".join(w.shares_with) if w.shares_with else bound_words(w.binding_constraint)))
    out += _table(("Workload", "Model", "SKU", "Replicas", "GPUs needed alone", "Alone per month (GPU rent, whole units)",
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
                   f"{pool.gpus_per_node}, cooling {cooling_words(pool.cooling)}, {pool.scale_out_fabric or 'no'} "
                   f"scale-out fabric{band}")
    out.append(f"- Why this fleet: {spec.mix_considered}")
    out.append(f"- Consolidation: each workload's own replicas at its own peak, racked together, would need "
               f"{spec.separate_gpus} GPUs; shared "
               f"replicas save {spec.saving_shared_replicas_gpus}, non-coinciding peaks save "
               f"{spec.saving_peaks_gpus}.")
    out += [f"- {note}" for note in spec.notes]
    out.append("")
    if len(session.workloads) < 2:  # several: the Cost section gives the fleet and each workload
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
    out += _table(("Workload", "GPUs bought alone", "Chosen basis", "Per month", "Cheapest basis", "Cheapest per month"), rows)
    out.append("")
    return out


def fleet_ask(session: Session) -> list[str]:
    """The decision memo's first lines for a portfolio: the shared fleet to approve."""
    spec = session.portfolio_spec()
    if spec is None or not spec.feasible or spec.fleet is None:
        why = session.portfolio_error() if spec is None else spec.infeasible_reason
        return [f"No shared fleet can be asked for yet ({why}).", ""]
    fleet = spec.fleet
    bought = sum(p.gpus_bought for p in fleet.pools)
    budget = session.value("monthly_budget_usd")
    against = ""
    if isinstance(budget, (int, float)) and budget > 0 and fleet.cost_per_month is not None:
        gap = float(budget) - fleet.cost_per_month
        against = (f" Against IT's budget of {_money(float(budget))}/month (GPU rent): "
                   + (f"{_money(gap)} under." if gap >= 0 else f"**{_money(-gap)} over**."))
    return [
        f"Approve the shared fleet **{fleet.label}**: **{bought} GPUs** in {fleet.nodes} nodes and "
        f"{fleet.racks} racks ({fleet.it_power_kw:,.1f} kW IT) for {len(spec.workloads)} workloads "
        f"({', '.join(session.workload_names())}), at **{_money(fleet.cost_per_month)}/month** on the "
        "platform's price basis (GPU rent, operations staff not included; the per-workload "
        "breakdown with staff is under Cost)." + against,
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


# --- the planning sections of a portfolio report ------------------------------------------------

SENSITIVITY_TOP_PER_WORKLOAD = 5
"""Rows of the fleet's sensitivity table per workload (the inputs that move the fleet most)."""


def _planned(session: Session):  # noqa: ANN202 - (spec, [(demand, sizing, inputs)]) or an error line
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.record.portfolio import demands

    spec = session.portfolio_spec()
    if spec is None:
        return None, f"the workloads cannot be sized ({session.portfolio_error()})"
    if not spec.feasible or spec.fleet is None:
        return None, f"no fleet serves every workload ({spec.infeasible_reason})"
    try:
        work = demands(session.portfolio())
    except KickoffError as err:
        return None, str(err)
    rows = [(d, w, d.inputs.model_copy(update={"gpu": w.gpu})) for d, w in zip(work, spec.workloads, strict=True)]
    return (spec, rows), ""


def _bought(fleet) -> int:  # noqa: ANN001 - FleetOption
    return sum(p.gpus_bought for p in fleet.pools)


def _band(fleet) -> str:  # noqa: ANN001 - FleetOption
    bands = [p.gpu_band for p in fleet.pools]
    if not bands or any(b is None for b in bands):
        return ""
    low = sum(b[0] for b in bands)
    highs = [b[1] for b in bands]
    high = f"{sum(highs):.0f}" if all(h is not None for h in highs) else "more"
    return f" (error band {low:.0f} to {high} GPUs)"


def portfolio_cost_markdown(spec, rows, overrides) -> list[str]:  # noqa: ANN001
    """The cost of the shared fleet, its pools, and each workload's own deployment priced at the
    session's cost answers (as ``kickoff cost`` prints them for a portfolio)."""
    from kickoff_tui.planning import cost_report
    from kickoff_tui.planning.markdown import monthly_cost

    fleet = spec.fleet
    out = [f"## Cost of the shared fleet ({fleet.label}, {_bought(fleet)} GPUs)", ""]
    out.append(
        f"The shared fleet: **{_money(fleet.cost_per_month)}/month** in GPU rent at the platform's "
        f"price basis for {fleet.total_gpus} GPUs needed, {_bought(fleet)} bought in whole "
        f"units{_band(fleet)}. Each workload's own replicas at its own peak, racked together, would need "
        f"{spec.separate_gpus} GPUs ({_money(spec.separate_cost_per_month)}/month): shared replicas "
        f"save {spec.saving_shared_replicas_gpus} GPUs, non-coinciding peaks save {spec.saving_peaks_gpus}"
        f"{spec.same_cost_note()}.")
    out.append("")
    pools = []
    for p in fleet.pools:
        price = (f"${p.price_usd_per_gpu_hour:,.2f} ({p.price_source})" if p.price_usd_per_gpu_hour is not None
                 else "-")
        pools.append((p.gpu_name, ", ".join(p.workloads), f"{p.total_gpus} / {p.gpus_bought}", price,
                      _money(p.cost_per_month) + (" (estimate)" if p.price_is_estimate else "")))
    out += _table(("SKU", "Workloads", "GPUs needed / bought", "Price per GPU-hour", "Per month"), pools)
    out.append("")
    table = []
    total, complete, gpus = 0.0, True, 0
    for demand, _, inputs in rows:
        sizing = next(w for w in spec.workloads if w.name == demand.name)
        report = cost_report(sizing.spec, inputs, overrides)
        chosen = monthly_cost(report)
        cheapest = report.cheapest_option
        if chosen is None:
            complete = False
        else:
            total += chosen
        gpus += report.total_gpus
        table.append((demand.name, report.total_gpus, report.gpu_name, report.chosen_option, _money(chosen),
                      cheapest or "-", _money(monthly_cost(report, cheapest) if cheapest else None)))
    table.append(("**sum of the workloads**", gpus, "", "", _money(total) if complete else "-", "", ""))
    out += ["### Per workload (each deployment alone, operations staff included)", ""]
    out += _table(("Workload", "GPUs bought alone", "SKU", "Chosen basis", "Per month", "Cheapest basis",
                   "Cheapest per month"), table)
    out += ["", "Each workload's monthly cost is its own deployment's GPUs, in whole units of its own, plus "
            "the operations staff it would need run alone (`kickoff cost FILE` shows every figure's trace); the fleet's "
            "figure above is GPU rent only, and below their sum when workloads share replicas or "
            "their peaks do not coincide.", ""]
    return out


GROWTH_ALONE_CAPTION = ("Each workload as if it were bought on its own (its own whole units) at the "
                        "answered growth rate; the shared fleet's figures, with the rate fitted from "
                        "history, follow")
GROWTH_ALONE_COLUMNS = ("Workload", "GPUs bought alone", "Needed today alone", "Carries (bought alone)",
                        "Monthly growth (answered)", "Out of headroom (answered rate)")


def growth_alone_row(name: str, r, fitted: bool) -> tuple[str, str, str, str, str, str]:  # noqa: ANN001
    """One workload's growth standing alone (a GrowthReport), in the columns above; ``fitted``:
    a rate was fitted from its history (shown with the shared fleet)."""
    month = r.out_of_headroom_month
    when = ((f"no rate answered{' (fit below)' if fitted else ''}") if month is None else
            f"month {month.value:g}" if month.value is not None else f"not within {r.months} months")
    return (name, str(r.sized_gpus), str(r.needed_today) if r.needed_today is not None else "-",
            r.capacity_multiplier.text(), r.monthly_rate.text() if r.monthly_rate else "-", when)


def portfolio_growth_markdown(session: Session, spec, rows, settings) -> list[str]:  # noqa: ANN001
    """Growth per workload: its headroom at the growth answers, then the rate fitted from its
    pasted monthly requests and the month it (and the shared fleet) outgrows the fleet."""
    from kickoff_tui.planning import growth_report

    out = ["## Growth per workload", "", GROWTH_ALONE_CAPTION + ".", ""]
    growth = session.portfolio_growth()
    fitted = {w.name for w in growth.workloads if w.fit is not None} if growth is not None else set()
    table = [growth_alone_row(demand.name, growth_report(sizing.spec, inputs, settings), demand.name in fitted)
             for demand, sizing, inputs in rows]
    out += _table(GROWTH_ALONE_COLUMNS, table)
    out.append("")
    if growth is None:
        out += ["No workload has a monthly request history: the application owner can paste one "
                "(*How many requests did it serve each month so far?*) for a fitted growth rate and "
                "the month each workload outgrows the fleet.", ""]
        return out

    def at(value: int | None) -> str:
        return f"after month {growth.horizon_months}" if value is None else f"month {value}"

    out += [f"### Growth from history (log-linear fit, {growth.horizon_months}-month horizon)", ""]
    fitted = []
    for w in growth.workloads:
        capacity = "-" if w.capacity_multiplier is None else f"{w.capacity_multiplier:.2f}x today's peak"
        if w.fit is None:
            fitted.append((w.name, w.problem, capacity, "-"))
            continue
        fitted.append((w.name, w.fit.describe(), capacity,
                       at(w.outgrows_month) + _between(w.outgrows_earliest, w.outgrows_latest, at)))
    out += _table(("Workload", "Monthly growth (80% interval)", "Its fleet replicas carry", "Outgrows them in"), fitted)
    lasts = growth.fleet_outgrows_month is None and growth.fleet_outgrows_earliest is None
    out += ["", (f"At the fitted rates the shared fleet lasts the {growth.horizon_months}-month horizon"
                 if lasts else
                 f"At the fitted rates the shared fleet runs out in **{at(growth.fleet_outgrows_month)}**"
                 + _between(growth.fleet_outgrows_earliest, growth.fleet_outgrows_latest, at))
            + "; the fleet is re-sized month by month on its SKUs with the headroom spent."]
    out += [f"- {note[:1].upper()}{note[1:]}." for note in growth.notes]
    out.append("")
    return out


def _between(earliest: int | None, latest: int | None, at) -> str:  # noqa: ANN001 - month formatter
    """`` (80% interval: month 3 to month 7)``, or nothing when both ends are the same month."""
    if earliest == latest:
        return ""
    return f" (80% interval: {at(earliest)} to {at(latest)})"


def _side(s) -> str:  # noqa: ANN001 - a sensitivity Side or None
    if s is None:
        return "-"
    if s.total_gpus is None:
        return f"{s.value}: {s.note}"
    return f"{s.value}: {s.total_gpus} ({s.delta:+d})"


def portfolio_sensitivity_markdown(spec, rows, top: int = SENSITIVITY_TOP_PER_WORKLOAD) -> list[str]:  # noqa: ANN001
    """What moves the whole fleet's GPUs: each workload's inputs, then IT's shared answers."""
    from kickoff_tui.errors import KickoffError
    from kickoff_tui.planning.fleet import fleet_sensitivity, platform_sensitivity
    from kickoff_tui.sizing.portfolio import Sizings

    fleet = spec.fleet
    sizings = Sizings()
    work = [d for d, _, _ in rows]
    out = [f"## Sensitivity of the shared fleet ({_bought(fleet)} GPUs bought in whole units on "
           f"{fleet.label}; each input -50% / +50%, toggles flipped)", "",
           "Each workload's answers move one at a time with the other workloads held, and the "
           "fleet's pools are re-sized on their SKUs; IT's shared answers move for every workload "
           f"at once. The figures are the GPUs the whole fleet buys (the top {top} inputs per "
           "workload).", ""]
    table = []
    groups = [(d.name, lambda i=i: fleet_sensitivity(work, spec, i, sizings)) for i, d in enumerate(work)]
    groups.append(("platform (IT)", lambda: platform_sensitivity(work, spec, sizings)))
    for name, run in groups:
        try:
            report = run()
        except KickoffError as err:
            table.append((name, "-", "-", "-", "-", str(err)))
            continue
        for i, r in enumerate(report.rows[:top]):
            table.append((name if i == 0 else "", r.field, r.owner, r.base + (" (assumed)" if r.assumed else ""),
                          _side(r.low), _side(r.high)))
    out += _table(("Workload", "Input", "Owner", "Base", "-50%", "+50% / flipped"), table)
    out.append("")
    return out


def portfolio_deployment_markdown(spec, rows) -> list[str]:  # noqa: ANN001
    """The deployment files ``kickoff deploy`` writes for a portfolio, folder by folder."""
    from kickoff_tui.planning.deploy import deploy_settings, engine_for, portfolio_deployment_sets

    work = [d for d, _, _ in rows]
    sets = portfolio_deployment_sets(work, spec)
    out = ["## Deployment (one folder per workload)", "",
           "`kickoff deploy FILE --out DIR` (or *Export deployment files* in the app) writes each "
           "workload's launch scripts, manifests, autoscaler and alert rules into `DIR/FOLDER/` "
           "(the folders below), on the SKU the shared fleet gives it; every folder is checked "
           "before any file is written. "
           "Each folder's README says where every value comes from.", ""]
    table = []
    notes = []
    for (demand, sizing, inputs), (slug, files, note) in zip(rows, sets, strict=True):
        s = deploy_settings(sizing.spec, inputs)
        table.append((demand.name, f"`{slug}/`", engine_for(inputs),
                      f"{s.replicas} x {min(s.gpus_per_replica, s.gpus_per_node)} {sizing.gpu}",
                      ", ".join(f"`{f}`" for f in files)))
        if note is not None:
            notes.append(note.removeprefix("# "))
    out += _table(("Workload", "Folder", "Engine", "Replicas x GPUs per pod", "Files"), table)
    out.append("")
    out += [f"- {n}" for n in notes]
    if notes:
        out.append("")
    return out


def portfolio_planning_markdown(session: Session, parts=None) -> str:  # noqa: ANN001 - PlanningParts
    """The planning sections of a report of two or more workloads, for the whole platform: the
    shared fleet's cost with the per-workload breakdown, growth per workload (fitted from
    history where given), the fleet's sensitivity and the deployment files per workload; the
    business case (the first workload's deployment) and the provider scorecard as before."""
    from kickoff_tui.planning.markdown import business_markdown, scorecard_markdown

    plan = session.planning()
    planned, why = _planned(session)
    out: list[str] = []
    if planned is None:
        out += ["## Cost, growth and deployment", "", f"Not computed: {why}.", ""]
    else:
        spec, rows = planned
        out += portfolio_cost_markdown(spec, rows, plan.cost)
    if parts is not None and parts.business is not None:
        business = business_markdown(parts.business)
        out += business[:2] + [f"On the first workload's deployment, {session.workloads[0].name!r}, "
                               "alone (the business-case answers are the platform's).", ""] + business[2:]
    if planned is not None:
        out += portfolio_growth_markdown(session, spec, rows, plan.growth)
        out += portfolio_sensitivity_markdown(spec, rows)
    if plan.scorecard is not None:
        out += scorecard_markdown(plan.scorecard)
    if planned is not None:
        out += portfolio_deployment_markdown(spec, rows)
    return safe_markdown("\n".join(out))
