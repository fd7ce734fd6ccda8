"""Uncertainty of the cost–benefit result: Monte Carlo over the triple estimates and event uncertainties,
and the tornado chart's one-at-a-time swings.

Triple estimates are triangular distributions with the mode at the base estimate and P10/P90 read as
quantiles (:func:`ejournal_lib.distributions.triangular_from_quantiles`); functional scope is read as
min/max; the roll-out delay is a discrete distribution; cost items are log-normal through P50 and P85.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from ejournal_lib.cba.curves import Draws, deterministic_draws
from ejournal_lib.cba.discounting import discount_factors
from ejournal_lib.cba.distributions import (
    correlated_uniforms,
    lognormal_from_quantiles,
    summarise_draws,
    triangular_from_quantiles,
    triangular_ppf,
)
from ejournal_lib.cba.engine import EFFECTS, PresentValueSink, evaluate
from ejournal_lib.scenario.cba import CBAInputs

__all__ = ["uncertain_inputs", "sample_draws", "simulate", "summarise_simulation", "tornado"]

_SCALAR_INPUTS = {  # draws field -> (p10 key, p90 key) in the scenario's uncertainty section
    "transition": ("transition_p10", "transition_p90"),
    "legacy_municipal": ("legacy_municipal_p10", "legacy_municipal_p90"),
    "legacy_other": ("legacy_other_p10", "legacy_other_p90"),
    "rollout_scale": ("rollout_pace_p10", "rollout_pace_p90"),
    "gp_scale": ("gp_participation_p10", "gp_participation_p90"),
    "realisation_pace": ("realisation_pace_p10", "realisation_pace_p90"),
}


def uncertain_inputs(inputs: CBAInputs) -> pd.DataFrame:
    """One row per uncertain input: ``input`` (a code such as ``time:home_services``), field, index, family
    and the parameters of its distribution (for triangular ones ``a, c, b`` as relative deviations from the
    base; for cost items mu, sigma)."""
    u = inputs.uncertainty
    rows = []
    for i, (svc, r) in enumerate(inputs.service_table.iterrows()):
        a, c, b = triangular_from_quantiles(r["time_p10"], 0.0, r["time_p90"])
        rows.append(
            dict(
                input=f"time:{svc}",
                field="time",
                index=i,
                family="triangular",
                p10=r["time_p10"],
                p90=r["time_p90"],
                a=a,
                c=c,
                b=b,
            )
        )
    for fld, (lo, hi) in _SCALAR_INPUTS.items():
        p10, p90 = getattr(u, lo), getattr(u, hi)
        a, c, b = triangular_from_quantiles(p10, 0.0, p90)
        rows.append(dict(input=fld, field=fld, index=None, family="triangular", p10=p10, p90=p90, a=a, c=c, b=b))
    lo, hi = u.functional_scope_min, u.functional_scope_max
    rows.append(
        dict(
            input="scope",
            field="scope",
            index=None,
            family="triangular_min_max",
            p10=float(triangular_ppf(0.1, lo, lo, hi)),
            p90=float(triangular_ppf(0.9, lo, lo, hi)),
            a=lo,
            c=lo,
            b=hi,
        )
    )
    probs = u.delay_years_probabilities
    years = sorted(probs)
    cum = np.cumsum([probs[y] for y in years])
    rows.append(
        dict(
            input="delay",
            field="delay",
            index=None,
            family="discrete",
            p10=float(years[int(np.searchsorted(cum, 0.1 - 1e-12))]),
            p90=float(years[int(np.searchsorted(cum, 0.9 - 1e-12))]),
        )
    )
    if u.investment_from_cost_frames:
        for i, (item, r) in enumerate(inputs.investment_table.iterrows()):
            mu, sigma = lognormal_from_quantiles(r["p50_mnok"], r["p85_mnok"])
            p10 = float(np.exp(mu + sigma * stats.norm.ppf(0.1))) / r["p50_mnok"] - 1
            p90 = float(np.exp(mu + sigma * stats.norm.ppf(0.9))) / r["p50_mnok"] - 1
            rows.append(
                dict(
                    input=f"investment:{item}",
                    field="investment",
                    index=i,
                    family="lognormal",
                    p10=p10,
                    p90=p90,
                    mu=mu,
                    sigma=sigma,
                )
            )
    return pd.DataFrame(rows)


def sample_draws(inputs: CBAInputs, n: int, seed: int) -> Draws:
    """``n`` joint draws of every uncertain input (seeded; identical for the same seed)."""
    table = uncertain_inputs(inputs)
    rng = np.random.default_rng(seed)
    u_cfg = inputs.uncertainty
    n_services, n_items = len(inputs.service_table), len(inputs.investment_table)
    time_u = correlated_uniforms(n, n_services, rng, u_cfg.time_savings_correlation or None)
    other_u = rng.random((n, len(table) - n_services))
    draws = deterministic_draws(inputs, n)
    values: dict[str, np.ndarray] = {"time": np.ones((n, n_services)), "investment": np.ones((n, n_items))}
    col = 0
    for row in table.itertuples():
        if row.field == "time":
            values["time"][:, int(row.index)] = 1.0 + triangular_ppf(time_u[:, int(row.index)], row.a, row.c, row.b)
            continue
        uu = other_u[:, col]
        col += 1
        if row.field == "delay":
            probs = u_cfg.delay_years_probabilities
            years = np.array(sorted(probs))
            cum = np.cumsum([probs[y] for y in years])
            values["delay"] = years[np.minimum(np.searchsorted(cum, uu, side="right"), len(years) - 1)]
        elif row.field == "investment":
            r = inputs.investment_table.iloc[int(row.index)]
            values["investment"][:, int(row.index)] = np.exp(row.mu + row.sigma * stats.norm.ppf(uu)) / r["p50_mnok"]
        else:
            values[row.field] = 1.0 + triangular_ppf(uu, row.a, row.c, row.b)
    return replace(draws, **values)


def simulate(
    inputs: CBAInputs, public_share: dict, n: int = 100_000, seed: int = 2020, chunk: int = 25_000
) -> pd.DataFrame:
    """Present value of every effect (columns, MNOK) and ``npv`` for ``n`` draws (rows).

    Draws are made at once (so results do not depend on ``chunk``) and evaluated in chunks to bound memory.
    """
    draws = sample_draws(inputs, n, seed)
    factors = discount_factors(inputs.years, inputs.frame.base_year, inputs.schedule)
    parts = []
    for start in range(0, n, chunk):
        sl = slice(start, min(start + chunk, n))
        sub = Draws(**{k: getattr(draws, k)[sl] for k in draws.__dataclass_fields__})
        sink = PresentValueSink(factors)
        evaluate(inputs, sub, sink, public_share)
        parts.append(pd.DataFrame({e: sink.pv[e][1].sum(axis=1) for e in EFFECTS}))
    out = pd.concat(parts, ignore_index=True)
    out["npv"] = out[list(EFFECTS)].sum(axis=1)
    return out


def summarise_simulation(sim: pd.DataFrame) -> pd.DataFrame:
    """quantity, mean, sd, p10, p50, p85, p90 for the net present value and each effect; plus the
    probability that the net present value is negative."""
    rows = [{"quantity": col, **summarise_draws(sim[col].to_numpy())} for col in ["npv", *EFFECTS]]
    out = pd.DataFrame(rows)
    out["prob_negative"] = [float((sim[c] < 0).mean()) for c in out["quantity"]]
    return out


def tornado(inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """Net present value with each uncertain input at its P10 and at its P90, the others at base values."""
    table = uncertain_inputs(inputs)
    k = len(table)
    draws = deterministic_draws(inputs, 2 * k + 1)
    values = {f: getattr(draws, f).copy() for f in draws.__dataclass_fields__}
    for j, row in enumerate(table.itertuples()):
        for side, q in ((0, row.p10), (1, row.p90)):
            i = 2 * j + side
            if row.field in ("time", "investment"):
                values[row.field][i, int(row.index)] = 1.0 + q
            elif row.field == "delay":
                values["delay"][i] = int(q)
            else:
                values[row.field][i] = 1.0 + q
    factors = discount_factors(inputs.years, inputs.frame.base_year, inputs.schedule)
    sink = PresentValueSink(factors)
    evaluate(inputs, replace(draws, **values), sink, public_share)
    npv = sum(sink.pv[e][1].sum(axis=1) for e in EFFECTS)
    base = float(npv[-1])
    out = table[["input", "field", "p10", "p90"]].copy()
    out["npv_at_p10_mnok"] = npv[0 : 2 * k : 2]
    out["npv_at_p90_mnok"] = npv[1 : 2 * k : 2]
    out["base_npv_mnok"] = base
    out["swing_mnok"] = (out["npv_at_p90_mnok"] - out["npv_at_p10_mnok"]).abs()
    return out.sort_values("swing_mnok", ascending=False).reset_index(drop=True)
