"""All tables of the socio-economic analysis appendix, from the scenario in one call.

The notebook ``notebooks/cba.ipynb`` shows these tables; tests check them; nothing here draws.
"""

from __future__ import annotations

import pandas as pd

from ejournal_lib.cba.actors import (
    BENEFIT_EFFECTS,
    actor_summary,
    assign_actors,
    budget_profile,
    municipality_distribution,
    public_shares,
)
from ejournal_lib.cba.engine import (
    CASH_EFFECTS,
    EFFECTS,
    effect_pairs,
    run_cba,
    year_turning_positive,
)
from ejournal_lib.cba.scenarios import break_even, participation_scenarios
from ejournal_lib.cba.uncertainty import simulate, summarise_simulation, tornado
from ejournal_lib.scenario.model import Scenario

__all__ = ["cba_tables", "scenario_public_shares"]


def scenario_public_shares(scenario: Scenario) -> dict:
    """Share of each budget effect × service falling on public actors under the scenario's financing key
    (the base of the tax financing cost). ``benefit_share`` items count as public (financed up front)."""
    return public_shares(scenario.actor_mapping, effect_pairs(scenario.cba), scenario.settings.financing_key)


def cba_tables(scenario: Scenario, municipalities: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Compute every table of the analysis. ``municipalities``: the municipalities in the area (code, name,
    population). Returns frames keyed by their processed-table name, plus ``_simulation`` (the draws)."""
    inputs, mapping = scenario.cba, scenario.actor_mapping
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
        yearly.groupby(["effect", "service", "actor"], sort=False, as_index=False)["discounted_mnok"]
        .sum()
        .rename(columns={"discounted_mnok": "npv_mnok"})
    )
    distribution = actor_summary(effects, mapping)
    cumulative = result.cumulative_by_year()
    positive_year = year_turning_positive(cumulative)
    sim = simulate(inputs, ps, n_iterations, seed)
    uncertainty = summarise_simulation(sim)
    tor = tornado(inputs, ps)
    scenarios = participation_scenarios(inputs, ps)
    be = break_even(inputs, ps)
    budget_table = budget_profile(
        yearly, CASH_EFFECTS, budget.loan_years, budget.loan_rate, budget.inflation, inputs.frame.base_year
    )
    per_muni = municipality_distribution(effects, municipalities, inputs.null_alternative)

    by_effect = effects.groupby("effect", sort=False)["npv_mnok"].sum()
    benefits = by_effect[by_effect.index.isin(BENEFIT_EFFECTS)].sum()
    npv_row = uncertainty.set_index("quantity").loc["npv"]
    be_share = be.set_index("quantity")["break_even_share"]
    summary = pd.DataFrame(
        [
            ("npv_mnok", result.npv, "mnok"),
            ("pv_benefits_mnok", benefits, "mnok"),
            ("pv_costs_mnok", result.npv - benefits, "mnok"),
            *[(f"pv_{e}_mnok", float(by_effect.get(e, 0.0)), "mnok") for e in EFFECTS],
            ("year_turning_positive", positive_year, "year"),
            (
                "operation_cost_full_participation_mnok",
                inputs.operation.cost_per_year_full_participation_mnok,
                "mnok_per_year",
            ),
            ("mc_npv_mean_mnok", npv_row["mean"], "mnok"),
            ("mc_npv_p10_mnok", npv_row["p10"], "mnok"),
            ("mc_npv_p50_mnok", npv_row["p50"], "mnok"),
            ("mc_npv_p90_mnok", npv_row["p90"], "mnok"),
            ("mc_prob_negative", npv_row["prob_negative"], "share"),
            ("break_even_municipal_share", float(be_share["municipal_final_share"]), "share"),
            ("break_even_gp_share", float(be_share["gp_final_share"]), "share"),
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
    return {
        "cba_summary": summary,
        "cba_effects": effects,
        "cba_yearly": yearly[["year", "effect", "service", "actor", "value_mnok", "discounted_mnok"]],
        "cba_cumulative": cumulative,
        "cba_curves": curves,
        "benefit_distribution": distribution,
        "budget_profile": budget_table,
        "municipality_distribution": per_muni,
        "uncertainty_summary": uncertainty,
        "tornado": tor,
        "participation_scenarios": scenarios,
        "break_even": be,
        "_simulation": sim,
    }
