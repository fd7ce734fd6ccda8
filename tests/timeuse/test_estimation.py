"""Time-use estimators against hand calculations, published results and simulation."""

import numpy as np
import pandas as pd
import pytest

from ejournal_lib.timeuse.estimation import (
    design_effect,
    mean_interval,
    minutes_per_day,
    naive_mean_interval,
    national_extrapolation,
    staff_day_minutes,
    variance_components,
    verify_assumptions,
)
from ejournal_lib.timeuse.survey_design import design_table, municipalities_needed
from ejournal_lib.timeuse.work_sampling import wilson_interval, work_sampling_margin, work_sampling_sample_size


def test_sample_size_textbook_values():
    assert work_sampling_sample_size(0.5, 0.05, z=2) == 400  # 4 × 0.25 / 0.0025
    assert work_sampling_sample_size(0.5, 0.05) == 385  # 1.96² × 0.25 / 0.0025 = 384.16
    assert work_sampling_sample_size(0.2, 0.2, z=2, relative=True) == 400  # 4 × 0.8 / (0.04 × 0.2)
    assert work_sampling_sample_size(0.1, 0.02) == 865  # 864.36 rounded up
    assert work_sampling_margin(0.5, 400, z=2) == pytest.approx(0.05)
    with pytest.raises(ValueError):
        work_sampling_sample_size(1.2, 0.05)


def test_wilson_against_statsmodels():
    from scipy import stats
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = wilson_interval(12, 80, z=stats.norm.ppf(0.975))
    assert (lo, hi) == pytest.approx(proportion_confint(12, 80, method="wilson"))


def test_staff_day_minutes_by_hand():
    sessions = pd.DataFrame(
        {
            "session_id": ["a", "b"],
            "municipality_code": ["1", "1"],
            "service": ["s", "s"],
            "role": ["r", "r"],
            "staff_id": ["p", "q"],
            "observed_minutes": [100.0, 200.0],
        }
    )
    acts = pd.DataFrame(
        {
            "session_id": ["a", "a", "a", "b"],
            "group": ["doc", "doc", "care", "care"],
            "minutes": [10.0, 5.0, 85.0, 200.0],
        }
    )
    days = staff_day_minutes(acts, sessions).set_index("session_id")
    assert days.loc["a", "doc"] == 15 and days.loc["b", "doc"] == 0 and days.loc["b", "care"] == 200
    table = minutes_per_day(days.reset_index(), ["doc", "care"], level=0.95).set_index("activity_group")
    # mean minutes: doc (15 + 0) / 2 = 7.5; share of time: 15 / 300 = 0.05 (ratio estimator)
    assert table.loc["doc", "minutes_per_day"] == pytest.approx(7.5)
    assert table.loc["doc", "share_of_time"] == pytest.approx(0.05)
    assert table.loc["doc", ["n_staff_days", "n_staff", "n_municipalities"]].tolist() == [2, 2, 1]


def test_mean_interval_by_hand():
    v = np.array([1.0, 3.0, 2.0, 6.0])
    munis, staff = ["a", "a", "b", "b"], ["1", "2", "3", "4"]
    r = mean_interval(v, munis, staff)
    # totals a 4, b 8 over 2 days each: mean 3; residual totals -2, 2: SE² = 2/1 · 8 / 16 = 1
    assert (r["estimate"], r["se"], r["df"]) == (pytest.approx(3.0), pytest.approx(1.0), 1)
    assert r["ci_high"] == pytest.approx(3 + 12.7062, abs=1e-4)  # t(1) = 12.7062
    ratio = mean_interval(v, munis, staff, denominator=np.array([4.0, 4.0, 2.0, 2.0]))
    # θ = 12 / 12 = 1; residual totals 4 - 8, 8 - 4: SE² = 2 · 32 / 144, SE = 8 / 12
    assert (ratio["estimate"], ratio["se"]) == (pytest.approx(1.0), pytest.approx(8 / 12))
    assert np.isnan(mean_interval(v, ["a"] * 4, staff)["ci_low"])  # one municipality: no interval
    with pytest.raises(ValueError, match="two municipalities"):
        mean_interval(v, munis, ["1", "1", "1", "2"])


def test_mean_interval_matches_statsmodels_cluster_robust_ols():
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    y, muni, staff = simulate_clustered(rng, n_muni=7)
    r = mean_interval(y, muni, staff)
    groups = pd.factorize(muni)[0]
    fit = sm.OLS(y, np.ones(len(y))).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    assert r["se"] == pytest.approx(fit.bse[0], rel=1e-10)  # CR1 with one regressor: G/(G-1)
    assert [r["ci_low"], r["ci_high"]] == pytest.approx(list(fit.conf_int()[0]), rel=1e-10)


def test_variance_components_reproduce_lme4_on_pastes():
    """lme4: lmer(strength ~ 1 + (1 | batch/cask), Pastes) gives variances batch 1.657, sample (cask within
    batch) 8.434, residual 0.678 and intercept 60.0533 (Bates, lme4 book, ch. 2)."""
    from tests.conftest import DATA

    pastes = pd.read_csv(DATA / "Pastes.csv")
    vc = variance_components(pastes["strength"].to_numpy(), pastes["batch"].to_numpy(), pastes["cask"].to_numpy())
    assert vc["mean"] == pytest.approx(60.0533, abs=1e-3)
    assert vc["var_municipality"] == pytest.approx(1.657, abs=0.01)
    assert vc["var_staff"] == pytest.approx(8.434, abs=0.01)
    assert vc["var_residual"] == pytest.approx(0.678, abs=0.005)


def test_design_effect_by_hand():
    # ρ_m = 0.2, ρ_s = 0.3, D = 3 days, K = 4 staff: 1 + 0.3·2 + 0.2·11 = 3.8
    assert design_effect(0.2, 0.3, 3, 4) == pytest.approx(3.8)
    # with no clustering the design effect is 1
    assert design_effect(0.0, 0.0, 5, 10) == 1.0


def test_planner_by_hand():
    # σ²_m = 100, σ²_s = 200, σ²_e = 400, K = 4, D = 2: per municipality 100 + 50 + 50 = 200;
    # z = 1.959964, E = 5 → M = 200 × (1.959964 / 5)² = 30.73 → 31
    assert municipalities_needed(5, 100, 200, 400, 4, 2) == 31
    t = design_table(5, 100, 200, 400, staff_options=(4,), day_options=(2,))
    assert t[["municipalities", "staff", "staff_days"]].iloc[0].tolist() == [31, 124, 248]
    assert t["design_effect"].iloc[0] == pytest.approx(1 + 200 / 700 * 1 + 100 / 700 * 7)


def test_verify_assumptions_by_hand():
    addressable = pd.DataFrame(
        {
            "service": ["home", "gp", "hs"],
            "baseline_addressable_minutes": [100.0, 40.0, 20.0],
            "ci_low": [80.0, 30.0, 10.0],
            "ci_high": [125.0, 50.0, 30.0],
            "n_staff": [20, 20, 20],
        }
    )
    assumed = pd.Series({"home": 21.0, "gp": 20.0, "hs": 21.0})
    v = verify_assumptions(addressable, assumed, 0.30, 0.60).set_index("service")
    assert v.loc["home", "implied_reduction"] == pytest.approx(0.21)
    assert (v.loc["home", "ci_low"], v.loc["home", "ci_high"]) == pytest.approx((21 / 125, 21 / 80))
    assert v["verdict"].tolist() == ["plausible", "questionable", "implausible"]


def test_national_extrapolation_by_hand():
    addressable = pd.DataFrame(
        {
            "service": ["home"],
            "baseline_addressable_minutes": [60.0],
            "ci_low": [50.0],
            "ci_high": [70.0],
            "n_staff": [10],
        }
    )
    services = pd.DataFrame({"ftes": [1000], "monthly_labour_cost": [55000]}, index=["home"])
    n = national_extrapolation(addressable, services, hours_per_fte=1650, working_days=230).iloc[0]
    # 1 hour a day × 230 days × 1000 FTEs = 230 000 hours; × 400 NOK/hour (55 000 × 12 / 1650) = 92 MNOK
    assert n["hours_per_year"] == pytest.approx(230_000)
    assert n["mnok_per_year"] == pytest.approx(92.0)


def simulate_clustered(rng, n_muni=20, n_staff=3, n_days=3, mu=100.0, sd_m=20.0, sd_s=10.0, sd_e=10.0):
    muni = np.repeat(np.arange(n_muni), n_staff * n_days)
    staff = np.repeat(np.arange(n_muni * n_staff), n_days)
    y = (
        mu
        + rng.normal(0, sd_m, n_muni)[muni]
        + rng.normal(0, sd_s, n_muni * n_staff)[staff]
        + rng.normal(0, sd_e, len(muni))
    )
    return y, muni.astype(str), staff.astype(str)


def test_cluster_interval_covers_about_95_percent_and_naive_does_not():
    """300 simulated data sets with strong municipality effects; true mean 100 (the full study: test_coverage)."""
    rng = np.random.default_rng(2020)
    cluster_hits = naive_hits = 0
    n_sim = 300
    for _ in range(n_sim):
        y, muni, staff = simulate_clustered(rng)
        b = mean_interval(y, muni, staff, 0.95)
        cluster_hits += b["ci_low"] <= 100 <= b["ci_high"]
        _, lo, hi = naive_mean_interval(y)
        naive_hits += lo <= 100 <= hi
    assert 0.91 <= cluster_hits / n_sim <= 0.98
    assert naive_hits / n_sim < 0.75


def test_mixed_model_recovers_simulated_components():
    rng = np.random.default_rng(5)
    y, muni, staff = simulate_clustered(rng, n_muni=60, n_staff=5, n_days=3, sd_m=12, sd_s=8, sd_e=6)
    vc = variance_components(y, muni, staff)
    assert vc["var_municipality"] == pytest.approx(144, rel=0.35)
    assert vc["var_staff"] == pytest.approx(64, rel=0.35)
    assert vc["var_residual"] == pytest.approx(36, rel=0.15)
