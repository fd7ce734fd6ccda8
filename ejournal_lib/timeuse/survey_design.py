"""Planning a baseline measurement: how many municipalities, staff and staff-days are needed to estimate
minutes per day within ± E minutes, given the variance between municipalities, between staff and between
days (from pilot data or parameters); and what the measured baseline's precision allows: the smallest
change a later measurement of the same size could detect, against the saving to be verified."""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

__all__ = ["variance_of_mean", "municipalities_needed", "design_table", "precision_table"]


def variance_of_mean(
    var_municipality: float | pd.Series,
    var_staff: float | pd.Series,
    var_day: float | pd.Series,
    staff_per_municipality: int,
    days_per_staff: int,
    municipalities=1,
):
    """Variance of the mean minutes per staff-day from M municipalities × K staff × D days:
    (σ²_m + σ²_s/K + σ²_e/(K·D)) / M (``municipalities`` may be an array).

    >>> variance_of_mean(10.0, 40.0, 60.0, 4, 3, 2)
    12.5
    """
    per_municipality = (
        var_municipality + var_staff / staff_per_municipality + var_day / (staff_per_municipality * days_per_staff)
    )
    return per_municipality / municipalities


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
    per_muni = variance_of_mean(var_municipality, var_staff, var_day, staff_per_municipality, days_per_staff)
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


def precision_table(
    by_service: pd.DataFrame,
    savings: pd.Series,
    var_municipality: float,
    var_staff: float,
    var_day: float,
    staff_per_municipality: int,
    days_per_staff: int,
    level: float = 0.95,
    power: float = 0.8,
) -> pd.DataFrame:
    """Per service: the baseline interval's half-width, the smallest change a before/after comparison of two
    measurements as precise as this one detects (two-sided ``level``, ``power``):
    (z₁₋α/₂ + z_power) · √2 · SE with SE = half-width / t (the interval's t with n_municipalities − 1 degrees
    of freedom, :func:`~ejournal_lib.timeuse.estimation.mean_interval`), whether that is at most the saving to
    verify, and the municipalities a measurement needs (with the given staff and days per municipality) for it
    to be. In the example, by hand: SE = 20/t₅ = 20/2.571 = 7.78, detectable = (1.960 + 0.842)·√2·7.78 = 30.8;
    a margin of 20·1.960/((1.960 + 0.842)·√2) = 9.89 needs M = ⌈(100 + 400/4 + 400/12) · (1.960/9.89)²⌉ =
    ⌈9.16⌉ = 10.

    ``by_service`` has service, ci_low, ci_high, n_municipalities and ``suppressed``; ``savings`` the assumed
    minutes saved per day by service. Suppressed services get no figures.

    >>> t = pd.DataFrame({"service": ["a"], "ci_low": [80.0], "ci_high": [120.0], "n_municipalities": [6], "suppressed": [False]})
    >>> r = precision_table(t, pd.Series({"a": 20.0}), 100.0, 400.0, 400.0, 4, 3).iloc[0]
    >>> float(r["half_width"]), round(float(r["detectable_change"]), 1), bool(r["can_verify"]), int(r["municipalities_needed"])
    (20.0, 30.8, False, 10)
    """
    z = stats.norm.ppf(0.5 + level / 2)
    z_power = stats.norm.ppf(power)
    factor = (z + z_power) * math.sqrt(2) / z  # detectable change per unit of half-width
    rows = []
    for r in by_service.itertuples(index=False):
        saving = float(savings.get(r.service, float("nan")))
        low, high = float(r.ci_low), float(r.ci_high)  # type: ignore[arg-type]  # itertuples loses dtypes
        hidden = bool(r.suppressed) or math.isnan(low)
        half = float("nan") if hidden else (high - low) / 2
        m = 0 if hidden else int(r.n_municipalities)  # type: ignore[arg-type]  # itertuples loses dtypes
        t = float(stats.t.ppf(0.5 + level / 2, m - 1)) if m > 1 else float("nan")
        detectable = (z + z_power) * math.sqrt(2) * half / t
        needed = (
            municipalities_needed(
                saving / factor, var_municipality, var_staff, var_day, staff_per_municipality, days_per_staff, level
            )
            if saving > 0 and not hidden and not any(pd.isna(v) for v in (var_municipality, var_staff, var_day))
            else None
        )
        rows.append(
            {
                "service": r.service,
                "assumed_minutes_saved": saving,
                "half_width": half,
                "detectable_change": detectable,
                "can_verify": None if hidden else bool(detectable <= saving),
                "n_municipalities": None if hidden else r.n_municipalities,
                "municipalities_needed": needed,
                "suppressed": hidden,
            }
        )
    return pd.DataFrame(rows)
