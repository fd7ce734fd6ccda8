"""Value of information against closed forms (linear-Gaussian model), brute-force nested Monte Carlo (a small
nonlinear model), and the orderings every estimate must respect; then the appendix's tables on the model."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ejournal_lib.cba.measurement_value import (
    evsi_table,
    evsi_tables,
    parameter_groups,
    study_recommendation,
    study_sampling_variance,
    value_of_information_tables,
)
from ejournal_lib.cba.uncertainty import sample_draws, simulate, uncertain_inputs
from ejournal_lib.cba.value_of_information import (
    evpi,
    evppi,
    evsi_gaussian,
    evsi_gaussian_curves,
    evsi_level_curves,
    level_prior,
    posterior_mean,
)

N = 100_000


def expected_positive_part(mu: float, sd: float) -> float:
    """E[max(X, 0)] for X ~ N(mu, sd²): mu·Φ(mu/sd) + sd·φ(mu/sd)."""
    return mu * stats.norm.cdf(mu / sd) + sd * stats.norm.pdf(mu / sd)


def gaussian_value(mu: float, sd: float) -> float:
    """Value of learning a N(mu, sd²) net benefit before choosing it or 0."""
    return expected_positive_part(mu, sd) - max(mu, 0.0)


@pytest.fixture(scope="module")
def linear():
    """NB = μ + Σ a_j X_j, X_j ~ N(0, 1) independent; X_4 is irrelevant."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((N, 4))
    a = np.array([3.0, 2.0, 1.0, 0.0])
    mu = 1.0
    return mu, a, x, mu + x @ a


def tolerance(sd: float, n: int = N) -> float:
    """Four Monte Carlo standard errors of a mean of max(0, ·) of a N(·, sd²) variable (sd ≥ its sd)."""
    return 4 * sd / np.sqrt(n)


def test_evpi_matches_the_closed_form(linear):
    mu, a, _, nb = linear
    sd = float(np.sqrt((a**2).sum()))
    assert evpi(nb) == pytest.approx(gaussian_value(mu, sd), abs=tolerance(sd))


def test_evpi_of_two_option_columns_equals_that_of_their_difference(linear):
    _, _, _, nb = linear
    two = np.column_stack([np.full(N, 5.0), 5.0 + nb])
    assert evpi(two) == pytest.approx(evpi(nb), abs=1e-9)


@pytest.mark.parametrize("columns", [[0], [1], [2], [0, 1], [0, 1, 2]])
def test_evppi_matches_the_closed_form(linear, columns):
    mu, a, x, nb = linear
    sd = float(np.sqrt((a[columns] ** 2).sum()))
    result = evppi(nb, x[:, columns], n_se=50)
    assert result.evppi == pytest.approx(gaussian_value(mu, sd), abs=tolerance(sd) + 0.01)
    assert 0 < result.se < 0.1


def test_evppi_of_an_irrelevant_parameter_is_near_zero(linear):
    _, _, x, nb = linear
    result = evppi(nb, x[:, 3], n_se=50)
    assert result.evppi < 0.02  # against an EVPI of about 0.96
    assert result.r_squared < 1e-3


def test_evppi_is_ordered_subset_set_evpi(linear):
    _, _, x, nb = linear
    one, two, three = (evppi(nb, x[:, : k + 1], n_se=0).evppi for k in range(3))
    assert one <= two <= three <= evpi(nb)


def test_evppi_is_capped_at_evpi_when_the_fit_overshoots():
    # two equally likely outcomes: perfect information on the single parameter is all there is to know
    rng = np.random.default_rng(3)
    theta = rng.integers(0, 2, 5000).astype(float)
    nb = np.where(theta == 1, 2.0, -1.0)
    assert evppi(nb, theta, n_se=0).evppi == pytest.approx(evpi(nb), abs=1e-12)


def _nonlinear(theta1, theta2, theta3):
    return 2.0 * theta1 * theta2 - 1.8 + 0.6 * theta3 + 0.3 * theta3**2


def _draw(rng, n):
    return rng.gamma(4.0, 0.25, n), rng.normal(1.0, 0.3, n), rng.uniform(-1.0, 1.0, n)


def _nested(known: list[int], outer: int = 20_000, inner: int = 1_000, seed: int = 5) -> tuple[float, float]:
    """Brute force: E_known[max(0, E_rest[NB | known])] − max(0, E[NB]) by nested Monte Carlo (fresh inner
    draws for every outer draw), with its standard error from the outer loop."""
    rng = np.random.default_rng(seed)
    outer_draws = _draw(rng, outer)
    conditional = np.empty(outer)
    for start in range(0, outer, 2000):
        block = slice(start, start + 2000)
        inner_draws = [d.reshape(-1, inner) for d in _draw(rng, 2000 * inner)]  # (2000, inner)
        args = [outer_draws[j][block, None] if j in known else inner_draws[j] for j in range(3)]
        conditional[block] = _nonlinear(*args).mean(axis=1)
    total = _nonlinear(*_draw(rng, 1_000_000)).mean()
    values = np.maximum(conditional, 0.0)
    return float(values.mean() - max(total, 0.0)), float(values.std(ddof=1) / np.sqrt(outer))


@pytest.mark.parametrize("known", [[0], [1], [2], [0, 1]])
def test_evppi_matches_brute_force_nested_monte_carlo(known):
    rng = np.random.default_rng(9)
    theta = np.column_stack(_draw(rng, N))
    nb = _nonlinear(*theta.T)
    regression = evppi(nb, theta[:, known], n_se=0).evppi
    brute, se = _nested(known)
    assert regression == pytest.approx(brute, abs=4 * se + 0.005)


def test_a_product_of_two_parameters_in_a_group_is_followed():
    # E[NB | θ1, θ2] = 2·θ1·θ2 − 1.7 exactly; E[NB] = 0.3. An additive fit misses the product
    rng = np.random.default_rng(9)
    theta = np.column_stack(_draw(rng, N))
    nb = _nonlinear(*theta.T)
    exact = float(np.maximum(2 * theta[:, 0] * theta[:, 1] - 1.7, 0).mean() - 0.3)
    assert evppi(nb, theta[:, :2], n_se=0).evppi == pytest.approx(exact, abs=0.003)


def test_evsi_matches_the_closed_form_and_is_ordered(linear):
    mu, a, x, nb = linear
    sampling = [np.array([s, np.inf, np.inf, np.inf]) for s in (4.0, 1.0, 0.25, 0.0)]
    values = evsi_gaussian(nb, x, np.ones(4), sampling)
    for s, v in zip((4.0, 1.0, 0.25, 0.0), values):
        # the preposterior mean of a_1·X_1 is normal with variance a_1² · 1 / (1 + s)
        assert v == pytest.approx(gaussian_value(mu, a[0] / np.sqrt(1 + s)), abs=tolerance(a[0]) + 0.01)
    assert values == sorted(values)
    assert values[-1] <= evppi(nb, x[:, 0], n_se=0).evppi + 0.01


@pytest.mark.parametrize("phi", [0.4, 0.5])  # 0.5: the scenario's reading
def test_evsi_with_a_partly_informable_parameter(phi):
    # X = A + R with A ~ N(0, φ), R ~ N(0, 1 − φ); the study measures A with sampling variance s: the exact
    # Bayesian preposterior mean of X is normal with variance φ² / (φ + s)
    rng = np.random.default_rng(4)
    s, mu = 0.1, 0.5
    x = rng.normal(0, np.sqrt(phi), N) + rng.normal(0, np.sqrt(1 - phi), N)
    nb = mu + 2.0 * x
    (value,) = evsi_gaussian(nb, x, 1.0, [s], informed_share=phi)
    expected = gaussian_value(mu, 2.0 * np.sqrt(phi**2 / (phi + s)))
    assert value == pytest.approx(expected, abs=tolerance(2.0) + 0.01)
    with pytest.raises(ValueError, match="informed_share"):
        evsi_gaussian(nb, x, 1.0, [s], informed_share=0.0)


def test_the_posterior_mean_by_quadrature():
    """Normal level: the conjugate closed form m + v/(v + s)·(x̄ − m). Gamma level: the ratio of two integrals
    computed by adaptive quadrature (scipy.integrate.quad) at each x̄."""
    from scipy import integrate

    x = np.array([0.2, 0.7, 1.0, 1.4, 2.5])
    normal = level_prior("gaussian", 1.0, 0.09)
    assert posterior_mean(normal, 0.04, x) == pytest.approx(1.0 + 0.09 / 0.13 * (x - 1.0), abs=1e-4)
    gamma = level_prior("gamma", 1.0, 0.09)
    assert (gamma.mean(), gamma.var()) == pytest.approx((1.0, 0.09))

    def exact(xi):
        def lik(a):
            return gamma.pdf(a) * np.exp(-0.5 * (xi - a) ** 2 / 0.04)

        return (
            integrate.quad(lambda a: a * lik(a), 0, 6, points=[xi, 1.0])[0]
            / integrate.quad(lik, 0, 6, points=[xi, 1.0])[0]
        )

    assert posterior_mean(gamma, 0.04, x) == pytest.approx([exact(xi) for xi in x], abs=2e-3)


@pytest.mark.parametrize("phi", [0.5])  # the scenario's reading
def test_the_evsi_for_a_stated_level_distribution_is_the_exact_bayesian_value(phi):
    """NB = μ + b·(X − 1), X = A + R, the study measures A (variance φ) with sampling variance s. Normal A: the
    closed form, which the scenario's φ = 0,5 reading by the Gaussian approximation also meets. Gamma A: the
    posterior mean of A by adaptive quadrature for each simulated study result, independently of the library."""
    from scipy import integrate

    rng = np.random.default_rng(8)
    s, mu, b, v = 0.1, 0.2, 2.0, 0.25
    x = 1 + rng.normal(0, np.sqrt(phi * v), N) + rng.normal(0, np.sqrt((1 - phi) * v), N)
    nb = mu + b * (x - 1)
    exact = gaussian_value(mu, b * np.sqrt((phi * v) ** 2 / (phi * v + s)))
    ((normal,),), ((approx,),) = (
        evsi_level_curves(nb, x, v, [[s]], [phi], "gaussian"),
        evsi_gaussian_curves(nb, x, v, [[s]], [phi]),
    )
    assert normal == pytest.approx(exact, rel=0.03) and approx == pytest.approx(exact, rel=0.03)
    ((gamma,),) = evsi_level_curves(nb, x, v, [[s]], [phi], "gamma")
    prior = level_prior("gamma", 1.0, phi * v)
    a = prior.rvs(N, random_state=rng)
    observed = a + rng.normal(0, np.sqrt(s), len(a))
    knots = np.linspace(observed.min(), observed.max(), 80)  # adaptive quadrature at 80 results, interpolated

    def post(xi):
        lik = lambda t: prior.pdf(t) * np.exp(-0.5 * (xi - t) ** 2 / s)  # noqa: E731
        return integrate.quad(lambda t: t * lik(t), 0, 8, points=[1.0])[0] / integrate.quad(lik, 0, 8, points=[1.0])[0]

    g = mu + b * (np.interp(observed, knots, [post(xi) for xi in knots]) - 1.0)
    direct = np.maximum(g, 0).mean() - max(g.mean(), 0)
    assert gamma == pytest.approx(direct, rel=0.06)
    assert abs(gamma - exact) > 0.03 * exact  # the distribution matters: a skewed level is worth something else


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="infinite"):
        evpi([1.0, np.nan])
    with pytest.raises(ValueError, match="rows"):
        evppi(np.ones(10), np.ones(9))
    with pytest.raises(ValueError, match="two options"):
        evppi(np.ones((10, 3)), np.ones(10))


def test_study_sampling_variance_by_hand():
    components = pd.DataFrame(
        {
            "service": ["a", "a", "b", "c"],
            "role": ["x", "y", "x", "x"],
            "model_status": ["fitted", "fitted", "fitted", "too_few_units"],
            "suppressed": [False, False, False, True],
            "mean": [10.0, 20.0, 10.0, np.nan],
            "var_municipality": [10.0, 40.0, 20.0, np.nan],
            "var_staff": [40.0, 160.0, 0.0, np.nan],
            "var_residual": [60.0, 240.0, 0.0, np.nan],
        }
    )
    out = study_sampling_variance(components, ["a", "b", "c", "d"], 4, 3).set_index("service")
    # a: roles (10 + 40/4 + 60/12)/10² = 0.25 and (40 + 160/4 + 240/12)/20² = 0.25; b: 20/10² = 0.2
    assert out.loc["a", "relative_variance_per_municipality"] == pytest.approx(0.25)
    assert out.loc["b", "relative_variance_per_municipality"] == pytest.approx(0.2)
    # c could not be fitted and d was not measured: the median of the measured services
    assert out.loc["c", "relative_variance_per_municipality"] == pytest.approx(0.225)
    assert list(out["source"]) == ["measured", "measured", "median_of_measured", "median_of_measured"]


@pytest.fixture(scope="module")
def model(scenario, public_share):
    from ejournal_lib.cba.calibration import scenario_inputs

    inputs = scenario_inputs(scenario.cba)
    n, seed = 20_000, 31
    sim = simulate(inputs, public_share, n, seed)
    return inputs, sim["npv"].to_numpy(), sample_draws(inputs, n, seed)


@pytest.fixture(scope="module")
def components():
    rows = [
        ("gp_doctors", 200.0, 10.0, 2300.0, 1600.0),
        ("home_services", 130.0, 400.0, 750.0, 240.0),
        ("nursing_home_long", 120.0, 300.0, 600.0, 470.0),
    ]
    return pd.DataFrame(
        [
            {
                "service": s,
                "role": "r",
                "model_status": "fitted",
                "suppressed": False,
                "mean": m,
                "var_municipality": vm,
                "var_staff": vs,
                "var_residual": ve,
            }
            for s, m, vm, vs, ve in rows
        ]
    )


def test_the_model_groups_come_from_the_simulations_draws(model, scenario, public_share):
    inputs, nb, draws = model
    groups = parameter_groups(inputs, draws)
    assert groups["time_all"].shape == (len(nb), len(inputs.service_table))
    assert np.array_equal(groups["time:home_services"][:, 0], draws.time[:, 3])
    # the draws are the simulation's: evaluating them again gives the same net present values
    again = simulate(inputs, public_share, len(nb), 31)["npv"].to_numpy()
    assert np.array_equal(nb, again)
    # whichever group is worth most, the summary can name what to do about it
    from ejournal_lib.common.labels import label

    assert all(label("voi_action", g.split(":")[0]) for g in groups)


def test_the_evsi_curve_rises_stays_below_evppi_and_costs_what_the_inputs_say(model, components):
    inputs, nb, draws = model
    rel = study_sampling_variance(components, list(inputs.service_table.index), 4, 3)
    curve = evsi_table(nb, inputs, draws, rel, 4, 3)
    assert curve["evsi_mnok"].is_monotonic_increasing
    assert (curve["evsi_mnok"] <= curve["evsi_full_mnok"] + 1e-9).all()
    time_all = evppi(nb, draws.time, n_se=0).evppi
    assert curve["evsi_full_mnok"].max() <= time_all * 1.02 + 1.0
    # 10 municipalities × (200 000 + 9 services × 4 staff × 3 days × 9 000) NOK, discounted 2021 → 2019 at 4 %
    row = curve.set_index("municipalities").loc[10]
    assert row["staff_days"] == 10 * 108
    assert row["study_cost_mnok"] == pytest.approx(10 * (200_000 + 108 * 9_000) / 1e6 / 1.04**2, rel=1e-9)
    assert (curve["engs_mnok"] == curve["evsi_mnok"] - curve["study_cost_mnok"]).all()


def test_the_recommendation_follows_the_net_gain(model, components):
    inputs, nb, draws = model
    rel = study_sampling_variance(components, list(inputs.service_table.index), 4, 3)
    curve = evsi_table(nb, inputs, draws, rel, 4, 3)
    rec = study_recommendation(curve)
    best = curve.loc[curve["engs_mnok"].idxmax()]
    assert rec["municipalities"] == best["municipalities"] and rec["decision"] == "measure"
    expensive = inputs.with_overrides({"value_of_information.cost_per_municipality_nok": 1e10})
    assert study_recommendation(evsi_table(nb, expensive, draws, rel, 4, 3))["decision"] == "does_not_pay"


def test_adverse_events_have_no_value_in_the_2020_reading_and_do_when_uncertain(model, public_share):
    inputs, nb, draws = model
    tables = value_of_information_tables(inputs, nb[:5000], draws.rows(slice(0, 5000)), None, 4, 3, 1)
    row = tables["voi_evppi"].set_index("parameter_group").loc["harms"]
    assert row["evppi_mnok"] == 0 and row["status"] == "no_uncertainty"
    assert tables["voi_evsi"].empty  # no variance components: no study value
    uncertain = inputs.with_overrides({"uncertainty.adverse_events_p10": -0.33, "uncertainty.adverse_events_p90": 0.33})
    sim = simulate(uncertain, public_share, len(nb), 31)
    base = simulate(inputs, public_share, len(nb), 31)
    # the new input is drawn last: every other effect keeps its draws
    for effect in ("time_savings", "transition_cost", "investment", "legacy_avoided"):
        assert np.array_equal(sim[effect], base[effect])
    assert sim["harms_health_costs"].std() > base["harms_health_costs"].std()
    assert sim["harms_health_costs"].mean() == pytest.approx(base["harms_health_costs"].mean(), rel=0.01)


def test_no_study_value_when_every_fitted_component_is_suppressed(model, components):
    """Components the baseline fitted but could not publish (small cells, or hidden beside an earlier
    publication) give the study no precision: the tables say so, nothing fails."""
    inputs, nb, draws = model
    hidden = components.assign(suppressed=True)
    tables = value_of_information_tables(inputs, nb[:5000], draws.rows(slice(0, 5000)), hidden, 4, 3, 1)
    assert tables["voi_evsi"].empty and tables["voi_study_precision"].empty  # with them: the EVSI tests above


def test_the_evppi_monte_carlo_error_matches_the_spread_between_seeds():
    """se_mc_mnok (batches of one sample) against the standard deviation of the EVPPI over 30 seeds."""
    from ejournal_lib.cba.measurement_value import evppi_table

    def sample(seed, n=20_000):
        rng = np.random.default_rng(seed)
        x = rng.normal(0, 1, n)
        return 0.2 + x + rng.normal(0, 2.0, n), {"x": x[:, None]}

    values = [evppi_table(*sample(seed), n_se=0)["evppi_mnok"].iloc[0] for seed in range(30)]
    between = float(np.std(values, ddof=1))
    table = evppi_table(*sample(99), n_se=50)
    within = float(table["se_mc_mnok"].iloc[0])
    assert 0.5 * between < within < 2.0 * between


def test_the_recommended_study_is_the_best_whole_number(model, components):
    inputs, nb, draws = model
    rel = study_sampling_variance(components, list(inputs.service_table.index), 4, 3)
    curve, sensitivity = evsi_tables(nb, inputs, draws, rel, 4, 3)
    rec = study_recommendation(curve)
    # brute force over every whole number in the grid's range
    services = list(inputs.service_table.index)
    table = {x.input: x for x in uncertain_inputs(inputs)}
    prior = np.array([float(table[f"time:{s}"].dist.var()) for s in services])
    grid = inputs.value_of_information.study_municipalities
    every = range(min(grid), max(grid) + 1)
    per = rel.set_index("service").loc[services, "relative_variance_per_municipality"].to_numpy()
    phi = inputs.value_of_information.baseline_informed_share
    family = inputs.value_of_information.level_distribution
    assert family == "gamma"  # the scenario's reading; every whole n computed here, the table searches the grid first
    (evsi,) = evsi_level_curves(nb, draws.time, prior, [per / n for n in every], [phi], family)
    cost = [study_cost for study_cost in _costs(inputs, every)]
    best = list(every)[int(np.argmax(np.array(evsi) - np.array(cost)))]
    assert rec["municipalities"] == best and best in set(curve["municipalities"])
    # the sensitivity: the scenario's row is the recommendation; more of the variance in the level, more value
    row = sensitivity.set_index(["level_distribution", "informed_share"]).loc[(family, phi)]
    assert row["municipalities"] == best and bool(row["scenario_value"]) and sensitivity["scenario_value"].sum() == 1
    assert set(sensitivity["level_distribution"]) == {"drawn", "gaussian", "gamma"}
    for _, rows in sensitivity.groupby("level_distribution"):
        assert rows["evsi_mnok"].is_monotonic_increasing


def _costs(inputs, every):
    from ejournal_lib.cba.measurement_value import _study_cost_mnok

    return _study_cost_mnok(np.array(list(every)), inputs, len(inputs.service_table) * 4 * 3)
