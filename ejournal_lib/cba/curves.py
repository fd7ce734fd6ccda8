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
    "curves_from",
    "shifted_plan",
    "gp_uptake_by_year",
    "realisation_by_year",
    "ramp_years",
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
    harms: np.ndarray  # multiplier on avoided adverse events
    delay: np.ndarray  # whole years of delay of the roll-out
    investment: np.ndarray  # (n, I) multiplier on each cost item's P50

    @property
    def n(self) -> int:
        return int(self.transition.shape[0])

    def rows(self, sl: slice) -> Draws:
        """The draws in ``sl`` (e.g. ``slice(0, 10_000)``: the first 10 000)."""
        return Draws(**{k: getattr(self, k)[sl] for k in self.__dataclass_fields__})


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
        harms=ones,
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
    """``out[:, t] = Σ_k new[:, t-k] · kernel[:, k]`` for cohorts starting in year t-k (vectorised over draws).

    Lags from which the kernel no longer changes (a realisation curve at 100 %, an uptake at its final share,
    a transition loss that is over) are summed at once: their terms are the kernel's last value times the
    cumulative sum of ``new``.

    >>> cohort_convolve(np.array([[1.0, 2.0, 0.0, 1.0]]), np.array([0.5, 1.0, 1.0, 1.0])).tolist()
    [[0.5, 2.0, 3.0, 3.5]]
    """
    n, T = new.shape
    kernel = np.broadcast_to(kernel, (n, kernel.shape[-1]))[:, :T]
    lags = kernel.shape[1]
    steady = lags  # first lag from which every later lag has the same kernel value
    while steady > 1 and np.array_equal(kernel[:, steady - 2], kernel[:, lags - 1]):
        steady -= 1
    tail_zero = not kernel[:, lags - 1].any()
    head = steady - 1 if steady < lags and (tail_zero or lags == T) else lags
    out = np.zeros((n, T))
    for k in range(head):  # loop over the lags that differ (≤ T), not over draws
        out[:, k:] += new[:, : T - k] * kernel[:, k : k + 1]
    if head < lags and not tail_zero:  # lags head … T-1 all carry the kernel's last value
        out[:, head:] += np.cumsum(new, axis=1)[:, : T - head] * kernel[:, lags - 1 : lags]
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
    """(S, T) activity index from 1 in the growth base year to the 2040 level (linear, or compound with
    ``frame.growth_path``), constant after the target year."""
    f = inputs.frame
    g = inputs.service_table["activity_growth_2040"].to_numpy(float)[:, None]
    t = np.minimum((inputs.years[None, :] - f.growth_base_year) / (f.growth_target_year - f.growth_base_year), 1.0)
    return g**t if f.growth_path == "compound" else 1.0 + (g - 1.0) * t


def real_wage_index(inputs: CBAInputs) -> np.ndarray:
    """(T,) real wage level relative to the base year: (1 + g)^(t − base year); 1 with no real wage growth."""
    f = inputs.frame
    return (1.0 + f.real_wage_growth) ** (inputs.years - f.base_year).astype(float)


def participation_curves(
    inputs: CBAInputs, draws: Draws, municipal_share: np.ndarray | None = None, gp_share: np.ndarray | None = None
) -> Curves:
    """Participation, realisation and transition curves for every draw.

    ``municipal_share`` (T,) or (n, T) replaces the scenario's curve; ``gp_share`` (T,) or (n, T) replaces
    the GP uptake that otherwise follows from the municipal cohorts and the 30 % → 70 % rule.
    """
    T, n = len(inputs.years), draws.n
    m = np.clip(shifted_plan(inputs, draws.delay, municipal_share) * draws.rollout_scale[:, None], 0.0, 1.0)
    uptake = np.clip(gp_uptake_by_year(inputs)[None, :] * draws.gp_scale[:, None], 0.0, 1.0)
    real = np.clip(realisation_by_year(inputs)[None, :] * draws.realisation_pace[:, None], 0.0, 1.0)
    real[:, ramp_years(inputs) :] = 1.0  # the pace changes how fast the curve is climbed, not where it ends
    if gp_share is not None:
        gp_share = shift_years(np.broadcast_to(np.asarray(gp_share, dtype=float), (n, T)).astype(float), draws.delay)
    return curves_from(inputs, m, uptake, real, gp_share)


def shifted_plan(inputs: CBAInputs, delay, municipal_share: np.ndarray | None = None) -> np.ndarray:
    """(n, T) municipal share live by the plan (or ``municipal_share``), delayed by ``delay`` years (n,)."""
    base = (
        municipal_share_curve(inputs.participation.municipal_share_by_year, inputs.years)
        if municipal_share is None
        else np.asarray(municipal_share, dtype=float)
    )
    delay = np.atleast_1d(np.asarray(delay, dtype=int))
    return shift_years(np.broadcast_to(base, (len(delay), len(inputs.years))).astype(float), delay)


def gp_uptake_by_year(inputs: CBAInputs) -> np.ndarray:
    """(T,) share of a municipality's GPs who have joined k years after its go-live (30 % → 70 % rule)."""
    p = inputs.participation
    k = np.arange(len(inputs.years), dtype=float)
    progress = np.minimum(k / p.gp_rampup_years, 1.0) if p.gp_rampup_years > 0 else np.ones(len(k))
    return p.gp_join_share_at_golive + (p.gp_final_share - p.gp_join_share_at_golive) * progress


def realisation_by_year(inputs: CBAInputs) -> np.ndarray:
    """(T,) share of the benefit realised k years after go-live (1 after the curve's last year). With
    ``participation.realisation_timing: mid_year`` a cohort goes live mid-year on average, so each year holds
    the mean of the curve's values for k − 1 and k."""
    real = np.ones(len(inputs.years))
    ramp = np.asarray(inputs.participation.realisation_by_year_since_golive, dtype=float)[: len(real)]
    real[: len(ramp)] = ramp
    if inputs.participation.realisation_timing == "mid_year":
        real = (real + np.concatenate([[0.0], real[:-1]])) / 2.0
    return real


def ramp_years(inputs: CBAInputs) -> int:
    """How many years after go-live the realisation curve climbs (the pace applies to these)."""
    n = len(inputs.participation.realisation_by_year_since_golive)
    return min(n + (1 if inputs.participation.realisation_timing == "mid_year" else 0), len(inputs.years))


def curves_from(
    inputs: CBAInputs, m: np.ndarray, uptake: np.ndarray, real: np.ndarray, gp_share: np.ndarray | None = None
) -> Curves:
    """The curves from the share live ``m`` (n, T), GP uptake by years since go-live ``uptake`` (n, T) and the
    realisation curve ``real`` (n, T): cohort sums over go-live years (GPs join with their municipality)."""
    dm = np.diff(m, axis=1, prepend=0.0)
    g = cohort_convolve(dm, uptake) if gp_share is None else gp_share
    dg = np.diff(g, axis=1, prepend=0.0)
    tr = inputs.transition
    months = transition_months_by_year(
        [(ph.loss, ph.months) for ph in tr.productivity_loss_phases], tr.golive_month, m.shape[1]
    )[None, :]
    return Curves(
        m,
        g,
        cohort_convolve(dm, real),
        cohort_convolve(dg, real),
        cohort_convolve(dm, months),
        cohort_convolve(dg, months),
    )
