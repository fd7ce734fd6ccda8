"""All tables of the socio-economic analysis appendix, from the inputs in one call.

The notebook ``notebooks/cba.ipynb`` shows these tables; tests check them; nothing here draws.
"""

from __future__ import annotations

import pandas as pd

from ejournal_lib.cba.actors import actor_summary, assign_actors, budget_profile, municipality_distribution, public_shares
from ejournal_lib.cba.engine import BUDGET_EFFECTS, EFFECT_LABELS, budget_pairs, operation_cost_per_share, run_cba, year_turning_positive
from ejournal_lib.cba.inputs import CBAInputs
from ejournal_lib.cba.scenarios import break_even, participation_scenarios
from ejournal_lib.cba.uncertainty import simulate, summarise_simulation, tornado

__all__ = ["cba_tables"]


def cba_tables(inputs: CBAInputs, mapping: dict, municipalities: pd.DataFrame, financing_key: str = "ssd2020",
               loan_years: int = 20, loan_rate: float = 0.025, inflation: float = 0.0,
               n_iterations: int = 100_000, seed: int = 2020) -> dict[str, pd.DataFrame]:
    """Compute every table of the analysis. ``municipalities``: the municipalities in the area (code, name,
    population). Returns frames keyed by their processed-table name, plus ``_simulation`` (the draws)."""
    ps = public_shares(mapping, budget_pairs(inputs), "ssd2020" if financing_key == "benefit_share" else financing_key)
    result = run_cba(inputs, ps)
    yearly = assign_actors(result.yearly, ["value_mnok", "discounted_mnok"], mapping, financing_key)
    effects = (yearly.groupby(["effect", "service", "actor"], sort=False, as_index=False)["discounted_mnok"].sum()
               .rename(columns={"discounted_mnok": "npv_mnok"}))
    distribution = actor_summary(effects, mapping)
    cumulative = result.cumulative_by_year()
    positive_year = year_turning_positive(cumulative)
    sim = simulate(inputs, ps, n_iterations, seed)
    uncertainty = summarise_simulation(sim)
    tor = tornado(inputs, ps)
    scenarios = participation_scenarios(inputs, ps)
    be = break_even(inputs, ps)
    budget = budget_profile(yearly, BUDGET_EFFECTS, loan_years, loan_rate, inflation, inputs.frame["base_year"])
    per_muni = municipality_distribution(effects, municipalities, inputs.section("null_alternative"))

    by_effect = effects.groupby("effect", sort=False)["npv_mnok"].sum()
    benefits = by_effect[by_effect.index.isin(["time_savings", "harms_health_costs", "harms_value_creation",
                                               "legacy_avoided"])].sum()
    npv_row = uncertainty.set_index("quantity").loc["npv"]
    summary = pd.DataFrame([
        ("npv_mnok", "Netto nåverdi (forventet, deterministisk)", result.npv, "mill. kr"),
        ("pv_benefits_mnok", "Nåverdi av nyttevirkninger", benefits, "mill. kr"),
        ("pv_costs_mnok", "Nåverdi av kostnader (inkl. skattefinansiering)", result.npv - benefits, "mill. kr"),
        *[(f"pv_{e}_mnok", EFFECT_LABELS[e], float(by_effect.get(e, 0.0)), "mill. kr") for e in EFFECT_LABELS],
        ("year_turning_positive", "Første år akkumulert nåverdi er positiv", positive_year, "år"),
        ("operation_cost_full_participation_mnok", "Kalibrert årlig driftskostnad ved 100 % deltakelse",
         operation_cost_per_share(inputs), "mill. kr per år"),
        ("mc_npv_mean_mnok", "Simulert netto nåverdi, forventning", npv_row["mean"], "mill. kr"),
        ("mc_npv_p10_mnok", "Simulert netto nåverdi, P10", npv_row["p10"], "mill. kr"),
        ("mc_npv_p50_mnok", "Simulert netto nåverdi, P50", npv_row["p50"], "mill. kr"),
        ("mc_npv_p90_mnok", "Simulert netto nåverdi, P90", npv_row["p90"], "mill. kr"),
        ("mc_prob_negative", "Sannsynlighet for negativ netto nåverdi", npv_row["prob_negative"], "andel"),
        ("break_even_municipal_share", "Kommunal deltakelse som gir nåverdi null",
         float(be.loc[be["quantity"] == "municipal_final_share", "break_even_share"].iloc[0]), "andel"),
        ("break_even_gp_share", "Fastlegenes deltakelse som gir nåverdi null",
         float(be.loc[be["quantity"] == "gp_final_share", "break_even_share"].iloc[0]), "andel"),
        ("n_iterations", "Antall Monte Carlo-trekk", n_iterations, "antall"),
        ("seed", "Frø for tilfeldige tall", seed, ""),
    ], columns=["metric", "label", "value", "unit"])
    curves = pd.DataFrame({"year": inputs.years, "municipal_share": result.curves.municipal_share[0],
                           "gp_share": result.curves.gp_share[0],
                           "municipal_realised": result.curves.municipal_realised[0],
                           "gp_realised": result.curves.gp_realised[0]})
    return {
        "cba_summary": summary,
        "cba_effects": effects,
        "cba_yearly": yearly[["year", "effect", "service", "actor", "value_mnok", "discounted_mnok"]],
        "cba_cumulative": cumulative,
        "cba_curves": curves,
        "benefit_distribution": distribution,
        "budget_profile": budget,
        "municipality_distribution": per_muni,
        "uncertainty_summary": uncertainty,
        "tornado": tor,
        "participation_scenarios": scenarios,
        "break_even": be,
        "_simulation": sim,
    }


