"""The cost estimate: the cost-frame items as triple estimates, summed by Monte Carlo into P50 (steering
frame) and P85 (cost frame), tracked against the steering target.

Each item's base estimate is read as the mode of a triangular distribution whose 50 % and 85 % quantiles
are the item's P50 and P85 (solved exactly); the items are summed with ``cost_quantiles`` (min–max reading
of the fitted ends), independent or correlated. Amounts in MNOK including VAT, as the frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ejournal_lib.cba.distributions import cost_quantiles, triangular_from_quantiles
from ejournal_lib.scenario.cba import CBAInputs

__all__ = ["cost_estimate_table", "steering_target_bridge"]


def cost_estimate_table(
    inputs: CBAInputs,
    correlation: float,
    n: int,
    seed: int,
    steering_target_mnok: float | None = None,
) -> pd.DataFrame:
    """One row per cost item and one for the total: base, frames (P50, P85), fitted ends and simulated
    mean, P50 and P85; the total row also holds the steering target and the sum of the items' P85."""
    items = inputs.investment_table
    fitted = [
        triangular_from_quantiles(r["p50_mnok"], r["base_mnok"], r["p85_mnok"], 0.50, 0.85) for _, r in items.iterrows()
    ]
    rows = []
    for (item, r), (a, c, b) in zip(items.iterrows(), fitted):
        q = cost_quantiles([a], [c], [b], bounds="min-max", n=n, seed=seed)
        rows.append(
            {
                "quantity": item,
                "base_mnok": r["base_mnok"],
                "frame_p50_mnok": r["p50_mnok"],
                "frame_p85_mnok": r["p85_mnok"],
                "min_mnok": a,
                "max_mnok": b,
                "mean_mnok": q["mean"],
                "p50_mnok": q["p50"],
                "p85_mnok": q["p85"],
            }
        )
    lo, mode, hi = zip(*fitted)
    total = cost_quantiles(
        list(lo),
        list(mode),
        list(hi),
        bounds="min-max",
        correlation=correlation if correlation else None,
        n=n,
        seed=seed,
    )
    rows.append(
        {
            "quantity": "total",
            "base_mnok": items["base_mnok"].sum(),
            "frame_p50_mnok": items["p50_mnok"].sum(),
            "frame_p85_mnok": items["p85_mnok"].sum(),
            "min_mnok": sum(lo),
            "max_mnok": sum(hi),
            "mean_mnok": total["mean"],
            "p50_mnok": total["p50"],
            "p85_mnok": total["p85"],
        }
    )
    out = pd.DataFrame(rows)
    out["cost_frame_p85_mnok"] = out["frame_p85_mnok"]
    out["steering_target_mnok"] = [np.nan] * (len(out) - 1) + [
        np.nan if steering_target_mnok is None else steering_target_mnok
    ]
    return out


def steering_target_bridge(inputs: CBAInputs, steering_target_mnok: float) -> pd.DataFrame:
    """From the steering target (P50) to the 2020 cost frames: each item's P50 frame, their sum, what the target
    holds beyond them (not itemised in public), the cost frame's reserve (P85 less P50) and the cost frame.
    ``step``: a code; ``amount_mnok``: MNOK incl. VAT, 2019 prices; ``kind``: total, item or difference."""
    items = inputs.investment_table
    p50, p85 = float(items["p50_mnok"].sum()), float(items["p85_mnok"].sum())
    rows: list[tuple[str, float, str]] = [("steering_target", steering_target_mnok, "total")]
    rows += [(str(item), float(p50_item), "item") for item, p50_item in items["p50_mnok"].items()]
    rows += [
        ("frames_p50", p50, "total"),
        ("not_itemised", steering_target_mnok - p50, "difference"),
        ("reserve_p85", p85 - p50, "difference"),
        ("frames_p85", p85, "total"),
        ("target_above_frame", steering_target_mnok - p85, "difference"),
    ]
    return pd.DataFrame(rows, columns=["step", "amount_mnok", "kind"])
