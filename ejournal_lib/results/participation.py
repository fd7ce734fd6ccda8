"""Result-graph nodes: public commitment, adoption models and forecasts, and the GP survey."""

from __future__ import annotations

import pandas as pd
from hamilton.function_modifiers import extract_fields

from ejournal_lib.cba.engine import CBAInputs
from ejournal_lib.common.municipalities import load_crosswalk, load_population, map_2019_to_2020
from ejournal_lib.common.validation import read_raw_table
from ejournal_lib.participation.adoption import bootstrap_forecast
from ejournal_lib.participation.gp_uptake import (
    gp_survey_schema,
    gps_per_municipality,
    load_gp_key_figures,
    national_gp_count,
)
from ejournal_lib.participation.public_status import IntentionsAggregate
from ejournal_lib.participation.register import adoption_series as quarterly_adoption
from ejournal_lib.participation.register import (
    coverage_by_date,
    load_scenario_public_status,
    load_scenario_register,
)
from ejournal_lib.participation.tables import (
    adoption_fits,
    commitment_forecast_table,
    consequences_table,
    forecast_tables,
    gp_survey_tables,
    participation_paths,
    public_commitment_tables,
)
from ejournal_lib.participation.tables import coverage_key_figures as area_key_figures
from ejournal_lib.participation.tables import example_commitment_key_figures as commitment_key_figures
from ejournal_lib.scenario import Scenario

#: The participation appendix's published tables (nodes of their own); the GP survey's are below.
PARTICIPATION_TABLES = (
    "participation_coverage",
    "example_commitment_key_figures",
    "adoption_series",
    "bass_fit",
    "logistic_fit",
    "commitment_forecast",
    "participation_forecast",
    "gp_participation",
    "participation_consequences",
)
GP_SURVEY_TABLES = ("gp_survey_model", "gp_survey_estimates")
#: Quarters the commitment forecast reaches beyond the register.
FORECAST_QUARTERS = 12
#: What public sources say: no synthetic input reaches these.
PUBLIC_COMMITMENT_TABLES = (
    "public_commitment_key_figures",
    "public_commitment_status",
    "fewest_to_half",
    "largest_not_known_signed",
    "municipality_ranking",
)


def commitment_register(scenario: Scenario) -> pd.DataFrame:
    """The dated register of commitments (feeds the adoption models only)."""
    return load_scenario_register(scenario)


def public_status_and_aggregate(scenario: Scenario) -> tuple:
    """Every municipality of the area with its status in public sources, and KS's published aggregate."""
    return load_scenario_public_status(scenario)


def public_status(public_status_and_aggregate: tuple) -> pd.DataFrame:
    """Every municipality of the area with its status in public sources."""
    return public_status_and_aggregate[0]


def intentions_aggregate(public_status_and_aggregate: tuple) -> IntentionsAggregate:
    """KS's published count of signed intention declarations."""
    return public_status_and_aggregate[1]


def gp_survey(scenario: Scenario) -> pd.DataFrame:
    """The GP survey's answers, checked."""
    return read_raw_table(scenario.data.gp_survey, gp_survey_schema())


def gp_key_figures(scenario: Scenario) -> pd.DataFrame:
    """Helsedirektoratet's GP key figures."""
    return load_gp_key_figures(scenario.data.gp_key_figures)


def gps(area: pd.DataFrame, gp_key_figures: pd.DataFrame, population: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """GPs per municipality of the area (from the file when given, else allocated by population)."""
    return gps_per_municipality(
        area,
        national_gp_count(gp_key_figures),
        int(population["population"].sum()),
        scenario.data.gp_per_municipality,
    )


@extract_fields({name: pd.DataFrame for name in GP_SURVEY_TABLES})
def gp_survey_results(gp_survey: pd.DataFrame, area: pd.DataFrame, scenario: Scenario) -> dict:
    """The GP survey's model and expected shares of GPs (see :func:`gp_survey_tables`)."""
    return gp_survey_tables(gp_survey, area, scenario.settings.seed)


def coverage_key_figures(
    area: pd.DataFrame, sensitivity_area: pd.DataFrame, population: pd.DataFrame, scenario: Scenario
) -> pd.DataFrame:
    """Each area's municipalities and population, and the fewest largest that reach the target (no register)."""
    return area_key_figures(
        {"outside_midt_norge": area, "sensitivity": sensitivity_area},
        int(population["population"].sum()),
        scenario.participation.target_share,
    )


@extract_fields({name: pd.DataFrame for name in PUBLIC_COMMITMENT_TABLES})
def public_commitment_results(
    area: pd.DataFrame, public_status: pd.DataFrame, intentions_aggregate: IntentionsAggregate, scenario: Scenario
) -> dict:
    """What public sources say about commitment (see :func:`public_commitment_tables`)."""
    return public_commitment_tables(area, public_status, intentions_aggregate, scenario.participation.target_share)


def participation_coverage(commitment_register: pd.DataFrame, area: pd.DataFrame) -> pd.DataFrame:
    """Signed municipalities and population share of the area by date, from the dated register."""
    return coverage_by_date(_within(commitment_register, area), area)


def example_commitment_key_figures(
    commitment_register: pd.DataFrame, area: pd.DataFrame, sensitivity_area: pd.DataFrame, scenario: Scenario
) -> pd.DataFrame:
    """Per area: signed municipalities and share, and when the register crossed the target."""
    coverage = {
        name: coverage_by_date(_within(commitment_register, a), a)
        for name, a in (("outside_midt_norge", area), ("sensitivity", sensitivity_area))
    }
    return commitment_key_figures(coverage, scenario.participation.target_share)


def _within(register: pd.DataFrame, area: pd.DataFrame) -> pd.DataFrame:
    return register[register["municipality_code"].isin(area["municipality_code"])]


def adoption_series(commitment_register: pd.DataFrame, area: pd.DataFrame) -> pd.DataFrame:
    """New signatures per quarter, as municipalities and as population share of the area."""
    return quarterly_adoption(commitment_register, area)


@extract_fields({"bass_fit": pd.DataFrame, "logistic_fit": pd.DataFrame})
def adoption_fit_results(adoption_series: pd.DataFrame) -> dict:
    """The Bass and logistic fits to the quarterly series."""
    return adoption_fits(adoption_series)


def commitment_bootstrap(adoption_series: pd.DataFrame, scenario: Scenario) -> dict:
    """The bootstrap forecast of the committed population share (point, band, final level)."""
    shares = adoption_series["new_population_share"].to_numpy()
    return bootstrap_forecast(
        shares, FORECAST_QUARTERS, n_boot=scenario.participation.n_boot, seed=scenario.settings.seed
    )


def commitment_forecast(adoption_series: pd.DataFrame, commitment_bootstrap: dict) -> pd.DataFrame:
    """The committed population share, observed and forecast by quarter, with the forecast's band."""
    return commitment_forecast_table(adoption_series, commitment_bootstrap)


def roll_out_paths(cba_inputs: CBAInputs, commitment_bootstrap: dict, scenario: Scenario) -> dict:
    """The municipal roll-out paths the participation appendix compares (2020, low, high, the forecast)."""
    settings = scenario.participation
    return participation_paths(cba_inputs, commitment_bootstrap, settings.low_final_share, settings.high_final_share)


@extract_fields({"participation_forecast": pd.DataFrame, "gp_participation": pd.DataFrame})
def roll_out_forecast_results(cba_inputs: CBAInputs, roll_out_paths: dict, gps: pd.DataFrame) -> dict:
    """Municipal and GP shares per path and year, and the GPs that join."""
    return forecast_tables(cba_inputs, roll_out_paths, gps)


def participation_consequences(
    cba_inputs: CBAInputs,
    public_share: dict,
    roll_out_paths: dict,
    gp_final_shares: dict,
    break_even: pd.DataFrame,
    area: pd.DataFrame,
    scenario: Scenario,
) -> pd.DataFrame:
    """Each path's net present value and costs under the stated GP assumption, and whether it justifies
    procurement (the analysis's break-even share, the same node the analysis appendix shows)."""
    stated = scenario.participation.gp_assumption
    municipal = break_even[break_even["quantity"] == "municipal_final_share"]
    shares = dict(zip(municipal["gp_assumption"], municipal["break_even_share"]))
    return consequences_table(
        cba_inputs,
        public_share,
        roll_out_paths,
        gp_final_shares[stated],
        stated,
        float(shares[stated]),
        float(area["population"].sum()),
        scenario.participation.target_share,
    )


def public_commitment_named(public_status: pd.DataFrame) -> pd.DataFrame:
    """The municipalities public sources name, by status and name."""
    named = public_status[public_status["public_status"] != "not_named"]
    named = named.sort_values(["public_status", "municipality_name"])
    return named[["municipality_code", "municipality_name", "public_status", "population", "source"]]


def gp_per_municipality(gps: pd.DataFrame) -> pd.DataFrame:
    """GPs per municipality of the area, with where the number comes from."""
    return gps


def participation_forecast_wide(participation_forecast: pd.DataFrame) -> pd.DataFrame:
    """The municipal and GP shares live per year (rows) and scenario (columns ``municipal_<s>``, ``gp_<s>``)."""
    wide = participation_forecast.pivot_table(
        index="year", columns="scenario", values=["municipal_population_share", "gp_share"], sort=False
    )
    wide.columns = [  # type: ignore[str-unpack]  # two levels: quantity, scenario
        f"{'municipal' if quantity == 'municipal_population_share' else 'gp'}_{scenario}"
        for quantity, scenario in wide.columns
    ]
    return wide.reset_index()


def participation_forecast_municipal(participation_forecast_wide: pd.DataFrame) -> pd.DataFrame:
    """Every other year up to 2036 of the wide forecast (the appendix shows its municipal columns)."""
    years = participation_forecast_wide["year"]
    return participation_forecast_wide[(years <= 2036) & (years % 2 == 0)]


def population_2019(scenario: Scenario) -> pd.DataFrame:
    """Population per 2019 municipality (SSB), for the crosswalk check."""
    return load_population(scenario.data.population_2019)


def crosswalk(scenario: Scenario) -> pd.DataFrame:
    """The 2019 → 2020 municipality crosswalk."""
    return load_crosswalk(scenario.data.crosswalk)


@extract_fields({"crosswalk_check": pd.DataFrame, "crosswalk_flagged": pd.DataFrame})
def crosswalk_results(population_2019: pd.DataFrame, crosswalk: pd.DataFrame, population: pd.DataFrame) -> dict:
    """The 2019 population summed onto merged 2020 municipalities (largest first), and the split 2019
    municipalities that cannot be summed (flagged)."""
    mapped, flagged = map_2019_to_2020(
        population_2019[["municipality_code", "population"]], crosswalk, sum_cols=("population",)
    )
    check = mapped.merge(
        population[["municipality_code", "municipality_name", "population"]],
        on="municipality_code",
        suffixes=("_2019", "_2020"),
    )
    check = check[check["merged_from"].str.contains("/")].sort_values("population_2020", ascending=False)
    columns = ["municipality_code", "municipality_name", "merged_from", "population_2019", "population_2020"]
    return {"crosswalk_check": check[columns], "crosswalk_flagged": flagged}
