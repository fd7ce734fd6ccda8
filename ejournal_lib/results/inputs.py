"""Result-graph nodes: the scenario's data inputs, read once, and what every topic shares (the analysis area,
the model inputs as calibrated, the public budget's shares). Each function is a node named after what it
returns; its parameters are the nodes it depends on (Apache Hamilton's convention)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hamilton.function_modifiers import extract_fields

from ejournal_lib.cba.actors import public_shares
from ejournal_lib.cba.calibration import scenario_inputs
from ejournal_lib.cba.engine import CBAInputs, effect_pairs
from ejournal_lib.common.municipalities import load_midt_norge, load_population, outside_midt_norge
from ejournal_lib.common.project import DEFAULT_SCENARIO
from ejournal_lib.common.yaml_io import read_yaml
from ejournal_lib.scenario import Scenario
from ejournal_lib.scenario.actors import ActorMapping
from ejournal_lib.scenario.codebook import Codebook
from ejournal_lib.scenario.data_kinds import input_kinds
from ejournal_lib.scenario.governance import BenefitPlan, ChangeLog, GoalRegister, StopPointConfig
from ejournal_lib.scenario.non_priced import NonPricedEffects
from ejournal_lib.scenario.overrides import apply_overrides, differences

#: The input nodes: each reads these scenario data inputs (``scenario.data.<field>``) and nothing else reads
#: data files. They are the leaves of the lineage that decides every node's data status (:mod:`.graph`).
INPUT_NODES = {
    "population": ("population",),
    "midt_norge_codes": ("midt_norge",),
    "timeuse_data": ("timeuse", "population", "crosswalk"),
    "commitment_register": ("commitment_register", "crosswalk", "population", "midt_norge"),
    "public_status_and_aggregate": ("intentions_public", "intentions_aggregate", "population", "midt_norge"),
    "gp_survey": ("gp_survey",),
    "gp_key_figures": ("gp_key_figures",),
    "gps": ("gp_per_municipality",),
    "benefit_followup_records": ("benefit_followup",),
    "population_2019": ("population_2019",),
    "crosswalk": ("crosswalk",),
    "cba_inputs": ("cba",),
    "actor_mapping": ("actor_mapping",),
    "timeuse_codebook": ("timeuse_codebook",),
    "change_log_config": ("change_log",),
    "stop_point_config": ("stop_points",),
    "goal_config": ("goal_register",),
    "benefit_plan": ("benefit_plan",),
    "non_priced_assessment": ("non_priced_effects",),
}


def population(scenario: Scenario) -> pd.DataFrame:
    """Population per 2020 municipality (Statistics Norway, 1 January 2020)."""
    return load_population(scenario.data.population)


def population_date(population: pd.DataFrame) -> dt.date:
    """The date the population file counts (SSB: 1 January of its year); every text that names it reads it
    here, so that a newer file changes the words too."""
    dates = sorted(set(pd.to_datetime(population["reference_date"]).dt.date))
    if len(dates) != 1:
        raise ValueError(f"the population file counts on {len(dates)} dates; expected one")
    return dates[0]


def midt_norge_codes(scenario: Scenario) -> frozenset:
    """The municipality codes of Midt-Norge (covered by Helseplattformen, outside the analysis)."""
    return frozenset(load_midt_norge(scenario.data.midt_norge)["municipality_code"])


def excluded_codes(midt_norge_codes: frozenset, scenario: Scenario) -> frozenset:
    """Codes outside the analysis area: Midt-Norge and any the scenario excludes further."""
    return midt_norge_codes | frozenset(scenario.settings.extra_excluded_municipalities)


def area(population: pd.DataFrame, excluded_codes: frozenset) -> pd.DataFrame:
    """The analysis area: every municipality outside Midt-Norge with its population, share and rank."""
    return outside_midt_norge(population, set(excluded_codes))


def sensitivity_area(population: pd.DataFrame, excluded_codes: frozenset, scenario: Scenario) -> pd.DataFrame:
    """The area without the participation settings' ``sensitivity_excluded`` municipalities too."""
    return outside_midt_norge(population, set(excluded_codes) | set(scenario.participation.sensitivity_excluded))


def cba_inputs(scenario: Scenario) -> CBAInputs:
    """The cost–benefit model's inputs, with the operation cost as calibrated."""
    return scenario_inputs(scenario.cba)


def public_share(cba_inputs: CBAInputs, actor_mapping: ActorMapping, scenario: Scenario) -> dict:
    """Share of each effect that falls on the public budget under the financing key (for the tax-financing
    cost)."""
    return public_shares(actor_mapping, effect_pairs(cba_inputs), scenario.settings.financing_key)


def method_changes(scenario: Scenario) -> tuple[str, ...]:
    """The groups of model inputs (``cba.<section>``, each lever) this scenario sets differently from the
    default scenario (the 2020 method), in the file's order; empty for the default itself."""
    default = (scenario.root / DEFAULT_SCENARIO).resolve()
    if scenario.path is None or not default.is_file():
        return ()
    this = read_yaml(scenario.path, "scenario")
    if scenario.overrides:
        this = apply_overrides(this, scenario.overrides)
    groups: list[str] = []
    for path, _, _ in differences(read_yaml(default, "default scenario"), this):
        parts = path.split(".")
        group = ".".join(parts[:2])
        if parts[0] in ("cba", "levers") and len(parts) > 1 and group not in groups:
            groups.append(group)
    return tuple(groups)


def data_input_kinds(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """Each scenario input's kinds of data status (synthetic example data, public statistics, …)."""
    return input_kinds(scenario)


#: The configuration files the scenario names, each an input node of its own (so that lineage reaches the
#: file a node rests on): node name → (its type, the scenario's attribute that holds it, loaded and checked).
CONFIGURATION_NODES = {
    "actor_mapping": (ActorMapping, "actor_mapping"),  # who gains and who pays each effect
    "timeuse_codebook": (Codebook, "codebook"),  # the activity codes of the time-use measurements
    "change_log_config": (ChangeLog, "change_log"),  # changes, status history, overlays as written
    "stop_point_config": (StopPointConfig, "stop_points"),  # stop points, dates and criteria
    "goal_config": (GoalRegister, "goals"),  # the steering document's goals, indicators, targets
    "benefit_plan": (BenefitPlan, "benefit_plan"),  # the benefit realisation plan
    "non_priced_assessment": (NonPricedEffects, "non_priced_effects"),  # the plus-minus assessment
}


@extract_fields({name: kind for name, (kind, _) in CONFIGURATION_NODES.items()})
def configuration_results(scenario: Scenario) -> dict:
    """The scenario's configuration files, as loaded and checked with it, one node each."""
    return {name: getattr(scenario, attribute) for name, (_, attribute) in CONFIGURATION_NODES.items()}
