import numpy as np
import pytest

from ejournal_lib.cba.distributions import triangular_from_quantiles, triangular_ppf
from ejournal_lib.cba.engine import run_cba
from ejournal_lib.cba.uncertainty import sample_draws, simulate, summarise_simulation, tornado


def only_gp_time_uncertain(inputs):
    """Every uncertainty switched off except the GP doctors' time saving (P10 −65 %, P90 +25 %)."""
    o = {
        f"uncertainty.{k}": 0.0
        for k in type(inputs.uncertainty).model_fields
        if k.endswith(("_p10", "_p90", "_min", "_max"))
    }
    o.update({"uncertainty.delay_years_probabilities": {0: 1.0}, "uncertainty.investment_from_cost_frames": False})
    for s in inputs.service_table.index:
        if s != "gp_doctors":
            o[f"services.table.{s}.time_p10"] = 0.0
            o[f"services.table.{s}.time_p90"] = 0.0
    return inputs.with_overrides(o)


@pytest.mark.parametrize("n", [10_000, 160_000])
def test_monte_carlo_quantiles_match_the_known_distribution(inputs, public_share, n):
    alt = only_gp_time_uncertain(inputs)
    base = run_cba(alt, public_share).yearly
    base_pv = base[(base.effect == "time_savings") & (base.service == "gp_doctors")]["discounted_mnok"].sum()
    other_pv = base[base.effect == "time_savings"]["discounted_mnok"].sum() - base_pv
    sim = simulate(alt, public_share, n=n, seed=5)
    a, c, b = triangular_from_quantiles(-0.65, 0.0, 0.25)
    tol = 4 / np.sqrt(n) * base_pv * (b - a)  # a few standard errors of a quantile
    for p, col in ((0.10, "p10"), (0.50, "p50"), (0.90, "p90")):
        exact = other_pv + base_pv * (1 + triangular_ppf(p, a, c, b))
        got = summarise_simulation(sim).set_index("quantity").loc["time_savings", col]
        assert got == pytest.approx(exact, abs=tol)


def test_same_seed_identical_output(inputs, public_share):
    a = simulate(inputs, public_share, n=3000, seed=42)
    b = simulate(inputs, public_share, n=3000, seed=42)
    assert a.equals(b)
    assert not a.equals(simulate(inputs, public_share, n=3000, seed=43))


def test_chunking_does_not_change_results(inputs, public_share):
    a = simulate(inputs, public_share, n=5000, seed=9, chunk=5000)
    b = simulate(inputs, public_share, n=5000, seed=9, chunk=1300)
    assert np.allclose(a.to_numpy(), b.to_numpy())


def test_draws_follow_their_marginals(inputs):
    d = sample_draws(inputs, 200_000, seed=1)
    assert np.quantile(d.transition, [0.1, 0.9]) == pytest.approx([0.2, 1.6], abs=0.01)
    assert np.mean(d.delay == 0) == pytest.approx(0.6, abs=0.01)
    assert np.median(d.investment[:, 0]) == pytest.approx(1.0, abs=0.01)


def test_summary_has_probability_of_negative_npv(inputs, public_share):
    s = summarise_simulation(simulate(inputs, public_share, n=2000, seed=1)).set_index("quantity")
    assert {"mean", "sd", "p10", "p50", "p85", "p90", "prob_negative"} <= set(s.columns)
    assert s.loc["investment", "prob_negative"] == 1.0
    assert s.loc["npv", "p10"] < s.loc["npv", "p50"] < s.loc["npv", "p90"]


def test_tornado_moves_one_input_at_a_time(inputs, public_share):
    t = tornado(inputs, public_share).set_index("field")
    base = run_cba(inputs, public_share).npv
    assert t["base_npv_mnok"].iloc[0] == pytest.approx(base)
    # the transition cost at its P10 (−80 %) is a smaller cost, so the NPV rises; at its P90 it falls
    row = t.loc["transition"]
    assert row["npv_at_p10_mnok"] > base > row["npv_at_p90_mnok"]


def test_engine_matches_independent_plain_implementation(root, inputs, public_share):
    """tests/reference_cba.py writes the model out again, draw by draw, straight from the method brief."""
    from ejournal_lib.common.yaml_io import read_yaml
    from tests.reference_cba import plain_npv

    cba = read_yaml(root / "config" / "ssd2020.yaml", "scenario")["cba"]
    n = 400
    sim = simulate(inputs, public_share, n=n, seed=77)
    draws = sample_draws(inputs, n, 77)
    plain = np.array([plain_npv(cba, draws, public_share, i) for i in range(n)])
    assert np.allclose(plain, sim["npv"].to_numpy(), rtol=0, atol=1e-6)
