"""Result-graph nodes: the governance appendix's conclusions, generated from its results (the cost estimate
against the steering target and the frames, the change log, the stop points' criteria, the goals). The words
are the label catalogue's (``conclusion`` domain); ``conclusions.conclusions`` gathers them with the others."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.common.formatting import fmt_number
from ejournal_lib.common.labels import label
from ejournal_lib.results import lineage


def cost_conclusion(cost_estimate: pd.DataFrame, cost_bridge: pd.DataFrame, data_input_kinds: dict) -> dict:
    """The cost estimate against the steering target and the frames: what the target holds beyond the frames'
    items, and whether the estimate's P50 for the items is within the sum of their P50 frames."""
    total = cost_estimate.set_index("quantity").loc["total"]
    bridge = cost_bridge.set_index("step")["amount_mnok"]
    p50, frame = float(total.at["p50_mnok"]), float(total.at["frame_p50_mnok"])  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
    within = p50 <= frame
    numbers = {
        "target": fmt_number(bridge["steering_target"]),
        "not_itemised": fmt_number(bridge["not_itemised"]),
        "over": fmt_number(-bridge["not_itemised"]),
        "frame_p50": fmt_number(frame),
        "frame_p85": fmt_number(bridge["frames_p85"]),
    }
    # where the steering target lies: above the frames' P85, between their P50 and P85, or below their P50
    if bridge["not_itemised"] < 0:
        where = "frames_above_target"
    else:
        where = "target_holds_more" if bridge["target_above_frame"] >= 0 else "target_between"
    sentence = label("conclusion", "cost_within_frame" if within else "cost_above_frame").format(
        target_clause=label("conclusion_phrase", where).format(**numbers),
        frame_p50=fmt_number(frame),
        p50=fmt_number(p50),
        p85=fmt_number(total["p85_mnok"]),
        difference=fmt_number(abs(p50 - frame)),
    )
    condition = f"estimate P50 {p50:.0f} {'<=' if within else '>'} frames P50 {frame:.0f}; target {where}"
    return lineage.conclusion_row("cost", sentence, condition, lineage.kinds("cost_estimate", data_input_kinds))


def change_log_conclusion(
    governance_summary: pd.DataFrame, change_log: pd.DataFrame, expected_values: dict, data_input_kinds: dict
) -> dict:
    """How often the analysis changed since the 2018 quality assurance, what the changes the model can
    express move the net present value from and to, and whether the log's dates and deciders are illustrative."""
    v = governance_summary.set_index("figure")["value"]
    history = set(change_log["history_kind"])
    code = (
        "changes_illustrative"
        if history == {"illustrative"}
        else "changes_some_illustrative"
        if "illustrative" in history
        else "changes_documented"
    )
    sentence = label("conclusion", code).format(
        changes=fmt_number(v["changes"]),
        implemented=fmt_number(v["changes_implemented"]),
        start=fmt_number(v["bridge_start_mnok"]),
        end=fmt_number(v["bridge_end_mnok"]),
        basis=label("figure_basis", "base_case"),
        expected=fmt_number(expected_values["npv"]),
    )
    return lineage.conclusion_row("change_log", sentence, code, lineage.kinds("npv_bridge", data_input_kinds))


def stop_point_counts_conclusion(governance_summary: pd.DataFrame, data_input_kinds: dict) -> dict:
    """How many of the stop points' measurable criteria are met, not met and not assessable, and how many
    rest on example data."""
    v = governance_summary.set_index("figure")["value"]
    sentence = label("conclusion", "stop_point_counts").format(
        **{
            k: fmt_number(v[k])
            for k in (
                "rule_criteria",
                "criteria_met",
                "criteria_not_met",
                "criteria_not_assessable",
                "criteria_on_example_data",
            )
        }
    )
    return lineage.conclusion_row(
        "stop_point_counts", sentence, "counts", lineage.kinds("stop_points", data_input_kinds)
    )


def goals_conclusion(governance_summary: pd.DataFrame, data_input_kinds: dict) -> dict:
    """How many goals are not verifiable as they stand."""
    v = governance_summary.set_index("figure")["value"]
    sentence = label("conclusion", "goals_not_verifiable").format(
        not_verifiable=fmt_number(v["goals_not_verifiable"]), goals=fmt_number(v["goals"])
    )
    return lineage.conclusion_row("goals", sentence, "counts", lineage.kinds("goal_register", data_input_kinds))
