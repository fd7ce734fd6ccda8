"""Result-graph nodes: the key figures every summary, stop point, factsheet and the workbook take their
headline numbers from, each with its basis, GP assumption and participation path; and the factsheets' numbers."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.cba.engine import CBAInputs
from ejournal_lib.factsheets.data import factsheet_data
from ejournal_lib.scenario import Scenario

#: (figure, cba_summary metric, unit, basis); the basis codes have words in the label catalogue.
_FROM_SUMMARY = (
    ("npv_base_case_mnok", "npv_mnok", "mnok", "base_case"),
    ("expected_npv_mnok", "expected_npv_mnok", "mnok", "expected_with_event_risks"),
    ("npv_p10_mnok", "mc_npv_p10_mnok", "mnok", "simulation"),
    ("npv_p50_mnok", "mc_npv_p50_mnok", "mnok", "simulation"),
    ("npv_p85_mnok", "mc_npv_p85_mnok", "mnok", "simulation"),
    ("npv_p90_mnok", "mc_npv_p90_mnok", "mnok", "simulation"),
    ("prob_negative_npv", "mc_prob_negative", "share", "simulation"),
    ("pv_benefits_mnok", "pv_benefits_mnok", "mnok", "base_case"),
    ("pv_costs_mnok", "pv_costs_mnok", "mnok", "base_case"),
    ("published_npv_mnok", "published_npv_mnok", "mnok", "published_2020"),
)


def key_figures(
    cba_summary: pd.DataFrame,
    break_even: pd.DataFrame,
    npv_bridge: pd.DataFrame,
    actor_views: pd.DataFrame,
    area: pd.DataFrame,
    cba_inputs: CBAInputs,
    scenario: Scenario,
) -> pd.DataFrame:
    """figure, value, unit, basis, gp_assumption (the GP uptake the figure assumes; empty where none),
    participation_path (the scenario's municipal roll-out, or the break-even's varied final share).

    The present values use the model's own GP rule (the 2020 reading: ``brief``); the break-even shares are
    given under every GP assumption, and once more as ``…_stated`` under the one the scenario states for the
    procurement test.
    """
    summary = cba_summary.set_index("metric")["value"]
    rows = [
        {"figure": f, "value": float(summary[m]), "unit": u, "basis": b, "gp_assumption": "brief"}
        for f, m, u, b in _FROM_SUMMARY
    ]
    rows[-1]["gp_assumption"] = ""  # the published figure is the 2020 analysis's own
    views = actor_views.set_index("actor")
    for actor_col, figure in (("net_mnok", "municipal_net_mnok"), ("cash_mnok", "municipal_cash_mnok")):
        if "municipalities" in views.index:
            rows.append(
                {
                    "figure": figure,
                    "value": float(views.loc["municipalities", actor_col]),  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
                    "unit": "mnok",
                    "basis": "base_case",
                    "gp_assumption": "brief",
                }
            )
    rows.append(
        {
            "figure": "npv_previous_baseline_mnok",
            "value": float(npv_bridge["npv_mnok"].iloc[0]),
            "unit": "mnok",
            "basis": "previous_baseline",
            "gp_assumption": "brief",
        }
    )
    rows.append(
        {
            "figure": "npv_per_inhabitant_nok",
            "value": float(summary["npv_mnok"]) * 1e6 / float(area["population"].sum()),
            "unit": "nok",
            "basis": "base_case",
            "gp_assumption": "brief",
        }
    )
    stated = scenario.participation.gp_assumption
    for r in break_even.itertuples():
        row = {"value": float(r.break_even_share), "unit": "share", "basis": "break_even"}  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
        rows.append({"figure": f"break_even_{r.quantity}_{r.gp_assumption}", **row, "gp_assumption": r.gp_assumption})
        if r.quantity == "municipal_final_share" and r.gp_assumption == stated:
            rows.append({"figure": "break_even_municipal_final_share_stated", **row, "gp_assumption": stated})
    out = pd.DataFrame(rows)
    out["participation_path"] = [
        "varied_final_share"
        if b == "break_even"
        else ("" if b in ("published_2020", "previous_baseline") else "scenario_plan")
        for b in out["basis"]
    ]
    return out


def municipality_factsheet_data(
    area: pd.DataFrame,
    cba_inputs: CBAInputs,
    key_figures: pd.DataFrame,
    municipality_distribution: pd.DataFrame,
    benefit_followup: pd.DataFrame,
    timeuse_addressable_by_service: pd.DataFrame,
    timeuse_addressable_by_municipality: pd.DataFrame,
    public_commitment_status: pd.DataFrame,
    municipal_risk: pd.DataFrame,
) -> pd.DataFrame:
    """Every number of every municipality's factsheet, one row per municipality (see :func:`factsheet_data`);
    the society's value per inhabitant is the key figure's."""
    return factsheet_data(
        area,
        cba_inputs,
        {
            "key_figures": key_figures,
            "municipality_distribution": municipality_distribution,
            "benefit_followup": benefit_followup,
            "timeuse_addressable_by_service": timeuse_addressable_by_service,
            "timeuse_addressable_by_municipality": timeuse_addressable_by_municipality,
            "public_commitment_status": public_commitment_status,
            "municipal_risk": municipal_risk,
        },
    )
