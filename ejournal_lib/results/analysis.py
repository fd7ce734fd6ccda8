"""Result-graph nodes: the cost–benefit analysis, its one simulation, and who carries the risk."""

from __future__ import annotations

import pandas as pd
from hamilton.function_modifiers import extract_fields

from ejournal_lib.cba.curves import Draws
from ejournal_lib.cba.tables import cba_tables
from ejournal_lib.scenario import Scenario

#: The analysis appendix's published tables (nodes of their own).
CBA_TABLES = (
    "cba_summary",
    "cba_reconciliation",
    "cba_method_candidates",
    "cba_calibration",
    "cba_effects",
    "cba_yearly",
    "cba_cumulative",
    "cba_curves",
    "benefit_distribution",
    "actor_views",
    "budget_profile",
    "municipal_cash_position",
    "municipality_distribution",
    "uncertainty_summary",
    "cba_uncertainty_inputs",
    "tornado",
    "participation_scenarios",
    "break_even",
    "cba_sensitivity",
    "cba_non_priced",
    "cba_inputs_used",
    "risk_sharing",
    "risk_worst_year",
    "risk_state_cost",
    "risk_guarantee_correlation",
    "municipal_risk",
)


@extract_fields({name: pd.DataFrame for name in CBA_TABLES} | {"simulation": pd.DataFrame, "draws": Draws})
def cba_results(scenario: Scenario, area: pd.DataFrame, gp_survey_estimates: pd.DataFrame) -> dict:
    """Every table of the analysis appendix, and the one simulation: ``draws`` (the inputs drawn) and
    ``simulation`` (each draw's present values), which risk sharing and the value of information use too."""
    tables = cba_tables(scenario, area, gp_survey_estimates)
    tables["simulation"], tables["draws"] = tables.pop("_simulation"), tables.pop("_draws")
    return tables
