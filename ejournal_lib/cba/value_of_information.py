"""Value of information on the Monte Carlo sample: what uncertainty is worth reducing before the investment
decision, and how large a baseline measurement pays off.

* ``evpi(net_benefit)``: the expected value of perfect information, E[max_k NB_k] − max_k E[NB_k]. A 1-D array is
  "invest" against doing nothing (worth 0).
* ``evppi(net_benefit, params)``: of partial perfect information about one parameter or a group, by the
  regression method of Strong, Oakley & Brennan (2014, Medical Decision Making 34:311–326): the incremental
  net benefit is regressed on the parameter(s) with a smooth additive model (cubic regression splines, one per
  parameter; dummies for discrete ones; for a group of two to four, also the pairwise tensor products of
  smaller spline bases, so that an interaction such as a product of two parameters is followed), and
  EVPPI = E[max(0, ĝ)] − max(0, E[ĝ]). Larger groups are fitted additively (exact when the net benefit is a
  sum over the group's parameters, as for the services' time savings or the investment items). Its standard error comes from
  redrawing the regression coefficients from their estimated distribution (Strong et al., section 3.4).
  Never above EVPI (it is capped there; the smoothing makes it so in expectation).
* ``evsi_gaussian(...)``: of sample information from a study that measures a parameter with a known sampling
  variance, by the Gaussian approximation (Jalal & Alarid-Escudero 2018, Medical Decision Making 38:174–188):
  the fitted component of each parameter is shrunk by √(prior variance / (prior variance + sampling
  variance)), the spread of its preposterior mean; when a study can inform only a share φ of a parameter's
  variance (the parameter is a product of a measured and an unmeasured factor), by √(φ · φv / (φv + s)).
* ``evsi_level_curves(...)``: the same value by an exact Bayesian computation for a stated distribution of the
  level the study measures (normal or gamma, mean and variance φv from the analysis): simulated study results,
  each parameter's posterior mean by quadrature over its prior, and the net benefit linear in the parameters
  (their fitted components' slopes), as freed time is in the level of time use.

All values are per decision, in the units of the net benefit (here MNOK of present value for the country).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import interpolate, stats

__all__ = [
    "evpi",
    "evppi",
    "EVPPIResult",
    "evsi_gaussian",
    "evsi_gaussian_curves",
    "evsi_level_curves",
    "level_prior",
    "posterior_mean",
    "additive_fit",
]

#: The distributions :func:`level_prior` knows for the level a study measures.
LEVEL_FAMILIES = ("gaussian", "gamma")


def _incremental(net_benefit) -> np.ndarray:
    """(n, k) net benefits of k options; a 1-D array is 'invest' against a do-nothing option worth 0."""
    nb = np.asarray(net_benefit, dtype=float)
    if nb.ndim == 1:
        nb = np.column_stack([np.zeros_like(nb), nb])
    if nb.ndim != 2 or nb.shape[1] < 2:
        raise ValueError("net_benefit must be a 1-D array (invest vs 0) or an n × k array of k ≥ 2 options")
    if not np.all(np.isfinite(nb)):
        raise ValueError("net_benefit has missing or infinite values")
    return nb


def evpi(net_benefit) -> float:
    """Expected value of perfect information: E[max_k NB_k] − max_k E[NB_k].

    >>> evpi([-1.0, 3.0])    # invest is worth 1 on average; knowing would avoid the −1: (0 + 3)/2 − 1 = 0.5
    0.5
    """
    nb = _incremental(net_benefit)
    return float(nb.max(axis=1).mean() - nb.mean(axis=0).max())


def _basis(x: np.ndarray, knots: int) -> np.ndarray:
    """Columns that let a regression follow ``x`` smoothly: dummies for a discrete parameter (≤ 10 values), else a
    cubic B-spline basis with interior knots at quantiles (the constant column dropped: the model has one)."""
    values = np.unique(x)
    if len(values) <= 10:
        return (x[:, None] == values[None, 1:]).astype(float)
    inner = np.unique(np.quantile(x, np.linspace(0, 1, knots + 2)[1:-1]))
    lo, hi = x.min(), x.max()
    t = np.concatenate([[lo] * 4, inner, [hi] * 4])
    design = interpolate.BSpline.design_matrix(np.clip(x, lo, hi), t, 3).toarray()
    return design[:, 1:]


def additive_fit(y: np.ndarray, params: np.ndarray, knots: int = 6, interactions: bool = False):
    """Least-squares spline regression of ``y`` on the columns of ``params``: additive, plus pairwise tensor
    products of two-knot bases when ``interactions``. Returns the fitted values, the design matrix, the
    coefficients, their covariance, and the column slices of each parameter's additive part."""
    params = np.asarray(params, dtype=float)
    if params.ndim == 1:
        params = params[:, None]
    blocks = [_basis(params[:, j], knots) for j in range(params.shape[1])]
    pairs = []
    if interactions:
        small = [_basis(params[:, j], 2) for j in range(params.shape[1])]
        pairs = [
            (small[i][:, :, None] * small[j][:, None, :]).reshape(len(y), -1)
            for i in range(len(small))
            for j in range(i + 1, len(small))
        ]
    X = np.column_stack([np.ones(len(y)), *blocks, *pairs])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    fitted = X @ beta
    dof = max(len(y) - X.shape[1], 1)
    sigma2 = float(((y - fitted) ** 2).sum() / dof)
    cov = sigma2 * np.linalg.pinv(X.T @ X)
    slices, start = [], 1
    for b in blocks:
        slices.append(slice(start, start + b.shape[1]))
        start += b.shape[1]
    return fitted, X, beta, cov, slices


def _value(fitted: np.ndarray) -> float:
    """E[max(0, g)] − max(0, E[g]) for the fitted incremental net benefit of one option against another."""
    return float(np.maximum(fitted, 0.0).mean() - max(fitted.mean(), 0.0))


@dataclass(frozen=True)
class EVPPIResult:
    evppi: float
    se: float
    r_squared: float

    def __float__(self) -> float:
        return self.evppi


def evppi(net_benefit, params, knots: int = 6, n_se: int = 100, seed: int = 1) -> EVPPIResult:
    """Expected value of partial perfect information about ``params`` (one column, or several: a group).

    Two options only (invest against do nothing, or two columns of net benefit): the regression is on their
    difference. The standard error redraws the coefficients ``n_se`` times (0: not computed)."""
    nb = _incremental(net_benefit)
    if nb.shape[1] != 2:
        raise ValueError("evppi by regression here compares two options")
    y = nb[:, 1] - nb[:, 0]
    params = np.asarray(params, dtype=float)
    if len(params) != len(y):
        raise ValueError(f"params have {len(params)} rows, net_benefit {len(y)}")
    p = 1 if params.ndim == 1 else params.shape[1]
    fitted, X, beta, cov, _ = additive_fit(y, params, knots, interactions=2 <= p <= 4)
    value = min(_value(fitted), evpi(nb))
    se = float("nan")
    if n_se:
        rng = np.random.default_rng(seed)
        draws = rng.multivariate_normal(beta, cov, size=n_se, method="eigh")
        values = []
        for chunk in np.array_split(draws, max(1, n_se // 25)):
            g = X @ chunk.T  # (n, chunk)
            values += list(np.maximum(g, 0.0).mean(axis=0) - np.maximum(g.mean(axis=0), 0.0))
        se = float(np.std(values, ddof=1))
    r2 = 1.0 - float(((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum()) if y.var() > 0 else 0.0
    return EVPPIResult(max(value, 0.0), se, r2)


def evsi_gaussian(
    net_benefit, params, prior_variance, sampling_variances, informed_share=1.0, knots: int = 6
) -> list[float]:
    """Expected value of sample information from studies that measure each parameter (column of ``params``)
    with a sampling variance, by the Gaussian approximation: each parameter's fitted component g_j is replaced
    by its preposterior mean E[g_j] + c_j (g_j − E[g_j]) with c_j = √(φ_j · φ_j v_j / (φ_j v_j + s_j)), v_j the
    prior and s_j the sampling variance of the parameter (infinite: not measured), φ_j the share of v_j the
    study can inform (1: all of it). This is exact when the informed part is Gaussian and adds to the rest
    (X = A + R, A ~ N(·, φv)): the preposterior mean of X then has variance (φv)² / (φv + s).
    ``sampling_variances`` is a list of studies (one array of s_j each); the regression is fitted once.
    Returns one EVSI per study (:func:`evsi_gaussian_curves` for several informed shares at once)."""
    return evsi_gaussian_curves(net_benefit, params, prior_variance, sampling_variances, [informed_share], knots)[0]


def _fitted_components(net_benefit, params, knots: int):
    """The incremental net benefit (options, and invest minus the other), the parameters as columns, and the
    additive fit of the one on the other: design matrix, coefficients and each parameter's columns."""
    nb = _incremental(net_benefit)
    y = nb[:, 1] - nb[:, 0]
    params = np.asarray(params, dtype=float)
    if params.ndim == 1:
        params = params[:, None]
    _, X, beta, _, slices = additive_fit(y, params, knots)
    return nb, y, params, X, beta, slices


def evsi_gaussian_curves(
    net_benefit, params, prior_variance, sampling_variances, informed_shares, knots: int = 6
) -> list[list[float]]:
    """:func:`evsi_gaussian` for each of ``informed_shares`` (one EVSI per study for each), on one fit."""
    nb, y, params, X, beta, slices = _fitted_components(net_benefit, params, knots)
    parts = [X[:, sl] @ beta[sl] for sl in slices]
    centred = np.column_stack([p - p.mean() for p in parts])  # (n, p)
    level = beta[0] + sum(p.mean() for p in parts)
    v = np.atleast_1d(np.asarray(prior_variance, float))
    cap = evpi(nb)
    curves = []
    for share in informed_shares:
        phi = np.broadcast_to(np.asarray(share, float), v.shape)
        if np.any((phi <= 0) | (phi > 1)):
            raise ValueError("informed_share must be in (0, 1]")
        informed = phi * v
        shrinks = []
        for s in sampling_variances:
            s = np.broadcast_to(np.asarray(s, float), v.shape)
            finite = np.isfinite(s) & (v > 0)
            ratio = np.where(finite, informed / (informed + np.where(finite, s, 1.0)), 0.0)
            shrinks.append(np.sqrt(phi * ratio))
        out: list[float] = []
        for block in np.array_split(np.array(shrinks), max(1, len(shrinks) // 16)):  # 16 studies at a time
            g = level + centred @ block.T  # (n, studies)
            values = np.maximum(g, 0.0).mean(axis=0) - np.maximum(g.mean(axis=0), 0.0)
            out += [max(min(float(x), cap), 0.0) for x in values]
        curves.append(out)
    return curves


def level_prior(family: str, mean: float, variance: float):
    """The prior of the level a study measures, as a frozen scipy distribution with this mean and variance:
    ``gaussian`` (normal), or ``gamma`` (positive and right-skewed; shape mean²/variance)."""
    if family == "gaussian":
        return stats.norm(mean, np.sqrt(variance))
    if family == "gamma":
        if mean <= 0:
            raise ValueError(f"a gamma level needs a positive mean, got {mean}")
        return stats.gamma(mean**2 / variance, scale=variance / mean)
    raise ValueError(f"level distribution {family!r} is not one of {LEVEL_FAMILIES}")


def posterior_mean(prior, sampling_variance: float, observed, points: int = 512) -> np.ndarray:
    """E[A | x̄] for A ~ ``prior`` and x̄ = A + N(0, ``sampling_variance``), at each ``observed`` x̄, by
    quadrature over ``points`` evenly spaced values between the prior's 10⁻⁹ and 1 − 10⁻⁹ quantiles."""
    return _posterior_mean(*_quadrature(prior, points), sampling_variance, observed)


def _quadrature(prior, points: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = prior.ppf([1e-9, 1 - 1e-9])
    a = np.linspace(float(lo), float(hi), points)
    return a, np.log(np.maximum(prior.pdf(a), 1e-300))


def _inverse_cdf(prior, u: np.ndarray, points: int = 4097) -> np.ndarray:
    """The prior's quantiles at ``u``, interpolated on a fine grid (scipy's gamma quantile function is slow)."""
    lo, hi = prior.ppf([1e-9, 1 - 1e-9])
    grid = np.linspace(float(lo), float(hi), points)
    return np.interp(u, prior.cdf(grid), grid)


def _on_grid(x: np.ndarray, grid: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.interp(x, grid, values)`` for an evenly spaced ``grid`` that covers ``x``, without the search."""
    pos = (x - grid[0]) / (grid[1] - grid[0])
    i = np.clip(pos.astype(np.int64), 0, len(grid) - 2)
    return values[i] + (pos - i) * (values[i + 1] - values[i])


def _posterior_mean(a: np.ndarray, log_prior: np.ndarray, sampling_variance: float, observed) -> np.ndarray:
    x = np.atleast_1d(np.asarray(observed, float))
    log_w = log_prior[None, :] - 0.5 * (x[:, None] - a[None, :]) ** 2 / sampling_variance
    w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
    return (w @ a) / w.sum(axis=1)


def evsi_level_curves(
    net_benefit,
    params,
    prior_variance,
    sampling_variances,
    informed_shares,
    family: str,
    n: int = 20_000,
    seed: int = 1,
    knots: int = 6,
) -> list[list[float]]:
    """EVSI of each study (one array of sampling variances s_j per study, infinite: not measured) for each
    informed share φ, by an exact Bayesian computation when the level A_j a study measures has the
    distribution ``family`` with the parameter's mean and variance φ·v_j, and the rest of the parameter
    (variance (1 − φ)v_j) is not learned. The net benefit is taken as linear in each parameter, with the slope
    of its fitted additive component. ``n`` simulated study results (common to all studies and shares);
    each parameter's posterior mean by :func:`posterior_mean`, interpolated over a grid of results."""
    nb, y, params, X, beta, slices = _fitted_components(net_benefit, params, knots)
    means, v = params.mean(axis=0), np.atleast_1d(np.asarray(prior_variance, float))
    slopes = np.array(
        [
            np.cov(X[:, sl] @ beta[sl], params[:, j])[0, 1] / max(params[:, j].var(ddof=1), 1e-300)
            for j, sl in enumerate(slices)
        ]
    )
    base, cap = float(y.mean()), evpi(nb)
    u = stats.qmc.LatinHypercube(d=params.shape[1], seed=seed).random(n)  # the levels' quantiles, stratified
    z = np.random.default_rng(seed).standard_normal((n, params.shape[1]))  # the studies' sampling errors
    curves = []
    for share in informed_shares:
        if not 0 < share <= 1:
            raise ValueError("informed_share must be in (0, 1]")
        priors = [level_prior(family, means[j], share * v[j]) if v[j] > 0 else None for j in range(len(v))]
        levels = [_inverse_cdf(p, u[:, j]) if p is not None else None for j, p in enumerate(priors)]
        nodes = [_quadrature(p, 256) if p is not None else None for p in priors]
        out = []
        for s in sampling_variances:
            s = np.broadcast_to(np.asarray(s, float), v.shape)
            shift = np.zeros(n)
            for j, (level, node) in enumerate(zip(levels, nodes)):
                if level is None or node is None or not np.isfinite(s[j]) or slopes[j] == 0:
                    continue
                observed = level + np.sqrt(s[j]) * z[:, j]
                grid = np.linspace(observed.min(), observed.max(), 65)
                shift += slopes[j] * (_on_grid(observed, grid, _posterior_mean(*node, s[j], grid)) - means[j])
            g = base + shift
            out.append(max(min(float(np.maximum(g, 0.0).mean() - max(g.mean(), 0.0)), cap), 0.0))
        curves.append(out)
    return curves
