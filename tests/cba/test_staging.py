"""The value of the option to stop (issue 24): closed forms with Gaussian signals, a semi-analytic nested
computation for two stop points, and the bounds every value must respect."""

import numpy as np
import pytest
from scipy import stats

from ejournal_lib.cba.staging import option_value, stop_point_values
from ejournal_lib.cba.value_of_information import evpi

N = 100_000


def positive_part(mu, sd):
    """E[max(0, X)] for X ~ N(μ, σ²): σφ(μ/σ) + μΦ(μ/σ)."""
    return sd * stats.norm.pdf(mu / sd) + mu * stats.norm.cdf(mu / sd)


@pytest.mark.parametrize("mu, a", [(-0.5, 1.0), (0.3, 0.6), (-2.0, 1.5)])
def test_one_stop_point_matches_the_closed_form(mu, a):
    # C = μ + a·Z + W; at the stop point Z is known, so E[C | Z] = μ + a·Z ~ N(μ, a²)
    rng = np.random.default_rng(7)
    z = rng.normal(size=N)
    c = mu + a * z + rng.normal(size=N)
    expected = positive_part(mu, a) - max(mu, 0.0)
    assert option_value(c, z) == pytest.approx(expected, abs=0.01)


def test_nothing_observed_is_worth_nothing_and_no_option_beats_perfect_information():
    rng = np.random.default_rng(3)
    z, w = rng.normal(size=(2, N))
    c = -0.2 + z * w + 0.5 * z  # non-linear in what is observed
    assert option_value(c, None) == 0.0 and option_value(c, np.ones(N)) == 0.0
    assert 0.0 < option_value(c, z) <= evpi(c)
    assert option_value(c, np.column_stack([z, w])) == pytest.approx(evpi(c), abs=0.01)  # all of it observed


def test_two_stop_points_match_a_nested_computation():
    # SP1 knows Z1 and commits k1 to reach SP2; SP2 knows Z1 and Z2; what follows SP2 is worth m + Z1 + Z2 + W
    rng = np.random.default_rng(11)
    k1, m, s1, s2 = 0.3, -0.2, 1.0, 0.8
    z1, z2, w = rng.normal(0, s1, N), rng.normal(0, s2, N), rng.normal(0, 1.0, N)
    table = stop_point_values(
        [("SP1", np.full(N, -k1), z1), ("SP2", m + z1 + z2 + w, np.column_stack([z1, z2]))]
    ).set_index("stop_point")
    # exact: at SP2 continue iff m + Z1 + Z2 > 0, so E[value at SP2 | Z1] = E[max(0, m + Z1 + Z2) | Z1];
    # at SP1 continue iff that exceeds k1; by quadrature over Z1
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    at_sp2 = positive_part(m + s1 * nodes, s2)
    exact = float((weights * np.maximum(at_sp2 - k1, 0.0)).sum() / weights.sum())
    assert table.attrs["with_stops_mnok"] == pytest.approx(exact, abs=0.01)
    assert table.attrs["committed_mnok"] == pytest.approx(m - k1, abs=0.01)
    # SP1 stops where E[value at SP2 | Z1] < k1: below the Z1 that solves E[max(0, m + Z1 + Z2) | Z1] = k1
    from scipy.optimize import brentq

    threshold = brentq(lambda z: positive_part(m + z, s2) - k1, -10, 10)
    assert table.loc["SP1", "prob_stop"] == pytest.approx(stats.norm.cdf(threshold / s1), abs=0.01)
    # the option at SP2 alone: E[max(0, m + Z1 + Z2)] − max(0, m) with Z1 + Z2 ~ N(0, s1² + s2²)
    alone = positive_part(m, np.hypot(s1, s2)) - max(m, 0.0)
    assert table.loc["SP2", "option_alone_mnok"] == pytest.approx(alone, abs=0.01)
    assert (table["value_in_sequence_mnok"] >= -0.005).all()


def test_the_stop_points_windows_add_up_to_each_draws_net_present_value(scenario, public_share):
    """On the model: the windows between stop points split each draw's net present value (the simulation's,
    computed independently), and valuing the stop points keeps the committed value and never loses value."""
    from ejournal_lib.cba.staging import stop_point_valuation, window_values
    from ejournal_lib.cba.uncertainty import present_values, sample_draws

    inputs = scenario.cba
    draws = sample_draws(inputs, 2000, 5)
    npv = present_values(inputs, draws, public_share)["npv"].to_numpy()
    first = int(inputs.years.min())
    windows = window_values(inputs, draws, public_share, [first, first + 1, first + 2, first + 4])
    assert np.allclose(windows.sum(axis=1), npv, atol=1e-6)
    table = stop_point_valuation(
        inputs,
        draws,
        public_share,
        {"SP1": first, "SP2": first + 1, "SP3": first + 2, "SP4": first + 4},
        {"SP1": None, "SP2": draws.rollout_scale, "SP3": None, "SP4": draws.time.mean(axis=1)},
    )
    assert table.attrs["committed_mnok"] == pytest.approx(npv.mean())
    assert table.attrs["with_stops_mnok"] >= max(npv.mean(), 0.0) - 1.0
    assert table.set_index("stop_point").loc["SP1", "option_alone_mnok"] == 0.0  # nothing observed at SP1


def test_thresholds_follow_the_signal_and_its_noise():
    # C = μ + Z + W, the stop point sees x = Z + e with e ~ N(0, σ²): E[C | x] = μ + x / (1 + σ²), so the
    # induction stops below x* = −μ(1 + σ²): further from the prior mean the noisier the signal
    rng = np.random.default_rng(21)
    z, w, e = rng.normal(size=(3, N))
    mu = -0.4
    found = []
    for sigma in (0.0, 0.5, 1.0, 2.0):
        table = stop_point_values([("SP", mu + z + w, z + sigma * e)])
        found.append(table.loc[0, "threshold"])
        assert found[-1] == pytest.approx(-mu * (1 + sigma**2), abs=0.05 * (1 + sigma**2))
    assert found == sorted(found)


def test_a_fixed_rule_never_beats_the_inductions_threshold():
    rng = np.random.default_rng(5)
    z, w = rng.normal(size=(2, N))
    stages = [("SP", -0.4 + z + w, z)]
    best = stop_point_values(stages).attrs["with_stops_mnok"]
    for rule in (-1.0, 0.0, 0.4, 1.0):
        fixed = stop_point_values(stages, rules={"SP": rule})
        assert fixed.attrs["with_stops_mnok"] <= best + 0.002
        assert fixed.loc[0, "threshold"] == rule
        assert fixed.loc[0, "prob_stop"] == pytest.approx(stats.norm.cdf(rule), abs=0.01)
    at_best = stop_point_values(stages, rules={"SP": 0.4}).attrs["with_stops_mnok"]  # x* = 0.4 here
    assert at_best == pytest.approx(best, abs=0.002)


def test_the_staged_roll_out_against_the_committed_one(scenario, public_share):
    """Without a delay the staged path is the committed one, so its value always continued is the simulation's
    (computed independently); the decision never loses value, and knowing each draw's later value exactly is
    worth E[max(0, later)] − max(0, E[later]), the closed form of perfect information."""
    from ejournal_lib.cba.staging import staged_path, staged_rollout, window_values
    from ejournal_lib.cba.uncertainty import present_values, sample_draws

    inputs = scenario.cba
    draws = sample_draws(inputs, 2000, 9)
    npv = present_values(inputs, draws, public_share)["npv"].to_numpy()
    same = staged_rollout(inputs, draws, public_share, None, 0).set_index("measure")
    assert same.loc["committed", "expected_mnok"] == pytest.approx(npv.mean())
    assert same.loc["staged_without_stop", "expected_mnok"] == pytest.approx(npv.mean())
    assert same.loc["committed", "p10_mnok"] == pytest.approx(np.quantile(npv, 0.10))

    table = staged_rollout(inputs, draws, public_share, draws.time.mean(axis=1), 2).set_index("measure")
    assert table.loc["staged", "expected_mnok"] >= table.loc["staged_without_stop", "expected_mnok"] - 1.0
    assert 0.0 <= table.loc["staged", "prob_stop"] <= 1.0 and table.loc["staged_without_stop", "prob_stop"] == 0.0
    # the staged path: the first wave in its year, every later one two years later; decided in the second's year
    path = staged_path(inputs.participation.municipal_share_by_year, 2)
    assert (
        table.loc["staged", "decision_year"]
        == sorted(path)[1]
        == sorted(inputs.participation.municipal_share_by_year)[1] + 2
    )
    staged = inputs.with_overrides({"participation.municipal_share_by_year": path})
    before, after = window_values(staged, draws, public_share, [int(inputs.years.min()), sorted(path)[1]]).T
    perfect = staged_rollout(inputs, draws, public_share, after, 2).set_index("measure")
    gain = perfect.loc["staged", "expected_mnok"] - perfect.loc["staged_without_stop", "expected_mnok"]
    assert gain == pytest.approx(np.maximum(after, 0).mean() - max(after.mean(), 0), rel=0.05, abs=5.0)


def test_who_gains_from_the_option_adds_up_to_the_option(scenario, public_share):
    """Each actor's windows sum to the total windows (every effect is somebody's), and the actors' gains sum to
    what the stop points add; by hand for a two-window toy: a draw that stops at the second keeps the first."""
    from ejournal_lib.cba.risk_sharing import actor_share_rule
    from ejournal_lib.cba.staging import actor_gains, stop_point_valuation, window_values
    from ejournal_lib.cba.uncertainty import sample_draws

    inputs = scenario.cba
    mapping = scenario.actor_mapping
    shares_of = actor_share_rule(inputs, mapping, scenario.settings.financing_key, public_share)
    draws = sample_draws(inputs, 1500, 3)
    first = int(inputs.years.min())
    starts = [first, first + 1, first + 4]
    total = window_values(inputs, draws, public_share, starts)
    by_actor = window_values(inputs, draws, public_share, starts, shares_of=shares_of)
    assert np.allclose(sum(by_actor.values()), total, atol=1e-6)
    years = {"SP1": starts[0], "SP2": starts[1], "SP4": starts[2]}
    observed = {"SP1": None, "SP2": draws.rollout_scale, "SP4": draws.time.mean(axis=1)}
    table = stop_point_valuation(inputs, draws, public_share, years, observed, shares_of=shares_of)
    gains = table.attrs["actor_gains"]
    added = table.attrs["with_stops_mnok"] - table.attrs["committed_mnok"]
    if table.attrs["with_stops_mnok"] > 0:  # the policy's value is not floored at zero
        assert gains["gain_mnok"].sum() == pytest.approx(added, abs=1e-6)

    toy = actor_gains({"a": np.array([[1.0, -5.0], [2.0, 3.0]])}, np.array([1, 2])).iloc[0]
    assert (toy["committed_mnok"], toy["with_stops_mnok"], toy["gain_mnok"]) == (0.5, 3.0, 2.5)
    assert toy["sunk_when_stopped_mnok"] == 1.0
