"""Risk sharing: actors add up to the total in every draw, rules only move who pays, the summaries are the
draws' quantiles, the guarantee is bounded by what it covers, and correlated overruns work up to 1."""

import numpy as np
import pandas as pd
import pytest

from ejournal_lib.cba.distributions import correlated_uniforms, cost_quantiles
from ejournal_lib.cba.risk_sharing import (
    RULES,
    RiskDraws,
    guarantee_cost,
    guarantee_payment,
    municipal_risk,
    risk_sharing_table,
    simulate_risk,
    state_cost_table,
)


@pytest.fixture(scope="module")
def risk(scenario, public_share):
    return simulate_risk(
        scenario.cba,
        scenario.actor_mapping,
        scenario.settings.financing_key,
        public_share,
        3000,
        7,
        scenario.cba.risk_sharing,
    )


def test_actors_add_up_to_the_total_in_every_draw(risk):
    for rule in RULES:
        assert np.allclose(risk.npv[rule].sum(axis=1), risk.total_npv, atol=1e-6)


def test_rules_only_move_who_pays(risk):
    base_npv, base_cash = risk.npv["brief"], risk.cash["brief"]
    for rule in RULES:
        # the total is the same draw by draw, so its whole distribution is the same under every rule
        assert np.allclose(risk.cash[rule].sum(axis=1), base_cash.sum(axis=1), atol=1e-6)
        moved = (risk.npv[rule] - base_npv).abs().max()
        assert moved.drop(["state", "municipalities"]).max() < 1e-9  # only the state and the municipalities
    table = risk_sharing_table(risk)
    totals = table[table["actor"] == "total"].groupby("measure")[["mean", "p10", "p85_cost", "p50", "p90"]]
    assert ((totals.max() - totals.min()).abs() < 1e-6).all().all()


def test_summaries_are_the_quantiles_of_a_hand_built_two_actor_case():
    a = np.arange(1.0, 11.0)  # 1..10
    b = -a
    frame = pd.DataFrame({"state": a, "municipalities": b})
    draws = RiskDraws(
        npv={"brief": frame},
        cash={"brief": frame},
        worst_year={"brief": frame},
        total_npv=np.zeros(10),
        municipal_by_population={"brief": np.zeros(10)},
        municipal_by_procurement=np.zeros(10),
        guarantee_cost=np.zeros(10),
        municipal_investment_cost=np.zeros(10),
    )
    t = risk_sharing_table(draws).set_index(["measure", "actor"]).loc["npv"]
    # linear interpolation between order statistics: P10 of 1..10 = 1 + 0.1·9 = 1.9; the P85 of a cost is the
    # value's 15th percentile, 1 + 0.15·9 = 2.35 (the pessimistic side)
    cols = ["mean", "p10", "p85_cost", "p50", "p90"]
    assert t.loc["state", cols].tolist() == pytest.approx([5.5, 1.9, 2.35, 5.5, 9.1])
    assert t.loc["municipalities", "prob_negative"] == 1.0 and t.loc["state", "prob_negative"] == 0.0
    assert t.loc["total", ["mean", "p10", "p90"]].tolist() == [0.0, 0.0, 0.0]


def test_the_guarantee_pays_the_municipalities_overrun_above_its_median_once(risk):
    cost, paid = risk.municipal_investment_cost, risk.guarantee_cost
    p50, p85 = np.quantile(cost, [0.5, 0.85])
    assert (paid >= 0).all() and (paid <= np.clip(cost - p50, 0, None) + 1e-9).all() and paid.max() <= p85 - p50 + 1e-9
    assert (paid > 0).mean() == pytest.approx((cost > p50).mean()) == pytest.approx(0.5, abs=0.001)  # the median
    gain = risk.cash["overrun_guarantee"]["municipalities"] - risk.cash["brief"]["municipalities"]
    # never paid for a cost they did not bear: nothing unless their own investment cost is above its median
    assert np.allclose(gain, paid) and (gain[cost <= p50] == 0).all()
    table = state_cost_table(risk).set_index("rule")
    assert table.loc["brief", "expected_mnok"] == 0.0
    assert table.loc["overrun_guarantee", "expected_mnok"] == pytest.approx(guarantee_cost(risk)["mean"])
    assert guarantee_payment(np.array([10.0, 20.0, 30.0, 40.0, 50.0])).tolist() == [0, 0, 0, 10, 14]  # by hand


def test_the_interaction_solutions_overruns_are_not_covered_again(scenario, public_share):
    """The state pays the interaction solutions in full under the brief: their overrun must not move the
    guarantee's payment (before, the guarantee covered the total investment and paid it a second time)."""
    import dataclasses

    from ejournal_lib.cba.uncertainty import sample_draws

    cba = scenario.cba
    draws = sample_draws(cba, 2000, 3)
    column = list(cba.investment_table.index).index("interaction_step1")
    doubled = draws.investment.copy()
    doubled[:, column] *= 2.0
    args = (cba, scenario.actor_mapping, scenario.settings.financing_key, public_share, 2000, 3, cba.risk_sharing)
    plain = simulate_risk(*args, draws=draws)
    costly = simulate_risk(*args, draws=dataclasses.replace(draws, investment=doubled))
    assert not np.allclose(costly.total_npv, plain.total_npv)  # the interaction solutions did cost more
    assert np.allclose(costly.guarantee_cost, plain.guarantee_cost)


def test_correlation_of_one_moves_items_together():
    u = correlated_uniforms(1000, 3, np.random.default_rng(3), 1.0)
    assert np.allclose(u[:, 0], u[:, 1]) and np.allclose(u[:, 1], u[:, 2])
    # two identical triangular items moving together: the sum is twice one item, quantile by quantile
    one = cost_quantiles([90], [100], [130], bounds="min-max", n=50_000, seed=5)
    two = cost_quantiles([90, 90], [100, 100], [130, 130], bounds="min-max", correlation=1.0, n=50_000, seed=5)
    assert two["p85"] == pytest.approx(2 * one["p85"], rel=0.01) and two["sd"] == pytest.approx(2 * one["sd"], rel=0.02)
    with pytest.raises(ValueError, match="in \\[-1, 1\\]"):
        correlated_uniforms(10, 2, np.random.default_rng(1), 1.5)


def test_guarantee_cost_grows_with_the_correlation(scenario, public_share):
    from ejournal_lib.cba.risk_sharing import guarantee_by_correlation

    g = guarantee_by_correlation(
        scenario.cba,
        scenario.actor_mapping,
        scenario.settings.financing_key,
        public_share,
        3000,
        7,
        scenario.cba.risk_sharing,
    )
    assert g["correlation"].tolist() == [0.0, 0.5, 1.0] and g["scenario_value"].tolist() == [False, True, False]
    assert g["expected_mnok"].is_monotonic_increasing and g["p85_mnok"].is_monotonic_increasing


def test_municipal_spread_uses_population_and_procurement_shares(scenario, risk):
    from ejournal_lib.common.municipalities import load_midt_norge, load_population, outside_midt_norge

    pop = load_population(scenario.data.population)
    area = outside_midt_norge(pop, load_midt_norge(scenario.data.midt_norge)["municipality_code"])
    spread = municipal_risk(risk, area, scenario.cba.null_alternative).set_index("municipality_code")
    assert len(spread) == 292 and spread.filter(like="prob_negative_").stack().between(0, 1).all()
    # one municipality by hand: its population share of the shared cash plus its share of procurements
    na = scenario.cba.null_alternative
    p = area.set_index("municipality_code")["population"].astype(float)
    weight = np.where(p > na.large_municipality_threshold, 1.0, 1.0 / na.small_municipality_group_size)
    code = "3024"
    cash = (p[code] / p.sum()) * risk.municipal_by_population["brief"] + (
        weight[p.index.get_loc(code)] / weight.sum()
    ) * risk.municipal_by_procurement
    assert spread.loc[code, "prob_negative_brief"] == pytest.approx((cash < 0).mean())


def test_the_risk_tables_read_the_simulations_first_draws(scenario, public_share):
    """Given the simulation's draws, the risk analysis uses its first n: each draw's total is that draw's net
    present value in the simulation (the appendix says the risk draws are the simulation's first)."""
    from ejournal_lib.cba.uncertainty import present_values, sample_draws

    draws = sample_draws(scenario.cba, 1500, 11)
    npv = present_values(scenario.cba, draws, public_share)["npv"].to_numpy()
    risk = simulate_risk(
        scenario.cba,
        scenario.actor_mapping,
        scenario.settings.financing_key,
        public_share,
        400,
        11,
        scenario.cba.risk_sharing,
        draws=draws,
    )
    assert risk.total_npv.shape == (400,)
    assert np.allclose(risk.total_npv, npv[:400], atol=1e-6)


def test_the_price_cap_rests_on_the_base_case_not_on_the_draws(scenario, public_share):
    """The cap is a share of the base case's operation cost: slower roll-outs in the draws (less operation)
    leave each draw's relief as it is (before, the cap was set on the draws' mean operation cost)."""
    import dataclasses

    from ejournal_lib.cba.uncertainty import sample_draws

    cba = scenario.cba
    draws = sample_draws(cba, 2000, 4)
    args = (cba, scenario.actor_mapping, scenario.settings.financing_key, public_share, 2000, 4, cba.risk_sharing)
    plain = simulate_risk(*args, draws=draws)
    slow = simulate_risk(*args, draws=dataclasses.replace(draws, rollout_scale=draws.rollout_scale * 0.5))

    def relief(risk):
        return (risk.cash["brief"]["state"] - risk.cash["price_cap"]["state"]).to_numpy()

    assert not np.allclose(slow.total_npv, plain.total_npv)  # the slower roll-out changed the draws' values
    assert (relief(plain) > 0).any() and np.allclose(relief(slow), relief(plain))
