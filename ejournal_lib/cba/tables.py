"""Tables of the socio-economic analysis appendix that combine several of the model's results: the base case's
key figures, the summary, the risk-sharing tables, every input used. The result graph
(:mod:`ejournal_lib.results.analysis`) composes them; nothing here draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ejournal_lib.cba.actors import (
    BENEFIT_EFFECTS,
    public_shares,
)
from ejournal_lib.cba.curves import Draws
from ejournal_lib.cba.engine import CBAResult, effect_pairs, year_turning_positive
from ejournal_lib.cba.risk_sharing import (
    guarantee_by_correlation,
    municipal_risk,
    risk_sharing_table,
    simulate_risk,
    state_cost_table,
    worst_year_table,
)
from ejournal_lib.common.formatting import fmt_setting
from ejournal_lib.scenario.actors import ActorMapping
from ejournal_lib.scenario.cba import EFFECTS, CBAInputs
from ejournal_lib.scenario.model import Scenario

__all__ = ["scenario_public_shares", "inputs_table", "base_case_figures", "summary_table", "risk_tables"]


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
                    "value_text": "" if number else fmt_setting(value),  # yes/no, lists and dates as readers write them
                    "source": source,
                }
            )

    dumped = inputs.model_dump(exclude={"choices", "published", "calibration"})
    for section, content in dumped.items():
        content = dict(content)
        source = content.pop("source", "")
        walk(section, "", content, source)
    return pd.DataFrame(rows)


#: The base case's figures the summary shows (the municipalities' are in the actor tables).
SUMMARY_BASE = frozenset(
    {"npv_mnok", "published_npv_mnok", "pv_benefits_mnok", "pv_costs_mnok", "npv_per_budget_krone"}
    | {f"pv_{e}_mnok" for e in EFFECTS}
    | {"year_turning_positive", "operation_cost_full_participation_mnok"}
)


def summary_table(
    base_case: pd.DataFrame,
    uncertainty: pd.DataFrame,
    expected_npv_mnok: float,
    break_even_table: pd.DataFrame,
    gp_assumption: str,
    n_iterations: int,
    seed: int,
) -> pd.DataFrame:
    """The analysis's summary: the base case's key figures (``base_case``: metric, value, unit), the expected
    value, the simulation's distribution of the net present value, and the break-even shares, each break-even
    row with the GP assumption it is computed under (``gp_assumption``: the scenario's stated one)."""
    sim = uncertainty.set_index("quantity").loc["npv"]
    municipal = break_even_table[break_even_table["quantity"] == "municipal_final_share"].set_index("gp_assumption")
    stated = gp_assumption if gp_assumption in municipal.index else "brief"
    gp_rows = break_even_table[break_even_table["quantity"] == "gp_final_share"]
    rows = [
        ("expected_npv_mnok", expected_npv_mnok, "mnok", ""),
        ("mc_npv_mean_mnok", sim["mean"], "mnok", ""),
        ("mc_npv_se_mnok", sim["se_mean"], "mnok", ""),
        ("mc_npv_p10_mnok", sim["p10"], "mnok", ""),
        ("mc_npv_p50_mnok", sim["p50"], "mnok", ""),
        ("mc_npv_p85_mnok", sim["p85"], "mnok", ""),
        ("mc_npv_p90_mnok", sim["p90"], "mnok", ""),
        ("mc_prob_negative", sim["prob_negative"], "share", ""),
        *[
            (m, v, u, "")
            for m, v, u in base_case[["metric", "value", "unit"]].itertuples(index=False)
            if m in SUMMARY_BASE
        ],
        ("break_even_municipal_share", municipal.loc[stated, "break_even_share"], "share", stated),
        ("break_even_municipal_share_brief", municipal.loc["brief", "break_even_share"], "share", "brief"),
        ("break_even_gp_share", gp_rows["break_even_share"].iloc[0], "share", gp_rows["gp_assumption"].iloc[0]),
        ("n_iterations", n_iterations, "count", ""),
        ("seed", seed, "code", ""),
    ]
    out = pd.DataFrame(rows, columns=["metric", "value", "unit", "gp_assumption"])
    out["value"] = out["value"].astype(float)
    return out


def base_case_figures(
    result: CBAResult, effects: pd.DataFrame, views: pd.DataFrame, mapping: ActorMapping
) -> pd.DataFrame:
    """The deterministic base case's key figures (metric, value, unit): net present value, benefits and costs
    (the tax financing effect is neither: the public budget's, a line of its own), each effect, the municipalities' net and cash effect, the value per public budget krone, the year the
    cumulative value turns positive and the operation cost at full participation."""
    by_effect = effects.groupby("effect", sort=False)["npv_mnok"].sum()
    benefits = float(by_effect[by_effect.index.isin(BENEFIT_EFFECTS)].sum())
    public = [a for a, spec in mapping.actors.items() if spec.public]
    public_cash = float(views[views["actor"].isin(public)]["cash_mnok"].sum())
    municipal = views.set_index("actor").reindex(["municipalities"])
    inputs = result.inputs
    rows = [
        ("npv_mnok", result.npv, "mnok"),
        ("published_npv_mnok", inputs.published.npv_mnok, "mnok"),
        ("pv_benefits_mnok", benefits, "mnok"),
        ("pv_costs_mnok", result.npv - benefits - float(by_effect.get("tax_financing", 0.0)), "mnok"),
        *[(f"pv_{e}_mnok", float(by_effect.get(e, 0.0)), "mnok") for e in EFFECTS],
        ("municipal_net_mnok", municipal["net_mnok"].iloc[0], "mnok"),
        ("municipal_cash_mnok", municipal["cash_mnok"].iloc[0], "mnok"),
        ("npv_per_budget_krone", result.npv / -public_cash if public_cash < 0 else np.nan, "ratio"),
        ("year_turning_positive", year_turning_positive(result.cumulative_by_year()), "year"),
        (
            "operation_cost_full_participation_mnok",
            inputs.operation.cost_per_year_full_participation_mnok,
            "mnok_per_year",
        ),
    ]
    out = pd.DataFrame(rows, columns=["metric", "value", "unit"])
    out["value"] = out["value"].astype(float)
    return out


def risk_tables(
    inputs: CBAInputs,
    mapping: ActorMapping,
    financing_key: str,
    ps: dict,
    municipalities: pd.DataFrame,
    draws: Draws,
    n_simulated: int,
    seed: int,
) -> dict[str, pd.DataFrame]:
    """Who carries the uncertainty, under each risk-sharing rule, on the first draws of the simulation
    (``draws``, ``n_simulated`` of them)."""
    cfg = inputs.risk_sharing
    n = min(cfg.n_draws, n_simulated)
    risk = simulate_risk(inputs, mapping, financing_key, ps, n, seed, cfg, draws=draws)
    return {
        "risk_sharing": risk_sharing_table(risk),
        "risk_worst_year": worst_year_table(risk),
        "risk_state_cost": state_cost_table(risk),
        "risk_guarantee_correlation": guarantee_by_correlation(
            inputs, mapping, financing_key, ps, n, seed, cfg, n_simulated, own=risk
        ),
        "municipal_risk": municipal_risk(risk, municipalities, inputs.null_alternative),
    }
