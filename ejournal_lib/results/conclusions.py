"""Result-graph nodes: conclusions generated from the results, each with the condition that chose its wording
and its data status. The words are the label catalogue's (``conclusion`` domain); only the numbers and the
choice between wordings come from here. A conclusion with code ``c`` is node ``c_conclusion`` (here, or in
the governance and participation modules), so that an appendix computes only the ones it shows
(``ResultGraph.conclusion``); ``conclusions`` gathers them all into one table."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.common.formatting import fmt_date, fmt_list, fmt_number, fmt_percent
from ejournal_lib.common.labels import label
from ejournal_lib.participation.public_status import IntentionsAggregate
from ejournal_lib.results import lineage
from ejournal_lib.scenario import Scenario
from ejournal_lib.scenario.cba import CBAInputs

#: Public commitment bases that bind a municipality. The 2020 intention declarations (KS's count and the
#: municipalities named in public sources) did not: a municipality could sign and still stay out.
BINDING_BASES: frozenset[str] = frozenset()

#: How many sensitivities the conclusion names.
TOP_SENSITIVITIES = 3


def _plus(value) -> str:
    """The sign a difference is written with when it is positive (fmt_number writes the minus)."""
    return "+" if float(value) > 0 else ""


def commitment_target_conclusion(
    public_commitment_key_figures: pd.DataFrame,
    intentions_aggregate: IntentionsAggregate,
    data_input_kinds: dict,
    scenario: Scenario,
) -> dict:
    """Whether the target share of the population is reached: «nådd» only for a binding measure at or above it."""
    row = public_commitment_key_figures.set_index("basis").loc["ks_signed"]
    share, target = float(row["population_share"]), scenario.participation.target_share  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
    above = share >= target
    binding = "ks_signed" in BINDING_BASES
    code = ("target_reached" if binding else "target_above_not_binding") if above else "target_not_reached"
    sentence = label("conclusion", code).format(
        municipalities=fmt_number(row["municipalities"]),
        in_area=fmt_number(intentions_aggregate.in_area),
        share=fmt_percent(share, 0),
        target=fmt_percent(target, 0),
        date=fmt_date(row["as_of"]),
    )
    condition = f"population_share {share:.4f} {'>=' if above else '<'} target {target}; binding: {binding}"
    return lineage.conclusion_row(
        "commitment_target", sentence, condition, lineage.kinds("public_commitment_key_figures", data_input_kinds)
    )


def sensitivity_top_conclusion(cba_sensitivity: pd.DataFrame, data_input_kinds: dict) -> dict:
    """Which inputs move the net present value most: the sensitivities ranked by their largest change (the
    combined pessimistic case is no single input and is left out)."""
    table = cba_sensitivity[~cba_sensitivity["sensitivity"].isin(["base", "combined"])]
    largest = table.assign(size=table["delta_mnok"].abs()).groupby("sensitivity")["size"].max()
    top = largest.sort_values(ascending=False, kind="stable").head(TOP_SENSITIVITIES)
    names = [label("sensitivity", s).lower() for s in top.index]
    sentence = label("conclusion", "sensitivity_top").format(
        inputs=fmt_list(names).capitalize() if names else "", largest=fmt_number(top.iloc[0] if len(top) else 0)
    )
    rows = lineage.row_kinds("cba_sensitivity", cba_sensitivity, data_input_kinds)
    used = rows[table.index[table["sensitivity"].isin(top.index)]]  # the rows the ranking rests on
    condition = "; ".join(f"{s}: max |delta| {v:.0f}" for s, v in top.items())
    return lineage.conclusion_row("sensitivity_top", sentence, condition, lineage.kinds_in(used))


def coverage_stop_points_conclusion(stop_points: pd.DataFrame, scenario: Scenario) -> dict:
    """The stop points' population-share criteria as they stand: met or not, against which threshold."""
    rules = stop_points[(stop_points["type"] == "rule") & stop_points["source"].str.startswith("public_commitment_key")]
    rules = rules[rules["threshold"].notna()].sort_values(["stop_point", "threshold"], kind="stable")
    parts = [
        label("conclusion", f"coverage_criterion_{'met' if s == 'met' else 'not_met'}").format(
            threshold=fmt_percent(t, 0), stop_point=sp
        )
        for sp, t, s in zip(rules["stop_point"], rules["threshold"], rules["status"])
    ]
    sentence = label("conclusion", "coverage_criteria").format(criteria=fmt_list(parts))
    condition = "; ".join(f"{c}: {s}" for c, s in zip(rules["criterion_id"], rules["status"]))
    return lineage.conclusion_row("coverage_stop_points", sentence, condition, lineage.kinds_in(rules["data_basis"]))


def non_priced_conclusion(cba_non_priced: pd.DataFrame, data_input_kinds: dict) -> dict:
    """The non-priced effects that pull up (medium or large) and down, with their assessment status."""
    up = cba_non_priced[cba_non_priced["consequence"] >= 2]["effect_id"]
    down = cba_non_priced[cba_non_priced["consequence"] < 0]["effect_id"]
    statuses = {label("assessment_status", s).lower() for s in cba_non_priced["assessment_status"]}
    sentence = label("conclusion", "non_priced").format(
        up=fmt_list([label("non_priced_effect", e).lower() for e in up]) or "–",
        down=fmt_list([label("non_priced_effect", e).lower() for e in down]) or "–",
        status=fmt_list(sorted(statuses)),
    )
    condition = f"up (consequence >= 2): {list(up)}; down (< 0): {list(down)}"
    return lineage.conclusion_row("non_priced", sentence, condition, lineage.kinds("cba_non_priced", data_input_kinds))


def staging_conclusion(
    staged_rollout_comparison: pd.DataFrame, stop_point_value: pd.DataFrame, data_input_kinds: dict
) -> dict:
    """The staged roll-out against the committed one (which has the higher expected value, what the delay
    costs and the decision is worth) and what the stop points add to the committed path."""
    table = staged_rollout_comparison.set_index("measure")
    expected = table["expected_mnok"]
    better = expected["staged"] > expected["committed"]
    sentence = label("conclusion", "staged_better" if better else "committed_better").format(
        year=f"{float(table.loc['staged', 'decision_year']):.0f}",  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
        staged=fmt_number(expected["staged"]),
        committed=fmt_number(expected["committed"]),
        delay=fmt_number(expected["committed"] - expected["staged_without_stop"]),
        decision=fmt_number(expected["staged"] - expected["staged_without_stop"]),
        prob_stop=fmt_percent(table.loc["staged", "prob_stop"], 0),
        stops=fmt_number(stop_point_value.attrs["with_stops_mnok"] - stop_point_value.attrs["committed_mnok"]),
    )
    condition = f"staged {expected['staged']:.0f} {'>' if better else '<='} committed {expected['committed']:.0f}"
    kinds = set(lineage.kinds("staged_rollout_comparison", data_input_kinds)) | set(
        lineage.kinds("stop_point_value", data_input_kinds)
    )
    return lineage.conclusion_row("staging", sentence, condition, lineage.ordered(kinds))


def reconciliation_conclusion(
    cba_reconciliation: pd.DataFrame,
    cba_reconciliation_services: pd.DataFrame,
    method_changes: tuple,
    data_input_kinds: dict,
) -> dict:
    """How close the base case comes to the published analysis: the net present value's difference, how many
    services' freed time is within the tolerance, and the services outside it (largest difference first). A
    scenario that changes the model's inputs says so instead: its difference comes from those changes too."""
    npv = cba_reconciliation.set_index("effect").loc["npv"]
    time = cba_reconciliation_services[cba_reconciliation_services["effect"] == "time_savings"]
    outside = time[~time["within_tolerance"]].sort_values("difference_mnok", key=abs, ascending=False)
    names = [
        f"{label('service', r.service).lower()} ({_plus(r.difference_pct)}{fmt_percent(r.difference_pct, 0)})"
        for r in outside.itertuples()
    ]
    code = "reconciled_all_services" if outside.empty else "reconciled_some_services"
    if method_changes:
        code = "reconciled_changed_inputs"
    sentence = label("conclusion", code).format(
        changes=fmt_list([label("input_group", g).lower() for g in method_changes]),
        model=fmt_number(npv["model_mnok"]),
        published=fmt_number(npv["published_mnok"]),
        difference=_plus(npv["difference_mnok"]) + fmt_number(npv["difference_mnok"]),
        within=fmt_number(len(time) - len(outside)),
        services=fmt_number(len(time)),
        outside=fmt_list(names),
    )
    condition = (
        f"{len(time) - len(outside)} of {len(time)} services' freed time within tolerance; changes: {method_changes}"
    )
    kinds = set(lineage.kinds("cba_reconciliation", data_input_kinds)) | set(
        lineage.kinds("cba_reconciliation_services", data_input_kinds)
    )
    return lineage.conclusion_row("reconciliation", sentence, condition, lineage.ordered(kinds))


def uncertainty_readings_conclusion(uncertainty_readings: pd.DataFrame, data_input_kinds: dict) -> dict:
    """The headline reading of the triple estimates against taking the brief's P10 and P90 literally."""
    table = uncertainty_readings.set_index("reading")
    headline = table[table["headline"]].iloc[0]
    literal = table.loc["median_at_base"]
    literal_headline = headline.name == "median_at_base"
    mean = table.loc["mean_at_base"]
    sentence = label(
        "conclusion", "uncertainty_readings_literal" if literal_headline else "uncertainty_readings"
    ).format(
        headline=fmt_number(headline["expected_mnok"]),
        reading=label("distribution_reading", headline.name).lower(),
        exact=fmt_number(headline["triples_exact"]),
        triples=fmt_number(headline["triples"]),
        literal=fmt_number(literal["expected_mnok"]),
        prob_literal=fmt_percent(literal["prob_negative"], 0),
        prob_headline=fmt_percent(headline["prob_negative"], 0),
        mean=fmt_number(mean["expected_mnok"]),
        prob_mean=fmt_percent(mean["prob_negative"], 0),
    )
    condition = f"headline {headline.name}; {int(headline['triples_exact'])} of {int(headline['triples'])} exact"
    return lineage.conclusion_row(
        "uncertainty_readings", sentence, condition, lineage.kinds("uncertainty_readings", data_input_kinds)
    )


def expected_value_conclusion(cba_summary: pd.DataFrame, data_input_kinds: dict) -> dict:
    """The expected net present value, the simulation's P10/P50/P90 and the probability of a negative value."""
    v = cba_summary.set_index("metric")["value"]
    sentence = label("conclusion", "expected_value").format(
        expected=fmt_number(v["expected_npv_mnok"]),
        p10=fmt_number(v["mc_npv_p10_mnok"]),
        p50=fmt_number(v["mc_npv_p50_mnok"]),
        p90=fmt_number(v["mc_npv_p90_mnok"]),
        prob=fmt_percent(v["mc_prob_negative"], 0),
    )
    condition = f"expected {float(v['expected_npv_mnok']):.0f}"
    return lineage.conclusion_row(
        "expected_value", sentence, condition, lineage.kinds("uncertainty_summary", data_input_kinds)
    )


def _from_year(first, otherwise: str, **values) -> str:
    """«ikke negativ fra <first>», or the phrase ``otherwise`` (codes of the ``conclusion_phrase`` domain)."""
    if pd.notna(first):
        return label("conclusion_phrase", "not_negative_from").format(year=f"{float(first):.0f}")
    return label("conclusion_phrase", otherwise).format(**values)


def municipal_cash_conclusion(
    actor_views: pd.DataFrame, analysis_summary: pd.DataFrame, cba_inputs: CBAInputs, data_input_kinds: dict
) -> dict:
    """What the municipalities get, and in what form (mostly freed time, not kroner), and from which year
    their yearly and accumulated cash is no longer negative, without and with loans."""
    m = actor_views.set_index("actor").loc["municipalities"]
    v = analysis_summary.set_index("figure")["value"]
    last = cba_inputs.frame.last_year
    # «mostly freed time, not kroner» only when it is so: a positive net value carried by freed time, cash negative
    mostly_time = m["net_mnok"] > 0 and m["capacity_mnok"] > 0 and m["cash_mnok"] < 0
    sentence = label("conclusion", "municipal_cash" if mostly_time else "municipal_cash_parts").format(
        net=fmt_number(m["net_mnok"]),
        capacity=fmt_number(m["capacity_mnok"]),
        cash=fmt_number(m["cash_mnok"]),
        without=_from_year(v["first_year_not_negative"], "negative_every_year"),
        with_loan=_from_year(v["first_year_not_negative_with_loan"], "negative_every_year_in_period"),
        cumulative=_from_year(v["first_year_cumulative_not_negative"], "not_positive_by", year=last),
    )
    condition = f"municipal cash {m.at['cash_mnok']:.0f}"
    return lineage.conclusion_row("municipal_cash", sentence, condition, lineage.kinds("actor_views", data_input_kinds))


def break_even_conclusion(break_even: pd.DataFrame, data_input_kinds: dict, scenario: Scenario) -> dict:
    """The municipal share at which the net present value is zero under the 2020 GP rule."""
    rows = break_even[(break_even["quantity"] == "municipal_final_share")].set_index("gp_assumption")
    r = rows.loc[rows.index == "brief"].iloc[0]
    sentence = label("conclusion", "break_even_brief").format(
        gp=fmt_percent(r["gp_final_share"], 0), outcome=_break_even_outcome(r)
    )
    return lineage.conclusion_row(
        "break_even", sentence, str(r["status"]), lineage.kinds("cba_reconciliation", data_input_kinds)
    )


def break_even_survey_conclusion(break_even: pd.DataFrame, data_input_kinds: dict, scenario: Scenario) -> dict:
    """The break-even under the GP survey's share (synthetic example data here), and the assumption the
    procurement test uses; only the latter when there is no survey."""
    rows = break_even[(break_even["quantity"] == "municipal_final_share")].set_index("gp_assumption")
    stated = label("gp_assumption", scenario.participation.gp_assumption).lower()
    if "survey" not in rows.index:
        sentence = label("conclusion", "procurement_assumption").format(stated=stated)
        return lineage.conclusion_row("break_even_survey", sentence, "no survey", ())
    r = rows.loc[rows.index == "survey"].iloc[0]
    sentence = label("conclusion", "break_even_survey").format(
        gp=fmt_percent(r["gp_final_share"], 0), outcome=_break_even_outcome(r), stated=stated
    )
    kinds = set(lineage.kinds("cba_reconciliation", data_input_kinds)) | set(
        lineage.kinds("gp_survey_estimates", data_input_kinds)
    )
    return lineage.conclusion_row("break_even_survey", sentence, str(r["status"]), lineage.ordered(kinds))


def _break_even_outcome(r: pd.Series) -> str:
    if r["status"] == "negative_at_full_participation":
        return label("conclusion_phrase", "negative_with_all")
    return label("conclusion_phrase", "zero_at").format(share=fmt_percent(r["break_even_share"], 0))


def value_of_information_conclusion(
    voi_summary: pd.DataFrame, analysis_summary: pd.DataFrame, data_input_kinds: dict
) -> dict:
    """What full information is worth, the uncertainty worth most to know (and the action for it) and all
    services' freed time together."""
    evpi = voi_summary.set_index("metric")["value"]
    facts = analysis_summary.set_index("figure")
    top = str(facts.at["top_evppi_mnok", "detail"])
    sentence = label("conclusion", "value_of_information").format(
        evpi=fmt_number(evpi["evpi_mnok"]),
        group=label("voi_group", top).lower(),
        top=fmt_number(facts.at["top_evppi_mnok", "value"]),
        time=fmt_number(facts.at["time_all_evppi_mnok", "value"]),
        action=label("voi_action", top.split(":")[0]),
    )
    # EVPI and EVPPI come from the simulation's draws alone (the node that returns them also holds the study's
    # EVSI, which rests on the time-use registrations): the simulation's data basis
    return lineage.conclusion_row(
        "value_of_information", sentence, f"top {top}", lineage.kinds("uncertainty_summary", data_input_kinds)
    )


def study_conclusion(analysis_summary: pd.DataFrame, data_input_kinds: dict) -> dict:
    """Whether a baseline time-use study before KS2 pays, and of how many municipalities; or that it cannot
    be valued (no variance components to build on)."""
    v = analysis_summary.set_index("figure")["value"]
    if "study_pays" not in v.index:
        code = "study_not_valued"
    else:
        code = "study_pays" if v["study_pays"] else "study_does_not_pay"
    values = {
        k: fmt_number(v[f"study_{k}"])
        for k in ("municipalities", "staff_days", "evsi_mnok", "cost_mnok")
        if f"study_{k}" in v.index
    }
    sentence = label("conclusion", code).format(**values)
    return lineage.conclusion_row("study", sentence, code, lineage.kinds("voi_evsi", data_input_kinds))


def conclusions(
    reconciliation_conclusion: dict,
    uncertainty_readings_conclusion: dict,
    commitment_target_conclusion: dict,
    sensitivity_top_conclusion: dict,
    coverage_stop_points_conclusion: dict,
    non_priced_conclusion: dict,
    staging_conclusion: dict,
    cost_conclusion: dict,
    expected_value_conclusion: dict,
    municipal_cash_conclusion: dict,
    break_even_conclusion: dict,
    break_even_survey_conclusion: dict,
    value_of_information_conclusion: dict,
    study_conclusion: dict,
    change_log_conclusion: dict,
    stop_point_counts_conclusion: dict,
    goals_conclusion: dict,
    named_sources_conclusion: dict,
    largest_half_conclusion: dict,
    forecast_conclusion: dict,
    gp_survey_conclusion: dict,
    procurement_conclusion: dict,
) -> pd.DataFrame:
    """Every generated conclusion: code, sentence, the condition that chose it, the kinds of data it rests on."""
    return pd.DataFrame(
        [
            reconciliation_conclusion,
            uncertainty_readings_conclusion,
            commitment_target_conclusion,
            sensitivity_top_conclusion,
            coverage_stop_points_conclusion,
            non_priced_conclusion,
            staging_conclusion,
            cost_conclusion,
            expected_value_conclusion,
            municipal_cash_conclusion,
            break_even_conclusion,
            break_even_survey_conclusion,
            value_of_information_conclusion,
            study_conclusion,
            change_log_conclusion,
            stop_point_counts_conclusion,
            goals_conclusion,
            named_sources_conclusion,
            largest_half_conclusion,
            forecast_conclusion,
            gp_survey_conclusion,
            procurement_conclusion,
        ]
    )
