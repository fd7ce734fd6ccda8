"""Participation: coverage, the 2020 population figures, the crosswalk, Bass and logistic models."""

import numpy as np
import pandas as pd
import pytest

from ejournal_lib.common.errors import InputError
from ejournal_lib.common.labels import label, relabel
from ejournal_lib.common.municipalities import (
    fewest_to_reach,
    load_crosswalk,
    load_midt_norge,
    load_population,
    map_2019_to_2020,
    outside_midt_norge,
    suggest_2020_code,
)
from ejournal_lib.participation.adoption import (
    AdoptionFitError,
    bass_new,
    bass_new_jacobian,
    bootstrap_forecast,
    check_adoption_series,
    fit_bass,
    fit_logistic,
    logistic_cumulative,
)
from ejournal_lib.participation.public_status import largest_not_known_signed
from ejournal_lib.participation.register import (
    coverage_by_date,
    load_commitment_register,
    target_crossing,
)


@pytest.fixture(scope="module")
def raw(root):
    return root / "data" / "raw"


@pytest.fixture(scope="module")
def area(raw):
    pop = load_population(raw / "population_municipality_2020.csv")
    return outside_midt_norge(pop, load_midt_norge(raw / "midt_norge_municipalities_2020.csv")["municipality_code"])


@pytest.fixture(scope="module")
def crosswalk(raw):
    return load_crosswalk(raw / "municipality_changes_2019_2020.csv")


def test_2020_figures_match_statistics_norway(raw, area):
    pop = load_population(raw / "population_municipality_2020.csv")
    assert pop["population"].sum() == 5_367_580 and len(pop) == 356
    assert area["population"].sum() == 4_633_640 and len(area) == 292
    k = fewest_to_reach(area, 0.5)
    assert len(k) == 19 and k["population"].sum() == 2_320_920
    assert list(k["municipality_name"].iloc[[0, -1]]) == ["Oslo", "Larvik"]
    # with Bindal also excluded: 4 632 214 and still 19
    alt = outside_midt_norge(pop, set(area["municipality_code"]) ^ set(pop["municipality_code"]) | {"1811"})
    assert alt["population"].sum() == 4_632_214 and len(fewest_to_reach(alt, 0.5)) == 19


def test_ranking_matches_the_independent_reference_file(area):
    from tests.conftest import DATA

    ref = pd.read_csv(DATA / "outside_midt_norge_ranked_2020.csv", dtype={"municipality_code": str})
    assert ref["municipality_code"].tolist() == area["municipality_code"].tolist()
    assert np.allclose(ref["cumulative_share"], area["cumulative_share"], atol=1e-6)


FIVE = pd.DataFrame(
    {
        "municipality_code": ["0001", "0002", "0003", "0004", "0005"],
        "municipality_name": list("ABCDE"),
        "population": [500, 250, 150, 60, 40],
    }
)


def test_coverage_on_five_municipalities():
    # total 1000; A signs 2020-03-01 (50 %), C and E on 2020-06-01 (+19 %), B declines
    reg = pd.DataFrame(
        {
            "municipality_code": ["0001", "0002", "0003", "0005", "0004"],
            "status": ["signed", "declined", "signed", "signed", "undecided"],
            "date": pd.to_datetime(["2020-03-01", "2020-04-01", "2020-06-01", "2020-06-01", None]),
        }
    )
    cov = coverage_by_date(reg, FIVE)
    assert cov["date"].tolist() == ["2020-03-01", "2020-06-01"]
    assert cov["municipalities_signed"].tolist() == [1, 3]
    assert cov["population_signed"].tolist() == [500, 690]
    assert cov["share_of_population_outside_midt_norge"].tolist() == pytest.approx([0.5, 0.69])
    assert target_crossing(cov, 0.5) == "2020-03-01"
    assert target_crossing(cov, 0.7) is None
    ranked = outside_midt_norge(FIVE, [])
    assert len(fewest_to_reach(ranked, 0.5)) == 1 and len(fewest_to_reach(ranked, 0.75)) == 2
    # public sources name A and E as signed; the others are unknown, never "not signed"
    ranked["public_status"] = ranked["municipality_name"].map({"A": "signed", "E": "signed"}).fillna("not_named")
    lu = largest_not_known_signed(ranked)
    assert lu["municipality_name"].tolist() == ["B", "C", "D"]
    assert lu["adds_share"].tolist() == pytest.approx([0.25, 0.15, 0.06])


def test_crosswalk_merged_and_split(crosswalk):
    # Bærum 0219 → 3024 (renumbered); Asker 0220 + Hurum 0628 + Røyken 0627 → 3025 (merged);
    # Tysfjord 1850 → Narvik 1806 and Hamarøy 1875 (split: flagged, never summed)
    df = pd.DataFrame({"municipality_code": ["0219", "0220", "0627", "0628", "1850"], "staff": [10, 1, 2, 3, 100]})
    mapped, flagged = map_2019_to_2020(df, crosswalk, sum_cols=("staff",))
    m = mapped.set_index("municipality_code")["staff"]
    assert m["3024"] == 10 and m["3025"] == 6
    assert "1806" not in m.index and "1875" not in m.index
    assert flagged["municipality_code"].tolist() == ["1850"]
    assert flagged["municipality_codes_2020"].iloc[0] == "1806/1875"
    assert suggest_2020_code("0219", crosswalk) == "3024"


def test_register_errors(tmp_path, area, crosswalk):
    f = tmp_path / "commitment_register.csv"
    f.write_text(
        "municipality_code,status,date,note\n"
        "0219,signed,2020-05-01,\n"  # retired 2019 code → suggest 3024
        "0301,signed,2020-05-01,\n"
        "0301,declined,2020-06-01,\n"  # duplicate municipality
        "1505,signed,2020-05-01,\n"  # Kristiansund: Midt-Norge, outside the area
        "4601,signed,2030-01-01,\n"  # after the analysis date
        "3024,maybe,2020-01-01,\n"  # unknown status
        "1103,signed,,\n",
        encoding="utf-8",
    )  # signed without a date
    with pytest.raises(InputError) as err:
        load_commitment_register(f, area, crosswalk, as_of="2021-12-31")
    text = str(err.value)
    assert "row 2, column 'municipality_code': 0219 is a 2019 code, not a 2020 code; use 3024" in text
    assert "row 4, column 'municipality_code': duplicate key" in text
    assert "row 5, column 'municipality_code': 1505 is not in the area" in text
    assert "row 6, column 'date': date 2030-01-01 is after the analysis date 2021-12-31" in text
    assert "row 7, column 'status': unknown value 'maybe'" in text
    assert "row 8, column 'date': a 'signed' row needs a date" in text


def test_bass_ols_three_points_by_hand():
    """n = 5, 8, 9 with N(t−1) = 0, 5, 13: a = 5; 5b + 25c = 3; 13b + 169c = 4 → c = −3.8/104,
    b = 0.6 − 5c; m = (−b − √(b² − 4ac)) / 2c = 26.5711, p = a/m = 0.18817, q = −c·m = 0.97087."""
    c = -3.8 / 104
    b = 0.6 - 5 * c
    m = (-b - np.sqrt(b * b - 4 * 5 * c)) / (2 * c)
    fit = fit_bass([5, 8, 9], "ols")
    assert (fit.m, fit.p, fit.q) == pytest.approx((m, 5 / m, -c * m))
    assert fit.m == pytest.approx(26.5711, abs=1e-4)
    assert np.isnan(fit.se_m) and fit.warnings == ["se_undefined_saturated"]
    with pytest.raises(AdoptionFitError, match="at least 3 periods") as err:
        fit_bass([5, 8], "ols")
    assert err.value.code == "too_few_periods"


def test_bass_ols_standard_errors_by_finite_differences():
    import statsmodels.api as sm

    n = bass_new(14, 200, 0.02, 0.45) + np.random.default_rng(3).normal(0, 1.0, 14)
    fit = fit_bass(n, "ols")
    N_lag = np.concatenate([[0.0], np.cumsum(n)[:-1]])
    res = sm.OLS(n, np.column_stack([np.ones(14), N_lag, N_lag**2])).fit()

    def mpq(theta):
        a, b, c = theta
        m = (-b - np.sqrt(b * b - 4 * a * c)) / (2 * c)
        return np.array([m, a / m, -c * m])

    theta = res.params
    J = np.column_stack([(mpq(theta + h) - mpq(theta - h)) / (2 * 1e-7) for h in np.eye(3) * 1e-7])
    se = np.sqrt(np.diag(J @ res.cov_params() @ J.T))
    assert (fit.se_m, fit.se_p, fit.se_q) == pytest.approx(tuple(se), rel=1e-4)


def test_bass_nls_recovers_known_parameters():
    rng = np.random.default_rng(11)
    truth = (300.0, 0.015, 0.38)
    n = bass_new(20, *truth) + rng.normal(0, 0.8, 20)
    fit = fit_bass(n, "nls")
    assert fit.m == pytest.approx(truth[0], rel=0.03)
    assert fit.p == pytest.approx(truth[1], rel=0.15)
    assert fit.q == pytest.approx(truth[2], rel=0.05)
    # the truth lies within about 3 standard errors
    assert abs(fit.m - truth[0]) < 3 * fit.se_m and abs(fit.q - truth[2]) < 3 * fit.se_q


@pytest.mark.parametrize("theta", [(300.0, 0.015, 0.38), (0.64, 0.2, 1.5), (50.0, -0.02, 0.6)])
def test_bass_jacobian_matches_central_differences(theta):
    h = np.array(theta) * 1e-6
    numeric = np.column_stack(
        [(bass_new(15, *(theta + dh)) - bass_new(15, *(theta - dh))) / (2 * dh[i]) for i, dh in enumerate(np.diag(h))]
    )
    assert bass_new_jacobian(15, *theta) == pytest.approx(numeric, rel=1e-6, abs=1e-7 * theta[0])


def test_negative_p_is_flagged():
    # n(t) follows −0.5 + N(t−1) − 0.01·N(t−1)² after a first period of 1: the regression's intercept,
    # and so p = a/m, is negative
    n = [1.0]
    for _ in range(11):
        N = sum(n)
        n.append(-0.5 + N - 0.01 * N * N)
    fit = fit_bass(n, "ols")
    assert fit.p_negative and "negative_p" in fit.warnings
    row = fit.as_row("municipalities")
    assert label("fit_warning", "negative_p") in relabel(pd.DataFrame([row]), "participation_bass_fit")["Merknad"][0]


# the example data's quarterly new population shares: they fall off sharply after a jump, so an unconstrained
# fit puts the market potential below what has already committed
FALLING = np.array([0.0746, 0.2482, 0.0593, 0.0784, 0.0762, 0.0531, 0.0272, 0.0265])


def test_a_fit_on_its_bound_says_so_and_gives_no_standard_error():
    from scipy import optimize

    # independent check: without bounds the least-squares potential is below the observed total
    free = optimize.least_squares(lambda th: bass_new(8, *th) - FALLING, [0.8, 0.05, 0.3], method="lm")
    assert free.x[0] < FALLING.sum()
    fit = fit_bass(FALLING, "nls")
    assert fit.m == pytest.approx(0.999 * FALLING.sum(), rel=2e-3)  # on its lower bound
    assert "market_potential_at_bound" in fit.warnings and np.isnan([fit.se_m, fit.se_p, fit.se_q]).all()
    logistic = fit_logistic(np.cumsum(FALLING))
    assert "market_potential_at_bound" in logistic.warnings and np.isnan(logistic.se).all()
    # an interior fit (simulated Bass data, potential well above the observed) is not flagged
    healthy = fit_bass(bass_new(20, 300.0, 0.015, 0.38) + np.random.default_rng(11).normal(0, 0.8, 20), "nls")
    assert not {"market_potential_at_bound", "parameter_at_bound"} & set(healthy.warnings)
    assert np.isfinite([healthy.se_m, healthy.se_p, healthy.se_q]).all()


def test_a_regression_potential_below_the_observed_is_flagged():
    # n(t) = 5 + 0.5·N(t−1) − 0.02·N(t−1)² has its root at m = (0.5 + √(0.25 + 0.4)) / 0.04 = 32.7; floored at
    # 0.5 new adopters a quarter the series runs on to 33.3, past it, and the regression puts m near 33.0
    n = [5.0]
    for _ in range(7):
        N = sum(n)
        n.append(max(5 + 0.5 * N - 0.02 * N * N, 0.5))
    fit = fit_bass(n, "ols")
    assert fit.m == pytest.approx(33.0, abs=0.5) and fit.m < sum(n) == pytest.approx(33.27, abs=0.01)
    assert "market_potential_below_observed" in fit.warnings
    assert "market_potential_below_observed" not in fit_bass([5, 8, 9, 10, 12], "ols").warnings  # m ≈ 102 > 44


def test_adoption_series_checks():
    with pytest.raises(ValueError, match="declared cumulative but falls at position 2"):
        check_adoption_series([1, 3, 2], cumulative=True)
    with pytest.raises(ValueError, match="cannot be negative"):
        fit_bass([1, -2, 3, 4])
    with pytest.raises(ValueError, match="method"):
        fit_bass([1, 2, 3, 4], method="ml")


def test_logistic_fit_recovers_parameters():
    t = np.arange(1, 16, dtype=float)
    y = logistic_cumulative(t, 0.8, 0.6, 7.0)
    fit = fit_logistic(y, t)
    assert (fit.m, fit.k, fit.t0) == pytest.approx((0.8, 0.6, 7.0), rel=1e-4)


def test_bootstrap_interval_covers_point_and_is_seeded():
    n = bass_new(12, 1.0, 0.05, 0.3) + np.random.default_rng(2).normal(0, 0.004, 12)
    a = bootstrap_forecast(n, 6, n_boot=80, seed=4)
    b = bootstrap_forecast(n, 6, n_boot=80, seed=4)
    assert np.array_equal(a["low"], b["low"])
    assert np.all(a["low"] <= a["point"] + 1e-9) and np.all(a["point"] <= a["high"] + 1e-9)


def test_cumulative_forecast_never_falls_below_what_is_observed():
    # a series whose last quarters run above the model: an unconditioned fit would forecast below them
    n = np.concatenate([bass_new(8, 1.0, 0.03, 0.4), [0.2, 0.2]])
    observed = n.sum()
    f = bootstrap_forecast(n, 8, n_boot=20, seed=1)
    ahead = f["period"] > len(n)
    assert np.all(f["low"][ahead] >= observed - 1e-12)
    assert np.all(f["point"][ahead] >= observed - 1e-12) and f["final"] >= observed
    assert np.all(np.diff(f["point"][ahead]) >= -1e-12)  # cumulative: never decreasing


def test_scenario_shares_outside_0_1_are_errors():
    from ejournal_lib.participation.register import participation_scenario_curves

    with pytest.raises(ValueError, match="between 0 and 1"):
        participation_scenario_curves({2025: 0.1, 2030: 0.85}, range(2021, 2041), {"høy": 1.2})
    curves = participation_scenario_curves({2025: 0.1, 2030: 0.85}, range(2021, 2041), {"lav": 0.5})
    assert curves["lav"].max() == pytest.approx(0.5)


def test_a_cumulative_series_is_differenced_on_request_and_flagged_otherwise():
    new = bass_new(10, 1.0, 0.03, 0.4)
    direct = fit_bass(new, "nls")
    from_cumulative = fit_bass(np.cumsum(new), "nls", cumulative=True)
    assert (from_cumulative.m, from_cumulative.p, from_cumulative.q) == pytest.approx((direct.m, direct.p, direct.q))
    mistaken = fit_bass(np.cumsum(new), "ols")  # cumulative passed as new adopters
    assert "looks_cumulative" in mistaken.warnings
    assert "looks_cumulative" not in direct.warnings


def test_the_forecast_table_keeps_each_forecast_inside_its_band_and_gives_no_band_to_observed_quarters():
    """Issue 21: the table showed a fitted value above its own P90 in observed quarters (the band there is the
    refits', not a forecast's). With the example register's series, which sits on its bound."""
    from ejournal_lib.participation.tables import commitment_forecast_table

    series = pd.DataFrame(
        {"period": [f"{y}Q{q}" for y in (2020, 2021) for q in range(1, 5)], "new_population_share": FALLING}
    )
    table = commitment_forecast_table(series, bootstrap_forecast(FALLING, 12, n_boot=60, seed=3))
    observed = table["observed_share"].notna()
    assert table.loc[observed, ["low", "high"]].isna().all().all()
    ahead = table[~observed]
    assert len(ahead) == 12 and (ahead["low"] <= ahead["forecast_share"] + 1e-12).all()
    assert (ahead["forecast_share"] <= ahead["high"] + 1e-12).all()
