"""All tables of the socio-economic analysis appendix, from the scenario in one call.

The notebook ``notebooks/cba.ipynb`` shows these tables; tests check them; nothing here draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ejournal_lib.cba.actors import (
    BENEFIT_EFFECTS,
    actor_summary,
    actor_views,
    assign_actors,
    budget_profile,
    cash_position,
    municipality_distribution,
    public_shares,
)
from ejournal_lib.cba.calibration import calibration_check
from ejournal_lib.cba.curves import Draws
from ejournal_lib.cba.engine import CASH_EFFECTS, effect_pairs, run_cba, year_turning_positive
from ejournal_lib.cba.reconciliation import method_candidates, reconciliation_table
from ejournal_lib.cba.risk_sharing import (
    guarantee_by_correlation,
    municipal_risk,
    risk_sharing_table,
    simulate_risk,
    state_cost_table,
    worst_year_table,
)
from ejournal_lib.cba.scenarios import break_even, gp_final_shares, participation_scenarios
from ejournal_lib.cba.sensitivity import sensitivity_table
from ejournal_lib.cba.uncertainty import (
    expected_npv,
    present_values,
    sample_draws,
    summarise_simulation,
    tornado,
    uncertainty_table,
)
from ejournal_lib.scenario.actors import ActorMapping
from ejournal_lib.scenario.cba import EFFECTS, CBAInputs
from ejournal_lib.scenario.model import Scenario

__all__ = ["cba_tables", "scenario_public_shares", "inputs_table"]


def scenario_public_shares(scenario: Scenario) -> dict:
    """Share of each effect × service falling on public actors under the scenario's financing key (used for
    the tax financing base when ``tax_financing_public_share_only``). ``benefit_share`` items count as public
    (financed up front)."""
    return public_shares(scenario.actor_mapping, effect_pairs(scenario.cba), scenario.settings.financing_key)


def inputs_table(inputs: CBAInputs) -> pd.DataFrame:
    """Every input value the model uses: section, parameter (dotted path; table rows by their key), the value
    (a number, or text) and the section's source."""
    rows = []

    def walk(section: str, path: str, value, source: str):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(section, f"{path}.{k}" if path else str(k), v, source)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, row in enumerate(value):
                key = next((str(row[k]) for k in ("service", "item", "id") if k in row), str(i))
                walk(
                    section,
                    f"{path}.{key}",
                    {k: v for k, v in row.items() if k not in ("service", "item", "id")},
                    source,
                )
        else:
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            rows.append(
                {
                    "section": section,
                    "parameter": path,
                    "value_number": float(value) if number else np.nan,
                    "value_text": "" if number else str(value),
                    "source": source,
                }
            )

    dumped = inputs.model_dump(exclude={"choices", "published", "calibration"})
    for section, content in dumped.items():
        content = dict(content)
        source = content.pop("source", "")
        walk(section, "", content, source)
    return pd.DataFrame(rows)


def cba_tables(
    scenario: Scenario,
    inputs: CBAInputs,
    mapping: ActorMapping,
    municipalities: pd.DataFrame,
    survey_estimates: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Compute every table of the analysis from the model's ``inputs`` (as calibrated) and the actor
    ``mapping``. ``municipalities``: the municipalities in the area (code, name,
    population); ``survey_estimates``: the GP survey's expected shares (the participation appendix's table),
    for the GP uptake assumptions. Returns frames keyed by their processed-table name, plus ``_simulation``
    (each draw's present values) and ``_draws`` (the inputs drawn, for the value of information)."""
    financing_key = scenario.settings.financing_key
    budget, n_iterations, seed = (
        scenario.analysis.budget,
        scenario.analysis.simulation.n_iterations,
        scenario.settings.seed,
    )
    ps = scenario_public_shares(scenario)
    result = run_cba(inputs, ps)
    yearly = assign_actors(result.yearly, ["value_mnok", "discounted_mnok"], mapping, financing_key)
    effects = (
        yearly.groupby(["effect", "service", "actor"], sort=False)["discounted_mnok"]
        .sum()
        .rename("npv_mnok")
        .reset_index()
    )
    cumulative = result.cumulative_by_year()
    draws = sample_draws(inputs, n_iterations, seed)
    sim = present_values(inputs, draws, ps)
    uncertainty = summarise_simulation(sim)
    expected = expected_npv(inputs, ps)
    gp_finals = gp_final_shares(inputs, survey_estimates)
    be = break_even(inputs, ps, gp_finals)
    budget_table = budget_profile(
        yearly, CASH_EFFECTS, budget.loan_years, budget.loan_rate, budget.inflation, inputs.frame.base_year
    )
    views = actor_views(effects, mapping)
    public = [a for a, spec in mapping.actors.items() if spec.public]
    public_cash = float(views[views["actor"].isin(public)]["cash_mnok"].sum())

    by_effect = effects.groupby("effect", sort=False)["npv_mnok"].sum()
    benefits = by_effect[by_effect.index.isin(BENEFIT_EFFECTS)].sum()
    sim_npv = uncertainty.set_index("quantity").loc["npv"]
    stated = scenario.participation.gp_assumption
    municipal_be = be[be["quantity"] == "municipal_final_share"].set_index("gp_assumption")["break_even_share"]
    summary = pd.DataFrame(
        [
            ("expected_npv_mnok", expected["npv"], "mnok"),
            ("mc_npv_mean_mnok", sim_npv["mean"], "mnok"),
            ("mc_npv_se_mnok", sim_npv["se_mean"], "mnok"),
            ("mc_npv_p10_mnok", sim_npv["p10"], "mnok"),
            ("mc_npv_p50_mnok", sim_npv["p50"], "mnok"),
            ("mc_npv_p85_mnok", sim_npv["p85"], "mnok"),
            ("mc_npv_p90_mnok", sim_npv["p90"], "mnok"),
            ("mc_prob_negative", sim_npv["prob_negative"], "share"),
            ("npv_mnok", result.npv, "mnok"),
            ("published_npv_mnok", inputs.published.npv_mnok, "mnok"),
            ("pv_benefits_mnok", benefits, "mnok"),
            ("pv_costs_mnok", result.npv - benefits, "mnok"),
            *[(f"pv_{e}_mnok", float(by_effect.get(e, 0.0)), "mnok") for e in EFFECTS],
            ("npv_per_budget_krone", result.npv / -public_cash if public_cash < 0 else np.nan, "ratio"),
            ("year_turning_positive", year_turning_positive(cumulative), "year"),
            (
                "operation_cost_full_participation_mnok",
                inputs.operation.cost_per_year_full_participation_mnok,
                "mnok_per_year",
            ),
            (
                "break_even_municipal_share",
                float(municipal_be[stated] if stated in municipal_be else municipal_be["brief"]),
                "share",
            ),
            ("break_even_municipal_share_brief", float(municipal_be["brief"]), "share"),
            (
                "break_even_gp_share",
                float(be.loc[be["quantity"] == "gp_final_share", "break_even_share"].iloc[0]),
                "share",
            ),
            ("n_iterations", n_iterations, "count"),
            ("seed", seed, "code"),
        ],
        columns=["metric", "value", "unit"],
    )
    summary["value"] = summary["value"].astype(float)
    curves = pd.DataFrame(
        {
            "year": inputs.years,
            "municipal_share": result.curves.municipal_share[0],
            "gp_share": result.curves.gp_share[0],
            "municipal_realised": result.curves.municipal_realised[0],
            "gp_realised": result.curves.gp_realised[0],
        }
    )
    expected_effects = pd.DataFrame(
        {"quantity": ["npv", *EFFECTS], "expected_mnok": [expected["npv"], *[expected[e] for e in EFFECTS]]}
    )
    return {
        "cba_summary": summary,
        "cba_reconciliation": reconciliation_table(inputs, ps),
        "cba_method_candidates": method_candidates(inputs, ps),
        "cba_calibration": calibration_check(inputs, ps),
        "cba_effects": effects,
        "cba_yearly": yearly[["year", "effect", "service", "actor", "value_mnok", "discounted_mnok"]],
        "cba_cumulative": cumulative,
        "cba_curves": curves,
        "benefit_distribution": actor_summary(effects, mapping),
        "actor_views": views,
        "budget_profile": budget_table,
        "municipal_cash_position": cash_position(budget_table, "municipalities", inputs.frame.last_year),
        "municipality_distribution": municipality_distribution(effects, municipalities, inputs.null_alternative),
        "uncertainty_summary": uncertainty.merge(expected_effects, on="quantity", how="left"),
        "cba_uncertainty_inputs": uncertainty_table(inputs),
        "tornado": tornado(inputs, ps),
        "participation_scenarios": participation_scenarios(inputs, ps),
        "break_even": be,
        "cba_sensitivity": sensitivity_table(
            inputs, ps, scenario.analysis.sensitivity, {k: v for k, v in gp_finals.items() if k != "brief"}
        ),
        "cba_inputs_used": inputs_table(inputs),
        **risk_tables(scenario, inputs, ps, municipalities, draws),
        "_simulation": sim,
        "_draws": draws,
    }


def risk_tables(
    scenario: Scenario, inputs: CBAInputs, ps: dict, municipalities: pd.DataFrame, draws: Draws | None = None
) -> dict[str, pd.DataFrame]:
    """Who carries the uncertainty, under each risk-sharing rule, on the simulation's first draws (``draws``:
    the simulation's own; drawn with the scenario's seed when not given)."""
    cfg, mapping, key = inputs.risk_sharing, scenario.actor_mapping, scenario.settings.financing_key
    n_simulated, seed = scenario.analysis.simulation.n_iterations, scenario.settings.seed
    n = min(cfg.n_draws, n_simulated)
    risk = simulate_risk(inputs, mapping, key, ps, n, seed, cfg, draws=draws or sample_draws(inputs, n_simulated, seed))
    return {
        "risk_sharing": risk_sharing_table(risk),
        "risk_worst_year": worst_year_table(risk),
        "risk_state_cost": state_cost_table(risk),
        "risk_guarantee_correlation": guarantee_by_correlation(
            inputs, mapping, key, ps, n, seed, cfg, n_simulated, own=risk
        ),
        "municipal_risk": municipal_risk(risk, municipalities, inputs.null_alternative),
    }
