"""Work sampling (random moments): proportions with intervals, minutes, and sample sizes.

``work_sampling_sample_size(p, margin, z=1.96, relative=False)`` is the textbook n = z²·p(1−p)/E²
(relative margin: n = z²·(1−p)/(E²·p)), rounded up; the caller chooses z (e.g. 2 for the older
work-study convention, which gives n = 400 for p = 0.5 and E = 0.05).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

__all__ = ["work_sampling_sample_size", "work_sampling_margin", "wilson_interval", "sampling_proportions"]


def work_sampling_sample_size(p: float, margin: float, z: float = 1.96, relative: bool = False) -> int:
    """Observations needed to estimate a proportion ``p`` within ± ``margin`` (absolute, or relative to p)."""
    if not 0 < p < 1:
        raise ValueError(f"p must be between 0 and 1 (exclusive), got {p}")
    if margin <= 0:
        raise ValueError(f"margin must be positive, got {margin}")
    n = z * z * (1 - p) / (margin * margin * p) if relative else z * z * p * (1 - p) / (margin * margin)
    return int(math.ceil(round(n, 9)))


def work_sampling_margin(p: float, n: int, z: float = 1.96, relative: bool = False) -> float:
    """Margin achieved with ``n`` observations: z·√(p(1−p)/n) (divided by p when relative)."""
    if n <= 0:
        raise ValueError("n must be positive")
    e = z * math.sqrt(p * (1 - p) / n)
    return e / p if relative else e


def wilson_interval(k, n, z: float = 1.96):
    """Wilson score interval for k successes in n trials at the normal quantile ``z`` (statsmodels'
    ``proportion_confint``, vectorised).

    >>> [round(float(v), 4) for v in wilson_interval(12, 80, z=2.0)]
    [0.087, 0.2463]
    """
    alpha = 2.0 * stats.norm.sf(z)
    return proportion_confint(np.asarray(k), np.asarray(n), alpha=alpha, method="wilson")


def sampling_proportions(
    sampling: pd.DataFrame, sessions: pd.DataFrame, groups: list[str], z: float = 1.96, by: str = "service"
) -> pd.DataFrame:
    """Share of random moments per activity group (Wilson interval) and the implied minutes per staff-day
    (share × mean observed minutes per session in the cell)."""
    rows = []
    obs_minutes = sessions.groupby(by)["observed_minutes"].mean()
    for key, d in sampling.groupby(by):
        n = len(d)
        counts = d["group"].value_counts()
        for g in groups:
            k = int(counts.get(g, 0))
            lo, hi = wilson_interval(k, n, z)
            rows.append(
                {
                    by: key,
                    "activity_group": g,
                    "n_observations": n,
                    "count": k,
                    "proportion": k / n,
                    "ci_low": float(lo),
                    "ci_high": float(hi),
                    "minutes_per_day": k / n * obs_minutes[key],
                    "n_staff": d["staff_id"].nunique(),
                }
            )
    return pd.DataFrame(rows)
