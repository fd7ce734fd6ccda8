"""Participation, realisation and transition curves of the 2020 method, vectorised over draws.

Municipalities go live by the scenario's roll-out curve (scaled and delayed per draw); GPs join with their
municipality (30 % at go-live rising to 70 %); each go-live cohort realises its benefit along the realisation
curve and loses productivity along the transition phases. Cohort sums are convolutions over years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ejournal_lib.scenario.cba import CBAInputs

__all__ = [
    "Draws",
    "deterministic_draws",
    "Curves",
    "participation_curves",
    "municipal_share_curve",
    "cohort_convolve",
    "shift_years",
    "transition_months_by_year",
    "growth_index",
]


@dataclass(frozen=True)
class Draws:
    """Multipliers for one or many draws (first axis). Deterministic values: 1 (multipliers), 0 (delay)."""

    time: np.ndarray  # (n, S) multiplier on time savings per service
    transition: np.ndarray  # (n,)
    legacy_municipal: np.ndarray
    legacy_other: np.ndarray
    rollout_scale: np.ndarray  # multiplies the municipal participation curve (capped at 100 %)
    gp_scale: np.ndarray  # multiplies GP uptake within participating municipalities
    realisation_pace: np.ndarray  # multiplies the ramp of the realisation curve
    scope: np.ndarray  # multiplier on benefits (functional scope)
    delay: np.ndarray  # whole years of delay of the roll-out
    investment: np.ndarray  # (n, I) multiplier on each cost item's P50

    @property
    def n(self) -> int:
        return int(self.transition.shape[0])


def deterministic_draws(inputs: CBAInputs, n: int = 1) -> Draws:
    ones = np.ones(n)
    return Draws(
        time=np.ones((n, len(inputs.service_table))),
        transition=ones,
        legacy_municipal=ones,
        legacy_other=ones,
        rollout_scale=ones,
        gp_scale=ones,
        realisation_pace=ones,
        scope=ones,
        delay=np.zeros(n, dtype=int),
        investment=np.ones((n, len(inputs.investment_table))),
    )


@dataclass(frozen=True)
class Curves:
    """Yearly participation and realisation factors, each (n, T)."""

    municipal_share: np.ndarray  # m(t): share of the population live at the end of year t
    gp_share: np.ndarray  # g(t): share of all GPs (in the area) who have joined
    municipal_realised: np.ndarray  # R_m(t) = Σ_x Δm(x) r(t-x)
    gp_realised: np.ndarray  # R_g(t) = Σ_y Δg(y) r(t-y)
    municipal_transition: np.ndarray  # months of productivity loss per FTE (municipal staff)
    gp_transition: np.ndarray


def municipal_share_curve(shares_by_year: dict, years: np.ndarray) -> np.ndarray:
    """Step curve: the last given share at or before each year (0 before the first), constant afterwards."""
    keys = np.array(sorted(shares_by_year), dtype=int)
    vals = np.array([shares_by_year[k] for k in sorted(shares_by_year)], dtype=float)
    idx = np.searchsorted(keys, years, side="right") - 1
    return np.where(idx >= 0, vals[np.clip(idx, 0, None)], 0.0)


def cohort_convolve(new: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``out[:, t] = Σ_k new[:, t-k] · kernel[:, k]`` for cohorts starting in year t-k (vectorised over draws)."""
    n, T = new.shape
    kernel = np.broadcast_to(kernel, (n, kernel.shape[-1]))
    out = np.zeros((n, T))
    for k in range(min(T, kernel.shape[1])):  # loop over lags (≤ T), not over draws
        out[:, k:] += new[:, : T - k] * kernel[:, k : k + 1]
    return out


def shift_years(a: np.ndarray, lag) -> np.ndarray:
    """Delay each row of ``a`` (n, T) by ``lag`` years (scalar or (n,)), filling with zeros."""
    n, T = a.shape
    lag = np.broadcast_to(np.asarray(lag, dtype=int), (n,))
    idx = np.arange(T)[None, :] - lag[:, None]
    return np.where(idx >= 0, np.take_along_axis(a, np.clip(idx, 0, T - 1), axis=1), 0.0)


def transition_months_by_year(phases, golive_month: float, n_years: int) -> np.ndarray:
    """Months of lost labour per FTE in each year after go-live (year 0 = go-live year); ``phases`` are
    ``(loss, months)`` pairs in order.

    >>> transition_months_by_year([(.2, 6), (.1, 18)], 0, 4).round(2).tolist()
    [1.8, 1.2, 0.0, 0.0]
    """
    out = np.zeros(n_years)
    start = float(golive_month)
    for loss, months in phases:
        end = start + months
        for year in range(n_years):
            lo, hi = 12 * year, 12 * (year + 1)
            out[year] += loss * max(0.0, min(end, hi) - max(start, lo))
        start = end
    return out


def growth_index(inputs: CBAInputs) -> np.ndarray:
    """(S, T) activity index: linear from 1 in the growth base year to the 2040 level."""
    f = inputs.frame
    g = inputs.service_table["activity_growth_2040"].to_numpy(float)[:, None]
    t = (inputs.years[None, :] - f.growth_base_year) / (f.growth_target_year - f.growth_base_year)
    return 1.0 + (g - 1.0) * t


def participation_curves(
    inputs: CBAInputs, draws: Draws, municipal_share: np.ndarray | None = None, gp_share: np.ndarray | None = None
) -> Curves:
    """Participation, realisation and transition curves for every draw.

    ``municipal_share`` (T,) or (n, T) replaces the scenario's curve; ``gp_share`` (T,) or (n, T) replaces
    the GP uptake that otherwise follows from the municipal cohorts and the 30 % → 70 % rule.
    """
    p = inputs.participation
    years = inputs.years
    T, n = len(years), draws.n
    base = (
        municipal_share_curve(p.municipal_share_by_year, years)
        if municipal_share is None
        else np.asarray(municipal_share, dtype=float)
    )
    m = shift_years(np.broadcast_to(base, (n, T)).astype(float), draws.delay)
    m = np.clip(m * draws.rollout_scale[:, None], 0.0, 1.0)
    dm = np.diff(m, axis=1, prepend=0.0)
    k = np.arange(T, dtype=float)
    ramp = p.gp_rampup_years
    progress = np.minimum(k / ramp, 1.0) if ramp > 0 else np.ones(T)
    uptake = p.gp_join_share_at_golive + (p.gp_final_share - p.gp_join_share_at_golive) * progress
    uptake = np.clip(uptake[None, :] * draws.gp_scale[:, None], 0.0, 1.0)
    if gp_share is None:
        g = cohort_convolve(dm, uptake)
    else:
        g = shift_years(np.broadcast_to(np.asarray(gp_share, dtype=float), (n, T)).astype(float), draws.delay)
    dg = np.diff(g, axis=1, prepend=0.0)
    real = np.ones(T)
    ramp_r = np.asarray(p.realisation_by_year_since_golive, dtype=float)[:T]
    real[: len(ramp_r)] = ramp_r
    real = np.clip(real[None, :] * draws.realisation_pace[:, None], 0.0, 1.0)
    real[:, len(ramp_r) :] = 1.0
    tr = inputs.transition
    months = transition_months_by_year(
        [(ph.loss, ph.months) for ph in tr.productivity_loss_phases], tr.golive_month, T
    )[None, :]
    return Curves(
        m,
        g,
        cohort_convolve(dm, real),
        cohort_convolve(dg, real),
        cohort_convolve(dm, months),
        cohort_convolve(dg, months),
    )
