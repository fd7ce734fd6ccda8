"""Result-graph nodes: the figures each appendix's opening summary states, computed here so that the notebooks
only choose and format them. Each is a table ``figure``, ``value`` (a number; flags as 0/1) and ``detail`` (a
code the sentence names, e.g. the service with the most addressable time)."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.cba.engine import CBAInputs
from ejournal_lib.cba.measurement_value import study_recommendation
from ejournal_lib.participation.public_status import IntentionsAggregate
from ejournal_lib.timeuse.data import TimeUseData

#: County 42 (Agder), where every municipality is named in one public source.
AGDER_PREFIX = "42"


def _table(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (figure, value) or (figure, value, detail) as the summary table."""
    out = pd.DataFrame([(*r, "")[:3] for r in rows], columns=["figure", "value", "detail"])
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    return out


def baseline_summary(
    timeuse_data: TimeUseData,
    timeuse_addressable_by_service: pd.DataFrame,
    timeuse_vs_assumption: pd.DataFrame,
    timeuse_precision: pd.DataFrame,
    timeuse_national: pd.DataFrame,
    timeuse_limitations: pd.DataFrame,
) -> pd.DataFrame:
    """What the baseline appendix opens with: the measurement's size, the range of addressable time, the
    assumed saving against it, what the precision can verify, the municipalities a decision-grade study needs,
    the national extrapolation (of the services not suppressed) and how many services are suppressed, of them
    how many because an earlier publication showed overlapping registrations."""
    s = timeuse_data.sessions
    rows: list[tuple] = [
        ("staff_days", len(s)),
        ("staff", s["staff_id"].nunique()),
        ("municipalities", s["municipality_code"].nunique()),
        ("services", s["service"].nunique()),
        ("activity_records", len(timeuse_data.activities)),
        ("sampling_moments", len(timeuse_data.sampling)),
        ("observed_hours", s["observed_minutes"].sum() / 60),
    ]
    shown = timeuse_addressable_by_service.dropna(subset=["baseline_addressable_minutes"])
    if len(shown):
        low = shown.nsmallest(1, "baseline_addressable_minutes").iloc[0]
        high = shown.nlargest(1, "baseline_addressable_minutes").iloc[0]
        rows += [
            ("addressable_services", len(shown)),
            ("addressable_min", low["baseline_addressable_minutes"], low["service"]),
            ("addressable_max", high["baseline_addressable_minutes"], high["service"]),
        ]
    vs = timeuse_vs_assumption
    checked = vs[~vs["suppressed"].astype(bool)]
    if len(checked):
        rows += [
            ("implied_reduction_min", checked["implied_reduction"].min()),
            ("implied_reduction_max", checked["implied_reduction"].max()),
        ]
        rows += [(f"verdict_{v}", n, v) for v, n in checked["verdict"].value_counts().items()]
    rows += [("services_suppressed", int(vs["suppressed"].astype(bool).sum())), ("services_checked", len(vs))]
    beside = timeuse_limitations.set_index("estimate")
    if "beside_earlier" in beside.index:
        counts = beside.loc["beside_earlier", ["need", "have"]].astype(int)
        rows += [("services_hidden_by_earlier", counts["need"] - counts["have"])]
    prec = timeuse_precision[~timeuse_precision["suppressed"].astype(bool)].dropna(subset=["detectable_change"])
    if len(prec):
        worst = prec.sort_values("detectable_change").iloc[-1]
        rows += [
            ("precision_services", len(prec)),
            ("precision_cannot_verify", int((~prec["can_verify"].astype(bool)).sum())),
            ("worst_detectable_change", worst["detectable_change"], worst["service"]),
            ("worst_assumed_minutes_saved", worst["assumed_minutes_saved"], worst["service"]),
        ]
    needed = prec["municipalities_needed"].dropna()
    if len(needed):
        rows += [("municipalities_needed_min", needed.min()), ("municipalities_needed_max", needed.max())]
    national = timeuse_national
    if national["hours_per_year"].notna().any():
        rows += [
            ("national_hours_per_year", national["hours_per_year"].sum()),
            ("national_mnok_per_year", national["mnok_per_year"].sum()),
        ]
    return _table(rows)


def participation_summary(
    public_status: pd.DataFrame,
    intentions_aggregate: IntentionsAggregate,
    participation_consequences: pd.DataFrame,
    gp_survey_estimates: pd.DataFrame,
    bass_fit: pd.DataFrame,
) -> pd.DataFrame:
    """What the participation appendix opens with: the municipalities public sources name, by status (the
    declined and unknown by name in ``detail``), whether all of Agder signed, the survey's GP shares, the
    break-even share under the stated GP assumption against KS's count, the forecast's share in 2030, and
    whether the forecast's fit (Bass NLS on the population share) identifies the market potential."""
    counts = public_status["public_status"].value_counts()
    names = {s: ", ".join(sorted(g["municipality_name"])) for s, g in public_status.groupby("public_status")}
    agder = public_status[public_status["municipality_code"].str.startswith(AGDER_PREFIX)]
    cons = participation_consequences.set_index("scenario")
    be = float(cons["break_even_municipal_share"].iloc[0])
    all_gps = gp_survey_estimates[
        (gp_survey_estimates["scenario"] == "no_incentive") & (gp_survey_estimates["group"] == "all")
    ]
    rows: list[tuple] = [
        ("named", len(public_status) - counts.get("not_named", 0)),
        *[(f"named_{s}", counts.get(s, 0), names.get(s, "")) for s in ("signed", "declined", "unknown")],
        ("not_named", counts.get("not_named", 0)),
        ("agder_named", len(agder)),
        ("agder_all_signed", int(len(agder) > 0 and bool((agder["public_status"] == "signed").all()))),
        ("gp_expected_share", all_gps["expected_share"].iloc[0]),
        ("gp_lowest_plausible_share", all_gps["lower_bound"].iloc[0]),
        ("break_even_share", be, cons["gp_assumption"].iloc[0]),
        ("ks_share", intentions_aggregate.population_share),
        ("ks_share_at_or_above_break_even", int(pd.notna(be) and intentions_aggregate.population_share >= be)),
        ("forecast_share_2030", cons.loc["commitments_bass", "municipal_share_2030"]),
        ("forecast_potential_identified", int(not _not_identified(bass_fit, "population_share", "nls"))),
    ]
    return _table(rows)


def _not_identified(bass_fit: pd.DataFrame, series: str, method: str) -> bool:
    """Whether that fit's market potential is on its bound or below what is observed (not identified)."""
    row = bass_fit[(bass_fit["series"] == series) & (bass_fit["method"] == method)]
    codes = set(",".join(row["warnings"].fillna("")).split(","))
    return bool(codes & {"market_potential_at_bound", "market_potential_below_observed"})


def baseline_study_recommendation(voi_evsi: pd.DataFrame) -> dict:
    """Whether a further baseline study pays, and with how many municipalities (the EVSI curve's best point);
    empty when the baseline has no variance components to value it on."""
    return {} if voi_evsi.empty else study_recommendation(voi_evsi)


def analysis_summary(
    voi_summary: pd.DataFrame,
    voi_evppi: pd.DataFrame,
    baseline_study_recommendation: dict,
    risk_sharing: pd.DataFrame,
    municipal_risk: pd.DataFrame,
    municipal_cash_position: pd.DataFrame,
    staged_rollout_comparison: pd.DataFrame,
    stop_point_value: pd.DataFrame,
    cba_inputs: CBAInputs,
) -> pd.DataFrame:
    """What the analysis appendix states beside its key figures: the uncertainty most worth resolving, the
    baseline study's recommendation, each risk-sharing rule's probability of a negative cash position for the
    municipalities and whether it meets the scenario's threshold, the spread between municipalities, the
    first years the municipalities' cash position is not negative, the staged roll-out against the committed
    one (what the delay costs, what the decision is worth, which has the higher expected value) and what the
    stop points together add to the committed path's expected value."""
    evppi = voi_evppi.set_index("parameter_group")["evppi_mnok"]
    others = evppi.drop(index="time_all", errors="ignore")
    rows: list[tuple] = [("top_evppi_mnok", others.max(), str(others.idxmax()))]
    if "time_all" in evppi.index:
        rows.append(("time_all_evppi_mnok", evppi["time_all"]))
    rec = baseline_study_recommendation
    per_municipality = voi_summary.set_index("metric")["value"].get("study_staff_days_per_municipality", float("nan"))
    if rec:
        rows += [
            ("study_pays", int(rec["decision"] == "measure")),
            ("study_municipalities", rec["municipalities"]),
            ("study_staff_days", rec["municipalities"] * per_municipality),
            ("study_evsi_mnok", rec["evsi_mnok"]),
            ("study_cost_mnok", rec["cost_mnok"]),
        ]
    settings = cba_inputs.risk_sharing
    cash = risk_sharing[(risk_sharing["measure"] == "cash") & (risk_sharing["actor"] == "municipalities")]
    for rule, p in zip(cash["rule"], cash["prob_negative"]):
        rows += [
            (f"municipal_prob_negative_{rule}", p, rule),
            (f"rule_meets_threshold_{rule}", int(p <= settings.municipal_negative_cash_threshold), rule),
        ]
    rows += [
        ("municipal_prob_negative_min", municipal_risk["prob_negative_brief"].min()),
        ("municipal_prob_negative_max", municipal_risk["prob_negative_brief"].max()),
    ]
    position = municipal_cash_position.set_index("variant")
    rows += [
        ("first_year_not_negative", position.loc["without_loan", "first_year_not_negative"]),
        ("first_year_not_negative_with_loan", position.loc["with_loan", "first_year_not_negative"]),
        ("first_year_cumulative_not_negative", position.loc["without_loan", "first_year_cumulative_not_negative"]),
    ]
    staged = staged_rollout_comparison.set_index("measure")
    expected = staged["expected_mnok"]
    rows += [
        ("staged_expected_mnok", expected["staged"]),
        ("staged_committed_expected_mnok", expected["committed"]),
        ("staged_delay_cost_mnok", expected["committed"] - expected["staged_without_stop"]),
        ("staged_decision_mnok", expected["staged"] - expected["staged_without_stop"]),
        ("staged_prob_stop", staged.loc["staged", "prob_stop"]),
        ("staged_decision_year", staged.loc["staged", "decision_year"]),
        ("staged_delay_years", cba_inputs.staged_rollout.delay_years),
        ("staged_better", int(expected["staged"] > expected["committed"])),
        (
            "stop_points_value_mnok",
            stop_point_value.attrs["with_stops_mnok"] - stop_point_value.attrs["committed_mnok"],
        ),
    ]
    return _table(rows)


def governance_summary(
    change_log: pd.DataFrame,
    npv_bridge: pd.DataFrame,
    change_cost_effects: pd.DataFrame,
    stop_points: pd.DataFrame,
    goal_register: pd.DataFrame,
) -> pd.DataFrame:
    """What the governance appendix opens with: changes and how many are implemented, where the bridge starts
    and ends and what its steps sum to, whether any change moves the cost estimate, the measurable criteria by
    status and how many rest on synthetic example data, and the goals that are not verifiable as written."""
    rules = stop_points[stop_points["type"] == "rule"]
    counts = rules["status"].value_counts()
    moved = change_cost_effects[["delta_p50_mnok", "delta_p85_mnok"]].abs().max().max()
    rows: list[tuple] = [
        ("changes", len(change_log)),
        ("changes_implemented", int((change_log["status"] == "implemented").sum())),
        ("bridge_start_mnok", npv_bridge["npv_mnok"].iloc[0]),
        ("bridge_end_mnok", npv_bridge["npv_mnok"].iloc[-1]),
        ("bridge_steps_sum_mnok", npv_bridge["delta_mnok"].sum()),
        ("cost_moved_by_changes", int(moved >= 0.5)),
        ("rule_criteria", len(rules)),
        *[(f"criteria_{s}", counts.get(s, 0), s) for s in ("met", "not_met", "not_assessable")],
        ("criteria_on_example_data", int(rules["data_basis"].str.contains("example").sum())),
        ("goals", len(goal_register)),
        ("goals_not_verifiable", int((~goal_register["verifiable"].astype(bool)).sum())),
    ]
    return _table(rows)
