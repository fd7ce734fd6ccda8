"""Discounting: constant rate or the stepped schedule of the Finance Ministry's circular R-109.

A *schedule* is either a number (constant rate, e.g. ``0.04``) or a mapping
``{"rates": [0.04, 0.03, 0.02], "boundaries": [40, 75]}``: the rate for the k-th year after the base year
is ``rates[i]`` while k lies in the i-th band (k ≤ 40 → 4 %, 40 < k ≤ 75 → 3 %, then 2 %). Factors
compound year by year, so a stepped schedule is continuous at the boundaries. End-of-year convention:
a value in year t is discounted by the factor for ``t - base_year`` years (the base year itself gets 1).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["discount_factors", "npv", "R109_SCHEDULE", "yearly_rates"]

#: R-109 (2014): 4 % for the first 40 years, 3 % from year 40 to 75, 2 % after that.
R109_SCHEDULE = {"rates": [0.04, 0.03, 0.02], "boundaries": [40, 75]}


def _check_rate(rate, what: str = "schedule") -> float:
    """A discount rate as a fraction per year: 0 ≤ r < 1 (0.04, not 4)."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what}: a discount rate must be a number (e.g. 0.04), got {rate!r}")
    if not 0 <= float(rate) < 1:
        raise ValueError(f"{what}: a discount rate is a fraction per year in [0, 1), e.g. 0.04 for 4 %; got {rate!r}")
    return float(rate)


def _check_base_year(base_year) -> int:
    if isinstance(base_year, bool) or not isinstance(base_year, (int, np.integer)) or not 1900 <= base_year <= 2200:
        raise ValueError(f"base_year must be a year such as 2019, got {base_year!r}")
    return int(base_year)


def yearly_rates(n_years: int, schedule) -> np.ndarray:
    """The discount rate applying to each of the years 1..n_years after the base year."""
    k = np.arange(1, n_years + 1)
    if isinstance(schedule, Mapping):
        rates = np.asarray([_check_rate(r, "schedule rates") for r in schedule["rates"]], dtype=float)
        bounds = np.asarray(schedule.get("boundaries", []), dtype=float)
        if len(rates) != len(bounds) + 1:
            raise ValueError("a stepped schedule needs one more rate than boundaries")
        if np.any(np.diff(bounds) <= 0):
            raise ValueError("schedule boundaries must increase")
        band = np.searchsorted(bounds, k, side="left")
        return rates[band]
    return np.full(n_years, _check_rate(schedule))


def discount_factors(years, *, base_year: int = 2019, schedule=0.04) -> np.ndarray:
    """Present-value factor for each year: ``1 / (1 + r)**(t - base_year)`` for a constant rate.
    ``base_year`` and ``schedule`` are keyword-only (a rate passed in the wrong place is an error, not a
    silently wrong number); rates are fractions (0.04) in [0, 1).

    >>> discount_factors([2019, 2020, 2021], base_year=2019, schedule=0.04).round(6).tolist()
    [1.0, 0.961538, 0.924556]
    """
    years = np.asarray(years, dtype=int)
    offsets = years - _check_base_year(base_year)
    horizon = int(max(offsets.max(initial=0), 0))
    rates = yearly_rates(max(horizon, 1), schedule)
    cumulative = np.concatenate([[1.0], np.cumprod(1.0 / (1.0 + rates))])
    first_rate = rates[0]
    return np.where(offsets >= 0, cumulative[np.clip(offsets, 0, None)], (1.0 + first_rate) ** (-offsets))


def npv(values, years, *, base_year: int = 2019, schedule=0.04):
    """Net present value in ``base_year`` of ``values`` (last axis = years); ``base_year`` and ``schedule``
    keyword-only.

    >>> round(float(npv([100, 100], [2019, 2020], base_year=2019, schedule=0.04)), 4)
    196.1538
    """
    values = np.asarray(values, dtype=float)
    factors = discount_factors(years, base_year=base_year, schedule=schedule)
    if values.shape[-1] != factors.shape[0]:
        raise ValueError(f"values have {values.shape[-1]} years, but {factors.shape[0]} years were given")
    return values @ factors
