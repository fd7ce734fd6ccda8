"""Uncertainty of the cost–benefit result: the distribution of every uncertain input, Monte Carlo over them,
the expected net present value, and the tornado chart's one-at-a-time swings.

* Triple estimates relative to the expected value (time saved per service, the transition cost, avoided
  legacy costs, avoided adverse events; the last is certain in the 2020 analysis): multipliers with mean 1 and the brief's P10/P90, bounded below by 0
  (:func:`ejournal_lib.cba.distributions.mean_one_multiplier`); ``uncertainty.triple_reading: median_at_base``
  takes the P10/P90 literally instead (two-piece normal, median at the base, every quantile exact), and
  ``mode_at_base`` reads them as a triangular distribution with its mode at the base.
* Event uncertainties around the plan (roll-out pace, GP uptake, realisation pace): triangular with the mode
  at the plan and P10/P90 as quantiles; functional scope triangular on its min–max with the mode at 0; the
  roll-out delay discrete. Their expected values differ from the plan and enter the expected value.
* Investment items: log-normal with mean at the P50 frame and the P85 frame as 85 % quantile.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ejournal_lib.cba.curves import (
    Curves,
    Draws,
    curves_from,
    deterministic_draws,
    gp_uptake_by_year,
    ramp_years,
    realisation_by_year,
    shifted_plan,
)
from ejournal_lib.cba.discounting import discount_factors
from ejournal_lib.cba.distributions import (
    PointMass,
    TwoPieceNormal,
    correlated_uniforms,
    lognormal_mean_one,
    mean_one_multiplier,
    quantiles,
    summarise_draws,
    triangular_from_quantiles,
)
from ejournal_lib.cba.engine import PresentValueSink, evaluate
from ejournal_lib.scenario.cba import EFFECTS, CBAInputs

__all__ = [
    "UncertainInput",
    "uncertain_inputs",
    "uncertainty_table",
    "sample_draws",
    "expected_draws",
    "expected_npv",
    "simulate",
    "present_values",
    "summarise_simulation",
    "tornado",
    "TRIPLE_READINGS",
    "reading_comparison",
]

#: A fitted quantile within this of the brief's counts as holding it (multipliers).
_HOLDS = 1e-6

#: The readings of the triple estimates the analysis compares (the scenario's own is its headline).
TRIPLE_READINGS = ("mean_at_base", "median_at_base", "mode_at_base")

#: Triple estimates relative to the expected value: draws field → (p10 key, p90 key) in ``uncertainty``.
_TRIPLES = {
    "transition": ("transition_p10", "transition_p90"),
    "legacy_municipal": ("legacy_municipal_p10", "legacy_municipal_p90"),
    "legacy_other": ("legacy_other_p10", "legacy_other_p90"),
}
#: Event uncertainties around the plan.
_EVENTS = {
    "rollout_scale": ("rollout_pace_p10", "rollout_pace_p90"),
    "gp_scale": ("gp_participation_p10", "gp_participation_p90"),
    "realisation_pace": ("realisation_pace_p10", "realisation_pace_p90"),
}


def _triangular(a: float, c: float, b: float):
    """The multiplier 1 + T(a, c, b) as a frozen ``scipy.stats.triang`` (a point mass at 1 when a = b)."""
    if b <= a:
        return PointMass(1.0 + a)
    return stats.triang(c=(c - a) / (b - a), loc=1.0 + a, scale=b - a)


def _expected_capped(dist, factors: np.ndarray, nodes: int = 20_000) -> np.ndarray:
    """E[min(1, f·X)] for each factor f ≥ 0 (a share that cannot exceed 100 %), by the midpoint rule over the
    quantile function (error of order 1/nodes²)."""
    x = dist.ppf((np.arange(nodes) + 0.5) / nodes)
    return np.minimum(1.0, np.asarray(factors, dtype=float)[:, None] * x[None, :]).mean(axis=1)


class DiscreteDelay:
    """Whole years of delay with given probabilities: ``scipy.stats.rv_discrete``, its quantiles read with a
    tolerance of 1e-12, so that a cumulative probability summed in floating point (0,6 + 0,3 = 0,8999…) still
    counts as reached: the P90 of {0: 0,6, 1: 0,3, 2: 0,1} is 1 year."""

    def __init__(self, probs: dict[int, float]):
        self.years = np.array(sorted(probs))
        self.probs = {int(y): float(probs[y]) for y in self.years}
        self.dist = stats.rv_discrete(values=(self.years, [self.probs[int(y)] for y in self.years]))

    def ppf(self, u):
        return self.dist.ppf(np.clip(np.asarray(u) - 1e-12, 1e-15, 1.0)).astype(int)

    def mean(self) -> float:
        return float(self.dist.mean())


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input: its code (``time:home_services``), the draws field it sets (and the column for
    per-service or per-item fields), its family, the brief's P10/P90 and the fitted distribution."""

    input: str
    field: str
    index: int | None
    family: str
    reading: str  # "mean_at_base", "median_at_base", "mode_at_base" or "event"
    brief_p10: float
    brief_p90: float
    dist: Any  # a frozen scipy.stats distribution, or the discrete delay
    exact: bool = True

    def ppf(self, u):
        return self.dist.ppf(u)

    def sample(self, u: np.ndarray) -> np.ndarray:
        """Quantiles for many uniforms at once (:func:`~ejournal_lib.cba.distributions.quantiles`)."""
        return quantiles(self.dist, u)

    @property
    def mean(self) -> float:
        return float(self.dist.mean())


@lru_cache(maxsize=1024)  # fitting is a root search; the same quantiles recur in every run of a scenario
def _triple(code, field, index, p10, p90, reading) -> UncertainInput:
    if reading == "mean_at_base":
        fit = mean_one_multiplier(1.0 + p10, 1.0 + p90)
        return UncertainInput(code, field, index, fit.family, reading, 1.0 + p10, 1.0 + p90, fit.dist, fit.exact)
    if reading == "median_at_base":
        if p10 == p90 == 0:
            return UncertainInput(code, field, index, "point", reading, 1.0, 1.0, PointMass(1.0))
        dist = TwoPieceNormal(1.0 + p10, 1.0 + p90)
        return UncertainInput(code, field, index, "two_piece_normal", reading, 1.0 + p10, 1.0 + p90, dist)
    a, c, b = triangular_from_quantiles(p10, 0.0, p90)
    return UncertainInput(code, field, index, "triangular", reading, 1.0 + p10, 1.0 + p90, _triangular(a, c, b))


@lru_cache(maxsize=256)
def _event(field, p10, p90) -> UncertainInput:
    a, c, b = triangular_from_quantiles(p10, 0.0, p90)
    return UncertainInput(field, field, None, "triangular", "event", 1.0 + p10, 1.0 + p90, _triangular(a, c, b))


def uncertain_inputs(inputs: CBAInputs) -> list[UncertainInput]:
    """Every uncertain input with its fitted distribution, in a fixed order (services, triples, events, scope,
    delay, investment items, adverse events)."""
    u = inputs.uncertainty
    out = [
        _triple(f"time:{svc}", "time", i, r["time_p10"], r["time_p90"], u.triple_reading)
        for i, (svc, r) in enumerate(inputs.service_table.iterrows())
    ]
    out += [
        _triple(fld, fld, None, getattr(u, lo), getattr(u, hi), u.triple_reading) for fld, (lo, hi) in _TRIPLES.items()
    ]
    out += [_event(fld, getattr(u, lo), getattr(u, hi)) for fld, (lo, hi) in _EVENTS.items()]
    lo, hi = u.functional_scope_min, u.functional_scope_max
    out.append(
        UncertainInput(
            "scope", "scope", None, "triangular_min_max", "event", 1.0 + lo, 1.0 + hi, _triangular(lo, lo, hi)
        )
    )
    delay = DiscreteDelay(u.delay_years_probabilities)
    out.append(
        UncertainInput("delay", "delay", None, "discrete", "event", float(delay.ppf(0.1)), float(delay.ppf(0.9)), delay)
    )
    if u.investment_from_cost_frames:
        for i, (item, r) in enumerate(inputs.investment_table.iterrows()):
            mu, sigma = lognormal_mean_one(r["p85_mnok"] / r["p50_mnok"])
            d = stats.lognorm(sigma, scale=np.exp(mu))
            out.append(
                UncertainInput(
                    f"investment:{item}",
                    "investment",
                    i,
                    "lognormal",
                    "mean_at_base",
                    float(d.ppf(0.1)),
                    float(d.ppf(0.9)),
                    d,
                )
            )
    out.append(_triple("harms", "harms", None, u.adverse_events_p10, u.adverse_events_p90, u.triple_reading))
    return out


def uncertainty_table(inputs: CBAInputs) -> pd.DataFrame:
    """The distribution of every uncertain input: family, the brief's P10/P90, the fitted P10/P50/P90, mean
    and support, and whether the brief's quantiles hold exactly (multipliers; delay in years)."""
    rows = []
    for x in uncertain_inputs(inputs):
        q = np.asarray(x.ppf(np.array([1e-9, 0.1, 0.5, 0.9, 1 - 1e-9])), dtype=float)
        brief = x.family not in ("lognormal",)
        rows.append(
            {
                "input": x.input,
                "family": x.family,
                "reading": x.reading,
                "brief_p10": x.brief_p10 if brief else np.nan,
                "brief_p90": x.brief_p90 if brief else np.nan,
                "p10": q[1],
                "p50": q[2],
                "p90": q[3],
                "mean": x.mean,
                "lower": q[0],
                "upper": q[4],
                "exact": bool(x.exact),
            }
        )
    return pd.DataFrame(rows)


def sample_draws(inputs: CBAInputs, n: int, seed: int) -> Draws:
    """``n`` joint draws of every uncertain input (seeded; identical for the same seed). The services' time
    savings may be correlated, and so may the investment items' overruns (Gaussian copula, a correlation of 1
    included); the other inputs are independent."""
    table = uncertain_inputs(inputs)
    rng = np.random.default_rng(seed)
    n_services, n_items = len(inputs.service_table), len(inputs.investment_table)
    time_u = correlated_uniforms(n, n_services, rng, inputs.uncertainty.time_savings_correlation or None)
    other_u = rng.random((n, len(table) - n_services - 1))
    rho = inputs.uncertainty.investment_correlation
    investment_u = correlated_uniforms(n, n_items, rng, rho) if rho else None
    harms_u = rng.random(n)  # the inputs added later are drawn last: the earlier draws stay as they were
    values: dict[str, np.ndarray] = {"time": np.ones((n, n_services)), "investment": np.ones((n, n_items))}
    col = 0
    for x in table:
        if x.field == "time":
            values["time"][:, x.index] = x.sample(time_u[:, x.index])
            continue
        if x.field == "harms":
            values["harms"] = x.sample(harms_u)
            continue
        uu = other_u[:, col]
        col += 1
        if x.field == "investment":
            values["investment"][:, x.index] = x.sample(uu if investment_u is None else investment_u[:, x.index])
        elif x.field == "delay":
            values["delay"] = np.asarray(x.sample(uu), dtype=int)
        else:
            values[x.field] = x.sample(uu)
    return replace(deterministic_draws(inputs, n), **values)


def expected_draws(inputs: CBAInputs) -> tuple[Draws, Curves, np.ndarray]:
    """One draw per possible delay with every other input at its expected value, the expected curves for each,
    and the delay probabilities: the expected present values are the probability-weighted sums.

    The model is linear in each input except where a share is capped at 100 % (municipal roll-out, GP uptake,
    realisation): there the curves hold E[min(1, f·X)] over the input's distribution, so that the result is
    the expected value and not the value at the expected inputs."""
    table = {x.input: x for x in uncertain_inputs(inputs)}
    delay = table["delay"].dist
    draws = deterministic_draws(inputs, len(delay.years))
    values = {f: getattr(draws, f).copy().astype(float) for f in draws.__dataclass_fields__ if f != "delay"}
    for x in table.values():
        if x.field in ("time", "investment"):
            values[x.field][:, x.index] = x.mean
        elif x.field != "delay":
            values[x.field][:] = x.mean
    plan = shifted_plan(inputs, delay.years)
    m = np.array([_expected_capped(table["rollout_scale"].dist, row) for row in plan])
    uptake = _expected_capped(table["gp_scale"].dist, gp_uptake_by_year(inputs))
    real = _expected_capped(table["realisation_pace"].dist, realisation_by_year(inputs))
    real[ramp_years(inputs) :] = 1.0
    k = len(delay.years)
    curves = curves_from(inputs, m, np.tile(uptake, (k, 1)), np.tile(real, (k, 1)))
    weights = np.array([delay.probs[int(y)] for y in delay.years])
    return replace(draws, delay=delay.years.astype(int), **values), curves, weights


def _pvs(inputs: CBAInputs, draws: Draws, public_share: dict, curves: Curves | None = None) -> pd.DataFrame:
    sink = PresentValueSink(discount_factors(inputs.years, base_year=inputs.frame.base_year, schedule=inputs.schedule))
    evaluate(inputs, draws, sink, public_share, curves)
    out = pd.DataFrame({e: sink.pv[e][1].sum(axis=1) for e in EFFECTS})
    out["npv"] = out[list(EFFECTS)].sum(axis=1)
    return out


def expected_npv(inputs: CBAInputs, public_share: dict) -> pd.Series:
    """Expected present value of every effect and of the net present value (MNOK): inputs at their expected
    values, the delay integrated over its distribution."""
    draws, curves, weights = expected_draws(inputs)
    return (_pvs(inputs, draws, public_share, curves).mul(weights, axis=0)).sum()


def simulate(inputs: CBAInputs, public_share: dict, n: int, seed: int, chunk: int = 25_000) -> pd.DataFrame:
    """Present value of every effect (columns, MNOK) and ``npv`` for ``n`` draws (rows).

    Draws are made at once (so results do not depend on ``chunk``) and evaluated in chunks to bound memory.
    """
    return present_values(inputs, sample_draws(inputs, n, seed), public_share, chunk)


def present_values(inputs: CBAInputs, draws: Draws, public_share: dict, chunk: int = 25_000) -> pd.DataFrame:
    """Present value of every effect and ``npv`` (MNOK) for given draws (rows), evaluated in chunks."""
    parts = []
    for start in range(0, draws.n, chunk):
        sl = slice(start, min(start + chunk, draws.n))
        parts.append(_pvs(inputs, draws.rows(sl), public_share))
    return pd.concat(parts, ignore_index=True)


def summarise_simulation(sim: pd.DataFrame) -> pd.DataFrame:
    """quantity, mean, sd, standard error of the mean, p10, p50, p85, p90 for the net present value and each
    effect; plus the probability that it is negative."""
    rows = [{"quantity": col, **summarise_draws(sim[col].to_numpy())} for col in ["npv", *EFFECTS]]
    out = pd.DataFrame(rows)
    out.insert(3, "se_mean", out["sd"] / np.sqrt(len(sim)))
    out["prob_negative"] = [float((sim[c] < 0).mean()) for c in out["quantity"]]
    return out


def tornado(inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """Net present value with each uncertain input at its fitted P10 and P90, the others at their base values
    (multipliers 1, no delay)."""
    table = uncertain_inputs(inputs)
    k = len(table)
    draws = deterministic_draws(inputs, 2 * k + 1)
    values = {f: getattr(draws, f).copy() for f in draws.__dataclass_fields__}
    for j, x in enumerate(table):
        for side, q in ((0, 0.1), (1, 0.9)):
            i, v = 2 * j + side, float(x.ppf(q))
            if x.field in ("time", "investment"):
                values[x.field][i, x.index] = v
            elif x.field == "delay":
                values["delay"][i] = int(v)
            else:
                values[x.field][i] = v
    npv = _pvs(inputs, replace(draws, **values), public_share)["npv"].to_numpy()
    out = pd.DataFrame(
        {
            "input": [x.input for x in table],
            "field": [x.field for x in table],
            "p10": [float(x.ppf(0.1)) for x in table],
            "p90": [float(x.ppf(0.9)) for x in table],
        }
    )
    out["npv_at_p10_mnok"] = npv[0 : 2 * k : 2]
    out["npv_at_p90_mnok"] = npv[1 : 2 * k : 2]
    out["base_npv_mnok"] = float(npv[-1])
    out["swing_mnok"] = (out["npv_at_p90_mnok"] - out["npv_at_p10_mnok"]).abs()
    return out.sort_values("swing_mnok", ascending=False).reset_index(drop=True)


def reading_comparison(
    inputs: CBAInputs, public_share: dict, n: int, seed: int, own: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The net present value under each reading of the triple estimates (:data:`TRIPLE_READINGS`): the
    expected value (exact), the simulated P10/P50/P90 and probability of a negative value (``n`` draws, the
    same seed), and how many of the brief's triples hold their P10 and P90 exactly. ``own`` is the scenario's
    reading's simulation summary, reused rather than simulated again."""
    rows = []
    for reading in TRIPLE_READINGS:
        alt = (
            inputs
            if reading == inputs.uncertainty.triple_reading
            else inputs.with_overrides({"uncertainty.triple_reading": reading})
        )
        summary = (
            own if own is not None and alt is inputs else summarise_simulation(simulate(alt, public_share, n, seed))
        )
        npv = summary.set_index("quantity").loc["npv"]
        table = uncertainty_table(alt)
        triples = table[(table["reading"] == reading) & (table["brief_p10"] < table["brief_p90"])]  # uncertain
        holds = (triples["p10"] - triples["brief_p10"]).abs().le(_HOLDS) & (
            triples["p90"] - triples["brief_p90"]
        ).abs().le(_HOLDS)
        rows.append(
            {
                "reading": reading,
                "headline": alt is inputs,
                "triples_exact": int(holds.sum()),
                "triples": len(triples),
                "expected_mnok": float(expected_npv(alt, public_share)["npv"]),
                **{q: float(npv[q]) for q in ("p10", "p50", "p90", "prob_negative")},  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
            }
        )
    out = pd.DataFrame(rows)
    out["headline"] = out["headline"].astype(bool)
    return out
