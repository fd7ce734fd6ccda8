"""Triple estimates as probability distributions, and Monte Carlo sums of cost items.

Triple estimates (low / most likely / high) are read as a triangular distribution. With
``bounds="min-max"`` low and high are its ends; with ``bounds="p10-p90"`` they are its 10 % and 90 %
quantiles and the ends are solved for so that those quantiles hold exactly. Correlation between items
uses a Gaussian copula (the marginals stay triangular). Everything is vectorised over draws.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

__all__ = [
    "triangular_cdf",
    "triangular_ppf",
    "triangular_from_quantiles",
    "correlated_uniforms",
    "cost_quantiles",
    "summarise_draws",
    "lognormal_from_quantiles",
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


def lognormal_from_quantiles(q50: float, q85: float) -> tuple[float, float]:
    """``(mu, sigma)`` of the log-normal distribution with median ``q50`` and 85 % quantile ``q85``."""
    if not 0 < q50 <= q85:
        raise ValueError(f"expected 0 < P50 ≤ P85, got {q50}, {q85}")
    return float(np.log(q50)), float((np.log(q85) - np.log(q50)) / stats.norm.ppf(0.85))


def correlated_uniforms(n: int, k: int, rng: np.random.Generator, correlation=None) -> np.ndarray:
    """``n × k`` uniforms; with ``correlation`` (a number for all pairs, or a k×k matrix) through a
    Gaussian copula."""
    if correlation is None or (np.isscalar(correlation) and float(correlation) == 0.0):
        return rng.random((n, k))
    corr = np.full((k, k), float(correlation)) if np.isscalar(correlation) else np.asarray(correlation, float)
    np.fill_diagonal(corr, 1.0)
    if corr.shape != (k, k) or not np.allclose(corr, corr.T):
        raise ValueError(f"correlation must be a number or a symmetric {k}×{k} matrix")
    try:
        chol = np.linalg.cholesky(corr)
    except np.linalg.LinAlgError as exc:
        raise ValueError("correlation matrix is not positive definite") from exc
    z = rng.standard_normal((n, k)) @ chol.T
    return stats.norm.cdf(z)


def summarise_draws(draws: np.ndarray) -> dict[str, float]:
    """Mean, SD and the P10, P50, P85 and P90 quantiles of a sample."""
    draws = np.asarray(draws, dtype=float)
    q = np.quantile(draws, list(SUMMARY_QUANTILES.values()))
    out = {"mean": float(draws.mean()), "sd": float(draws.std(ddof=1)) if draws.size > 1 else 0.0}
    out.update({name: float(v) for name, v in zip(SUMMARY_QUANTILES, q)})
    return out


def cost_quantiles(
    low, mode, high, *, bounds: str = "p10-p90", correlation=None, n: int = 100_000, seed: int = 2020
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
