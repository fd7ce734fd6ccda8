"""Result-graph nodes: the baseline study (nullpunktsmålingen) from the time-use registrations."""

from __future__ import annotations

import pandas as pd
from hamilton.function_modifiers import extract_fields

from ejournal_lib.cba.engine import CBAInputs
from ejournal_lib.common.disclosure_registry import DisclosureRegistry
from ejournal_lib.scenario import Scenario
from ejournal_lib.scenario.codebook import Codebook
from ejournal_lib.timeuse.data import TimeUseData, load_scenario_timeuse
from ejournal_lib.timeuse.tables import ADDRESSABLE, timeuse_tables, work_sampling_sample_sizes

#: The baseline's published tables (nodes of their own).
BASELINE_TABLES = (
    "timeuse_minutes_per_day",
    "timeuse_addressable_by_service",
    "timeuse_addressable_by_municipality",
    "timeuse_vs_assumption",
    "timeuse_variance_components",
    "timeuse_sample_size",
    "timeuse_work_sampling",
    "timeuse_national",
    "timeuse_precision",
    "timeuse_limitations",
)


def timeuse_data(scenario: Scenario) -> TimeUseData:
    """The registrations of the services the baseline covers, checked against the codebook and study period."""
    return load_scenario_timeuse(scenario).only_services(scenario.baseline.services)


def disclosure_registry(scenario: Scenario) -> DisclosureRegistry:
    """What the project's earlier publications showed of the registrations (keyed hashes), as it stands now."""
    return DisclosureRegistry.read(scenario.root)


@extract_fields(
    {name: pd.DataFrame for name in BASELINE_TABLES}
    | {"timeuse_pooled_components": pd.Series, "timeuse_published_blocks": list}
)
def baseline_results(
    timeuse_data: TimeUseData,
    timeuse_codebook: Codebook,
    cba_inputs: CBAInputs,
    scenario: Scenario,
    disclosure_registry: DisclosureRegistry,
) -> dict:
    """Every table of the baseline appendix, small cells suppressed (see :func:`timeuse_tables`), also where an
    earlier publication of the project would let a reader difference them (``disclosure_registry``); the 2020
    method's time savings per service (``cba_inputs``) are what the measurements are set against."""
    settings, frame = scenario.baseline, cba_inputs.frame
    tables = timeuse_tables(
        timeuse_data,
        timeuse_codebook,
        cba_inputs.service_table,
        frame.hours_per_fte,
        frame.working_days_per_year,
        level=settings.confidence_level,
        k=scenario.settings.suppression_threshold,
        plausible_max=settings.plausible_max,
        questionable_max=settings.questionable_max,
        margin_minutes=settings.margin_minutes,
        z=settings.z_work_sampling,
        planner_variances=settings.planner_variances,
        design=(settings.design_staff_per_municipality, settings.design_days_per_staff),
        power=settings.power,
        registry=disclosure_registry,
    )
    tables["timeuse_pooled_components"] = tables.pop("_pooled_components")
    tables["timeuse_published_blocks"] = tables.pop("_published_blocks")
    return {name: tables[name] for name in (*BASELINE_TABLES, "timeuse_pooled_components", "timeuse_published_blocks")}


def timeuse_work_sampling_sample_size() -> pd.DataFrame:
    """Observations a work-sampling study needs (from the formula alone: no registration enters)."""
    return work_sampling_sample_sizes()


def timeuse_minutes_addressable_groups(
    timeuse_minutes_per_day: pd.DataFrame, timeuse_codebook: Codebook
) -> pd.DataFrame:
    """Minutes per staff-day on the activity groups the solution can affect, and their sum."""
    groups = timeuse_codebook.group_table
    addressable = list(groups.loc[groups["addressable"], "group"]) + [ADDRESSABLE]
    mpd = timeuse_minutes_per_day
    return mpd[mpd["activity_group"].isin(addressable)].reset_index(drop=True)


def timeuse_addressable_by_role(timeuse_minutes_addressable_groups: pd.DataFrame) -> pd.DataFrame:
    """Addressable minutes per staff-day by service and role (the sum over the addressable groups)."""
    t = timeuse_minutes_addressable_groups
    return t[t["activity_group"] == ADDRESSABLE].reset_index(drop=True)
