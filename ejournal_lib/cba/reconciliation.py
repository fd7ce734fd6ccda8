"""Reconciliation with the published 2020 analysis: the model's present value of every effect against the
published total, and the method candidates tested where a difference remains."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.cba.calibration import effect_pvs
from ejournal_lib.scenario.cba import EFFECTS, CBAInputs

__all__ = ["reconciliation_table", "method_candidates"]


def reconciliation_table(inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """effect, published, model (deterministic base, the published method), difference, difference in % of
    the published value and the explanation the scenario gives; the last row is the net present value."""
    pv = effect_pvs(inputs, public_share)
    pub = inputs.published
    rows = [(e, pub.effects_mnok[e], float(pv[e])) for e in EFFECTS] + [("npv", pub.npv_mnok, float(pv.sum()))]
    out = pd.DataFrame(rows, columns=["effect", "published_mnok", "model_mnok"])
    out["difference_mnok"] = out["model_mnok"] - out["published_mnok"]
    out["difference_pct"] = out["difference_mnok"] / out["published_mnok"].abs()
    out["explanation"] = out["effect"].map(pub.explanations).fillna("")
    return out


def method_candidates(inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """Every method candidate of the scenario (``published.candidates``) evaluated alone: freed time, the
    transition cost and the net present value, and their distance from the published values. The first row
    is the scenario's own method."""
    pub = inputs.published
    rows: list[tuple[str, dict, bool]] = [("current", {}, True)] + [
        (c.id, c.overrides, c.supported) for c in pub.candidates
    ]
    out = []
    for cid, overrides, supported in rows:
        pv = effect_pvs(inputs.with_overrides(overrides) if overrides else inputs, public_share)
        out.append(
            {
                "candidate": cid,
                "supported": supported,
                "time_savings_mnok": float(pv["time_savings"]),
                "transition_cost_mnok": float(pv["transition_cost"]),
                "npv_mnok": float(pv.sum()),
            }
        )
    df = pd.DataFrame(out)
    df["time_savings_vs_published_pct"] = df["time_savings_mnok"] / pub.effects_mnok["time_savings"] - 1.0
    df["transition_vs_published_pct"] = df["transition_cost_mnok"] / pub.effects_mnok["transition_cost"] - 1.0
    df["reason"] = df["candidate"].map({c.id: c.reason for c in pub.candidates}).fillna("")
    df["supported"] = df["supported"].astype(bool)
    return df
