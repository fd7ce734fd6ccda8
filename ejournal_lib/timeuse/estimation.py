"""Estimates from baseline time-use data with uncertainty that respects who was observed where.

Staff-days are nested in staff, staff in municipalities. Intervals come from a two-stage cluster
bootstrap (municipalities, then staff within municipality); a mixed model (statsmodels MixedLM) gives the
variance components, intra-class correlations and the design effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "staff_day_minutes",
    "cluster_bootstrap_weights",
    "bootstrap_mean",
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


def cluster_bootstrap_weights(
    municipality: np.ndarray, staff: np.ndarray, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """(n_boot, n_rows) weights of a two-stage bootstrap: municipalities drawn with replacement, then staff
    with replacement within each municipality; every staff-day of a drawn staff member comes along."""
    munis, muni_idx = np.unique(municipality, return_inverse=True)
    staff_keys = pd.Series(list(zip(municipality, staff)))
    codes, staff_idx = np.unique(staff_keys.astype(str), return_inverse=True)
    staff_muni = np.zeros(len(codes), dtype=int)
    staff_muni[staff_idx] = muni_idx
    muni_counts = rng.multinomial(len(munis), np.full(len(munis), 1 / len(munis)), size=n_boot)  # (B, M)
    staff_counts = np.zeros((n_boot, len(codes)))
    for m in range(len(munis)):  # loop over municipalities, not replicates
        members = np.flatnonzero(staff_muni == m)
        staff_counts[:, members] = rng.multinomial(len(members), np.full(len(members), 1 / len(members)), size=n_boot)
    staff_weight = muni_counts[:, staff_muni] * staff_counts  # (B, S)
    return staff_weight[:, staff_idx]  # (B, rows)


def bootstrap_mean(
    values: np.ndarray,
    municipality,
    staff,
    n_boot: int,
    seed: int,
    level: float,
    denominator: np.ndarray | None = None,
) -> dict:
    """Mean (or ratio Σvalues/Σdenominator) with a percentile cluster-bootstrap interval.

    ``values`` may be (rows,) or (rows, k) for k quantities at once.
    """
    v = np.asarray(values, dtype=float)
    v2 = v[:, None] if v.ndim == 1 else v
    rng = np.random.default_rng(seed)
    w = cluster_bootstrap_weights(np.asarray(municipality), np.asarray(staff), n_boot, rng)
    if denominator is None:
        den_b = w.sum(axis=1, keepdims=True)
        point = v2.mean(axis=0)
    else:
        d = np.asarray(denominator, dtype=float)
        den_b = (w @ d)[:, None]
        point = v2.sum(axis=0) / d.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = (w @ v2) / den_b
    alpha = (1 - level) / 2
    lo, hi = np.nanquantile(reps, [alpha, 1 - alpha], axis=0)
    squeeze = (lambda a: a[0]) if v.ndim == 1 else (lambda a: a)
    return {"estimate": squeeze(point), "ci_low": squeeze(lo), "ci_high": squeeze(hi), "replicates": reps}


def naive_mean_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean with a t-interval that treats every staff-day as independent (ignores clustering)."""
    from scipy import stats

    v = np.asarray(values, dtype=float)
    se = v.std(ddof=1) / np.sqrt(len(v))
    t = stats.t.ppf(0.5 + level / 2, len(v) - 1)
    return float(v.mean()), float(v.mean() - t * se), float(v.mean() + t * se)


def minutes_per_day(
    days: pd.DataFrame,
    groups: list[str],
    *,
    n_boot: int,
    seed: int,
    level: float,
    by=("service", "role"),
) -> pd.DataFrame:
    """Minutes per staff-day and share of observed time per activity group, per ``by`` cell, with
    cluster-bootstrap intervals; plus the count of staff-days, staff and municipalities behind each cell."""
    rows = []
    for key, d in days.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        vals = d[groups].to_numpy(float)
        mins = bootstrap_mean(vals, d["municipality_code"], d["staff_id"], n_boot, seed, level)
        share = bootstrap_mean(
            vals,
            d["municipality_code"],
            d["staff_id"],
            n_boot,
            seed,
            level,
            denominator=d["observed_minutes"].to_numpy(float),
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
