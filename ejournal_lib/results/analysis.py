"""Result-graph nodes: the cost–benefit analysis, table by table (the base case, its actors and budgets; the one
simulation and its summaries; break-even and sensitivities), who carries the risk, and the value of further
information on the same draws. Each node is a call of the library's model functions; nothing here computes
beyond choosing the inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hamilton.function_modifiers import extract_fields

from ejournal_lib.cba import actors, engine, scenarios, tables, uncertainty
from ejournal_lib.cba.benefit_realisation import plan_table
from ejournal_lib.cba.calibration import calibration_check
from ejournal_lib.cba.curves import Draws
from ejournal_lib.cba.engine import CBAInputs, CBAResult
from ejournal_lib.cba.measurement_value import value_of_information_tables
from ejournal_lib.cba.non_priced import non_priced_table
from ejournal_lib.cba.reconciliation import method_candidates, reconciliation_table, service_reconciliation_table
from ejournal_lib.cba.sensitivity import sensitivity_table
from ejournal_lib.cba.staging import measured_first_rollout, staged_rollout
from ejournal_lib.scenario import Scenario
from ejournal_lib.scenario.actors import ActorMapping
from ejournal_lib.scenario.cba import EFFECTS
from ejournal_lib.scenario.governance import BenefitPlan
from ejournal_lib.scenario.non_priced import NonPricedEffects

#: The analysis appendix's published tables (each a node).
CBA_TABLES = (
    "cba_summary",
    "cba_reconciliation",
    "cba_reconciliation_services",
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
    "uncertainty_readings",
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
    "staged_rollout_comparison",
)


def base_case(cba_inputs: CBAInputs, public_share: dict) -> CBAResult:
    """The 2020 method's deterministic base case: every effect per service and year."""
    return engine.run_cba(cba_inputs, public_share)


def cba_yearly(base_case: CBAResult, actor_mapping: ActorMapping, scenario: Scenario) -> pd.DataFrame:
    """Each effect per service, year and actor (the financing key's split), in value and present value."""
    yearly = actors.assign_actors(
        base_case.yearly, ["value_mnok", "discounted_mnok"], actor_mapping, scenario.settings.financing_key
    )
    return yearly[["year", "effect", "service", "actor", "value_mnok", "discounted_mnok"]]


def cba_effects(cba_yearly: pd.DataFrame) -> pd.DataFrame:
    """Present value per effect, service and actor."""
    by_cell = cba_yearly.groupby(["effect", "service", "actor"], sort=False)["discounted_mnok"].sum()
    return by_cell.rename("npv_mnok").reset_index()


def cba_cumulative(base_case: CBAResult) -> pd.DataFrame:
    """The cumulative present value by year."""
    return base_case.cumulative_by_year()


def cba_curves(base_case: CBAResult, cba_inputs: CBAInputs) -> pd.DataFrame:
    """Participation and realisation by year in the base case."""
    c = base_case.curves
    return pd.DataFrame(
        {
            "year": cba_inputs.years,
            "municipal_share": c.municipal_share[0],
            "gp_share": c.gp_share[0],
            "municipal_realised": c.municipal_realised[0],
            "gp_realised": c.gp_realised[0],
        }
    )


def actor_views(cba_effects: pd.DataFrame, actor_mapping: ActorMapping) -> pd.DataFrame:
    """Per actor: net present value, and the cash effect (time and quality gains left out)."""
    return actors.actor_views(cba_effects, actor_mapping)


def benefit_distribution(cba_effects: pd.DataFrame, actor_mapping: ActorMapping) -> pd.DataFrame:
    """Benefits, costs and net per actor."""
    return actors.actor_summary(cba_effects, actor_mapping)


def budget_profile(cba_yearly: pd.DataFrame, cba_inputs: CBAInputs, scenario: Scenario) -> pd.DataFrame:
    """The yearly cash effect per actor, nominal, with and without a loan for the municipalities' investment."""
    b = scenario.analysis.budget
    return actors.budget_profile(
        cba_yearly, engine.CASH_EFFECTS, b.loan_years, b.loan_rate, b.inflation, cba_inputs.frame.base_year
    )


def municipal_cash_position(budget_profile: pd.DataFrame, cba_inputs: CBAInputs) -> pd.DataFrame:
    """The municipalities' yearly and accumulated cash position within the period."""
    return actors.cash_position(budget_profile, "municipalities", cba_inputs.frame.last_year)


def municipality_distribution(cba_effects: pd.DataFrame, area: pd.DataFrame, cba_inputs: CBAInputs) -> pd.DataFrame:
    """The municipalities' share per municipality of the area (by population)."""
    return actors.municipality_distribution(cba_effects, area, cba_inputs.null_alternative)


def base_case_key_figures(
    base_case: CBAResult, cba_effects: pd.DataFrame, actor_views: pd.DataFrame, actor_mapping: ActorMapping
) -> pd.DataFrame:
    """The base case's key figures (metric, value, unit): what ``compare``, ``sweep`` and the what-if read."""
    return tables.base_case_figures(base_case, cba_effects, actor_views, actor_mapping)


def expected_values(cba_inputs: CBAInputs, public_share: dict) -> dict:
    """The expected net present value and effects with the event risks (delay, realisation pace), exactly."""
    return dict(uncertainty.expected_npv(cba_inputs, public_share))


def draws(cba_inputs: CBAInputs, scenario: Scenario) -> Draws:
    """The one simulation's draws of every uncertain input (the scenario's seed and number of iterations)."""
    return uncertainty.sample_draws(cba_inputs, scenario.analysis.simulation.n_iterations, scenario.settings.seed)


def simulation(cba_inputs: CBAInputs, draws: Draws, public_share: dict) -> pd.DataFrame:
    """Each draw's present values (net and per effect)."""
    return uncertainty.present_values(cba_inputs, draws, public_share)


def uncertainty_summary(simulation: pd.DataFrame, expected_values: dict) -> pd.DataFrame:
    """The simulation's distribution of the net present value and each effect, with the expected values."""
    expected = pd.DataFrame(
        {
            "quantity": ["npv", *EFFECTS],
            "expected_mnok": [expected_values["npv"], *[expected_values[e] for e in EFFECTS]],
        }
    )
    return uncertainty.summarise_simulation(simulation).merge(expected, on="quantity", how="left")


def uncertainty_readings(
    cba_inputs: CBAInputs, public_share: dict, uncertainty_summary: pd.DataFrame, scenario: Scenario
) -> pd.DataFrame:
    """The net present value's distribution under each reading of the triple estimates (the scenario's is the
    headline; the others are sensitivities), with the simulation's draws and seed."""
    return uncertainty.reading_comparison(
        cba_inputs,
        public_share,
        scenario.analysis.simulation.n_iterations,
        scenario.settings.seed,
        own=uncertainty_summary,
    )


def cba_uncertainty_inputs(cba_inputs: CBAInputs) -> pd.DataFrame:
    """Every uncertain input with its distribution, P10 and P90."""
    return uncertainty.uncertainty_table(cba_inputs)


def tornado(cba_inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """The net present value with each uncertain input at its P10 and P90, the others at their base."""
    return uncertainty.tornado(cba_inputs, public_share)


def gp_final_shares(cba_inputs: CBAInputs, gp_survey_estimates: pd.DataFrame) -> dict:
    """The GPs' final share under each GP assumption (the 2020 rule, the survey, the survey with incentive)."""
    return scenarios.gp_final_shares(cba_inputs, gp_survey_estimates)


def break_even(cba_inputs: CBAInputs, public_share: dict, gp_final_shares: dict, scenario: Scenario) -> pd.DataFrame:
    """The municipal and GP shares at which the net present value is zero, under each GP assumption; ``stated``
    marks the assumption the scenario states (the procurement test's)."""
    table = scenarios.break_even(cba_inputs, public_share, gp_final_shares)
    return table.assign(stated=(table["gp_assumption"] == scenario.participation.gp_assumption).astype(bool))


def participation_scenarios(cba_inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """The net present value under the analysis's participation scenarios."""
    return scenarios.participation_scenarios(cba_inputs, public_share)


def cba_sensitivity(
    cba_inputs: CBAInputs, public_share: dict, gp_final_shares: dict, scenario: Scenario
) -> pd.DataFrame:
    """The net present value when one input at a time takes another value (the scenario's list)."""
    survey = {k: v for k, v in gp_final_shares.items() if k != "brief"}
    return sensitivity_table(cba_inputs, public_share, scenario.analysis.sensitivity, survey)


def cba_summary(
    base_case_key_figures: pd.DataFrame,
    uncertainty_summary: pd.DataFrame,
    expected_values: dict,
    break_even: pd.DataFrame,
    scenario: Scenario,
) -> pd.DataFrame:
    """The analysis's summary: base case, expected value, the simulation's distribution, break-even shares."""
    return tables.summary_table(
        base_case_key_figures,
        uncertainty_summary,
        expected_values["npv"],
        break_even,
        scenario.participation.gp_assumption,
        scenario.analysis.simulation.n_iterations,
        scenario.settings.seed,
    )


def cba_reconciliation(cba_inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """The base case against the published present values, effect by effect."""
    return reconciliation_table(cba_inputs, public_share)


def cba_reconciliation_services(cba_inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """The base case against the published values per service (freed time, transition cost, adverse events)."""
    return service_reconciliation_table(cba_inputs, public_share)


def cba_method_candidates(cba_inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """The readings of the 2020 method the documents leave open, each against the published figures."""
    return method_candidates(cba_inputs, public_share)


def cba_calibration(cba_inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """Every calibrated value's target (an effect's or a service's published present value) and the model's."""
    return calibration_check(cba_inputs, public_share)


def cba_inputs_used(cba_inputs: CBAInputs) -> pd.DataFrame:
    """Every input value the model uses, with its source."""
    return tables.inputs_table(cba_inputs)


RISK_TABLES = ("risk_sharing", "risk_worst_year", "risk_state_cost", "risk_guarantee_correlation", "municipal_risk")


@extract_fields({name: pd.DataFrame for name in RISK_TABLES})
def risk_results(
    cba_inputs: CBAInputs,
    actor_mapping: ActorMapping,
    public_share: dict,
    area: pd.DataFrame,
    draws: Draws,
    scenario: Scenario,
) -> dict:
    """Who carries the uncertainty under each risk-sharing rule, on the simulation's first draws."""
    return tables.risk_tables(
        cba_inputs,
        actor_mapping,
        scenario.settings.financing_key,
        public_share,
        area,
        draws,
        scenario.analysis.simulation.n_iterations,
        scenario.settings.seed,
    )


VOI_TABLES = ("voi_summary", "voi_evppi", "voi_evsi", "voi_study_precision", "voi_study_sensitivity")


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


def first_rollout_observed(
    draws: Draws,
    voi_study_precision: pd.DataFrame,
    timeuse_measured_municipalities: pd.DataFrame,
    scenario: Scenario,
) -> np.ndarray | None:
    """What the first roll-out's municipalities show per draw (mean time-saving and transition multipliers),
    measured with the precision of a study of as many municipalities as the baseline measured; None when the
    baseline has no precision (its variance components are hidden or missing)."""
    if not len(voi_study_precision):
        return None
    n_measured = max(len(timeuse_measured_municipalities), 1)
    sd = float(np.sqrt((voi_study_precision["study_sd_per_municipality"] ** 2).mean() / n_measured))
    return measured_first_rollout(draws, sd, scenario.settings.seed)


def staged_rollout_comparison(
    cba_inputs: CBAInputs, draws: Draws, public_share: dict, first_rollout_observed: np.ndarray | None
) -> pd.DataFrame:
    """The committed roll-out against a staged one (the first wave first, the rest later if its results say
    so) on the simulation's first draws: expected value, P10/P50/P90, probability of a negative value and of
    stopping; the delay's cost and the decision's value in ``attrs``."""
    n = min(cba_inputs.staged_rollout.n_draws, draws.n)
    observed = None if first_rollout_observed is None else first_rollout_observed[:n]
    return staged_rollout(
        cba_inputs, draws.rows(slice(0, n)), public_share, observed, cba_inputs.staged_rollout.delay_years
    )
