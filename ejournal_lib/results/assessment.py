"""Result-graph node: DFØ's «samlet vurdering og anbefaling» for the analysis appendix, generated from the
results: the priced effects against the non-priced ones, the recommendation and the conditions it rests on,
and what rests on synthetic example data. The words are the label catalogue's (``assessment`` domain)."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.common.formatting import fmt_list, fmt_number, fmt_percent
from ejournal_lib.common.labels import label
from ejournal_lib.results import lineage
from ejournal_lib.scenario import Scenario


def _example_inputs(data_input_kinds: dict) -> list[str]:
    """The data inputs that are synthetic example data, in the scenario's order."""
    return [name for name, kinds in data_input_kinds.items() if lineage.EXAMPLE in kinds]


def overall_assessment(
    conclusions: pd.DataFrame,
    uncertainty_summary: pd.DataFrame,
    cba_reconciliation: pd.DataFrame,
    cba_non_priced: pd.DataFrame,
    staged_rollout_comparison: pd.DataFrame,
    stop_point_value: pd.DataFrame,
    analysis_summary: pd.DataFrame,
    break_even: pd.DataFrame,
    area: pd.DataFrame,
    data_input_kinds: dict,
    scenario: Scenario,
) -> pd.DataFrame:
    """DFØ's «samlet vurdering og anbefaling»: the priced effects (expected value, probability of a loss), the
    non-priced ones (the plus-minus sum), the two weighed against each other, the recommendation and the
    conditions it rests on, and the conclusions and inputs that are synthetic example data. One row per
    part: ``part``, ``sentence`` (the catalogue's words with the results' numbers), ``data_basis``."""
    npv = uncertainty_summary.set_index("quantity").loc["npv"]
    expected, prob = float(npv.at["expected_mnok"]), float(npv.at["prob_negative"])  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
    base = float(cba_reconciliation.set_index("effect").at["npv", "model_mnok"])  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
    consequence = cba_non_priced["consequence"]
    plus, minus = int(consequence[consequence > 0].sum()), int(-consequence[consequence < 0].sum())
    non_priced_net = plus - minus
    measures = staged_rollout_comparison.set_index("measure")["expected_mnok"]
    measure = "staged" if measures["staged"] > measures["committed"] else "committed"
    best = max(expected, float(measures[measure]))
    if best > 0:
        verdict = "priced_and_non_priced_for" if non_priced_net >= 0 else "priced_for_non_priced_against"
    else:
        verdict = "non_priced_must_carry" if non_priced_net > 0 else "against"
    inhabitants = float(area["population"].sum())
    facts = analysis_summary.set_index("figure")
    stated = break_even[(break_even["quantity"] == "municipal_final_share") & break_even["stated"]].iloc[0]
    threshold = max(float(stated["break_even_share"]), scenario.participation.target_share)
    stops = stop_point_value.set_index("stop_point")["value_in_sequence_mnok"]
    kinds = {
        "priced": lineage.kinds("uncertainty_summary", data_input_kinds),
        "non_priced": lineage.kinds("cba_non_priced", data_input_kinds),
        "stop_points": lineage.kinds("stop_point_value", data_input_kinds),
        "study": lineage.kinds("voi_evsi", data_input_kinds),
        # the break-even under the stated GP assumption: on the survey only when the scenario states it
        "threshold": tuple(lineage.kinds("cba_reconciliation", data_input_kinds))
        + (lineage.kinds("gp_survey_estimates", data_input_kinds) if stated["gp_assumption"] != "brief" else ()),
        "risk": lineage.kinds("risk_sharing", data_input_kinds),
    }
    limit = scenario.cba.risk_sharing.municipal_negative_cash_threshold
    rules = scenario.cba.risk_sharing.rules  # the municipalities' P(negative cash) under each rule
    lowest_risk = min(float(facts.at[f"municipal_prob_negative_{r}", "value"]) for r in rules)  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
    numbers = {
        "expected": fmt_number(expected),
        "prob": fmt_percent(prob, 0),
        "base": fmt_number(base),
        "plus": fmt_number(plus),
        "minus": fmt_number(minus),
        "per_inhabitant": fmt_number(-best * 1e6 / inhabitants),
        "needed": fmt_number(-best),
        "measure": label("staged_measure", measure).lower(),
        "threshold": fmt_percent(threshold, 0),
        "break_even": fmt_percent(float(stated["break_even_share"]), 0),
        "target": fmt_percent(scenario.participation.target_share, 0),
        "stop_point": str(stops.idxmax()),
        "stop_value": fmt_number(stops.max()),
        "action": label("voi_action", str(facts.loc["top_evppi_mnok", "detail"]).split(":")[0]),
        "lowest_risk": fmt_percent(lowest_risk, 0),
        "limit": fmt_percent(limit, 0),
        "municipalities": fmt_number(facts.loc["study_municipalities", "value"])
        if "study_municipalities" in facts.index
        else "",
    }
    rows = [
        ("priced", "assessment_priced", kinds["priced"]),
        ("non_priced", "assessment_non_priced", kinds["non_priced"]),
        ("weighing", f"assessment_{verdict}", set(kinds["priced"]) | set(kinds["non_priced"])),
        ("recommendation", "recommend" if verdict != "against" else "recommend_against", kinds["priced"]),
    ]
    if verdict != "against":
        rows += [
            ("condition", "condition_commitments", kinds["threshold"]),
            ("condition", "condition_stop_points", kinds["stop_points"]),
            ("condition", "condition_largest_uncertainty", kinds["priced"]),
        ]
        if lowest_risk > limit:
            rows.append(("condition", "condition_municipal_cash", kinds["risk"]))
        if facts.loc["study_pays", "value"] if "study_pays" in facts.index else False:
            rows.append(("condition", "condition_study", kinds["study"]))
    out = [
        {"part": part, "sentence": label("assessment", code).format(**numbers), "data_basis": lineage.joined(k)}
        for part, code, k in rows
    ]
    on_example = [
        label("conclusion_topic", c)
        for c, b in zip(conclusions["conclusion"], conclusions["data_basis"])
        if lineage.EXAMPLE in b.split(",")
    ]
    inputs = [label("data_input", i) for i in _example_inputs(data_input_kinds)]
    if inputs:
        sentence = label("assessment", "example_dependent").format(
            conclusions=fmt_list(on_example) if on_example else label("assessment", "no_conclusion"),
            inputs=fmt_list(inputs),
        )
        out.append({"part": "example_dependent", "sentence": sentence, "data_basis": lineage.EXAMPLE})
    return pd.DataFrame(out)
