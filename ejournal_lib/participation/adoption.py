"""Adoption models for commitments and roll-out over time: the Bass diffusion model and logistic growth.

``fit_bass(new_adopters, method="ols")`` is Bass's (1969) regression of new adopters n(t) on lagged
cumulative adopters N(t−1): n(t) = a + b·N(t−1) + c·N(t−1)², with m = (−b − √(b² − 4ac)) / 2c, p = a/m and
q = −c·m (standard errors by the delta method). ``method="nls"`` is Srinivasan & Mason's (1986) non-linear
least squares on n(t) = m·[F(t) − F(t−1)], F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)·e^{−(p+q)t}).
A negative p is flagged (``p_negative``), never silently returned as if it were valid; a market potential on
its lower bound (what is already observed) or below it is not identified, and a fit with a parameter on a
bound reports no standard errors (the Jacobian's covariance assumes an interior optimum). What limits a fit is
recorded as codes in ``BassFit.warnings`` and ``LogisticFit.warnings`` (words in the label catalogue, domain
``fit_warning``) and logged in English (:data:`FIT_WARNINGS`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

__all__ = [
    "FIT_WARNINGS",
    "AdoptionFitError",
    "BassFit",
    "fit_bass",
    "bass_cumulative",
    "bass_new",
    "bass_new_jacobian",
    "LogisticFit",
    "fit_logistic",
    "logistic_cumulative",
    "bootstrap_forecast",
    "check_adoption_series",
]

log = logging.getLogger(__name__)

#: What limits a fit: code → the analyst's message (readers get the catalogue's words for the code).
FIT_WARNINGS = {
    "no_market_potential": "c ≥ 0: no finite market potential (m) in the Bass regression",
    "se_undefined_saturated": "as many parameters as observations: standard errors are not defined",
    "se_undefined_singular": "singular Jacobian: standard errors are not defined",
    "negative_p": "negative p (innovation coefficient): the fit is not a valid Bass model",
    "looks_cumulative": (
        "the series rises in every period, as a cumulative series does; if it is cumulative, "
        "call fit_bass(..., cumulative=True)"
    ),
    "too_few_periods": "the Bass model needs at least 3 periods",
    "not_converged": "the Bass NLS fit did not converge",
    "market_potential_at_bound": (
        "the market potential sits on its lower bound (what is already observed): it is not identified from this "
        "series, and no standard error is given"
    ),
    "parameter_at_bound": "a parameter sits on a bound of the fit: no standard error is given",
    "market_potential_below_observed": (
        "the regression's market potential is below what is already observed: it is not identified from this series"
    ),
}
#: A fitted value within this relative distance of a bound is on it.
BOUND_TOLERANCE = 1e-3


def _on_bounds(x, lower, upper) -> list[bool]:
    """Per parameter: whether ``x`` lies on (within :data:`BOUND_TOLERANCE` of) its lower or upper bound."""
    return [
        any(np.isfinite(b) and abs(v - b) <= BOUND_TOLERANCE * max(abs(b), 1e-6) for b in (lo, hi))
        for v, lo, hi in zip(x, lower, upper)
    ]


def _bound_warnings(on_bound: list[bool]) -> list[str]:
    """The codes for parameters on a bound (the first is the market potential)."""
    return (["market_potential_at_bound"] if on_bound[0] else []) + (
        ["parameter_at_bound"] if any(on_bound[1:]) else []
    )


class AdoptionFitError(ValueError):
    """A series the model cannot be fitted to; ``code`` is a key of :data:`FIT_WARNINGS`."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(FIT_WARNINGS[code] + (f" ({detail})" if detail else ""))
        self.code = code


@dataclass
class BassFit:
    method: str
    m: float
    p: float
    q: float
    se_m: float = float("nan")
    se_p: float = float("nan")
    se_q: float = float("nan")
    n_obs: int = 0
    residual_sd: float = float("nan")
    p_negative: bool = False
    warnings: list[str] = field(default_factory=list)  # codes of FIT_WARNINGS

    def warn(self, code: str) -> None:
        """Record ``code`` and log its message."""
        self.warnings.append(code)
        log.warning("Bass %s fit: %s", self.method, FIT_WARNINGS[code])

    def as_row(self, series: str) -> dict:
        return {
            "series": series,
            "method": self.method,
            "m": self.m,
            "p": self.p,
            "q": self.q,
            "se_m": self.se_m,
            "se_p": self.se_p,
            "se_q": self.se_q,
            "n_obs": self.n_obs,
            "p_negative": self.p_negative,
            "warnings": ",".join(self.warnings),
        }


def check_adoption_series(values, cumulative: bool = False, name: str = "series") -> np.ndarray:
    """Check an adoption series: finite, non-negative; if declared cumulative, non-decreasing."""
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or len(x) == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"{name}: expected a one-dimensional series of finite numbers")
    if np.any(x < 0):
        raise ValueError(f"{name}: adopters cannot be negative (position {int(np.argmax(x < 0))})")
    if cumulative and np.any(np.diff(x) < 0):
        i = int(np.argmax(np.diff(x) < 0)) + 1
        raise ValueError(f"{name}: declared cumulative but falls at position {i} ({x[i - 1]} → {x[i]})")
    return x


def bass_cumulative(t, m: float, p: float, q: float) -> np.ndarray:
    """Cumulative adopters m·F(t) of the Bass model (t in periods from the start)."""
    t = np.asarray(t, dtype=float)
    e = np.exp(-(p + q) * t)
    return m * (1.0 - e) / (1.0 + (q / p) * e)


def bass_new(n_periods: int, m: float, p: float, q: float) -> np.ndarray:
    """New adopters per period 1..n: m·[F(t) − F(t−1)]."""
    t = np.arange(n_periods + 1)
    return np.diff(bass_cumulative(t, m, p, q))


def bass_new_jacobian(n_periods: int, m: float, p: float, q: float) -> np.ndarray:
    """Derivatives of :func:`bass_new` with respect to (m, p, q), one row per period (n_periods × 3).

    With e = exp(−(p+q)t) and r = q/p, F = (1 − e)/(1 + r·e), so ∂F/∂e = −(1 + r)/(1 + r·e)², ∂F/∂r =
    −(1 − e)·e/(1 + r·e)², ∂e/∂p = ∂e/∂q = −t·e, ∂r/∂p = −q/p² and ∂r/∂q = 1/p."""
    t = np.arange(n_periods + 1, dtype=float)
    e = np.exp(-(p + q) * t)
    r = q / p
    d = (1.0 + r * e) ** 2
    F = (1.0 - e) / (1.0 + r * e)
    dF_de, dF_dr = -(1.0 + r) / d, -(1.0 - e) * e / d
    dF_dp = dF_de * (-t * e) + dF_dr * (-q / p**2)
    dF_dq = dF_de * (-t * e) + dF_dr / p
    return np.column_stack([np.diff(F), m * np.diff(dF_dp), m * np.diff(dF_dq)])


def _fit_bass_ols(n: np.ndarray) -> BassFit:
    import statsmodels.api as sm

    N_lag = np.concatenate([[0.0], np.cumsum(n)[:-1]])
    X = np.column_stack([np.ones_like(N_lag), N_lag, N_lag**2])
    res = sm.OLS(n, X).fit()
    a, b, c = res.params
    if c >= 0:
        fit = BassFit("ols", float("nan"), float("nan"), float("nan"), n_obs=len(n))
        fit.warn("no_market_potential")
        return fit
    disc = b * b - 4 * a * c
    m = (-b - np.sqrt(disc)) / (2 * c)
    p, q = a / m, -c * m
    se = [float("nan")] * 3
    if len(n) > 3:
        cov = np.asarray(res.cov_params())
        # gradients of (m, p, q) with respect to (a, b, c)
        root = np.sqrt(disc)
        dm = np.array([1.0 / root, (-1.0 - b / root) / (2 * c), (2 * a / root) / (2 * c) + (b + root) / (2 * c * c)])
        dp = np.array([1.0 / m, 0.0, 0.0]) - a / m**2 * dm
        dq = -c * dm - np.array([0.0, 0.0, m])
        se = [float(np.sqrt(g @ cov @ g)) for g in (dm, dp, dq)]
    fit = BassFit(
        "ols",
        float(m),
        float(p),
        float(q),
        se_m=se[0],
        se_p=se[1],
        se_q=se[2],
        n_obs=len(n),
        residual_sd=float(np.sqrt(res.scale)) if len(n) > 3 else float("nan"),
    )
    if len(n) <= 3:
        fit.warn("se_undefined_saturated")
    if m < n.sum():  # fewer than have already adopted: the regression does not identify the potential
        fit.warn("market_potential_below_observed")
    return _flag(fit)


def _fit_bass_nls(n: np.ndarray, start: tuple[float, float, float] | None = None) -> BassFit:
    T = len(n)
    total = n.sum()
    starts = (
        [start] if start else [(total * k, p0, q0) for k in (1.2, 2.0, 4.0) for p0 in (0.01, 0.05) for q0 in (0.2, 0.5)]
    )

    def resid(theta):
        m, p, q = theta
        return bass_new(T, m, p, q) - n

    def jac(theta):
        return bass_new_jacobian(T, *theta)

    lower, upper = [total * 0.999, -0.5, -1.0], [np.inf, 1.0, 3.0]
    best = None
    for s in starts:
        try:
            sol = optimize.least_squares(
                resid,
                s,
                jac=jac,
                bounds=(lower, upper),
                x_scale=[max(total, 1e-9), 0.01, 0.1],
                method="trf",
            )
        except (ValueError, FloatingPointError):
            continue
        if best is None or sol.cost < best.cost:
            best = sol
    if best is None:
        raise AdoptionFitError("not_converged")
    m, p, q = best.x
    dof = T - 3
    warnings = []
    se = [float("nan")] * 3
    sd = float("nan")
    if dof > 0:
        s2 = 2 * best.cost / dof
        sd = float(np.sqrt(s2))
        try:
            cov = np.linalg.inv(best.jac.T @ best.jac) * s2
            se = [float(np.sqrt(v)) if v >= 0 else float("nan") for v in np.diag(cov)]
        except np.linalg.LinAlgError:
            warnings.append("se_undefined_singular")
    else:
        warnings.append("se_undefined_saturated")
    at_bound = _bound_warnings(_on_bounds(best.x, lower, upper))
    if at_bound:  # the Jacobian's covariance assumes an interior optimum
        warnings += at_bound
        se = [float("nan")] * 3
    fit = BassFit("nls", float(m), float(p), float(q), se_m=se[0], se_p=se[1], se_q=se[2], n_obs=T, residual_sd=sd)
    for code in warnings:
        fit.warn(code)
    return _flag(fit)


def _flag(fit: BassFit) -> BassFit:
    if fit.p < 0:
        fit.p_negative = True
        fit.warn("negative_p")
    return fit


def fit_bass(new_adopters, method: str = "ols", start=None, *, cumulative: bool = False) -> BassFit:
    """Fit the Bass model to new adopters per period. ``method``: "ols" (Bass 1969) or "nls"
    (Srinivasan & Mason 1986). Returns m, p, q with standard errors where defined.

    The model wants *new* adopters per period; pass ``cumulative=True`` to give the cumulative series
    instead (it is differenced). A series that only ever rises over many periods looks cumulative: the fit
    carries a warning saying so (it may also be the start of a diffusion, so it is not refused)."""
    if cumulative:
        x = check_adoption_series(new_adopters, cumulative=True, name="cumulative adopters")
        new_adopters = np.diff(x, prepend=0.0)
    n = check_adoption_series(new_adopters, name="new_adopters")
    if len(n) < 3:
        raise AdoptionFitError("too_few_periods", f"got {len(n)}")
    if method not in ("ols", "nls"):
        raise ValueError(f"method must be 'ols' or 'nls', got {method!r}")
    fit = _fit_bass_ols(n) if method == "ols" else _fit_bass_nls(n, start)
    if not cumulative and len(n) >= 6 and np.all(np.diff(n) > 0):
        fit.warn("looks_cumulative")
    return fit


@dataclass
class LogisticFit:
    m: float
    k: float
    t0: float
    se: tuple[float, float, float]
    residual_sd: float
    n_obs: int
    warnings: list[str] = field(default_factory=list)  # codes of FIT_WARNINGS


def logistic_cumulative(t, m: float, k: float, t0: float) -> np.ndarray:
    return m / (1.0 + np.exp(-k * (np.asarray(t, dtype=float) - t0)))


def fit_logistic(cumulative, t=None) -> LogisticFit:
    """Least-squares logistic growth N(t) = m / (1 + e^{−k(t − t0)}) on a cumulative series."""
    y = check_adoption_series(cumulative, cumulative=True, name="cumulative adopters")
    t = np.arange(1, len(y) + 1, dtype=float) if t is None else np.asarray(t, dtype=float)
    if len(y) < 4:
        raise ValueError("logistic growth needs at least 4 observations")
    p0 = [max(y[-1] * 1.5, 1e-9), 1.0 / max(np.ptp(t), 1.0) * 4, float(np.median(t))]
    lower, upper = [y[-1] * 0.999, 1e-6, -np.inf], [np.inf, 50.0, np.inf]
    popt, pcov = optimize.curve_fit(logistic_cumulative, t, y, p0=p0, bounds=(lower, upper), maxfev=20000)
    resid = y - logistic_cumulative(t, *popt)
    dof = max(len(y) - 3, 1)
    se = tuple(float(np.sqrt(v)) if v >= 0 else float("nan") for v in np.diag(pcov))
    warnings = _bound_warnings(_on_bounds(popt, lower, upper))
    for code in warnings:
        log.warning("logistic fit: %s", FIT_WARNINGS[code])
    m, k, t0 = map(float, popt)
    return LogisticFit(
        m,
        k,
        t0,
        se=(float("nan"),) * 3 if warnings else se,  # type: ignore[arg-type]
        residual_sd=float(np.sqrt(resid @ resid / dof)),
        n_obs=len(y),
        warnings=warnings,
    )


def bootstrap_forecast(
    new_adopters, horizon: int, *, n_boot: int, seed: int, levels=(0.10, 0.90)
) -> dict[str, np.ndarray]:
    """Parametric bootstrap of the Bass NLS forecast of cumulative adopters for periods 1..T+horizon.

    Simulates new series from the fitted model with normal residual noise (SD of the fit), refits each and
    projects; returns the point forecast, the quantiles ``levels`` per period and the final level ``final``
    (the observed count plus the model's remaining adoption). Up to T the values are the
    model's fit; after T the forecast starts from what is observed (the cumulative count at T) and adds the
    model's further adoption, so that no forecast, bound included, falls below what is already observed.
    """
    n = check_adoption_series(new_adopters, name="new_adopters")
    fit = fit_bass(n, "nls")
    T = len(n)
    periods = np.arange(1, T + horizon + 1)
    observed = float(n.sum())
    ahead = periods > T

    def from_observed(path: np.ndarray) -> np.ndarray:
        out = path.copy()
        out[ahead] = observed + np.maximum(path[ahead] - path[T - 1], 0.0)
        return out

    point = from_observed(bass_cumulative(periods, fit.m, fit.p, fit.q))
    rng = np.random.default_rng(seed)
    mean_path = bass_new(T, fit.m, fit.p, fit.q)
    sd = fit.residual_sd if np.isfinite(fit.residual_sd) else 0.0
    sims = np.empty((n_boot, len(periods)))
    kept = 0
    level = log.level
    log.setLevel(logging.ERROR)  # a replicate's fit warnings are not the fit's: the fit's are logged once above
    try:
        for _ in range(n_boot):  # one refit per replicate (each is an optimisation, not a vectorisable formula)
            fake = np.clip(mean_path + rng.normal(0.0, sd, T), 0.0, None)
            try:
                f = fit_bass(fake, "nls", start=(fit.m, max(fit.p, 1e-4), fit.q))
            except ValueError:
                continue
            if f.p <= 0 or not np.isfinite(f.m):
                continue
            sims[kept] = from_observed(bass_cumulative(periods, f.m, f.p, f.q))
            kept += 1
    finally:
        log.setLevel(level)
    sims = sims[:kept]
    qs = np.quantile(sims, levels, axis=0) if kept else np.full((len(levels), len(periods)), np.nan)
    final = observed + max(fit.m - float(bass_cumulative(np.array([T]), fit.m, fit.p, fit.q)[0]), 0.0)
    return {
        "period": periods,
        "point": point,
        "low": qs[0],
        "high": qs[-1],
        "replicates": kept,
        "fit": fit,
        "final": final,
    }
