"""Distribution between actors: who gains and who pays, financing keys, yearly budgets and loans.

The mapping (``config/actor_mapping.yaml``, typed as :class:`ActorMapping`) assigns every effect × service to actors with shares;
investment and operation follow the chosen financing key. Amounts are MNOK, 2019 prices.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.scenario.actors import ActorMapping

__all__ = [
    "actor_shares",
    "public_shares",
    "assign_actors",
    "actor_summary",
    "annuity_payments",
    "budget_profile",
    "actor_views",
    "cash_position",
    "VIEW_OF_EFFECT",
    "VIEWS",
    "municipality_distribution",
    "BENEFIT_EFFECTS",
]

#: Effects counted as benefits in the per-actor table; the others are costs.
BENEFIT_EFFECTS = ("time_savings", "harms_health_costs", "harms_value_creation", "legacy_avoided")


def actor_shares(mapping: ActorMapping, effect: str, service: str, financing_key: str):
    """Shares by actor for one effect × service (or the string 'benefit_share')."""
    keys = mapping.financing_keys
    if financing_key not in keys:
        raise ConfigError(f"unknown financing key '{financing_key}'; valid: {sorted(keys)}")
    if effect == "investment":
        rule = keys[financing_key].investment.get(service)
        if rule is None:
            raise ConfigError(f"financing key '{financing_key}' does not assign investment item '{service}'")
        return rule
    if effect == "operation":
        return keys[financing_key].operation
    spec = mapping.effects.get(effect)
    if spec is None:
        raise ConfigError(f"actor mapping has no rule for effect '{effect}'")
    return spec.services.get(service, spec.default)


def public_shares(mapping: ActorMapping, pairs, financing_key: str) -> dict[tuple[str, str], float]:
    """Share of each effect × service that falls on public actors (base of the tax financing cost).

    Items financed by benefit share are taken as fully public: the state and municipalities finance them
    up front and recover them through prices.
    """
    public = mapping.public_actors
    out = {}
    for effect, service in pairs:
        rule = actor_shares(mapping, effect, service, financing_key)
        out[(effect, service)] = 1.0 if rule == "benefit_share" else sum(s for a, s in rule.items() if a in public)
    return out


def assign_actors(df: pd.DataFrame, value_cols: list[str], mapping: ActorMapping, financing_key: str) -> pd.DataFrame:
    """Split rows with columns effect, service and ``value_cols`` into one row per actor."""
    benefit_rule = None
    if any(
        actor_shares(mapping, e, s, financing_key) == "benefit_share"
        for e, s in df[["effect", "service"]].drop_duplicates().itertuples(index=False)
    ):
        benefit_rule = _benefit_shares(df, value_cols[-1], mapping, financing_key)
    pieces = []
    for (effect, service), rows in df.groupby(["effect", "service"], sort=False):
        rule = actor_shares(mapping, str(effect), str(service), financing_key)
        if rule == "benefit_share":
            rule = benefit_rule
        for actor, share in rule.items():
            if share == 0:
                continue
            part = rows.copy()
            part["actor"] = actor
            part[value_cols] = part[value_cols] * share
            pieces.append(part)
    out = pd.concat(pieces, ignore_index=True)
    cols = [c for c in df.columns if c not in value_cols] + ["actor"] + value_cols
    return out[cols]


def _benefit_shares(df: pd.DataFrame, value_col: str, mapping: ActorMapping, financing_key: str) -> dict[str, float]:
    benefits = df[df["effect"].isin(BENEFIT_EFFECTS)]
    split = assign_actors(benefits, [value_col], mapping, financing_key)
    by_actor = split.groupby("actor")[value_col].sum().clip(lower=0)
    return {str(a): float(v) for a, v in (by_actor / by_actor.sum()).items()}


def actor_summary(actor_pv: pd.DataFrame, mapping: ActorMapping, value_col: str = "npv_mnok") -> pd.DataFrame:
    """Per actor: benefits, costs and net present value (MNOK). Rows for every actor in the mapping."""
    is_benefit = actor_pv["effect"].isin(BENEFIT_EFFECTS)
    benefits = actor_pv[is_benefit].groupby("actor")[value_col].sum()
    costs = actor_pv[~is_benefit].groupby("actor")[value_col].sum()
    out = pd.DataFrame({"actor": list(mapping.actors)})
    out["benefits_mnok"] = out["actor"].map(benefits).fillna(0.0)
    out["costs_mnok"] = out["actor"].map(costs).fillna(0.0)
    out["net_mnok"] = out["benefits_mnok"] + out["costs_mnok"]
    return out


#: How each effect reaches an actor: as money in its budget (cash), as staff time (capacity, valued at labour
#: cost but not paid out), as quality (avoided harms), or as society's cost of tax financing.
VIEW_OF_EFFECT = {
    "investment": "cash",
    "operation": "cash",
    "legacy_avoided": "cash",
    "time_savings": "capacity",
    "transition_cost": "capacity",
    "harms_health_costs": "quality",
    "harms_value_creation": "quality",
    "tax_financing": "tax",
}
VIEWS = ("cash", "capacity", "quality", "tax")


def actor_views(actor_pv: pd.DataFrame, mapping: ActorMapping, value_col: str = "npv_mnok") -> pd.DataFrame:
    """Per actor: present value of the cash, capacity, quality and tax-financing views and their sum (MNOK).

    >>> pv = pd.DataFrame({"effect": ["investment", "time_savings"], "actor": ["state", "state"], "npv_mnok": [-5.0, 8.0]})
    >>> m = ActorMapping.model_construct(actors={"state": None})
    >>> [float(x) for x in actor_views(pv, m).iloc[0][["cash_mnok", "capacity_mnok", "net_mnok"]]]
    [-5.0, 8.0, 3.0]
    """
    view = actor_pv["effect"].map(VIEW_OF_EFFECT)
    if view.isna().any():
        raise ValueError(f"effects without a view: {sorted(actor_pv.loc[view.isna(), 'effect'].unique())}")
    table = actor_pv.assign(view=view).pivot_table(index="actor", columns="view", values=value_col, aggfunc="sum")
    out = pd.DataFrame({"actor": list(mapping.actors)})
    for v in VIEWS:
        out[f"{v}_mnok"] = out["actor"].map(table[v] if v in table else pd.Series(dtype=float)).fillna(0.0)
    out["net_mnok"] = out[[f"{v}_mnok" for v in VIEWS]].sum(axis=1)
    cash = actor_pv[view == "cash"].pivot_table(index="actor", columns="effect", values=value_col, aggfunc="sum")
    for effect in ("investment", "operation", "legacy_avoided"):  # the cash view's parts
        out[f"cash_{effect}_mnok"] = (
            out["actor"].map(cash[effect] if effect in cash else pd.Series(dtype=float)).fillna(0.0)
        )
    return out


def cash_position(profile: pd.DataFrame, actor: str, last_year: int) -> pd.DataFrame:
    """The actor's yearly cash effect through ``last_year``, without and with loans: the first year from which
    it stays not negative, the first year from which the cumulative position stays not negative (None if
    never), the worst year and the sum (undiscounted)."""
    rows = []
    sub = profile[(profile["actor"] == actor) & (profile["year"] <= last_year)].sort_values("year")
    for variant in ("without_loan", "with_loan"):
        v = sub[f"{variant}_mnok"].to_numpy()
        years = sub["year"].to_numpy()
        cum = np.cumsum(v)
        first = next((int(y) for y in years if (v[years >= y] >= 0).all()), None)
        first_cum = next((int(y) for y in years if (cum[years >= y] >= 0).all()), None)
        rows.append(
            {
                "actor": actor,
                "variant": variant,
                "first_year_not_negative": first,
                "first_year_cumulative_not_negative": first_cum,
                "worst_year": int(years[np.argmin(v)]),
                "worst_year_mnok": float(v.min()),
                "sum_mnok": float(v.sum()),
            }
        )
    out = pd.DataFrame(rows)
    for c in ("first_year_not_negative", "first_year_cumulative_not_negative"):
        out[c] = out[c].astype("Int64")
    return out


def annuity_payments(outlays: np.ndarray, years: np.ndarray, loan_years: int, rate: float) -> pd.Series:
    """Yearly payments when each year's outlay is financed by an annuity loan over ``loan_years`` years,
    first payment the year after the outlay. Returns a series indexed by year (beyond ``years`` if needed).

    >>> annuity_payments(np.array([100.0]), np.array([2021]), 2, 0.0).to_dict()
    {2021: 0.0, 2022: 50.0, 2023: 50.0}
    """
    if loan_years < 1:
        raise ValueError("loan_years must be at least 1")
    factor = 1.0 / loan_years if rate == 0 else rate / (1.0 - (1.0 + rate) ** -loan_years)
    all_years = np.arange(years[0], years[-1] + loan_years + 1)
    pay = np.zeros(len(all_years))
    for i, amount in enumerate(outlays):  # one loan per year of outlays (≤ 20), not per draw
        pay[i + 1 : i + 1 + loan_years] += amount * factor
    return pd.Series(pay, index=all_years)


def budget_profile(
    actor_yearly: pd.DataFrame, budget_effects, loan_years: int, loan_rate: float, inflation: float, base_year: int
) -> pd.DataFrame:
    """Yearly cash effect per actor (undiscounted), with and without loan financing of the municipalities'
    investments. ``inflation`` converts 2019 prices to nominal kroner (0 keeps 2019 prices)."""
    cash = actor_yearly[actor_yearly["effect"].isin(budget_effects)]
    table = cash.pivot_table(index="year", columns="actor", values="value_mnok", aggfunc="sum").fillna(0.0)
    years = table.index.to_numpy()
    muni_inv = (
        cash[(cash["actor"] == "municipalities") & (cash["effect"] == "investment")]
        .groupby("year")["value_mnok"]
        .sum()
        .reindex(years, fill_value=0.0)
    )
    price = (1.0 + inflation) ** (years - base_year)
    payments = annuity_payments(muni_inv.to_numpy() * price, years, loan_years, loan_rate)
    rows = []
    for actor in table.columns:
        nominal = table[actor].to_numpy() * price
        with_loan = pd.Series(nominal, index=years).reindex(payments.index, fill_value=0.0)
        if actor == "municipalities":
            with_loan = (
                with_loan
                - pd.Series(muni_inv.to_numpy() * price, index=years).reindex(payments.index, fill_value=0.0)
                + payments
            )
        without = pd.Series(nominal, index=years).reindex(payments.index, fill_value=0.0)
        for y in payments.index:
            rows.append(
                {
                    "year": int(y),
                    "actor": actor,
                    "without_loan_mnok": float(without[y]),
                    "with_loan_mnok": float(with_loan[y]),
                }
            )
    return pd.DataFrame(rows)


def municipality_distribution(
    actor_pv: pd.DataFrame, municipalities: pd.DataFrame, null_alternative, value_col: str = "npv_mnok"
) -> pd.DataFrame:
    """Each municipality's share of the municipalities' benefits and costs, and net value per inhabitant.

    Everything is shared by population, except avoided record-system procurements: municipalities above
    the size threshold buy alone, smaller ones in groups (each counts 1 / group size of a procurement).
    ``municipalities`` needs municipality_code, municipality_name, population.
    """
    muni = actor_pv[actor_pv["actor"] == "municipalities"]
    is_benefit = muni["effect"].isin(BENEFIT_EFFECTS)
    procurement = muni["service"] == "municipal_record_procurement"
    pop = municipalities["population"].to_numpy(float)
    pop_share = pop / pop.sum()
    weight = np.where(
        pop > null_alternative.large_municipality_threshold, 1.0, 1.0 / null_alternative.small_municipality_group_size
    )
    proc_share = weight / weight.sum()
    benefits = (
        muni.loc[is_benefit & ~procurement, value_col].sum() * pop_share
        + muni.loc[procurement, value_col].sum() * proc_share
    )
    costs = muni.loc[~is_benefit, value_col].sum() * pop_share
    out = municipalities[["municipality_code", "municipality_name", "population"]].copy().reset_index(drop=True)
    out["population_share"] = pop_share
    out["benefits_mnok"] = benefits
    out["costs_mnok"] = costs
    out["net_mnok"] = benefits + costs
    out["net_per_inhabitant_nok"] = out["net_mnok"] * 1e6 / out["population"]
    return out
