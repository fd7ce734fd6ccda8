"""Estimates from baseline time-use data with uncertainty that respects who was observed where.

Staff-days are nested in staff, staff in municipalities. Intervals are t-intervals from the municipalities'
totals (:func:`mean_interval`, chosen by a coverage study); a mixed model (statsmodels MixedLM) gives the
variance components, intra-class correlations and the design effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "staff_day_minutes",
    "mean_interval",
    "minutes_per_day",
    "variance_components",
    "design_effect",
    "verify_assumptions",
    "national_extrapolation",
    "naive_mean_interval",
]


def staff_day_minutes(activities: pd.DataFrame, sessions: pd.DataFrame, by: str = "group") -> pd.DataFrame:
    """One row per session (staff-day) and one column per ``by`` value: minutes spent; zero where none.
    Design columns (municipality_code, service, role, staff_id) and observed_minutes are kept."""
    wide = activities.pivot_table(index="session_id", columns=by, values="minutes", aggfunc="sum", fill_value=0.0)
    design = sessions.set_index("session_id")[["municipality_code", "service", "role", "staff_id", "observed_minutes"]]
    out = design.join(wide, how="left").fillna({c: 0.0 for c in wide.columns})
    return out.reset_index()


def mean_interval(
    values,
    municipality,
    staff,
    level: float = 0.95,
    seed: int | None = None,
    denominator=None,
) -> dict:
    """Mean over staff-days (or the ratio Σvalues/Σdenominator, a share of time) with a t-interval from the
    municipalities' totals: SE² = M/(M−1) · Σₘ (Tₘ − θ̂·Nₘ)² / N², t with M − 1 degrees of freedom.

    The municipalities are the sampled clusters; each one's total carries the variance of its staff and days
    once (a two-stage bootstrap counts it twice, and resampling municipalities alone with normal quantiles
    under-covers with few of them). In a balanced design with normal effects the interval is exact; the
    coverage study (``benchmarks/coverage_intervals.py``, table in ``docs/coverage.md``) shows 93.5–96 % for
    6 to 30 municipalities and both variance mixes of the audit. ``values`` may be (rows,) or (rows, k);
    ``staff`` must be nested in municipalities; ``seed`` is accepted for a uniform signature (nothing is
    drawn). Fewer than two municipalities: no interval (NaN).

    >>> r = mean_interval([1.0, 3.0, 2.0, 6.0], ["a", "a", "b", "b"], ["1", "2", "3", "4"])
    >>> float(r["estimate"]), round(float(r["se"]), 4), round(float(r["ci_low"]), 2)
    (3.0, 1.0, -9.71)
    """
    v = np.asarray(values, dtype=float)
    v2 = v[:, None] if v.ndim == 1 else v
    muni = np.asarray(municipality)
    staff_muni = pd.DataFrame({"staff": np.asarray(staff), "muni": muni}).groupby("staff")["muni"].nunique()
    if (staff_muni > 1).any():
        raise ValueError(
            f"staff members counted in two municipalities: {', '.join(map(str, staff_muni.index[staff_muni > 1][:3]))}"
        )
    d = np.ones(len(v2)) if denominator is None else np.asarray(denominator, dtype=float)
    codes, idx = np.unique(muni, return_inverse=True)
    m = len(codes)
    totals = np.stack([np.bincount(idx, weights=v2[:, j], minlength=m) for j in range(v2.shape[1])], axis=1)
    sizes = np.bincount(idx, weights=d, minlength=m)
    estimate = totals.sum(axis=0) / sizes.sum()
    if m < 2:
        se = np.full(v2.shape[1], np.nan)
    else:
        residual = totals - sizes[:, None] * estimate
        se = np.sqrt(m / (m - 1) * (residual**2).sum(axis=0)) / sizes.sum()
    t = stats.t.ppf(0.5 + level / 2, m - 1) if m >= 2 else np.nan
    squeeze = (lambda a: a[0]) if v.ndim == 1 else (lambda a: a)
    return {
        "estimate": squeeze(estimate),
        "se": squeeze(se),
        "ci_low": squeeze(estimate - t * se),
        "ci_high": squeeze(estimate + t * se),
        "df": m - 1,
    }


def naive_mean_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean with a t-interval that treats every staff-day as independent (ignores clustering)."""
    v = np.asarray(values, dtype=float)
    se = v.std(ddof=1) / np.sqrt(len(v))
    t = stats.t.ppf(0.5 + level / 2, len(v) - 1)
    return float(v.mean()), float(v.mean() - t * se), float(v.mean() + t * se)


def minutes_per_day(
    days: pd.DataFrame,
    groups: list[str],
    *,
    level: float,
    by=("service", "role"),
) -> pd.DataFrame:
    """Minutes per staff-day and share of observed time per activity group, per ``by`` cell, with
    :func:`mean_interval` intervals; plus the count of staff-days, staff and municipalities behind each cell."""
    rows = []
    for key, d in days.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        vals = d[groups].to_numpy(float)
        mins = mean_interval(vals, d["municipality_code"], d["staff_id"], level)
        share = mean_interval(
            vals, d["municipality_code"], d["staff_id"], level, denominator=d["observed_minutes"].to_numpy(float)
        )
        for j, g in enumerate(groups):
            rows.append(
                {
                    **dict(zip(by, key)),
                    "activity_group": g,
                    "minutes_per_day": mins["estimate"][j],
                    "ci_low": mins["ci_low"][j],
                    "ci_high": mins["ci_high"][j],
                    "share_of_time": share["estimate"][j],
                    "share_ci_low": share["ci_low"][j],
                    "share_ci_high": share["ci_high"][j],
                    "n_staff_days": len(d),
                    "n_staff": d["staff_id"].nunique(),
                    "n_municipalities": d["municipality_code"].nunique(),
                }
            )
    return pd.DataFrame(rows)


def variance_components(y: np.ndarray, municipality, staff) -> dict:
    """Three-level random-intercept model y = μ + u_municipality + u_staff + e (REML, statsmodels MixedLM).

    Returns μ, the variances, the intra-class correlations (same municipality; same staff member) and the
    design effect of the mean for the average numbers of staff per municipality and days per staff.
    """
    import warnings

    import statsmodels.formula.api as smf

    df = pd.DataFrame(
        {
            "y": np.asarray(y, float),
            "m": np.asarray(municipality).astype(str),
            "s": [f"{a}|{b}" for a, b in zip(municipality, staff)],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = smf.mixedlm("y ~ 1", df, groups="m", vc_formula={"s": "0 + C(s)"}, re_formula="1").fit(reml=True)
    var_m = float(fit.cov_re.iloc[0, 0])
    var_s = float(fit.vcomp[0])
    var_e = float(fit.scale)
    total = var_m + var_s + var_e
    days_per_staff = len(df) / df["s"].nunique()
    staff_per_muni = df["s"].nunique() / df["m"].nunique()
    icc_m = var_m / total if total > 0 else 0.0
    icc_s = var_s / total if total > 0 else 0.0
    return {
        "mean": float(fit.fe_params.iloc[0]),
        "var_municipality": var_m,
        "var_staff": var_s,
        "var_residual": var_e,
        "icc_municipality": icc_m,
        "icc_staff": icc_s,
        "icc_same_staff": icc_m + icc_s,
        "days_per_staff": days_per_staff,
        "staff_per_municipality": staff_per_muni,
        "design_effect": design_effect(icc_m, icc_s, days_per_staff, staff_per_muni),
        "converged": bool(fit.converged),
    }


def design_effect(icc_municipality: float, icc_staff: float, days_per_staff: float, staff_per_municipality: float):
    """Design effect of the mean of a three-level sample with D days per staff and K staff per municipality:
    1 + ρ_s·(D − 1) + ρ_m·(K·D − 1), where ρ_m and ρ_s are the municipality and staff variance shares."""
    D, K = days_per_staff, staff_per_municipality
    return 1.0 + icc_staff * (D - 1.0) + icc_municipality * (K * D - 1.0)


def verify_assumptions(
    addressable: pd.DataFrame, assumed: pd.Series, plausible_max: float, questionable_max: float
) -> pd.DataFrame:
    """Assumed minutes saved against measured addressable minutes, per service.

    ``addressable``: service, baseline_addressable_minutes, ci_low, ci_high (minutes per staff-day).
    implied_reduction = assumed / baseline (its interval from the baseline's interval). Verdict:
    plausible if the reduction ≤ ``plausible_max``, questionable if ≤ ``questionable_max``, else implausible
    (more than the measured time, or more than the threshold, would have to disappear).
    """
    out = addressable.copy()
    out["assumed_minutes_saved"] = out["service"].map(assumed)
    out = out[out["assumed_minutes_saved"].notna()].copy()
    with np.errstate(divide="ignore"):
        out["implied_reduction"] = out["assumed_minutes_saved"] / out["baseline_addressable_minutes"]
        red_lo = out["assumed_minutes_saved"] / out["ci_high"]
        red_hi = out["assumed_minutes_saved"] / out["ci_low"]
    out["ci_low"], out["ci_high"] = red_lo, red_hi
    out["verdict"] = np.select(
        [out["implied_reduction"] <= plausible_max, out["implied_reduction"] <= questionable_max],
        ["plausible", "questionable"],
        "implausible",
    )
    return out[
        [
            "service",
            "assumed_minutes_saved",
            "baseline_addressable_minutes",
            "implied_reduction",
            "ci_low",
            "ci_high",
            "verdict",
            "n_staff",
        ]
    ]


def national_extrapolation(
    addressable: pd.DataFrame, services: pd.DataFrame, hours_per_fte: float, working_days: float
) -> pd.DataFrame:
    """Baseline hours and MNOK a year on addressable activities per service (minutes per staff-day × days
    × FTEs; NOK at the hourly labour cost from the scenario)."""
    s = services[["ftes", "monthly_labour_cost"]]
    out = addressable[["service", "baseline_addressable_minutes", "ci_low", "ci_high", "n_staff"]].join(
        s, on="service", how="inner"
    )
    hourly = out["monthly_labour_cost"] * 12 / hours_per_fte
    for col, name in (("baseline_addressable_minutes", ""), ("ci_low", "_ci_low"), ("ci_high", "_ci_high")):
        hours = out[col] / 60 * working_days * out["ftes"]
        out[f"hours_per_year{name}"] = hours
        out[f"mnok_per_year{name}"] = hours * hourly / 1e6
    return out.drop(columns=["monthly_labour_cost"])
