"""Who carries the uncertainty: every actor's net present value and cash budget effect in every Monte Carlo
draw, and risk-sharing rules that move costs between the state and the municipalities in each draw without
changing the total.

Per draw the model's yearly streams are split between actors by the actor mapping and the financing key
(``assign``), and a rule then transfers amounts between the state and the municipalities:

* ``brief`` – the 2020 brief: the state pays the programme's record solution at P50 (its cost with every
  overrun multiplier at 1) and the interaction solutions in full; municipalities pay the rest, so any
  deviation of the programme's record solution from P50 (the release of the P85 reserve) falls on them;
* ``overrun_guarantee`` – as ``brief``, but the state carries the municipalities' own investment cost (what
  they bear under the financing key and the brief, present value) above its median (P50) across the draws, up
  to its P85 (:func:`guarantee_payment`); the interaction solutions, which the state pays in full already, are
  not covered again;
* ``price_cap`` – as ``brief``, but what is passed on to the municipalities through the price is capped at
  ``price_cap_share`` of the base case's operation cost; the state pays the rest;
* ``benefit_price`` – as ``brief``, but ``benefit_price_share`` of the municipal service price follows the
  realised freed time (the municipalities' time savings in the draw over their expected value); the state
  takes the difference.

Cash is the budget effects (old systems avoided, investment, operation, and the rule's transfers); net present
value adds freed time, avoided harms, the transition cost and the tax financing cost. Everything is evaluated
on the same draws as the simulation (same seed), chunked to bound memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ejournal_lib.cba.actors import actor_shares
from ejournal_lib.cba.curves import Draws, deterministic_draws
from ejournal_lib.cba.discounting import discount_factors
from ejournal_lib.cba.distributions import summarise_draws
from ejournal_lib.cba.engine import CASH_EFFECTS, YearlySink, evaluate
from ejournal_lib.cba.uncertainty import expected_draws, sample_draws
from ejournal_lib.scenario.cba import CBAInputs

__all__ = [
    "RULES",
    "RiskDraws",
    "simulate_risk",
    "risk_sharing_table",
    "worst_year_table",
    "guarantee_cost",
    "guarantee_payment",
    "guarantee_by_correlation",
    "municipal_risk",
    "state_cost_table",
]

#: The rules, in the order tables show them (words: the label catalogue's ``risk_rule`` domain).
RULES = ("brief", "overrun_guarantee", "price_cap", "benefit_price")
_PROGRAMME_RECORD, _INTERACTION = "programme_record", "interaction_step1"


@dataclass
class RiskDraws:
    """Per draw (rows) and actor (columns): net present value and cash (present value), and the worst year's
    cash effect (undiscounted), for each rule; the total net present value per draw; and the municipalities'
    cash split by how it is shared between municipalities (by population, by procurements)."""

    npv: dict[str, pd.DataFrame]
    cash: dict[str, pd.DataFrame]
    worst_year: dict[str, pd.DataFrame]
    total_npv: np.ndarray
    municipal_by_population: dict[str, np.ndarray]
    municipal_by_procurement: np.ndarray
    guarantee_cost: np.ndarray  # what the overrun guarantee costs the state, per draw (MNOK, PV, ≥ 0)
    municipal_investment_cost: np.ndarray  # the investment the municipalities bear under the brief (MNOK, PV)


def _shares(mapping, effect: str, service: str, financing_key: str, benefit_split: dict) -> dict[str, float]:
    rule = actor_shares(mapping, effect, service, financing_key)
    return benefit_split if rule == "benefit_share" else rule


def guarantee_payment(municipal_cost: np.ndarray) -> np.ndarray:
    """What the overrun guarantee pays the municipalities in each draw: their investment cost (PV, > 0: cost)
    above its median (P50) across the draws, up to its P85; nothing where it is at or below the median.

    >>> guarantee_payment(np.array([10.0, 20.0, 30.0, 40.0, 50.0])).tolist()
    [0.0, 0.0, 0.0, 10.0, 14.0]
    """
    p50, p85 = np.quantile(municipal_cost, [0.5, 0.85])
    return np.clip(municipal_cost - p50, 0.0, p85 - p50)


def _chunk(
    inputs: CBAInputs,
    draws: Draws,
    mapping,
    financing_key,
    public_share,
    benefit_split,
    d,
    muni_time_mean,
    cfg,
    op_base,
):
    """One chunk of draws → yearly (n, T) streams per actor and rule, reduced to PVs and worst years; and, for
    the guarantee (settled over all draws in :func:`simulate_risk`), the brief's yearly cash of the state and
    the municipalities and the municipalities' investment stream."""
    sink = YearlySink()
    evaluate(inputs, draws, sink, public_share)
    n, T = draws.n, len(inputs.years)
    actors = list(mapping.actors)
    yearly = {a: np.zeros((n, T)) for a in actors}  # everything
    cash = {a: np.zeros((n, T)) for a in actors}  # budget effects only
    procurement = np.zeros((n, T))
    muni_time = np.zeros((n, T))
    for effect, (services, values) in sink.streams.items():
        for j, service in enumerate(services):
            stream = values[:, j, :]
            shares = _shares(mapping, effect, service, financing_key, benefit_split)
            for actor, share in shares.items():
                yearly[actor] += share * stream
                if effect in CASH_EFFECTS:
                    cash[actor] += share * stream
            if effect == "legacy_avoided" and service == "municipal_record_procurement":
                procurement += shares.get("municipalities", 0.0) * stream
            if effect == "time_savings":
                muni_time += shares.get("municipalities", 0.0) * stream
    items = list(inputs.investment_table.index)
    inv_services, inv = sink.streams["investment"]
    v = {s: inv[:, inv_services.index(s), :] for s in items}  # value (negative: cost) per item and year
    mult = {s: draws.investment[:, items.index(s)][:, None] for s in items}
    at_p50 = {s: v[s] / mult[s] for s in items}  # the same item with its overrun multiplier at 1
    op = sink.streams["operation"][1][:, 0, :]

    # (a) the brief: the state pays the record solution at P50; the deviation is the municipalities'
    brief = {"state": np.zeros((n, T)), "municipalities": np.zeros((n, T))}
    state_share = _shares(mapping, "investment", _PROGRAMME_RECORD, financing_key, benefit_split).get("state", 0.0)
    deviation = state_share * (v[_PROGRAMME_RECORD] - at_p50[_PROGRAMME_RECORD])
    brief["state"] -= deviation
    brief["municipalities"] += deviation

    rules = {"brief": brief}
    pv = lambda x: x @ d  # noqa: E731 - present value of (n, T) streams
    # (b) the municipalities' own investment (negative: cost) under the brief, for the guarantee
    muni_investment = deviation + sum(
        _shares(mapping, "investment", s, financing_key, benefit_split).get("municipalities", 0.0) * v[s] for s in items
    )
    # (c) the pass-through of overruns to the municipalities is capped at a share of the base case's operation
    passed = -pv(deviation)  # > 0: overrun passed on
    cap = cfg.price_cap_share * op_base
    over = np.clip(passed - cap, 0.0, None)
    part = np.divide(over, passed, out=np.zeros_like(passed), where=passed > 0)[:, None]
    relief = -part * deviation  # positive: what the state takes over
    rules["price_cap"] = {"state": brief["state"] - relief, "municipalities": brief["municipalities"] + relief}
    # (d) part of the municipal service price follows realised freed time
    muni_op = _shares(mapping, "operation", "operation", financing_key, benefit_split).get("municipalities", 0.0) * op
    realised = pv(muni_time) / muni_time_mean
    shift = cfg.benefit_price_share * muni_op * (1.0 - realised)[:, None]  # > 0 when less is realised: price falls
    rules["benefit_price"] = {"state": brief["state"] + shift, "municipalities": brief["municipalities"] - shift}

    out = {}
    for rule, transfer in rules.items():  # the guarantee is settled over all draws in simulate_risk
        npv_r = {a: pv(yearly[a] + transfer.get(a, 0.0)) for a in actors}
        cash_r = {a: cash[a] + transfer.get(a, 0.0) for a in actors}
        out[rule] = (
            pd.DataFrame(npv_r),
            pd.DataFrame({a: pv(c) for a, c in cash_r.items()}),
            pd.DataFrame({a: c.min(axis=1) for a, c in cash_r.items()}),
            pv(cash["municipalities"] + transfer["municipalities"] - procurement),
        )
    total = pv(sum(yearly.values()))
    guarantee_basis = {a: cash[a] + brief[a] for a in ("state", "municipalities")} | {"investment": muni_investment}
    return out, total, pv(procurement), guarantee_basis


def simulate_risk(
    inputs: CBAInputs,
    mapping,
    financing_key: str,
    public_share: dict,
    n: int,
    seed: int,
    cfg,
    chunk: int = 20_000,
    draws: Draws | None = None,
) -> RiskDraws:
    """Every actor's net present value and cash effect in ``n`` draws under every rule of ``cfg`` (the
    scenario's ``cba.risk_sharing``): the first ``n`` of ``draws`` (the simulation's), or ``n`` new draws
    with ``seed`` when not given."""
    draws = sample_draws(inputs, n, seed) if draws is None else draws.rows(slice(0, n))
    n = draws.n
    d = discount_factors(inputs.years, base_year=inputs.frame.base_year, schedule=inputs.schedule)
    by_service = _expected_time_by_actor(inputs, mapping, financing_key, public_share)
    benefit_split = _benefit_split(inputs, mapping, financing_key, public_share)
    base = YearlySink()
    evaluate(inputs, deterministic_draws(inputs), base, public_share)
    op_base = float(-(base.streams["operation"][1][0, 0, :] @ d))  # the base case's operation cost (PV)
    parts, totals, procurement, basis = [], [], [], []
    for start in range(0, n, chunk):
        sl = slice(start, min(start + chunk, n))
        sub = draws.rows(sl)
        out, total, proc, guar = _chunk(
            inputs, sub, mapping, financing_key, public_share, benefit_split, d, by_service, cfg, op_base
        )
        parts.append(out)
        totals.append(total)
        procurement.append(proc)
        basis.append(guar)
    join = lambda k, r: pd.concat([p[r][k] for p in parts], ignore_index=True)  # noqa: E731
    results = {r: [join(k, r) for k in range(3)] + [np.concatenate([p[r][3] for p in parts])] for r in parts[0]}
    stack = {k: np.concatenate([b[k] for b in basis]) for k in basis[0]}
    cost = -(stack["investment"] @ d)  # the municipalities' investment cost per draw (PV, > 0)
    payment = guarantee_payment(cost)
    results["overrun_guarantee"] = _with_guarantee(results["brief"], stack, cost, payment)
    rules = [r for r in RULES if r in cfg.rules]
    return RiskDraws(
        npv={r: results[r][0] for r in rules},
        cash={r: results[r][1] for r in rules},
        worst_year={r: results[r][2] for r in rules},
        total_npv=np.concatenate(totals),
        municipal_by_population={r: results[r][3] for r in rules},
        municipal_by_procurement=np.concatenate(procurement),
        guarantee_cost=payment,
        municipal_investment_cost=cost,
    )


def _with_guarantee(brief: list, basis: dict, cost: np.ndarray, payment: np.ndarray) -> list:
    """The brief's net present values, cash, worst years and municipal cash with the guarantee's payment moved
    from the state to the municipalities, spread over the years as their investment is."""
    npv, cash, worst, municipal = (x.copy() for x in brief)
    fraction = np.divide(payment, cost, out=np.zeros_like(cost), where=cost > 0)[:, None]
    transfer = -fraction * basis["investment"]  # yearly amounts the state takes over (≥ 0)
    for frame in (npv, cash):
        frame["state"] -= payment
        frame["municipalities"] += payment
    worst["state"] = (basis["state"] - transfer).min(axis=1)
    worst["municipalities"] = (basis["municipalities"] + transfer).min(axis=1)
    return [npv, cash, worst, municipal + payment]


def _expected_time_by_actor(inputs, mapping, financing_key, public_share) -> float:
    """The municipalities' expected freed time (PV): the reference the benefit-contingent price follows."""
    draws, curves, weights = expected_draws(inputs)
    sink = YearlySink()
    evaluate(inputs, draws, sink, public_share, curves)
    d = discount_factors(inputs.years, base_year=inputs.frame.base_year, schedule=inputs.schedule)
    services, values = sink.streams["time_savings"]
    shares = np.array(
        [actor_shares(mapping, "time_savings", s, financing_key).get("municipalities", 0.0) for s in services]
    )
    return float(((np.einsum("nst,s->nt", values, shares) @ d) * weights).sum())


def actor_share_rule(inputs, mapping, financing_key, public_share):
    """The actors' shares of each effect × service under the financing key, as a function (effect, service) →
    {actor: share}; items financed by benefit share follow the actors' shares of the base case's benefits."""
    split = _benefit_split(inputs, mapping, financing_key, public_share)
    return lambda effect, service: _shares(mapping, effect, service, financing_key, split)


def _benefit_split(inputs, mapping, financing_key, public_share) -> dict[str, float]:
    """Actors' shares of the benefits in the base case (for items financed by benefit share)."""
    from ejournal_lib.cba.actors import BENEFIT_EFFECTS, assign_actors
    from ejournal_lib.cba.engine import run_cba

    yearly = run_cba(inputs, public_share).yearly
    benefits = yearly[yearly["effect"].isin(BENEFIT_EFFECTS)]
    split = (
        assign_actors(benefits, ["discounted_mnok"], mapping, financing_key).groupby("actor")["discounted_mnok"].sum()
    )
    split = split.clip(lower=0)
    return {str(a): float(v) for a, v in (split / split.sum()).items()}


def risk_sharing_table(risk: RiskDraws) -> pd.DataFrame:
    """rule, actor, measure (``npv`` or ``cash``), mean, p10, p85_cost, p50, p90, prob_negative; a ``total``
    actor row per rule and measure. The values are gains (a cost is negative), so the P85 of a cost is the
    value's 15th percentile (``p85_cost``: the pessimistic side, worse only in 15 % of the draws)."""
    rows = []
    for rule in risk.npv:
        for measure, frame in (("npv", risk.npv[rule]), ("cash", risk.cash[rule])):
            columns = {**{a: frame[a].to_numpy() for a in frame.columns}, "total": frame.sum(axis=1).to_numpy()}
            for actor, values in columns.items():
                s = summarise_draws(values)
                rows.append(
                    {
                        "rule": rule,
                        "actor": actor,
                        "measure": measure,
                        "mean": s["mean"],
                        "p10": s["p10"],
                        "p85_cost": float(np.quantile(values, 0.15)),
                        "p50": s["p50"],
                        "p90": s["p90"],
                        "prob_negative": float((values < 0).mean()),
                    }
                )
    return pd.DataFrame(rows)


def worst_year_table(risk: RiskDraws) -> pd.DataFrame:
    """Per rule and actor: the worst year's cash effect (MNOK, undiscounted) that is exceeded in only 15 % of
    the draws (the P85 of the outflow), and its mean."""
    rows = []
    for rule, frame in risk.worst_year.items():
        for actor in frame.columns:
            values = frame[actor].to_numpy()
            rows.append(
                {
                    "rule": rule,
                    "actor": actor,
                    "worst_year_mean": float(values.mean()),
                    "worst_year_p85": float(np.quantile(values, 0.15)),
                }
            )
    return pd.DataFrame(rows)


def guarantee_cost(risk: RiskDraws) -> dict[str, float]:
    """What the overrun guarantee costs the state (MNOK, PV): expected value and P85."""
    g = risk.guarantee_cost
    return {"mean": float(g.mean()), "p85": float(np.quantile(g, 0.85))}


def guarantee_by_correlation(
    inputs: CBAInputs,
    mapping,
    financing_key: str,
    public_share: dict,
    n: int,
    seed: int,
    cfg,
    n_simulated: int | None = None,
    own: RiskDraws | None = None,
) -> pd.DataFrame:
    """The overrun guarantee's cost to the state (expected value and P85, MNOK) at each correlation between
    the investment items' overruns: the configured ones and the scenario's own (``own`` when already
    simulated). Every correlation uses the first ``n`` of ``n_simulated`` draws with ``seed`` (default ``n``),
    the same random numbers, as the risk tables do."""
    rows = []
    rho_own = inputs.uncertainty.investment_correlation
    for rho in sorted({*cfg.guarantee_correlations, rho_own}):
        if rho == rho_own and own is not None:
            risk = own
        else:
            alt = inputs.with_overrides({"uncertainty.investment_correlation": rho})
            draws = sample_draws(alt, n_simulated or n, seed)
            risk = simulate_risk(alt, mapping, financing_key, public_share, n, seed, cfg, draws=draws)
        rows.append({"correlation": rho, "scenario_value": rho == rho_own, **guarantee_cost(risk)})
    return pd.DataFrame(rows).rename(columns={"mean": "expected_mnok", "p85": "p85_mnok"})


def municipal_risk(risk: RiskDraws, municipalities: pd.DataFrame, null_alternative) -> pd.DataFrame:
    """For each municipality and rule, the probability that its cash position over the period (PV) is
    negative: the municipalities' cash shared by population, except avoided record procurements (larger
    municipalities buy alone, smaller ones in groups), as in the per-municipality distribution. Vectorised
    over municipalities × draws."""
    pop = municipalities["population"].to_numpy(float)
    pop_share = pop / pop.sum()
    weight = np.where(
        pop > null_alternative.large_municipality_threshold, 1.0, 1.0 / null_alternative.small_municipality_group_size
    )
    proc_share = weight / weight.sum()
    procurement = risk.municipal_by_procurement
    out = municipalities[["municipality_code", "municipality_name", "population"]].reset_index(drop=True).copy()
    for rule, by_population in risk.municipal_by_population.items():
        cash = pop_share[:, None] * by_population[None, :] + proc_share[:, None] * procurement[None, :]
        out[f"prob_negative_{rule}"] = (cash < 0).mean(axis=1)
    return out


def state_cost_table(risk: RiskDraws) -> pd.DataFrame:
    """What each rule costs the state compared with the brief's rule, per draw (its cash, PV): expected value
    and P85 (the cost exceeded in 15 % of the draws), MNOK."""
    base = risk.cash["brief"]["state"].to_numpy()
    rows = []
    for rule, frame in risk.cash.items():
        cost = base - frame["state"].to_numpy()  # > 0: the state pays more than under the brief
        rows.append({"rule": rule, "expected_mnok": float(cost.mean()), "p85_mnok": float(np.quantile(cost, 0.85))})
    return pd.DataFrame(rows)
