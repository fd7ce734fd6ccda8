import numpy as np
import pytest
from scipy import integrate

from ejournal_lib.cba.distributions import mean_one_multiplier
from ejournal_lib.cba.engine import run_cba
from ejournal_lib.cba.uncertainty import expected_npv, sample_draws, simulate, summarise_simulation, tornado


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
    fit = mean_one_multiplier(0.35, 1.25)  # the GP doctors' multiplier: mean 1, P10 0.35, P90 1.25
    tol = 4 / np.sqrt(n) * base_pv * 1.25  # a few standard errors of a quantile
    for p, col in ((0.10, "p10"), (0.50, "p50"), (0.90, "p90")):
        exact = other_pv + base_pv * float(fit.ppf(p))
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
    assert d.investment.mean(axis=0) == pytest.approx([1.0, 1.0, 1.0], abs=0.01)  # mean at the P50 frame
    # the programme's P85: 5 915 / 4 755 = 1.2440 of its P50
    assert np.quantile(d.investment[:, 0], 0.85) == pytest.approx(5915 / 4755, abs=0.01)


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


@pytest.mark.parametrize("p10, p90", [(0.35, 1.25), (0.2, 1.6), (0.5, 1.5), (0.6, 1.2)])
def test_multiplier_has_mean_one_and_the_briefs_quantiles(p10, p90):
    """Checked with the density by numerical integration, independently of scipy's mean and ppf."""
    fit = mean_one_multiplier(p10, p90)
    lo, hi = fit.dist.support()
    mean = integrate.quad(lambda x: x * fit.dist.pdf(x), lo, hi, limit=200)[0]
    below_p10 = integrate.quad(fit.dist.pdf, lo, p10, limit=200)[0]
    below_p90 = integrate.quad(fit.dist.pdf, lo, p90, limit=200)[0]
    assert fit.exact and lo >= 0.0
    assert (mean, below_p10, below_p90) == pytest.approx((1.0, 0.1, 0.9), abs=1e-6)


def test_unattainable_triple_keeps_the_mean_and_the_bound():
    """Home services: P10 −20 %, P90 +100 % around a mean of 1. A positive distribution with those quantiles
    would have to pile 40 % of its mass just above 0.8; the gamma with mean 1 comes closest."""
    fit = mean_one_multiplier(0.8, 2.0)
    assert fit.family == "gamma" and not fit.exact and fit.dist.support()[0] == 0.0
    assert integrate.quad(lambda x: x * fit.dist.pdf(x), 0, np.inf)[0] == pytest.approx(1.0, abs=1e-6)
    best = (fit.p10 - 0.8) ** 2 + (fit.p90 - 2.0) ** 2
    from scipy import stats

    for k in (fit.dist.args[0] * 0.9, fit.dist.args[0] * 1.1):  # the fit is the least-squares optimum
        d = stats.gamma(k, scale=1 / k)
        assert (d.ppf(0.1) - 0.8) ** 2 + (d.ppf(0.9) - 2.0) ** 2 > best


def test_no_draw_turns_a_cost_into_a_benefit_or_back(inputs, public_share):
    sim = simulate(inputs, public_share, n=20_000, seed=3)
    for effect in ("time_savings", "harms_health_costs", "harms_value_creation", "legacy_avoided"):
        assert (sim[effect] >= 0).all(), effect
    for effect in ("transition_cost", "investment", "operation"):
        assert (sim[effect] <= 0).all(), effect
    d = sample_draws(inputs, 20_000, seed=3)
    assert (d.time >= 0).all() and (d.transition >= 0).all() and (d.investment > 0).all()


def test_simulated_mean_matches_the_expected_value(inputs, public_share):
    sim = simulate(inputs, public_share, n=60_000, seed=11)
    summary = summarise_simulation(sim).set_index("quantity")
    expected = expected_npv(inputs, public_share)
    for q in ("npv", "time_savings", "harms_health_costs", "transition_cost", "investment", "tax_financing"):
        assert abs(summary.loc[q, "mean"] - expected[q]) < 4 * summary.loc[q, "se_mean"], q


def test_without_events_the_expected_value_is_the_base(inputs, public_share):
    """Triple estimates have their mean at the base: with the event uncertainties switched off the expected
    net present value is the deterministic base value."""
    alt = inputs.with_overrides(
        {
            "uncertainty.rollout_pace_p10": 0.0,
            "uncertainty.rollout_pace_p90": 0.0,
            "uncertainty.gp_participation_p10": 0.0,
            "uncertainty.gp_participation_p90": 0.0,
            "uncertainty.realisation_pace_p10": 0.0,
            "uncertainty.realisation_pace_p90": 0.0,
            "uncertainty.functional_scope_max": 0.0,
            "uncertainty.delay_years_probabilities": {0: 1.0},
        }
    )
    assert expected_npv(alt, public_share)["npv"] == pytest.approx(run_cba(alt, public_share).npv, abs=1e-6)


@pytest.mark.parametrize("p10, p90", [(0.35, 1.25), (0.8, 2.0), (0.2, 1.6)])
def test_the_literal_reading_holds_the_briefs_quantiles_and_its_moments_by_hand(p10, p90):
    """Median 1, P10 and P90 exact; the mean by hand: with σ = distance to the quantile / z₀.₉ on each side,
    E[X] = 1 + (σ_high − σ_low)/√(2π) for the uncut distribution, plus σ_low·φ(1/σ_low) − Φ(−1/σ_low) for the
    cut at 0; the variance by adaptive quadrature of the quantile function."""
    from scipy import stats

    from ejournal_lib.cba.distributions import TwoPieceNormal

    d = TwoPieceNormal(p10, p90)
    assert [float(d.ppf(q)) for q in (0.1, 0.5, 0.9)] == pytest.approx([p10, 1.0, p90], abs=1e-12)
    z = stats.norm.ppf(0.9)
    lo, hi = (1 - p10) / z, (p90 - 1) / z
    mean = 1 + (hi - lo) / np.sqrt(2 * np.pi) + lo * stats.norm.pdf(1 / lo) - stats.norm.cdf(-1 / lo)
    assert d.mean() == pytest.approx(mean, abs=1e-6)
    second, _ = integrate.quad(lambda u: float(d.ppf(u)) ** 2, 0, 1, points=[0.5], limit=200)
    assert d.var() == pytest.approx(second - mean**2, rel=1e-5)
    assert float(d.ppf(1e-9)) >= 0.0  # never below 0


def test_the_readings_compared_beside_the_headline(inputs, public_share):
    """The headline row is the scenario's own simulation; the literal reading holds every triple's P10 and
    P90; the scenario's reading holds as many as its uncertainty table marks exact."""
    from ejournal_lib.cba.uncertainty import reading_comparison, uncertainty_table

    own = summarise_simulation(simulate(inputs, public_share, 2000, 7))
    t = reading_comparison(inputs, public_share, 2000, 7, own=own).set_index("reading")
    assert t["headline"].tolist() == [r == inputs.uncertainty.triple_reading for r in t.index]
    head = t.loc[inputs.uncertainty.triple_reading]
    assert head["p50"] == own.set_index("quantity").loc["npv", "p50"]
    assert head["expected_mnok"] == pytest.approx(expected_npv(inputs, public_share)["npv"])
    table = uncertainty_table(inputs)
    uncertain = table[(table["reading"] == "mean_at_base") & (table["brief_p10"] < table["brief_p90"])]
    assert head["triples_exact"] == uncertain["exact"].sum() and head["triples"] == len(uncertain) == 12
    assert t.loc["median_at_base", "triples_exact"] == t.loc["median_at_base", "triples"] == 12
    literal = inputs.with_overrides({"uncertainty.triple_reading": "median_at_base"})
    assert t.loc["median_at_base", "expected_mnok"] == pytest.approx(expected_npv(literal, public_share)["npv"])
