"""Result-graph nodes: the participation appendix's conclusions, generated from its results (what public
sources say of the intention declarations, the few largest municipalities, the forecast, the GP survey and
the threshold for procurement). The words are the label catalogue's (``conclusion`` domain);
``conclusions.conclusions`` gathers them with the others."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ejournal_lib.common.formatting import fmt_number, fmt_percent, fmt_short_date
from ejournal_lib.common.labels import label
from ejournal_lib.results import lineage
from ejournal_lib.scenario import Scenario


def named_sources_conclusion(participation_summary: pd.DataFrame, data_input_kinds: dict) -> dict:
    """What public sources name: signed (all of Agder's, when so), postponed, outcome not found, and that the
    rest is unknown, not «not signed»."""
    s = participation_summary.set_index("figure")
    v, d = s["value"], s["detail"]
    agder = (
        label("conclusion_phrase", "all_of_agder").format(n=fmt_number(v["agder_named"]))
        if v["agder_all_signed"]
        else ""
    )
    sentence = label("conclusion", "named_sources").format(
        named=fmt_number(v["named"]),
        signed=fmt_number(v["named_signed"]),
        agder=agder,
        declined=fmt_number(v["named_declined"]),
        declined_names=d["named_declined"],
        unknown=fmt_number(v["named_unknown"]),
        unknown_names=d["named_unknown"],
        not_named=fmt_number(v["not_named"]),
    )
    return lineage.conclusion_row("named_sources", sentence, "counts", lineage.kinds("public_status", data_input_kinds))


def largest_half_conclusion(
    coverage_key_figures: pd.DataFrame, population_date: dt.date, data_input_kinds: dict
) -> dict:
    """How few of the largest municipalities hold half the population outside Midt-Norge."""
    k = coverage_key_figures.set_index("area").loc["outside_midt_norge"]
    sentence = label("conclusion", "largest_half").format(
        fewest=fmt_number(k["fewest_largest_to_reach_target"]),
        population=fmt_number(k["population"]),
        municipalities=fmt_number(k["municipalities"]),
        date=fmt_short_date(population_date),
    )
    kinds = lineage.kinds("coverage_key_figures", data_input_kinds)
    return lineage.conclusion_row("largest_half", sentence, "counts", kinds)


def forecast_conclusion(participation_summary: pd.DataFrame, data_input_kinds: dict) -> dict:
    """The forecast's share live in 2030, and whether the series identifies the market potential."""
    v = participation_summary.set_index("figure")["value"]
    code = "forecast_identified" if v["forecast_potential_identified"] else "forecast_not_identified"
    sentence = label("conclusion", code).format(share=fmt_percent(v["forecast_share_2030"], 0))
    return lineage.conclusion_row("forecast", sentence, code, lineage.kinds("commitment_forecast", data_input_kinds))


def gp_survey_conclusion(participation_summary: pd.DataFrame, data_input_kinds: dict) -> dict:
    """The GP survey's expected and lowest plausible share of GPs who would join."""
    v = participation_summary.set_index("figure")["value"]
    sentence = label("conclusion", "gp_survey").format(
        expected=fmt_percent(v["gp_expected_share"], 0), lowest=fmt_percent(v["gp_lowest_plausible_share"], 0)
    )
    kinds = lineage.kinds("gp_survey_estimates", data_input_kinds)
    return lineage.conclusion_row("gp_survey", sentence, "estimates", kinds)


def procurement_conclusion(participation_summary: pd.DataFrame, data_input_kinds: dict, scenario: Scenario) -> dict:
    """The break-even share under the stated GP assumption, where KS's count lies against it, and when
    procurement may start; or that no participation justifies it."""
    s = participation_summary.set_index("figure")
    v, d = s["value"], s["detail"]
    share = v["break_even_share"]
    found = bool(pd.notna(share))
    side = "above" if v["ks_share_at_or_above_break_even"] else "below"
    sentence = label("conclusion", "procurement_threshold" if found else "procurement_none").format(
        assumption=label("gp_assumption", d["break_even_share"]).lower(),
        share=fmt_percent(share, 0),
        ks=fmt_percent(v["ks_share"], 0),
        side=label("conclusion_phrase", side),
        target=fmt_percent(scenario.participation.target_share, 0),
    )
    kinds = set(lineage.kinds("cba_reconciliation", data_input_kinds))
    if d["break_even_share"] != "brief":  # a GP share from the survey
        kinds |= set(lineage.kinds("gp_survey_estimates", data_input_kinds))
    return lineage.conclusion_row("procurement", sentence, "found" if found else "none", lineage.ordered(kinds))
