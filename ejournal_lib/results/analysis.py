"""Result-graph nodes: the cost–benefit analysis, its one simulation, who carries the risk, and the value of
further information on the same draws."""

from __future__ import annotations

import pandas as pd
from hamilton.function_modifiers import extract_fields

from ejournal_lib.cba.benefit_realisation import plan_table
from ejournal_lib.cba.curves import Draws
from ejournal_lib.cba.engine import CBAInputs
from ejournal_lib.cba.measurement_value import value_of_information_tables
from ejournal_lib.cba.non_priced import non_priced_table
from ejournal_lib.cba.tables import cba_tables
from ejournal_lib.scenario import Scenario
from ejournal_lib.scenario.actors import ActorMapping
from ejournal_lib.scenario.governance import BenefitPlan
from ejournal_lib.scenario.non_priced import NonPricedEffects

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
    "cba_inputs_used",
    "risk_sharing",
    "risk_worst_year",
    "risk_state_cost",
    "risk_guarantee_correlation",
    "municipal_risk",
)


@extract_fields({name: pd.DataFrame for name in CBA_TABLES} | {"simulation": pd.DataFrame, "draws": Draws})
def cba_results(
    scenario: Scenario,
    cba_inputs: CBAInputs,
    actor_mapping: ActorMapping,
    area: pd.DataFrame,
    gp_survey_estimates: pd.DataFrame,
) -> dict:
    """Every table of the analysis appendix, and the one simulation: ``draws`` (the inputs drawn) and
    ``simulation`` (each draw's present values), which risk sharing and the value of information use too."""
    tables = cba_tables(scenario, cba_inputs, actor_mapping, area, gp_survey_estimates)
    tables["simulation"], tables["draws"] = tables.pop("_simulation"), tables.pop("_draws")
    return tables


VOI_TABLES = ("voi_summary", "voi_evppi", "voi_evsi", "voi_study_precision")


@extract_fields({name: pd.DataFrame for name in VOI_TABLES})
def voi_results(
    cba_inputs: CBAInputs,
    simulation: pd.DataFrame,
    draws: Draws,
    timeuse_variance_components: pd.DataFrame,
    scenario: Scenario,
) -> dict:
    """Value of information (EVPI, EVPPI, EVSI of a further baseline study) on the simulation's own draws;
    the EVPPI largest first."""
    design = scenario.baseline
    tables = value_of_information_tables(
        cba_inputs,
        simulation["npv"].to_numpy(),
        draws,
        timeuse_variance_components,
        design.design_staff_per_municipality,
        design.design_days_per_staff,
        scenario.settings.seed,
    )
    tables["voi_evppi"] = tables["voi_evppi"].sort_values("evppi_mnok", ascending=False, kind="stable")
    return tables


def cba_effects_by_actor(
    cba_effects: pd.DataFrame, cba_reconciliation: pd.DataFrame, actor_mapping: ActorMapping
) -> pd.DataFrame:
    """Present value per effect (rows, in the reconciliation's order) and actor (columns, the actor mapping's
    order), with the total per effect."""
    wide = cba_effects.pivot_table(index="effect", columns="actor", values="npv_mnok", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(columns=[a for a in actor_mapping.actors if a in wide.columns])
    wide["total"] = wide.sum(axis=1)
    order = [e for e in cba_reconciliation["effect"] if e in wide.index]
    wide = wide.reindex(order).reset_index()
    wide.columns.name = None
    return wide


def budget_profile_wide(
    budget_profile: pd.DataFrame, cba_inputs: CBAInputs, actor_mapping: ActorMapping
) -> pd.DataFrame:
    """The yearly cash effect per actor within the period (columns), and the municipalities' with a loan."""
    bp = budget_profile[budget_profile["year"] <= cba_inputs.frame.last_year]
    wide = bp.pivot_table(index="year", columns="actor", values="without_loan_mnok", aggfunc="sum")
    wide = wide.reindex(columns=[a for a in actor_mapping.actors if a in wide.columns])
    wide.insert(
        1 if "municipalities" in wide.columns else 0,
        "municipalities_with_loan",
        bp.query("actor == 'municipalities'").set_index("year")["with_loan_mnok"],
    )
    wide = wide.reset_index()
    wide.columns.name = None
    return wide


def risk_sharing_cash(risk_sharing: pd.DataFrame) -> pd.DataFrame:
    """The cash effect for the municipalities, the state and in total under each risk-sharing rule."""
    rows = risk_sharing["actor"].isin(["municipalities", "state", "total"]) & (risk_sharing["measure"] == "cash")
    return risk_sharing[rows].reset_index(drop=True)


def benefit_realisation_plan(benefit_plan: BenefitPlan) -> pd.DataFrame:
    """The benefit plan's indicators with baseline and targets (expected, low, high)."""
    return plan_table(benefit_plan)


def cba_non_priced(non_priced_assessment: NonPricedEffects) -> pd.DataFrame:
    """The effects not priced, with their plus-minus assessment (DFØ's method)."""
    return non_priced_table(non_priced_assessment)


def cba_choices(cba_inputs: CBAInputs) -> pd.DataFrame:
    """The choices made where the sources are silent, numbered."""
    return pd.DataFrame({"no": range(1, len(cba_inputs.choices) + 1), "choice": cba_inputs.choices})
