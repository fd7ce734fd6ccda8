"""The figures each appendix's summary states are computed in the graph and hold together: counts add up, the
bridge's steps sum to its change, a rule meets the threshold exactly when its probability is at or below it."""

from __future__ import annotations

import pytest

from ejournal_lib.results.graph import ResultGraph


@pytest.fixture
def small(small_graph) -> ResultGraph:
    """The default scenario with the suite's small samples (shared by the session)."""
    return small_graph


def _values(graph: ResultGraph, name: str):
    table = graph.get(name).set_index("figure")
    return table["value"], table["detail"]


def test_participation_summary_counts_add_up(small):
    v, d = _values(small, "participation_summary")
    status = small.get("public_status")
    assert v["named"] == v["named_signed"] + v["named_declined"] + v["named_unknown"]
    assert v["named"] + v["not_named"] == len(status)
    assert d["named_declined"] == "Skien"  # Skien deferred (akson_intentions_2020.csv)
    assert v["ks_share"] == pytest.approx(0.65) and v["ks_share_at_or_above_break_even"] == float(
        v["ks_share"] >= v["break_even_share"]
    )
    stated = small.scenario.participation.gp_assumption
    be = small.get("break_even")
    be = be[(be["quantity"] == "municipal_final_share") & (be["gp_assumption"] == stated)]
    assert v["break_even_share"] == pytest.approx(be["break_even_share"].iloc[0])  # the analysis's own


def test_governance_summary_holds_together(small):
    v, _ = _values(small, "governance_summary")
    assert v["bridge_steps_sum_mnok"] == pytest.approx(v["bridge_end_mnok"] - v["bridge_start_mnok"])
    assert v["criteria_met"] + v["criteria_not_met"] + v["criteria_not_assessable"] == v["rule_criteria"]
    assert 0 < v["criteria_on_example_data"] <= v["rule_criteria"]
    assert v["bridge_end_mnok"] == pytest.approx(small.get("cba_summary").set_index("metric").loc["npv_mnok", "value"])


def test_analysis_summary_rules_and_recommendation(small):
    v, d = _values(small, "analysis_summary")
    threshold = small.get("cba_inputs").risk_sharing.municipal_negative_cash_threshold
    for rule in small.get("cba_inputs").risk_sharing.rules:
        assert v[f"rule_meets_threshold_{rule}"] == float(v[f"municipal_prob_negative_{rule}"] <= threshold)
    evsi = small.get("voi_evsi")
    best = evsi.loc[evsi["engs_mnok"].idxmax()]
    assert v["study_municipalities"] == best["municipalities"] and v["study_pays"] == float(best["engs_mnok"] > 0)
    assert d["top_evppi_mnok"] != "time_all"
    assert v["municipal_prob_negative_min"] <= v["municipal_prob_negative_brief"] <= v["municipal_prob_negative_max"]


def test_baseline_summary_ranges(small):
    v, d = _values(small, "baseline_summary")
    by_service = small.get("timeuse_addressable_by_service").dropna(subset=["baseline_addressable_minutes"])
    assert v["addressable_min"] <= v["addressable_max"]
    assert d["addressable_max"] == by_service.loc[by_service["baseline_addressable_minutes"].idxmax(), "service"]
    assert v["services_suppressed"] <= v["services_checked"] and v["precision_cannot_verify"] <= v["precision_services"]
    national = small.get("timeuse_national")
    assert v["national_mnok_per_year"] == pytest.approx(national["mnok_per_year"].sum())
