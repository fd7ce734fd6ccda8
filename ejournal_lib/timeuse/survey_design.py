"""Planning a baseline measurement: how many municipalities, staff and staff-days are needed to estimate
minutes per day within ± E minutes, given the variance between municipalities, between staff and between
days (from pilot data or parameters)."""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

__all__ = ["municipalities_needed", "design_table"]


def municipalities_needed(
    margin: float,
    var_municipality: float,
    var_staff: float,
    var_day: float,
    staff_per_municipality: int,
    days_per_staff: int,
    level: float = 0.95,
) -> int:
    """Fewest municipalities M such that z·√Var(mean) ≤ margin, with
    Var(mean) = (σ²_m + σ²_s/K + σ²_e/(K·D)) / M."""
    if margin <= 0:
        raise ValueError("margin must be positive")
    z = stats.norm.ppf(0.5 + level / 2)
    per_muni = (
        var_municipality + var_staff / staff_per_municipality + var_day / (staff_per_municipality * days_per_staff)
    )
    return max(1, int(math.ceil(round(per_muni * (z / margin) ** 2, 9))))


def design_table(
    margin: float,
    var_municipality: float,
    var_staff: float,
    var_day: float,
    staff_options=(2, 4, 6, 10),
    day_options=(1, 2, 3, 5),
    level: float = 0.95,
) -> pd.DataFrame:
    """Municipalities, staff and staff-days needed for each combination of staff per municipality and days
    per staff, with the design effect relative to a simple random sample of staff-days."""
    total = var_municipality + var_staff + var_day
    rows = []
    for K in staff_options:
        for D in day_options:
            M = municipalities_needed(margin, var_municipality, var_staff, var_day, K, D, level)
            deff = 1 + (var_staff / total) * (D - 1) + (var_municipality / total) * (K * D - 1) if total else 1.0
            rows.append(
                {
                    "staff_per_municipality": K,
                    "days_per_staff": D,
                    "municipalities": M,
                    "staff": M * K,
                    "staff_days": M * K * D,
                    "design_effect": deff,
                    "margin_minutes": margin,
                    "level": level,
                }
            )
    return pd.DataFrame(rows)
