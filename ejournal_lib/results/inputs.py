"""Result-graph nodes: the scenario's data inputs, read once, and what every topic shares (the analysis area,
the model inputs as calibrated, the public budget's shares). Each function is a node named after what it
returns; its parameters are the nodes it depends on (Apache Hamilton's convention)."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.cba.calibration import scenario_inputs
from ejournal_lib.cba.engine import CBAInputs
from ejournal_lib.cba.tables import scenario_public_shares
from ejournal_lib.common.municipalities import load_midt_norge, load_population, outside_midt_norge
from ejournal_lib.scenario import Scenario

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
}


def population(scenario: Scenario) -> pd.DataFrame:
    """Population per 2020 municipality (Statistics Norway, 1 January 2020)."""
    return load_population(scenario.data.population)


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


def public_share(scenario: Scenario) -> dict:
    """Share of each effect that falls on the public budget (for the tax-financing cost)."""
    return scenario_public_shares(scenario)
