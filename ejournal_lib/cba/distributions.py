"""Triple estimates as probability distributions, and Monte Carlo sums of cost items.

Two readings of a triple estimate (P10 / base / P90, relative to the base):

* **mean at the base** (:func:`mean_one_multiplier`): the base is the expected value. The multiplier is a
  Beta distribution on [0, U] with mean 1 whose 10 % and 90 % quantiles are the brief's; where no Beta on
  [0, U] has both (a right-skewed triple whose mean lies close to its P10), the limit of that family, a gamma
  distribution with mean 1, comes as close to both quantiles as it can (least squares). Both are bounded
  below by 0, so a saving never turns into a loss and a cost never into a benefit.
* **mode at the base** (triangular, :func:`triangular_from_quantiles`): for event uncertainties around a
  plan (roll-out pace, GP uptake, realisation pace), whose expected value differs from the plan.
* **median at the base** (:class:`TwoPieceNormal`): the brief's P10 and P90 taken literally, as quantiles
  that hold exactly for every input, with the base as the median; the expected value then moves away from
  the base wherever the triple is skewed.

Cost items are log-normal (positive). Correlation between items uses a Gaussian copula (the marginals keep
their family). Everything is vectorised over draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import optimize, special, stats
from scipy.interpolate import CubicHermiteSpline

__all__ = [
    "PointMass",
    "MultiplierFit",
    "mean_one_multiplier",
    "TwoPieceNormal",
    "lognormal_mean_one",
    "triangular_cdf",
    "triangular_ppf",
    "triangular_from_quantiles",
    "correlated_uniforms",
    "cost_quantiles",
    "summarise_draws",
    "lognormal_from_quantiles",
    "quantiles",
]

SUMMARY_QUANTILES = {"p10": 0.10, "p50": 0.50, "p85": 0.85, "p90": 0.90}


def _triangular(a, c, b):
    """scipy's triangular distribution with ends ``a``, ``b`` and mode ``c`` (arrays broadcast), and a mask of
    the degenerate ones (a = b), which scipy does not represent."""
    a, c, b = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, c, b)))
    width = b - a
    ok = width > 0
    safe = np.where(ok, width, 1.0)
    return stats.triang(c=np.where(ok, (c - a) / safe, 0.5), loc=a, scale=safe), ok, a


def triangular_cdf(x, a, c, b):
    """CDF of the triangular distribution with ends ``a``, ``b`` and mode ``c`` (``scipy.stats.triang``).

    >>> float(triangular_cdf(20, 10, 20, 50))
    0.25
    """
    dist, ok, lo = _triangular(a, c, b)
    x = np.asarray(x, dtype=float)
    return np.where(ok, dist.cdf(x), (x >= lo).astype(float))


def triangular_ppf(u, a, c, b):
    """Inverse CDF of the triangular distribution (``scipy.stats.triang``), vectorised over ``u`` and the ends.

    >>> round(float(triangular_ppf(0.5, 0, 0, 1)), 6)
    0.292893
    """
    dist, ok, lo = _triangular(a, c, b)
    return np.where(ok, dist.ppf(np.asarray(u, dtype=float)), lo)


def triangular_from_quantiles(
    q_low: float, mode: float, q_high: float, p_low: float = 0.10, p_high: float = 0.90
) -> tuple[float, float, float]:
    """Ends ``(a, c, b)`` of the triangular distribution with mode ``c`` whose ``p_low`` and ``p_high``
    quantiles are ``q_low`` and ``q_high``. Raises ValueError if no such distribution exists."""
    if not q_low <= q_high or (p_low == 0.10 and p_high == 0.90 and not q_low <= mode <= q_high):
        raise ValueError(f"expected low ≤ most likely ≤ high, got {q_low}, {mode}, {q_high}")
    if q_low == q_high:
        return float(q_low), float(mode), float(q_high)
    spread = q_high - q_low

    def residual(logw):
        a, b = mode - np.exp(logw[0]), mode + np.exp(logw[1])
        return [triangular_cdf(q_low, a, mode, b) - p_low, triangular_cdf(q_high, a, mode, b) - p_high]

    start = [np.log(max(mode - q_low, 0.05 * spread) * 1.8), np.log(max(q_high - mode, 0.05 * spread) * 1.8)]
    sol = optimize.root(residual, start, method="hybr", options={"xtol": 1e-13})
    if max(abs(r) for r in residual(sol.x)) > 1e-8:  # hybr may stop "without progress" at machine precision
        raise ValueError(
            f"no triangular distribution has P{int(p_low * 100)}={q_low}, mode={mode}, P{int(p_high * 100)}={q_high}"
        )
    return float(mode - np.exp(sol.x[0])), float(mode), float(mode + np.exp(sol.x[1]))


class PointMass:
    """A certain value with the frozen-distribution interface the simulation uses (ppf, mean, support)."""

    def __init__(self, value: float):
        self.value = float(value)

    def ppf(self, u):
        return np.full(np.shape(u), self.value) if np.ndim(u) else self.value

    def mean(self) -> float:
        return self.value

    def var(self) -> float:
        return 0.0

    def support(self) -> tuple[float, float]:
        return self.value, self.value


@dataclass(frozen=True)
class MultiplierFit:
    """A fitted multiplier distribution: ``dist`` is a frozen scipy distribution; ``exact`` says whether the
    brief's P10 and P90 both hold (else the closest quantiles with the mean kept)."""

    family: str
    dist: Any  # a frozen scipy.stats distribution
    exact: bool
    p10: float
    p90: float

    @property
    def mean(self) -> float:
        return float(self.dist.mean())

    def ppf(self, u):
        return self.dist.ppf(u)


_P10_P90 = np.array([0.1, 0.9])


def _beta_on_zero_u(a: float, b: float):
    """Beta(a, b) on [0, U] with mean 1 (U = (a + b) / a)."""
    return stats.beta(a, b, scale=(a + b) / a)


@lru_cache(maxsize=256)
def mean_one_multiplier(p10: float, p90: float, tol: float = 1e-7) -> MultiplierFit:
    """The multiplier with mean 1 (the base is the expected value), bounded below by 0, whose 10 % and 90 %
    quantiles are ``p10`` and ``p90`` (multipliers, e.g. 0.35 and 1.25 for −65 % / +25 %).

    A Beta on [0, U] when one has both quantiles; otherwise the gamma distribution with mean 1 closest to
    them (the Beta family's limit as U grows).

    >>> f = mean_one_multiplier(0.2, 1.6)
    >>> f.family, round(f.mean, 6), round(float(f.dist.ppf(0.1)), 6), round(float(f.dist.ppf(0.9)), 6)
    ('beta', 1.0, 0.2, 1.6)
    """
    if p10 == p90 == 1.0:
        return MultiplierFit("point", PointMass(1.0), True, 1.0, 1.0)
    if not 0 <= p10 < 1 < p90:
        raise ValueError(f"expected 0 ≤ P10 < 1 < P90 for a multiplier with mean 1, got {p10} and {p90}")

    def beta_res(x):  # the quantiles of _beta_on_zero_u, without building a frozen distribution per step
        a, b = np.exp(x)
        q = special.betaincinv(a, b, _P10_P90) * (a + b) / a
        return [q[0] - p10, q[1] - p90]

    best = None
    for start in ((1.0, 1.0), (3.0, 3.0), (0.7, 0.2), (4.0, 40.0), (20.0, 20.0)):
        sol = optimize.least_squares(
            beta_res, np.log(start), bounds=([-5, -5], [9, 9]), xtol=1e-14, ftol=1e-14, gtol=1e-14
        )
        if best is None or sol.cost < best.cost:
            best = sol
        if best.cost < 1e-18:
            break
    assert best is not None  # the loop ran at least once
    if np.sqrt(2 * best.cost) < tol:
        d = _beta_on_zero_u(*np.exp(best.x))
        return MultiplierFit("beta", d, True, float(d.ppf(0.1)), float(d.ppf(0.9)))

    def gamma_res(x):
        k = np.exp(x[0])
        q = special.gammaincinv(k, _P10_P90) / k
        return [q[0] - p10, q[1] - p90]

    sol = optimize.least_squares(gamma_res, [np.log(10.0)], bounds=([-5], [12]), xtol=1e-14, ftol=1e-14, gtol=1e-14)
    k = float(np.exp(sol.x[0]))
    d = stats.gamma(k, scale=1.0 / k)
    exact = np.sqrt(2 * sol.cost) < tol
    return MultiplierFit("gamma", d, bool(exact), float(d.ppf(0.1)), float(d.ppf(0.9)))


class TwoPieceNormal:
    """The multiplier with median 1 whose 10 % and 90 % quantiles are exactly ``p10`` and ``p90``: a normal
    distribution with one standard deviation below the median and another above it (each half holds half the
    mass), cut at 0 so that a saving never turns into a loss (the cut lies below the P10, which keeps it).

    >>> d = TwoPieceNormal(0.8, 2.0)
    >>> [round(float(d.ppf(q)), 12) for q in (0.1, 0.5, 0.9)]
    [0.8, 1.0, 2.0]
    >>> round(d.mean(), 3)  # 1 + (σ_high − σ_low)/√(2π) with σ = distance to the quantile / z₀.₉
    1.249
    """

    _NODES = 200_000  # midpoint rule over the quantile function for the moments (error of order 1/nodes²)

    def __init__(self, p10: float, p90: float):
        if not 0 < p10 <= 1 <= p90:
            raise ValueError(f"expected 0 < P10 ≤ 1 ≤ P90 for a multiplier with median 1, got {p10} and {p90}")
        z90 = float(special.ndtri(0.9))
        self.p10, self.p90 = float(p10), float(p90)
        self.sd_low, self.sd_high = (1.0 - p10) / z90, (p90 - 1.0) / z90
        nodes = self.ppf((np.arange(self._NODES) + 0.5) / self._NODES)
        self._mean, self._var = float(nodes.mean()), float(nodes.var())

    def ppf(self, u):
        z = special.ndtri(np.asarray(u, dtype=float))
        return np.maximum(0.0, 1.0 + z * np.where(z < 0, self.sd_low, self.sd_high))

    def mean(self) -> float:
        return self._mean

    def var(self) -> float:
        return self._var

    def support(self) -> tuple[float, float]:
        return (0.0 if self.sd_low > 0 else 1.0), (np.inf if self.sd_high > 0 else 1.0)


#: Normal scores covered by the spline of :func:`quantiles` (|z| ≤ 5: 0.00003 % to 99.99997 %), its nodes and
#: the largest error it may have at the midpoints between nodes before the exact quantile function is used.
_SPLINE_Z, _SPLINE_NODES, _SPLINE_TOL = 5.0, 2049, 1e-10


@lru_cache(maxsize=64)
def _quantile_spline(dist) -> CubicHermiteSpline | None:
    """A cubic Hermite spline of the quantile as a function of the normal score z = Φ⁻¹(u), through exact
    quantiles with exact slopes φ(z)/f(x); None if it misses the exact quantile by more than the tolerance at
    the midpoints between nodes (checked when built)."""
    z = np.linspace(-_SPLINE_Z, _SPLINE_Z, _SPLINE_NODES)
    x = dist.ppf(special.ndtr(z))
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = stats.norm.pdf(z) / dist.pdf(x)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(slope))):
        return None
    spline = CubicHermiteSpline(z, x, slope)
    mid = (z[1:] + z[:-1]) / 2
    scale = max(1.0, float(np.max(np.abs(x))))
    return spline if np.max(np.abs(spline(mid) - dist.ppf(special.ndtr(mid)))) <= _SPLINE_TOL * scale else None


def quantiles(dist, u: np.ndarray) -> np.ndarray:
    """``dist.ppf(u)`` for many ``u`` at once, fast for the families whose inverse CDF is an iterative
    special function (beta, gamma): a spline through exact quantiles in normal scores, checked to within 1e-10
    when built, with the exact ``ppf`` in the far tails (|z| > 5). Other families call ``ppf`` directly.

    >>> d = stats.beta(2.0, 5.0)
    >>> u = np.linspace(0.001, 0.999, 999)
    >>> bool(np.max(np.abs(quantiles(d, u) - d.ppf(u))) < 1e-10)
    True
    """
    u = np.asarray(u, dtype=float)
    name = getattr(getattr(dist, "dist", None), "name", None)
    spline = _quantile_spline(dist) if name in ("beta", "gamma") else None
    if spline is None:
        return dist.ppf(u)
    z = special.ndtri(u)
    inside = np.abs(z) <= _SPLINE_Z
    out = spline(np.where(inside, z, 0.0))
    if not inside.all():
        out[~inside] = dist.ppf(u[~inside])
    return out


def lognormal_mean_one(p85: float) -> tuple[float, float]:
    """``(mu, sigma)`` of the log-normal multiplier with mean 1 (the P50 frame as the expected cost) whose 85 %
    quantile is ``p85`` (the P85 frame over the P50 frame): σ²/2 − z·σ + ln p85 = 0 with z = Φ⁻¹(0.85).

    >>> mu, sigma = lognormal_mean_one(1.2)
    >>> round(float(np.exp(mu + sigma ** 2 / 2)), 12), round(float(np.exp(mu + sigma * stats.norm.ppf(0.85))), 12)
    (1.0, 1.2)
    """
    z = stats.norm.ppf(0.85)
    disc = z * z - 2.0 * np.log(p85)
    if p85 <= 1 or disc < 0:
        raise ValueError(f"no log-normal with mean 1 has P85 = {p85}")
    sigma = z - np.sqrt(disc)
    return float(-sigma * sigma / 2.0), float(sigma)


def lognormal_from_quantiles(q50: float, q85: float) -> tuple[float, float]:
    """``(mu, sigma)`` of the log-normal distribution with median ``q50`` and 85 % quantile ``q85``."""
    if not 0 < q50 <= q85:
        raise ValueError(f"expected 0 < P50 ≤ P85, got {q50}, {q85}")
    return float(np.log(q50)), float((np.log(q85) - np.log(q50)) / stats.norm.ppf(0.85))


def correlated_uniforms(n: int, k: int, rng: np.random.Generator, correlation=None) -> np.ndarray:
    """``n × k`` uniforms; with ``correlation`` (a number for all pairs, or a k×k matrix) through a
    Gaussian copula. Semi-definite matrices work too: a correlation of 1 makes the items move together
    (comonotone, the pessimistic bound cost estimators quote).

    >>> u = correlated_uniforms(5, 3, np.random.default_rng(1), 1.0)
    >>> bool(np.allclose(u[:, 0], u[:, 2]))
    True
    """
    if correlation is None or (isinstance(correlation, (int, float)) and float(correlation) == 0.0):
        return rng.random((n, k))
    corr = (
        np.full((k, k), float(correlation))
        if isinstance(correlation, (int, float))
        else np.array(correlation, dtype=float)
    )
    np.fill_diagonal(corr, 1.0)
    if corr.shape != (k, k) or not np.allclose(corr, corr.T) or np.any(np.abs(corr) > 1):
        raise ValueError(f"correlation must be a number in [-1, 1] or a symmetric {k}×{k} matrix")
    try:
        factor = np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:  # singular, e.g. a correlation of 1: corr = factor @ factor.T all the same
        values, vectors = np.linalg.eigh(corr)
        if values.min() < -1e-10:
            raise ValueError(
                "correlation matrix is not positive semi-definite (no joint distribution has it)"
            ) from None
        factor = vectors * np.sqrt(np.clip(values, 0.0, None))
    z = rng.standard_normal((n, k)) @ factor.T
    return stats.norm.cdf(z)


def summarise_draws(draws: np.ndarray) -> dict[str, float]:
    """Mean, SD and the P10, P50, P85 and P90 quantiles of a sample."""
    draws = np.asarray(draws, dtype=float)
    q = np.quantile(draws, list(SUMMARY_QUANTILES.values()))
    out = {"mean": float(draws.mean()), "sd": float(draws.std(ddof=1)) if draws.size > 1 else 0.0}
    out.update({name: float(v) for name, v in zip(SUMMARY_QUANTILES, q)})
    return out


def cost_quantiles(
    low, mode, high, *, n: int, seed: int, bounds: str = "p10-p90", correlation=None
) -> dict[str, float]:
    """Sum triple-estimated cost items by Monte Carlo; return mean, sd, P10, P50, P85 and P90 of the sum.

    ``low``, ``mode`` and ``high`` are arrays with one entry per item. ``bounds="min-max"`` reads low/high
    as the ends of a triangular distribution, ``"p10-p90"`` as its 10 % and 90 % quantiles.
    ``correlation`` is None (independent), one number for all pairs, or a matrix.

    >>> r = cost_quantiles([90], [100], [110], bounds="min-max", n=200_000, seed=1)
    >>> round(r["p50"])
    100
    """
    low, mode, high = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (low, mode, high))
    if not (low.shape == mode.shape == high.shape):
        raise ValueError("low, mode and high must have one value per item")
    bad = np.flatnonzero((low > mode) | (mode > high))
    if bad.size:
        raise ValueError(f"item(s) {bad.tolist()}: expected low ≤ most likely ≤ high")
    if bounds == "min-max":
        a, c, b = low, mode, high
    elif bounds == "p10-p90":
        a, c, b = np.array([triangular_from_quantiles(lo, m, hi) for lo, m, hi in zip(low, mode, high)]).T
    else:
        raise ValueError(f"bounds must be 'p10-p90' or 'min-max', got {bounds!r}")
    rng = np.random.default_rng(seed)
    u = correlated_uniforms(int(n), low.size, rng, correlation)
    total = triangular_ppf(u, a, c, b).sum(axis=1)
    return summarise_draws(total)
