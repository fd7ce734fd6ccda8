"""The yearly cost–benefit engine of the 2020 method: every effect as a stream over draws × services × years.

One engine serves the deterministic analysis (one draw), the Monte Carlo simulation (many draws, no Python
loop per draw), the tornado chart, participation scenarios and break-even. Amounts are MNOK in 2019 prices;
benefits are positive, costs negative. See ``config/ssd2020.yaml`` for the inputs and the choices made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ejournal_lib.cba.curves import (
    Curves,
    Draws,
    deterministic_draws,
    growth_index,
    participation_curves,
    real_wage_index,
    shift_years,
)
from ejournal_lib.cba.discounting import discount_factors
from ejournal_lib.scenario.cba import EFFECTS, CBAInputs

__all__ = [
    "EFFECTS",
    "LEGACY_ITEMS",
    "CASH_EFFECTS",
    "evaluate",
    "Stream",
    "YearlySink",
    "PresentValueSink",
    "CBAResult",
    "run_cba",
    "effect_pairs",
    "year_turning_positive",
]

#: Effects that move money in the actors' budgets (the cash view); freed time and the transition cost are
#: capacity (hours valued at labour cost), avoided harms are quality, tax financing is society's cost.
CASH_EFFECTS = ("legacy_avoided", "investment", "operation")
#: The old systems whose costs the null alternative avoids (the "service" of the legacy_avoided effect).
LEGACY_ITEMS = (
    "municipal_record_procurement",
    "municipal_record_operation",
    "gp_record_systems",
    "other_contractor_systems",
)


class Stream:
    """One effect's stream as a sum of separable terms: value[n, s, t] = Σ a[n, s] · b[n, t] · C[s, t].

    Every effect of the model has this form (a draw's scale per service, a participation or timing path per
    year, a per-service profile over the years), so present values and sums over services need only matrix
    products of (n, T) by (T, S), never the (n, S, T) array that :meth:`dense` builds for the yearly view."""

    def __init__(self, services: list[str], terms: list[tuple[np.ndarray, np.ndarray, np.ndarray]]):
        self.services = list(services)
        S = len(self.services)
        self.terms = [
            (np.atleast_2d(a), np.atleast_2d(b), np.broadcast_to(C, (S, np.shape(C)[-1]))) for a, b, C in terms
        ]

    def dense(self) -> np.ndarray:
        """The (n, S, T) values."""
        return sum(a[:, :, None] * b[:, None, :] * C[None, :, :] for a, b, C in self.terms)

    def present_value(self, factors: np.ndarray) -> np.ndarray:
        """Σ_t value[n, s, t] · factors[t], shape (n, S)."""
        return sum(a * ((b * factors) @ C.T) for a, b, C in self.terms)

    def weighted_sum(self, weights: np.ndarray) -> np.ndarray:
        """Σ_s weights[s] · value[n, s, t], shape (n, T)."""
        return sum(b * ((a * weights) @ C) for a, b, C in self.terms)


class YearlySink:
    """Keeps every stream (n, S_e, T); for deterministic runs and small n."""

    def __init__(self):
        self.streams: dict[str, tuple[list[str], np.ndarray]] = {}

    def add(self, effect: str, stream: Stream) -> None:
        self.streams[effect] = (stream.services, stream.dense())


class PresentValueSink:
    """Keeps only present values (n, S_e) of each stream; for Monte Carlo."""

    def __init__(self, factors: np.ndarray):
        self.factors = factors
        self.pv: dict[str, tuple[list[str], np.ndarray]] = {}

    def add(self, effect: str, stream: Stream) -> None:
        self.pv[effect] = (stream.services, stream.present_value(self.factors))


def _by_kind(kinds: np.ndarray, R_m: np.ndarray, R_g: np.ndarray, independent: float) -> list[tuple]:
    """The participation × realisation factor by kind of GP interaction as two terms (weights per service,
    path per draw and year): municipal services follow R_m, GP services R_g, close interaction a mix."""
    w_m = np.where(kinds == "gp", 0.0, np.where(kinds == "close", independent, 1.0))
    return [(w_m, R_m), (1.0 - w_m, R_g)]


def evaluate(
    inputs: CBAInputs, draws: Draws, sink, public_share: dict[tuple[str, str], float], curves: Curves | None = None
) -> Curves:
    """Compute every effect for every draw and hand each stream (MNOK, see :class:`Stream`) to ``sink``.

    The tax financing cost is ``tax_financing_cost`` × the sum of the effects in ``tax_financing_effects``
    (the rule the published table implies); with ``tax_financing_public_share_only`` only their public share
    counts, ``public_share[(effect, service)]`` from the actor mapping. Returns the curves used.
    """
    f = inputs.frame
    p = inputs.participation
    svc = inputs.service_table
    names = list(svc.index)
    years = inputs.years
    n, T = draws.n, len(years)
    c = curves or participation_curves(inputs, draws)
    growth = growth_index(inputs)  # (S, T)
    kinds = svc["gp_interaction"].to_numpy()
    hourly = svc["monthly_labour_cost"].to_numpy(float) * 12.0 / f.hours_per_fte
    ftes = svc["ftes"].to_numpy(float)
    tax_base = np.zeros((n, T))

    taxed = set(f.tax_financing_effects) - (set() if f.tax_financing_on_transition else {"transition_cost"})

    def emit(effect, stream: Stream):
        nonlocal tax_base
        if effect in taxed:
            if f.tax_financing_public_share_only:
                shares = np.array([public_share.get((effect, s), 0.0) for s in stream.services])
            else:
                shares = np.ones(len(stream.services))
            tax_base = tax_base + stream.weighted_sum(shares)
        sink.add(effect, stream)

    # Time savings: minutes/60 × days × FTEs × hourly cost × growth × participation/realisation.
    full = svc["minutes_saved_per_day"].to_numpy(float) / 60.0 * f.working_days_per_year * ftes * hourly / 1e6
    wage = real_wage_index(inputs)[None, :]  # time is valued at labour cost, which grows with real wages
    scale = full[None, :] * draws.time * draws.scope[:, None]
    kind_terms = _by_kind(kinds, c.municipal_realised, c.gp_realised, p.close_interaction_gp_independent_share_time)
    emit("time_savings", Stream(names, [(scale * w, R, growth * wage) for w, R in kind_terms]))

    # Adverse events: avoided harms × expected cost per harm (health services; value creation for GP/OOH).
    ae = inputs.adverse_events
    harms = inputs.harm_table
    h_idx = [names.index(s) for s in harms.index]
    mixes = [ae.severity_mixes[s] for s in harms["severity"]]  # expected cost per harm, per service
    health_cost = np.array([sum(m[k] * ae.cost_per_harm[k].health for k in m) for m in mixes])
    prod_cost = np.array([sum(m[k] * ae.cost_per_harm[k].productivity for k in m) for m in mixes])
    avoided = (harms["harms_per_year"] * ae.avoidable_share * harms["affectable_share"]).to_numpy(float)
    h_growth = growth[h_idx, :] if ae.harms_follow_activity_growth else np.ones((len(h_idx), T))
    h_terms = _by_kind(
        kinds[h_idx], c.municipal_realised, c.gp_realised, p.close_interaction_gp_independent_share_harms
    )
    h_scale = avoided[None, :] * (draws.scope * draws.harms)[:, None]
    emit(
        "harms_health_costs",
        Stream(list(harms.index), [(h_scale * w * health_cost / 1e6, R, h_growth) for w, R in h_terms]),
    )
    prod_mask = np.array([s in ae.productivity_services for s in harms.index], dtype=float)
    prod = prod_cost * ae.working_share_of_patients / 1e6 * prod_mask
    emit(
        "harms_value_creation",
        Stream(list(harms.index), [(h_scale * w * prod, R, h_growth * wage) for w, R in h_terms]),
    )

    # Change and transition cost: months of lost labour × monthly labour cost × FTEs × growth.
    monthly = svc["monthly_labour_cost"].to_numpy(float)
    loss = -(ftes * monthly)[None, :] / 1e6 * draws.transition[:, None]
    gp = (kinds == "gp").astype(float)
    emit(
        "transition_cost",
        Stream(
            names,
            [(loss * (1.0 - gp), c.municipal_transition, growth * wage), (loss * gp, c.gp_transition, growth * wage)],
        ),
    )

    # Null alternative: costs avoided once old systems are shut down.
    na = inputs.null_alternative
    lag = na.shutdown_lag_years
    shut_m = shift_years(c.municipal_share, lag)
    shut_g = shift_years(c.gp_share, lag)
    period = na.procurement_period_years
    in_period = np.minimum(1.0, (f.last_year - years + 1) / period)  # reinvestments net of residual value
    procure = na.municipal_procurements_per_period / period * na.procurement_cost_mnok * in_period
    muni_ops = na.municipal_operation_per_inhabitant * f.area_population / 1e6 * np.ones(T)
    gp_cost = na.gp_count * (na.gp_operation_per_gp + na.gp_investment_per_gp / period * in_period) / 1e6
    other = na.other_contractor_count * na.other_contractor_cost_per_year / 1e6 * np.ones(T)
    lm, lo, none = draws.legacy_municipal, draws.legacy_other, np.zeros(n)
    # items: municipal record procurement and operation (municipal shutdown, municipal legacy draw), GP record
    # systems (GP shutdown, other legacy draw), other contractor systems (municipal shutdown, other draw)
    costs = np.stack([procure, muni_ops, gp_cost, other])  # (item, T)
    after_municipal = np.array([1.0, 1.0, 0.0, 1.0])[:, None]
    by_municipal = (np.column_stack([lm, lm, none, lo]), shut_m, costs * after_municipal)
    by_gp = (np.column_stack([none, none, lo, none]), shut_g, costs * (1.0 - after_municipal))
    emit("legacy_avoided", Stream(list(LEGACY_ITEMS), [by_municipal, by_gp]))

    # Investment: P50 without VAT; programme items by the profile, local costs with the go-live cohorts.
    inv = inputs.investment
    items = inputs.investment_table
    profile = np.array([inv.programme_profile.get(int(y), 0.0) for y in years])
    dm = np.diff(c.municipal_share, axis=1, prepend=0.0)
    if not inv.local_costs_scale_with_participation:
        dm = dm / np.maximum(c.municipal_share[:, -1:], 1e-12)
    p50 = items["p50_mnok"].to_numpy(float) / (1.0 + f.vat_rate)
    programme = (items["timing"] == "programme").to_numpy(float)
    outlay = [
        (-p50 * draws.investment * programme, np.ones((1, T)), profile[None, :]),
        (-p50 * draws.investment * (1.0 - programme), dm, np.ones((1, T))),
    ]
    life = f.residual_value_life_years
    if life:  # the undepreciated part of every outlay (straight line over its life) is worth its value at the end
        remaining = np.clip(1.0 - (f.last_year - years) / life, 0.0, 1.0)
        at_end = np.zeros((1, T))
        at_end[0, -1] = 1.0
        outlay += [
            (-a * ((b * remaining) @ np.broadcast_to(C, (len(p50), T)).T), at_end, np.ones((1, T)))
            for a, b, C in outlay
        ]
    emit("investment", Stream(list(items.index), outlay))

    # Operation, management and further development: proportional to the share live.
    cost = inputs.operation.cost_per_year_full_participation_mnok
    emit("operation", Stream(["operation"], [(np.full((1, 1), cost), c.municipal_share, np.ones((1, T)))]))

    # Tax financing cost on the net public budget effect (negative when public spending rises).
    sink.add(
        "tax_financing", Stream(["tax_financing"], [(np.full((1, 1), f.tax_financing_cost), tax_base, np.ones((1, T)))])
    )
    return c


@dataclass
class CBAResult:
    """Deterministic result: long table of yearly streams and present values."""

    yearly: pd.DataFrame  # year, effect, service, value_mnok, discounted_mnok
    curves: Curves
    inputs: CBAInputs = field(repr=False)

    @property
    def by_effect_service(self) -> pd.DataFrame:
        by_cell = self.yearly.groupby(["effect", "service"], sort=False)["discounted_mnok"].sum()
        return by_cell.rename("npv_mnok").reset_index()

    @property
    def npv(self) -> float:
        return float(self.yearly["discounted_mnok"].sum())

    def cumulative_by_year(self) -> pd.DataFrame:
        y = self.yearly.groupby("year", as_index=False)[["value_mnok", "discounted_mnok"]].sum()
        y["cumulative_discounted_mnok"] = y["discounted_mnok"].cumsum()
        return y

    def summary(self) -> pd.DataFrame:
        """Present value per effect (MNOK), the net present value last."""
        by_effect = self.yearly.groupby("effect", sort=False)["discounted_mnok"].sum()
        out = by_effect.rename("npv_mnok").reset_index()
        return pd.concat([out, pd.DataFrame({"effect": ["npv"], "npv_mnok": [self.npv]})], ignore_index=True)

    def __repr__(self) -> str:
        years = self.yearly["year"]
        return (
            f"CBAResult(npv={self.npv:,.1f} MNOK, {years.min()}–{years.max()}, "
            f"{self.yearly['effect'].nunique()} effects; .summary() for the table, .yearly for every stream)"
        )


def run_cba(inputs: CBAInputs, public_share: dict, draws: Draws | None = None, **curve_kwargs) -> CBAResult:
    """Deterministic run (one draw): yearly streams per effect and service with discounted values."""
    draws = draws or deterministic_draws(inputs)
    if draws.n != 1:
        raise ValueError("run_cba is for one draw; use evaluate() with a PresentValueSink for many")
    sink = YearlySink()
    curves = participation_curves(inputs, draws, **curve_kwargs)
    evaluate(inputs, draws, sink, public_share, curves)
    years = inputs.years
    df = discount_factors(years, base_year=inputs.frame.base_year, schedule=inputs.schedule)
    frames = []
    for effect, (services, values) in sink.streams.items():
        v = values[0]  # (S_e, T)
        frames.append(
            pd.DataFrame(
                {
                    "year": np.tile(years, len(services)),
                    "effect": effect,
                    "service": np.repeat(services, len(years)),
                    "value_mnok": v.ravel(),
                    "discounted_mnok": (v * df[None, :]).ravel(),
                }
            )
        )
    return CBAResult(pd.concat(frames, ignore_index=True), curves, inputs)


def effect_pairs(inputs: CBAInputs) -> list[tuple[str, str]]:
    """Every (effect, service) the engine emits, tax financing excepted (its base)."""
    services, harms = list(inputs.service_table.index), list(inputs.harm_table.index)
    return (
        [("time_savings", s) for s in services]
        + [(e, s) for e in ("harms_health_costs", "harms_value_creation") for s in harms]
        + [("transition_cost", s) for s in services]
        + [("legacy_avoided", s) for s in LEGACY_ITEMS]
        + [("investment", s) for s in inputs.investment_table.index]
        + [("operation", "operation")]
    )


def year_turning_positive(cumulative: pd.DataFrame):
    """First year from which the cumulative discounted net value stays ≥ 0 (None if never)."""
    c = cumulative["cumulative_discounted_mnok"].to_numpy()
    years = cumulative["year"].to_numpy()
    negative = np.flatnonzero(c < 0)
    if len(negative) == 0:
        return int(years[0])
    last = negative[-1]
    return int(years[last + 1]) if last + 1 < len(years) else None
