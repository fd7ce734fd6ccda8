"""Reconciliation with the published 2020 analysis: the model's present value of every effect against the
published total, service by service where the published charts break an effect down, and the method
candidates tested where a difference remains."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.cba.calibration import effect_pvs
from ejournal_lib.cba.engine import run_cba
from ejournal_lib.scenario.cba import EFFECTS, CBAInputs

__all__ = ["reconciliation_table", "service_reconciliation_table", "method_candidates", "SERVICE_TOLERANCE"]

#: A service's freed time counts as reproduced within this share of its published value (the issue's goal).
SERVICE_TOLERANCE = 0.05


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


def _service_cells(inputs: CBAInputs, public_share: dict) -> pd.Series:
    """Present value (MNOK) by (effect, service) in the deterministic base."""
    cells = run_cba(inputs, public_share).by_effect_service
    return cells.set_index(["effect", "service"])["npv_mnok"]


def service_reconciliation_table(inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """effect, service, published, model, difference, difference in % of the published value, whether it is
    within :data:`SERVICE_TOLERANCE`, and the scenario's explanation of what remains (freed time), for every
    effect the published charts break down by service."""
    model = _service_cells(inputs, public_share)
    pub = inputs.published
    rows = [
        (effect, service, value, float(model.get((effect, service), 0.0)))
        for effect, by in pub.by_service_mnok.items()
        for service, value in by.items()
    ]
    out = pd.DataFrame(rows, columns=["effect", "service", "published_mnok", "model_mnok"])
    out["difference_mnok"] = out["model_mnok"] - out["published_mnok"]
    out["difference_pct"] = out["difference_mnok"] / out["published_mnok"].abs()
    out["within_tolerance"] = (out["difference_pct"].abs() <= SERVICE_TOLERANCE).astype(bool)
    explained = out["effect"] == "time_savings"
    out["explanation"] = out["service"].map(pub.service_explanations).where(explained).fillna("")
    return out


def method_candidates(inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """Every method candidate of the scenario (``published.candidates``) evaluated alone: freed time, the
    transition cost and the net present value, their distance from the published values, and how many
    services' freed time is within :data:`SERVICE_TOLERANCE` of the published chart. The first row is the
    scenario's own method."""
    pub = inputs.published
    rows: list[tuple[str, dict, bool]] = [("current", {}, True)] + [
        (c.id, c.overrides, c.supported) for c in pub.candidates
    ]
    out = []
    by_service = pd.Series(pub.by_service_mnok.get("time_savings", {}), dtype=float)
    for cid, overrides, supported in rows:
        cells = _service_cells(inputs.with_overrides(overrides) if overrides else inputs, public_share)
        pv = cells.groupby(level="effect").sum()
        time = cells.loc["time_savings"].reindex(by_service.index)
        out.append(
            {
                "candidate": cid,
                "supported": supported,
                "time_savings_mnok": float(pv.at["time_savings"]),  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
                "transition_cost_mnok": float(pv.at["transition_cost"]),  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
                "npv_mnok": float(pv.to_numpy().sum()),
                "services_within_tolerance": int(
                    ((time / by_service - 1.0).abs() <= SERVICE_TOLERANCE).to_numpy().sum()
                ),
            }
        )
    df = pd.DataFrame(out)
    df["time_savings_vs_published_pct"] = df["time_savings_mnok"] / pub.effects_mnok["time_savings"] - 1.0
    df["transition_vs_published_pct"] = df["transition_cost_mnok"] / pub.effects_mnok["transition_cost"] - 1.0
    df["reason"] = df["candidate"].map({c.id: c.reason for c in pub.candidates}).fillna("")
    df["supported"] = df["supported"].astype(bool)
    return df
