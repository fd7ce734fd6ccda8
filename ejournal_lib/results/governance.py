"""Result-graph nodes: change log and bridge, cost estimate, stop points, goals, and benefit follow-up."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ejournal_lib.cba.benefit_realisation import followup_status, load_followup
from ejournal_lib.cba.curves import Draws
from ejournal_lib.cba.engine import CBAInputs
from ejournal_lib.cba.risk_sharing import actor_share_rule
from ejournal_lib.cba.scenarios import npv_with
from ejournal_lib.cba.staging import stop_point_valuation
from ejournal_lib.common.labels import label
from ejournal_lib.governance.change_log import (
    change_log_table,
    cost_effects,
    overlay_scenarios,
)
from ejournal_lib.governance.change_log import (
    npv_bridge as bridge_table,
)
from ejournal_lib.governance.cost_estimate import cost_estimate_table, steering_target_bridge
from ejournal_lib.governance.goals import goal_register as build_goal_register
from ejournal_lib.governance.stop_points import evaluate_stop_points, timeline_table
from ejournal_lib.results import lineage
from ejournal_lib.scenario import Scenario
from ejournal_lib.scenario.actors import ActorMapping
from ejournal_lib.scenario.governance import BenefitPlan, ChangeLog, GoalRegister, StopPointConfig
from ejournal_lib.timeuse.data import TimeUseData

#: The tables the stop points' rules and the goals' baselines may refer to (``table.column``).
RULE_TABLES = (
    "cba_summary",
    "break_even",
    "benefit_followup",
    "public_commitment_key_figures",
    "gp_survey_estimates",
    "timeuse_addressable_by_service",
    "timeuse_measured_municipalities",
    "cost_estimate",
    "participation_consequences",
)


def timeuse_measured_municipalities(timeuse_data: TimeUseData) -> pd.DataFrame:
    """Municipalities where the baseline is measured: services and staff-days per municipality."""
    return timeuse_data.sessions.groupby("municipality_code", as_index=False).agg(
        services=("service", "nunique"), staff_days=("session_id", "size")
    )


def benefit_followup_records(benefit_plan: BenefitPlan, scenario: Scenario) -> pd.DataFrame:
    """The realised values registered per indicator, municipality and year, checked against the plan."""
    return load_followup(scenario.data.benefit_followup, benefit_plan)


def benefit_followup(
    benefit_followup_records: pd.DataFrame, benefit_plan: BenefitPlan, cba_inputs: CBAInputs, scenario: Scenario
) -> pd.DataFrame:
    """Planned against realised values per indicator, municipality and year."""
    return followup_status(
        benefit_followup_records,
        benefit_plan,
        cba_inputs.participation.realisation_by_year_since_golive,
        scenario.benefit_realisation.tolerance,
    )


def change_log(change_log_config: ChangeLog) -> pd.DataFrame:
    """One row per change with its status, history and parameter overlay."""
    return change_log_table(change_log_config)


def bridge_steps(cba_inputs: CBAInputs, change_log_config: ChangeLog) -> list:
    """The model inputs after each implemented change, from the previous baseline."""
    return overlay_scenarios(cba_inputs, change_log_config)


def _titled(steps: pd.DataFrame, change_log: pd.DataFrame) -> pd.DataFrame:
    """``steps`` with each change's title (the first step: the previous baseline)."""
    titles = dict(zip(change_log["change_id"], change_log["title"]))
    return steps.assign(title=steps["change_id"].map(titles).fillna(label("bridge_step", "baseline")))


def npv_bridge(bridge_steps: list, public_share: dict, change_log: pd.DataFrame) -> pd.DataFrame:
    """Net present value after each change and the change from the step before (the 2020 method's base case)."""
    return _titled(bridge_table(bridge_steps, lambda i: npv_with(i, public_share)), change_log)


def cost_estimate(cba_inputs: CBAInputs, stop_point_config: StopPointConfig, scenario: Scenario) -> pd.DataFrame:
    """The cost estimate's P50 and P85 per cost item and in total, against the steering target."""
    sp, g = stop_point_config, scenario.governance
    return cost_estimate_table(
        cba_inputs, sp.cost_correlation, g.n_cost_draws, scenario.settings.seed, sp.steering_target_p50_mnok
    )


def cost_bridge(cba_inputs: CBAInputs, stop_point_config: StopPointConfig) -> pd.DataFrame:
    """From the steering target (11,4 bn, P50) to the 2020 cost frames, step by step, with what each holds."""
    bridge = steering_target_bridge(cba_inputs, stop_point_config.steering_target_p50_mnok)
    return bridge.assign(contents=bridge["step"])  # the catalogue's words say what each step holds


def change_cost_effects(
    bridge_steps: list, change_log: pd.DataFrame, stop_point_config: StopPointConfig, scenario: Scenario
) -> pd.DataFrame:
    """The cost estimate's P50 and P85 after each change."""
    sp, g, seed = stop_point_config, scenario.governance, scenario.settings.seed

    def cost_of(inputs):
        total = cost_estimate_table(inputs, sp.cost_correlation, g.n_cost_draws, seed).set_index("quantity")
        return {"p50": total.loc["total", "p50_mnok"], "p85": total.loc["total", "p85_mnok"]}

    return _titled(cost_effects(bridge_steps, cost_of), change_log)


def rule_tables(
    cba_summary: pd.DataFrame,
    break_even: pd.DataFrame,
    benefit_followup: pd.DataFrame,
    public_commitment_key_figures: pd.DataFrame,
    gp_survey_estimates: pd.DataFrame,
    timeuse_addressable_by_service: pd.DataFrame,
    timeuse_measured_municipalities: pd.DataFrame,
    cost_estimate: pd.DataFrame,
    participation_consequences: pd.DataFrame,
) -> dict:
    """The tables stop points and goals refer to, by name (each one a node upstream of them)."""
    return dict(
        zip(
            RULE_TABLES,
            (
                cba_summary,
                break_even,
                benefit_followup,
                public_commitment_key_figures,
                gp_survey_estimates,
                timeuse_addressable_by_service,
                timeuse_measured_municipalities,
                cost_estimate,
                participation_consequences,
            ),
        )
    )


def _rows_kinds(table: str, where: dict, rule_tables: dict, input_kinds: dict) -> set[str]:
    """The kinds of data the rows of ``table`` a criterion or goal reads rest on (``where``: column → value)."""
    df = rule_tables[table]
    rows = pd.Series(True, index=df.index)
    for column, value in where.items():
        rows &= df[column].astype(str) == str(value)
    return lineage.kinds_in(lineage.row_kinds(table, df, input_kinds)[rows])


def stop_points(
    rule_tables: dict, stop_point_config: StopPointConfig, data_input_kinds: dict, scenario: Scenario
) -> pd.DataFrame:
    """Every criterion of every stop point, evaluated on the tables it names. ``data_basis``: the kinds of
    data (codes joined by ",") it rests on: a manual assessment, or by lineage, row by row, those of the value
    and the threshold it compares, and the stop-point rule itself (an analysis choice)."""
    table = evaluate_stop_points(stop_point_config, rule_tables)
    criteria = {c.id: c for sp in stop_point_config.stop_points for c in sp.criteria}
    rule = set(lineage.kinds("stop_point_config", data_input_kinds))
    basis = []
    for cid in table["criterion_id"]:
        c = criteria[cid]
        if c.type != "rule":
            basis.append("manual_assessment")
            continue
        found = rule | _rows_kinds(c.table, c.where, rule_tables, data_input_kinds)
        if c.threshold_from is not None:
            found |= _rows_kinds(c.threshold_from.table, c.threshold_from.where, rule_tables, data_input_kinds)
        basis.append(lineage.joined(found))
    return table.assign(data_basis=basis)


def goal_register(rule_tables: dict, goal_config: GoalRegister, data_input_kinds: dict) -> pd.DataFrame:
    """One row per goal, baselines filled in from the tables they name, with what a verifiable goal lacks;
    ``data_basis`` where a baseline is shown: the kinds of data of the table it comes from, or the register's
    own for a baseline it gives."""
    goals = build_goal_register(goal_config, rule_tables)
    own = lineage.kinds("goal_config", data_input_kinds)
    goals["data_basis"] = [
        (
            lineage.joined(set(lineage.kinds(src.split(".")[0], data_input_kinds)))
            if state == "measured"
            else lineage.joined(set(own))
        )
        if state in ("measured", "given")
        else None
        for state, src in zip(goals["baseline_status"], goals["baseline_source"])
    ]
    return goals


def timeline(stop_point_config: StopPointConfig) -> pd.DataFrame:
    """Phases, milestones and stop points with their dates."""
    return timeline_table(stop_point_config)


def _status_counts(table: pd.DataFrame, by: str, item: str) -> pd.DataFrame:
    """Number of ``item`` rows by ``by`` (rows) and status (columns)."""
    counts = table.pivot_table(index=by, columns="status", values=item, aggfunc="count", fill_value=0).reset_index()
    counts.columns.name = None
    return counts


def change_counts(change_log: pd.DataFrame) -> pd.DataFrame:
    """Number of changes by category (rows) and status (columns)."""
    return _status_counts(change_log, "category", "change_id")


def stop_point_summary(stop_points: pd.DataFrame) -> pd.DataFrame:
    """Number of criteria by stop point (rows) and status (columns)."""
    return _status_counts(stop_points, "stop_point", "criterion_id")


def change_log_parameters(change_log: pd.DataFrame) -> pd.DataFrame:
    """The change log with each change's parameter overlay (for the closing traceability section)."""
    return change_log


def stop_point_value(
    cba_inputs: CBAInputs,
    draws: Draws,
    public_share: dict,
    stop_point_config: StopPointConfig,
    first_rollout_observed: np.ndarray | None,
    actor_mapping: ActorMapping,
    scenario: Scenario,
) -> pd.DataFrame:
    """What each stop point's option to stop is worth on the analysis's own draws (issue 24), with what is
    known there: SP1 nothing new; SP2 the committed population share (the draw's roll-out scale); SP3 the
    supplier's price (the investment multipliers weighted by the items' P50); SP4 the first roll-out's measured
    time savings and transition loss (``first_rollout_observed``; nothing observed at SP4 when the baseline
    has no precision). The SP2 threshold is also given as a population share, beside the
    stop point's own (criterion SP2-DEKN) and what that rule loses (``attrs["value_lost_mnok"]``)."""
    years = {sp.id: sp.date.year for sp in stop_point_config.stop_points}
    items = cba_inputs.investment_table
    price = draws.investment @ (items["p50_mnok"] / items["p50_mnok"].sum()).to_numpy()
    observed: dict = {"SP1": None, "SP2": draws.rollout_scale, "SP3": price, "SP4": first_rollout_observed}
    final = max(cba_inputs.participation.municipal_share_by_year.values())
    criteria = {c.id: c for sp in stop_point_config.stop_points for c in sp.criteria}
    rule = criteria.get("SP2-DEKN")  # the stop point's own coverage threshold, as a roll-out scale
    threshold = getattr(rule, "threshold", None)
    rules = {"SP2": float(threshold) / final} if isinstance(threshold, (int, float)) else {}
    shares = np.linspace(0.2, 0.8, 25)  # SP2 thresholds as committed population shares, for the figure
    shares_of = actor_share_rule(cba_inputs, actor_mapping, scenario.settings.financing_key, public_share)
    curve: dict[str, Sequence[float]] = {"SP2": [float(t) for t in shares / final]}
    table = stop_point_valuation(cba_inputs, draws, public_share, years, observed, rules, curve, shares_of)
    table["observed"] = [
        {"SP1": "nothing_new", "SP2": "committed_share", "SP3": "supplier_price", "SP4": "first_rollout_measured"}[s]
        for s in table["stop_point"]
    ]
    sp2 = (table["stop_point"] == "SP2").to_numpy()
    table["threshold_share"] = np.where(sp2, np.minimum(table["threshold"] * final, 1.0), np.nan)
    if "rule_threshold" in table:
        table["rule_threshold_share"] = np.where(sp2, table["rule_threshold"] * final, np.nan)
        table = table.drop(columns="rule_threshold")
    return table


def stop_point_threshold_curve(stop_point_value: pd.DataFrame, cba_inputs: CBAInputs) -> pd.DataFrame:
    """The expected net present value with the stop points when SP2 stops below each committed population
    share instead of the induction's own threshold (stop_point, threshold_share, with_stops_mnok)."""
    final = max(cba_inputs.participation.municipal_share_by_year.values())
    curve = stop_point_value.attrs["threshold_curve"]
    return curve.assign(threshold_share=curve["threshold"] * final)[
        ["stop_point", "threshold_share", "with_stops_mnok"]
    ]


def stop_point_actor_gain(stop_point_value: pd.DataFrame) -> pd.DataFrame:
    """Who gains from the option to stop: per actor, the expected value committed and with the stop points,
    the gain, and the value up to the stop in the draws that stop (what is sunk)."""
    return stop_point_value.attrs["actor_gains"]
